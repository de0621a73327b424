//! One saved clip as the film needs it: its H.264 track and AAC track as sample tables
//! (where each sample's bytes are, how long it lasts, when it is shown), their sample
//! descriptions, and where each track's edit list starts it. The boxes are read by
//! `shiguredo_mp4`; the sample data is never read here.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use shiguredo_mp4::aux::SampleTableAccessor;
use shiguredo_mp4::boxes::{HdlrBox, MoovBox, SampleEntry, StblBox, TrakBox};
use shiguredo_mp4::{BoxHeader, BoxType, Decode, Either};

use super::super::texts;
use super::super::track::{damaged, looks_like_mp4};
use crate::error::{Error, Result};
use crate::images::{about, display_name};

/// A clip's index is read whole; Veo's are a few kB, an hour of 4K is a few MB.
const MAX_MOOV_BYTES: u64 = 64 << 20;

/// More samples than this in one track is not a clip (a day of 24 fps video, six
/// hours of 48 kHz AAC): refused before its table is laid out in memory.
const MAX_SAMPLES: u64 = 2_000_000;

/// As in `track.rs`: one sample bigger than this is from no camera or generator.
const MAX_SAMPLE_BYTES: u32 = 64 << 20;

/// Top-level boxes looked at before giving up on finding the index.
const MAX_TOP_BOXES: usize = 1024;

#[derive(Debug)]
pub(super) struct Clip {
    pub name: String,
    pub path: PathBuf,
    pub video: Track,
    pub audio: Option<Track>,
    /// The picture's display size and turn, from the track header.
    pub tkhd_width: u32,
    pub tkhd_height: u32,
    pub matrix: [i32; 9],
}

/// One track of a clip, in its own time scale.
#[derive(Debug)]
pub(super) struct Track {
    pub timescale: u32,
    /// In decode order; each one's decode time is the sum of the durations before it.
    pub samples: Vec<Sample>,
    pub entry: SampleEntry,
    /// The media time the track's edit list shows first (0 without one): for AAC the
    /// encoder's priming samples are before it, for H.264 with B-frames the delay.
    pub edit_start: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sample {
    pub offset: u64,
    pub size: u32,
    pub duration: u32,
    /// Presentation time minus decode time.
    pub cto: i64,
    pub sync: bool,
}

impl Track {
    /// The sum of the sample durations, in the track's time scale.
    pub fn duration(&self) -> u64 {
        self.samples.iter().map(|s| u64::from(s.duration)).sum()
    }

    /// The earliest presentation time of any sample.
    pub fn first_shown(&self) -> i64 {
        let mut dts = 0i64;
        let mut first = i64::MAX;
        for s in &self.samples {
            first = first.min(dts + s.cto);
            dts += i64::from(s.duration);
        }
        first
    }
}

/// The clip at `path`, its boxes checked; errors say in this room's words why not.
pub(super) fn read(path: &Path) -> Result<Clip> {
    let name = display_name(path);
    let unreadable = |e| crate::paths::io_error(about(texts::COULD_NOT_READ, &name), e);
    let mut file = File::open(path)
        .map_err(|e| crate::paths::io_error(about(texts::COULD_NOT_OPEN, &name), e))?;
    let file_len = file.metadata().map_err(unreadable)?.len();
    let moov = read_moov(&mut file, file_len, &name)?;
    let (moov, _) = MoovBox::decode(&moov).map_err(|e| damaged(&name, reason(&e)))?;
    let trak = |handler: [u8; 4]| {
        moov.trak_boxes
            .iter()
            .find(|t| t.mdia_box.hdlr_box.handler_type == handler)
    };
    let video_trak = trak(HdlrBox::HANDLER_TYPE_VIDE)
        .ok_or_else(|| Error::UnsupportedVideo(about(texts::NO_PICTURE, &name)))?;
    let video = track(video_trak, &name, file_len)?;
    check_video_codec(&video.entry, &name)?;
    let audio = match trak(HdlrBox::HANDLER_TYPE_SOUN) {
        Some(t) => {
            let audio = track(t, &name, file_len)?;
            if !matches!(audio.entry, SampleEntry::Mp4a(_)) {
                return Err(Error::UnsupportedVideo(about(
                    texts::JOIN_SOUND_NOT_AAC,
                    &name,
                )));
            }
            Some(audio)
        }
        None => None,
    };
    let tkhd = &video_trak.tkhd_box;
    Ok(Clip {
        name,
        path: path.to_path_buf(),
        video,
        audio,
        tkhd_width: tkhd.width.integer.max(0) as u32,
        tkhd_height: tkhd.height.integer.max(0) as u32,
        matrix: tkhd.matrix,
    })
}

/// The `moov` box's bytes, wherever it is among the top-level boxes.
fn read_moov(file: &mut File, file_len: u64, name: &str) -> Result<Vec<u8>> {
    let unreadable = |e| crate::paths::io_error(about(texts::COULD_NOT_READ, name), e);
    let not_mp4 = || Error::CorruptVideo(about(texts::JOIN_NOT_MP4, name));
    let mut offset = 0u64;
    for _ in 0..MAX_TOP_BOXES {
        let mut head = Vec::with_capacity(BoxHeader::MAX_SIZE);
        file.seek(SeekFrom::Start(offset)).map_err(unreadable)?;
        (&mut *file)
            .take(BoxHeader::MAX_SIZE as u64)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        if offset == 0 && !looks_like_mp4(&head[..head.len().min(8)]) {
            return Err(not_mp4());
        }
        let (header, header_len) =
            BoxHeader::decode(&head).map_err(|_| damaged(name, "it ends too soon"))?;
        // Size 0: the box runs to the end of the file.
        let size = match header.box_size.get() {
            0 => file_len - offset,
            n => n,
        };
        if size < header_len as u64 || offset + size > file_len {
            return Err(damaged(name, "it is cut short"));
        }
        if header.box_type == BoxType::Normal(*b"moov") {
            if size > MAX_MOOV_BYTES {
                return Err(damaged(name, "its index is too large"));
            }
            let mut moov = Vec::with_capacity(size as usize);
            file.seek(SeekFrom::Start(offset)).map_err(unreadable)?;
            (&mut *file)
                .take(size)
                .read_to_end(&mut moov)
                .map_err(unreadable)?;
            return Ok(moov);
        }
        offset += size;
        if offset >= file_len {
            break;
        }
    }
    Err(damaged(name, "it has no index of its pictures (moov)"))
}

/// H.264 in `avc1` (parameter sets in the description) is what the film is made of.
fn check_video_codec(entry: &SampleEntry, name: &str) -> Result<()> {
    let problem = about(texts::JOIN_NOT_H264, name);
    let problem = match entry {
        SampleEntry::Avc1(_) => return Ok(()),
        SampleEntry::Hev1(_) | SampleEntry::Hvc1(_) => problem.with("codec", "HEVC"),
        SampleEntry::Vp08(_) => problem.with("codec", "VP8"),
        SampleEntry::Vp09(_) => problem.with("codec", "VP9"),
        SampleEntry::Av01(_) => problem.with("codec", "AV1"),
        _ => problem.with_text("codec", texts::CODEC_OTHER),
    };
    Err(Error::UnsupportedVideo(problem))
}

fn track(trak: &TrakBox, name: &str, file_len: u64) -> Result<Track> {
    let mdia = &trak.mdia_box;
    let stbl = &mdia.minf_box.stbl_box;
    let entries = &stbl.stsd_box.entries;
    let entry = entries
        .first()
        .ok_or_else(|| damaged(name, "a track has no description"))?
        .clone();
    if entries.iter().any(|e| *e != entry) {
        return Err(Error::UnsupportedVideo(about(
            texts::JOIN_MIXED_SETTINGS,
            name,
        )));
    }
    let track = Track {
        timescale: mdia.mdhd_box.timescale.get(),
        samples: samples(stbl, name, file_len)?,
        entry,
        edit_start: edit_start(trak),
    };
    // No picture is shown a whole clip away from when it is decoded, and no edit
    // starts past the end: such times are damage, and would overflow the film's.
    let length = i64::try_from(track.duration()).unwrap_or(i64::MAX);
    if track.samples.iter().any(|s| s.cto.abs() > length) {
        return Err(damaged(name, "its samples' times do not add up"));
    }
    if track.edit_start > length {
        return Err(damaged(name, "its edit list starts past its end"));
    }
    Ok(track)
}

/// Every sample in decode order, each inside the file.
fn samples(stbl: &StblBox, name: &str, file_len: u64) -> Result<Vec<Sample>> {
    let declared: u64 = stbl
        .stts_box
        .entries
        .iter()
        .map(|e| u64::from(e.sample_count))
        .sum();
    let offsets = match &stbl.stco_or_co64_box {
        Either::A(stco) => stco.chunk_offsets.iter().map(|&o| u64::from(o)).max(),
        Either::B(co64) => co64.chunk_offsets.iter().copied().max(),
    };
    let composed: u64 = stbl.ctts_box.as_ref().map_or(0, |ctts| {
        ctts.entries.iter().map(|e| u64::from(e.sample_count)).sum()
    });
    // Checked before the table is laid out, which trusts these sums.
    if declared > MAX_SAMPLES || composed > MAX_SAMPLES {
        return Err(damaged(name, "its index lists too many samples"));
    }
    if offsets.is_some_and(|o| o > file_len) {
        return Err(damaged(name, "it is cut short"));
    }
    let table = SampleTableAccessor::new(stbl)
        .map_err(|e| damaged(name, format!("its index does not add up ({e})")))?;
    let mut samples = Vec::with_capacity(declared as usize);
    for s in table.samples() {
        let (offset, size) = (s.data_offset(), s.data_size());
        let inside = offset
            .checked_add(u64::from(size))
            .is_some_and(|end| end <= file_len);
        if !inside {
            return Err(damaged(name, "it is cut short"));
        }
        if size == 0 || size > MAX_SAMPLE_BYTES {
            return Err(damaged(name, "its index of samples does not add up"));
        }
        samples.push(Sample {
            offset,
            size,
            duration: s.duration(),
            cto: s.composition_time_offset().unwrap_or(0),
            sync: s.is_sync_sample(),
        });
    }
    if samples.is_empty() {
        return Err(damaged(name, "a track is empty"));
    }
    Ok(samples)
}

/// The media time of the first edit that shows media (empty edits, which only delay a
/// track, are not carried into the film).
fn edit_start(trak: &TrakBox) -> i64 {
    trak.edts_box
        .as_ref()
        .and_then(|edts| edts.elst_box.as_ref())
        .and_then(|elst| elst.entries.iter().find(|e| e.media_time >= 0))
        .map_or(0, |e| e.media_time)
}

/// The reader's words, without the place in its source it adds.
fn reason(e: &shiguredo_mp4::Error) -> String {
    match e.box_type {
        Some(kind) => format!("{kind}: {}", e.reason),
        None => e.reason.clone(),
    }
}
