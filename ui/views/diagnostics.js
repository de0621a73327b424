// @ts-check
// "Copy diagnostics" and "Export diagnostics" in the footer: a plain-text report for
// support (no key inside; Rust builds it).

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** @param {{ text: () => Promise<string>, save: () => Promise<string> }} calls */
export function mountDiagnostics({ text, save }) {
  const status = $('#diagnostics-status');
  const say = (/** @type {string} */ message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };
  $('#copy-diagnostics').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(await text());
      say(t('diagnostics.copied'), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
  });
  $('#export-diagnostics').addEventListener('click', async () => {
    try {
      say(t('diagnostics.saved', { path: await save() }), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
  });
}
