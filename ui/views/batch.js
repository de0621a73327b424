// @ts-check
// Batch mode: several prompts (one per line) or variations of one, queued as
// separate jobs that run a few at a time. Each job gets its own card through the
// usual `job-changed` events; this view only sends the batch and drives the queue.

import { DISCLOSURE, el } from '../dom.js';
import { t, errorText } from '../i18n.js';

/**
 * @param {{ container: HTMLElement,
 *           api: typeof import('../api.js'),
 *           settings: () => import('../types/FormSettings').FormSettings,
 *           onQueued: (row: import('../types/JobRow').JobRow) => void }} deps
 */
export function mountBatch({ container, api, settings, onQueued }) {
  const prompts = el('textarea', { id: 'batch-prompts', name: 'prompts', rows: 4,
    placeholder: t('batch.prompts.placeholder') });
  const variations = el('input', { id: 'batch-variations', type: 'number', min: 1, max: 10, value: 1 });
  const limit = el('input', { id: 'batch-limit', type: 'number', min: 1, max: 8, value: 2 });
  const status = el('p', { class: 'status', id: 'batch-status', role: 'status', 'aria-live': 'polite' });
  const queueText = el('p', { class: 'hint', id: 'queue-status', 'aria-live': 'polite' });

  const say = (/** @type {string} */ message, tone = 'info') => { status.textContent = message; status.dataset.tone = tone; };
  const showQueue = (/** @type {import('../types/QueueStatus').QueueStatus} */ q) => {
    const counts = { active: q.active, waiting: q.waiting, limit: q.limit };
    queueText.textContent = t(q.paused ? 'batch.queue.paused' : 'batch.queue.status', counts);
  };
  const act = (/** @type {() => Promise<import('../types/QueueStatus').QueueStatus>} */ call) => call().then(showQueue).catch((error) => say(errorText(error), 'error'));

  const form = el('form', { class: 'batch-form', novalidate: true, onsubmit: async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    try {
      await api.setQueueLimit(Number(limit.value) || 1);
      const rows = await api.enqueueBatch({ ...settings(), prompts: prompts.value, variations: Number(variations.value) || 1 });
      rows.forEach(onQueued);
      say(rows.length === 1 ? t('batch.queued.one') : t('batch.queued.many', { count: rows.length }), 'ok');
      showQueue(await api.queueStatus());
    } catch (error) {
      say(errorText(error), 'error');
    }
  } },
  el('div', { class: 'field' },
    el('label', { for: 'batch-prompts', text: t('batch.prompts') }),
    prompts,
    el('p', { class: 'hint', text: t('batch.hint') })),
  el('div', { class: 'row' },
    el('div', { class: 'field' }, el('label', { for: 'batch-variations', text: t('batch.variations') }), variations),
    el('div', { class: 'field' }, el('label', { for: 'batch-limit', text: t('batch.limit') }), limit)),
  el('div', { class: 'actions' }, status, el('button', { type: 'submit', class: 'primary', text: t('batch.send') })),
  el('div', { class: 'queue-controls' },
    queueText,
    el('button', { type: 'button', class: 'quiet small', text: t('batch.pause'), onclick: () => act(() => api.pauseQueue(true)) }),
    el('button', { type: 'button', class: 'quiet small', text: t('batch.resume'), onclick: () => act(() => api.pauseQueue(false)) }),
    el('button', { type: 'button', class: 'quiet small', text: t('batch.cancel'), onclick: () => act(async () => {
      (await api.cancelQueue()).forEach(onQueued);
      return api.queueStatus();
    }) })));

  container.replaceChildren(el('details', { class: 'batch' },
    el('summary', { ...DISCLOSURE, text: t('batch.summary') }), form));
  act(api.queueStatus);
  // Slots free as jobs finish: keep the counts current.
  return { refresh: () => act(api.queueStatus) };
}
