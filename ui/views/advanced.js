// @ts-check
// Advanced: extra form fields some gateways forward to the model. A few common
// ones get their own labelled input; anything else is a free name/value pair.

import { $, el } from '../dom.js';
import { t } from '../i18n.js';

const CORE_FIELDS = ['prompt', 'model', 'seconds', 'size', 'input_reference'];

export function mountAdvanced() {
  const named = [.../** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#advanced [data-extra]'))];
  const list = $('#custom-fields');
  const problemNode = $('#advanced-problem');
  let rows = 0;

  /** @type {(name?: string, value?: string) => HTMLElement} */
  function addRow(name = '', value = '') {
    rows += 1;
    const keyId = `extra-name-${rows}`;
    const valueId = `extra-value-${rows}`;
    const row = el('li', { class: 'custom-field' },
      el('label', { for: keyId, text: t('advanced.field.name') }),
      el('input', { type: 'text', id: keyId, class: 'extra-name', value: name, autocomplete: 'off', spellcheck: 'false' }),
      el('label', { for: valueId, text: t('advanced.field.value') }),
      el('input', { type: 'text', id: valueId, class: 'extra-value', value, autocomplete: 'off' }),
      el('button', { type: 'button', class: 'quiet small', text: t('advanced.field.remove'), onclick: () => { row.remove(); $('#add-field').focus(); } }),
    );
    list.append(row);
    return row;
  }

  $('#add-field').addEventListener('click', () => $('input', addRow()).focus());

  return {
    /** [[name, value], ...] of every field with a value. */
    /** @returns {Array<[string, string]>} */
    read() {
      /** @type {Array<[string, string]>} */
      const pairs = named.map((input) => [input.dataset.extra ?? '', input.value.trim()]);
      list.querySelectorAll('.custom-field').forEach((/** @type {HTMLElement} */ row) => {
        pairs.push([$('.extra-name', row).value.trim(), $('.extra-value', row).value]);
      });
      return pairs.filter(([, value]) => value !== '');
    },
    /** @param {Array<[string, string]>} extra */
    apply(extra) {
      named.forEach((input) => { input.value = ''; });
      list.replaceChildren();
      for (const [name, value] of extra) {
        const input = named.find((n) => n.dataset.extra === name);
        if (input) input.value = value;
        else addRow(name, value);
      }
      if (extra.length > 0) $('#advanced').open = true;
      problemNode.textContent = '';
    },
    /** What keeps these fields from being sent, as {focus, message}; null when fine. */
    problem() {
      /** @type {(focus: HTMLElement, message: string) => { focus: HTMLElement, message: string }} */
      const say = (focus, message) => {
        $('#advanced').open = true;
        problemNode.textContent = message;
        return { focus, message };
      };
      problemNode.textContent = '';
      const seed = $('#seed');
      if (seed.value.trim() !== '' && !/^\d+$/.test(seed.value.trim())) return say(seed, t('advanced.problem.seed'));
      for (const row of list.querySelectorAll('.custom-field')) {
        const name = row.querySelector('.extra-name');
        const value = row.querySelector('.extra-value').value;
        if (name.value.trim() === '' && value !== '') return say(name, t('advanced.problem.name'));
        if (CORE_FIELDS.includes(name.value.trim())) return say(name, t('advanced.problem.core', { name: name.value.trim() }));
      }
      return null;
    },
  };
}
