//! Does the saved video match the request? Only what a person would call wrong: the
//! picture turned the other way, or a length more than a second off.

use serde::Serialize;

use super::VideoFacts;

/// Lengths this close to the asked one count as the same (containers round).
const LENGTH_SLACK_MS: u64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Landscape,
    Portrait,
    Square,
}

impl Shape {
    fn of(width: f64, height: f64) -> Shape {
        // Within 2 % of square is square: encoders pad to even sizes.
        if (width - height).abs() <= 0.02 * width.max(height) {
            Shape::Square
        } else if width > height {
            Shape::Landscape
        } else {
            Shape::Portrait
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Landscape => "landscape",
            Shape::Portrait => "portrait",
            Shape::Square => "square",
        }
    }
}

/// One way the video differs from the request.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    /// `asked` as the request said it (`9:16`), `made` as a ratio (`16:9`).
    Aspect {
        asked: String,
        asked_shape: Shape,
        made: String,
        made_shape: Shape,
        width: u32,
        height: u32,
    },
    Length {
        asked_seconds: f64,
        made_seconds: f64,
    },
}

impl Mismatch {
    /// Stable, for scripts (`--json`).
    pub fn code(&self) -> &'static str {
        match self {
            Mismatch::Aspect { .. } => "aspect_mismatch",
            Mismatch::Length { .. } => "length_mismatch",
        }
    }

    /// In the words of the card (the window has its own translations).
    pub fn message(&self) -> String {
        match self {
            Mismatch::Aspect {
                asked,
                asked_shape,
                made,
                made_shape,
                ..
            } => format!(
                "You asked for {asked} {}; this gateway made {made} {}.",
                asked_shape.as_str(),
                made_shape.as_str()
            ),
            Mismatch::Length {
                asked_seconds,
                made_seconds,
            } => format!(
                "You asked for {}; this gateway made a {} video.",
                seconds_text(*asked_seconds),
                seconds_text(*made_seconds)
            ),
        }
    }
}

/// What differs between the request (`size` as sent, `seconds`) and the file.
/// A request that names no shape or length is not judged on it.
pub fn mismatches(size: &str, seconds: &str, facts: &VideoFacts) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let (w, h) = (f64::from(facts.width), f64::from(facts.height));
    if let Some((asked_w, asked_h)) = parse_size(size) {
        let (asked_shape, made_shape) = (Shape::of(asked_w, asked_h), Shape::of(w, h));
        if asked_shape != made_shape {
            found.push(Mismatch::Aspect {
                asked: ratio_text(asked_w, asked_h, size),
                asked_shape,
                made: ratio_of(facts.width, facts.height),
                made_shape,
                width: facts.width,
                height: facts.height,
            });
        }
    }
    if let Some(asked) = seconds.trim().parse::<f64>().ok().filter(|s| *s > 0.0) {
        let asked_ms = (asked * 1000.0).round() as u64;
        if facts.duration_ms.abs_diff(asked_ms) > LENGTH_SLACK_MS {
            found.push(Mismatch::Length {
                asked_seconds: asked,
                made_seconds: (facts.duration_ms as f64 / 100.0).round() / 10.0,
            });
        }
    }
    found
}

/// `16:9`, `1280x720` (or `1280*720`) → width and height.
fn parse_size(size: &str) -> Option<(f64, f64)> {
    let (w, h) = size.trim().split_once([':', 'x', 'X', '*'])?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0.0 && h > 0.0).then_some((w, h))
}

/// The asked size as the user knows it: a ratio stays as typed, pixels become a ratio.
fn ratio_text(w: f64, h: f64, size: &str) -> String {
    match size.contains(':') {
        true => size.trim().to_string(),
        false => ratio_of(w as u32, h as u32),
    }
}

/// Ratios people name: the exact one when small, else the nearest common one, else pixels.
fn ratio_of(width: u32, height: u32) -> String {
    const COMMON: &[(u32, u32)] = &[
        (16, 9),
        (9, 16),
        (4, 3),
        (3, 4),
        (1, 1),
        (3, 2),
        (2, 3),
        (21, 9),
        (7, 4),
        (4, 7),
    ];
    let g = gcd(width, height).max(1);
    let (a, b) = (width / g, height / g);
    if a <= 32 && b <= 32 {
        return format!("{a}:{b}");
    }
    let ratio = f64::from(width) / f64::from(height.max(1));
    COMMON
        .iter()
        .find(|(a, b)| (ratio / (f64::from(*a) / f64::from(*b)) - 1.0).abs() < 0.03)
        .map(|(a, b)| format!("{a}:{b}"))
        .unwrap_or_else(|| format!("{width}×{height}"))
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `8 s`, `7.5 s`.
pub fn seconds_text(seconds: f64) -> String {
    let tenths = (seconds * 10.0).round() / 10.0;
    match tenths.fract() == 0.0 {
        true => format!("{} s", tenths as u64),
        false => format!("{tenths:.1} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(width: u32, height: u32, duration_ms: u64) -> VideoFacts {
        VideoFacts {
            width,
            height,
            duration_ms,
            has_audio: true,
        }
    }

    #[test]
    fn a_landscape_video_for_a_portrait_request_is_named_plainly() {
        let found = mismatches("9:16", "8", &video(1280, 720, 8000));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code(), "aspect_mismatch");
        assert_eq!(
            found[0].message(),
            "You asked for 9:16 portrait; this gateway made 16:9 landscape."
        );
    }

    #[test]
    fn a_portrait_video_for_a_landscape_request_in_pixels_is_a_mismatch() {
        let found = mismatches("1280x720", "8", &video(720, 1280, 8000));
        assert_eq!(
            found.iter().map(Mismatch::message).collect::<Vec<_>>(),
            vec!["You asked for 16:9 landscape; this gateway made 9:16 portrait."]
        );
    }

    #[test]
    fn a_square_video_for_a_wide_request_is_a_mismatch() {
        let found = mismatches("16:9", "8", &video(1024, 1024, 8000));
        assert!(matches!(
            found[..],
            [Mismatch::Aspect {
                made_shape: Shape::Square,
                ..
            }]
        ));
    }

    #[test]
    fn the_same_shape_at_another_resolution_is_what_was_asked() {
        assert!(mismatches("16:9", "8", &video(1920, 1080, 8000)).is_empty());
        assert!(mismatches("9:16", "8", &video(180, 320, 8000)).is_empty());
        assert!(mismatches("720x1280", "4", &video(1080, 1920, 4000)).is_empty());
        // Padded by a pixel or two is still the asked shape.
        assert!(mismatches("1024x1024", "4", &video(1024, 1016, 4000)).is_empty());
    }

    #[test]
    fn a_length_more_than_a_second_off_is_a_mismatch() {
        let found = mismatches("16:9", "8", &video(1280, 720, 4000));
        assert_eq!(
            found.iter().map(Mismatch::message).collect::<Vec<_>>(),
            vec!["You asked for 8 s; this gateway made a 4 s video."]
        );
        assert_eq!(found[0].code(), "length_mismatch");
        let long = mismatches("16:9", "4", &video(1280, 720, 5050));
        assert_eq!(
            long[0].message(),
            "You asked for 4 s; this gateway made a 5.1 s video."
        );
    }

    #[test]
    fn a_length_within_a_second_is_what_was_asked() {
        assert!(mismatches("16:9", "8", &video(1280, 720, 8042)).is_empty());
        assert!(mismatches("16:9", "8", &video(1280, 720, 7000)).is_empty());
        assert!(mismatches("16:9", "8", &video(1280, 720, 9000)).is_empty());
    }

    #[test]
    fn both_can_be_wrong_at_once() {
        let found = mismatches("9:16", "4", &video(1280, 720, 8000));
        let codes: Vec<_> = found.iter().map(Mismatch::code).collect();
        assert_eq!(codes, vec!["aspect_mismatch", "length_mismatch"]);
    }

    #[test]
    fn a_request_without_a_shape_or_length_is_not_judged_on_it() {
        assert!(mismatches("", "", &video(1280, 720, 8000)).is_empty());
        assert!(mismatches("auto", "long", &video(720, 1280, 3000)).is_empty());
    }

    #[test]
    fn made_ratios_are_named_as_people_say_them() {
        assert_eq!(ratio_of(1280, 720), "16:9");
        assert_eq!(ratio_of(1792, 1024), "7:4");
        assert_eq!(ratio_of(1366, 768), "16:9");
        assert_eq!(ratio_of(1000, 313), "1000×313");
        assert_eq!(seconds_text(8.0), "8 s");
        assert_eq!(seconds_text(7.46), "7.5 s");
    }
}
