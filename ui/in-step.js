// @ts-check
// Keeping takes in step: the longest take leads, and the others follow its clock.

/** How far (seconds) a follower may drift before it is moved back into step. */
export const DRIFT_S = 0.25;

/**
 * Where each follower should jump to be in step with the lead, or null to leave it be.
 * A take shorter than the lead's time has ended and stays at its end.
 * @param {number} lead the lead's current time
 * @param {{ time: number, duration: number }[]} followers
 * @returns {(number | null)[]}
 */
export function inStep(lead, followers) {
  return followers.map(({ time, duration }) => {
    const target = Number.isFinite(duration) ? Math.min(lead, duration) : lead;
    return Math.abs(time - target) > DRIFT_S ? target : null;
  });
}

/**
 * The take that leads: the longest one (so the position spans every take), the first
 * while none knows its length.
 * @param {number[]} durations NaN while unknown
 */
export function leadIndex(durations) {
  let best = 0;
  durations.forEach((d, i) => { if (d > (durations[best] || 0)) best = i; });
  return best;
}

/** 0:07 */
/** @param {number} seconds */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
