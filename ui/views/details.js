// @ts-check
// A job's "Details": every request to the gateway and its answer, as the gateway
// wrote it (key hidden, long bodies cut). Everything here is text, never markup.

import { $, DISCLOSURE, el } from '../dom.js';
import { t, errorText, problemText } from '../i18n.js';

/** @param {{ api: typeof import('../api.js') }} deps */
export function mountDetails({ api }) {
  const dialog = $('#details');
  const list = $('#details-list');
  $('#details-close').addEventListener('click', () => dialog.close());

  return {
    /** @param {import('../types/JobRow').JobRow} row */
    async open(row) {
      $('#details-prompt').textContent = row.prompt;
      list.replaceChildren();
      $('#details-status').textContent = t('details.loading');
      dialog.showModal();
      try {
        const exchanges = await api.jobDetails(row.id);
        $('#details-status').textContent = exchanges.length === 0 ? t('details.none') : '';
        list.replaceChildren(...exchanges.map(exchange));
      } catch (error) {
        $('#details-status').textContent = errorText(error);
      }
    },
  };
}

/** @param {import('../types/Exchange').Exchange} x */
function exchange(x) {
  const when = new Date(x.at).toLocaleTimeString(document.documentElement.lang);
  const answer = x.status == null ? t('details.noAnswer') : `HTTP ${x.status}`;
  return el('li', { class: 'exchange' },
    el('details', {},
      el('summary', DISCLOSURE,
        el('span', { class: 'exchange-line', text: `${when} · ${x.method} ${x.url}` }),
        el('span', { class: x.status == null || x.status >= 400 ? 'exchange-status bad' : 'exchange-status', text: `${answer} · ${x.elapsed_ms} ms` }),
      ),
      block(t('details.request'), headerLines(x.request_headers), x.request_body),
      block(t('details.response'), headerLines(x.response_headers), x.response_body),
      x.error ? el('p', { class: 'card-problem', text: problemText(x.error) }) : null,
    ),
  );
}

const headerLines = (/** @type {Array<[string, string]>} */ headers) => headers.map(([name, value]) => `${name}: ${value}`).join('\n');

/**
 * @param {string} title
 * @param {string} headers
 * @param {string} body
 */
function block(title, headers, body) {
  const text = [headers, body].filter(Boolean).join('\n\n');
  if (!text) return null;
  return el('div', { class: 'exchange-part' },
    el('h4', { text: title }),
    el('pre', { text }),
  );
}
