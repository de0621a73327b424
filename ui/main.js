// Entry: wires the views to the Rust side. The profile list from Rust is the
// only truth; every change re-renders from the list Rust sends back.

import * as api from './api.js';
import { $ } from './dom.js';
import { mountForm } from './views/form.js';
import { mountCards } from './views/cards.js';
import { mountSetup } from './views/setup.js';
import { mountGatewayBar, renderGatewayBar } from './views/gateway-bar.js';
import { mountReference } from './views/reference.js';
import { mountDiagnostics } from './views/diagnostics.js';

let profiles = [];

function show(view) {
  $('#setup-view').hidden = view !== 'setup';
  $('#main-view').hidden = view !== 'main';
  $('#gateway-bar').hidden = view !== 'main';
  const warning = $('#gateway-warning');
  warning.hidden = view !== 'main' || warning.textContent === '';
}

function showProfiles(list) {
  profiles = list;
  if (profiles.length === 0) {
    show('setup');
    setup.open(null, { firstRun: true });
    return;
  }
  renderGatewayBar(profiles);
  show('main');
}

const setup = mountSetup({
  save: api.saveProfile,
  remove: api.deleteProfile,
  test: api.testConnection,
  useDemo: api.useDemoGateway,
  onDone(list) { showProfiles(list ?? profiles); },
});

mountGatewayBar({
  onSwitch(id) {
    api.setActiveProfile(id).then(showProfiles).catch((error) => {
      $('#key-status').textContent = error.message;
    });
  },
  onEdit() {
    show('setup');
    setup.open(profiles.find((p) => p.active) ?? null, { firstRun: false });
  },
  onAdd() {
    show('setup');
    setup.open(null, { firstRun: false });
  },
});

const reference = mountReference({
  api,
  currentSize: () => document.querySelector('input[name="size"]:checked')?.value ?? '16:9',
});
document.querySelectorAll('input[name="size"]').forEach((radio) =>
  radio.addEventListener('change', () => reference.refresh()));

const cards = mountCards($('#job-list'), {
  async play(row, cardNode) {
    const player = cardNode.querySelector('.card-player');
    try {
      const video = document.createElement('video');
      video.controls = true;
      video.src = await api.videoUrl(row.file_path);
      player.replaceChildren(video);
      video.play().catch(() => {});
    } catch (error) {
      player.textContent = error.message;
    }
  },
  reveal(row) { api.revealJob(row.id).catch((error) => cards.update({ ...row, error_message: error.message })); },
  retryDownload(row) { api.retryDownload(row.id).then(cards.update).catch((error) => cards.update({ ...row, download_error_message: error.message })); },
  copyPrompt(row) { navigator.clipboard?.writeText(row.prompt); },
  runAgain(row) { form.fill(row); },
  async remove(row) {
    try {
      await api.deleteJob(row.id, true);
      cards.remove(row.id);
    } catch (error) {
      cards.update({ ...row, error_message: error.message });
    }
  },
});

const form = mountForm({
  async onSubmit(request, say) {
    say('Sending…');
    try {
      const row = await api.submitJob({ ...request, reference: reference.current() });
      cards.update(row);
      say(row.status === 'failed' || row.status === 'uncertain' ? row.error_message : 'Sent. The video appears on the right.', row.status === 'running' ? 'ok' : 'error');
    } catch (error) {
      say(error.message, 'error');
    }
  },
});

api.onJobChanged((row) => cards.update(row));
api.listJobs().then((page) => cards.show(page.jobs)).catch((error) => {
  $('#job-list').textContent = error.message;
});

api.listProfiles().then(showProfiles).catch((error) => {
  show('setup');
  setup.open(null, { firstRun: true });
  $('#setup-status').textContent = error.message;
}).finally(() => { document.body.dataset.ready = 'true'; });

api.appInfo()
  .then((info) => { $('#app-version').textContent = `${info.name} ${info.version}`; })
  .catch((error) => { $('#app-version').textContent = error.message; });

mountDiagnostics({ text: api.diagnosticsText, save: () => api.exportDiagnostics() });
