//! The app's hand-written DC-only 1/8 JPEG decoder (`core/images/jpeg_eighth.rs`)
//! against libjpeg-turbo's scaled decode (`turbojpeg` crate), on the same generated
//! photos in one run. The app would switch to the library if it were within 10 %
//! (turbojpeg/ours ≤ 1.10); otherwise it keeps its own decoder.
//!
//! `decode_eighth` is `pub(crate)`, so "ours" is the core's public
//! `render_thumbnail(path)`: probe, read the file, DC-only decode to 1/8, Lanczos3
//! resize to a 512 px long edge, JPEG q82. "turbojpeg" does the same steps with the
//! same public pieces (the core's `probe`, `fs::read`, the same `fast_image_resize`
//! call and `image` JPEG encoder); only the decode is libjpeg-turbo's, at the scale
//! the core picks (1/8 unless that is under 512 px). The turbojpeg side also times
//! its stages: probe+read and resize+encode are the same work in both, so
//! subtracting them from ours gives our decode alone, and a decode-only ratio
//! beside the whole-thumbnail one.
//!
//! Timing runs in this process, contenders alternating first place each round.
//! Peak memory is one child process per contender (`--worker`), max RSS from
//! `wait4`; those run before this process decodes anything, because on Linux a
//! child's max RSS starts from its parent's.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageEncoder, RgbImage};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use turbojpeg::{Decompressor, PixelFormat, ScalingFactor};
use veo_desk_core::images::{self, THUMBNAIL_LONG_EDGE};

const ROUNDS: usize = 15;
/// `THUMBNAIL_QUALITY` in `core/images/thumbnail.rs` (private there).
const QUALITY: u8 = 82;

struct Input {
    label: &'static str,
    file: &'static str,
    size: (u32, u32),
    sampling: SamplingFactor,
}

/// 12 MP twice: at 4:3 (4000x3000) 1/8 is 500 px, short of 512, so the app decodes
/// at 1/4 with jpeg-decoder instead of its DC-only path; at 3:2 1/8 is enough.
const INPUTS: [Input; 4] = [
    Input {
        label: "24MP 4:2:0",
        file: "24mp-420.jpg",
        size: (6000, 4000),
        sampling: SamplingFactor::F_2_2,
    },
    Input {
        label: "24MP 4:4:4",
        file: "24mp-444.jpg",
        size: (6000, 4000),
        sampling: SamplingFactor::F_1_1,
    },
    Input {
        label: "12MP 3:2",
        file: "12mp-32.jpg",
        size: (4240, 2832),
        sampling: SamplingFactor::F_2_2,
    },
    Input {
        label: "12MP 4:3",
        file: "12mp-43.jpg",
        size: (4000, 3000),
        sampling: SamplingFactor::F_2_2,
    },
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--worker") {
        return worker(&args[2], Path::new(&args[3]));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    child("generate", dir.path());
    let idle = child("idle", dir.path()).1;
    let peaks: Vec<(f64, f64)> = INPUTS
        .iter()
        .map(|input| {
            let path = dir.path().join(input.file);
            (child("ours", &path).1, child("turbo", &path).1)
        })
        .collect();

    println!("{ROUNDS} rounds, alternating; times in ms; peak = child max RSS (idle child: {idle:.1} MiB)\n");
    println!(
        "{:<11} {:>5} {:>5} {:<10} {:>8} {:>8} {:>9} {:>10} {:>10}",
        "input",
        "MB",
        "scale",
        "contender",
        "median",
        "min",
        "peak MiB",
        "decode med",
        "decode min"
    );
    for (input, (peak_ours, peak_turbo)) in INPUTS.iter().zip(peaks) {
        let path = dir.path().join(input.file);
        let file_mb = std::fs::metadata(&path).expect("input").len() as f64 / 1e6;
        let scale = format!("1/{}", 8 / dct_eighths(input.size));
        // Warm-up (not counted), and the outputs to compare.
        let ours_thumb = images::render_thumbnail(&path).expect("ours").bytes;
        let turbo_thumb = turbo_thumbnail(&path).0;
        let (mut ours, mut turbo, mut shared, mut decode) = (vec![], vec![], vec![], vec![]);
        for round in 0..ROUNDS {
            for turn in 0..2 {
                let start = Instant::now();
                if (round + turn) % 2 == 0 {
                    black_box(images::render_thumbnail(&path).expect("ours"));
                    ours.push(start.elapsed());
                } else {
                    let stages = black_box(turbo_thumbnail(&path)).1;
                    turbo.push(start.elapsed());
                    shared.push(stages.read + stages.finish);
                    decode.push(stages.decode);
                }
            }
        }
        // Our decode alone: our total minus the stages both do alike, round by round.
        let ours_decode: Vec<Duration> = ours
            .iter()
            .zip(&shared)
            .map(|(&t, &s)| t.saturating_sub(s))
            .collect();
        let row = |name: &str, total: &[Duration], dec: &[Duration], peak: f64, first: bool| {
            let (label, mb, scale) = if first {
                (input.label, format!("{file_mb:.1}"), scale.as_str())
            } else {
                ("", String::new(), "")
            };
            println!(
                "{:<11} {:>5} {:>5} {:<10} {:>8.2} {:>8.2} {:>9.1} {:>10.2} {:>10.2}",
                label,
                mb,
                scale,
                name,
                ms(median(total)),
                ms(min(total)),
                peak,
                ms(median(dec)),
                ms(min(dec))
            );
        };
        row("ours", &ours, &ours_decode, peak_ours, true);
        row("turbojpeg", &turbo, &decode, peak_turbo, false);
        let (mad, max) = difference(&ours_thumb, &turbo_thumb);
        println!(
            "{:<11} turbojpeg/ours: thumbnail median {:.2}, min {:.2}; decode median {:.2}, min {:.2}; \
             thumbnails differ by {mad:.2} mean, {max} max (of 255)",
            "",
            ms(median(&turbo)) / ms(median(&ours)),
            ms(min(&turbo)) / ms(min(&ours)),
            ms(median(&decode)) / ms(median(&ours_decode)),
            ms(min(&decode)) / ms(min(&ours_decode)),
        );
    }
    println!("\nscale 1/8: ours is the DC-only decoder; 1/4: ours is jpeg-decoder's DCT scaling (the app's choice).");
    println!("\"decode\" for ours = its total minus turbojpeg's probe+read and resize+encode of the same round.");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average after the run: {}", load.trim());
}

/// One contender (or the input generator) in a child process.
fn worker(mode: &str, path: &Path) {
    match mode {
        "generate" => generate(path),
        "idle" => {}
        "ours" => drop(images::render_thumbnail(path).expect("ours")),
        "turbo" => drop(turbo_thumbnail(path)),
        other => panic!("unknown worker {other}"),
    }
}

struct Stages {
    read: Duration,
    decode: Duration,
    finish: Duration,
}

/// `render_thumbnail` with libjpeg-turbo's scaled decode (at the core's scale, 1/8
/// for a 24 MP thumbnail) in place of ours; every other step is what the core does
/// for an upright baseline JPEG.
fn turbo_thumbnail(path: &Path) -> (Vec<u8>, Stages) {
    let start = Instant::now();
    let probed = images::probe(path).expect("probe");
    let bytes = std::fs::read(path).expect("read");
    let read_done = Instant::now();
    let eighth = ScalingFactor::new(dct_eighths((probed.width, probed.height)) as usize, 8);
    let mut decompressor = Decompressor::new().expect("turbojpeg");
    decompressor.set_scaling_factor(eighth).expect("scale");
    let header = decompressor
        .read_header(&bytes)
        .expect("header")
        .scaled(eighth);
    let (w, h) = (header.width, header.height);
    let mut pixels = vec![0; 3 * w * h];
    let image = turbojpeg::Image {
        pixels: &mut pixels[..],
        width: w,
        pitch: 3 * w,
        height: h,
        format: PixelFormat::RGB,
    };
    decompressor.decompress(&bytes, image).expect("decode");
    drop(bytes);
    let decoded =
        DynamicImage::ImageRgb8(RgbImage::from_raw(w as u32, h as u32, pixels).expect("size"));
    let decode_done = Instant::now();
    let small = resize(
        &decoded,
        fit_within((probed.width, probed.height), THUMBNAIL_LONG_EDGE),
    );
    drop(decoded);
    let jpeg = encode_jpeg(&small);
    let stages = Stages {
        read: read_done - start,
        decode: decode_done - read_done,
        finish: decode_done.elapsed(),
    };
    (jpeg, stages)
}

/// The DCT scale, in eighths, the core picks for a thumbnail of a `size` picture
/// (`decode::dct_eighths` of `render::needed_scale`): the smallest that never upscales.
fn dct_eighths(size: (u32, u32)) -> u32 {
    let out = fit_within(size, THUMBNAIL_LONG_EDGE);
    let need = (f64::from(out.0) / f64::from(size.0)).max(f64::from(out.1) / f64::from(size.1));
    [1, 2, 4]
        .into_iter()
        .find(|&e| f64::from(e) / 8.0 >= need)
        .unwrap_or(8)
}

/// `geometry::fit_within` for a `THUMBNAIL_LONG_EDGE` square.
fn fit_within((sw, sh): (u32, u32), edge: u32) -> (u32, u32) {
    if sw <= edge && sh <= edge {
        return (sw, sh);
    }
    let scale = (f64::from(edge) / f64::from(sw)).min(f64::from(edge) / f64::from(sh));
    let side = |s: u32| ((f64::from(s) * scale).round() as u32).clamp(1, edge);
    (side(sw), side(sh))
}

/// `resize::resize_region` over the whole picture, with its choice of algorithm.
fn resize(src: &DynamicImage, (w, h): (u32, u32)) -> DynamicImage {
    let mut dst = DynamicImage::new(w, h, src.color());
    let reduction =
        (f64::from(src.width()) / f64::from(w)).max(f64::from(src.height()) / f64::from(h));
    let alg = if reduction > 3.0 {
        ResizeAlg::SuperSampling(FilterType::Lanczos3, 2)
    } else {
        ResizeAlg::Convolution(FilterType::Lanczos3)
    };
    let options = ResizeOptions::new()
        .crop(0.0, 0.0, f64::from(src.width()), f64::from(src.height()))
        .resize_alg(alg);
    Resizer::new()
        .resize(src, &mut dst, &options)
        .expect("resize");
    dst
}

/// `encode::encode_jpeg` for RGB.
fn encode_jpeg(image: &DynamicImage) -> Vec<u8> {
    let rgb = image.as_rgb8().expect("rgb");
    let mut bytes = Vec::with_capacity((rgb.width() * rgb.height()) as usize / 4);
    JpegEncoder::new_with_quality(&mut bytes, QUALITY)
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    bytes
}

/// Mean and max absolute difference of two same-size JPEG thumbnails' pixels.
fn difference(a: &[u8], b: &[u8]) -> (f64, u8) {
    let decode = |bytes| {
        image::load_from_memory(bytes)
            .expect("thumbnail")
            .into_rgb8()
    };
    let (a, b) = (decode(a), decode(b));
    assert_eq!(a.dimensions(), b.dimensions(), "thumbnail sizes differ");
    let diffs = || {
        a.as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| x.abs_diff(*y))
    };
    let sum: u64 = diffs().map(u64::from).sum();
    (
        sum as f64 / a.as_raw().len() as f64,
        diffs().max().unwrap_or(0),
    )
}

/// The inputs as plain baseline JPEGs at q90 (no restart markers, one interleaved
/// scan), which is what the DC-only path takes.
fn generate(dir: &Path) {
    for input in &INPUTS {
        let pixels = photo(input.size);
        let mut bytes = Vec::new();
        let mut encoder = Encoder::new(&mut bytes, 90);
        encoder.set_sampling_factor(input.sampling);
        let (w, h) = input.size;
        encoder
            .encode(pixels.as_raw(), w as u16, h as u16, ColorType::Rgb)
            .expect("jpeg");
        std::fs::write(dir.join(input.file), bytes).expect("write input");
    }
}

/// Photo-like: smooth gradients, soft blotches at a few scales, fine texture and
/// sensor-like noise, so neither decoder gets flat blocks for free.
fn photo((width, height): (u32, u32)) -> RgbImage {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 25) as f32 - 12.0;
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let blotch = 40.0 * (u * 9.0).sin() * (v * 7.0).cos() + 20.0 * (u * 31.0 + v * 17.0).sin();
        let texture = 12.0 * ((x as f32 * 0.21).sin() * (y as f32 * 0.17).cos());
        let channel = |base: f32| (base + blotch + texture + noise).clamp(0.0, 255.0) as u8;
        image::Rgb([
            channel(220.0 * u),
            channel(60.0 + 150.0 * v),
            channel(200.0 - 120.0 * u * v),
        ])
    })
}

/// Runs this binary as `--worker mode path`: wall time and max RSS (MiB).
fn child(mode: &str, path: &Path) -> (Duration, f64) {
    let start = Instant::now();
    // Reaped by wait4 below, which also gives the rusage `Child::wait` hides.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(std::env::current_exe().expect("own path"))
        .args(["--worker", mode])
        .arg(path)
        .spawn()
        .expect("spawn");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(
        pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "worker {mode} failed"
    );
    (start.elapsed(), usage.ru_maxrss as f64 / 1024.0)
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
