// @ts-check
// The one string lookup. Strings live in ui/i18n/<language>.json and come from
// Rust (the CSP allows no fetch of app files). Static text in index.html is marked
// with data-i18n attributes and translated in place.

/** @typedef {import('./types/Problem').Problem} Problem */
/** @typedef {import('./types/Param').Param} Param */
/** @typedef {Record<string, string>} Strings */
/** A problem made in the window itself rather than by Rust. */
/** @typedef {{ code?: string, message?: unknown }} WindowProblem */

export const LANGUAGES = ['en', 'zh-CN'];
/** @type {Strings} */
let strings = {};
/** @type {Strings} */
let english = {};

/**
 * `zh*` → Chinese, anything else → English.
 * @param {string | null | undefined} tag
 */
export function languageFor(tag) {
  return String(tag ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * Words the page in `language`; `load(language)` gives that language's strings as JSON.
 * @param {string} language
 * @param {(language: string) => Promise<string>} load
 */
export async function useLanguage(language, load) {
  const en = JSON.parse(await load('en'));
  useStrings(en, language === 'en' ? en : JSON.parse(await load(language)));
  document.documentElement.lang = language;
  translatePage();
  document.querySelectorAll('template').forEach((template) => translatePage(template.content));
}

/**
 * The strings to word with, and the English ones a missing string falls back to.
 * @param {Strings} en
 * @param {Strings} [chosen]
 */
export function useStrings(en, chosen = en) {
  english = en;
  strings = chosen;
}

/**
 * The text for `key` with `{name}` placeholders filled in.
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const text = strings[key] ?? english[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export const has = (/** @type {string} */ key) => key in strings;

/**
 * "4, 6 or 8" in the current language.
 * @param {string[]} items
 */
export function orList(items) {
  if (items.length < 2) return items.join('');
  return items.slice(0, -1).join(t('list.comma')) + t('list.or') + items[items.length - 1];
}

/** A problem from Rust ({text, params, server_text}) in the current language: our
 *  sentence, then the gateway's own words quoted as written.
 * @param {Problem | WindowProblem | string | null | undefined} problem
 * @returns {string}
 */
export function problemText(problem) {
  const { sentence, said } = problemParts(problem);
  return said ? `${sentence} ${said}` : sentence;
}

/**
 * A problem as its two parts: our sentence, and the gateway's words quoted ('' when none).
 * @param {Problem | WindowProblem | string | null | undefined} problem
 * @returns {{ sentence: string, said: string }}
 */
export function problemParts(problem) {
  if (!problem) return { sentence: '', said: '' };
  if (typeof problem === 'string') return { sentence: problem, said: '' };
  // A problem made in the window itself ({code, message}).
  if (!('text' in problem)) return { sentence: String(problem.message ?? ''), said: '' };
  const key = `problem.${problem.text}`;
  const words = (/** @type {Param} */ value) => {
    if (value && typeof value === 'object') return 'problem' in value ? problemText(value.problem) : t(`problem.${value.text}`);
    return String(value);
  };
  const params = Object.fromEntries(Object.entries(problem.params ?? {}).map(([name, value]) => [name, words(value)]));
  const sentence = key in strings || key in english ? t(key, params) : t('problem.unknown', { code: problem.text });
  const said = problem.server_text ? t('problem.server_said', { words: problem.server_text }) : '';
  return { sentence, said };
}

/**
 * A failed call's error in the user's language.
 * @param {unknown} error
 */
export function errorText(error) {
  if (error && typeof error === 'object') return problemText(error);
  return String(error);
}

const ATTRIBUTES = { placeholder: 'placeholder', title: 'title', alt: 'alt', 'aria-label': 'ariaLabel' };

/** @param {Document | DocumentFragment} [root] */
export function translatePage(root = document) {
  /** @type {(selector: string) => NodeListOf<HTMLElement>} */
  const all = (selector) => root.querySelectorAll(selector);
  all('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n ?? ''); });
  for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
    const data = `i18n${key[0].toUpperCase()}${key.slice(1)}`;
    all(`[data-i18n-${attribute}]`).forEach((node) => {
      node.setAttribute(attribute, t(node.dataset[data] ?? ''));
    });
  }
}
