// The only file that talks to Rust. Every call resolves to a value or rejects
// with {code, text, params, server_text}, the shape of the Rust error type: a
// problem as data that i18n.js words in the user's language.

const tauri = window.__TAURI__;

function asAppError(error) {
  if (error && typeof error === 'object' && 'code' in error && ('text' in error || 'message' in error)) return error;
  return { code: 'internal', text: 'internal', params: { detail: String(error) } };
}

async function call(command, args) {
  try {
    return await tauri.core.invoke(command, args);
  } catch (error) {
    throw asAppError(error);
  }
}

export const appInfo = () => call('app_info');
/** Tells Rust the form is on screen (used by start-up measurements; a no-op otherwise). */
export const reportReady = (timeline) => call('report_ready', { timeline });
export const diagnosticsText = () => call('diagnostics_text');
/** Saves the diagnostics report in the app's data folder; returns where. */
export const exportDiagnostics = () => call('export_diagnostics');

export const listProfiles = () => call('list_profiles');
export const saveProfile = ({ id = null, draft, apiKey, sessionOnly = false }) =>
  call('save_profile', { id, draft, apiKey, sessionOnly });
export const deleteProfile = (id) => call('delete_profile', { id });
export const setActiveProfile = (id) => call('set_active_profile', { id });
export const testConnection = ({ id = null, draft, apiKey }) =>
  call('test_connection', { id, draft, apiKey });
export const useDemoGateway = () => call('use_demo_gateway');

export const imageThumbnail = (path) => call('image_thumbnail', { path });
/** The picture as it will be sent, or null when a newer request replaced this one. */
export const prepareReference = ({ path, size, fit, focusX, focusY }) =>
  call('prepare_reference', { path, size, fit, focusX, focusY });
/** Opens the system file dialog (run by Rust); resolves to a path, or null when cancelled. */
export const pickReferenceImage = () => call('pick_reference_image');
/** Keeps picked or pasted bytes as a file in the app's cache and returns its path. */
export const savePastedImage = (bytes) => call('save_pasted_image', bytes);

/** Files dropped on the window (Tauri hands over paths, not bytes). */
export function onFileDrop({ enter, leave, drop }) {
  return tauri.webviewWindow.getCurrentWebviewWindow().onDragDropEvent((event) => {
    const { type, paths } = event.payload;
    if (type === 'enter' || type === 'over') enter();
    else if (type === 'leave') leave();
    else if (type === 'drop') drop(paths ?? []);
  });
}

/**
 * Sends the form; `onUpload({sent, total})` hears how much of the image has gone out.
 * `uploadId` names the upload for `stopUpload`.
 */
export function submitJob(request, uploadId, onUpload = () => {}) {
  const channel = new tauri.core.Channel();
  channel.onmessage = onUpload;
  return call('submit_job', { request, uploadId, onUpload: channel });
}
/** Stops an upload still under way; false when it is too late. */
export const stopUpload = (uploadId) => call('stop_upload', { uploadId });
export const listJobs = ({ after = null, text = null, group = null } = {}) =>
  call('list_jobs', { after, text, group });
/** Asks where to put a copy of the saved video; resolves to its path, or null when cancelled. */
export const saveJobAs = (id) => call('save_job_as', { id });
/** Where new videos are saved: {path, is_default}. */
export const videoFolder = () => call('video_folder');
/** Asks for a new folder; resolves to {path, is_default}, or null when cancelled. */
export const chooseVideoFolder = () => call('choose_video_folder');
export const retryDownload = (id) => call('retry_download', { id });
export const checkAgain = (id) => call('check_again', { id });
/**
 * "Make it again": the job's request sent once more, as a new job; resolves to its row.
 * `switchSizes` first makes the gateway get sizes the other way (ratio or pixels) for good.
 */
export const makeAgain = (id, switchSizes = false) => call('make_again', { id, switchSizes });
/** `removal`: 'history_only', 'everywhere' (keeps a video not saved here) or 'discard_unsaved'. */
export const deleteJob = (id, removal) => call('delete_job', { id, removal });
export const revealJob = (id) => call('reveal_job', { id });

export const enqueueBatch = (request) => call('enqueue_batch', { request });
export const queueStatus = () => call('queue_status');
export const pauseQueue = (paused) => call('pause_queue', { paused });
export const setQueueLimit = (limit) => call('set_queue_limit', { limit });
export const cancelQueue = () => call('cancel_queue');

/** Every change of a job, as stored. */
export const onJobChanged = (handler) => tauri.event.listen('job-changed', (event) => handler(event.payload));

/** Where the player streams a job's saved video from (a local address the app serves). */
export const videoUrl = (id) => call('video_url', { id });
/** A saved video's first frame as a small picture ({data_url, width, height}). */
export const jobPoster = (id) => call('job_poster', { id });

export const uiStrings = (language) => call('ui_strings', { language });
export const modelCatalog = () => call('model_catalog');
/** A job's requests and answers, oldest first (the key hidden). */
export const jobDetails = (id) => call('job_details', { id });
/** How long videos like this took lately on the active gateway, or null. */
export const timeEstimate = (model, seconds) => call('time_estimate', { model, seconds });
/** Presets, last used form settings, prices, language and theme; each change returns them all. */
export const getSettings = () => call('get_settings');
export const rememberForm = (form) => call('remember_form', { form });
export const savePreset = (name, form) => call('save_preset', { name, form });
export const deletePreset = (name) => call('delete_preset', { name });
export const setAppearance = (language, theme) => call('set_appearance', { language, theme });
export const setPrices = (prices, currency) => call('set_prices', { prices, currency });
export const setStopChecking = (minutes) => call('set_stop_checking', { minutes });
