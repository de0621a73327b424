// @ts-check
// Entry: wires the views to the Rust side. The profile list from Rust is the
// only truth; every change re-renders from the list Rust sends back.

import * as api from './api.js';
import { $, tellDisclosures } from './dom.js';
import { useLanguage, languageFor, t, errorText, problemText } from './i18n.js';
import { mountForm } from './views/form.js';
import { mountCards, statusText } from './views/cards.js';
import { shortPrompt } from './short-prompt.js';
import { mountPlayer } from './views/player.js';
import { mountSetup } from './views/setup.js';
import { mountGatewayBar, renderGatewayBar } from './views/gateway-bar.js';
import { mountReference } from './views/reference.js';
import { mountPictures } from './views/pictures.js';
import { mountPresets } from './views/presets.js';
import { mountSettings, applyTheme } from './views/settings.js';
import { mountHistory } from './views/history.js';
import { mountVideoFolder } from './views/video-folder.js';
import { mountBatch } from './views/batch.js';
import { mountStory } from './views/story.js';
import { mountCompare } from './views/compare.js';
import { mountDiagnostics } from './views/diagnostics.js';
import { mountDetails } from './views/details.js';
import { mountRemove } from './views/remove.js';
import { mark, timeline } from './timeline.js';

mark('modules loaded');
tellDisclosures();

// Strings and settings come first: every view renders in the user's language.
/** Settings that cannot be read: the defaults, for this run. */
/** @type {import('./types/SettingsView').SettingsView} */
const DEFAULT_SETTINGS = {
  language: null, theme: 'system', last_form: null, presets: [], prices: {}, currency: '', system_language: null,
};
const [settings, { models: catalog, problem: catalogProblem }] = await Promise.all([
  api.getSettings().catch(() => DEFAULT_SETTINGS),
  api.modelCatalog(),
]);
mark('settings and catalog read');
applyTheme(settings.theme);
await useLanguage(settings.language ?? settings.system_language ?? languageFor(navigator.language), api.uiStrings);
mark('strings loaded');

/** @type {import('./types/ProfileView').ProfileView[]} */
let profiles = [];

/** @param {'setup' | 'main'} view */
function show(view) {
  $('#setup-view').hidden = view !== 'setup';
  $('#main-view').hidden = view !== 'main';
  $('#gateway-bar').hidden = view !== 'main';
  const warning = $('#gateway-warning');
  warning.hidden = view !== 'main' || warning.textContent === '';
  // The focus never stays behind in a view that was hidden (after Save and continue):
  // the keyboard goes on from the prompt.
  if (view === 'main' && $('#setup-view').contains(document.activeElement)) $('#prompt').focus();
}

/** @param {import('./types/ProfileView').ProfileView[]} list */
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
    // Each gateway has its own pace: the time estimate follows the switch.
    api.setActiveProfile(id).then(showProfiles).then(() => form.refreshEstimate()).catch((error) => {
      $('#key-status').textContent = errorText(error);
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
  onRemoveDemo() {
    const demo = profiles.find((p) => p.demo);
    if (!demo) return;
    api.deleteProfile(demo.id).then(showProfiles).catch((error) => {
      $('#key-status').textContent = errorText(error);
    });
  },
});

const reference = mountReference({
  api,
  currentSize: () => form.size(),
  onPicture: (path) => form.pictureChanged(path),
});
$('#size-field').addEventListener('change', () => reference.refresh());
const pictures = mountPictures({ api });
// Every picture the form sends: the first frame, and what the model takes beside it.
const formPictures = () => {
  const first = reference.current();
  return { reference: first, last_frame: pictures.lastFrame(first?.fit), reference_images: pictures.ingredients() };
};

const details = mountDetails({ api });
const remaking = new Set();
const player = mountPlayer({
  videoUrl: api.videoUrl,
  onChange: (id) => cards.showPlaying(id),
  onError: (where, error) => { where.textContent = errorText(error); },
});

const compare = mountCompare({
  api,
  beforePlaying: () => player.stop(),
  onKept: (rows) => rows.forEach((row) => cards.update(row)),
});

const cards = mountCards({ container: $('#job-list'), actions: {
  play(row, cardNode) { player.toggle(row.id, $('.card-player', cardNode)); },
  poster: (id) => api.jobPoster(id),
  reveal(row) { api.revealJob(row.id).catch((error) => cards.tell(row.id, error)); },
  checkAgain(row) { api.checkAgain(row.id).then(cards.update).catch((error) => cards.tell(row.id, error)); },
  retryDownload(row) { api.retryDownload(row.id).then(cards.update).catch((error) => cards.tell(row.id, error)); },
  copyPrompt(row) { navigator.clipboard?.writeText(row.prompt); },
  details(row) { details.open(row); },
  runAgain(row) { form.fill(row); },
  addToStory(row) { story.add(row); },
  isChosen: compare.isChosen,
  choose: compare.choose,
  // The next shot: this one's last frame as the picture, its settings in the form.
  async continueShot(row) {
    $('#form-status').textContent = t('form.continues.taking');
    try {
      const next = await api.continueShot(row.id);
      form.continueFrom(next);
      await reference.use(next.picture);
      $('#form-status').textContent = '';
    } catch (error) {
      $('#form-status').textContent = '';
      cards.tell(row.id, error);
    }
  },
  // One request per card at a time: a double press must not make two videos.
  async makeAgain(row, switchSizes = false) {
    if (remaking.has(row.id)) return;
    remaking.add(row.id);
    try {
      cards.update(await api.makeAgain(row.id, switchSizes));
    } catch (error) {
      cards.tell(row.id, error);
    } finally {
      remaking.delete(row.id);
    }
  },
  async saveAs(row) {
    const said = $('#jobs-status');
    try {
      const path = await api.saveJobAs(row.id);
      if (path) {
        said.textContent = t('jobs.savedAs', { path });
        said.dataset.tone = 'ok';
      }
    } catch (error) {
      said.textContent = errorText(error);
      said.dataset.tone = 'error';
    }
  },
  remove(row, opener) { removal.open(row, opener); },
} });
const removal = mountRemove({
  api,
  onRemoved(row, said, failed) {
    if (!row) {
      if (failed) cards.tell(failed.id, said);
      return;
    }
    player.stopFor(row.id);
    compare.forget(row.id);
    cards.remove(row.id);
    story.reload();
    const status = $('#jobs-status');
    status.textContent = said;
    status.dataset.tone = 'info';
  },
});

const form = mountForm({
  catalog,
  onModel: (spec) => pictures.show(spec),
  timeEstimate: api.timeEstimate,
  async onSubmit(request, say) {
    say(t('form.sending'));
    const upload = $('#upload-progress');
    const stop = $('#stop-upload');
    const generate = $('#generate');
    const uploadId = crypto.randomUUID();
    let answered = false;
    /** @param {import('./types/UploadUpdate').UploadUpdate} update */
    const onUpload = ({ sent, total }) => {
      // A late message must not bring the bar back after the answer.
      if (answered || total === 0) return;
      upload.hidden = false;
      upload.value = sent / total;
      // Once all of it has gone out the gateway may be making the video: no stopping.
      stop.hidden = sent >= total;
      say(sent < total ? t('upload.progress', { percent: Math.floor((100 * sent) / total) }) : t('upload.sent'));
    };
    stop.onclick = async () => {
      if (!(await api.stopUpload(uploadId))) say(t('upload.tooLate'));
    };
    // One request at a time from the form: a double press must not make two videos.
    generate.disabled = true;
    try {
      const sent = formPictures();
      const continues = form.continuing(sent.reference?.path);
      const row = await api.submitJob({ ...request, ...sent, continues }, uploadId, onUpload);
      cards.update(row);
      if (row.status === 'running') form.stopContinuing();
      /** @type {Partial<Record<typeof row.status, string>>} */
      const tones = { running: 'ok', cancelled: 'info' };
      const tone = tones[row.status] ?? 'error';
      say(row.status === 'running' ? t('form.sent') : problemText(row.error), tone);
    } catch (error) {
      say(errorText(error), 'error');
    } finally {
      answered = true;
      upload.hidden = true;
      stop.hidden = true;
      generate.disabled = false;
    }
  },
  async onPlan(request, say) {
    try {
      await story.plan({ ...request, ...formPictures(), continues: null });
      say(t('story.planned'), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
  },
  onSettingsChange(current) {
    api.rememberForm(current).catch(() => {}); // losing the memory of a choice is harmless
  },
});
if (settings.last_form) form.apply(settings.last_form);
if (catalogProblem) $('#form-status').textContent = catalogProblem;
form.setPrices(settings);

const presets = mountPresets({ api, current: () => form.settings(), apply: (saved) => form.apply(saved) });
presets.render(settings);

const settingsDialog = mountSettings({
  api,
  catalog,
  onSaved(next, before) {
    applyTheme(next.theme);
    form.setPrices(next);
    if ((next.language ?? null) !== (before?.language ?? null)) {
      // Every view renders again in the new language; the prompt is kept.
      sessionStorage.setItem('prompt', $('#prompt').value);
      window.location.reload();
    }
  },
});
settingsDialog.fill(settings);
const keptPrompt = sessionStorage.getItem('prompt');
if (keptPrompt !== null) {
  sessionStorage.removeItem('prompt');
  $('#prompt').value = keptPrompt;
  $('#prompt').dispatchEvent(new Event('input'));
}

const history = mountHistory({ listJobs: api.listJobs, cards });
const showIfListed = (/** @type {import('./types/JobRow').JobRow} */ row) => {
  if (cards.has(row.id) || history.accepts(row)) cards.update(row);
};
const batch = mountBatch({
  container: $('#batch-view'),
  api,
  settings: () => form.settings(),
  onQueued: showIfListed,
});
const story = mountStory({ container: $('#story-view'), api });
// A job's status changes a few times; its progress many. The queue's counts and what a
// screen reader hears follow the status only: "A paper boat…: Saved as boat.mp4", once.
const lastStatus = new Map();
const announcer = $('#job-announcer');
api.onJobChanged((row) => {
  showIfListed(row);
  story.jobChanged(row);
  compare.jobChanged(row);
  const said = statusText(row);
  if (lastStatus.get(row.id) !== said) {
    lastStatus.set(row.id, said);
    batch.refresh();
    announcer.textContent = t('jobs.announce', { prompt: shortPrompt(row.prompt), status: said });
  }
  // A finished video teaches the estimate how long such videos take.
  if (row.status === 'completed') form.refreshEstimate();
});
history.reload();
mountVideoFolder(api);

api.listProfiles().then((list) => {
  mark('profiles read');
  showProfiles(list);
  mark('shown');
}).catch((error) => {
  show('setup');
  setup.open(null, { firstRun: true });
  $('#setup-status').textContent = errorText(error);
}).finally(() => {
  document.body.dataset.ready = 'true';
  // After the next paint, so the report means "visible", not just "in the DOM".
  // "next frame" is when WebKit starts that frame: the wait from "shown" is its own.
  requestAnimationFrame(() => {
    mark('next frame');
    setTimeout(() => {
      mark('painted');
      api.reportReady(timeline()).catch(() => {});
    }, 0);
  });
});

api.appInfo()
  .then((info) => { $('#app-version').textContent = `${info.name} ${info.version}`; })
  .catch((error) => { $('#app-version').textContent = errorText(error); });

mountDiagnostics({ text: api.diagnosticsText, save: api.exportDiagnostics });

