// @ts-check
// The only way views build DOM: text always goes through textContent, never markup,
// so a server string can never become HTML.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props] `class`, `text`, `on<event>` handlers, or attributes
 * @param {...any} children nodes, text, or arrays of them; null, undefined and false are left out
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * The element `selector` finds; a missing one is a bug in the page, so it throws. Typed
 * loosely: which kind of element an id names is index.html's to say.
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {any}
 */
export function $(selector, root = document) {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`missing element ${selector}`);
  return node;
}

// WebKitGTK gives a <summary> no role on the accessibility bus: a screen reader says its
// name but not that it opens and closes. Each one is a button that tells its state.
export const DISCLOSURE = { role: 'button', 'aria-expanded': 'false' };

/** Keeps every <summary>'s aria-expanded current, with one listener for the page
 *  (toggle does not bubble, so it is caught on the way down). */
/** @param {Document | HTMLElement} [root] */
export function tellDisclosures(root = document) {
  root.addEventListener('toggle', (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement)) return;
    details.querySelector(':scope > summary')?.setAttribute('aria-expanded', String(details.open));
  }, true);
}
