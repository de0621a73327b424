// @ts-check
// The gateway switcher in the top bar. Renders from the profile list it is given.

import { el, $ } from '../dom.js';
import { t, problemText } from '../i18n.js';

/** @typedef {import('../types/ProfileView').ProfileView} ProfileView */

/** @param {ProfileView[]} profiles */
export function renderGatewayBar(profiles) {
  const select = $('#gateway-select');
  select.replaceChildren(...profiles.map((p) =>
    el('option', { value: p.id, selected: p.active, text: p.demo ? t('bar.demoName') : p.name })));
  const active = profiles.find((p) => p.active);
  const keyStatus = $('#key-status');
  keyStatus.textContent = active?.demo ? t('bar.demo') : describeKey(active);
  // Shortened with an ellipsis when the bar is tight: the whole text on hover.
  keyStatus.title = keyStatus.textContent;
  keyStatus.dataset.tone = active?.key.saved || active?.demo ? 'info' : 'error';
  const warning = $('#gateway-warning');
  warning.textContent = problemText(active?.warning);
  $('#edit-gateway').hidden = Boolean(active?.demo);
  $('#remove-demo').hidden = !active?.demo;
}

/** @param {ProfileView | undefined} profile */
function describeKey(profile) {
  if (!profile) return '';
  const { key } = profile;
  if (key.problem) return problemText(key.problem);
  if (!key.saved) return t('bar.noKey');
  return t('bar.key', { last4: key.last4, where: t(`bar.where.${key.source}`) });
}

/**
 * @param {{ onSwitch: (id: string) => void, onEdit: () => void, onAdd: () => void, onRemoveDemo: () => void }} handlers
 */
export function mountGatewayBar({ onSwitch, onEdit, onAdd, onRemoveDemo }) {
  $('#gateway-select').addEventListener('change', (/** @type {Event & { target: HTMLSelectElement }} */ event) => onSwitch(event.target.value));
  $('#edit-gateway').addEventListener('click', onEdit);
  $('#add-gateway').addEventListener('click', onAdd);
  $('#remove-demo').addEventListener('click', onRemoveDemo);
}
