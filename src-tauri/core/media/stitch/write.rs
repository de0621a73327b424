//! The film on disk: `ftyp`, the index (`moov`), then the media data (`mdat`), in one
//! pass. Every sample's place is known before a byte is copied, so the index comes
//! first ("faststart": a player can start before the end has arrived) without moving
//! anything afterwards. The boxes are built and encoded by `shiguredo_mp4`; sample
//! bytes are copied from the clips a chunk at a time, never a whole clip in memory.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use shiguredo_mp4::boxes::{
    Brand, Co64Box, CttsBox, CttsEntry, DinfBox, EdtsBox, ElstBox, ElstEntry, FtypBox, HdlrBox,
    MdhdBox, MdiaBox, MinfBox, MoovBox, MvhdBox, SmhdBox, StblBox, StcoBox, StscBox, StscEntry,
    StsdBox, StssBox, StszBox, SttsBox, TkhdBox, TrakBox, VmhdBox,
};
use shiguredo_mp4::{BoxHeader, BoxSize, BoxType, Either, Encode, FixedPointNumber, Mp4FileTime};

use super::super::texts;
use super::clip::Clip;
use super::film::{Film, FilmTrack, Kind};
use crate::error::{Error, Result};
use crate::images::about;

const VIDEO_ID: u32 = 1;
const AUDIO_ID: u32 = 2;

/// Writes `film` to `out` through a temporary file beside it; the film's size.
pub(super) fn write(film: &Film, clips: &[Clip], out: &Path) -> Result<u64> {
    let failed = |e: io::Error| {
        crate::paths::io_error(crate::paths::at(crate::texts::COULD_NOT_SAVE_FILE, out), e)
    };
    let dir = match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let head = head(film, clips)?;
    // Removed on drop: a failure leaves nothing behind.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    let mut writer = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
    writer.write_all(&head).map_err(failed)?;
    copy_samples(film, clips, &mut writer, &failed)?;
    writer.flush().map_err(failed)?;
    drop(writer);
    tmp.as_file().sync_all().map_err(failed)?;
    let bytes = tmp.as_file().metadata().map_err(failed)?.len();
    tmp.persist(out).map_err(|e| failed(e.error))?;
    Ok(bytes)
}

/// Everything before the first sample's bytes: `ftyp`, `moov` and the `mdat` header.
fn head(film: &Film, clips: &[Clip]) -> Result<Vec<u8>> {
    let ftyp = encoded(&ftyp())?;
    let payload: u64 = film
        .video
        .samples
        .iter()
        .chain(film.audio.iter().flat_map(|a| a.samples.iter()))
        .map(|s| u64::from(s.size))
        .sum();
    // A first guess of the head's size decides between 32- and 64-bit offsets; the
    // index is encoded again once the offsets are known (their size does not change).
    let draft = encoded(&moov(film, clips, 0, true))?;
    let large = ftyp.len() as u64 + draft.len() as u64 + 16 + payload > u64::from(u32::MAX);
    let moov_len = encoded(&moov(film, clips, 0, large))?.len() as u64;
    let mdat_header = mdat_header(payload, large)?;
    let data_start = ftyp.len() as u64 + moov_len + mdat_header.len() as u64;
    let moov = encoded(&moov(film, clips, data_start, large))?;
    if moov.len() as u64 != moov_len {
        return Err(Error::internal("the film's index changed size"));
    }
    Ok([ftyp, moov, mdat_header].concat())
}

fn encoded(value: &impl Encode) -> Result<Vec<u8>> {
    value
        .encode_to_vec()
        .map_err(|e| Error::internal(format!("the film's index cannot be written: {e}")))
}

fn ftyp() -> FtypBox {
    FtypBox {
        major_brand: Brand::ISOM,
        minor_version: 512,
        compatible_brands: vec![Brand::ISOM, Brand::ISO2, Brand::AVC1, Brand::MP41],
    }
}

fn mdat_header(payload: u64, large: bool) -> Result<Vec<u8>> {
    let box_size = if large {
        BoxSize::U64(payload + 16)
    } else {
        BoxSize::U32((payload + 8) as u32)
    };
    encoded(&BoxHeader {
        box_type: BoxType::Normal(*b"mdat"),
        box_size,
    })
}

/// The index, with chunk offsets counted from `data_start` (the first sample byte).
pub(super) fn moov(film: &Film, clips: &[Clip], data_start: u64, large: bool) -> MoovBox {
    let offsets = chunk_offsets(film, data_start);
    let movie_scale = film.video.timescale;
    let video_shown = film.video.shown;
    let audio_shown = film
        .audio
        .as_ref()
        .map_or(0, |a| to_movie(a.shown, a.timescale, movie_scale));
    let now = Mp4FileTime::from_unix_time(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default(),
    );
    let mut trak_boxes = vec![trak(
        film,
        Kind::Video,
        &film.video,
        &offsets,
        Picture::of(&clips[0]),
        (movie_scale, now, large),
    )];
    if let Some(audio) = &film.audio {
        trak_boxes.push(trak(
            film,
            Kind::Audio,
            audio,
            &offsets,
            Picture::NONE,
            (movie_scale, now, large),
        ));
    }
    MoovBox {
        mvhd_box: MvhdBox {
            creation_time: now,
            modification_time: now,
            timescale: non_zero(movie_scale),
            duration: video_shown.max(audio_shown),
            rate: MvhdBox::DEFAULT_RATE,
            volume: MvhdBox::DEFAULT_VOLUME,
            matrix: MvhdBox::DEFAULT_MATRIX,
            next_track_id: trak_boxes.len() as u32 + 1,
        },
        trak_boxes,
        mvex_box: None,
        unknown_boxes: vec![],
    }
}

/// Each chunk's offset in the file, in file order.
fn chunk_offsets(film: &Film, data_start: u64) -> Vec<u64> {
    let mut at = data_start;
    film.chunks
        .iter()
        .map(|chunk| {
            let offset = at;
            let track = match chunk.kind {
                Kind::Video => &film.video,
                Kind::Audio => film.audio.as_ref().expect("sound chunks have a track"),
            };
            at += track.samples[chunk.first..chunk.first + chunk.count]
                .iter()
                .map(|s| u64::from(s.size))
                .sum::<u64>();
            offset
        })
        .collect()
}

/// What the picture track's header says of the first clip's picture.
struct Picture {
    width: FixedPointNumber<i16, u16>,
    height: FixedPointNumber<i16, u16>,
    matrix: [i32; 9],
}

impl Picture {
    const NONE: Picture = Picture {
        width: FixedPointNumber::new(0, 0),
        height: FixedPointNumber::new(0, 0),
        matrix: TkhdBox::DEFAULT_MATRIX,
    };

    fn of(clip: &Clip) -> Picture {
        let size = |n: u32| FixedPointNumber::new(i16::try_from(n).unwrap_or(i16::MAX), 0);
        Picture {
            width: size(clip.tkhd_width),
            height: size(clip.tkhd_height),
            matrix: clip.matrix,
        }
    }
}

fn trak(
    film: &Film,
    kind: Kind,
    track: &FilmTrack,
    offsets: &[u64],
    picture: Picture,
    (movie_scale, now, large): (u32, Mp4FileTime, bool),
) -> TrakBox {
    let shown = to_movie(track.shown, track.timescale, movie_scale);
    let video = kind == Kind::Video;
    TrakBox {
        tkhd_box: TkhdBox {
            flag_track_enabled: true,
            flag_track_in_movie: true,
            flag_track_in_preview: false,
            flag_track_size_is_aspect_ratio: false,
            creation_time: now,
            modification_time: now,
            track_id: if video { VIDEO_ID } else { AUDIO_ID },
            duration: shown,
            layer: TkhdBox::DEFAULT_LAYER,
            alternate_group: TkhdBox::DEFAULT_ALTERNATE_GROUP,
            volume: if video {
                TkhdBox::DEFAULT_VIDEO_VOLUME
            } else {
                TkhdBox::DEFAULT_AUDIO_VOLUME
            },
            matrix: picture.matrix,
            width: picture.width,
            height: picture.height,
        },
        // One edit: what to skip at the start (B-frame delay, AAC priming) and how
        // long to show, as the clips' own edit lists said.
        edts_box: Some(EdtsBox {
            elst_box: Some(ElstBox {
                entries: vec![ElstEntry {
                    edit_duration: shown,
                    media_time: track.edit_start,
                    media_rate: FixedPointNumber::new(1, 0),
                }],
            }),
            unknown_boxes: vec![],
        }),
        mdia_box: MdiaBox {
            mdhd_box: MdhdBox {
                creation_time: now,
                modification_time: now,
                timescale: non_zero(track.timescale),
                duration: track.samples.iter().map(|s| u64::from(s.duration)).sum(),
                language: MdhdBox::LANGUAGE_UNDEFINED,
            },
            hdlr_box: HdlrBox {
                handler_type: if video {
                    HdlrBox::HANDLER_TYPE_VIDE
                } else {
                    HdlrBox::HANDLER_TYPE_SOUN
                },
                name: if video {
                    b"VideoHandler\0".to_vec()
                } else {
                    b"SoundHandler\0".to_vec()
                },
            },
            minf_box: MinfBox {
                smhd_or_vmhd_box: Some(if video {
                    Either::B(VmhdBox::default())
                } else {
                    Either::A(SmhdBox::default())
                }),
                dinf_box: DinfBox::LOCAL_FILE,
                stbl_box: stbl(film, kind, track, offsets, large),
                unknown_boxes: vec![],
            },
            unknown_boxes: vec![],
        },
        unknown_boxes: vec![],
    }
}

fn stbl(film: &Film, kind: Kind, track: &FilmTrack, offsets: &[u64], large: bool) -> StblBox {
    let (mut chunk_offsets, mut stsc) = (vec![], Vec::<StscEntry>::new());
    let ours = film
        .chunks
        .iter()
        .zip(offsets)
        .filter(|(c, _)| c.kind == kind);
    for (n, (chunk, &offset)) in ours.enumerate() {
        chunk_offsets.push(offset);
        let count = chunk.count as u32;
        if stsc.last().is_none_or(|e| e.sample_per_chunk != count) {
            stsc.push(StscEntry {
                first_chunk: non_zero(n as u32 + 1),
                sample_per_chunk: count,
                sample_description_index: NonZeroU32::MIN,
            });
        }
    }
    let samples = &track.samples;
    let all_sync = samples.iter().all(|s| s.sync);
    StblBox {
        stsd_box: StsdBox {
            entries: vec![track.entry.clone()],
        },
        stts_box: SttsBox::from_sample_deltas(samples.iter().map(|s| s.duration)),
        ctts_box: ctts(track),
        cslg_box: None,
        stsc_box: StscBox { entries: stsc },
        stsz_box: StszBox::Variable {
            entry_sizes: samples.iter().map(|s| s.size).collect(),
        },
        stco_or_co64_box: if large {
            Either::B(Co64Box { chunk_offsets })
        } else {
            Either::A(StcoBox {
                chunk_offsets: chunk_offsets.iter().map(|&o| o as u32).collect(),
            })
        },
        stss_box: (!all_sync).then(|| StssBox {
            sample_numbers: samples
                .iter()
                .enumerate()
                .filter(|(_, s)| s.sync)
                .map(|(i, _)| non_zero(i as u32 + 1))
                .collect(),
        }),
        sdtp_box: None,
        unknown_boxes: vec![],
    }
}

/// Composition offsets, when any picture is shown later than it is decoded. They are
/// never negative (see `film.rs`), so version 0, which every player reads.
fn ctts(track: &FilmTrack) -> Option<CttsBox> {
    if track.samples.iter().all(|s| s.cto == 0) {
        return None;
    }
    let mut entries: Vec<CttsEntry> = vec![];
    for s in &track.samples {
        match entries.last_mut() {
            Some(last) if last.sample_offset == s.cto => last.sample_count += 1,
            _ => entries.push(CttsEntry {
                sample_count: 1,
                sample_offset: s.cto,
            }),
        }
    }
    let version = u8::from(entries.iter().any(|e| e.sample_offset < 0));
    Some(CttsBox { version, entries })
}

fn to_movie(units: u64, from: u32, movie_scale: u32) -> u64 {
    let from = u128::from(from.max(1));
    ((u128::from(units) * u128::from(movie_scale) + from / 2) / from) as u64
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// The samples' bytes, chunk by chunk in file order. Runs of samples that follow one
/// another in their clip (most of a chunk) are copied in one go.
fn copy_samples(
    film: &Film,
    clips: &[Clip],
    out: &mut impl Write,
    failed: &dyn Fn(io::Error) -> Error,
) -> Result<()> {
    let mut files: Vec<Option<File>> = clips.iter().map(|_| None).collect();
    for chunk in &film.chunks {
        let track = match chunk.kind {
            Kind::Video => &film.video,
            Kind::Audio => film.audio.as_ref().expect("sound chunks have a track"),
        };
        let mut pending: Option<(usize, u64, u64)> = None; // clip, offset, length
        for s in &track.samples[chunk.first..chunk.first + chunk.count] {
            match &mut pending {
                Some((clip, offset, len)) if *clip == s.clip && *offset + *len == s.offset => {
                    *len += u64::from(s.size);
                }
                _ => {
                    if let Some(span) = pending.take() {
                        copy_span(span, clips, &mut files, out, failed)?;
                    }
                    pending = Some((s.clip, s.offset, u64::from(s.size)));
                }
            }
        }
        if let Some(span) = pending {
            copy_span(span, clips, &mut files, out, failed)?;
        }
    }
    Ok(())
}

fn copy_span(
    (clip, offset, len): (usize, u64, u64),
    clips: &[Clip],
    files: &mut [Option<File>],
    out: &mut impl Write,
    failed: &dyn Fn(io::Error) -> Error,
) -> Result<()> {
    let name = &clips[clip].name;
    let unreadable = |e| crate::paths::io_error(about(texts::COULD_NOT_READ, name), e);
    let file = match &mut files[clip] {
        Some(file) => file,
        empty => empty.insert(
            File::open(&clips[clip].path)
                .map_err(|e| crate::paths::io_error(about(texts::COULD_NOT_OPEN, name), e))?,
        ),
    };
    file.seek(SeekFrom::Start(offset)).map_err(unreadable)?;
    let mut reader = file.take(len);
    // Read and write failures are told apart: one is the clip's, one the film's.
    let mut buf = [0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = reader.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            // The clip got shorter since its index was read.
            return Err(super::super::track::damaged(name, "it is cut short"));
        }
        out.write_all(&buf[..n]).map_err(failed)?;
        left -= n as u64;
    }
    Ok(())
}
