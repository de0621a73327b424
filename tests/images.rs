//! Reference images as a user meets them: phone photos on their side, with GPS
//! and camera data, in the wrong shape; files that are not what their name says.
//! Every input is generated here; nothing large is committed.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use veo_desk_core::images::{self, Aspect, Fit, Focus, PrepareOptions};

const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const WHITE: [u8; 3] = [245, 245, 245];

// ---------- inputs ----------

/// Four coloured quadrants: top-left red, top-right green, bottom-left blue, bottom-right white.
fn quadrants(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb(match (x < w / 2, y < h / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        })
    })
}

fn jpeg_bytes(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(img)
        .unwrap();
    out
}

/// A big-endian TIFF/EXIF block the way a phone writes one: orientation,
/// camera make and model, and a GPS position.
fn exif_block(orientation: u16) -> Vec<u8> {
    const MAKE: &[u8] = b"SpyCam Industries\0";
    const MODEL: &[u8] = b"LeakMaster 9000\0";
    let ifd0_entries = 4u16;
    let ifd0_len = 2 + 12 * ifd0_entries as u32 + 4;
    let make_at = 8 + ifd0_len;
    let model_at = make_at + MAKE.len() as u32;
    let gps_at = model_at + MODEL.len() as u32;
    let gps_entries = 2u16;
    let gps_len = 2 + 12 * gps_entries as u32 + 4;
    let lat_at = gps_at + gps_len;

    let mut t = Vec::new();
    t.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value.to_be_bytes());
    };
    t.extend_from_slice(&ifd0_entries.to_be_bytes());
    entry(&mut t, 0x010F, 2, MAKE.len() as u32, make_at); // Make
    entry(&mut t, 0x0110, 2, MODEL.len() as u32, model_at); // Model
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation) << 16); // Orientation (SHORT, left-justified)
    entry(&mut t, 0x8825, 4, 1, gps_at); // GPS IFD pointer
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(MAKE);
    t.extend_from_slice(MODEL);
    t.extend_from_slice(&gps_entries.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0")); // GPSLatitudeRef
    entry(&mut t, 0x0002, 5, 3, lat_at); // GPSLatitude
    t.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(48u32, 1u32), (51, 1), (2940, 100)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    t
}

/// Inserts an APP1 "Exif" segment right after SOI, as cameras do.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(exif_block(orientation));
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn save(dir: &Path, name: &str, img: &DynamicImage, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    img.save_with_format(&path, format).unwrap();
    path
}

fn options(size: &str, fit: Fit) -> PrepareOptions {
    PrepareOptions {
        aspect: size.parse::<Aspect>().unwrap(),
        fit,
        focus: Focus::default(),
    }
}

// ---------- checks ----------

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

fn assert_colour(img: &DynamicImage, x: u32, y: u32, want: [u8; 3]) {
    let p = img.get_pixel(x, y).0;
    let close = (0..3).all(|i| (i32::from(p[i]) - i32::from(want[i])).abs() < 40);
    assert!(close, "pixel ({x},{y}) is {p:?}, expected about {want:?}");
}

/// JPEG marker segments before the image data (APPn, DQT, SOF, …).
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break; // start of scan: pixel data follows
        }
        i += 2 + usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------- stories ----------

#[test]
fn a_phone_photo_on_its_side_arrives_upright() {
    let dir = tempfile::tempdir().unwrap();
    // Stored landscape 240x160; EXIF 6 says "rotate 90° clockwise to view".
    let path = write(
        dir.path(),
        "IMG_0001.jpg",
        &with_exif(&jpeg_bytes(&quadrants(240, 160)), 6),
    );

    let probe = images::probe(&path).unwrap();
    assert_eq!(
        (probe.width, probe.height),
        (160, 240),
        "probe reports the upright size"
    );

    let sent = images::prepare_reference(&path, &options("9:16", Fit::AsIs)).unwrap();
    let img = decode(&sent.bytes);
    assert_eq!(img.dimensions(), (160, 240));
    // Rotating clockwise moves the stored top-left (red) to the top-right.
    assert_colour(&img, 150, 10, RED);
    assert_colour(&img, 10, 10, BLUE);
    assert_colour(&img, 150, 230, GREEN);
    assert_colour(&img, 10, 230, WHITE);
}

#[test]
fn a_big_rotated_photo_thumbnails_upright_through_shrink_on_load() {
    let dir = tempfile::tempdir().unwrap();
    // 2400x1600 decodes at 1/4 scale for a 512 px thumbnail, 4800x3200 at 1/8
    // (libjpeg-turbo's scaled decode either way).
    for (w, h) in [(2400, 1600), (4800, 3200)] {
        let path = write(
            dir.path(),
            &format!("big-{w}.jpg"),
            &with_exif(&jpeg_bytes(&quadrants(w, h)), 6),
        );
        let thumb = images::render_thumbnail(&path).unwrap();
        assert_eq!(thumb.mime, "image/jpeg");
        assert_eq!((thumb.width, thumb.height), (341, 512));
        let img = decode(&thumb.bytes);
        assert_eq!(img.dimensions(), (341, 512));
        assert_colour(&img, 330, 10, RED);
        assert_colour(&img, 10, 10, BLUE);
        assert_colour(&img, 10, 500, WHITE);
    }
}

#[test]
fn the_crop_frame_moves_with_the_focus_on_a_rotated_photo() {
    let dir = tempfile::tempdir().unwrap();
    // Upright it is 1600 wide, 2400 tall: red/green on top, blue/white below.
    let path = write(
        dir.path(),
        "tall.jpg",
        &with_exif(&jpeg_bytes(&rotate_back(&quadrants(1600, 2400))), 6),
    );
    let mut top = options("16:9", Fit::Crop);
    top.focus = Focus::new(Some(0.5), Some(0.0));
    let sent = images::prepare_reference(&path, &top).unwrap();
    assert_eq!(
        sent.crop,
        images::CropRect {
            x: 0,
            y: 0,
            width: 1600,
            height: 900
        }
    );
    let img = decode(&sent.bytes);
    assert_colour(&img, 10, 10, RED);
    assert_colour(&img, img.width() - 10, img.height() - 10, GREEN);

    let mut bottom = top;
    bottom.focus = Focus::new(Some(0.5), Some(1.0));
    let sent = images::prepare_reference(&path, &bottom).unwrap();
    assert_eq!(sent.crop.y, 2400 - 900);
    let img = decode(&sent.bytes);
    assert_colour(&img, 10, img.height() - 10, BLUE);
    assert_colour(&img, img.width() - 10, 10, WHITE);
}

/// The stored pixels of a picture whose EXIF 6 rotation shows `upright`.
fn rotate_back(upright: &RgbImage) -> RgbImage {
    image::imageops::rotate270(upright)
}

#[test]
fn gps_and_camera_data_never_leave_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let original = with_exif(&jpeg_bytes(&quadrants(400, 300)), 1);
    // The input really carries what we want gone (so this test can fail).
    assert!(jpeg_markers(&original).contains(&0xE1));
    assert!(contains(&original, b"SpyCam") && contains(&original, b"LeakMaster"));
    let path = write(dir.path(), "holiday.jpg", &original);

    for fit in [Fit::Crop, Fit::Pad, Fit::AsIs] {
        let sent = images::prepare_reference(&path, &options("16:9", fit)).unwrap();
        let markers = jpeg_markers(&sent.bytes);
        assert!(
            markers.iter().all(|m| !(0xE1..=0xEF).contains(m)),
            "{fit:?}: only JFIF may remain, found APP markers {markers:x?}"
        );
        for secret in [&b"Exif"[..], b"GPS", b"SpyCam", b"LeakMaster", b"MM\0\x2a"] {
            assert!(
                !contains(&sent.bytes, secret),
                "{fit:?}: {:?} leaked",
                String::from_utf8_lossy(secret)
            );
        }
        assert_eq!(
            sent.file_name, "reference.jpg",
            "the original name is not sent either"
        );
    }
}

#[test]
fn crop_and_pad_give_exactly_the_video_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "odd.png",
        &DynamicImage::ImageRgb8(quadrants(1333, 977)),
        ImageFormat::Png,
    );
    for size in ["16:9", "9:16"] {
        for fit in [Fit::Crop, Fit::Pad] {
            let sent = images::prepare_reference(&path, &options(size, fit)).unwrap();
            let img = decode(&sent.bytes);
            assert_eq!(img.dimensions(), (sent.width, sent.height));
            let (w, h) = if size == "16:9" { (16, 9) } else { (9, 16) };
            assert_eq!(
                sent.width * h,
                sent.height * w,
                "{size} {fit:?} gave {}x{}",
                sent.width,
                sent.height
            );
        }
    }
    let exact = images::prepare_reference(&path, &options("1280x720", Fit::Crop)).unwrap();
    assert_eq!((exact.width, exact.height), (1280, 720));
}

#[test]
fn padding_adds_black_bars_and_keeps_the_whole_picture() {
    let dir = tempfile::tempdir().unwrap();
    let white = RgbImage::from_pixel(900, 1200, Rgb(WHITE));
    let path = write(dir.path(), "portrait.jpg", &jpeg_bytes(&white));
    let sent = images::prepare_reference(&path, &options("16:9", Fit::Pad)).unwrap();
    assert_eq!((sent.width, sent.height), (1920, 1080));
    assert_eq!(
        sent.crop,
        images::CropRect {
            x: 0,
            y: 0,
            width: 900,
            height: 1200
        }
    );
    let img = decode(&sent.bytes);
    assert_colour(&img, 20, 540, [0, 0, 0]);
    assert_colour(&img, 1900, 540, [0, 0, 0]);
    assert_colour(&img, 960, 5, WHITE);
    assert_colour(&img, 960, 1075, WHITE);
}

#[test]
fn big_pictures_are_scaled_to_at_most_1920_on_the_long_edge() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "big.jpg", &jpeg_bytes(&quadrants(3000, 2000)));
    for fit in [Fit::AsIs, Fit::Crop, Fit::Pad] {
        let sent = images::prepare_reference(&path, &options("16:9", fit)).unwrap();
        assert!(
            sent.width.max(sent.height) <= 1920,
            "{fit:?}: {}x{}",
            sent.width,
            sent.height
        );
        assert!(sent.bytes.len() <= images::MAX_UPLOAD_BYTES);
    }
    let as_is = images::prepare_reference(&path, &options("16:9", Fit::AsIs)).unwrap();
    assert_eq!((as_is.width, as_is.height), (1920, 1280));
}

#[test]
fn transparency_is_kept_as_png_and_opaque_png_becomes_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let logo = RgbaImage::from_fn(400, 300, |x, _| {
        if x < 200 {
            Rgba([200, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let path = save(
        dir.path(),
        "logo.png",
        &DynamicImage::ImageRgba8(logo),
        ImageFormat::Png,
    );
    let sent = images::prepare_reference(&path, &options("16:9", Fit::Pad)).unwrap();
    assert_eq!(
        (sent.mime, sent.file_name.as_str()),
        ("image/png", "reference.png")
    );
    let img = decode(&sent.bytes).to_rgba8();
    assert_eq!(
        img.get_pixel(0, sent.height / 2).0[3],
        0,
        "bars are transparent"
    );
    assert_eq!(
        img.get_pixel(sent.width / 2 - 50, sent.height / 2).0,
        [200, 0, 0, 255]
    );

    let opaque = RgbaImage::from_pixel(400, 300, Rgba([10, 20, 30, 255]));
    let path = save(
        dir.path(),
        "flat.png",
        &DynamicImage::ImageRgba8(opaque),
        ImageFormat::Png,
    );
    let sent = images::prepare_reference(&path, &options("16:9", Fit::Crop)).unwrap();
    assert_eq!(sent.mime, "image/jpeg");
}

#[test]
fn webp_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "pic.webp",
        &DynamicImage::ImageRgb8(quadrants(800, 600)),
        ImageFormat::WebP,
    );
    let probe = images::probe(&path).unwrap();
    assert_eq!(
        (probe.format, probe.width, probe.height),
        (images::Format::WebP, 800, 600)
    );
    let thumb = images::render_thumbnail(&path).unwrap();
    assert_eq!((thumb.width, thumb.height), (512, 384));
    assert_colour(&decode(&thumb.bytes), 10, 10, RED);
}

#[test]
fn a_png_bomb_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "innocent.png", &png_claiming(100_000, 100_000));
    for err in [
        images::probe(&path).unwrap_err(),
        images::prepare_reference(&path, &options("16:9", Fit::Crop)).unwrap_err(),
        images::render_thumbnail(&path).unwrap_err(),
    ] {
        assert_eq!(err.code(), "image_too_large");
        assert!(err.to_string().contains("100000 × 100000"), "{err}");
        assert!(err.to_string().contains("innocent.png"), "{err}");
    }
}

/// A valid PNG header declaring `w`x`h` RGB, with a token IDAT.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &ihdr[..]),
        (b"IDAT", &[0x78, 0x9c, 0x03, 0x00][..]),
        (b"IEND", &[][..]),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_text_file_named_jpg_is_not_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "photo.jpg", b"Shopping list:\n- milk\n- eggs\n");
    let err = images::probe(&path).unwrap_err();
    assert_eq!(err.code(), "not_an_image");
    assert!(
        err.to_string().contains("“photo.jpg” is a text file"),
        "{err}"
    );
    let err = images::prepare_reference(&path, &options("16:9", Fit::Crop)).unwrap_err();
    assert_eq!(err.code(), "not_an_image");
}

#[test]
fn heic_is_refused_with_how_to_convert_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend_from_slice(&[0u8; 200]);
    let path = write(dir.path(), "IMG_4242.HEIC", &heic);
    let err = images::probe(&path).unwrap_err();
    assert_eq!(err.code(), "unsupported_image");
    let message = err.to_string();
    assert!(message.contains("HEIC"), "{message}");
    assert!(
        message.contains("Export it as JPEG from Photos"),
        "{message}"
    );

    // Also when it wears a .jpg name.
    let path = write(dir.path(), "renamed.jpg", &heic);
    assert_eq!(
        images::probe(&path).unwrap_err().code(),
        "unsupported_image"
    );
}

#[test]
fn a_damaged_jpeg_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let good = jpeg_bytes(&quadrants(640, 480));
    let headless = write(dir.path(), "cut-early.jpg", &good[..12]);
    let err = images::probe(&headless).unwrap_err();
    assert_eq!(err.code(), "corrupt_image", "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");

    let half = write(dir.path(), "cut-in-half.jpg", &good[..good.len() / 2]);
    let err = images::prepare_reference(&half, &options("16:9", Fit::Crop)).unwrap_err();
    assert_eq!(err.code(), "corrupt_image", "{err}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jpg");
    // Sparse: costs no disk, and we must not read it anyway.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(images::MAX_FILE_BYTES + 1).unwrap();
    let err = images::probe(&path).unwrap_err();
    assert_eq!(err.code(), "image_too_large");
    assert!(err.to_string().contains("up to 100 MB"), "{err}");
}

#[test]
fn thumbnails_are_cached_by_content_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let bytes = jpeg_bytes(&quadrants(1200, 800));
    let first = write(dir.path(), "a.jpg", &bytes);
    let renamed = write(dir.path(), "b.jpg", &bytes);

    let made = images::thumbnail(&first, &cache).unwrap();
    assert_eq!((made.width, made.height), (512, 341));
    let entries = || std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(entries(), 1);

    // Poison the entry: if the second call really reads the cache, it sees this.
    let entry = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let marker = jpeg_bytes(&RgbImage::from_pixel(64, 32, Rgb(GREEN)));
    std::fs::write(&entry, &marker).unwrap();
    let hit = images::thumbnail(&renamed, &cache).unwrap();
    assert_eq!(hit.bytes, marker);
    assert_eq!((hit.width, hit.height), (64, 32));
    assert_eq!(entries(), 1);

    let other = write(dir.path(), "c.jpg", &jpeg_bytes(&quadrants(1200, 801)));
    images::thumbnail(&other, &cache).unwrap();
    assert_eq!(entries(), 2);
}

/// Makes a thumbnail of `picture` and returns the cache entry it added.
fn cache_entry_for(picture: &Path, cache: &Path, bounds: images::CacheBounds) -> PathBuf {
    let before = cache_entries(cache);
    images::thumbnail_within(picture, cache, bounds).unwrap();
    let mut added: Vec<PathBuf> = cache_entries(cache)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    assert_eq!(added.len(), 1, "one new entry for {}", picture.display());
    added.pop().unwrap()
}

fn cache_entries(cache: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(cache) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn set_age(path: &Path, seconds_ago: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds_ago);
    let file = std::fs::File::options().append(true).open(path).unwrap();
    file.set_modified(when).unwrap();
}

/// Distinct small pictures (distinct bytes, so distinct cache keys).
fn pictures(dir: &Path, n: u32) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            write(
                dir,
                &format!("p{i}.jpg"),
                &jpeg_bytes(&quadrants(300, 200 + i)),
            )
        })
        .collect()
}

#[test]
fn the_thumbnail_cache_forgets_the_least_recently_used_first() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let bounds = images::CacheBounds {
        max_entries: 3,
        max_bytes: u64::MAX,
    };
    let [a, b, c, d]: [PathBuf; 4] = pictures(dir.path(), 4).try_into().unwrap();
    let (ea, eb, ec) = (
        cache_entry_for(&a, &cache, bounds),
        cache_entry_for(&b, &cache, bounds),
        cache_entry_for(&c, &cache, bounds),
    );
    set_age(&ea, 300);
    set_age(&eb, 200);
    set_age(&ec, 100);
    // A write in progress is never taken for an entry.
    let in_progress = cache.join(".partial.1234.tmp");
    std::fs::write(&in_progress, b"half a thumbnail").unwrap();
    set_age(&in_progress, 900);

    // Seeing `a` again makes it the most recently used, so `b` is now the oldest.
    images::thumbnail_within(&a, &cache, bounds).unwrap();
    let ed = cache_entry_for(&d, &cache, bounds);

    let left = cache_entries(&cache);
    assert!(!left.contains(&eb), "the least recently used entry went");
    for kept in [&ea, &ec, &ed, &in_progress] {
        assert!(left.contains(kept), "{} was kept", kept.display());
    }
    assert_eq!(left.len(), 4);
}

#[test]
fn the_thumbnail_cache_stays_within_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let unbounded = images::CacheBounds {
        max_entries: usize::MAX,
        max_bytes: u64::MAX,
    };
    let pics = pictures(dir.path(), 5);
    let entries: Vec<PathBuf> = pics
        .iter()
        .map(|p| cache_entry_for(p, &cache, unbounded))
        .collect();
    for (i, entry) in entries.iter().enumerate() {
        set_age(entry, 100 * (10 - i as u64));
    }
    let len = |p: &PathBuf| std::fs::metadata(p).unwrap().len();
    // Room for the two newest entries and a little more, not for three.
    let budget = len(&entries[3]) + len(&entries[4]) + 100;
    let bounds = images::CacheBounds {
        max_entries: usize::MAX,
        max_bytes: budget,
    };
    let removed = images::trim_thumbnail_cache(&cache, bounds).unwrap();
    assert_eq!(removed, 3);
    assert_eq!(cache_entries(&cache).len(), 2);
    let total: u64 = cache_entries(&cache).iter().map(len).sum();
    assert!(total <= budget, "{total} bytes in a {budget}-byte cache");
    assert!(
        entries[3].exists() && entries[4].exists(),
        "the newest stay"
    );
}

#[test]
fn preparing_twice_gives_the_same_bytes_so_the_preview_is_what_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.jpg",
        &with_exif(&jpeg_bytes(&quadrants(1000, 700)), 6),
    );
    let a = images::prepare_reference(&path, &options("16:9", Fit::Crop)).unwrap();
    let b = images::prepare_reference(&path, &options("16:9", Fit::Crop)).unwrap();
    assert_eq!(a.bytes, b.bytes);
    let preview = a.to_preview();
    assert!(preview.data_url.starts_with("data:image/jpeg;base64,/9j/"));
    assert_eq!(preview.byte_len, a.bytes.len());
}

#[test]
fn a_pasted_picture_becomes_a_file_that_the_usual_path_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(quadrants(300, 200))
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    let saved = images::save_pasted(&png, dir.path()).unwrap();
    assert_eq!(saved.extension().unwrap(), "png");
    assert_eq!(images::probe(&saved).unwrap().width, 300);
    assert_eq!(
        images::save_pasted(&png, dir.path()).unwrap(),
        saved,
        "same picture, same file"
    );

    let err = images::save_pasted(b"just some copied words", dir.path()).unwrap_err();
    assert_eq!(err.code(), "not_an_image");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written for text"
    );
}

#[test]
fn an_exotic_jpeg_variant_is_unsupported_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    // A well-formed frame header with two colour components, which no camera writes.
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend_from_slice(&[
        0xFF, 0xC0, 0, 14, 8, 0, 16, 0, 16, 2, 1, 0x11, 0, 2, 0x11, 0,
    ]);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let path = write(dir.path(), "odd.jpg", &jpeg);
    let err = images::probe(&path).unwrap_err();
    assert_eq!(err.code(), "unsupported_image", "{err}");
    assert!(
        err.to_string().contains("export it as JPEG or PNG"),
        "{err}"
    );
}
