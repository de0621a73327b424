// @ts-check
// Job cards. Each card is drawn from one stored row, the only truth about a job; an
// event with a newer row redraws that card alone, in place. A new card is put where
// it belongs, so the others (and a video playing on one) are never touched.

import { el, $ } from '../dom.js';
import { t, has, problemParts, errorText } from '../i18n.js';
import { shortPrompt } from '../short-prompt.js';

/** @typedef {import('../types/JobRow').JobRow} JobRow */
/** @typedef {import('../types/Mismatch').Mismatch} Mismatch */
/**
 * What the buttons on a card do (main.js).
 * @typedef {object} CardActions
 * @property {(row: JobRow, card: HTMLElement) => void} play
 * @property {(id: string) => Promise<import('../types/ThumbnailPreview').ThumbnailPreview>} poster
 * @property {(row: JobRow) => void} reveal
 * @property {(row: JobRow) => void} checkAgain
 * @property {(row: JobRow) => void} retryDownload
 * @property {(row: JobRow) => void} copyPrompt
 * @property {(row: JobRow) => void} details
 * @property {(row: JobRow) => void} runAgain
 * @property {(row: JobRow) => void} continueShot
 * @property {(row: JobRow) => void} addToStory
 * @property {(id: string) => boolean} isChosen ticked to be compared
 * @property {(row: JobRow, box: HTMLInputElement) => void} choose its Compare box changed
 * @property {(row: JobRow, switchSizes?: boolean) => void} makeAgain
 * @property {(row: JobRow) => void} saveAs
 * @property {(row: JobRow, opener: HTMLElement) => void} remove
 */

/** @type {(a: JobRow, b: JobRow) => number} */
const newestFirst = (a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1);

/** @param {{ container: HTMLElement, actions: CardActions }} deps */
export function mountCards({ container, actions }) {
  /** @type {Map<string, JobRow>} */
  const rows = new Map();
  // What an action on a card could not do (open its folder, check again...): said on
  // the card until its job moves on, never written into the row.
  /** @type {Map<string, unknown>} */
  const notes = new Map();
  /** @type {HTMLElement | null} */
  let list = null;
  const full = (/** @type {JobRow} */ row) => withPoster(card(row, actions, notes.get(row.id)), row);
  /** @type {(id: string) => HTMLElement | null | undefined} */
  const cardOf = (id) => list?.querySelector(`[data-job="${CSS.escape(id)}"]`);

  // Cards of older pages (Show more) start as a shell, the prompt alone, and are built
  // whole once they come near the view: a thousand whole cards cost the page about
  // 60 MiB (their elements and buttons), shells a fraction (tests/e2e/costs.rs).
  const near = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      near.unobserve(entry.target);
      const row = rows.get(/** @type {HTMLElement} */ (entry.target).dataset.job ?? '');
      if (row) entry.target.replaceWith(full(row));
    }
  }, { rootMargin: '1500px 0px' });
  /** @param {JobRow} row */
  function shell(row) {
    const node = el('li', { class: `card shell status-${row.status}`, 'data-job': row.id },
      el('p', { class: 'card-prompt', text: row.prompt }));
    near.observe(node);
    return node;
  }
  // A card already built stays built when its job changes.
  const draw = (/** @type {JobRow} */ row) => (cardOf(row.id)?.classList.contains('shell') ? shell(row) : full(row));

  // Posters: a saved video's first frame in its card's picture slot, asked for when the
  // card comes into view and kept for the run, so a redrawn card shows it at once.
  /** @type {Map<string, string>} */
  const posters = new Map();
  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      inView.unobserve(entry.target);
      const id = /** @type {HTMLElement} */ (entry.target).dataset.job;
      if (id) loadPoster(id);
    }
  });

  /**
   * @param {HTMLElement} node
   * @param {JobRow} row
   */
  function withPoster(node, row) {
    if (row.status !== 'downloaded') return node;
    const known = posters.get(row.id);
    if (known) showPoster(node, known);
    else inView.observe(node);
    return node;
  }

  /** @param {string} id */
  async function loadPoster(id) {
    try {
      const poster = await actions.poster(id);
      posters.set(id, poster.data_url);
      const node = cardOf(id);
      if (node) showPoster(node, poster.data_url);
    } catch {
      // A video whose first frame cannot be read keeps the plain square.
    }
  }

  function render() {
    // The cards waiting for their posters, or to be built, are all replaced.
    inView.disconnect();
    near.disconnect();
    const ordered = [...rows.values()].sort(newestFirst);
    if (ordered.length === 0) {
      list = null;
      container.replaceChildren($('#empty-jobs').content.cloneNode(true));
      return;
    }
    list = el('ul', { class: 'cards' }, ordered.map(full));
    container.replaceChildren(list);
  }

  /**
   * @param {HTMLElement} node
   * @param {JobRow} row
   */
  function place(node, row) {
    if (!list) return;
    const older = [.../** @type {HTMLCollectionOf<HTMLElement>} */ (list.children)].find((other) => {
      const shown = rows.get(other.dataset.job ?? '');
      return shown && newestFirst(row, shown) < 0;
    });
    list.insertBefore(node, older ?? null);
  }

  /** @param {JobRow} row */
  function redraw(row) {
    const fresh = draw(row);
    const existing = cardOf(row.id);
    if (!existing) return place(fresh, row);
    // A video playing on this card goes on playing, and its button still says so.
    const player = existing.querySelector('.card-player');
    if (player?.firstChild) fresh.querySelector('.card-player')?.replaceWith(player);
    inView.unobserve(existing);
    near.unobserve(existing);
    existing.replaceWith(fresh);
    showPlayState(fresh);
  }

  return {
    /** @param {JobRow[]} jobs */
    show(jobs) {
      rows.clear();
      jobs.forEach((row) => rows.set(row.id, row));
      render();
    },
    // The next page: older than every card shown, so it goes below them.
    /** @param {JobRow[]} jobs */
    append(jobs) {
      const fresh = jobs.filter((row) => !rows.has(row.id));
      fresh.forEach((row) => rows.set(row.id, row));
      if (list) list.append(...fresh.map(shell));
      else render();
    },
    /** @param {string} id */
    has(id) {
      return rows.has(id);
    },
    /** @param {JobRow} row */
    update(row) {
      if (rows.get(row.id)?.status !== row.status) notes.delete(row.id);
      rows.set(row.id, row);
      if (list) redraw(row);
      else render();
    },
    /** Labels the card's Play button Pause while its video plays. */
    /** @param {string} id */
    showPlaying(id) {
      const node = cardOf(id);
      if (node) showPlayState(node);
    },
    /**
     * Says on the card what an action could not do; the job itself is unchanged.
     * @param {string} id
     * @param {unknown} note an error from Rust, or words already said
     */
    tell(id, note) {
      const row = rows.get(id);
      if (!row) return;
      notes.set(id, note);
      if (list) redraw(row);
    },
    /** @param {string} id */
    remove(id) {
      rows.delete(id);
      notes.delete(id);
      const gone = cardOf(id);
      if (gone) {
        inView.unobserve(gone);
        near.unobserve(gone);
        gone.remove();
      }
      if (rows.size === 0) render();
    },
  };
}

// The prompt beside it says what it shows: to a screen reader the picture adds nothing.
/**
 * @param {Element} node
 * @param {string} dataUrl
 */
function showPoster(node, dataUrl) {
  node.querySelector('.card-thumb')?.replaceWith(el('img', { class: 'card-thumb poster', src: dataUrl, alt: '' }));
}

/** @param {Element} node */
function showPlayState(node) {
  const play = node.querySelector('.card-actions .play');
  const video = /** @type {HTMLVideoElement | null} */ (node.querySelector('.card-player video'));
  if (play) play.textContent = t(video && !video.paused ? 'card.pause' : 'card.play');
}

// Checking stopped while the gateway may still make the video (jobs/poller.rs).
const GAVE_UP = ['gateway_kept_failing', 'stopped_checking'];
/** @param {JobRow} row */
const gaveUp = (row) => row.status === 'failed' && row.error_code !== null && GAVE_UP.includes(row.error_code);

/**
 * @param {JobRow} row
 * @param {CardActions} actions
 * @param {unknown} note
 */
function card(row, actions, note) {
  const media = row.reference_thumb
    ? el('img', { class: 'card-thumb', src: row.reference_thumb, alt: t('card.referenceAlt') })
    : el('div', { class: 'card-thumb placeholder', 'aria-hidden': 'true' });
  return el('li', { class: `card status-${row.status}${gaveUp(row) ? ' gave-up' : ''}`, 'data-job': row.id },
    media,
    el('div', { class: 'card-body' },
      el('p', { class: 'card-prompt', text: row.prompt }),
      row.kept ? el('p', { class: 'card-kept', text: t('card.kept') }) : null,
      el('p', { class: 'card-meta', text: `${row.model} · ${t('seconds.label', { n: row.seconds })} · ${row.size} · ${age(row.created_at)}` }),
      continuesLine(row),
      statusLine(row),
      videoLine(row),
      progressBar(row),
      problem(row),
      note ? el('p', { class: 'card-problem card-note', role: 'status', text: errorText(note) }) : null,
      mismatchNote(row, actions),
      el('div', { class: 'card-player' }),
      el('div', { class: 'card-actions' }, cardActions(row, actions)),
    ),
  );
}

/** Where the job is, in words, without its percentage: what is announced once when it changes. */
/** @param {JobRow} row */
export function statusText(row) {
  if (gaveUp(row)) return t('card.status.stoppedChecking');
  if (row.status === 'completed' && row.download_error) return t('card.status.notSaved');
  if (row.status === 'downloaded' && row.file_path) return t('card.savedAs', { file: row.file_path.split(/[\\/]/).pop() });
  return has(`card.status.${row.status}`) ? t(`card.status.${row.status}`) : row.status;
}

// Not a live region: a card is redrawn on every progress tick, and the window
// announces a change of status once, in #job-announcer.
/** @param {JobRow} row */
function statusLine(row) {
  let text = statusText(row);
  if (row.status === 'running' && row.progress != null) text = `${text} ${Math.round(row.progress)}%`;
  const server = row.server_status && row.status === 'running' ? t('card.gatewaySays', { status: row.server_status }) : '';
  return el('p', { class: 'card-status', text: text + server });
}

// The shot this one starts from, by its prompt.
/** @param {JobRow} row */
function continuesLine(row) {
  if (!row.continues) return null;
  const text = row.continues_prompt == null
    ? t('card.continuesRemoved')
    : t('card.continues', { prompt: shortPrompt(row.continues_prompt) });
  return el('p', { class: 'card-continues', text });
}

// What the saved file really is, read from it after the download.
/** @param {JobRow} row */
function videoLine(row) {
  if (row.status !== 'downloaded' || !row.video_checked) return null;
  if (!row.video) return el('p', { class: 'card-video', text: t('card.video.unknown') });
  const { width, height, duration_ms: ms, has_audio: sound } = row.video;
  const parts = [`${width}×${height}`, t('seconds.label', { n: seconds(ms / 1000) })];
  if (!sound) parts.push(t('card.video.noSound'));
  return el('p', { class: 'card-video', text: parts.join(' · ') });
}

// The file contradicts the request: say how, and offer to make it again in one click.
/**
 * @param {JobRow} row
 * @param {CardActions} actions
 */
function mismatchNote(row, actions) {
  if (!row.mismatches?.length) return null;
  const note = el('div', { class: 'card-mismatch', role: 'note' },
    el('p', { text: row.mismatches.map(mismatchText).join(' ') }));
  if (row.reference_thumb) {
    note.append(el('p', { text: t('card.mismatch.withPicture') }));
  } else {
    // A wrong shape is how a gateway shows it reads sizes the other way (ratio or pixels).
    if (row.mismatches.some((m) => m.kind === 'aspect')) {
      note.append(el('button', { type: 'button', class: 'small', onclick: () => actions.makeAgain(row, true) }, t('card.switchSizesAndMakeAgain')));
    }
    note.append(el('button', { type: 'button', class: 'small quiet', onclick: () => actions.makeAgain(row) }, t('card.makeAgain')));
  }
  return note;
}

/** @param {Mismatch} m */
function mismatchText(m) {
  if (m.kind === 'aspect') {
    return t('card.mismatch.aspect', {
      asked: m.asked, askedShape: t(`card.shape.${m.asked_shape}`),
      made: m.made, madeShape: t(`card.shape.${m.made_shape}`),
    });
  }
  if (m.kind === 'length') {
    return t('card.mismatch.length', {
      asked: t('seconds.label', { n: seconds(m.asked_seconds) }),
      made: t('seconds.label', { n: seconds(m.made_seconds) }),
    });
  }
  return '';
}

// 8, 7.5: whole seconds without a decimal.
/** @param {number} value */
function seconds(value) {
  const tenths = Math.round(value * 10) / 10;
  return tenths.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
}

/** @param {JobRow} row */
function progressBar(row) {
  if (row.status === 'running') {
    return el('progress', { max: 100, value: row.progress ?? undefined, 'aria-label': t('card.progress') });
  }
  if (row.status === 'completed' && row.download_total) {
    return el('progress', { max: row.download_total, value: row.download_bytes ?? 0, 'aria-label': t('card.download') });
  }
  return null;
}

// Our sentence in the user's language, then the gateway's own words as it wrote them.
/** @param {JobRow} row */
function problem(row) {
  const parts = [];
  for (const stored of [row.error, row.download_error]) {
    if (!stored) continue;
    const { sentence, said } = problemParts(stored);
    parts.push(el('span', { text: sentence }));
    if (said) parts.push(' ', el('span', { class: 'card-said', text: said }));
    parts.push(' ');
  }
  if (row.warning) parts.push(el('span', { text: has(`card.warning.${row.warning}`) ? t(`card.warning.${row.warning}`) : row.warning }));
  if (parts.length === 0) return null;
  return el('p', { class: 'card-problem' }, parts);
}

/**
 * @param {JobRow} row
 * @param {CardActions} actions
 */
function cardActions(row, actions) {
  /** @type {(label: string, onclick: (event: MouseEvent & { currentTarget: HTMLElement }) => void) => HTMLElement} */
  const button = (label, onclick) => el('button', { type: 'button', class: 'quiet small', onclick }, label);
  const buttons = [];
  if (row.status === 'downloaded') {
    const play = button(t('card.play'), (event) => actions.play(row, /** @type {HTMLElement} */ (event.currentTarget.closest('.card'))));
    play.classList.add('play');
    buttons.push(play);
    buttons.push(button(t('card.continue'), () => actions.continueShot(row)));
    buttons.push(button(t('card.addToStory'), () => actions.addToStory(row)));
    buttons.push(compareBox(row, actions));
    buttons.push(button(t('card.reveal'), () => actions.reveal(row)));
    buttons.push(button(t('card.saveAs'), () => actions.saveAs(row)));
  }
  if (gaveUp(row)) {
    buttons.push(button(t('card.checkAgain'), () => actions.checkAgain(row)));
  }
  if (row.status === 'completed' && row.download_error) {
    buttons.push(button(t('card.retryDownload'), () => actions.retryDownload(row)));
  }
  if (row.status !== 'waiting') buttons.push(button(t('card.details'), () => actions.details(row)));
  buttons.push(button(t('card.copyPrompt'), () => actions.copyPrompt(row)));
  // A blocked video needs a changed prompt or picture: the form, filled, is the fix.
  const again = row.error_code === 'content_blocked' ? 'card.editAndRetry' : 'card.runAgain';
  buttons.push(button(t(again), () => actions.runAgain(row)));
  buttons.push(button(t('card.remove'), (event) => actions.remove(row, event.currentTarget)));
  return buttons;
}

// Ticked to play beside other takes (views/compare.js); the box says which prompt.
/**
 * @param {JobRow} row
 * @param {CardActions} actions
 */
function compareBox(row, actions) {
  const box = el('input', { type: 'checkbox', 'aria-label': t('card.compare.label', { prompt: shortPrompt(row.prompt) }) });
  box.checked = actions.isChosen(row.id);
  box.addEventListener('change', () => actions.choose(row, box));
  return el('label', { class: 'choose-take' }, box, el('span', { 'aria-hidden': 'true', text: t('card.compare') }));
}

/** @param {number} ms */
function age(ms) {
  const minutes = Math.floor((Date.now() - ms) / 60000);
  if (minutes < 1) return t('card.justNow');
  if (minutes < 60) return t('card.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('card.hoursAgo', { n: hours });
  return new Date(ms).toLocaleDateString(document.documentElement.lang);
}
