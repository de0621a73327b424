//! Where the pixels go: the crop rectangle, the output size and, for padding,
//! where the picture sits on the canvas. Pure arithmetic on upright sizes.

use std::str::FromStr;

use serde::Serialize;

use super::texts;
use crate::error::{Error, Result};
use crate::problem::Problem;

/// The requested video shape: `16:9`/`9:16` (a ratio), or `1280x720` (an exact size,
/// which some gateways use and some insist the image matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aspect {
    pub width: u32,
    pub height: u32,
    /// `WIDTHxHEIGHT` asks for exactly that many pixels; a ratio only for the shape.
    pub exact: bool,
}

impl FromStr for Aspect {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let (sep, exact) = if s.contains(':') {
            (':', false)
        } else {
            (if s.contains('×') { '×' } else { 'x' }, true)
        };
        let parsed = s.split_once(sep).and_then(|(w, h)| {
            Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
        });
        match parsed {
            Some((w, h)) if (1..=10_000).contains(&w) && (1..=10_000).contains(&h) => {
                let g = gcd(w, h);
                let (width, height) = if exact { (w, h) } else { (w / g, h / g) };
                Ok(Aspect {
                    width,
                    height,
                    exact,
                })
            }
            _ => Err(Error::invalid_input(
                Problem::new(texts::NOT_A_VIDEO_SIZE).with("value", s),
            )),
        }
    }
}

/// How a picture whose shape differs from the video is made to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Cut away what does not fit (the preview shows the frame; it can be moved).
    #[default]
    Crop,
    /// Keep everything, add bars (neutral black, or transparent when the picture has transparency).
    Pad,
    /// Send the picture's own shape, only scaled down.
    AsIs,
}

impl FromStr for Fit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "crop" => Ok(Fit::Crop),
            "pad" => Ok(Fit::Pad),
            "as_is" | "asis" | "none" => Ok(Fit::AsIs),
            other => Err(Error::invalid_input(
                Problem::new(texts::NOT_A_FIT).with("value", other),
            )),
        }
    }
}

/// Where the crop frame sits within the free range: 0 = left/top, 1 = right/bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Default for Focus {
    fn default() -> Self {
        Focus { x: 0.5, y: 0.5 }
    }
}

impl Focus {
    /// Out-of-range or missing values mean "centre" rather than an error: the UI
    /// sends whatever the drag produced.
    pub fn new(x: Option<f64>, y: Option<f64>) -> Self {
        let clean = |v: Option<f64>| {
            v.filter(|v| v.is_finite())
                .map_or(0.5, |v| v.clamp(0.0, 1.0))
        };
        Focus {
            x: clean(x),
            y: clean(y),
        }
    }
}

/// A rectangle in whole pixels of the upright original (what the UI draws as the crop frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CropRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// A rectangle in fractional pixels, for resampling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RectF {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl From<CropRect> for RectF {
    fn from(r: CropRect) -> Self {
        RectF {
            x: f64::from(r.x),
            y: f64::from(r.y),
            w: f64::from(r.width),
            h: f64::from(r.height),
        }
    }
}

/// The full geometry of one output picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Part of the upright original that is used.
    pub crop: CropRect,
    /// Size of the output picture.
    pub canvas: (u32, u32),
    /// Where the resized crop lands on the canvas (the whole canvas unless padding).
    pub placed: CropRect,
}

impl Plan {
    pub fn is_padded(&self) -> bool {
        (self.placed.width, self.placed.height) != self.canvas
    }
}

pub(crate) fn plan(
    src: (u32, u32),
    aspect: Aspect,
    fit: Fit,
    focus: Focus,
    long_edge: u32,
) -> Plan {
    match fit {
        Fit::Crop => {
            let crop = crop_rect(src, aspect, focus);
            let canvas = output_size(aspect, (crop.width, crop.height), long_edge);
            Plan {
                crop,
                canvas,
                placed: whole(canvas),
            }
        }
        Fit::Pad => {
            let crop = whole(src);
            let room = padded_size(src, aspect);
            let canvas = output_size(aspect, room, long_edge);
            Plan {
                crop,
                canvas,
                placed: centred(src, canvas),
            }
        }
        Fit::AsIs => plan_scaled(src, long_edge),
    }
}

/// Scales the whole picture so its long edge is at most `long_edge`, never up.
pub(crate) fn plan_scaled(src: (u32, u32), long_edge: u32) -> Plan {
    let canvas = fit_within(src, (long_edge, long_edge));
    Plan {
        crop: whole(src),
        canvas,
        placed: whole(canvas),
    }
}

fn whole((w, h): (u32, u32)) -> CropRect {
    CropRect {
        x: 0,
        y: 0,
        width: w,
        height: h,
    }
}

/// The largest rectangle of the aspect inside `src`, slid by `focus` along the free axis.
pub(crate) fn crop_rect((sw, sh): (u32, u32), aspect: Aspect, focus: Focus) -> CropRect {
    let (aw, ah) = (u64::from(aspect.width), u64::from(aspect.height));
    let (w, h) = if u64::from(sw) * ah > u64::from(sh) * aw {
        (
            div_round(u64::from(sh) * aw, ah).clamp(1, u64::from(sw)) as u32,
            sh,
        )
    } else {
        (
            sw,
            div_round(u64::from(sw) * ah, aw).clamp(1, u64::from(sh)) as u32,
        )
    };
    CropRect {
        x: (f64::from(sw - w) * focus.x).round() as u32,
        y: (f64::from(sh - h) * focus.y).round() as u32,
        width: w,
        height: h,
    }
}

/// The smallest canvas of the aspect that holds all of `src`.
fn padded_size((sw, sh): (u32, u32), aspect: Aspect) -> (u32, u32) {
    let (aw, ah) = (u64::from(aspect.width), u64::from(aspect.height));
    if u64::from(sw) * ah > u64::from(sh) * aw {
        (sw, div_ceil(u64::from(sw) * ah, aw) as u32)
    } else {
        (div_ceil(u64::from(sh) * aw, ah) as u32, sh)
    }
}

/// Output size with exactly the aspect's ratio. A ratio is scaled to a whole
/// multiple of itself (so 16:9 stays exactly 16:9) no larger than `room` and
/// `long_edge`; an exact `WIDTHxHEIGHT` is honoured unless over `long_edge`.
/// A ratio whose smallest whole form is already too big (`9999:10000`) gets the
/// nearest shape within the limits instead: never a canvas over `long_edge`.
fn output_size(aspect: Aspect, room: (u32, u32), long_edge: u32) -> (u32, u32) {
    let (aw, ah) = (aspect.width, aspect.height);
    if aspect.exact && aw.max(ah) <= long_edge {
        return (aw, ah);
    }
    let g = gcd(aw, ah);
    let (rw, rh) = (aw / g, ah / g);
    let limit_w = room.0.min(long_edge).max(1);
    let limit_h = room.1.min(long_edge).max(1);
    match (limit_w / rw).min(limit_h / rh) {
        0 if rw.max(rh) > long_edge => fit_within((rw, rh), (long_edge, long_edge)),
        k => (rw * k.max(1), rh * k.max(1)),
    }
}

/// `src` scaled to fit inside `bounds` keeping its shape; never enlarged.
fn fit_within((sw, sh): (u32, u32), (bw, bh): (u32, u32)) -> (u32, u32) {
    if sw <= bw && sh <= bh {
        return (sw, sh);
    }
    let scale = (f64::from(bw) / f64::from(sw)).min(f64::from(bh) / f64::from(sh));
    let w = ((f64::from(sw) * scale).round() as u32).clamp(1, bw);
    let h = ((f64::from(sh) * scale).round() as u32).clamp(1, bh);
    (w, h)
}

/// `src` scaled to fill the canvas along one axis, centred along the other.
fn centred((sw, sh): (u32, u32), (cw, ch): (u32, u32)) -> CropRect {
    let scale = (f64::from(cw) / f64::from(sw)).min(f64::from(ch) / f64::from(sh));
    let w = ((f64::from(sw) * scale).round() as u32).clamp(1, cw);
    let h = ((f64::from(sh) * scale).round() as u32).clamp(1, ch);
    CropRect {
        x: (cw - w) / 2,
        y: (ch - h) / 2,
        width: w,
        height: h,
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a.max(1)
    } else {
        gcd(b, a % b)
    }
}

fn div_round(n: u64, d: u64) -> u64 {
    (n + d / 2) / d
}

fn div_ceil(n: u64, d: u64) -> u64 {
    n.div_ceil(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aspect(s: &str) -> Aspect {
        s.parse().unwrap()
    }

    #[test]
    fn sizes_parse_as_ratios_or_exact_pixels() {
        assert_eq!(
            aspect("16:9"),
            Aspect {
                width: 16,
                height: 9,
                exact: false
            }
        );
        assert_eq!(
            aspect("1920:1080"),
            Aspect {
                width: 16,
                height: 9,
                exact: false
            }
        );
        assert_eq!(
            aspect("1280x720"),
            Aspect {
                width: 1280,
                height: 720,
                exact: true
            }
        );
        assert_eq!("0:9".parse::<Aspect>().unwrap_err().code(), "invalid_input");
        assert_eq!(
            "wide".parse::<Aspect>().unwrap_err().code(),
            "invalid_input"
        );
    }

    #[test]
    fn fit_parses_the_ui_words() {
        assert_eq!("crop".parse::<Fit>().unwrap(), Fit::Crop);
        assert_eq!("Pad".parse::<Fit>().unwrap(), Fit::Pad);
        assert_eq!("as-is".parse::<Fit>().unwrap(), Fit::AsIs);
        assert!("stretch".parse::<Fit>().is_err());
    }

    #[test]
    fn crop_of_a_portrait_photo_for_landscape_video_follows_the_focus() {
        let top = crop_rect(
            (3000, 4000),
            aspect("16:9"),
            Focus::new(Some(0.5), Some(0.0)),
        );
        assert_eq!(
            top,
            CropRect {
                x: 0,
                y: 0,
                width: 3000,
                height: 1688
            }
        );
        let bottom = crop_rect((3000, 4000), aspect("16:9"), Focus::new(None, Some(1.0)));
        assert_eq!(bottom.y + bottom.height, 4000);
    }

    #[test]
    fn crop_output_has_exactly_the_ratio_and_at_most_1920() {
        let p = plan(
            (4032, 3024),
            aspect("16:9"),
            Fit::Crop,
            Focus::default(),
            1920,
        );
        assert_eq!(p.canvas, (1920, 1080));
        let p = plan(
            (4032, 3024),
            aspect("9:16"),
            Fit::Crop,
            Focus::default(),
            1920,
        );
        assert_eq!(p.canvas, (1080, 1920));
        let small = plan(
            (1000, 700),
            aspect("16:9"),
            Fit::Crop,
            Focus::default(),
            1920,
        );
        assert_eq!(small.canvas.0 * 9, small.canvas.1 * 16);
        assert!(small.canvas.0 <= 1000);
    }

    #[test]
    fn pad_keeps_the_whole_picture_centred_on_an_exact_canvas() {
        let p = plan(
            (3000, 4000),
            aspect("16:9"),
            Fit::Pad,
            Focus::default(),
            1920,
        );
        assert_eq!(p.canvas, (1920, 1080));
        assert_eq!(
            p.crop,
            CropRect {
                x: 0,
                y: 0,
                width: 3000,
                height: 4000
            }
        );
        assert_eq!(p.placed.height, 1080);
        assert_eq!(p.placed.width, 810);
        assert_eq!(p.placed.x, (1920 - 810) / 2);
        assert!(p.is_padded());
    }

    #[test]
    fn exact_size_is_honoured() {
        let p = plan(
            (4000, 3000),
            aspect("1280x720"),
            Fit::Crop,
            Focus::default(),
            1920,
        );
        assert_eq!(p.canvas, (1280, 720));
    }

    #[test]
    fn an_extreme_custom_ratio_never_makes_a_huge_canvas() {
        for size in [
            "9999:10000",
            "10000:9999",
            "10000:1",
            "1:9973",
            "9999x10000",
        ] {
            for fit in [Fit::Crop, Fit::Pad] {
                let p = plan((4000, 3000), aspect(size), fit, Focus::default(), 1920);
                let (w, h) = p.canvas;
                assert!(w.max(h) <= 1920 && w.min(h) >= 1, "{size} {fit:?}: {w}×{h}");
                let (aw, ah) = (aspect(size).width, aspect(size).height);
                let off = (f64::from(w) / f64::from(h)) / (f64::from(aw) / f64::from(ah));
                assert!((off - 1.0).abs() < 0.01 || w.min(h) == 1, "{size}: {w}×{h}");
            }
        }
    }

    #[test]
    fn as_is_only_scales_down() {
        assert_eq!(plan_scaled((6000, 4000), 1920).canvas, (1920, 1280));
        assert_eq!(plan_scaled((800, 600), 1920).canvas, (800, 600));
    }

    #[test]
    fn focus_is_clamped_and_defaults_to_centre() {
        assert_eq!(
            Focus::new(Some(7.0), Some(f64::NAN)),
            Focus { x: 1.0, y: 0.5 }
        );
    }
}
