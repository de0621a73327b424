// @ts-check
// Presets: the form's settings saved under a name, picked from a list. The list
// comes from Rust after every change.

import { $, el } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** @typedef {import('../types/FormSettings').FormSettings} FormSettings */

/**
 * @param {{ api: typeof import('../api.js'),
 *           current: () => FormSettings,
 *           apply: (saved: FormSettings) => void }} deps
 */
export function mountPresets({ api, current, apply }) {
  const select = $('#preset');
  const saveRow = $('#preset-save');
  const name = $('#preset-name');
  const del = $('#preset-delete');
  const status = $('#preset-status');
  /** @type {import('../types/Preset').Preset[]} */
  let presets = [];

  const say = (/** @type {string} */ message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  /**
   * @param {import('../types/Settings').Settings} settings
   * @param {string} [selected]
   */
  function render(settings, selected = select.value) {
    presets = settings.presets ?? [];
    select.replaceChildren(
      el('option', { value: '', text: t('preset.none') }),
      ...presets.map((p) => el('option', { value: p.name, text: p.name, selected: p.name === selected })),
    );
    del.hidden = select.value === '';
  }

  select.addEventListener('change', () => {
    del.hidden = select.value === '';
    const preset = presets.find((p) => p.name === select.value);
    if (!preset) return;
    apply(preset.form);
    say(t('preset.applied', { name: preset.name }));
  });
  $('#preset-save-open').addEventListener('click', () => {
    saveRow.hidden = false;
    name.value = select.value;
    name.focus();
  });
  const closeSave = () => {
    saveRow.hidden = true;
    $('#preset-save-open').focus();
  };
  $('#preset-save-cancel').addEventListener('click', closeSave);
  async function save() {
    try {
      const settings = await api.savePreset(name.value, current());
      render(settings, name.value.trim());
      say(t('preset.saved', { name: name.value.trim() }), 'ok');
      closeSave();
    } catch (error) {
      say(errorText(error), 'error');
    }
  }
  $('#preset-save-confirm').addEventListener('click', save);
  name.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
    if (event.key === 'Enter') save();
    if (event.key === 'Escape') closeSave();
  });
  del.addEventListener('click', async () => {
    const gone = select.value;
    try {
      render(await api.deletePreset(gone), '');
      say(t('preset.deleted', { name: gone }));
      select.focus();
    } catch (error) {
      say(errorText(error), 'error');
    }
  });

  return { render };
}
