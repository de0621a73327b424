//! Crop and resample in one SIMD pass (`fast_image_resize`), never enlarging
//! the source first.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

use super::geometry::RectF;
use crate::error::{Error, Result};

/// Resamples `region` of `src` (in `src` pixels) to exactly `size`.
pub(crate) fn resize_region(
    src: &DynamicImage,
    region: RectF,
    size: (u32, u32),
) -> Result<DynamicImage> {
    let mut dst = DynamicImage::new(size.0, size.1, src.color());
    let options = ResizeOptions::new()
        .crop(region.x, region.y, region.w, region.h)
        .resize_alg(algorithm(region, size));
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| Error::internal(format!("resize: {e}")))?;
    Ok(dst)
}

/// Lanczos3 for quality; beyond 3× reduction a supersampled Lanczos3 keeps the
/// kernel short (speed) while still averaging every source pixel (no aliasing).
fn algorithm(region: RectF, size: (u32, u32)) -> ResizeAlg {
    let reduction = (region.w / f64::from(size.0)).max(region.h / f64::from(size.1));
    if reduction > 3.0 {
        ResizeAlg::SuperSampling(FilterType::Lanczos3, 2)
    } else {
        ResizeAlg::Convolution(FilterType::Lanczos3)
    }
}
