// @ts-check
// "Remove" on a card asks first, and says what happens to the video: a saved one
// stays on disk, and a paid video that was never saved here is not deleted on the
// gateway unless the user chooses that in so many words.

import { $ } from '../dom.js';
import { t, errorText, problemText } from '../i18n.js';

// Rust's rule for "deleting it on the gateway loses a video" (jobs::would_lose_a_video).
/** @typedef {import('../types/JobRow').JobRow} JobRow */
/** @typedef {import('../types/Removal').Removal} Removal */

/** @type {Partial<Record<JobRow['status'], string>>} */
const UNSAVED = { completed: 'finished', running: 'running', submitting: 'running', uncertain: 'running' };

/**
 * @param {{ api: typeof import('../api.js'),
 *           onRemoved: (row: JobRow | null, said: string, failed?: JobRow) => void }} deps
 */
export function mountRemove({ api, onRemoved }) {
  const dialog = $('#remove-job');
  const historyOnly = $('#remove-history-only');
  const confirm = $('#remove-confirm');
  /** @type {JobRow | null} */
  let row = null;
  /** @type {HTMLElement | null} */
  let returnTo = null;

  /** @param {JobRow} job */
  function kindOf(job) {
    if (UNSAVED[job.status]) return `unsaved.${UNSAVED[job.status]}`;
    return job.status === 'downloaded' ? 'saved' : 'nothing';
  }

  /** @param {Removal} removal */
  async function remove(removal) {
    const job = row;
    if (!job) return;
    dialog.close();
    try {
      const result = await api.deleteJob(job.id, removal);
      onRemoved(job, resultText(result, removal));
      // Its card is gone: the keyboard goes on from the list's heading.
      $('#jobs-title').focus();
    } catch (error) {
      onRemoved(null, errorText(error), job);
    }
  }

  historyOnly.addEventListener('click', () => remove('history_only'));
  confirm.addEventListener('click', () => remove(row && kindOf(row).startsWith('unsaved') ? 'discard_unsaved' : 'everywhere'));
  $('#remove-cancel').addEventListener('click', () => dialog.close());
  // Escape or Cancel: back to the card's button, so the keyboard user is where they were.
  dialog.addEventListener('close', () => {
    if (returnTo?.isConnected) returnTo.focus();
    else $('#jobs-title').focus();
    returnTo = null;
  });

  return {
    /**
     * @param {JobRow} job
     * @param {HTMLElement} [opener]
     */
    open(job, opener) {
      row = job;
      returnTo = opener ?? null;
      const kind = kindOf(job);
      const unsaved = kind.startsWith('unsaved');
      $('#remove-prompt').textContent = job.prompt;
      $('#remove-text').textContent = t(`remove.${kind}`, { file: job.file_path ?? '' });
      historyOnly.hidden = !unsaved;
      confirm.textContent = t(unsaved ? 'remove.discard' : 'remove.confirm');
      dialog.showModal();
      // The safe choice has the focus: Enter alone never destroys a video.
      (unsaved ? historyOnly : $('#remove-cancel')).focus();
    },
  };
}

/** What happened on the gateway, when the user needs to know; empty otherwise. */
/**
 * @param {import('../types/GatewayDeletion').GatewayDeletion} result
 * @param {Removal} removal
 */
function resultText(result, removal) {
  switch (result?.gateway) {
    case 'kept_unsaved': return t('remove.done.keptUnsaved');
    case 'not_supported': return t('remove.done.notSupported');
    case 'failed': return t('remove.done.failed', { message: problemText(result.problem) });
    case 'not_asked': return removal === 'history_only' ? t('remove.done.historyOnly') : '';
    default: return '';
  }
}
