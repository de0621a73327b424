// @ts-check
// What each catalog value means to a person: labels and hints for durations and
// sizes, and why a combination cannot be made. No DOM here.

import { t, orList, has } from '../i18n.js';

/** @typedef {import('../types/ModelSpec').ModelSpec} ModelSpec */

/**
 * `16:9` or `1280x720` → landscape, portrait or square.
 * @param {string} size
 */
export function orientation(size) {
  const [w, h] = String(size).split(/[:x×]/).map(Number);
  if (!(w > 0 && h > 0) || w === h) return 'square';
  return w > h ? 'landscape' : 'portrait';
}

export const secondsLabel = (/** @type {string | number} */ seconds) => t('seconds.label', { n: seconds });
export const sizeLabel = (/** @type {string} */ size) => `${size} ${t(`size.${orientation(size)}`)}`;
export const sizeHint = (/** @type {string} */ size) => t(`size.hint.${orientation(size)}`);

/**
 * @param {ModelSpec} model
 * @param {string} seconds
 */
export function secondsHint(model, seconds) {
  const options = [...model.seconds].sort((a, b) => a - b);
  const n = Number(seconds);
  if (n <= options[0]) return t('seconds.hint.short');
  if (n >= options[options.length - 1]) return t('seconds.hint.long');
  return t('seconds.hint.medium');
}

/** @param {ModelSpec} model */
export function modelHint(model) {
  const key = `model.hint.${model.name}`;
  return has(key) ? t(key) : t('model.hint.other');
}

/**
 * Why `seconds` and `size` cannot be made by `model`, per field; empty when they can.
 * @param {ModelSpec} model
 * @param {string} seconds
 * @param {string} size
 * @returns {{ seconds?: string, size?: string }}
 */
export function problems(model, seconds, size) {
  /** @type {{ seconds?: string, size?: string }} */
  const found = {};
  if (!model.seconds.map(String).includes(String(seconds))) {
    const options = [...model.seconds].sort((a, b) => a - b).map(String);
    found.seconds = t('choice.problem.seconds', { model: model.name, options: orList(options) });
  }
  if (!model.sizes.includes(size)) {
    found.size = t('choice.problem.size', { model: model.name, options: orList(model.sizes) });
  }
  return found;
}

/**
 * Why `resolution` cannot be made at `seconds` (Veo: 1080p only at 8 s); null when it can.
 * @param {ModelSpec} model
 * @param {string} seconds
 * @param {string | undefined} resolution
 */
export function resolutionProblem(model, seconds, resolution) {
  const offered = model.resolutions ?? [];
  if (!resolution || offered.length === 0 || resolution === offered[0]) return null;
  const lengths = model.high_resolution_seconds ?? [];
  if (lengths.length === 0 || lengths.includes(Number(seconds))) return null;
  return t('choice.problem.resolution', { model: model.name, resolution, seconds: orList(lengths.map(String)) });
}
