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
