//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/gateway.<language>.json`. `status` is the HTTP status as data
//! ("401 Unauthorized"), `doing` one of the `DOING_*` phrases, `host` the gateway's
//! `host:port`.

crate::texts! {
    // What the client was doing when something went wrong, for `{doing}`.
    DOING_SUBMIT = "gateway.doing_submit";
    DOING_POLL = "gateway.doing_poll";
    DOING_DOWNLOAD = "gateway.doing_download";
    DOING_LIST = "gateway.doing_list";
    DOING_DELETE = "gateway.doing_delete";
    DOING_CHECK = "gateway.doing_check";

    // Error answers.
    JOB_NOT_FOUND = "gateway.job_not_found";
    /// Also when the job is still running and the gateway only hands out links.
    VIDEO_NOT_READY = "gateway.video_not_ready";
    KEY_REJECTED = "gateway.key_rejected" [status];
    RATE_LIMITED = "gateway.rate_limited" [status];
    /// LiteLLM's 429 when every deployment of the model is in its cooldown.
    ALL_COOLING_DOWN = "gateway.all_cooling_down" [status];
    QUOTA_USED_UP = "gateway.quota_used_up" [status];
    MODEL_RETIRED = "gateway.model_retired" [status];
    /// A finished job whose video the gateway does not have (its download answers 404).
    COMPLETED_WITHOUT_VIDEO = "gateway.completed_without_video" [status];
    /// An optional endpoint (list, delete, `/content`) the gateway does not have.
    NOT_OFFERED = "gateway.not_offered" [status, doing];
    SERVER_ERROR = "gateway.server_error" [status, doing];
    NO_VIDEO_ENDPOINT = "gateway.no_video_endpoint" [status];
    WEB_PAGE_ANSWER = "gateway.web_page_answer" [status, doing];
    REQUEST_REFUSED = "gateway.request_refused" [status];
    /// `reasons` are the filter's own words, as it gave them.
    BLOCKED = "gateway.blocked" [reasons];
    BLOCKED_UNEXPLAINED = "gateway.blocked_unexplained";

    // Nothing reached the gateway, or its answer did not come back.
    REQUEST_NOT_PREPARED = "gateway.request_not_prepared" [host];
    UNREACHABLE_DNS = "gateway.unreachable_dns" [host];
    UNREACHABLE_REFUSED = "gateway.unreachable_refused" [host];
    UNREACHABLE_TIMEOUT = "gateway.unreachable_timeout" [host];
    /// The gateway's certificate was refused: the proxy, if any, is not to blame.
    UNREACHABLE_TLS = "gateway.unreachable_tls" [host];
    UNREACHABLE_OTHER = "gateway.unreachable_other" [host];
    UNREACHABLE_PROXY = "gateway.unreachable_proxy" [proxy];
    SUBMIT_UNCERTAIN = "gateway.submit_uncertain";
    STOPPED_ANSWERING = "gateway.stopped_answering" [host, doing];
    CONNECTION_LOST = "gateway.connection_lost" [host, doing];
    TOO_MANY_REDIRECTS = "gateway.too_many_redirects";
    /// `cause` is the TLS library's words.
    TLS_SETUP_FAILED = "gateway.tls_setup_failed" [cause];

    // Answers that are not a job.
    ANSWER_NOT_JSON = "gateway.answer_not_json";
    ANSWER_NOT_JSON_AFTER_SUBMIT = "gateway.answer_not_json_after_submit";
    ANSWER_WITHOUT_ID = "gateway.answer_without_id";
    ANSWER_WITHOUT_ID_AFTER_SUBMIT = "gateway.answer_without_id_after_submit";
    /// `size` is a size in words ("4 MB").
    ANSWER_TOO_LARGE = "gateway.answer_too_large" [size];
    ANSWER_TOO_LARGE_AFTER_SUBMIT = "gateway.answer_too_large_after_submit" [size];
    /// `status` is the number alone ("200").
    NOT_A_GATEWAY = "gateway.not_a_gateway" [host, status];

    // The job's end.
    /// The gateway's own words about why, if any, come as its words.
    JOB_FAILED = "gateway.job_failed";
    JOB_FAILED_UNEXPLAINED = "gateway.job_failed_unexplained";
    JOB_EXPIRED = "gateway.job_expired";

    // The download.
    NO_DOWNLOAD = "gateway.no_download";
    SENT_WEB_PAGE = "gateway.sent_web_page";
    /// The message itself comes as the gateway's words.
    SENT_MESSAGE = "gateway.sent_message";
    SENT_EMPTY_FILE = "gateway.sent_empty_file";
    SENT_NOT_MP4 = "gateway.sent_not_mp4";
    SENT_TOO_MUCH = "gateway.sent_too_much" [received, total];
    DOWNLOAD_TOO_SLOW = "gateway.download_too_slow" [host, rate, seconds];
    DOWNLOAD_TOO_LARGE = "gateway.download_too_large" [size];
    DOWNLOAD_ENDED_EARLY = "gateway.download_ended_early" [host];
    RESUMED_WRONG_PLACE = "gateway.resumed_wrong_place" [host];
    LOCAL_LINK_REFUSED = "gateway.local_link_refused" [host];
    LOCAL_REDIRECT_REFUSED = "gateway.local_redirect_refused" [host];
    NOT_A_FILE_NAME = "gateway.not_a_file_name" [path];
    /// `cause` is the system's words.
    WRITE_FAILED = "gateway.write_failed" [path, cause];

    // What the user typed or picked.
    KEY_MISSING = "gateway.key_missing";
    NOT_AN_IMAGE_TYPE = "gateway.not_an_image_type" [mime];
    ADDRESS_MISSING = "gateway.address_missing";
    ADDRESS_WITHOUT_SCHEME = "gateway.address_without_scheme" [address];
    ADDRESS_NOT_WEB = "gateway.address_not_web" [address];
    ADDRESS_SCHEME = "gateway.address_scheme";
    ADDRESS_WITHOUT_HOST = "gateway.address_without_host";
    ADDRESS_WITH_LOGIN = "gateway.address_with_login";
    PROXY_PASSWORD_AGAIN = "gateway.proxy_password_again";
    /// `cause` is the HTTP library's words.
    PROXY_UNUSABLE = "gateway.proxy_unusable" [cause];
    PROXY_NOT_AN_ADDRESS = "gateway.proxy_not_an_address";
    PROXY_NOT_HTTP = "gateway.proxy_not_http";
    CA_UNREADABLE = "gateway.ca_unreadable" [path, cause];
    CA_NOT_PEM = "gateway.ca_not_pem" [path];

    // The model list. A list of choices comes as `choices` ("4, 6") and `last` ("8"),
    // so each language says "or" its own way; a single choice is `choices` alone.
    /// `cause` is the JSON reader's words, `example` the expected shape as JSON.
    MODEL_LIST_UNREADABLE = "gateway.model_list_unreadable" [cause, example];
    MODEL_LIST_READ_FAILED = "gateway.model_list_read_failed" [path, cause];
    MODEL_WITHOUT_NAME = "gateway.model_without_name";
    MODEL_WITHOUT_CHOICES = "gateway.model_without_choices" [model];
    UNKNOWN_MODEL = "gateway.unknown_model" [model, choices];
    UNKNOWN_MODEL_OF_SEVERAL = "gateway.unknown_model_of_several" [model, choices, last];
    SECONDS = "gateway.seconds" [model, choices];
    SECONDS_OF_SEVERAL = "gateway.seconds_of_several" [model, choices, last];
    SIZES = "gateway.sizes" [model, choices];
    SIZES_OF_SEVERAL = "gateway.sizes_of_several" [model, choices, last];
    NO_RESOLUTION = "gateway.no_resolution" [model];
    RESOLUTIONS = "gateway.resolutions" [model, choices];
    RESOLUTIONS_OF_SEVERAL = "gateway.resolutions_of_several" [model, choices, last];
    /// `low` is the resolution made at every length.
    HIGH_RESOLUTION_SECONDS = "gateway.high_resolution_seconds" [model, resolution, choices, low];
    HIGH_RESOLUTION_SECONDS_OF_SEVERAL =
        "gateway.high_resolution_seconds_of_several" [model, resolution, choices, last, low];

    // Pictures beyond the first frame (Veo's rules).
    NO_LAST_FRAME = "gateway.no_last_frame" [model];
    LAST_FRAME_NEEDS_FIRST = "gateway.last_frame_needs_first" [model];
    NO_REFERENCE_IMAGES = "gateway.no_reference_images" [model];
    REFERENCE_IMAGES_ALONE = "gateway.reference_images_alone" [model];
    TOO_MANY_REFERENCE_IMAGES = "gateway.too_many_reference_images" [model, max];
    REFERENCE_IMAGES_SECONDS = "gateway.reference_images_seconds" [model, choices];
    REFERENCE_IMAGES_SECONDS_OF_SEVERAL =
        "gateway.reference_images_seconds_of_several" [model, choices, last];
}
