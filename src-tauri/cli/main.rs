//! `veo-desk-cli`: make videos from a terminal with the app's own core. Same gateways
//! and keys, same history (its jobs appear in the app and resume there), same checks,
//! polling policy and downloads. Results go to stdout (`--json`: one object per job),
//! progress and messages to stderr.

mod batch_file;
mod commands;
mod exit;
mod report;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Make AI videos through your Veo Desk gateways from the command line.
///
/// The API key comes from the gateway's keychain entry, or from VEO_DESK_API_KEY for
/// the gateway given with --base-url; never from an argument. Exit codes: 0 success,
/// 1 local problem (disk, history), 2 bad input, 3 refused by the gateway, 4 the job
/// failed, 5 the request may have created a job (its answer was lost).
#[derive(Parser)]
#[command(name = "veo-desk-cli", version)]
struct Cli {
    #[command(flatten)]
    gateway: GatewayArgs,
    /// Print machine-readable results on stdout: one JSON object per job.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Which gateway to use; the active one in Veo Desk when neither is given.
#[derive(Args, Clone, Default)]
pub struct GatewayArgs {
    /// A gateway saved in Veo Desk, by name.
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "base_url")]
    pub profile: Option<String>,
    /// A gateway address (e.g. https://api.example.com/v1). With VEO_DESK_API_KEY set
    /// no keychain is needed; that key goes to this gateway only (for status and
    /// download: to jobs made on it).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Send one video request; with --wait, follow it and save the video.
    Submit(Box<SubmitArgs>),
    /// Show a job from the history (asks the gateway when it is still running).
    Status {
        /// The job's id in the history, or the gateway's id for it.
        id: String,
    },
    /// Save a finished job's video (waits while it is still being made).
    Download {
        id: String,
        /// Folder for the video (default: the app's download folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The newest jobs in the history.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Save a video's first frame, or with --last its last one, as a PNG or JPEG (by
    /// the --out file's extension): the last frame of a shot starts the next one.
    Frame {
        video: PathBuf,
        #[arg(long)]
        last: bool,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Join saved clips, in the order given, into one film without re-encoding. Clips
    /// must share picture size and encoding (Veo's do for one resolution); when they
    /// differ, nothing is written and the message says which clip differs and how.
    Stitch {
        #[arg(required = true, num_args = 1.., value_name = "CLIP")]
        clips: Vec<PathBuf>,
        #[arg(long, value_name = "FILM")]
        out: PathBuf,
    },
    /// Make every video in a CSV or JSON Lines file (columns: prompt, model, seconds,
    /// size, resolution, image), a few at a time, and save them.
    Batch {
        file: PathBuf,
        /// Jobs on the gateway at once.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Args)]
pub struct SubmitArgs {
    #[arg(long)]
    pub prompt: String,
    #[arg(long)]
    pub model: String,
    /// Length in seconds (default: the model's).
    #[arg(long)]
    pub seconds: Option<String>,
    /// Aspect: 16:9 or 9:16 (default: the model's).
    #[arg(long)]
    pub size: Option<String>,
    /// 720p or 1080p (Veo makes 1080p only at 8 seconds); default: the gateway's.
    #[arg(long, value_parser = ["720p", "1080p"])]
    pub resolution: Option<String>,
    /// A reference picture (JPEG, PNG or WebP), fitted to --size as in the app.
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// How the picture is fitted to --size.
    #[arg(long, default_value = "crop", value_parser = ["crop", "pad", "none"])]
    pub fit: String,
    /// The frame the video ends on, after --image, where the model takes one.
    #[arg(long, value_name = "PATH")]
    pub last_frame: Option<PathBuf>,
    /// A picture of a character or thing to keep, instead of --image (repeatable;
    /// Veo: up to 3, at 8 seconds). Sent as it is.
    #[arg(long = "reference-image", value_name = "PATH")]
    pub reference_images: Vec<PathBuf>,
    /// An extra form field the gateway forwards to the model (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Follow the job until it ends and save the video.
    #[arg(long)]
    pub wait: bool,
    /// Folder for the video (default: the app's download folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = report::Output { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return out.error(&veo_desk_core::Error::io(
                veo_desk_core::texts::ACTION_START,
                e,
            ))
        }
    };
    let code = runtime.block_on(async {
        let result = match cli.command {
            Command::Submit(args) => commands::submit(&cli.gateway, *args, &out).await,
            Command::Status { id } => commands::status(&cli.gateway, &id, &out).await,
            Command::Download { id, out: dir } => {
                commands::download(&cli.gateway, &id, dir, &out).await
            }
            Command::List { limit } => commands::list(limit, &out),
            Command::Frame {
                video,
                last,
                out: file,
            } => commands::frame(&video, last, &file, &out),
            Command::Stitch { clips, out: film } => commands::stitch(&clips, &film, &out),
            Command::Batch {
                file,
                concurrency,
                out: dir,
            } => commands::batch(&cli.gateway, &file, concurrency.into(), dir, &out).await,
        };
        match result {
            Ok(code) => ExitCode::from(code),
            Err(e) => out.error(&e),
        }
    });
    // Drop the runtime without waiting on background tasks (the poller).
    runtime.shutdown_background();
    code
}
