//! One function per subcommand, each returning the exit code.

use std::path::{Path, PathBuf};

use veo_desk_core::desk::Desk;
use veo_desk_core::gateway::Catalog;
use veo_desk_core::images::Focus;
use veo_desk_core::jobs::file_name::free_path;
use veo_desk_core::jobs::request::{ImageChoice, JobInput, Prepared};
use veo_desk_core::jobs::{self, JobRow, JobStatus, ListQuery};
use veo_desk_core::paths::{at, io_error};
use veo_desk_core::problem::Problem;
use veo_desk_core::{texts, Error, Result};

use crate::batch_file::{self, BatchRow};
use crate::exit;
use crate::report::{describe, problem, say, show, warn_mismatches, Output, Progress};
use crate::session::{wait_settled, Session};
use crate::{GatewayArgs, SubmitArgs};

pub async fn submit(gateway: &GatewayArgs, args: SubmitArgs, out: &Output) -> Result<u8> {
    let session = Session::open()?;
    let profile = session.profile(gateway)?;
    // A missing key or a bad address stops here, before anything is stored.
    session.client(&profile.id)?;
    let catalog = session.state.catalog()?;
    let input = JobInput {
        seconds: or_default(&catalog, args.seconds, &args.model, Fallback::Seconds),
        size: or_default(&catalog, args.size, &args.model, Fallback::Size),
        prompt: args.prompt,
        model: args.model,
        image: args.image.map(|path| fitted(path, &args.fit)),
        last_frame: args.last_frame.map(|path| fitted(path, &args.fit)),
        reference_images: (args.reference_images.into_iter())
            .map(|path| fitted(path, "none"))
            .collect(),
        resolution: args.resolution,
        extra_fields: parse_fields(&args.fields)?,
        continues: None,
    };
    let prepared = Desk::prepare(&session.state, input)?;
    let jobs = session.jobs(args.out.clone(), 1)?;
    let changes = jobs.subscribe();
    say!("Sending to {}…", profile.name);
    let row = Desk::new(&session.state, &jobs)
        .submit(&profile, prepared, None)
        .await?;
    if !args.wait || row.is_settled() {
        return Ok(finish_unwaited(&row, out));
    }
    if let Some(remote) = &row.remote_id {
        say!("Accepted by the gateway as {remote}.");
    }
    let mut progress = Progress::default();
    let rows = wait_settled(&session.store, changes, &[row.id], &mut progress).await?;
    Ok(finish_waited(&rows[0], out))
}

fn fitted(path: PathBuf, fit: &str) -> ImageChoice {
    ImageChoice {
        path,
        fit: Some(fit.to_string()),
        focus: Focus::default(),
    }
}

/// Sent (or refused): the id to follow it with, or why it was not made.
fn finish_unwaited(row: &JobRow, out: &Output) -> u8 {
    let code = exit::for_row(row, false);
    match problem(row) {
        Some((_, message)) => say!("{}: {message}", describe(row)),
        None => say!(
            "Sent. Follow it with: veo-desk-cli status {}  (it also appears in Veo Desk)",
            row.id
        ),
    }
    out.job(row, code, &row.id);
    code
}

fn finish_waited(row: &JobRow, out: &Output) -> u8 {
    let code = exit::for_row(row, true);
    if let (Some((_, message)), false) = (problem(row), code == exit::OK) {
        say!("{}: {message}", describe(row));
    }
    warn_mismatches(row);
    out.job(row, code, row.file_path.as_deref().unwrap_or(""));
    code
}

pub async fn status(gateway: &GatewayArgs, id: &str, out: &Output) -> Result<u8> {
    let session = Session::open()?;
    session.key_for_address(gateway)?;
    let row = find(&session, id)?;
    if let (JobStatus::Running, Some(remote)) = (row.status, &row.remote_id) {
        // The history may be behind when no app follows the job: ask the gateway.
        let live = async {
            let client = session.client(&row.profile_id)?;
            Ok::<_, Error>(client.status(remote).await?)
        };
        match live.await {
            Ok(job) => say!(
                "The gateway says \"{}\"{}.",
                job.raw_status,
                job.progress
                    .map_or(String::new(), |p| format!(", {}%", p.round()))
            ),
            Err(e) => say!("The gateway could not be asked: {e}"),
        }
    }
    if let Some((_, message)) = problem(&row) {
        say!("{message}");
    }
    warn_mismatches(&row);
    out.line(&row);
    Ok(exit::for_row(&row, false))
}

pub async fn download(
    gateway: &GatewayArgs,
    id: &str,
    dir: Option<PathBuf>,
    out: &Output,
) -> Result<u8> {
    let session = Session::open()?;
    session.key_for_address(gateway)?;
    let row = find(&session, id)?;
    let row = match row.status {
        JobStatus::Downloaded => row,
        JobStatus::Running | JobStatus::Completed => {
            // Without a key the job could only be waited on forever.
            session.client(&row.profile_id)?;
            let jobs = session.jobs(dir.clone(), 1)?;
            let changes = jobs.subscribe();
            if row.download_error_code.is_some() {
                jobs.retry_download(&row.id)?;
            }
            Desk::new(&session.state, &jobs).follow(&row.id);
            let mut progress = Progress::default();
            let rows = wait_settled(&session.store, changes, &[row.id], &mut progress).await?;
            rows.into_iter().next().unwrap_or_else(|| unreachable!())
        }
        _ => {
            let code = exit::for_row(&row, true);
            let why = problem(&row)
                .map(|(_, message)| message)
                .unwrap_or_default();
            say!("There is no video to save: {} {why}", describe(&row));
            out.job(&row, code, "");
            return Ok(code);
        }
    };
    let row = match (&dir, row.status) {
        (Some(dir), JobStatus::Downloaded) => copy_into(&row, dir)?,
        _ => row,
    };
    Ok(finish_waited(&row, out))
}

/// A video saved earlier elsewhere, copied into the folder asked for.
fn copy_into(row: &JobRow, dir: &Path) -> Result<JobRow> {
    let Some(file) = row.file_path.as_deref().map(Path::new) else {
        return Ok(row.clone());
    };
    if file.parent() == Some(dir) {
        return Ok(row.clone());
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(at(texts::COULD_NOT_CREATE, dir), e))?;
    let name = file.file_name().unwrap_or(file.as_os_str());
    // The app's Save as, into a name not taken yet.
    let target = jobs::save_copy(row, &free_path(dir, &name.to_string_lossy()))?;
    let mut copied = row.clone();
    copied.file_path = Some(target.to_string_lossy().into_owned());
    Ok(copied)
}

pub fn list(limit: u32, out: &Output) -> Result<u8> {
    let session = Session::open()?;
    let page = session.store.list(&ListQuery {
        limit,
        ..Default::default()
    })?;
    if page.jobs.is_empty() && !out.json {
        say!("The history is empty.");
    }
    for row in &page.jobs {
        out.line(row);
    }
    Ok(exit::OK)
}

pub fn frame(video: &Path, last: bool, file: &Path, out: &Output) -> Result<u8> {
    let frame = if last {
        veo_desk_core::media::last_frame(video)?
    } else {
        veo_desk_core::media::first_frame(video)?
    };
    veo_desk_core::media::save_frame(&frame, file)?;
    if out.json {
        let saved =
            serde_json::json!({ "frame": file, "width": frame.width(), "height": frame.height() });
        println!("{saved}");
    } else {
        show!(
            "Saved the {} frame ({}×{}) as {}",
            if last { "last" } else { "first" },
            frame.width(),
            frame.height(),
            file.display()
        );
    }
    Ok(exit::OK)
}

pub fn stitch(clips: &[PathBuf], film: &Path, out: &Output) -> Result<u8> {
    let clips: Vec<&Path> = clips.iter().map(PathBuf::as_path).collect();
    let made = veo_desk_core::media::stitch(&clips, film)?;
    if out.json {
        let report = serde_json::json!({
            "film": film,
            "clips": made.clips,
            "width": made.width,
            "height": made.height,
            "duration_ms": made.duration_ms,
            "has_sound": made.has_sound,
        });
        println!("{report}");
    } else {
        show!(
            "Joined {} clips into {} ({}×{}, {:.1} s{})",
            made.clips,
            film.display(),
            made.width,
            made.height,
            made.duration_ms as f64 / 1000.0,
            if made.has_sound { "" } else { ", no sound" }
        );
    }
    Ok(exit::OK)
}

pub async fn batch(
    gateway: &GatewayArgs,
    file: &Path,
    concurrency: usize,
    dir: Option<PathBuf>,
    out: &Output,
) -> Result<u8> {
    let session = Session::open()?;
    let rows = batch_file::read(file)?;
    jobs::check_batch_size(rows.len())?;
    let profile = session.profile(gateway)?;
    session.client(&profile.id)?;
    // Every row is checked before the first is sent: a typo on line 9 costs nothing.
    let requests = rows
        .iter()
        .map(|row| prepare_row(&session, row, &profile.default_model))
        .collect::<Result<Vec<_>>>()?;
    let jobs = session.jobs(dir, concurrency)?;
    let changes = jobs.subscribe();
    say!(
        "Sending {} jobs to {}, {} at a time…",
        requests.len(),
        profile.name,
        concurrency
    );
    let queued = Desk::new(&session.state, &jobs)
        .enqueue(&profile, requests)
        .await?;
    let mut progress = Progress::default();
    for (stored, row) in queued.iter().zip(&rows) {
        progress.label(&stored.id, format!("line {}", row.line));
    }
    let ids: Vec<String> = queued.iter().map(|r| r.id.clone()).collect();
    let done = wait_settled(&session.store, changes, &ids, &mut progress).await?;
    let mut code = exit::OK;
    for row in &done {
        let row_code = exit::for_row(row, true);
        warn_mismatches(row);
        if code == exit::OK {
            code = row_code;
        }
        out.job(row, row_code, row.file_path.as_deref().unwrap_or(""));
    }
    let saved = done
        .iter()
        .filter(|r| r.status == JobStatus::Downloaded)
        .count();
    say!("{saved} of {} videos saved.", done.len());
    Ok(code)
}

fn prepare_row(session: &Session, row: &BatchRow, default_model: &str) -> Result<Prepared> {
    let model = row
        .model
        .clone()
        .unwrap_or_else(|| default_model.to_string());
    let catalog = session.state.catalog()?;
    let input = JobInput {
        prompt: row.prompt.clone(),
        seconds: or_default(&catalog, row.seconds.clone(), &model, Fallback::Seconds),
        size: or_default(&catalog, row.size.clone(), &model, Fallback::Size),
        model,
        image: row.image.clone().map(|path| ImageChoice {
            path,
            fit: row.fit.clone(),
            focus: Focus::default(),
        }),
        resolution: row.resolution.clone(),
        extra_fields: Vec::new(),
        ..Default::default()
    };
    Desk::prepare(&session.state, input).map_err(|e| match e {
        Error::Io { .. } | Error::Store(_) | Error::Internal(_) => e,
        other => Error::invalid_input(on_line(row.line, &other)),
    })
}

/// A batch line's problem: the command line words it in English, so the line's own
/// sentence is kept whole and the gateway's words stay apart.
fn on_line(line: usize, e: &Error) -> Problem {
    let mut inner = e.problem();
    let said = inner.server_text.take();
    Problem::new(texts::CLI_LINE_PROBLEM)
        .with("line", line)
        .with("problem", inner.english())
        .said(said)
}

enum Fallback {
    Seconds,
    Size,
}

/// The model's own default when the user gave none (8 s, 16:9 for Veo 3.1).
fn or_default(catalog: &Catalog, given: Option<String>, model: &str, which: Fallback) -> String {
    given.unwrap_or_else(|| {
        let spec = catalog.get(model.trim()).cloned();
        match which {
            Fallback::Seconds => spec
                .and_then(|s| s.default_seconds())
                .map_or("8".into(), |s| s.to_string()),
            Fallback::Size => spec
                .and_then(|s| s.default_size().map(str::to_string))
                .unwrap_or_else(|| "16:9".into()),
        }
    })
}

/// `KEY=VALUE` pairs for extra form fields.
fn parse_fields(fields: &[String]) -> Result<Vec<(String, String)>> {
    fields
        .iter()
        .map(|field| match field.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Ok((key.trim().to_string(), value.to_string()))
            }
            _ => Err(Error::invalid_input(
                Problem::new(texts::CLI_BAD_FIELD).with("field", field),
            )),
        })
        .collect()
}

fn find(session: &Session, id: &str) -> Result<JobRow> {
    session
        .store
        .find(id.trim())?
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::CLI_NO_SUCH_JOB).with("id", id)))
}
