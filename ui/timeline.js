// Start-up milestones for the performance report: [name, seconds since the epoch].
// Rust writes them only when a start-up report was asked for.

const marks = [];
const at = (ms) => (performance.timeOrigin + ms) / 1000;

export const mark = (name) => marks.push([`page: ${name}`, at(performance.now())]);

export function timeline() {
  const page = performance.getEntriesByType('navigation')[0];
  const events = page ? [
    ['page: HTML parsed', page.domInteractive],
    ['page: DOMContentLoaded', page.domContentLoadedEventEnd],
    ['page: load event', page.loadEventEnd],
  ].filter(([, ms]) => ms > 0).map(([name, ms]) => [name, at(ms)]) : [];
  return [['page: navigation starts', at(0)], ...events, ...marks];
}
