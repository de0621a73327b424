// The only file that talks to Rust. Every call resolves to a value or rejects
// with {code, message}, the shape of the Rust error type.

const tauri = window.__TAURI__;

function asAppError(error) {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error;
  return { code: 'internal', message: String(error) };
}

async function call(command, args) {
  try {
    return await tauri.core.invoke(command, args);
  } catch (error) {
    throw asAppError(error);
  }
}

export const appInfo = () => call('app_info');
export const diagnosticsText = () => call('diagnostics_text');
/** Saves the diagnostics report (to the app's data folder without a path); returns where. */
export const exportDiagnostics = (path = null) => call('export_diagnostics', { path });

export const listProfiles = () => call('list_profiles');
export const saveProfile = ({ id = null, draft, apiKey, sessionOnly = false }) =>
  call('save_profile', { id, draft, apiKey, sessionOnly });
export const deleteProfile = (id) => call('delete_profile', { id });
export const setActiveProfile = (id) => call('set_active_profile', { id });
export const testConnection = ({ id = null, draft, apiKey }) =>
  call('test_connection', { id, draft, apiKey });
export const useDemoGateway = () => call('use_demo_gateway');

export const imageThumbnail = (path) => call('image_thumbnail', { path });
export const prepareReference = ({ path, size, fit, focusX, focusY }) =>
  call('prepare_reference', { path, size, fit, focusX, focusY });
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

export const submitJob = (request) => call('submit_job', { request });
export const listJobs = ({ after = null, text = null } = {}) => call('list_jobs', { after, text });
export const retryDownload = (id) => call('retry_download', { id });
export const deleteJob = (id, onGateway) => call('delete_job', { id, onGateway });
export const revealJob = (id) => call('reveal_job', { id });

/** Every change of a job, as stored. */
export const onJobChanged = (handler) => tauri.event.listen('job-changed', (event) => handler(event.payload));

/** A playable URL for a saved video: WebKitGTK cannot stream `asset:` URLs, so the file is read into a blob. */
export async function videoUrl(path) {
  const response = await fetch(tauri.core.convertFileSrc(path));
  if (!response.ok) throw { code: 'io', message: `The video file could not be read (${response.status}).` };
  return URL.createObjectURL(new Blob([await response.blob()], { type: 'video/mp4' }));
}
