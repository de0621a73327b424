// @ts-check
// Compare takes: two to four saved videos, chosen with the Compare box on their cards,
// play side by side and in step (the longest leads, the others follow its clock).
// *Keep this take* marks the chosen one kept and the others not; the history keeps
// the mark and the cards show it.
//
// While the takes play nothing else does: the card player stops first. Each take's
// source is let go when the dialog closes, once that is safe (player.js).

import { $, el } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { shortPrompt } from '../short-prompt.js';
import { inStep, leadIndex, clock } from '../in-step.js';
import { releaseVideo } from './player.js';

/** @typedef {import('../types/JobRow').JobRow} JobRow */
/** @typedef {{ row: JobRow, video: HTMLVideoElement, figure: HTMLElement, problem: HTMLElement, keep: HTMLElement, sound: HTMLElement }} Take */

export const MAX_TAKES = 4;

/**
 * @param {{ api: typeof import('../api.js'),
 *           beforePlaying: () => void,
 *           onKept: (rows: JobRow[]) => void }} deps
 */
export function mountCompare({ api, beforePlaying, onKept }) {
  /** The cards ticked, in the order they were. @type {Map<string, JobRow>} */
  const chosen = new Map();
  const bar = $('#compare-bar');
  const count = $('#compare-count');
  const openButton = $('#compare-open');
  /** @type {HTMLDialogElement} */
  const dialog = $('#compare');
  const grid = $('#compare-takes');
  const playButton = $('#compare-play');
  /** @type {HTMLInputElement} */
  const position = $('#compare-position');
  const time = $('#compare-time');
  const status = $('#compare-status');
  /** @type {Take[]} */
  let takes = [];
  // Each opening counts: a source that arrives after the dialog closed is not used.
  let opening = 0;

  /** @param {string} [message] */
  function showBar(message) {
    bar.hidden = chosen.size === 0 && !message;
    count.textContent = message ?? t(chosen.size === 1 ? 'compare.chosen.one' : 'compare.chosen', { n: chosen.size });
    openButton.disabled = chosen.size < 2;
  }

  function clear() {
    chosen.clear();
    document.querySelectorAll('#job-list .choose-take input:checked').forEach((box) => {
      /** @type {HTMLInputElement} */ (box).checked = false;
    });
    showBar();
  }

  const lead = () => takes[leadIndex(takes.map((x) => x.video.duration))];
  const playing = () => takes.some((x) => !x.video.paused && !x.video.ended);

  function showClock() {
    const leader = lead();
    if (!leader) return;
    const { currentTime, duration } = leader.video;
    if (Number.isFinite(duration)) position.max = String(duration);
    position.value = String(currentTime);
    time.textContent = `${clock(currentTime)} / ${clock(duration)}`;
    playButton.textContent = t(playing() ? 'compare.pause' : 'compare.play');
  }

  // The followers are moved back into step with the lead as it plays.
  function follow() {
    const leader = lead();
    if (!leader || leader.video.paused) return;
    const others = takes.filter((x) => x !== leader && !x.video.seeking);
    const targets = inStep(leader.video.currentTime, others.map((x) => ({ time: x.video.currentTime, duration: x.video.duration })));
    targets.forEach((target, i) => { if (target !== null) others[i].video.currentTime = target; });
  }

  /** @param {number} at */
  function seekAll(at) {
    for (const x of takes) x.video.currentTime = Math.min(at, x.video.duration || 0);
    showClock();
  }

  async function playTogether() {
    if (playing()) {
      takes.forEach((x) => x.video.pause());
      return;
    }
    const leader = lead();
    if (!leader) return;
    if (leader.video.ended) seekAll(0);
    const at = leader.video.currentTime;
    // A take that has already ended would start again from its beginning.
    const more = takes.filter((x) => !(x.video.duration <= at));
    await Promise.all(more.map((x) => x.video.play().catch(() => {})));
  }

  /** @param {Take} heard */
  function hear(heard) {
    for (const x of takes) {
      x.video.muted = x !== heard;
      x.sound.setAttribute('aria-pressed', String(x === heard));
    }
  }

  function showKept() {
    for (const x of takes) {
      x.figure.classList.toggle('kept', x.row.kept);
      x.figure.querySelector('.card-kept')?.toggleAttribute('hidden', !x.row.kept);
      x.keep.setAttribute('aria-pressed', String(x.row.kept));
    }
  }

  /** @param {Take} x */
  async function keep(x) {
    const keeping = !x.row.kept;
    try {
      const changed = await api.keepTake(keeping ? x.row.id : null, takes.map((other) => other.row.id));
      changed.forEach(rowChanged);
      onKept(changed);
      status.textContent = keeping ? t('compare.kept', { prompt: shortPrompt(x.row.prompt) }) : t('compare.noneKept');
    } catch (error) {
      status.textContent = errorText(error);
    }
  }

  /** @param {JobRow} row @param {number} i @returns {Take} */
  function take(row, i) {
    const video = el('video', { preload: 'auto', playsinline: true });
    // WebKitGTK's own controls never let the focus go; the dialog's buttons play.
    video.tabIndex = -1;
    video.muted = true;
    const name = t('compare.take', { n: i + 1, prompt: shortPrompt(row.prompt) });
    const problem = el('p', { class: 'card-problem' });
    video.addEventListener('error', () => { problem.textContent = t('video.unplayable'); });
    // The handlers run once `x` exists.
    const keepButton = el('button', { type: 'button', class: 'small', onclick: () => keep(x) }, t('compare.keep'));
    const soundButton = el('button', { type: 'button', class: 'quiet small', onclick: () => hear(x) }, t('compare.sound'));
    const figure = el('figure', { class: 'take', 'data-job': row.id, 'aria-label': name },
      video,
      el('figcaption', {},
        el('p', { class: 'take-prompt', text: row.prompt }),
        el('p', { class: 'take-meta', text: `${row.model} · ${t('seconds.label', { n: row.seconds })} · ${row.size}` }),
        el('span', { class: 'card-kept', text: t('card.kept'), hidden: !row.kept }),
        problem,
        el('div', { class: 'take-actions' }, keepButton, soundButton)));
    /** @type {Take} */
    const x = { row, video, figure, problem, keep: keepButton, sound: soundButton };
    for (const event of ['timeupdate', 'play', 'pause', 'ended', 'loadedmetadata']) {
      video.addEventListener(event, () => {
        if (x !== lead()) return;
        if (event === 'timeupdate') follow();
        if (event === 'pause' && !video.ended) takes.forEach((other) => other.video.pause());
        showClock();
      });
    }
    return x;
  }

  async function open() {
    if (chosen.size < 2) return;
    beforePlaying();
    const mine = ++opening;
    status.textContent = '';
    takes = [...chosen.values()].map(take);
    grid.replaceChildren(...takes.map((x) => x.figure));
    hear(takes[0]);
    showKept();
    position.value = '0';
    position.max = '0';
    showClock();
    dialog.showModal();
    await Promise.all(takes.map(async (x) => {
      try {
        const url = await api.videoUrl(x.row.id);
        if (mine === opening) x.video.src = url;
      } catch (error) {
        if (mine === opening) x.problem.textContent = errorText(error);
      }
    }));
  }

  // Closed by its button or Escape: the takes stop and their sources are let go.
  dialog.addEventListener('close', () => {
    opening++;
    const leaving = takes;
    takes = [];
    grid.replaceChildren();
    leaving.forEach((x) => releaseVideo(x.video));
  });

  /** The history changed a take (its Kept mark, moved by this dialog or elsewhere). */
  /** @param {JobRow} row */
  function rowChanged(row) {
    if (chosen.has(row.id)) chosen.set(row.id, row);
    const x = takes.find((other) => other.row.id === row.id);
    if (!x) return;
    x.row = row;
    showKept();
  }

  playButton.addEventListener('click', playTogether);
  $('#compare-restart').addEventListener('click', () => { seekAll(0); if (!playing()) playTogether(); });
  position.addEventListener('input', () => seekAll(Number(position.value)));
  $('#compare-close').addEventListener('click', () => dialog.close());
  openButton.addEventListener('click', open);
  $('#compare-clear').addEventListener('click', clear);
  showBar();

  return {
    /** @param {string} id */
    isChosen: (id) => chosen.has(id),
    /**
     * The Compare box on a card was ticked or cleared.
     * @param {JobRow} row
     * @param {HTMLInputElement} box
     */
    choose(row, box) {
      if (box.checked && chosen.size >= MAX_TAKES) {
        box.checked = false;
        showBar(t('compare.tooMany', { n: MAX_TAKES }));
        return;
      }
      if (box.checked) chosen.set(row.id, row);
      else chosen.delete(row.id);
      showBar();
    },
    jobChanged: rowChanged,
    /** The job was removed from the history. @param {string} id */
    forget(id) {
      if (!chosen.delete(id)) return;
      showBar();
    },
  };
}
