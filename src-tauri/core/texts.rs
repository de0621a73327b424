//! The problem texts of the app's own rooms (settings, gateways, keys, folders, the
//! command line); their wordings are in `ui/i18n/problems/app.<language>.json`.

crate::texts! {
    /// A file or folder could not be read or written; `action` is one of the
    /// `ACTION_*` texts (or another room's), `cause` is the system's words.
    COULD_NOT = "could_not" [action, cause];
    HISTORY_UNAVAILABLE = "history_unavailable" [detail];
    INTERNAL = "internal" [detail];
    KEYCHAIN_UNAVAILABLE = "keychain_unavailable";
    KEYCHAIN_LOCKED = "keychain_locked";
    KEYCHAIN_UNREADABLE = "keychain_unreadable";

    // Actions, for "Could not {action}".
    ACTION_READ_SETTINGS = "action.read_settings";
    ACTION_READ_GATEWAYS = "action.read_gateways";
    ACTION_START_DEMO = "action.start_demo";
    ACTION_START_VIDEO_SOURCE = "action.start_video_source";
    ACTION_WRITE_READY_REPORT = "action.write_ready_report";
    ACTION_WRITE_READY_TIMELINE = "action.write_ready_timeline";
    /// The command line could not start its own machinery.
    ACTION_START = "action.start";

    // A file or folder at `{path}` could not be used; `cause` is the system's words.
    COULD_NOT_CREATE = "could_not_create" [path, cause];
    COULD_NOT_SAVE_FILE = "could_not_save_file" [path, cause];
    COULD_NOT_READ_FILE = "could_not_read_file" [path, cause];
    COULD_NOT_OPEN_FOLDER = "could_not_open_folder" [path, cause];
    COULD_NOT_COPY_VIDEO = "could_not_copy_video" [path, cause];
    COULD_NOT_SAVE_COPY = "could_not_save_copy" [path, cause];

    // Settings.
    PRESET_NAME_MISSING = "settings.preset_name_missing";
    PRESET_NAME_TOO_LONG = "settings.preset_name_too_long" [max];
    PRICE_INVALID = "settings.price_invalid" [model];
    STOP_CHECKING_RANGE = "settings.stop_checking_range" [min, max, minutes];
    EXTRA_FIELD_UNNAMED = "settings.extra_field_unnamed";
    /// `{field}` is a field the form fills itself (prompt, model…).
    EXTRA_FIELD_CORE = "settings.extra_field_core" [field];
    EXTRA_FIELD_TOO_LONG = "settings.extra_field_too_long" [field];
    VIDEO_DIR_NOT_ABSOLUTE = "settings.video_dir_not_absolute";
    VIDEO_DIR_IS_FILE = "settings.video_dir_is_file" [path];
    VIDEO_DIR_NOT_WRITABLE = "settings.video_dir_not_writable" [path, cause];

    // Gateway profiles.
    PROFILE_GONE = "profile.gone";
    PROFILE_NOT_FOUND = "profile.not_found" [name];
    /// `{saved}` lists the saved gateways' names.
    PROFILE_NOT_FOUND_AMONG = "profile.not_found_among" [name, saved];
    PROFILE_NAME_TAKEN = "profile.name_taken" [name];
    SAVED_ADDRESS_UNREADABLE = "profile.saved_address_unreadable";
    /// The address was edited to another server than the saved key's.
    OTHER_SERVER = "profile.other_server" [host];
    DEMO_NOT_RUNNING = "profile.demo_not_running";

    // Keys.
    KEY_EMPTY = "key.empty";
    KEY_SPACES = "key.spaces";
    KEY_UNUSUAL = "key.unusual";
    /// `{variable}` is the environment variable, `{problem}` one of the key texts above.
    KEY_ENV_UNUSABLE = "key.env_unusable" [variable, problem];
    KEY_NOT_SAVED = "key.not_saved" [name];
    KEY_NEEDED_TO_TEST = "key.needed_to_test";

    // The window's commands.
    NOT_A_LOCAL_FILE = "command.not_a_local_file";
    PASTE_WITHOUT_PICTURE = "command.paste_without_picture";
    BATCH_EMPTY = "command.batch_empty";
    BATCH_TOO_LARGE = "command.batch_too_large" [count, max];
    CONNECT_GATEWAY_FIRST = "command.connect_gateway_first";
    NOT_A_HISTORY_FILTER = "command.not_a_history_filter" [name];
    JOB_GATEWAY_GONE = "command.job_gateway_gone";
    VIDEO_NOT_SAVED = "command.video_not_saved";
    VIDEO_HAS_NO_FOLDER = "command.video_has_no_folder";
    VIDEO_FILE_GONE = "command.video_file_gone" [path];
    STORY_EMPTY = "command.story_empty";
    /// `shot` continues `previous` (both numbered from 1), which has no saved video.
    STORY_PREVIOUS_NOT_MADE = "command.story_previous_not_made" [shot, previous];
    /// Export film while shot `shot` (from 1) has no saved video yet.
    STORY_SHOT_NOT_MADE = "command.story_shot_not_made" [shot];
    /// The gateway a shot was to be made on was removed meanwhile.
    STORY_GATEWAY_GONE = "command.story_gateway_gone";

    // Save as.
    COPY_NOT_SAVED = "export.not_saved";
    COPY_SOURCE_GONE = "export.source_gone" [path];
    COPY_NEEDS_FOLDER = "export.needs_folder";

    // The command line.
    CLI_NO_GATEWAY = "cli.no_gateway";
    CLI_DEMO_IN_WINDOW_ONLY = "cli.demo_in_window_only";
    CLI_BATCH_FILE_EMPTY = "cli.batch_file_empty" [path];
    CLI_BAD_JSON_LINE = "cli.bad_json_line" [line, detail];
    CLI_CSV_WITHOUT_HEADER = "cli.csv_without_header";
    CLI_BAD_CSV_LINE = "cli.bad_csv_line" [line, detail];
    /// A batch line's own problem, worded in English by the command line.
    CLI_LINE_PROBLEM = "cli.line_problem" [line, problem];
    CLI_BAD_FIELD = "cli.bad_field" [field];
    CLI_NO_SUCH_JOB = "cli.no_such_job" [id];
    /// A gateway reached over plain http on another machine.
    PLAIN_HTTP = "profile.plain_http";
}
