//! Decoding with as few pixels as the output needs. JPEG is decoded at 1/8, 1/4
//! or 1/2 scale in the DCT domain (shrink-on-load), so a 24 MP photo bound for a
//! 512 px thumbnail never exists at full size in memory; at 1/8 a plain baseline
//! JPEG is read from its DC coefficients alone (`jpeg_eighth`). PNG and WebP have no
//! such trick and are decoded whole, under `image`'s allocation limits.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use image::{DynamicImage, GrayImage, ImageReader, Limits, RgbImage};

use super::jpeg_eighth;
use super::probe::{
    corrupt, display_name, io_error, jpeg_error, map_image_error, survive_decoder_panic, Probe,
};
use super::{texts, Format, MAX_PIXELS};
use crate::error::Result;

/// Ceiling on what one decode may allocate: MAX_PIXELS of 16-bit RGBA plus slack.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 8 + 64 * 1024 * 1024;

/// Pixels in the file's stored orientation, 8-bit RGB or RGBA.
pub(crate) struct Decoded {
    pub image: DynamicImage,
    /// Decoded pixels per stored pixel along x and y (1.0 unless shrunk on load).
    pub scale: (f64, f64),
}

/// Decodes `path` with at least `min_scale` decoded pixels per stored pixel.
pub(crate) fn decode(path: &Path, probe: &Probe, min_scale: f64) -> Result<Decoded> {
    let name = display_name(path);
    let image = match probe.format {
        Format::Jpeg => match survive_decoder_panic(&name, Format::Jpeg, || {
            decode_jpeg_shrunk(path, probe, min_scale, &name)
        })? {
            Some(image) => image,
            None => decode_whole(path, probe.format, &name)?,
        },
        Format::Png | Format::WebP => decode_whole(path, probe.format, &name)?,
    };
    let (w, h) = probe.stored;
    let scale = (
        f64::from(image.width()) / f64::from(w),
        f64::from(image.height()) / f64::from(h),
    );
    Ok(Decoded {
        image: to_8bit_rgb_or_rgba(image),
        scale,
    })
}

/// The smallest DCT scale, in eighths, that keeps at least `min_scale`.
fn dct_eighths(min_scale: f64) -> u32 {
    [1, 2, 4]
        .into_iter()
        .find(|&e| f64::from(e) / 8.0 >= min_scale)
        .unwrap_or(8)
}

/// `None` when the JPEG is of a kind jpeg-decoder hands back raw (CMYK, 16-bit):
/// `image`'s decoder converts those properly, at full size.
fn decode_jpeg_shrunk(
    path: &Path,
    probe: &Probe,
    min_scale: f64,
    name: &str,
) -> Result<Option<DynamicImage>> {
    // jpeg-decoder pulls bytes one at a time; from a slice that costs ~8% less
    // CPU than through a BufReader. The compressed bytes are freed on return.
    let bytes = std::fs::read(path).map_err(|e| io_error(texts::COULD_NOT_READ, name, e))?;
    let eighths = dct_eighths(min_scale);
    if eighths == 1 {
        if let Some(image) = eighth_from_dc(&bytes, probe) {
            return Ok(Some(image));
        }
    }
    let mut decoder = jpeg_decoder::Decoder::new(&bytes[..]);
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    let bad = |e| jpeg_error(name, e);
    decoder.read_info().map_err(bad)?;
    let (w, h) = probe.stored;
    if eighths < 8 {
        // `scale` picks the smallest factor reaching the request on *either* axis;
        // asking for the exact scaled width pins it to our choice.
        let want_w = (w * eighths).div_ceil(8);
        let (got_w, got_h) = decoder.scale(want_w as u16, u16::MAX).map_err(bad)?;
        let need = |len: u32| (f64::from(len) * min_scale).ceil() as u32;
        if u32::from(got_w) < need(w) || u32::from(got_h) < need(h) {
            decoder.scale(w as u16, h as u16).map_err(bad)?;
        }
    }
    let pixels = decoder.decode().map_err(bad)?;
    let info = decoder
        .info()
        .ok_or_else(|| corrupt(name, Format::Jpeg, "no frame header"))?;
    let (dw, dh) = (u32::from(info.width), u32::from(info.height));
    let short = || corrupt(name, Format::Jpeg, "fewer pixels than its header says");
    let channels = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::L8 => 1,
        _ => return Ok(None),
    };
    from_raw_8bit(dw, dh, channels, pixels)
        .map(Some)
        .ok_or_else(short)
}

/// The 1/8 picture straight from the DC coefficients, when the file is plain
/// enough for that fast path (most camera JPEGs are).
fn eighth_from_dc(bytes: &[u8], probe: &Probe) -> Option<DynamicImage> {
    let eighth = jpeg_eighth::decode_eighth(bytes)?;
    let (w, h) = probe.stored;
    if (eighth.width, eighth.height) != (w.div_ceil(8), h.div_ceil(8)) {
        return None;
    }
    from_raw_8bit(eighth.width, eighth.height, eighth.channels, eighth.pixels)
}

/// Decoded 8-bit pixels as an image: 3 channels are RGB, 1 is grey. `None` when
/// there are fewer pixels than the size needs.
fn from_raw_8bit(width: u32, height: u32, channels: u8, pixels: Vec<u8>) -> Option<DynamicImage> {
    match channels {
        3 => RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8),
        1 => GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8),
        _ => None,
    }
}

fn decode_whole(path: &Path, format: Format, name: &str) -> Result<DynamicImage> {
    let file = File::open(path).map_err(|e| io_error(texts::COULD_NOT_OPEN, name, e))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), format.as_image_format());
    reader.limits(decode_limits());
    reader
        .decode()
        .map_err(|e| map_image_error(name, format, e))
}

/// Belt and braces behind the probe: even a file that changed after probing
/// cannot make the decoder allocate beyond this.
fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(65_535);
    limits.max_image_height = Some(65_535);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Everything downstream works on 8-bit RGB or RGBA. Consumes the input so
/// the original buffer is freed as soon as the converted one exists.
fn to_8bit_rgb_or_rgba(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dct_scale_is_the_smallest_that_keeps_enough_pixels() {
        assert_eq!(dct_eighths(512.0 / 6000.0), 1);
        assert_eq!(dct_eighths(0.2), 2);
        assert_eq!(dct_eighths(0.25), 2);
        assert_eq!(dct_eighths(0.26), 4);
        assert_eq!(dct_eighths(0.9), 8);
        assert_eq!(dct_eighths(1.5), 8);
    }
}
