// @ts-check
// The reference image: dropped on the window, chosen in a file dialog or pasted.
// Rust probes and prepares it; the preview shows the source with the crop frame
// and the size of what will be sent.

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { focusForCentre, nudge, cropAt, frameCentre } from './crop.js';

/** @typedef {import('../types/PreparedPreview').PreparedPreview} PreparedPreview */
/** @typedef {import('../types/CropRect').CropRect} CropRect */
/**
 * The picture the user chose and where its crop frame should be (focus: see crop.js).
 * @typedef {{ path: string, thumbnail: import('../types/ThumbnailPreview').ThumbnailPreview,
 *            fit: string, focusX: number, focusY: number, prepared: PreparedPreview | null }} Chosen
 */
/** A chosen picture that is prepared: its frame can be drawn and moved. */
/** @typedef {Chosen & { prepared: PreparedPreview }} Ready */

/**
 * @param {{ api: typeof import('../api.js'), currentSize: () => string,
 *   onPicture: (path: string | null) => void }} deps
 */
export function mountReference({ api, currentSize, onPicture }) {
  const drop = $('#reference-drop');
  const preview = $('#reference-preview');
  const status = $('#reference-status');
  /** @type {Chosen | null} */
  let chosen = null;
  const ready = () => (chosen?.prepared ? /** @type {Ready} */ (chosen) : null);

  const say = (/** @type {string} */ message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  /** @param {string} path */
  async function use(path) {
    say(t('reference.reading'));
    try {
      const thumbnail = await api.imageThumbnail(path);
      chosen = { path, thumbnail, fit: $('#reference-fit').value, focusX: 0.5, focusY: 0.5, prepared: null };
      onPicture(path);
      $('#reference-image').src = thumbnail.data_url;
      await prepare();
      // A drop or paste lands anywhere in the window: show where the picture went.
      if (chosen?.prepared) preview.scrollIntoView({ block: 'center' });
    } catch (error) {
      say(errorText(error), 'error');
    }
  }

  // Only the latest request may draw: quick key presses overtake each other (Rust
  // answers null to a request a newer one replaced). True when this one drew.
  let latest = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let settling;
  async function prepare() {
    if (!chosen) return false;
    clearTimeout(settling);
    const { path, fit, focusX, focusY } = chosen;
    const mine = ++latest;
    try {
      const prepared = await api.prepareReference({ path, size: currentSize(), fit, focusX, focusY });
      if (mine !== latest || !chosen || !prepared) return false;
      chosen.prepared = prepared;
      render();
      say('');
      return true;
    } catch (error) {
      if (mine === latest) say(errorText(error), 'error');
      return false;
    }
  }

  // A held arrow key repeats about 30 times a second: the frame follows each press
  // at once, and the picture is prepared again only once the keys rest.
  /** @param {() => void} then */
  function prepareWhenSettled(then) {
    clearTimeout(settling);
    settling = setTimeout(async () => {
      if (await prepare()) then();
    }, SETTLE_MS);
  }

  function render() {
    const shown = ready();
    preview.hidden = !shown;
    drop.hidden = Boolean(shown);
    if (!shown) return;
    const p = shown.prepared;
    $('#crop-hint').hidden = shown.fit !== 'crop';
    $('#crop-position').hidden = shown.fit !== 'crop';
    placeFrame(p, p.crop);
    const kb = Math.max(1, Math.round(p.byte_len / 1024));
    $('#reference-info').textContent =
      t('reference.info', { width: p.width, height: p.height, format: p.mime === 'image/png' ? 'PNG' : 'JPEG', kb });
  }

  /**
   * @param {PreparedPreview} p
   * @param {CropRect} crop
   */
  function placeFrame(p, crop) {
    const frame = $('#crop-frame');
    frame.style.left = `${(100 * crop.x) / p.source_width}%`;
    frame.style.top = `${(100 * crop.y) / p.source_height}%`;
    frame.style.width = `${(100 * crop.width) / p.source_width}%`;
    frame.style.height = `${(100 * crop.height) / p.source_height}%`;
  }

  function clear() {
    clearTimeout(settling);
    chosen = null;
    onPicture(null);
    $('#crop-position').textContent = '';
    render();
    say('');
  }

  // The dialog runs in Rust; the window only learns the chosen path.
  async function choose() {
    try {
      const path = await api.pickReferenceImage();
      if (path) await use(path);
    } catch (error) {
      say(errorText(error), 'error');
    }
  }
  drop.addEventListener('click', choose);
  drop.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose();
    }
  });
  /** @param {Uint8Array} bytes */
  async function useBytes(bytes) {
    try {
      await use(await api.savePastedImage(bytes));
    } catch (error) {
      say(errorText(error), 'error');
    }
  }
  window.addEventListener('paste', async (event) => {
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (!file) return;
    event.preventDefault();
    await useBytes(new Uint8Array(await file.arrayBuffer()));
  });
  api.onFileDrop({
    enter: () => document.body.classList.add('dragging'),
    leave: () => document.body.classList.remove('dragging'),
    drop: (paths) => {
      document.body.classList.remove('dragging');
      if (paths.length > 0) use(paths[0]);
    },
  });

  $('#reference-frame').addEventListener('click', (/** @type {MouseEvent & { currentTarget: HTMLElement }} */ event) => {
    const shown = ready();
    if (!shown || shown.fit !== 'crop') return;
    const box = event.currentTarget.getBoundingClientRect();
    [shown.focusX, shown.focusY] = focusForCentre(shown, [
      (event.clientX - box.left) / box.width,
      (event.clientY - box.top) / box.height,
    ]);
    prepare();
  });
  // Arrow keys move the frame by 5% of the picture (Shift: 20%) and say where it is.
  $('#reference-frame').addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
    const step = ARROWS[event.key];
    const shown = ready();
    if (!step || !shown || shown.fit !== 'crop') return;
    event.preventDefault();
    const position = $('#crop-position');
    const moved = nudge(shown, step, event.shiftKey ? 0.2 : 0.05);
    if (!moved) {
      position.textContent = t(`reference.edge.${step.edge}`);
      return;
    }
    [shown.focusX, shown.focusY] = moved;
    placeFrame(shown.prepared, cropAt(shown));
    prepareWhenSettled(() => {
      const now = ready();
      if (!now) return;
      const [x, y] = frameCentre(now.prepared);
      position.textContent = t(`reference.moved.${step.name}`, { x, y });
    });
  });
  $('#reference-fit').addEventListener('change', (/** @type {Event & { target: HTMLSelectElement }} */ event) => {
    if (!chosen) return;
    chosen.fit = event.target.value;
    prepare();
  });
  $('#reference-remove').addEventListener('click', clear);

  return {
    // The aspect changed: what is sent must be made again.
    refresh: prepare,
    /** @returns {import('../types/ReferenceChoice').ReferenceChoice | null} */
    current: () => (chosen?.prepared ? { path: chosen.path, fit: chosen.fit, focus_x: chosen.focusX, focus_y: chosen.focusY } : null),
    // Tests and the file input both end here.
    use,
  };
}

/** How long the arrow keys rest before the picture is prepared again. */
const SETTLE_MS = 150;

/** @type {Record<string, { dx: number, dy: number, name: string, edge: string }>} */
const ARROWS = {
  ArrowLeft: { dx: -1, dy: 0, name: 'left', edge: 'left' },
  ArrowRight: { dx: 1, dy: 0, name: 'right', edge: 'right' },
  ArrowUp: { dx: 0, dy: -1, name: 'up', edge: 'top' },
  ArrowDown: { dx: 0, dy: 1, name: 'down', edge: 'bottom' },
};
