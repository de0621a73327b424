// @ts-check
// The story: its shots in the order the film plays them. A shot is a saved video
// (added from its card) or a prompt still to make, planned from the form, which may
// start from the last frame of the shot before. *Make the missing shots* makes them,
// each continuing shot once the one before is saved. Reordered with Move up / Move
// down or by dragging a shot's grip. *Export film* joins the videos without
// re-encoding; shots that cannot be joined as they are are named, and the runs that
// can are offered on their own.

import { DISCLOSURE, el } from '../dom.js';
import { t, errorText, problemText } from '../i18n.js';
import { shortPrompt } from '../short-prompt.js';
import { statusText } from './cards.js';

/** @typedef {import('../types/JobRow').JobRow} JobRow */
/** @typedef {import('../types/StoryShot').StoryShot} StoryShot */
/** @typedef {import('../types/Run').Run} Run */
/** @typedef {import('../types/GenerateRequest').GenerateRequest} GenerateRequest */
/** Which control of which shot takes the focus after a change. @typedef {{ index: number, control: string }} FocusAt */

const promptOf = (/** @type {StoryShot} */ shot) => shot.job?.prompt ?? shot.plan?.prompt ?? '';
const isSaved = (/** @type {StoryShot} */ shot) => shot.job?.status === 'downloaded';
// A planned shot with no video that could still come: to make (again).
const LOST = ['failed', 'expired', 'cancelled', 'draft'];
const isMissing = (/** @type {StoryShot} */ shot) => !!shot.plan && (!shot.job || LOST.includes(shot.job.status));

/** @param {{ container: HTMLElement, api: typeof import('../api.js') }} deps */
export function mountStory({ container, api }) {
  /** @type {StoryShot[]} */
  let shots = [];
  const list = el('ol', { class: 'story-shots', id: 'story-shots' });
  const summary = el('p', { class: 'hint', id: 'story-summary' });
  const status = el('p', { class: 'status', id: 'story-status', role: 'status', 'aria-live': 'polite' });
  const runs = el('div', { class: 'story-runs', id: 'story-runs' });
  const makeButton = el('button', { type: 'button', class: 'small', id: 'make-missing', text: t('story.makeMissing'), onclick: makeMissing });
  const exportButton = el('button', { type: 'button', class: 'primary', text: t('story.export'), onclick: () => exportFilm(null) });
  const panel = el('details', { class: 'story', id: 'story' },
    el('summary', { ...DISCLOSURE, text: t('story.summary') }),
    el('p', { class: 'hint', text: t('story.hint') }),
    list, summary, runs,
    el('div', { class: 'actions' }, status, makeButton, exportButton));
  container.replaceChildren(panel);

  const say = (/** @type {string} */ message, tone = 'info') => { status.textContent = message; status.dataset.tone = tone; };

  // Where the focus is among the shots, so a re-render (a shot's progress) keeps it.
  /** @returns {FocusAt | null} */
  function focusNow() {
    const active = document.activeElement;
    const item = active instanceof HTMLElement && list.contains(active) ? active.closest('[data-shot]') : null;
    if (!(item instanceof HTMLElement) || !(active instanceof HTMLElement)) return null;
    return { index: Number(item.dataset.shot), control: active.dataset.control ?? '' };
  }

  /** @param {FocusAt | null} [focusAt] */
  function render(focusAt = focusNow()) {
    list.replaceChildren(...shots.map((shot, i) => shotItem(shot, i)));
    summary.textContent = summaryText();
    const missing = shots.filter((shot) => isMissing(shot) && !shot.making).length;
    makeButton.hidden = !shots.some((shot) => isMissing(shot) || shot.making);
    makeButton.disabled = missing === 0;
    makeButton.textContent = missing > 0 ? t('story.makeMissing.n', { n: missing }) : t('story.makeMissing');
    exportButton.disabled = shots.length === 0 || !shots.every(isSaved);
    runs.replaceChildren();
    const focused = focusAt && list.querySelector(`[data-shot="${focusAt.index}"] [data-control="${focusAt.control}"]`);
    if (focused instanceof HTMLElement) focused.focus();
  }

  function summaryText() {
    if (shots.length === 0) return t('story.empty');
    const seconds = shots.reduce((sum, shot) =>
      sum + (shot.job?.video ? shot.job.video.duration_ms / 1000 : Number(shot.job?.seconds ?? shot.plan?.seconds ?? 0)), 0);
    const length = t(shots.length === 1 ? 'story.length.one' : 'story.length', { n: shots.length, seconds: Math.round(seconds) });
    const toMake = shots.filter((shot) => !isSaved(shot)).length;
    return toMake === 0 ? length : `${length} · ${t('story.toMake', { n: toMake })}`;
  }

  /** @param {StoryShot} shot @param {number} i */
  function shotItem(shot, i) {
    const prompt = shortPrompt(promptOf(shot));
    /** @type {(name: string, label: string, disabled: boolean, onclick: () => void) => HTMLElement} */
    const button = (name, label, disabled, onclick) =>
      el('button', { type: 'button', class: `quiet small ${name}`, 'data-control': name, disabled, onclick,
        'aria-label': `${label}: ${prompt}`, text: label });
    const grip = el('span', { class: 'story-grip', 'aria-hidden': 'true', title: t('story.drag'), text: '⠿' });
    grip.addEventListener('pointerdown', (event) => startDrag(event, i));
    return el('li', { class: `story-shot${shot.plan ? ' planned' : ''}`, 'data-shot': String(i), 'data-id': shot.id },
      grip,
      el('div', { class: 'story-text' },
        el('span', { class: 'story-prompt', text: prompt }),
        shotState(shot, i),
        continuesChoice(shot, i, prompt)),
      el('div', { class: 'story-buttons' },
        button('up', t('story.up'), i === 0, () => move(i, -1)),
        button('down', t('story.down'), i === shots.length - 1, () => move(i, 1)),
        button('out', t('story.remove'), false, () => change((ids) => ids.filter((_, j) => j !== i)))));
  }

  /** @param {StoryShot} shot @param {number} i */
  function shotState(shot, i) {
    /** @type {[string, string]} */
    const [text, tone] = shot.problem ? [problemText(shot.problem), 'error']
      : shot.job && !(shot.plan && isMissing(shot) && !shot.making) ? [statusText(shot.job), shot.job.status === 'failed' ? 'error' : 'info']
      : shot.making ? [shot.continues_previous && i > 0 ? t('story.waitsFor', { n: i }) : t('card.status.submitting'), 'info']
      : shot.job ? [`${statusText(shot.job)} · ${t('story.notMade')}`, 'error']
      : [t('story.notMade'), 'info'];
    return el('span', { class: 'story-state', 'data-tone': tone, text });
  }

  // A planned shot after the first may start from the last frame of the one before.
  /** @param {StoryShot} shot @param {number} i @param {string} prompt */
  function continuesChoice(shot, i, prompt) {
    if (!shot.plan || i === 0 || !isMissing(shot) || shot.making) return null;
    const id = `story-continues-${shot.id}`;
    const box = el('input', { type: 'checkbox', id, 'data-control': 'continues', 'aria-label': `${t('story.continues')}: ${prompt}` });
    /** @type {HTMLInputElement} */ (box).checked = shot.continues_previous;
    box.addEventListener('change', () => changeWith(() => api.setShotContinues(shot.id, /** @type {HTMLInputElement} */ (box).checked), { index: i, control: 'continues' }));
    return el('span', { class: 'story-continues' }, box, el('label', { for: id, text: t('story.continues') }));
  }

  // Changes run one after another, each on the story the last one stored: two quick
  // presses of "Add to story" add both shots.
  let changing = Promise.resolve();
  /**
   * @param {() => Promise<StoryShot[]>} call
   * @param {FocusAt | null} [focusAt]
   */
  function changeWith(call, focusAt = null) {
    changing = changing.then(async () => {
      try {
        shots = await call();
        render(focusAt);
      } catch (error) {
        say(errorText(error), 'error');
      }
    });
    return changing;
  }
  /**
   * @param {(ids: string[]) => string[]} edit
   * @param {FocusAt | null} [focusAt]
   */
  const change = (edit, focusAt = null) => changeWith(() => api.setStory(edit(shots.map((shot) => shot.id))), focusAt);

  // The focus stays on the moved shot's button, so pressing it again moves it on.
  /** @param {number} i @param {number} by */
  function move(i, by) {
    const index = i + by;
    const edge = index === 0 || index === shots.length - 1;
    change((ids) => {
      [ids[i], ids[index]] = [ids[index], ids[i]];
      return ids;
    }, { index, control: edge ? (by < 0 ? 'down' : 'up') : (by < 0 ? 'up' : 'down') });
  }

  // Dragging a shot's grip moves the shot among the others as the pointer goes;
  // letting go stores the new order.
  /** @param {PointerEvent} event @param {number} from */
  function startDrag(event, from) {
    if (event.button !== 0) return;
    event.preventDefault();
    const item = list.children[from];
    if (!(item instanceof HTMLElement)) return;
    item.classList.add('dragging');
    const moveTo = (/** @type {PointerEvent} */ e) => {
      const others = [...list.children].filter((li) => li !== item);
      const before = others.find((li) => { const box = li.getBoundingClientRect(); return e.clientY < box.top + box.height / 2; });
      if (before) list.insertBefore(item, before);
      else list.append(item);
    };
    const end = (/** @type {PointerEvent} */ e) => {
      window.removeEventListener('pointermove', moveTo);
      window.removeEventListener('pointerup', end);
      window.removeEventListener('pointercancel', end);
      item.classList.remove('dragging');
      if (e.type === 'pointercancel') return render();
      const order = [...list.children].map((li) => /** @type {HTMLElement} */ (li).dataset.id ?? '');
      if (order.join() === shots.map((shot) => shot.id).join()) return;
      change(() => order);
    };
    window.addEventListener('pointermove', moveTo);
    window.addEventListener('pointerup', end);
    window.addEventListener('pointercancel', end);
  }

  async function makeMissing() {
    makeButton.disabled = true;
    say(t('story.making'));
    try {
      const asked = await api.makeMissingShots();
      say(t('story.asked', { n: asked }), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
    await reload();
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

  const reload = () => changeWith(api.story);
  reload();
  api.onStoryChanged(() => { reload(); });

  return {
    /** Adds a saved shot at the end; the panel opens to show it. */
    /** @param {JobRow} row */
    add(row) {
      panel.open = true;
      if (shots.some((shot) => shot.job?.id === row.id)) return say(t('story.already'));
      say('');
      return changeWith(() => api.addToStory(row.id));
    },
    /**
     * The form's prompt and settings as the next shot, to make later; it continues
     * the shot before unless it is the first.
     * @param {GenerateRequest} request
     */
    async plan(request) {
      panel.open = true;
      /** @type {unknown} */
      let failure = null;
      await changeWith(() => api.planShot(request, shots.length > 0).catch((error) => { failure = error; return shots; }));
      if (failure) throw failure;
    },
    /** A job changed: a shot it is shows its new state. */
    /** @param {JobRow} row */
    jobChanged(row) {
      const shot = shots.find((s) => s.job?.id === row.id);
      if (!shot) return;
      shot.job = row;
      render();
    },
    /** A shot left the history: the story drops it. */
    reload,
  };
}
