// @ts-check
// The "New video" form, driven by the model catalog: only what the chosen model
// makes is offered, and a choice it cannot make is marked, explained next to its
// field and never sent.

import { $, el } from '../dom.js';
import { t } from '../i18n.js';
import * as choices from './choices.js';
import { mountAdvanced } from './advanced.js';
import { shortPrompt } from '../short-prompt.js';

/** @typedef {import('../types/FormSettings').FormSettings} FormSettings */
/** @typedef {import('../types/ModelSpec').ModelSpec} ModelSpec */
/** What the form sends: its settings and the prompt (main.js adds the picture). */
/** @typedef {FormSettings & { prompt: string }} FormRequest */

/**
 * @param {{ catalog: ModelSpec[],
 *           onModel: (spec: ModelSpec) => void,
 *           timeEstimate: typeof import('../api.js')['timeEstimate'],
 *           onSubmit: (request: FormRequest, say: (message: string, tone?: string) => void) => void,
 *           onPlan: (request: FormRequest, say: (message: string, tone?: string) => void) => void,
 *           onSettingsChange: (settings: FormSettings) => void }} deps
 */
export function mountForm({ catalog, onModel, timeEstimate, onSubmit, onPlan, onSettingsChange }) {
  const form = $('#compose-form');
  const prompt = $('#prompt');
  const counter = $('#prompt-count');
  const status = $('#form-status');
  const model = $('#model');
  const advanced = mountAdvanced();
  /** @type {{ prices: Record<string, number | undefined>, currency: string }} */
  let prices = { prices: {}, currency: '' };

  model.replaceChildren(...catalog.map((m) => el('option', { value: m.name, text: m.name })));
  const spec = () => catalog.find((m) => m.name === model.value) ?? catalog[0];
  /** @type {(name: string) => string | undefined} */
  const picked = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value;

  const shortcut = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘+Enter' : 'Ctrl+Enter';
  $('#prompt-hint').textContent = t('form.prompt.hint', { keys: shortcut });

  const updateCount = () => {
    const n = prompt.value.length;
    counter.textContent = n === 1 ? t('form.count.one') : t('form.count.other', { n });
  };

  // Offers the model's values; a wanted value it does not make stays, marked.
  /**
   * @param {string | number} [wantedSeconds]
   * @param {string} [wantedSize]
   */
  function render(wantedSeconds, wantedSize) {
    const m = spec();
    const seconds = String(wantedSeconds ?? m.seconds[0]);
    const size = wantedSize ?? m.sizes[0];
    const found = choices.problems(m, seconds, size);
    const secondsValues = [...m.seconds].sort((a, b) => a - b).map(String);
    if (found.seconds) secondsValues.push(seconds);
    const sizeValues = found.size ? [...m.sizes, size] : [...m.sizes];
    renderOptions($('#seconds-options'), 'seconds', secondsValues, seconds, choices.secondsLabel, !!found.seconds);
    renderOptions($('#size-options'), 'size', sizeValues, size, choices.sizeLabel, !!found.size);
    // Resolution only where the model offers one (Veo: 720p, 1080p at 8 s).
    $('#resolution').closest('.field').hidden = !(m.resolutions?.length > 0);
    $('#model-hint').textContent = choices.modelHint(m);
    onModel(m);
    $('#seconds-hint').textContent = found.seconds ? '' : choices.secondsHint(m, seconds);
    $('#size-hint').textContent = found.size ? '' : choices.sizeHint(size);
    showProblem('seconds', found.seconds);
    showProblem('size', found.size);
    updateEstimate();
  }

  /**
   * @param {string} field
   * @param {string | undefined} message
   */
  function showProblem(field, message) {
    $(`#${field}-problem`).textContent = message ?? '';
    const fieldset = $(`#${field}-field`);
    if (message) fieldset.setAttribute('aria-invalid', 'true');
    else fieldset.removeAttribute('aria-invalid');
  }

  // Cost from the user's price table; time from how long such videos took lately.
  let asked = 0;
  async function updateEstimate() {
    const estimate = $('#estimate');
    const price = prices.prices[model.value] ?? 0;
    const seconds = Number(picked('seconds'));
    const mine = ++asked;
    estimate.hidden = !(price > 0 && seconds > 0);
    if (estimate.hidden) return;
    const amount = (price * seconds).toLocaleString(document.documentElement.lang, {
      minimumFractionDigits: 2, maximumFractionDigits: 2,
    });
    const cost = t('estimate.cost', { cost: `${prices.currency}${amount}` });
    estimate.textContent = `${cost} ${t('estimate.time.default')}`;
    const learned = await timeEstimate(model.value, String(seconds)).catch(() => null);
    if (mine !== asked || !learned) return;
    estimate.textContent = `${cost} ${timeText(learned)}`;
  }

  /** @returns {FormSettings} */
  const settings = () => ({
    model: model.value,
    seconds: picked('seconds') ?? '',
    size: picked('size') ?? '',
    extra: advanced.read(),
  });

  /** @param {FormSettings} saved */
  function apply(saved) {
    if (catalog.some((m) => m.name === saved.model)) model.value = saved.model;
    render(saved.seconds || undefined, saved.size || undefined);
    advanced.apply(saved.extra ?? []);
  }

  /**
   * @param {FormRequest} request
   * @returns {{ focus: HTMLElement, message: string } | null}
   */
  function problemWith(request) {
    if (!request.prompt) return { focus: prompt, message: t('form.missingPrompt') };
    const found = choices.problems(spec(), request.seconds, request.size);
    if (found.seconds) return { focus: form.querySelector('input[name="seconds"]:checked'), message: t('form.fixFirst') };
    if (found.size) return { focus: form.querySelector('input[name="size"]:checked'), message: t('form.fixFirst') };
    const resolution = request.extra.find(([name]) => name === 'resolution')?.[1];
    const tooLong = choices.resolutionProblem(spec(), request.seconds, resolution);
    if (tooLong) {
      $('#advanced').open = true;
      return { focus: $('#resolution'), message: tooLong };
    }
    return advanced.problem();
  }

  prompt.addEventListener('input', () => {
    updateCount();
    prompt.removeAttribute('aria-invalid');
  });
  model.addEventListener('change', () => render(picked('seconds'), picked('size')));
  form.addEventListener('change', (/** @type {Event & { target: HTMLInputElement }} */ event) => {
    if (event.target === prompt) return;
    if (event.target.name === 'seconds' || event.target.name === 'size') render(picked('seconds'), picked('size'));
    onSettingsChange(settings());
  });
  form.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
    if (event.key !== 'Enter') return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit($('#generate'));
    } else if (event.target instanceof HTMLInputElement) {
      // Enter in a one-line field never sends a (paid) job by accident.
      event.preventDefault();
    }
  });
  // The form's request, or null (the problem said and its field focused).
  function checkedRequest() {
    const request = { prompt: prompt.value.trim(), ...settings() };
    const problem = problemWith(request);
    if (problem) {
      showStatus(status, problem.message, 'error');
      if (problem.focus === prompt) prompt.setAttribute('aria-invalid', 'true');
      problem.focus?.focus();
      return null;
    }
    onSettingsChange(settings());
    return request;
  }
  const say = (/** @type {string} */ message, /** @type {string | undefined} */ tone) => showStatus(status, message, tone);
  form.addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    // Ctrl+Enter submits past a disabled button: still one request at a time.
    if ($('#generate').disabled) return;
    const request = checkedRequest();
    // The prompt stays in the box whatever happens, ready to change and send again.
    if (request) onSubmit(request, say);
  });
  // "Add to story, make later": the same checks, nothing is sent.
  $('#plan-shot').addEventListener('click', () => {
    const request = checkedRequest();
    if (request) onPlan(request, say);
  });

  /** @type {import('../types/Continuation').Continuation | null} from continueShot */
  let continuing = null;
  function stopContinuing() {
    continuing = null;
    $('#continues-note').hidden = true;
  }
  $('#continues-clear').addEventListener('click', () => {
    stopContinuing();
    prompt.focus();
  });

  updateCount();
  render();

  return {
    settings,
    apply,
    /** @param {{ prices?: Record<string, number | undefined>, currency?: string }} next */
    setPrices(next) {
      prices = { prices: next.prices ?? {}, currency: next.currency ?? '' };
      updateEstimate();
    },
    refreshEstimate: () => updateEstimate(),
    size: () => picked('size') ?? '16:9',
    // "Continue this shot": its settings chosen, its prompt ready to be changed into
    // what happens next. The picture (its last frame) goes to the reference field.
    /** @param {import('../types/Continuation').Continuation} next */
    continueFrom(next) {
      continuing = next;
      apply({ model: next.model, seconds: next.seconds, size: next.size, extra: next.extra_fields });
      if (!prompt.value.trim()) prompt.value = next.prompt;
      updateCount();
      $('#continues-text').textContent = t('form.continues', { prompt: shortPrompt(next.prompt) });
      $('#continues-note').hidden = false;
      prompt.focus();
      prompt.select();
    },
    /** The shot the form continues, while its last frame is still the picture. */
    continuing: (/** @type {string | undefined} */ picturePath) =>
      (continuing && continuing.picture === picturePath ? continuing.shot : null),
    stopContinuing,
    /** Another picture (or none): the form no longer continues the shot. */
    /** @param {string | null} path */
    pictureChanged(path) {
      if (continuing && continuing.picture !== path) stopContinuing();
    },
    // "Run again": the same settings, ready to change or send.
    /** @param {import('../types/JobRow').JobRow} job */
    fill(job) {
      prompt.value = job.prompt;
      apply({ model: job.model, seconds: job.seconds, size: job.size, extra: [] });
      updateCount();
      prompt.focus();
    },
  };
}

// Rebuilds the radios only when the offered values change, so arrow keys moving
// through a group never lose the focus.
/**
 * @param {HTMLElement} container
 * @param {string} name
 * @param {string[]} values
 * @param {string} checked
 * @param {(value: string) => string} label
 * @param {boolean} lastIsInvalid
 */
function renderOptions(container, name, values, checked, label, lastIsInvalid) {
  const key = JSON.stringify([values, lastIsInvalid, document.documentElement.lang]);
  if (container.dataset.values !== key) {
    const hadFocus = container.contains(document.activeElement);
    container.dataset.values = key;
    container.replaceChildren(...values.flatMap((value, i) => {
      const id = `${name}-${value.replace(/[^\w]/g, '-')}`;
      const invalid = lastIsInvalid && i === values.length - 1;
      return [
        el('input', { type: 'radio', id, name, value, 'aria-invalid': invalid ? 'true' : null }),
        el('label', { for: id, class: invalid ? 'unavailable' : null }, label(value)),
      ];
    }));
    if (hadFocus) queueMicrotask(() => /** @type {HTMLInputElement | null} */ (container.querySelector('input:checked'))?.focus());
  }
  container.querySelectorAll('input').forEach((input) => { input.checked = input.value === checked; });
}

/** @param {import('../types/TimeEstimate').TimeEstimate} estimate */
function timeText({ low_minutes: low, high_minutes: high, samples: n }) {
  if (high <= 1) return t('estimate.time.quick', { n });
  if (low === high) return t('estimate.time.about', { n, minutes: low });
  return t('estimate.time.range', { n, low, high });
}

/**
 * @param {HTMLElement} node
 * @param {string} message
 * @param {string} [tone]
 */
function showStatus(node, message, tone = 'info') {
  node.textContent = message;
  node.dataset.tone = tone;
}
