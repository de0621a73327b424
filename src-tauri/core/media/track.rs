//! The H.264 picture track of an MP4, as Mozilla's `mp4parse` reads it: where each
//! picture's bytes are and which are keyframes, the decoder's parameter sets (read from
//! the track's configuration record by `h264-reader`), and how the picture is turned.
//! Everything a decoder could choke on is refused here, before a pixel is decoded.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use h264_reader::avcc::AvcDecoderConfigurationRecord;
use h264_reader::nal::sps::{ChromaFormat, FrameMbsFlags};
use mp4parse::unstable::create_sample_table;
use mp4parse::{CodecType, SampleEntry, Track as Mp4Track, TrackType, VideoCodecSpecific};

use super::colour::Colours;
use super::texts;
use super::MAX_FRAME_EDGE;
use crate::error::{Error, Result};
use crate::images::{about, display_name};
use crate::problem::Problem;

/// As in `facts.rs`: the parser streams through the media data, so a huge file is read
/// only this far (Veo clips are a few MB).
const MAX_BYTES: u64 = 4 << 30;

/// One coded picture bigger than this is not from any camera or generator: refused
/// rather than allocated. (A 4K keyframe at a very high rate is a few MB.)
const MAX_SAMPLE_BYTES: u64 = 64 << 20;

/// Annex-B start code: what the decoder splits its input on.
pub(super) const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// A picture track ready for decoding.
#[derive(Debug)]
pub(super) struct Track {
    /// The file's name, for problems.
    pub name: String,
    /// In decode order.
    pub samples: Vec<Sample>,
    /// Bytes of the big-endian length before each NAL unit in a sample (1 to 4).
    pub nal_length: usize,
    /// The sequence and picture parameter sets, each after a start code: given to the
    /// decoder before the first picture.
    pub parameter_sets: Vec<u8>,
    pub turn: Turn,
    pub colours: Colours,
}

/// Where one coded picture is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sample {
    pub offset: u64,
    pub len: usize,
    /// A keyframe: decoding may start here.
    pub sync: bool,
}

/// How the track's matrix turns the stored picture for display, clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Turn {
    None,
    Quarter,
    Half,
    ThreeQuarters,
}

impl Turn {
    /// The picture as shown. Flips and shears (never written by cameras) are ignored.
    pub fn apply(self, picture: image::RgbImage) -> image::RgbImage {
        use image::imageops;
        match self {
            Turn::None => picture,
            Turn::Quarter => imageops::rotate90(&picture),
            Turn::Half => imageops::rotate180(&picture),
            Turn::ThreeQuarters => imageops::rotate270(&picture),
        }
    }
}

pub(super) fn damaged(name: &str, detail: impl ToString) -> Error {
    Error::CorruptVideo(about(texts::DAMAGED, name).with("detail", detail))
}

fn unsupported(problem: Problem) -> Error {
    Error::UnsupportedVideo(problem)
}

/// The picture track of the MP4 at `path`, checked.
pub(super) fn read(path: &Path) -> Result<Track> {
    let name = display_name(path);
    let unreadable = |e| crate::paths::io_error(about(texts::COULD_NOT_READ, &name), e);
    let mut file = File::open(path)
        .map_err(|e| crate::paths::io_error(about(texts::COULD_NOT_OPEN, &name), e))?;
    let file_len = file.metadata().map_err(unreadable)?.len();
    let mut head = Vec::with_capacity(8);
    (&mut file)
        .take(8)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    file.rewind().map_err(unreadable)?;
    let mut reader = BufReader::with_capacity(64 * 1024, file).take(MAX_BYTES);
    let context = match mp4parse::read_mp4(&mut reader) {
        Ok(context) => context,
        Err(mp4parse::Error::Io(e)) => return Err(unreadable(e)),
        Err(_) if !looks_like_mp4(&head) => {
            return Err(Error::CorruptVideo(about(texts::NOT_MP4, &name)))
        }
        Err(mp4parse::Error::UnexpectedEOF) => return Err(damaged(&name, "it ends too soon")),
        Err(e) => return Err(damaged(&name, format!("{e:?}"))),
    };
    let video = context
        .tracks
        .iter()
        .find(|t| t.track_type == TrackType::Video)
        .ok_or_else(|| unsupported(about(texts::NO_PICTURE, &name)))?;
    let config = avc_config(video, &name)?;
    let record = AvcDecoderConfigurationRecord::try_from(config.avcc)
        .map_err(|e| damaged(&name, format!("its H.264 settings cannot be read: {e:?}")))?;
    let nal_length = usize::from(record.length_size_minus_one()) + 1;
    let (parameter_sets, colours) = check_parameter_sets(&record, &name, config.size)?;
    let samples = samples(video, &name, file_len)?;
    Ok(Track {
        name,
        samples,
        nal_length,
        parameter_sets,
        turn: turn(video),
        colours,
    })
}

/// An ISO file starts with one of these boxes; anything else was never an MP4.
pub(super) fn looks_like_mp4(head: &[u8]) -> bool {
    head.len() == 8
        && [b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide"]
            .iter()
            .any(|kind| head[4..8] == kind[..])
}

struct AvcConfig<'a> {
    avcc: &'a [u8],
    /// The sample entry's coded size, used when the record carries no parameter sets.
    size: (u32, u32),
}

/// The track's H.264 configuration record, or why there is none.
fn avc_config<'a>(track: &'a Mp4Track, name: &str) -> Result<AvcConfig<'a>> {
    let entries = &track
        .stsd
        .as_ref()
        .ok_or_else(|| damaged(name, "its picture track has no description"))?
        .descriptions;
    let h264 = entries.iter().find_map(|entry| match entry {
        SampleEntry::Video(v) if v.codec_type == CodecType::H264 => match &v.codec_specific {
            VideoCodecSpecific::AVCConfig(avcc) => Some(AvcConfig {
                avcc,
                size: (u32::from(v.width), u32::from(v.height)),
            }),
            _ => None,
        },
        _ => None,
    });
    if let Some(config) = h264 {
        return Ok(config);
    }
    let problem = about(texts::NOT_H264, name);
    let problem = match entries.first() {
        Some(SampleEntry::Video(v)) => match v.codec_type {
            CodecType::VP8 => problem.with("codec", "VP8"),
            CodecType::VP9 => problem.with("codec", "VP9"),
            CodecType::AV1 => problem.with("codec", "AV1"),
            CodecType::MP4V => problem.with("codec", "MPEG-4 Part 2"),
            CodecType::H263 => problem.with("codec", "H.263"),
            CodecType::EncryptedVideo => problem.with_text("codec", texts::CODEC_ENCRYPTED),
            _ => problem.with_text("codec", texts::CODEC_OTHER),
        },
        // HEVC, ProRes and the like: `mp4parse` names only the formats browsers play.
        _ => problem.with_text("codec", texts::CODEC_OTHER),
    };
    Err(unsupported(problem))
}

/// The parameter sets as Annex-B, once each sequence parameter set is known to be of a
/// kind the decoder takes and of a size we allow, and the colours the first one names.
fn check_parameter_sets(
    record: &AvcDecoderConfigurationRecord<'_>,
    name: &str,
    entry_size: (u32, u32),
) -> Result<(Vec<u8>, Colours)> {
    let unreadable = |e: &dyn std::fmt::Debug| {
        damaged(
            name,
            format!("its H.264 parameter sets cannot be read: {e:?}"),
        )
    };
    let context = record.create_context().map_err(|e| unreadable(&e))?;
    let mut sizes = vec![];
    let mut colours = None;
    for sps in context.sps() {
        let variant =
            |detail: &str| unsupported(about(texts::H264_VARIANT, name).with("detail", detail));
        match sps.chroma_info.chroma_format {
            ChromaFormat::YUV420 => {}
            ChromaFormat::Monochrome => return Err(variant("black and white")),
            ChromaFormat::YUV422 => return Err(variant("4:2:2 colour")),
            ChromaFormat::YUV444 => return Err(variant("4:4:4 colour")),
            ChromaFormat::Invalid(_) => return Err(unreadable(&sps.chroma_info.chroma_format)),
        }
        let depth = sps.chroma_info.bit_depth_luma_minus8;
        if depth != 0 || sps.chroma_info.bit_depth_chroma_minus8 != 0 {
            return Err(variant(&format!(
                "{} bits per colour",
                u32::from(depth) + 8
            )));
        }
        if let FrameMbsFlags::Fields { .. } = sps.frame_mbs_flags {
            return Err(variant("interlaced"));
        }
        sizes.push(sps.pixel_dimensions().map_err(|e| unreadable(&e))?);
        let signal = sps
            .vui_parameters
            .as_ref()
            .and_then(|vui| vui.video_signal_type.as_ref());
        colours.get_or_insert(Colours::from_signal(
            signal
                .and_then(|s| s.colour_description.as_ref())
                .map(|c| c.matrix_coefficients),
            signal.is_some_and(|s| s.video_full_range_flag),
        ));
    }
    // Parameter sets may also come inside the samples ('avc3'): then the entry's size
    // is all there is to check before decoding (the decoder's pictures are checked too).
    if sizes.is_empty() {
        sizes.push(entry_size);
    }
    for (width, height) in sizes {
        check_size(name, width, height)?;
    }
    let mut annex_b = vec![];
    let sets = record
        .sequence_parameter_sets()
        .chain(record.picture_parameter_sets());
    for set in sets {
        annex_b.extend_from_slice(&START_CODE);
        annex_b.extend_from_slice(set.map_err(|e| unreadable(&e))?);
    }
    Ok((
        annex_b,
        colours.unwrap_or(Colours::from_signal(None, false)),
    ))
}

/// Refuses pictures larger than [`MAX_FRAME_EDGE`] on a side (and empty ones).
pub(super) fn check_size(name: &str, width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(damaged(
            name,
            format!("its pictures are {width} × {height}"),
        ));
    }
    if width > MAX_FRAME_EDGE || height > MAX_FRAME_EDGE {
        return Err(unsupported(
            about(texts::TOO_LARGE, name)
                .with("width", width)
                .with("height", height)
                .with("limit", MAX_FRAME_EDGE),
        ));
    }
    Ok(())
}

/// Every picture's place in the file, in decode order, each inside the file.
fn samples(track: &Mp4Track, name: &str, file_len: u64) -> Result<Vec<Sample>> {
    let table = create_sample_table(track, 0.into())
        .ok_or_else(|| damaged(name, "its index of pictures does not add up"))?;
    let mut samples = Vec::with_capacity(table.len());
    for indice in table.iter() {
        let (start, end) = (indice.start_offset.0, indice.end_offset.0);
        if end > file_len {
            return Err(damaged(name, "it is cut short"));
        }
        let len = end
            .checked_sub(start)
            .filter(|&len| len > 0 && len <= MAX_SAMPLE_BYTES)
            .ok_or_else(|| damaged(name, "its index of pictures does not add up"))?;
        samples.push(Sample {
            offset: start,
            len: len as usize,
            sync: indice.sync,
        });
    }
    if samples.is_empty() {
        return Err(damaged(name, "its picture track is empty"));
    }
    Ok(samples)
}

/// The track header's matrix as a quarter-turn count (16.16 fixed point: only signs
/// matter for the turns a camera writes).
fn turn(track: &Mp4Track) -> Turn {
    let Some(header) = track.tkhd.as_ref() else {
        return Turn::None;
    };
    let m = &header.matrix;
    match (m.a.signum(), m.b.signum(), m.c.signum(), m.d.signum()) {
        (0, 1, -1, 0) => Turn::Quarter,
        (-1, 0, 0, -1) => Turn::Half,
        (0, -1, 1, 0) => Turn::ThreeQuarters,
        _ => Turn::None,
    }
}
