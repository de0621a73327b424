//! Re-encoding from bare pixels. This is also what strips metadata: the
//! encoders below write pixels only (JFIF header for JPEG, IHDR/IDAT for PNG),
//! so no EXIF, GPS, maker notes, XMP or ICC from the original survives.

use base64::Engine;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageEncoder};

use crate::error::{Error, Result};

pub(crate) struct Encoded {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub extension: &'static str,
}

/// Whether any pixel is not fully opaque (an alpha channel alone is not enough:
/// many PNGs carry one that is 255 everywhere).
pub(crate) fn has_transparency(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(buf) => buf.pixels().any(|p| p.0[3] < 255),
        other => other.color().has_alpha() && other.to_rgba8().pixels().any(|p| p.0[3] < 255),
    }
}

/// PNG when transparency must survive, JPEG at `quality` otherwise.
pub(crate) fn encode(image: &DynamicImage, quality: u8) -> Result<Encoded> {
    if has_transparency(image) {
        encode_png(image)
    } else {
        encode_jpeg(image, quality)
    }
}

pub(crate) fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Encoded> {
    let mut bytes = Vec::with_capacity((image.width() * image.height()) as usize / 4);
    let mut encoder = JpegEncoder::new_with_quality(&mut bytes, quality);
    let result = match image {
        DynamicImage::ImageRgb8(rgb) => encoder.write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        ),
        // Opaque RGBA: drop the alpha channel (a copy, but of the small output).
        other => encoder.encode_image(&other.to_rgb8()),
    };
    result.map_err(|e| Error::internal(format!("JPEG encoding: {e}")))?;
    Ok(Encoded {
        bytes,
        mime: "image/jpeg",
        extension: "jpg",
    })
}

pub(crate) fn encode_png(image: &DynamicImage) -> Result<Encoded> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .map_err(|e| Error::internal(format!("PNG encoding: {e}")))?;
    Ok(Encoded {
        bytes,
        mime: "image/png",
        extension: "png",
    })
}

/// A `data:` URL the webview can show directly in an `<img>`.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn an_opaque_alpha_channel_is_not_transparency() {
        let opaque = RgbaImage::from_pixel(4, 4, Rgba([1, 2, 3, 255]));
        assert!(!has_transparency(&DynamicImage::ImageRgba8(opaque.clone())));
        let mut holed = opaque;
        holed.put_pixel(3, 3, Rgba([0, 0, 0, 0]));
        assert!(has_transparency(&DynamicImage::ImageRgba8(holed)));
    }

    #[test]
    fn data_url_carries_mime_and_base64() {
        assert_eq!(data_url("image/png", b"abc"), "data:image/png;base64,YWJj");
    }
}
