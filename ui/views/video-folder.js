// @ts-check
// Where finished videos are saved, and the button that changes it. The folder dialog
// is shown by Rust; the window only learns the chosen path.

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** @param {{ videoFolder: typeof import('../api.js')['videoFolder'], chooseVideoFolder: typeof import('../api.js')['chooseVideoFolder'] }} deps */
export function mountVideoFolder({ videoFolder, chooseVideoFolder }) {
  const path = $('#video-folder-path');
  const status = $('#jobs-status');
  const showFolder = (/** @type {import('../types/VideoFolder').VideoFolder} */ folder) => {
    path.textContent = folder.path;
    path.title = folder.path;
  };
  videoFolder().then(showFolder).catch((error) => { status.textContent = errorText(error); });
  $('#change-folder').addEventListener('click', async () => {
    try {
      const folder = await chooseVideoFolder();
      if (!folder) return;
      showFolder(folder);
      status.textContent = t('folder.changed', { path: folder.path });
      status.dataset.tone = 'ok';
    } catch (error) {
      status.textContent = errorText(error);
      status.dataset.tone = 'error';
    }
  });
}
