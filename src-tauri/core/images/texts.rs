//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/images.<language>.json`. `{name}` is always the file's name,
//! never its path.

crate::texts! {
    /// `{what}` is one of the `KIND_*` texts, `{how}` one of the `HOW_*` texts.
    UNSUPPORTED = "image.unsupported" [name, what, how];
    /// `{what}` is one of the `KIND_*` texts.
    NOT_AN_IMAGE = "image.not_an_image" [name, what];
    PASTED_UNSUPPORTED = "image.pasted_unsupported" [what, how];
    PASTED_NOT_AN_IMAGE = "image.pasted_not_an_image" [what];
    FILE_TOO_LARGE = "image.file_too_large" [name, megabytes, limit];
    PASTED_TOO_LARGE = "image.pasted_too_large" [megabytes, limit];
    TOO_MANY_PIXELS = "image.too_many_pixels" [name, width, height, megapixels, limit];
    NEEDS_TOO_MUCH_MEMORY = "image.needs_too_much_memory" [name];
    UPLOAD_TOO_LARGE = "image.upload_too_large" [name, limit];
    /// The header gives a width or height of zero.
    NO_PIXELS = "image.no_pixels" [name, width, height];
    /// `{format}` is JPEG, PNG or WebP; `{detail}` is the decoder's own words.
    DAMAGED = "image.damaged" [name, format, detail];
    /// `{feature}` is the decoder's name for what it lacks; `{how}` is [`HOW_CONVERT`].
    JPEG_VARIANT = "image.jpeg_variant" [name, feature, how];
    FORMAT_VARIANT = "image.format_variant" [name, detail, how];
    NOT_A_VIDEO_SIZE = "image.not_a_video_size" [value];
    NOT_A_FIT = "image.not_a_fit" [value];
    /// `{cause}` is the system's words.
    COULD_NOT_OPEN = "image.could_not_open" [name, cause];
    COULD_NOT_READ = "image.could_not_read" [name, cause];
    /// An action, for "Could not {action}".
    ACTION_KEEP_PASTED = "image.action.keep_pasted";

    // What a file turned out to be, for `{what}`.
    KIND_EMPTY = "image.kind.empty";
    KIND_GIF = "image.kind.gif";
    KIND_TIFF = "image.kind.tiff";
    KIND_BMP = "image.kind.bmp";
    KIND_JPEG_XL = "image.kind.jpeg_xl";
    KIND_AVIF = "image.kind.avif";
    KIND_HEIC = "image.kind.heic";
    KIND_VIDEO = "image.kind.video";
    KIND_PDF = "image.kind.pdf";
    KIND_ZIP = "image.kind.zip";
    KIND_TEXT = "image.kind.text";
    KIND_UNKNOWN = "image.kind.unknown";

    // How to turn it into a picture we take, for `{how}`.
    HOW_CONVERT = "image.how.convert";
    HOW_GIF = "image.how.gif";
    HOW_AVIF = "image.how.avif";
    HOW_HEIC = "image.how.heic";
}
