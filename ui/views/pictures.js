// @ts-check
// Pictures beyond the first frame: a last frame and "ingredients" (Veo's reference
// images), offered only where the chosen model's catalog entry takes them. A picture
// the model does not take stays chosen but hidden and unsent, so switching models
// back and forth loses nothing. Veo's rules (a last frame needs a first frame,
// ingredients stand alone and want 8 s) are checked by Rust before anything is sent.

import { $, el } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** @typedef {import('../types/ModelSpec').ModelSpec} ModelSpec */
/** @typedef {import('../types/ReferenceChoice').ReferenceChoice} ReferenceChoice */
/** @typedef {{ path: string, name: string, thumbnail: string }} Picked */

/** @param {{ api: typeof import('../api.js') }} deps */
export function mountPictures({ api }) {
  const status = $('#more-pictures-status');
  /** @type {Picked | null} */
  let lastFrame = null;
  /** @type {Picked[]} */
  let ingredients = [];
  /** @type {ModelSpec | null} */
  let spec = null;

  const say = (/** @type {string} */ message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  // The dialog runs in Rust; the thumbnail call also checks the file is a picture.
  /** @returns {Promise<Picked | null>} */
  async function pick() {
    say('');
    try {
      const path = await api.pickReferenceImage();
      if (!path) return null;
      say(t('reference.reading'));
      const thumbnail = await api.imageThumbnail(path);
      say('');
      return { path, name: path.split(/[\\/]/).pop() ?? path, thumbnail: thumbnail.data_url };
    } catch (error) {
      say(errorText(error), 'error');
      return null;
    }
  }

  $('#last-frame-add').addEventListener('click', async () => {
    const picked = await pick();
    if (!picked) return;
    lastFrame = picked;
    render();
    $('#last-frame-list button')?.focus();
  });
  $('#ingredients-add').addEventListener('click', async () => {
    const picked = await pick();
    if (!picked) return;
    ingredients = [...ingredients, picked].slice(0, maxIngredients());
    render();
    $('#ingredients-list li:last-child button')?.focus();
  });

  const maxIngredients = () => spec?.inputs.reference_images?.max ?? 0;

  function render() {
    const inputs = spec?.inputs;
    $('#more-pictures').hidden = !inputs?.last_frame && !inputs?.reference_images;
    $('#last-frame-field').hidden = !inputs?.last_frame;
    $('#ingredients-field').hidden = !inputs?.reference_images;
    $('#last-frame-list').replaceChildren(...(lastFrame ? [item(lastFrame, () => {
      lastFrame = null;
      render();
      $('#last-frame-add').focus();
    })] : []));
    $('#last-frame-add').hidden = Boolean(lastFrame);
    $('#ingredients-list').replaceChildren(...ingredients.map((picked, i) => item(picked, () => {
      ingredients = ingredients.filter((_, j) => j !== i);
      render();
      $('#ingredients-add').focus();
    })));
    const ways = inputs?.reference_images;
    $('#ingredients-add').hidden = ingredients.length >= maxIngredients();
    $('#ingredients-hint').textContent = ways
      ? t(ways.seconds.length > 0 ? 'pictures.ingredients.hintSeconds' : 'pictures.ingredients.hint', {
        max: ways.max, seconds: ways.seconds.join(', '),
      })
      : '';
  }

  return {
    /** The form's model changed: offer what it takes. */
    /** @param {ModelSpec} next */
    show(next) {
      // The form renders on every length or aspect change; only a new model matters.
      if (next === spec) return;
      spec = next;
      render();
    },
    /** @returns {ReferenceChoice | null} the last frame, fitted like the first frame */
    lastFrame: (/** @type {string | null | undefined} */ fit) =>
      (lastFrame && spec?.inputs.last_frame ? choice(lastFrame, fit ?? 'crop') : null),
    /** @returns {ReferenceChoice[]} ingredients go as they are: no crop of a character */
    ingredients: () =>
      (spec?.inputs.reference_images ? ingredients.map((picked) => choice(picked, 'as_is')) : []),
  };
}

/**
 * @param {Picked} picked
 * @param {() => void} remove
 */
function item(picked, remove) {
  return el('li', { class: 'picture-item' },
    el('img', { src: picked.thumbnail, alt: '' }),
    el('span', { class: 'picture-name', text: picked.name }),
    el('button', {
      type: 'button', class: 'quiet small', onclick: remove,
      'aria-label': t('pictures.remove.named', { name: picked.name }),
      text: t('pictures.remove'),
    }));
}

/**
 * @param {Picked} picked
 * @param {string} fit
 * @returns {ReferenceChoice}
 */
function choice(picked, fit) {
  return { path: picked.path, fit, focus_x: null, focus_y: null };
}
