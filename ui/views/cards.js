// Job cards. Each card is drawn from one stored row, the only truth about a job;
// an event with a newer row simply replaces the card.

import { el, $ } from '../dom.js';

const STATUS_TEXT = {
  draft: 'Not sent',
  waiting: 'Waiting for its turn',
  submitting: 'Sending…',
  running: 'Making the video…',
  completed: 'Finished. Saving the video…',
  downloaded: 'Saved',
  failed: 'Failed',
  uncertain: 'May have been created',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

const WARNING_TEXT = {
  taking_unusually_long: 'This is taking unusually long. The gateway may be busy; the job keeps being checked.',
  expired_without_file: 'The gateway may no longer keep this video, and it was not saved.',
};

export function mountCards(container, actions) {
  const rows = new Map();
  let list = null;

  function render() {
    const ordered = [...rows.values()].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
    if (ordered.length === 0) {
      list = null;
      container.replaceChildren($('#empty-jobs').content.cloneNode(true));
      return;
    }
    list = el('ul', { class: 'cards' }, ordered.map((row) => card(row, actions)));
    container.replaceChildren(list);
  }

  return {
    show(jobs) {
      rows.clear();
      jobs.forEach((row) => rows.set(row.id, row));
      render();
    },
    update(row) {
      const existing = list?.querySelector(`[data-job="${CSS.escape(row.id)}"]`);
      rows.set(row.id, row);
      if (existing) existing.replaceWith(card(row, actions));
      else render();
    },
    remove(id) {
      rows.delete(id);
      render();
    },
  };
}

function card(row, actions) {
  const media = row.reference_thumb
    ? el('img', { class: 'card-thumb', src: row.reference_thumb, alt: 'Reference image' })
    : el('div', { class: 'card-thumb placeholder', 'aria-hidden': 'true' });
  return el('li', { class: `card status-${row.status}`, 'data-job': row.id },
    media,
    el('div', { class: 'card-body' },
      el('p', { class: 'card-prompt', text: row.prompt }),
      el('p', { class: 'card-meta', text: `${row.model} · ${row.seconds} s · ${row.size} · ${age(row.created_at)}` }),
      statusLine(row),
      progressBar(row),
      problem(row),
      el('div', { class: 'card-player' }),
      el('div', { class: 'card-actions' }, cardActions(row, actions)),
    ),
  );
}

function statusLine(row) {
  let text = STATUS_TEXT[row.status] ?? row.status;
  if (row.status === 'running' && row.progress != null) text = `${text} ${Math.round(row.progress)}%`;
  if (row.status === 'downloaded' && row.file_path) text = `Saved as ${row.file_path.split(/[\\/]/).pop()}`;
  const server = row.server_status && row.status === 'running' ? ` (gateway says “${row.server_status}”)` : '';
  return el('p', { class: 'card-status', role: 'status', text: text + server });
}

function progressBar(row) {
  if (row.status === 'running') {
    return el('progress', { max: 100, value: row.progress ?? undefined, 'aria-label': 'Progress' });
  }
  if (row.status === 'completed' && row.download_total) {
    return el('progress', { max: row.download_total, value: row.download_bytes ?? 0, 'aria-label': 'Download' });
  }
  return null;
}

function problem(row) {
  const lines = [];
  if (row.error_message) lines.push(row.error_message);
  if (row.download_error_message) lines.push(row.download_error_message);
  if (row.warning) lines.push(WARNING_TEXT[row.warning] ?? row.warning);
  if (lines.length === 0) return null;
  return el('p', { class: 'card-problem', text: lines.join(' ') });
}

function cardActions(row, actions) {
  const button = (label, onclick) => el('button', { type: 'button', class: 'quiet small', onclick }, label);
  const buttons = [];
  if (row.status === 'downloaded') {
    buttons.push(button('Play', (event) => actions.play(row, event.currentTarget.closest('.card'))));
    buttons.push(button('Show in folder', () => actions.reveal(row)));
  }
  if (row.status === 'completed' && row.download_error_message) {
    buttons.push(button('Retry download', () => actions.retryDownload(row)));
  }
  buttons.push(button('Copy prompt', () => actions.copyPrompt(row)));
  buttons.push(button('Run again', () => actions.runAgain(row)));
  buttons.push(button('Remove', () => actions.remove(row)));
  return buttons;
}

function age(ms) {
  const minutes = Math.floor((Date.now() - ms) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(ms).toLocaleDateString();
}
