// @ts-check
// The only file that talks to Rust. Every call resolves to a value or rejects
// with {code, text, params, server_text}, the shape of the Rust error type: a
// problem as data that i18n.js words in the user's language.
//
// What each call sends and gets back is declared in types/, generated from the Rust
// types (src-tauri/core/ipc_types.rs): `tsc` checks the window against them. Fields are
// snake_case; command argument names are camelCase, as Tauri maps them.

/** @typedef {import('./types/AppError').AppError} AppError */
/** @typedef {import('./types/AppInfo').AppInfo} AppInfo */
/** @typedef {import('./types/BatchRequest').BatchRequest} BatchRequest */
/** @typedef {import('./types/CatalogView').CatalogView} CatalogView */
/** @typedef {import('./types/ConnectionReport').ConnectionReport} ConnectionReport */
/** @typedef {import('./types/Continuation').Continuation} Continuation */
/** @typedef {import('./types/Cursor').Cursor} Cursor */
/** @typedef {import('./types/Exchange').Exchange} Exchange */
/** @typedef {import('./types/FilmExport').FilmExport} FilmExport */
/** @typedef {import('./types/FormSettings').FormSettings} FormSettings */
/** @typedef {import('./types/GatewayDeletion').GatewayDeletion} GatewayDeletion */
/** @typedef {import('./types/GenerateRequest').GenerateRequest} GenerateRequest */
/** @typedef {import('./types/JobRow').JobRow} JobRow */
/** @typedef {import('./types/Page').Page} Page */
/** @typedef {import('./types/PreparedPreview').PreparedPreview} PreparedPreview */
/** @typedef {import('./types/ProfileDraft').ProfileDraft} ProfileDraft */
/** @typedef {import('./types/ProfileView').ProfileView} ProfileView */
/** @typedef {import('./types/QueueStatus').QueueStatus} QueueStatus */
/** @typedef {import('./types/Removal').Removal} Removal */
/** @typedef {import('./types/Run').Run} Run */
/** @typedef {import('./types/SettingsView').SettingsView} SettingsView */
/** @typedef {import('./types/StoryShot').StoryShot} StoryShot */
/** @typedef {import('./types/Theme').Theme} Theme */
/** @typedef {import('./types/ThumbnailPreview').ThumbnailPreview} ThumbnailPreview */
/** @typedef {import('./types/TimeEstimate').TimeEstimate} TimeEstimate */
/** @typedef {import('./types/UploadUpdate').UploadUpdate} UploadUpdate */
/** @typedef {import('./types/VideoFolder').VideoFolder} VideoFolder */

const tauri = window.__TAURI__;

/**
 * A rejection as the window handles it: Rust's error as it is, anything else as `internal`.
 * @param {unknown} error
 * @returns {AppError}
 */
function asAppError(error) {
  if (error && typeof error === 'object' && 'code' in error && ('text' in error || 'message' in error)) {
    return /** @type {AppError} */ (error);
  }
  return { code: 'internal', text: 'internal', params: { detail: String(error) } };
}

/**
 * @template T
 * @param {string} command
 * @param {Record<string, unknown> | Uint8Array} [args]
 * @returns {Promise<T>}
 */
async function call(command, args) {
  try {
    return await tauri.core.invoke(command, args);
  } catch (error) {
    throw asAppError(error);
  }
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call('app_info');
/**
 * Tells Rust the form is on screen (used by start-up measurements; a no-op otherwise).
 * @param {Array<[string, number]>} timeline
 * @returns {Promise<null>}
 */
export const reportReady = (timeline) => call('report_ready', { timeline });
/** @returns {Promise<string>} */
export const diagnosticsText = () => call('diagnostics_text');
/**
 * Saves the diagnostics report in the app's data folder; returns where.
 * @returns {Promise<string>}
 */
export const exportDiagnostics = () => call('export_diagnostics');

/** @returns {Promise<ProfileView[]>} */
export const listProfiles = () => call('list_profiles');
/**
 * @param {{ id?: string | null, draft: ProfileDraft, apiKey: string | null, sessionOnly?: boolean }} profile
 * @returns {Promise<ProfileView[]>}
 */
export const saveProfile = ({ id = null, draft, apiKey, sessionOnly = false }) =>
  call('save_profile', { id, draft, apiKey, sessionOnly });
/**
 * @param {string} id
 * @returns {Promise<ProfileView[]>}
 */
export const deleteProfile = (id) => call('delete_profile', { id });
/**
 * @param {string} id
 * @returns {Promise<ProfileView[]>}
 */
export const setActiveProfile = (id) => call('set_active_profile', { id });
/**
 * @param {{ id?: string | null, draft: ProfileDraft, apiKey: string | null }} profile
 * @returns {Promise<ConnectionReport>}
 */
export const testConnection = ({ id = null, draft, apiKey }) =>
  call('test_connection', { id, draft, apiKey });
/** @returns {Promise<ProfileView[]>} */
export const useDemoGateway = () => call('use_demo_gateway');

/**
 * @param {string} path
 * @returns {Promise<ThumbnailPreview>}
 */
export const imageThumbnail = (path) => call('image_thumbnail', { path });
/**
 * The picture as it will be sent, or null when a newer request replaced this one.
 * @param {{ path: string, size: string, fit?: string | null, focusX?: number | null, focusY?: number | null }} request
 * @returns {Promise<PreparedPreview | null>}
 */
export const prepareReference = ({ path, size, fit, focusX, focusY }) =>
  call('prepare_reference', { path, size, fit, focusX, focusY });
/**
 * Opens the system file dialog (run by Rust); resolves to a path, or null when cancelled.
 * @returns {Promise<string | null>}
 */
export const pickReferenceImage = () => call('pick_reference_image');
/**
 * Keeps picked or pasted bytes as a file in the app's cache and returns its path.
 * @param {Uint8Array} bytes
 * @returns {Promise<string>}
 */
export const savePastedImage = (bytes) => call('save_pasted_image', bytes);

/**
 * Files dropped on the window (Tauri hands over paths, not bytes).
 * @param {{ enter: () => void, leave: () => void, drop: (paths: string[]) => void }} handlers
 */
export function onFileDrop({ enter, leave, drop }) {
  return tauri.webviewWindow.getCurrentWebviewWindow().onDragDropEvent((event) => {
    const dragged = event.payload;
    if (dragged.type === 'enter' || dragged.type === 'over') enter();
    else if (dragged.type === 'leave') leave();
    else if (dragged.type === 'drop') drop(dragged.paths ?? []);
  });
}

/**
 * Sends the form; `onUpload({sent, total})` hears how much of the image has gone out.
 * `uploadId` names the upload for `stopUpload`.
 * @param {GenerateRequest} request
 * @param {string} uploadId
 * @param {(update: UploadUpdate) => void} [onUpload]
 * @returns {Promise<JobRow>}
 */
export function submitJob(request, uploadId, onUpload = () => {}) {
  /** @type {{ onmessage: (update: UploadUpdate) => void }} */
  const channel = new tauri.core.Channel();
  channel.onmessage = onUpload;
  return call('submit_job', { request, uploadId, onUpload: channel });
}
/**
 * Stops an upload still under way; false when it is too late.
 * @param {string} uploadId
 * @returns {Promise<boolean>}
 */
export const stopUpload = (uploadId) => call('stop_upload', { uploadId });
/**
 * A page of the history, newest first: after `after` (the last page's `next`), prompts
 * containing `text`, rows whose `group` is `group`.
 * @param {{ after?: Cursor | null, text?: string | null, group?: string | null }} [query]
 * @returns {Promise<Page>}
 */
export const listJobs = ({ after = null, text = null, group = null } = {}) =>
  call('list_jobs', { after, text, group });
/**
 * Asks where to put a copy of the saved video; resolves to its path, or null when cancelled.
 * @param {string} id
 * @returns {Promise<string | null>}
 */
export const saveJobAs = (id) => call('save_job_as', { id });
/**
 * Where new videos are saved: {path, is_default}.
 * @returns {Promise<VideoFolder>}
 */
export const videoFolder = () => call('video_folder');
/**
 * Asks for a new folder; resolves to {path, is_default}, or null when cancelled.
 * @returns {Promise<VideoFolder | null>}
 */
export const chooseVideoFolder = () => call('choose_video_folder');
/**
 * @param {string} id
 * @returns {Promise<JobRow>}
 */
export const retryDownload = (id) => call('retry_download', { id });
/**
 * @param {string} id
 * @returns {Promise<JobRow>}
 */
export const checkAgain = (id) => call('check_again', { id });
/**
 * "Make it again": the job's request sent once more, as a new job; resolves to its row.
 * `switchSizes` first makes the gateway get sizes the other way (ratio or pixels) for good.
 * @param {string} id
 * @param {boolean} [switchSizes]
 * @returns {Promise<JobRow>}
 */
export const makeAgain = (id, switchSizes = false) => call('make_again', { id, switchSizes });
/**
 * `removal`: 'history_only', 'everywhere' (keeps a video not saved here) or 'discard_unsaved'.
 * @param {string} id
 * @param {Removal} removal
 * @returns {Promise<GatewayDeletion>}
 */
export const deleteJob = (id, removal) => call('delete_job', { id, removal });
/**
 * @param {string} id
 * @returns {Promise<null>}
 */
export const revealJob = (id) => call('reveal_job', { id });

/**
 * @param {BatchRequest} request
 * @returns {Promise<JobRow[]>}
 */
export const enqueueBatch = (request) => call('enqueue_batch', { request });
/** @returns {Promise<QueueStatus>} */
export const queueStatus = () => call('queue_status');
/**
 * @param {boolean} paused
 * @returns {Promise<QueueStatus>}
 */
export const pauseQueue = (paused) => call('pause_queue', { paused });
/**
 * @param {number} limit
 * @returns {Promise<QueueStatus>}
 */
export const setQueueLimit = (limit) => call('set_queue_limit', { limit });
/** @returns {Promise<JobRow[]>} */
export const cancelQueue = () => call('cancel_queue');

/**
 * Every change of a job, as stored.
 * @param {(row: JobRow) => void} handler
 */
export const onJobChanged = (handler) =>
  tauri.event.listen('job-changed', (/** @type {TauriEvent<JobRow>} */ event) => handler(event.payload));

/**
 * Where the player streams a job's saved video from (a local address the app serves).
 * @param {string} id
 * @returns {Promise<string>}
 */
export const videoUrl = (id) => call('video_url', { id });
/**
 * A saved video's first frame as a small picture ({data_url, width, height}).
 * @param {string} id
 * @returns {Promise<ThumbnailPreview>}
 */
export const jobPoster = (id) => call('job_poster', { id });
/**
 * "Continue this shot": its last frame saved as a picture, and its settings.
 * @param {string} id
 * @returns {Promise<Continuation>}
 */
export const continueShot = (id) => call('continue_shot', { id });
/**
 * *Keep* among takes compared: `chosen` is kept, the other `takes` are not (null: none).
 * @param {string | null} chosen
 * @param {string[]} takes
 * @returns {Promise<JobRow[]>}
 */
export const keepTake = (chosen, takes) => call('keep_take', { chosen, takes });

/**
 * The story's shots, in order.
 * @returns {Promise<StoryShot[]>}
 */
export const story = () => call('story');
/**
 * Puts the story's shots in this order (by shot id); those left out are taken out.
 * @param {string[]} ids
 * @returns {Promise<StoryShot[]>}
 */
export const setStory = (ids) => call('set_story', { ids });
/**
 * A saved video, from its card, as the story's last shot.
 * @param {string} id
 * @returns {Promise<StoryShot[]>}
 */
export const addToStory = (id) => call('add_to_story', { id });
/**
 * The form's prompt and settings as the story's last shot, still to make.
 * @param {GenerateRequest} request
 * @param {boolean} continuesPrevious
 * @returns {Promise<StoryShot[]>}
 */
export const planShot = (request, continuesPrevious) => call('plan_shot', { request, continuesPrevious });
/**
 * @param {string} id
 * @param {boolean} continues
 * @returns {Promise<StoryShot[]>}
 */
export const setShotContinues = (id, continues) => call('set_shot_continues', { id, continues });
/**
 * Makes the story's missing shots on the active gateway, each continuing shot once
 * the one before is saved. Resolves to how many were asked for.
 * @returns {Promise<number>}
 */
export const makeMissingShots = () => call('make_missing_shots');
/**
 * The story changed without the window asking (a shot was made).
 * @param {() => void} handler
 */
export const onStoryChanged = (handler) => tauri.event.listen('story-changed', () => handler());
/**
 * How the story's shots group into runs that join as they are.
 * @returns {Promise<Run[]>}
 */
export const filmPlan = () => call('film_plan');
/**
 * Asks where, then joins the story (or only its shots in `shots`) into one film.
 * @param {{ start: number, end: number } | null} [shots]
 * @returns {Promise<FilmExport | null>}
 */
export const exportFilm = (shots = null) => call('export_film', { shots });

/**
 * The window's strings in `language`, as JSON text.
 * @param {string} language
 * @returns {Promise<string>}
 */
export const uiStrings = (language) => call('ui_strings', { language });
/** @returns {Promise<CatalogView>} */
export const modelCatalog = () => call('model_catalog');
/**
 * A job's requests and answers, oldest first (the key hidden).
 * @param {string} id
 * @returns {Promise<Exchange[]>}
 */
export const jobDetails = (id) => call('job_details', { id });
/**
 * How long videos like this took lately on the active gateway, or null.
 * @param {string} model
 * @param {string} seconds
 * @returns {Promise<TimeEstimate | null>}
 */
export const timeEstimate = (model, seconds) => call('time_estimate', { model, seconds });
/**
 * Presets, last used form settings, prices, language and theme; each change returns them all.
 * @returns {Promise<SettingsView>}
 */
export const getSettings = () => call('get_settings');
/**
 * @param {FormSettings} form
 * @returns {Promise<SettingsView>}
 */
export const rememberForm = (form) => call('remember_form', { form });
/**
 * @param {string} name
 * @param {FormSettings} form
 * @returns {Promise<SettingsView>}
 */
export const savePreset = (name, form) => call('save_preset', { name, form });
/**
 * @param {string} name
 * @returns {Promise<SettingsView>}
 */
export const deletePreset = (name) => call('delete_preset', { name });
/**
 * @param {string | null} language
 * @param {Theme} theme
 * @returns {Promise<SettingsView>}
 */
export const setAppearance = (language, theme) => call('set_appearance', { language, theme });
/**
 * @param {Record<string, number>} prices
 * @param {string} currency
 * @returns {Promise<SettingsView>}
 */
export const setPrices = (prices, currency) => call('set_prices', { prices, currency });
/**
 * @param {number | null} minutes
 * @returns {Promise<SettingsView>}
 */
export const setStopChecking = (minutes) => call('set_stop_checking', { minutes });
