// Entry: wires the views to the Rust side.

import * as api from './api.js';
import { $ } from './dom.js';
import { mountForm } from './views/form.js';
import { renderJobs } from './views/cards.js';

mountForm({
  onSubmit(_request, say) {
    say('No gateway is connected yet, so nothing was sent.', 'error');
  },
});

renderJobs($('#job-list'), []);

api.appInfo()
  .then((info) => { $('#app-version').textContent = `${info.name} ${info.version}`; })
  .catch((error) => { $('#app-version').textContent = error.message; });
