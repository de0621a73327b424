// @ts-check
// The one video player: it moves to the card whose Play was pressed and streams that
// job's saved video from the app's local source.
//
// One element for every play, not a new one each time: the page never holds two
// decoders, whenever its garbage collector comes by (tests/e2e/costs.rs measures the
// memory watching costs). A video that has played to its end closes, so its decoder
// goes too instead of waiting for the next Play; Play starts it again.
import { t } from '../i18n.js';

/**
 * @param {{ videoUrl: (id: string) => Promise<string>,
 *           onChange: (id: string) => void,
 *           onError: (where: HTMLElement, error: unknown) => void }} deps
 */
export function mountPlayer({ videoUrl, onChange, onError }) {
  const video = document.createElement('video');
  video.controls = true;
  // WebKitGTK's own controls never let the focus go: the card's button plays and pauses.
  video.tabIndex = -1;
  /** @type {string | null} */
  let playingId = null;
  // Each press of Play counts; an older one still on its way gives up.
  let generation = 0;

  const tell = () => { if (playingId) onChange(playingId); };
  video.addEventListener('play', tell);
  video.addEventListener('pause', tell);
  video.addEventListener('ended', () => stop());
  // The file could not be decoded, or went away since: say so where the player was.
  video.addEventListener('error', () => {
    const where = video.parentElement;
    if (!playingId || !where) return;
    stop();
    where.textContent = t('video.unplayable');
  });

  const settled = () => settledVideo(video);

  function stop() {
    if (!playingId) return;
    const id = playingId;
    playingId = null;
    video.pause();
    video.remove();
    onChange(id);
    release();
  }

  // Lets the source go unless a newer Play has taken the player meanwhile.
  function release() {
    const mine = generation;
    settled().then(() => {
      if (mine !== generation || playingId) return;
      video.removeAttribute('src');
      video.load();
    });
  }

  return {
    /**
     * Plays the job's video in `where` (its card's player area), or pauses and resumes it there.
     * @param {string} id
     * @param {HTMLElement} where
     */
    async toggle(id, where) {
      if (playingId === id && where.contains(video)) {
        if (video.paused) video.play().catch(() => {});
        else video.pause();
        return;
      }
      stop();
      const mine = ++generation;
      try {
        const url = await videoUrl(id);
        await settled();
        if (mine !== generation) return;
        playingId = id;
        video.src = url;
        where.replaceChildren(video);
        video.play().catch(() => {});
      } catch (error) {
        if (mine !== generation) return;
        release();
        onError(where, error);
      }
    },
    /** Stops the player if it is on this job's card (the job is being removed). */
    stopFor(/** @type {string} */ id) { if (playingId === id) stop(); },
    /** Stops whatever plays on a card (the takes being compared play instead). */
    stop,
  };
}

/**
 * Resolves once the element may be torn down. Tearing down a player that is still
 * starting can deadlock WebKitGTK's media pipeline and freeze the window for good: a
 * source is changed or let go only once it has its first frame (or has failed).
 * @param {HTMLVideoElement} video
 * @returns {Promise<void>}
 */
export function settledVideo(video) {
  if (!video.hasAttribute('src') || video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA || video.error) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    video.addEventListener('loadeddata', () => resolve(), { once: true });
    video.addEventListener('error', () => resolve(), { once: true });
  });
}

/**
 * Lets a video element's source go once that is safe, so its decoder and buffers are freed.
 * @param {HTMLVideoElement} video
 */
export async function releaseVideo(video) {
  video.pause();
  await settledVideo(video);
  video.removeAttribute('src');
  video.load();
}
