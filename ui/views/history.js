// @ts-check
// The history list: a page of cards at a time ("Show more"), searched by prompt and
// narrowed by status. Rust holds the history; this only remembers where the next page
// starts and which filter is on.

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** @typedef {import('../types/JobRow').JobRow} JobRow */

/**
 * @param {{ listJobs: typeof import('../api.js')['listJobs'],
 *           cards: ReturnType<typeof import('./cards.js').mountCards> }} deps
 */
export function mountHistory({ listJobs, cards }) {
  const search = $('#history-search');
  const group = $('#history-status');
  const more = $('#show-more');
  const noMatch = $('#no-match');
  /** @type {import('../types/Cursor').Cursor | null} */
  let next = null;
  let generation = 0;

  const filter = () => ({
    text: search.value.trim() || null,
    // Which statuses make a group is Rust's to say: each row names its own.
    group: group.value || null,
  });
  const filtering = () => Boolean(search.value.trim() || group.value);

  /** @param {boolean} append */
  async function load(append) {
    const mine = ++generation;
    more.disabled = true;
    if (append) more.textContent = t('history.loading');
    try {
      const page = await listJobs({ ...filter(), after: append ? next : null });
      // A newer search started meanwhile: its answer wins.
      if (mine !== generation) return;
      next = page.next;
      if (append) cards.append(page.jobs);
      else cards.show(page.jobs);
      const nothing = !append && page.jobs.length === 0 && filtering();
      noMatch.hidden = !nothing;
      $('#job-list').hidden = nothing;
    } catch (error) {
      if (mine === generation) $('#jobs-status').textContent = errorText(error);
    } finally {
      if (mine === generation) {
        more.hidden = next === null;
        more.disabled = false;
        more.textContent = t('history.more');
      }
    }
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => load(false), 200);
  });
  group.addEventListener('change', () => load(false));
  $('#history-filter').addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));

  return {
    reload: () => load(false),
    // A job the list does not show yet appears only if the current filter wants it.
    /** @param {JobRow} row */
    accepts(row) {
      const { text, group: wanted } = filter();
      if (wanted && row.group !== wanted) return false;
      return !text || row.prompt.toLowerCase().includes(text.toLowerCase());
    },
  };
}
