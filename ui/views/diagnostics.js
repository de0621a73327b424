// "Copy diagnostics" and "Export diagnostics" in the footer: a plain-text report for
// support (no key inside; Rust builds it).

import { $ } from '../dom.js';

export function mountDiagnostics({ text, save }) {
  const status = $('#diagnostics-status');
  const say = (message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };
  $('#copy-diagnostics').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(await text());
      say('Diagnostics copied. Paste them into your message to support.', 'ok');
    } catch (error) {
      say(error.message ?? String(error), 'error');
    }
  });
  $('#export-diagnostics').addEventListener('click', async () => {
    try {
      say(`Diagnostics saved to ${await save()}`, 'ok');
    } catch (error) {
      say(error.message, 'error');
    }
  });
}
