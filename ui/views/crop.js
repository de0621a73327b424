// @ts-check
// The crop frame's arithmetic, kept apart from the DOM so it can be tested alone.
// Rust prepares the picture (images/geometry.rs); this only predicts where the frame
// goes while the user moves it.

// Rust reads the focus as how far the frame slides along its free axis (0: one edge,
// 1: the other); people think of where its centre is. `half` is half the frame's
// share of the picture on that axis.
/** @typedef {{ crop: import('../types/CropRect').CropRect, source_width: number, source_height: number }} Framed */
/** @typedef {{ prepared: Framed, focusX: number, focusY: number }} Focused */

/** @type {(focus: number, half: number) => number} */
const centreOf = (focus, half) => half + focus * (1 - 2 * half);
/** @type {(centre: number, half: number) => number} */
const focusOf = (centre, half) => {
  const slack = 1 - 2 * half;
  return slack < 1e-6 ? 0.5 : Math.min(1, Math.max(0, (centre - half) / slack));
};
/** @type {(p: Framed) => [number, number]} */
const halves = (p) => [p.crop.width / 2 / p.source_width, p.crop.height / 2 / p.source_height];

/**
 * The focus that puts the frame's centre nearest to `[x, y]` (fractions of the picture).
 * @param {{ prepared: Framed }} chosen
 * @param {[number, number]} centre
 * @returns {[number, number]}
 */
export function focusForCentre({ prepared }, [x, y]) {
  const [halfW, halfH] = halves(prepared);
  return [focusOf(x, halfW), focusOf(y, halfH)];
}

/**
 * The focus one step on, or null when the frame cannot go further. Works from the
 * requested focus, not the last drawn frame, so quick presses add up.
 * @param {Focused} chosen
 * @param {{ dx: number, dy: number }} step
 * @param {number} amount
 * @returns {[number, number] | null}
 */
export function nudge({ prepared: p, focusX, focusY }, { dx, dy }, amount) {
  const [halfW, halfH] = halves(p);
  const [x, y] = [centreOf(focusX, halfW), centreOf(focusY, halfH)];
  /** @type {(v: number, half: number) => number} */
  const within = (v, half) => Math.min(1 - half, Math.max(half, v));
  const [nx, ny] = [within(x + dx * amount, halfW), within(y + dy * amount, halfH)];
  if (Math.abs(nx - x) < 1e-6 && Math.abs(ny - y) < 1e-6) return null;
  return [focusOf(nx, halfW), focusOf(ny, halfH)];
}

/**
 * Where Rust will put the frame for the requested focus: it slides along the free room.
 * @param {Focused} chosen
 */
export function cropAt({ prepared: { crop, source_width: w, source_height: h }, focusX, focusY }) {
  return { ...crop, x: Math.round((w - crop.width) * focusX), y: Math.round((h - crop.height) * focusY) };
}

/**
 * The frame's centre in whole percent of the picture, as the window says it.
 * @param {Framed} prepared
 */
export function frameCentre({ crop, source_width: w, source_height: h }) {
  return [Math.round((100 * (crop.x + crop.width / 2)) / w), Math.round((100 * (crop.y + crop.height / 2)) / h)];
}
