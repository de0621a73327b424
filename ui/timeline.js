// @ts-check
// Start-up milestones for the performance report: [name, seconds since the epoch].
// Rust writes them only when a start-up report was asked for.

/** @type {Array<[string, number]>} */
const marks = [];
const at = (/** @type {number} */ ms) => (performance.timeOrigin + ms) / 1000;

export const mark = (/** @type {string} */ name) => marks.push([`page: ${name}`, at(performance.now())]);

/** @returns {Array<[string, number]>} */
export function timeline() {
  const page = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
  /** @type {Array<[string, number]>} */
  const milestones = page ? [
    ['page: HTML parsed', page.domInteractive],
    ['page: DOMContentLoaded', page.domContentLoadedEventEnd],
    ['page: load event', page.loadEventEnd],
  ] : [];
  /** @type {Array<[string, number]>} */
  const events = milestones.filter(([, ms]) => ms > 0).map(([name, ms]) => [name, at(ms)]);
  return [['page: navigation starts', at(0)], ...events, ...marks];
}
