//! A saved video's card picture: its first frame as a thumbnail, the same size, format
//! and cache as a reference image's, so the window shows it in the card's image slot.

use std::path::Path;

use image::DynamicImage;

use super::frames::first_frame;
use super::texts;
use crate::error::Result;
use crate::images::{about, thumbnail_of_pixels, CacheBounds, Thumbnail};

/// The poster of the video at `path` (long edge at most `images::THUMBNAIL_LONG_EDGE`,
/// JPEG), from `cache_dir` when this exact file was seen before. As with
/// [`crate::images::thumbnail`], `.to_preview()` gives the data URL for an `<img>`.
pub fn poster(path: &Path, cache_dir: &Path) -> Result<Thumbnail> {
    poster_within(path, cache_dir, CacheBounds::default())
}

/// [`poster`] with a cache kept within `bounds`.
pub fn poster_within(path: &Path, cache_dir: &Path, bounds: CacheBounds) -> Result<Thumbnail> {
    // The cache key reads the whole file: say first, in this room's words, if it is not there.
    std::fs::metadata(path).map_err(|e| {
        crate::paths::io_error(
            about(texts::COULD_NOT_OPEN, &crate::images::display_name(path)),
            e,
        )
    })?;
    thumbnail_of_pixels(path, cache_dir, bounds, "poster", || {
        first_frame(path).map(DynamicImage::ImageRgb8)
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::images::THUMBNAIL_LONG_EDGE;
    use crate::media::fixture;

    fn entries(dir: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        found.sort();
        found
    }

    fn jpeg_size(bytes: &[u8]) -> (u32, u32) {
        let reader =
            image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Jpeg);
        reader.into_dimensions().unwrap()
    }

    #[test]
    fn a_poster_is_the_first_frame_as_a_card_thumbnail() {
        let cache = tempfile::tempdir().unwrap();
        let made = poster(&fixture("poster-640x360-1f.mp4"), cache.path()).unwrap();
        assert_eq!(made.mime, "image/jpeg");
        assert_eq!((made.width, made.height), (THUMBNAIL_LONG_EDGE, 288));
        assert_eq!(jpeg_size(&made.bytes), (512, 288));
        assert!(made.bytes.starts_with(&[0xff, 0xd8, 0xff]));
        let preview = made.to_preview();
        assert!(preview.data_url.starts_with("data:image/jpeg;base64,"));
        assert_eq!((preview.width, preview.height), (512, 288));
        // Smaller than a thumbnail: kept at its own size, never enlarged.
        let small = poster(&fixture("bframes-2s.mp4"), cache.path()).unwrap();
        assert_eq!((small.width, small.height), (320, 180));
        let turned = poster(&fixture("turned-1f.mp4"), cache.path()).unwrap();
        assert_eq!((turned.width, turned.height), (54, 96));
    }

    #[test]
    fn a_second_poster_comes_from_the_cache_and_a_resaved_video_gets_a_new_one() {
        let cache = tempfile::tempdir().unwrap();
        let videos = tempfile::tempdir().unwrap();
        let video = videos.path().join("shot.mp4");
        std::fs::copy(fixture("poster-640x360-1f.mp4"), &video).unwrap();
        let first = poster(&video, cache.path()).unwrap();
        let stored = entries(cache.path());
        assert_eq!(stored.len(), 1);
        assert_eq!(std::fs::read(&stored[0]).unwrap(), first.bytes);

        // Served from the cache: what is stored there is what comes back.
        let marker = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 0, 0]));
        let mut marked = vec![];
        image::DynamicImage::ImageRgb8(marker)
            .write_to(
                &mut std::io::Cursor::new(&mut marked),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        std::fs::write(&stored[0], &marked).unwrap();
        let again = poster(&video, cache.path()).unwrap();
        assert_eq!((again.width, again.height, again.bytes), (8, 8, marked));

        // The same name saved again with other pictures: another entry, another poster.
        std::fs::copy(fixture("bframes-2s.mp4"), &video).unwrap();
        let resaved = poster(&video, cache.path()).unwrap();
        assert_eq!((resaved.width, resaved.height), (320, 180));
        assert_eq!(entries(cache.path()).len(), 2);
    }

    #[test]
    fn a_video_without_a_poster_says_why_and_caches_nothing() {
        let cache = tempfile::tempdir().unwrap();
        let e = poster(&fixture("hevc-1s.mp4"), cache.path()).unwrap_err();
        assert_eq!(e.problem().text, texts::NOT_H264.key);
        let e = poster(Path::new("/nowhere/shot.mp4"), cache.path()).unwrap_err();
        assert_eq!(e.problem().text, texts::COULD_NOT_OPEN.key);
        assert!(entries(cache.path()).is_empty());
    }
}
