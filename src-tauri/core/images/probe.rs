//! Probe first, decode later: identify a file from its bytes and read its size
//! and orientation from the header only, refusing anything we cannot or should
//! not decode with a message that says what to do instead.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageReader};
use serde::Serialize;

use super::texts;
use super::{orient, MAX_FILE_BYTES, MAX_PIXELS};
use crate::error::{Error, Result};
use crate::problem::{Problem, Text};

/// The formats the gateway accepts for `input_reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }

    pub(crate) fn as_image_format(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::WebP => image::ImageFormat::WebP,
        }
    }
}

/// What the header says about a picture. `width`/`height` are as the user sees
/// it, i.e. after the EXIF orientation is applied.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Probe {
    pub format: Format,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub file_bytes: u64,
    /// Size as stored in the file, before orientation.
    #[serde(skip)]
    pub(crate) stored: (u32, u32),
    #[serde(skip)]
    pub(crate) orientation: Orientation,
}

/// Reads only the header of `path`; refuses with `not_an_image`,
/// `unsupported_image`, `image_too_large` or `corrupt_image`.
pub fn probe(path: &Path) -> Result<Probe> {
    let name = display_name(path);
    let mut file = File::open(path).map_err(|e| io_error(texts::COULD_NOT_OPEN, &name, e))?;
    let file_bytes = file
        .metadata()
        .map_err(|e| io_error(texts::COULD_NOT_READ, &name, e))?
        .len();
    // Checked before reading anything, so a huge file costs nothing.
    if file_bytes > MAX_FILE_BYTES {
        return Err(Error::ImageTooLarge(
            about(texts::FILE_TOO_LARGE, &name)
                .with("megabytes", file_bytes / (1024 * 1024))
                .with("limit", MAX_FILE_BYTES / (1024 * 1024)),
        ));
    }
    let format = sniff_file(&mut file, &name)?;
    let header = read_header(file, format, &name)?;
    check_pixels(header.stored, &name)?;
    Ok(Probe {
        format,
        mime: format.mime(),
        width: orient::upright_size(header.stored, header.orientation).0,
        height: orient::upright_size(header.stored, header.orientation).1,
        file_bytes,
        stored: header.stored,
        orientation: header.orientation,
    })
}

/// The file name for messages; the full path would be noise (and private).
pub(crate) fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `text` about the file called `name`.
pub(crate) fn about(text: Text, name: &str) -> Problem {
    Problem::new(text).with("name", name)
}

/// The file `name` could not be opened or read (`text` says which).
pub(crate) fn io_error(text: Text, name: &str, e: std::io::Error) -> Error {
    crate::paths::io_error(about(text, name), e)
}

fn sniff_file(file: &mut File, name: &str) -> Result<Format> {
    let mut head = [0u8; 64];
    let unread = |e| io_error(texts::COULD_NOT_READ, name, e);
    let n = read_up_to(file, &mut head).map_err(unread)?;
    file.seek(SeekFrom::Start(0)).map_err(unread)?;
    match sniff(&head[..n]) {
        Sniffed::Accepted(format) => Ok(format),
        Sniffed::Unsupported { what, how } => Err(Error::UnsupportedImage(
            about(texts::UNSUPPORTED, name)
                .with_text("what", what)
                .with_text("how", how),
        )),
        Sniffed::NotAnImage { what } => Err(Error::NotAnImage(
            about(texts::NOT_AN_IMAGE, name).with_text("what", what),
        )),
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[derive(Debug, PartialEq)]
pub(crate) enum Sniffed {
    Accepted(Format),
    /// What it is and how to convert it, as texts.
    Unsupported {
        what: Text,
        how: Text,
    },
    NotAnImage {
        what: Text,
    },
}

/// Identifies a file from its first bytes (magic numbers), never from its name.
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    use Sniffed::*;
    if head.is_empty() {
        return NotAnImage {
            what: texts::KIND_EMPTY,
        };
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Accepted(Format::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Accepted(Format::Png);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Accepted(Format::WebP);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return sniff_iso_media(head);
    }
    if head.starts_with(b"GIF8") {
        return Unsupported {
            what: texts::KIND_GIF,
            how: texts::HOW_GIF,
        };
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Unsupported {
            what: texts::KIND_TIFF,
            how: texts::HOW_CONVERT,
        };
    }
    if head.starts_with(b"BM") {
        return Unsupported {
            what: texts::KIND_BMP,
            how: texts::HOW_CONVERT,
        };
    }
    if head.starts_with(&[0xFF, 0x0A]) || head.starts_with(b"\0\0\0\x0cJXL ") {
        return Unsupported {
            what: texts::KIND_JPEG_XL,
            how: texts::HOW_CONVERT,
        };
    }
    if head.starts_with(b"%PDF") {
        return NotAnImage {
            what: texts::KIND_PDF,
        };
    }
    if head.starts_with(b"PK\x03\x04") {
        return NotAnImage {
            what: texts::KIND_ZIP,
        };
    }
    if looks_like_text(head) {
        return NotAnImage {
            what: texts::KIND_TEXT,
        };
    }
    NotAnImage {
        what: texts::KIND_UNKNOWN,
    }
}

/// HEIC, AVIF and MP4/MOV all start with an ISO `ftyp` box; its brands tell them apart.
fn sniff_iso_media(head: &[u8]) -> Sniffed {
    let box_len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let brands: Vec<&[u8]> = head[8..box_len.clamp(12, head.len())]
        .chunks_exact(4)
        .enumerate()
        .filter(|(i, _)| *i != 1) // the minor version is not a brand
        .map(|(_, b)| b)
        .collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[b"avif", b"avis"]) {
        Sniffed::Unsupported {
            what: texts::KIND_AVIF,
            how: texts::HOW_AVIF,
        }
    } else if has(&[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
    ]) {
        Sniffed::Unsupported {
            what: texts::KIND_HEIC,
            how: texts::HOW_HEIC,
        }
    } else {
        Sniffed::NotAnImage {
            what: texts::KIND_VIDEO,
        }
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    std::str::from_utf8(head).is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
        || head
            .iter()
            .all(|&b| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b))
}

struct Header {
    stored: (u32, u32),
    orientation: Orientation,
}

fn read_header(file: File, format: Format, name: &str) -> Result<Header> {
    match format {
        // jpeg-decoder stops at the first scan: no pixel data is read or allocated.
        Format::Jpeg => survive_decoder_panic(name, format, || {
            let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(file));
            decoder.read_info().map_err(|e| jpeg_error(name, e))?;
            let info = decoder
                .info()
                .ok_or_else(|| corrupt(name, format, "no frame header"))?;
            let orientation = decoder
                .exif_data()
                .and_then(Orientation::from_exif_chunk)
                .unwrap_or(Orientation::NoTransforms);
            Ok(Header {
                stored: (u32::from(info.width), u32::from(info.height)),
                orientation,
            })
        }),
        // The PNG and WebP decoders parse chunk headers on construction and stop
        // before pixel data. No dimension limit here: we want to say "too many
        // pixels" ourselves rather than pass on a generic limit error.
        Format::Png | Format::WebP => {
            let reader = ImageReader::with_format(BufReader::new(file), format.as_image_format());
            let mut decoder = reader
                .into_decoder()
                .map_err(|e| map_image_error(name, format, e))?;
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            Ok(Header {
                stored: decoder.dimensions(),
                orientation,
            })
        }
    }
}

fn check_pixels((w, h): (u32, u32), name: &str) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::CorruptImage(
            about(texts::NO_PIXELS, name)
                .with("width", w)
                .with("height", h),
        ));
    }
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS {
        return Err(Error::ImageTooLarge(
            about(texts::TOO_MANY_PIXELS, name)
                .with("width", w)
                .with("height", h)
                .with("megapixels", pixels / 1_000_000)
                .with("limit", MAX_PIXELS / 1_000_000),
        ));
    }
    Ok(())
}

pub(crate) fn corrupt(name: &str, format: Format, detail: &str) -> Error {
    let kind = match format {
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::WebP => "WebP",
    };
    Error::CorruptImage(
        about(texts::DAMAGED, name)
            .with("format", kind)
            .with("detail", detail),
    )
}

/// jpeg-decoder still has `panic!` arms and slice indexing on its decode paths;
/// whatever a hostile file triggers there must become an error, not a crash.
pub(crate) fn survive_decoder_panic<T>(
    name: &str,
    format: Format,
    work: impl FnOnce() -> Result<T>,
) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(corrupt(name, format, "malformed header")))
}

/// Unsupported JPEG variants (12-bit, arithmetic coding, odd component counts)
/// are not damage: say so, and how to get a standard JPEG.
pub(crate) fn jpeg_error(name: &str, e: jpeg_decoder::Error) -> Error {
    match e {
        jpeg_decoder::Error::Unsupported(feature) => Error::UnsupportedImage(
            about(texts::JPEG_VARIANT, name)
                .with("feature", format!("{feature:?}"))
                .with_text("how", texts::HOW_CONVERT),
        ),
        other => corrupt(name, Format::Jpeg, &other.to_string()),
    }
}

/// Maps the `image` crate's errors onto ours, keeping its detail for support.
pub(crate) fn map_image_error(name: &str, format: Format, e: image::ImageError) -> Error {
    use image::ImageError as E;
    match e {
        E::Limits(_) => Error::ImageTooLarge(about(texts::NEEDS_TOO_MUCH_MEMORY, name)),
        E::Unsupported(u) => Error::UnsupportedImage(
            about(texts::FORMAT_VARIANT, name)
                .with("detail", u)
                .with_text("how", texts::HOW_CONVERT),
        ),
        E::IoError(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
            io_error(texts::COULD_NOT_READ, name, io)
        }
        other => corrupt(name, format, &other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_accepted_formats_are_recognised_by_their_bytes() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Sniffed::Accepted(Format::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Sniffed::Accepted(Format::Png)
        );
        assert_eq!(
            sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Sniffed::Accepted(Format::WebP)
        );
    }

    #[test]
    fn heic_and_avif_are_told_apart_from_video() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        let mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
        assert!(
            matches!(sniff(heic), Sniffed::Unsupported { what, how } if what == texts::KIND_HEIC && how == texts::HOW_HEIC)
        );
        assert!(
            matches!(sniff(avif), Sniffed::Unsupported { what, .. } if what == texts::KIND_AVIF)
        );
        assert_eq!(
            sniff(mp4),
            Sniffed::NotAnImage {
                what: texts::KIND_VIDEO
            }
        );
    }

    #[test]
    fn text_and_empty_files_are_not_images() {
        assert_eq!(
            sniff(b"hello, this is a note\n"),
            Sniffed::NotAnImage {
                what: texts::KIND_TEXT
            }
        );
        assert_eq!(
            sniff(b""),
            Sniffed::NotAnImage {
                what: texts::KIND_EMPTY
            }
        );
        assert_eq!(
            sniff(b"%PDF-1.7"),
            Sniffed::NotAnImage {
                what: texts::KIND_PDF
            }
        );
    }

    #[test]
    fn a_refused_photo_is_told_in_chinese_with_no_english_of_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("IMG_1.HEIC");
        let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        heic.extend_from_slice(&[0u8; 64]);
        std::fs::write(&path, heic).unwrap();
        let problem = probe(&path).unwrap_err().problem();
        assert_eq!(
            problem.english(),
            "“IMG_1.HEIC” is a HEIC/HEIF photo (the iPhone's default format), which the video \
             service does not accept. Export it as JPEG from Photos (File › Export, or share it \
             as “Most Compatible”), then choose the JPEG."
        );
        let zh = crate::i18n::word(&problem, "zh-CN");
        assert!(zh.contains("“IMG_1.HEIC”") && zh.contains("照片"), "{zh}");
        let english_words = ["photo", "Export", "accept", "choose"];
        assert!(english_words.iter().all(|w| !zh.contains(w)), "{zh}");
    }

    #[test]
    fn pixel_limit_counts_megapixels() {
        assert!(check_pixels((10_000, 10_000), "a.png").is_ok());
        let err = check_pixels((100_000, 100_000), "a.png").unwrap_err();
        assert_eq!(err.code(), "image_too_large");
        assert!(err.to_string().contains("100000 × 100000"));
        assert_eq!(
            check_pixels((0, 5), "a.png").unwrap_err().code(),
            "corrupt_image"
        );
    }
}
