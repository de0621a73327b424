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

    // Joining clips into one film (`stitch.rs`). `{clip}` and `{first}` count from 1.
    /// No clips were given.
    NO_CLIPS = "media.no_clips";
    /// As `NOT_MP4`, when joining.
    JOIN_NOT_MP4 = "media.join.not_mp4" [name];
    /// As `NOT_H264`, when joining.
    JOIN_NOT_H264 = "media.join.not_h264" [name, codec];
    /// Sound in a format other than AAC (Opus, FLAC…).
    JOIN_SOUND_NOT_AAC = "media.join.sound_not_aac" [name];
    /// A clip whose settings change partway (several sample descriptions in one track).
    JOIN_MIXED_SETTINGS = "media.join.mixed_settings" [name];
    /// Clip `{clip}` cannot follow clip `{first}` (the first of its run) without
    /// re-encoding; `{difference}` is one of the `DIFFER_*` problems.
    CLIPS_DIFFER = "media.clips_differ" [clip, name, first, difference];
    DIFFER_SIZE = "media.differ.size" [width, height, first_width, first_height];
    /// Same size, other H.264 profile, level or parameter sets (SPS/PPS).
    DIFFER_H264_SETTINGS = "media.differ.h264_settings";
    /// Another rotation in the track header.
    DIFFER_TURN = "media.differ.turn";
    /// This clip has no sound and clip `{first}` has.
    DIFFER_NO_SOUND = "media.differ.no_sound" [first];
    /// This clip has sound and clip `{first}` has none.
    DIFFER_SOUND = "media.differ.sound" [first];
    DIFFER_SOUND_FORMAT = "media.differ.sound_format" [rate, channels, first_rate, first_channels];
    /// Same rate and channels, other AAC settings (profile, AudioSpecificConfig).
    DIFFER_SOUND_SETTINGS = "media.differ.sound_settings";
    /// Time scales with no common multiple we can write (never seen in practice).
    DIFFER_TIMING = "media.differ.timing";

    // Formats the file does not name, for `{codec}`.
    CODEC_ENCRYPTED = "media.codec.encrypted";
    CODEC_OTHER = "media.codec.other";
}
