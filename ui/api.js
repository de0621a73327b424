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
