//! The videos the simulator makes: real H.264 clips with a (silent) sound track, one per
//! shape and length, so a saved file says what was asked for (`scripts/make-sample-clips`).

/// 320x180 or 180x320, and the lengths the built-in models make.
const CLIPS: &[(Shape, u32, &[u8])] = &[
    (
        Shape::Landscape,
        4,
        include_bytes!("../../assets/clips/landscape-4s.mp4"),
    ),
    (
        Shape::Landscape,
        6,
        include_bytes!("../../assets/clips/landscape-6s.mp4"),
    ),
    (
        Shape::Landscape,
        8,
        include_bytes!("../../assets/clips/landscape-8s.mp4"),
    ),
    (
        Shape::Landscape,
        12,
        include_bytes!("../../assets/clips/landscape-12s.mp4"),
    ),
    (
        Shape::Portrait,
        4,
        include_bytes!("../../assets/clips/portrait-4s.mp4"),
    ),
    (
        Shape::Portrait,
        6,
        include_bytes!("../../assets/clips/portrait-6s.mp4"),
    ),
    (
        Shape::Portrait,
        8,
        include_bytes!("../../assets/clips/portrait-8s.mp4"),
    ),
    (
        Shape::Portrait,
        12,
        include_bytes!("../../assets/clips/portrait-12s.mp4"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Landscape,
    Portrait,
}

impl Shape {
    /// `9:16` and `720x1280` are portrait; everything else (square too) is landscape.
    pub fn of_size(size: &str) -> Shape {
        let numbers: Vec<f64> = size
            .split([':', 'x', 'X', '*'])
            .filter_map(|n| n.trim().parse().ok())
            .collect();
        match numbers[..] {
            [w, h] if h > w => Shape::Portrait,
            _ => Shape::Landscape,
        }
    }
}

/// The clip of this shape closest in length to `seconds` (8 s when it is not a number).
pub fn clip(shape: Shape, seconds: &str) -> &'static [u8] {
    let wanted: u32 = seconds.trim().parse().unwrap_or(8);
    CLIPS
        .iter()
        .filter(|(s, _, _)| *s == shape)
        .min_by_key(|(_, secs, _)| secs.abs_diff(wanted))
        .map(|(_, _, bytes)| *bytes)
        .unwrap_or(CLIPS[2].2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clip_follows_the_asked_shape_and_length() {
        assert_eq!(Shape::of_size("9:16"), Shape::Portrait);
        assert_eq!(Shape::of_size("720x1280"), Shape::Portrait);
        assert_eq!(Shape::of_size("16:9"), Shape::Landscape);
        assert_eq!(Shape::of_size("1024x1024"), Shape::Landscape);
        assert_eq!(clip(Shape::Portrait, "4"), CLIPS[4].2);
        assert_eq!(clip(Shape::Landscape, "12"), CLIPS[3].2);
        assert_eq!(clip(Shape::Landscape, "soon"), CLIPS[2].2);
    }
}
