//! How fast four 8 s 1080p clips (H.264 + AAC, as Veo's) join into one film, and how
//! much memory that takes. Not a test: it prints the figures. Needs ffmpeg to make the
//! clips. `cargo bench -p veo-desk-core --bench stitch` (add `--profile dev` for a quick
//! figure without a release build).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use veo_desk_core::media;

const CLIPS: usize = 4;
const SECONDS: u32 = 8;
const RUNS: usize = 5;

fn main() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let clips: Vec<PathBuf> = (0..CLIPS).map(|i| make_clip(dir.path(), i)).collect();
    let paths: Vec<&Path> = clips.iter().map(PathBuf::as_path).collect();
    let input: u64 = clips
        .iter()
        .map(|c| std::fs::metadata(c).unwrap().len())
        .sum();
    let out = dir.path().join("film.mp4");
    let mut times = Vec::new();
    let mut made = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        made = Some(media::stitch(&paths, &out).expect("the film is made"));
        times.push(start.elapsed());
    }
    let made = made.expect("one run");
    assert_eq!(made.frames, u64::from(SECONDS) * 24 * CLIPS as u64);
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "{CLIPS} × {SECONDS} s 1080p clips ({:.1} MB) → one {:.1} s film of {:.1} MB: median {median:?} \
         (min {:?}, max {:?}) over {RUNS} runs, {:.0} MB/s (OS file cache warm)",
        input as f64 / 1e6,
        made.duration_ms as f64 / 1000.0,
        made.bytes as f64 / 1e6,
        times[0],
        times[RUNS - 1],
        made.bytes as f64 / 1e6 / median.as_secs_f64().max(1e-9),
    );
    if let Some(peak) = peak_memory() {
        println!("peak memory of the whole bench process: {peak}");
    }
}

/// Clip `i`: moving test pictures and a tone, encoded quickly (x264 ultrafast, AAC).
fn make_clip(dir: &Path, i: usize) -> PathBuf {
    let path = dir.join(format!("clip{i}.mp4"));
    let t = SECONDS.to_string();
    let tone = format!("sine=frequency={}:sample_rate=48000", 440 + 110 * i);
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args([
            "-f",
            "lavfi",
            "-t",
            &t,
            "-i",
            "testsrc2=size=1920x1080:rate=24",
        ])
        .args(["-f", "lavfi", "-t", &t, "-i", &tone])
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .args([
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
        ])
        .arg(&path)
        .status()
        .expect("ffmpeg makes the clips (scripts/lib/setup.sh installs it)");
    assert!(status.success(), "ffmpeg failed");
    path
}

/// The process's peak resident memory (Linux), as the kernel counts it.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_string())
}
