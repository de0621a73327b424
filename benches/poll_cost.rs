//! What following running jobs costs this process: 50 jobs on the simulator (each an hour
//! long), the real poller and the app's own way of making a gateway client per check
//! (`AppState::client_for_id`), with the window left out. Prints processor time per
//! status check and checks per second; not a test.
//!
//! ```text
//! cargo bench -p veo-desk-core --bench poll_cost -- [--seconds 20] [--compress 6]
//!     [--jobs 50] [--keychain] [--save FILE] [--against FILE]
//! ```
//!
//! - The simulator runs in a child process (this program again, `--serve-simulator`),
//!   so its own work is not counted; its processor time is printed beside.
//! - `--compress K` divides the polling policy's waits by K (2 s ... 12 s becomes
//!   2/K ... 12/K s): the same work per check, K times as many checks, so a short run
//!   gives a steady figure. `--compress 1` is the app's policy as it is.
//! - `--keychain` keeps the key in the OS keychain, as the app does (needs a session bus
//!   with an unlocked Secret Service: `dbus-run-session` and `gnome-keyring-daemon`);
//!   otherwise the key is kept in memory.
//! - `--save FILE` writes the figures; `--against FILE` prints them beside earlier ones.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use veo_desk_core::gateway::{ClientOptions, GatewayClient, PollPolicy, SubmitRequest};
use veo_desk_core::jobs::{ClientFor, EventSink, JobStore, Jobs, JobsOptions, NewJob};
use veo_desk_core::keychain::{KeyStore, OsKeychain, SessionKeys};
use veo_desk_core::paths::AppDirs;
use veo_desk_core::secret::ApiKey;
use veo_desk_core::simulator::{Dialect, Simulator};
use veo_desk_core::state::AppState;

const KEY: &str = "sk-bench-poll-cost-1357";
const SERVE: &str = "--serve-simulator";
/// The app's policy: a job's checks settle at one per 12 s.
const APP_CAP: Duration = Duration::from_secs(12);

struct Options {
    seconds: u64,
    compress: f64,
    jobs: usize,
    keychain: bool,
    save: Option<String>,
    against: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(SERVE) {
        return serve_simulator();
    }
    let options = parse(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let figures = runtime.block_on(measure(&options));
    report(&options, &figures);
}

fn parse(args: &[String]) -> Options {
    let mut o = Options {
        seconds: 20,
        compress: 6.0,
        jobs: 50,
        keychain: false,
        save: None,
        against: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_else(|| usage(arg));
        match arg.as_str() {
            "--seconds" => o.seconds = value().parse().unwrap_or_else(|_| usage(arg)),
            "--compress" => o.compress = value().parse().unwrap_or_else(|_| usage(arg)),
            "--jobs" => o.jobs = value().parse().unwrap_or_else(|_| usage(arg)),
            "--keychain" => o.keychain = true,
            "--save" => o.save = Some(value()),
            "--against" => o.against = Some(value()),
            // cargo bench passes `--bench`.
            "--bench" => {}
            _ => usage(arg),
        }
    }
    o.compress = o.compress.max(1.0);
    o
}

fn usage(arg: &str) -> ! {
    eprintln!("poll_cost: cannot use {arg:?}; see the head of benches/poll_cost.rs");
    std::process::exit(2);
}

/// The child: a simulator whose jobs take an hour; prints its address, then answers
/// each line on stdin with the number of requests it has had. Ends when stdin closes.
fn serve_simulator() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let sim = runtime.block_on(async {
        let sim = Simulator::start(Dialect::OpenAi)
            .await
            .expect("a simulator");
        sim.set_job_duration(Duration::from_secs(3600));
        sim
    });
    println!("{}", sim.base_url());
    // The server runs on this thread's runtime: keep it turning while stdin is read.
    let (lines, mut asked) = tokio::sync::mpsc::unbounded_channel::<()>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if line.is_err() || lines.send(()).is_err() {
                break;
            }
        }
    });
    runtime.block_on(async {
        while asked.recv().await.is_some() {
            println!("{}", sim.requests().len());
        }
    });
}

struct SimProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl SimProcess {
    fn start() -> (SimProcess, String) {
        let exe = std::env::current_exe().expect("this program");
        let mut child = Command::new(exe)
            .arg(SERVE)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the simulator's process");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut base = String::new();
        stdout.read_line(&mut base).expect("its address");
        let base = base.trim().to_string();
        (
            SimProcess {
                child,
                stdin,
                stdout,
            },
            base,
        )
    }

    fn requests(&mut self) -> u64 {
        writeln!(self.stdin).expect("asking the simulator");
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("its answer");
        line.trim().parse().expect("a count")
    }

    fn cpu(&self) -> Duration {
        process_cpu(&format!("/proc/{}/stat", self.child.id()))
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    checks: u64,
    seconds: f64,
    /// This process.
    cpu: f64,
    /// The simulator's process.
    simulator_cpu: f64,
    events: u64,
}

impl Figures {
    fn per_check_ms(&self) -> f64 {
        self.cpu * 1000.0 / self.checks.max(1) as f64
    }

    fn checks_per_second(&self) -> f64 {
        self.checks as f64 / self.seconds
    }

    /// Percent of one core: `--compress` undone, the app's own schedule at 50 jobs
    /// settled (one check per job per 12 s).
    fn app_percent(&self, jobs: usize) -> f64 {
        let rate = jobs as f64 / APP_CAP.as_secs_f64();
        self.per_check_ms() / 1000.0 * rate * 100.0
    }

    fn line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.checks, self.seconds, self.cpu, self.simulator_cpu, self.events
        )
    }

    fn read(text: &str) -> Option<Figures> {
        let v: Vec<&str> = text.split_whitespace().collect();
        Some(Figures {
            checks: v.first()?.parse().ok()?,
            seconds: v.get(1)?.parse().ok()?,
            cpu: v.get(2)?.parse().ok()?,
            simulator_cpu: v.get(3)?.parse().ok()?,
            events: v.get(4)?.parse().ok()?,
        })
    }
}

async fn measure(o: &Options) -> Figures {
    let (mut sim, base) = SimProcess::start();
    let home = tempfile::tempdir().expect("a temp folder");
    let dirs = AppDirs::under(home.path());
    let keychain: Box<dyn KeyStore> = match o.keychain {
        true => Box::new(OsKeychain::with_service("veo-desk-bench-poll-cost")),
        false => Box::new(SessionKeys::default()),
    };
    let state = Arc::new(AppState::open(dirs.clone(), keychain).expect("the app's state"));
    let profile = state
        .profiles()
        .unwrap()
        .for_address(&base)
        .expect("a profile");
    state
        .keys
        .save(&profile.id, &ApiKey::new(KEY).unwrap(), false)
        .expect("the key is kept");

    let store = JobStore::open(&dirs).expect("the history");
    let gateway = GatewayClient::new(&base, KEY, ClientOptions::default()).unwrap();
    let at = veo_desk_core::jobs::store::now_ms() - 1000;
    for i in 0..o.jobs {
        let request = SubmitRequest {
            prompt: format!("Shot {i}: a heron lifts off the river at dawn, slow dolly"),
            model: "veo3.1".into(),
            seconds: "8".into(),
            size: "16:9".into(),
            ..SubmitRequest::default()
        };
        let job = gateway.submit(&request).await.expect("a job");
        let row = store
            .insert_submitting(
                &NewJob {
                    profile_id: profile.id.clone(),
                    prompt: request.prompt,
                    model: request.model,
                    seconds: request.seconds,
                    size: request.size,
                    ..Default::default()
                },
                at,
            )
            .unwrap();
        store
            .mark_running(&row.id, &job.id, &job.raw_status, None, at)
            .unwrap();
    }

    // The app's sink sends each change to the window as JSON.
    let events = Arc::new(AtomicU64::new(0));
    let counted = events.clone();
    let sink: EventSink = Arc::new(move |event| {
        let json = serde_json::to_string(&event.job).unwrap();
        std::hint::black_box(json);
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let for_jobs = state.clone();
    let client_for: ClientFor = Arc::new(move |id| for_jobs.client_for_id(id));
    let app = PollPolicy::default();
    let options = JobsOptions {
        poll: PollPolicy {
            first: app.first.div_f64(o.compress),
            max: app.max.div_f64(o.compress),
            ..app
        },
        ..JobsOptions::new(home.path().join("videos"))
    };
    let jobs = Jobs::start(store, client_for, sink, options).expect("the poller");

    // Past the ramp (2 s, 3 s, 4.5 s ... to the cap) before measuring.
    let warm = (Duration::from_secs(40).div_f64(o.compress)).max(Duration::from_secs(3));
    tokio::time::sleep(warm).await;
    let (checks, cpu, sim_cpu, seen) = (
        sim.requests(),
        own_cpu(),
        sim.cpu(),
        events.load(Ordering::Relaxed),
    );
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(o.seconds)).await;
    let figures = Figures {
        checks: sim.requests() - checks,
        seconds: started.elapsed().as_secs_f64(),
        cpu: (own_cpu() - cpu).as_secs_f64(),
        simulator_cpu: (sim.cpu() - sim_cpu).as_secs_f64(),
        events: events.load(Ordering::Relaxed) - seen,
    };
    drop(jobs);
    figures
}

/// A figure's name, how it is worked out (from the figures and the number of jobs), its unit.
type Row = (&'static str, fn(&Figures, usize) -> f64, &'static str);

fn report(o: &Options, now: &Figures) {
    let before = o
        .against
        .as_ref()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| Figures::read(&text));
    println!(
        "following {} running jobs for {:.0} s, waits divided by {} (this process; the simulator apart)",
        o.jobs, now.seconds, o.compress
    );
    let rows: [Row; 5] = [
        ("processor time per check", |f, _| f.per_check_ms(), "ms"),
        ("checks per second", |f, _| f.checks_per_second(), "/s"),
        (
            "this process, % of one core",
            |f, _| f.cpu / f.seconds * 100.0,
            "%",
        ),
        (
            "at the app's pace (one check per job per 12 s)",
            |f, jobs| f.app_percent(jobs),
            "% of a core (target: under 1)",
        ),
        (
            "the simulator's process, per check",
            |f, _| f.simulator_cpu * 1000.0 / f.checks.max(1) as f64,
            "ms",
        ),
    ];
    match before {
        Some(before) => {
            println!("  {:<48} {:>9} {:>9} {:>7}", "", "before", "now", "ratio");
            for (name, value, unit) in rows {
                let (b, n) = (value(&before, o.jobs), value(now, o.jobs));
                println!(
                    "  {name:<48} {b:>9.3} {n:>9.3} {:>6.2}x  {unit}",
                    n / b.max(f64::MIN_POSITIVE)
                );
            }
        }
        None => {
            for (name, value, unit) in rows {
                println!("  {name:<48} {:>9.3} {unit}", value(now, o.jobs));
            }
        }
    }
    println!(
        "  {} checks, {} job-changed events ({:.2} per check)",
        now.checks,
        now.events,
        now.events as f64 / now.checks.max(1) as f64
    );
    if let Some(path) = &o.save {
        std::fs::write(path, now.line()).expect("the figures are saved");
    }
}

/// This process's processor time, every thread's (also those that have ended).
fn own_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// User and system time of a process from `/proc/PID/stat`, in clock ticks of 10 ms.
fn process_cpu(path: &str) -> Duration {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let after_name = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state, ppid ... then utime and stime, the 12th and 13th.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}
