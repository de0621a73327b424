//! Thumbnail benchmark, whole processes: our thumbnail vs `vipsthumbnail` vs a
//! naive `image` decode + resize, on a generated 24 MP photo as JPEG, PNG and
//! WebP. Run with `cargo bench --bench thumbnail`. Prints a table; asserts nothing.
//!
//! Each contender runs in its own process (this binary re-runs itself with
//! `--worker`), so start-up, reading the file and peak memory count for everyone
//! alike. Peak memory is the child's max RSS from `wait4`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, RgbImage};

const RUNS: usize = 5;
const WIDTH: u32 = 6000;
const HEIGHT: u32 = 4000;
const EDGE: u32 = 512;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--worker") {
        return worker(
            &args[i + 1],
            Path::new(&args[i + 2]),
            Path::new(&args[i + 3]),
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // Generated in a child process: on Linux a child's max RSS starts from its
    // parent's at spawn, so this process must stay small to measure others.
    self_worker("generate", dir.path(), dir.path());
    let inputs = inputs(dir.path());
    let vips = which("vipsthumbnail");
    if vips.is_none() {
        println!("vipsthumbnail not found (Debian: apt-get install libvips-tools); comparing with naive only");
    }
    println!("\n{RUNS} runs each, median; 24 MP ({WIDTH}x{HEIGHT}) → long edge {EDGE}\n");
    println!(
        "{:<6} {:<14} {:>9} {:>10} {:>10} {:>10} {:>11}",
        "input", "tool", "wall s", "peak MiB", "t/vips", "mem/vips", "naive/this"
    );
    for (label, input) in &inputs {
        let out = |tool: &str| dir.path().join(format!("out-{tool}-{label}.jpg"));
        let ours = measure(|| self_worker("ours", input, &out("ours")));
        let naive = measure(|| self_worker("naive", input, &out("naive")));
        let vips = vips
            .as_ref()
            .map(|v| measure(|| vips_thumbnail(v, input, &out("vips"))));
        let rows = [
            ("veo-desk", Some(ours)),
            ("vipsthumbnail", vips),
            ("naive image", Some(naive)),
        ];
        for (tool, m) in rows {
            let Some(m) = m else { continue };
            let vs_vips = |f: fn(&Measured) -> f64| {
                vips.map_or("-".into(), |v| format!("{:.2}", f(&m) / f(&v)))
            };
            println!(
                "{:<6} {:<14} {:>9.3} {:>10.1} {:>10} {:>10} {:>11.2}",
                label,
                tool,
                m.wall.as_secs_f64(),
                m.peak_mib,
                vs_vips(|m| m.wall.as_secs_f64()),
                vs_vips(|m| m.peak_mib),
                naive.wall.as_secs_f64() / m.wall.as_secs_f64()
            );
        }
    }
    // Not a thumbnail, but the other cost a user waits for: preparing the upload.
    for (label, input) in &inputs {
        let m = measure(|| self_worker("prepare", input, &dir.path().join("prepared")));
        println!(
            "veo-desk prepare 16:9 crop -> 1920x1080 from {label}: {:.3} s, peak {:.1} MiB",
            m.wall.as_secs_f64(),
            m.peak_mib
        );
    }
    println!("\ntargets (JPEG): t/vips ≤ 0.80, mem/vips ≤ 0.50, naive/this ≥ 2.00 for veo-desk");
    // Wall times move with other work on the machine; say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average during the run: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// One contender in this process: what the app does, or the naive way.
fn worker(mode: &str, input: &Path, output: &Path) {
    let bytes = match mode {
        "ours" => {
            veo_desk_core::images::render_thumbnail(input)
                .expect("thumbnail")
                .bytes
        }
        "generate" => return generate_inputs(input),
        "prepare" => {
            let options = veo_desk_core::images::PrepareOptions {
                aspect: "16:9".parse().expect("size"),
                fit: veo_desk_core::images::Fit::Crop,
                focus: veo_desk_core::images::Focus::default(),
            };
            veo_desk_core::images::prepare_reference(input, &options)
                .expect("prepare")
                .bytes
        }
        "naive" => {
            let small = image::open(input)
                .expect("decode")
                .thumbnail(EDGE, EDGE)
                .into_rgb8();
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, 82)
                .encode_image(&small)
                .expect("encode");
            out
        }
        other => panic!("unknown worker {other}"),
    };
    std::fs::write(output, bytes).expect("write thumbnail");
}

#[derive(Clone, Copy)]
struct Measured {
    wall: Duration,
    peak_mib: f64,
}

/// One warm-up run (page cache), then the median of `RUNS` for time and memory.
fn measure(run: impl Fn() -> Measured) -> Measured {
    run();
    let mut runs: Vec<Measured> = (0..RUNS).map(|_| run()).collect();
    runs.sort_by_key(|m| m.wall);
    let wall = runs[RUNS / 2].wall;
    let mut peaks: Vec<f64> = runs.iter().map(|m| m.peak_mib).collect();
    peaks.sort_by(f64::total_cmp);
    Measured {
        wall,
        peak_mib: peaks[RUNS / 2],
    }
}

fn self_worker(mode: &str, input: &Path, output: &Path) -> Measured {
    let exe = std::env::current_exe().expect("own path");
    let mut cmd = Command::new(exe);
    cmd.arg("--worker").arg(mode).arg(input).arg(output);
    timed(cmd)
}

fn vips_thumbnail(vips: &Path, input: &Path, output: &Path) -> Measured {
    let mut cmd = Command::new(vips);
    cmd.arg(input)
        .arg("-s")
        .arg(EDGE.to_string())
        .arg("-o")
        .arg(format!("{}[Q=82]", output.display()));
    timed(cmd)
}

/// Wall time from spawn to exit, and the child's peak RSS from `wait4`.
fn timed(mut cmd: Command) -> Measured {
    let start = Instant::now();
    // Reaped by wait4 below, which also gives the rusage `Child::wait` hides.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("spawn");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(
        pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed"
    );
    Measured {
        wall,
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// A photo-like 24 MP picture: smooth gradients plus sensor-like noise, so the
/// encoders cannot cheat on flat areas. As JPEG (q90, 4:2:2) it is ~9 MB, like
/// a 24 MP camera's fine JPEG.
fn photo() -> RgbImage {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 33) as i32 - 16;
        let r = (x * 255 / WIDTH) as i32 + noise;
        let g = (y * 255 / HEIGHT) as i32 + noise;
        let b = (((x / 300 + y / 300) % 2) * 120 + 60) as i32 + noise;
        image::Rgb([
            r.clamp(0, 255) as u8,
            g.clamp(0, 255) as u8,
            b.clamp(0, 255) as u8,
        ])
    })
}

fn inputs(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let files = [
        ("JPEG", "photo.jpg"),
        ("PNG", "photo.png"),
        ("WebP", "photo.webp"),
    ];
    files
        .into_iter()
        .map(|(label, name)| (label, dir.join(name)))
        .collect()
}

fn generate_inputs(dir: &Path) {
    let pixels = photo();
    let jpeg = dir.join("photo.jpg");
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&pixels)
        .expect("jpeg");
    std::fs::write(&jpeg, &bytes).expect("write jpeg");
    let png = dir.join("photo.png");
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            pixels.as_raw(),
            WIDTH,
            HEIGHT,
            image::ExtendedColorType::Rgb8,
        )
        .expect("png");
    std::fs::write(&png, &bytes).expect("write png");
    drop(pixels);
    let webp = dir.join("photo.webp");
    // Lossy WebP is what people actually have; vips makes one if present,
    // otherwise fall back to image's (lossless-only) encoder.
    let lossy = which("vips").is_some_and(|v| {
        Command::new(v)
            .arg("copy")
            .arg(&jpeg)
            .arg(format!("{}[Q=85]", webp.display()))
            .status()
            .is_ok_and(|s| s.success())
    });
    if !lossy {
        image::open(&jpeg)
            .expect("reopen")
            .save(&webp)
            .expect("webp");
    }
    for p in [&jpeg, &png, &webp] {
        let len = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        println!("input {}: {:.1} MB", p.display(), len as f64 / 1e6);
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}
