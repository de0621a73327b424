//! Turns a geometry plan into upright pixels: decode only what the plan needs,
//! crop and resample in the file's stored orientation, free the decode, then
//! orient and (for padding) place the small result on its canvas.

use std::path::Path;

use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

use super::decode::{decode, Decoded};
use super::encode::has_transparency;
use super::geometry::{Plan, RectF};
use super::orient::{swaps_axes, to_stored_rect};
use super::probe::Probe;
use super::resize::resize_region;
use crate::error::Result;

/// Bars around a padded picture: black reads as letterboxing in a video frame.
const PAD_COLOUR: Rgb<u8> = Rgb([0, 0, 0]);

pub(crate) fn render(path: &Path, probe: &Probe, plan: &Plan) -> Result<DynamicImage> {
    let decoded = decode(path, probe, needed_scale(probe, plan))?;
    let small = shrink(&decoded, probe, plan)?;
    // The full-size decode is the big allocation; free it before anything else is made.
    drop(decoded);
    Ok(finish(small, probe, plan))
}

/// Like [`render`], from a picture decoded earlier with at least [`needed_scale`].
pub(crate) fn render_decoded(
    decoded: &Decoded,
    probe: &Probe,
    plan: &Plan,
) -> Result<DynamicImage> {
    Ok(finish(shrink(decoded, probe, plan)?, probe, plan))
}

/// Decoded pixels per stored pixel the plan needs: the decode may be that much smaller.
pub(crate) fn needed_scale(probe: &Probe, plan: &Plan) -> f64 {
    let crop = to_stored_rect(RectF::from(plan.crop), probe.stored, probe.orientation);
    let (w, h) = stored_out(probe, plan);
    (f64::from(w) / crop.w).max(f64::from(h) / crop.h)
}

/// The placed picture's size in the file's stored orientation.
fn stored_out(probe: &Probe, plan: &Plan) -> (u32, u32) {
    if swaps_axes(probe.orientation) {
        (plan.placed.height, plan.placed.width)
    } else {
        (plan.placed.width, plan.placed.height)
    }
}

/// The crop, resampled to its place on the canvas, still in stored orientation.
fn shrink(decoded: &Decoded, probe: &Probe, plan: &Plan) -> Result<DynamicImage> {
    let crop = to_stored_rect(RectF::from(plan.crop), probe.stored, probe.orientation);
    let (sx, sy) = decoded.scale;
    let region = clamp_to(
        RectF {
            x: crop.x * sx,
            y: crop.y * sy,
            w: crop.w * sx,
            h: crop.h * sy,
        },
        &decoded.image,
    );
    resize_region(&decoded.image, region, stored_out(probe, plan))
}

/// Upright, and on its canvas when padded.
fn finish(mut small: DynamicImage, probe: &Probe, plan: &Plan) -> DynamicImage {
    small.apply_orientation(probe.orientation);
    if plan.is_padded() {
        pad(small, plan)
    } else {
        small
    }
}

/// Float rounding in the scale factors must not push the region past the edge.
fn clamp_to(r: RectF, image: &DynamicImage) -> RectF {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let x = r.x.clamp(0.0, w - 1.0);
    let y = r.y.clamp(0.0, h - 1.0);
    RectF {
        x,
        y,
        w: r.w.min(w - x).max(1.0),
        h: r.h.min(h - y).max(1.0),
    }
}

/// Places the picture on a canvas of the plan's size: transparent bars when the
/// picture has transparency (it goes out as PNG anyway), black bars otherwise.
fn pad(picture: DynamicImage, plan: &Plan) -> DynamicImage {
    let (cw, ch) = plan.canvas;
    let (x, y) = (i64::from(plan.placed.x), i64::from(plan.placed.y));
    if has_transparency(&picture) {
        let mut canvas = RgbaImage::from_pixel(cw, ch, Rgba([0, 0, 0, 0]));
        image::imageops::replace(&mut canvas, &picture.into_rgba8(), x, y);
        DynamicImage::ImageRgba8(canvas)
    } else {
        let mut canvas = RgbImage::from_pixel(cw, ch, PAD_COLOUR);
        image::imageops::replace(&mut canvas, &picture.into_rgb8(), x, y);
        DynamicImage::ImageRgb8(canvas)
    }
}
