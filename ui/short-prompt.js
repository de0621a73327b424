// @ts-check
// The start of a prompt, enough to tell which job a line is about.

const WORDS = 8;
const CHARACTERS = 60;

/** @param {string} prompt */
export function shortPrompt(prompt) {
  const whole = prompt.trim();
  const start = whole.split(/\s+/).slice(0, WORDS).join(' ');
  // Chinese has no spaces: a long prompt is one "word".
  const short = start.length > CHARACTERS ? start.slice(0, CHARACTERS) : start;
  return short.length < whole.length ? `${short}…` : short;
}
