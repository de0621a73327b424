//! Decoding with as few pixels as the output needs. JPEG is decoded by libjpeg-turbo
//! at 1/8, 1/4 or 1/2 scale in the DCT domain (shrink-on-load), so a 24 MP photo
//! bound for a 512 px thumbnail never exists at full size in memory. PNG and WebP
//! have no such trick and are decoded whole, under `image`'s allocation limits.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use image::{DynamicImage, GrayImage, ImageReader, Limits, RgbImage};
use turbojpeg::{Colorspace, Decompressor, PixelFormat, ScalingFactor};

use super::probe::{
    corrupt, display_name, io_error, map_image_error, survive_decoder_panic, Probe,
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

/// Progressive JPEGs past this many scans are refused: real ones have about ten, and
/// each scan makes the decoder pass over the whole picture again.
const MAX_SCANS: u32 = 100;

/// `None` when the JPEG is of a kind decoded better at full size by `image` (CMYK,
/// lossless) or no longer the picture that was probed.
fn decode_jpeg_shrunk(
    path: &Path,
    probe: &Probe,
    min_scale: f64,
    name: &str,
) -> Result<Option<DynamicImage>> {
    // The compressed bytes are freed on return.
    let bytes = std::fs::read(path).map_err(|e| io_error(texts::COULD_NOT_READ, name, e))?;
    let bad = |e: turbojpeg::Error| corrupt(name, Format::Jpeg, &e.to_string());
    let mut decompressor = Decompressor::new().map_err(bad)?;
    let header = decompressor.read_header(&bytes).map_err(bad)?;
    let (w, h) = probe.stored;
    if (header.width, header.height) != (w as usize, h as usize) || header.is_lossless {
        return Ok(None);
    }
    let (format, channels) = match header.colorspace {
        Colorspace::YCbCr | Colorspace::RGB => (PixelFormat::RGB, 3),
        Colorspace::Gray => (PixelFormat::GRAY, 1),
        Colorspace::CMYK | Colorspace::YCCK => return Ok(None),
    };
    // ceil(len × e/8) ≥ ceil(len × min_scale) on both axes, as e/8 ≥ min_scale.
    let scaling = ScalingFactor::new(dct_eighths(min_scale) as usize, 8);
    decompressor.set_scaling_factor(scaling).map_err(bad)?;
    decompressor.set_scan_limit(MAX_SCANS).map_err(bad)?;
    let scaled = header.scaled(scaling);
    let mut pixels = vec![0; scaled.width * scaled.height * channels];
    let image = turbojpeg::Image {
        pixels: &mut pixels[..],
        width: scaled.width,
        pitch: scaled.width * channels,
        height: scaled.height,
        format,
    };
    // Warnings count as errors: a stream that ends early is damage, not a picture
    // padded with grey.
    decompressor.decompress(&bytes, image).map_err(bad)?;
    let short = || corrupt(name, Format::Jpeg, "fewer pixels than its header says");
    from_raw_8bit(
        scaled.width as u32,
        scaled.height as u32,
        channels as u8,
        pixels,
    )
    .map(Some)
    .ok_or_else(short)
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
    use crate::images::probe;
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    #[test]
    fn dct_scale_is_the_smallest_that_keeps_enough_pixels() {
        assert_eq!(dct_eighths(512.0 / 6000.0), 1);
        assert_eq!(dct_eighths(0.2), 2);
        assert_eq!(dct_eighths(0.25), 2);
        assert_eq!(dct_eighths(0.26), 4);
        assert_eq!(dct_eighths(0.9), 8);
        assert_eq!(dct_eighths(1.5), 8);
    }

    /// Gradients, a slow wave and pixel noise: the noise fills the AC coefficients,
    /// and averages out at 1/8, where any two decoders' chroma stretching agree.
    fn photo(w: u32, h: u32) -> Vec<u8> {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut px = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let noise = (seed % 41) as i32 - 20;
                let wave = ((x as f32 / 60.0).sin() * (y as f32 / 45.0).cos() * 50.0) as i32;
                px.push((x * 255 / w) as i32 + wave + noise);
                px.push((y * 255 / h) as i32 - wave + noise);
                px.push(((x + y) * 255 / (w + h)) as i32 + noise);
            }
        }
        px.into_iter().map(|v| v.clamp(0, 255) as u8).collect()
    }

    struct Layout {
        color: ColorType,
        sampling: SamplingFactor,
        restart: Option<u16>,
        progressive: bool,
    }

    const PLAIN: Layout = Layout {
        color: ColorType::Rgb,
        sampling: SamplingFactor::F_2_2,
        restart: None,
        progressive: false,
    };

    fn jpeg(dir: &Path, (w, h): (u16, u16), layout: &Layout) -> std::path::PathBuf {
        let rgb = photo(u32::from(w), u32::from(h));
        let pixels: Vec<u8> = match layout.color {
            ColorType::Luma => rgb.chunks(3).map(|p| p[1]).collect(),
            ColorType::Cmyk => rgb.chunks(3).flat_map(|p| [p[0], p[1], p[2], 0]).collect(),
            _ => rgb,
        };
        let mut bytes = Vec::new();
        let mut encoder = Encoder::new(&mut bytes, 90);
        encoder.set_sampling_factor(layout.sampling);
        encoder.set_progressive(layout.progressive);
        if let Some(interval) = layout.restart {
            encoder.set_restart_interval(interval);
        }
        encoder.encode(&pixels, w, h, layout.color).expect("encode");
        let path = dir.join("picture.jpg");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Mean difference per sample between our 1/8 decode and jpeg-decoder's.
    fn eighth_against_jpeg_decoder(path: &Path) -> f64 {
        let decoded = decode(path, &probe(path).unwrap(), 0.125).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let mut other = jpeg_decoder::Decoder::new(&bytes[..]);
        other.read_info().unwrap();
        let (w, _) = probe(path).unwrap().stored;
        other.scale(w.div_ceil(8) as u16, u16::MAX).unwrap();
        let mut theirs = other.decode().unwrap();
        let info = other.info().unwrap();
        if info.pixel_format == jpeg_decoder::PixelFormat::L8 {
            // `decode` hands grey on as RGB.
            theirs = theirs.iter().flat_map(|&v| [v; 3]).collect();
        }
        let ours = decoded.image.as_bytes();
        assert_eq!(
            (decoded.image.width(), decoded.image.height()),
            (u32::from(info.width), u32::from(info.height))
        );
        assert_eq!(ours.len(), theirs.len());
        let sum: u64 = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        sum as f64 / theirs.len() as f64
    }

    #[test]
    fn every_common_layout_is_decoded_at_an_eighth_of_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let layouts = [
            Layout {
                sampling: SamplingFactor::F_1_1,
                ..PLAIN
            },
            Layout {
                sampling: SamplingFactor::F_2_1,
                ..PLAIN
            },
            PLAIN,
            Layout {
                sampling: SamplingFactor::F_1_2,
                ..PLAIN
            },
            Layout {
                color: ColorType::Luma,
                ..PLAIN
            },
            Layout {
                restart: Some(3),
                ..PLAIN
            },
            Layout {
                progressive: true,
                ..PLAIN
            },
        ];
        for (i, layout) in layouts.iter().enumerate() {
            // At 1×2 pixels, stretched chroma is all edge: only full chroma compares.
            let full_chroma = i == 0 || layout.color == ColorType::Luma;
            let sizes: &[(u16, u16)] = if full_chroma {
                &[(640, 480), (333, 251), (7, 9)]
            } else {
                &[(640, 480), (333, 251)]
            };
            for &size in sizes {
                let path = jpeg(dir.path(), size, layout);
                let mean = eighth_against_jpeg_decoder(&path);
                // A block out of place would be tens of shades off.
                assert!(mean < 2.5, "layout {i} at {size:?}: {mean}");
            }
        }
    }

    #[test]
    fn cmyk_is_decoded_whole_and_comes_out_rgb() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout {
            color: ColorType::Cmyk,
            ..PLAIN
        };
        let path = jpeg(dir.path(), (64, 48), &layout);
        let decoded = decode(&path, &probe(&path).unwrap(), 0.125).unwrap();
        assert_eq!((decoded.image.width(), decoded.image.height()), (64, 48));
        assert_eq!(decoded.image.color(), image::ColorType::Rgb8);
    }

    #[test]
    fn a_stream_that_ends_early_is_damage_not_a_picture_padded_with_grey() {
        let dir = tempfile::tempdir().unwrap();
        for layout in [
            PLAIN,
            Layout {
                restart: Some(2),
                ..PLAIN
            },
        ] {
            let path = jpeg(dir.path(), (640, 480), &layout);
            let probed = probe(&path).unwrap();
            let whole = std::fs::read(&path).unwrap();
            std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
            for scale in [0.125, 1.0] {
                let err = decode(&path, &probed, scale).err().expect("refused");
                assert_eq!(err.code(), "corrupt_image", "{err}");
            }
        }
    }
}
