// The reference image: dropped on the window, chosen in a file dialog or pasted.
// Rust probes and prepares it; the preview shows the source with the crop frame
// and the size of what will be sent.

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';

export function mountReference({ api, currentSize }) {
  const drop = $('#reference-drop');
  const file = $('#reference-file');
  const preview = $('#reference-preview');
  const status = $('#reference-status');
  let chosen = null; // { path, thumbnail, fit, focusX, focusY, prepared }

  const say = (message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  async function use(path) {
    say(t('reference.reading'));
    try {
      const thumbnail = await api.imageThumbnail(path);
      chosen = { path, thumbnail, fit: $('#reference-fit').value, focusX: 0.5, focusY: 0.5, prepared: null };
      $('#reference-image').src = thumbnail.data_url;
      await prepare();
    } catch (error) {
      say(errorText(error), 'error');
    }
  }

  async function prepare() {
    if (!chosen) return;
    const { path, fit, focusX, focusY } = chosen;
    try {
      chosen.prepared = await api.prepareReference({ path, size: currentSize(), fit, focusX, focusY });
      render();
      say('');
    } catch (error) {
      say(errorText(error), 'error');
    }
  }

  function render() {
    const ready = Boolean(chosen?.prepared);
    preview.hidden = !ready;
    drop.hidden = ready;
    if (!ready) return;
    const p = chosen.prepared;
    $('#crop-hint').hidden = chosen.fit !== 'crop';
    const frame = $('#crop-frame');
    frame.style.left = `${(100 * p.crop.x) / p.source_width}%`;
    frame.style.top = `${(100 * p.crop.y) / p.source_height}%`;
    frame.style.width = `${(100 * p.crop.width) / p.source_width}%`;
    frame.style.height = `${(100 * p.crop.height) / p.source_height}%`;
    const kb = Math.max(1, Math.round(p.byte_len / 1024));
    $('#reference-info').textContent =
      t('reference.info', { width: p.width, height: p.height, format: p.mime === 'image/png' ? 'PNG' : 'JPEG', kb });
  }

  function clear() {
    chosen = null;
    file.value = '';
    render();
    say('');
  }

  drop.addEventListener('click', () => file.click());
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      file.click();
    }
  });
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    if (!picked) return;
    await useBytes(new Uint8Array(await picked.arrayBuffer()));
  });
  async function useBytes(bytes) {
    try {
      await use(await api.savePastedImage(bytes));
    } catch (error) {
      say(errorText(error), 'error');
    }
  }
  window.addEventListener('paste', async (event) => {
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (!item) return;
    event.preventDefault();
    await useBytes(new Uint8Array(await item.getAsFile().arrayBuffer()));
  });
  api.onFileDrop({
    enter: () => document.body.classList.add('dragging'),
    leave: () => document.body.classList.remove('dragging'),
    drop: (paths) => {
      document.body.classList.remove('dragging');
      if (paths.length > 0) use(paths[0]);
    },
  });

  $('#reference-frame').addEventListener('click', (event) => {
    if (!chosen || chosen.fit !== 'crop') return;
    const box = event.currentTarget.getBoundingClientRect();
    chosen.focusX = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    chosen.focusY = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    prepare();
  });
  $('#reference-fit').addEventListener('change', (event) => {
    if (!chosen) return;
    chosen.fit = event.target.value;
    prepare();
  });
  $('#reference-remove').addEventListener('click', clear);

  return {
    // The aspect changed: what is sent must be made again.
    refresh: prepare,
    current: () => (chosen?.prepared ? { path: chosen.path, fit: chosen.fit, focusX: chosen.focusX, focusY: chosen.focusY } : null),
    // Tests and the file input both end here.
    use,
  };
}
