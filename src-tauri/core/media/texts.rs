//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/media.<language>.json`. `{name}` is always the file's name, never
//! its path; `{detail}` is the reader's or the decoder's own words.

crate::texts! {
    /// Neither an MP4 nor anything like one (a web page, a picture, an empty file).
    NOT_MP4 = "media.not_mp4" [name];
    /// An MP4 that cannot be read to its pictures: cut short, or damaged inside.
    DAMAGED = "media.damaged" [name, detail];
    /// Sound only, or no track at all.
    NO_PICTURE = "media.no_picture" [name];
    /// `{codec}` names the format ("VP9") or is one of the `CODEC_*` texts.
    NOT_H264 = "media.not_h264" [name, codec];
    /// H.264 that the decoder does not take (10-bit, 4:2:2, interlaced…).
    H264_VARIANT = "media.h264_variant" [name, detail];
    TOO_LARGE = "media.too_large" [name, width, height, limit];
    /// `{cause}` is the system's words.
    COULD_NOT_OPEN = "media.could_not_open" [name, cause];
    COULD_NOT_READ = "media.could_not_read" [name, cause];

    // Formats the file does not name, for `{codec}`.
    CODEC_ENCRYPTED = "media.codec.encrypted";
    CODEC_OTHER = "media.codec.other";
}
