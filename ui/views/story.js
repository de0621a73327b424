// @ts-check
// The story: saved shots in the order the film plays them (added from their cards),
// reordered with Move up / Move down, and *Export film*: one MP4 joined without
// re-encoding. Shots that cannot be joined as they are are named, and the runs that
// can are offered on their own.

import { DISCLOSURE, el } from '../dom.js';
import { t, errorText, problemText } from '../i18n.js';
import { shortPrompt } from '../short-prompt.js';

/** @typedef {import('../types/JobRow').JobRow} JobRow */
/** @typedef {import('../types/Run').Run} Run */
/** Which button of which shot takes the focus after a change. @typedef {{ index: number, button: string }} FocusAt */

/** @param {{ container: HTMLElement, api: typeof import('../api.js') }} deps */
export function mountStory({ container, api }) {
  /** @type {JobRow[]} */
  let shots = [];
  const list = el('ol', { class: 'story-shots', id: 'story-shots' });
  const summary = el('p', { class: 'hint', id: 'story-summary' });
  const status = el('p', { class: 'status', id: 'story-status', role: 'status', 'aria-live': 'polite' });
  const runs = el('div', { class: 'story-runs', id: 'story-runs' });
  const exportButton = el('button', { type: 'button', class: 'primary', text: t('story.export'), onclick: () => exportFilm(null) });
  const panel = el('details', { class: 'story', id: 'story' },
    el('summary', { ...DISCLOSURE, text: t('story.summary') }),
    el('p', { class: 'hint', text: t('story.hint') }),
    list, summary, runs,
    el('div', { class: 'actions' }, status, exportButton));
  container.replaceChildren(panel);

  const say = (/** @type {string} */ message, tone = 'info') => { status.textContent = message; status.dataset.tone = tone; };

  /** @param {FocusAt | null} [focusAt] */
  function render(focusAt = null) {
    list.replaceChildren(...shots.map((row, i) => shotItem(row, i)));
    const seconds = shots.reduce((sum, row) => sum + (row.video?.duration_ms ?? 0), 0) / 1000;
    const length = shots.length === 1 ? 'story.length.one' : 'story.length';
    summary.textContent = shots.length === 0 ? t('story.empty') : t(length, { n: shots.length, seconds: Math.round(seconds) });
    exportButton.disabled = shots.length === 0;
    runs.replaceChildren();
    const focused = focusAt && list.querySelector(`[data-shot="${focusAt.index}"] .${focusAt.button}`);
    if (focused instanceof HTMLElement) focused.focus();
  }

  /** @param {JobRow} row @param {number} i */
  function shotItem(row, i) {
    /** @type {(name: string, label: string, disabled: boolean, onclick: () => void) => HTMLElement} */
    const button = (name, label, disabled, onclick) =>
      el('button', { type: 'button', class: `quiet small ${name}`, disabled, onclick,
        'aria-label': `${label}: ${shortPrompt(row.prompt)}`, text: label });
    return el('li', { class: 'story-shot', 'data-shot': String(i) },
      el('span', { class: 'story-prompt', text: shortPrompt(row.prompt) }),
      button('up', t('story.up'), i === 0, () => move(i, -1)),
      button('down', t('story.down'), i === shots.length - 1, () => move(i, 1)),
      button('out', t('story.remove'), false, () => change((ids) => ids.filter((_, j) => j !== i))));
  }

  // Changes run one after another, each on the story the last one stored: two quick
  // presses of "Add to story" add both shots.
  let changing = Promise.resolve();
  /**
   * @param {(ids: string[]) => string[]} edit
   * @param {FocusAt | null} [focusAt]
   */
  function change(edit, focusAt = null) {
    changing = changing.then(async () => {
      try {
        shots = await api.setStory(edit(shots.map((row) => row.id)));
        render(focusAt);
      } catch (error) {
        say(errorText(error), 'error');
      }
    });
    return changing;
  }

  // The focus stays on the moved shot's button, so pressing it again moves it on.
  /** @param {number} i @param {number} by */
  function move(i, by) {
    const index = i + by;
    const edge = index === 0 || index === shots.length - 1;
    change((ids) => {
      [ids[i], ids[index]] = [ids[index], ids[i]];
      return ids;
    }, { index, button: edge ? (by < 0 ? 'down' : 'up') : (by < 0 ? 'up' : 'down') });
  }

  /** @param {{ start: number, end: number } | null} range */
  async function exportFilm(range) {
    say(t('story.checking'));
    try {
      if (!range) {
        const plan = await api.filmPlan();
        if (plan.length > 1) return offerRuns(plan);
      }
      say(t('story.exporting'));
      const made = await api.exportFilm(range);
      if (!made) return say('');
      say(t('story.exported', { path: made.path, seconds: Math.round(made.film.duration_ms / 1000) }), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
  }

  // Not every shot joins the one before as it is: say why, offer each run on its own.
  /** @param {Run[]} plan */
  function offerRuns(plan) {
    say(t('story.differs'), 'error');
    runs.replaceChildren(...plan.map((run) => el('div', { class: 'story-run' },
      run.differs ? el('p', { text: problemText(run.differs) }) : null,
      el('button', { type: 'button', class: 'small', onclick: () => exportFilm(run.clips),
        text: t('story.exportRun', { first: run.clips.start + 1, last: run.clips.end }) }))));
  }

  const reload = () => api.story().then((rows) => { shots = rows; render(); }).catch((error) => say(errorText(error), 'error'));
  reload();

  return {
    /** Adds a saved shot at the end; the panel opens to show it. */
    /** @param {JobRow} row */
    add(row) {
      panel.open = true;
      if (shots.some((shot) => shot.id === row.id)) return say(t('story.already'));
      say('');
      return change((ids) => (ids.includes(row.id) ? ids : [...ids, row.id]));
    },
    /** A shot left the history: the story drops it. */
    reload,
  };
}
