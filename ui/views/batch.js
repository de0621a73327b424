// Batch mode: several prompts (one per line) or variations of one, queued as
// separate jobs that run a few at a time. Each job gets its own card through the
// usual `job-changed` events; this view only sends the batch and drives the queue.

import { el, $ } from '../dom.js';

export function mountBatch(container, { api, settings, onQueued }) {
  const prompts = el('textarea', { id: 'batch-prompts', name: 'prompts', rows: 4,
    placeholder: 'One prompt per line' });
  const variations = el('input', { id: 'batch-variations', type: 'number', min: 1, max: 10, value: 1 });
  const limit = el('input', { id: 'batch-limit', type: 'number', min: 1, max: 8, value: 2 });
  const status = el('p', { class: 'status', id: 'batch-status', role: 'status', 'aria-live': 'polite' });
  const queueText = el('p', { class: 'hint', id: 'queue-status', 'aria-live': 'polite' });

  const say = (message, tone = 'info') => { status.textContent = message; status.dataset.tone = tone; };
  const showQueue = (q) => {
    const parts = [`${q.active} running`, `${q.waiting} waiting`, `${q.limit} at a time`];
    queueText.textContent = `Queue: ${parts.join(', ')}${q.paused ? ' (paused)' : ''}.`;
  };
  const act = (call) => call().then(showQueue).catch((error) => say(error.message, 'error'));

  const form = el('form', { class: 'batch-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api.setQueueLimit(Number(limit.value) || 1);
      const rows = await api.enqueueBatch({ ...settings(), prompts: prompts.value, variations: Number(variations.value) || 1 });
      rows.forEach(onQueued);
      say(rows.length === 1 ? '1 video queued.' : `${rows.length} videos queued.`, 'ok');
      showQueue(await api.queueStatus());
    } catch (error) {
      say(error.message, 'error');
    }
  } },
  el('div', { class: 'field' },
    el('label', { for: 'batch-prompts', text: 'Prompts, one per line' }),
    prompts,
    el('p', { class: 'hint', text: 'Uses the model, duration and aspect chosen above. Each line becomes its own video.' })),
  el('div', { class: 'row' },
    el('div', { class: 'field' }, el('label', { for: 'batch-variations', text: 'Variations of each' }), variations),
    el('div', { class: 'field' }, el('label', { for: 'batch-limit', text: 'At a time' }), limit)),
  el('div', { class: 'actions' }, status, el('button', { type: 'submit', class: 'primary', text: 'Queue batch' })),
  el('div', { class: 'queue-controls' },
    queueText,
    el('button', { type: 'button', class: 'quiet small', text: 'Pause queue', onclick: () => act(() => api.pauseQueue(true)) }),
    el('button', { type: 'button', class: 'quiet small', text: 'Resume queue', onclick: () => act(() => api.pauseQueue(false)) }),
    el('button', { type: 'button', class: 'quiet small', text: 'Cancel waiting', onclick: () => act(async () => {
      (await api.cancelQueue()).forEach(onQueued);
      return api.queueStatus();
    }) })));

  container.replaceChildren(el('details', { class: 'batch' },
    el('summary', { text: 'Batch: several videos at once' }), form));
  act(api.queueStatus);
  // Slots free as jobs finish: keep the counts current.
  return { refresh: () => act(api.queueStatus) };
}
