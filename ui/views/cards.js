// The job list. Renders only from the jobs it is given; holds no state of its own.

import { el, $ } from '../dom.js';

export function renderJobs(container, jobs) {
  container.replaceChildren(jobs.length === 0 ? emptyState() : el('ul', { class: 'cards' }));
}

function emptyState() {
  return $('#empty-jobs').content.cloneNode(true);
}
