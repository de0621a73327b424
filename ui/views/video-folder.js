// Where finished videos are saved, and the button that changes it. The folder dialog
// is shown by Rust; the window only learns the chosen path.

import { $ } from '../dom.js';

const TEXT = {
  changed: (path) => `New videos will be saved in ${path}. Videos already saved stay where they are.`,
};

export function mountVideoFolder({ videoFolder, chooseVideoFolder }) {
  const path = $('#video-folder-path');
  const status = $('#jobs-status');
  const showFolder = (folder) => {
    path.textContent = folder.path;
    path.title = folder.path;
  };
  videoFolder().then(showFolder).catch((error) => { status.textContent = error.message; });
  $('#change-folder').addEventListener('click', async () => {
    try {
      const folder = await chooseVideoFolder();
      if (!folder) return;
      showFolder(folder);
      status.textContent = TEXT.changed(folder.path);
      status.dataset.tone = 'ok';
    } catch (error) {
      status.textContent = error.message;
      status.dataset.tone = 'error';
    }
  });
}
