//! EXIF orientation as geometry. We resize in the file's stored orientation
//! (so only the small result is rotated, never the full-size decode) and must
//! therefore map rectangles chosen on the upright picture back into stored
//! coordinates.

use image::metadata::Orientation;

use super::geometry::RectF;

/// Whether the orientation turns the picture on its side (width ↔ height).
pub(crate) fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Size as the user sees it, given the size stored in the file.
pub(crate) fn upright_size((w, h): (u32, u32), o: Orientation) -> (u32, u32) {
    if swaps_axes(o) {
        (h, w)
    } else {
        (w, h)
    }
}

/// Maps a point of the upright picture to the stored picture (sizes in the
/// stored orientation). Inverse of `DynamicImage::apply_orientation`.
fn to_stored_point((u, v): (f64, f64), (w, h): (f64, f64), o: Orientation) -> (f64, f64) {
    match o {
        Orientation::NoTransforms => (u, v),
        Orientation::FlipHorizontal => (w - u, v),
        Orientation::Rotate180 => (w - u, h - v),
        Orientation::FlipVertical => (u, h - v),
        Orientation::Rotate90 => (v, h - u),
        Orientation::Rotate270 => (w - v, u),
        Orientation::Rotate90FlipH => (v, u),
        Orientation::Rotate270FlipH => (w - v, h - u),
    }
}

/// Maps a rectangle of the upright picture to the stored picture.
pub(crate) fn to_stored_rect(r: RectF, stored: (u32, u32), o: Orientation) -> RectF {
    let size = (f64::from(stored.0), f64::from(stored.1));
    let (x0, y0) = to_stored_point((r.x, r.y), size, o);
    let (x1, y1) = to_stored_point((r.x + r.w, r.y + r.h), size, o);
    RectF {
        x: x0.min(x1),
        y: y0.min(y1),
        w: (x1 - x0).abs(),
        h: (y1 - y0).abs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GenericImageView, Rgb, RgbImage};

    const ALL: [Orientation; 8] = [
        Orientation::NoTransforms,
        Orientation::Rotate90,
        Orientation::Rotate180,
        Orientation::Rotate270,
        Orientation::FlipHorizontal,
        Orientation::FlipVertical,
        Orientation::Rotate90FlipH,
        Orientation::Rotate270FlipH,
    ];

    /// Every upright pixel, mapped back, must land on the stored pixel that
    /// `apply_orientation` moved there.
    #[test]
    fn point_mapping_is_the_inverse_of_apply_orientation() {
        let (w, h) = (4u32, 3u32);
        let stored = RgbImage::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 7]));
        for o in ALL {
            let mut upright = DynamicImage::ImageRgb8(stored.clone());
            upright.apply_orientation(o);
            assert_eq!(upright.dimensions(), upright_size((w, h), o), "{o:?}");
            for (u, v, px) in upright.to_rgb8().enumerate_pixels() {
                let r = RectF {
                    x: f64::from(u),
                    y: f64::from(v),
                    w: 1.0,
                    h: 1.0,
                };
                let s = to_stored_rect(r, (w, h), o);
                let (sx, sy) = (s.x as u32, s.y as u32);
                assert_eq!((s.w, s.h), (1.0, 1.0), "{o:?}");
                assert_eq!(*px, *stored.get_pixel(sx, sy), "{o:?} at upright ({u},{v})");
            }
        }
    }
}
