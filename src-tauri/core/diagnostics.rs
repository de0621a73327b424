//! "Copy diagnostics" / "Export diagnostics": one plain-text report a user can send
//! to support. App version, OS, gateway settings (never a key, proxy passwords
//! hidden), the jobs that went wrong with the gateway's last answer, and the end of
//! the log. As a last guard every
//! saved key is scrubbed from the text before it leaves this module.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::gateway::exchange::Exchange;
use crate::jobs::{JobRow, JobStatus, JobStore, ListQuery};
use crate::logs;
use crate::paths::{write_atomic, AppDirs};
use crate::state::AppState;

/// How much of the log goes in: enough for the last few jobs, small enough to paste.
const LOG_BYTES: usize = 48 * 1024;
/// The most recent jobs that went wrong.
const FAILED_JOBS: u32 = 20;
/// How much of a failed job's last answer goes in.
const EXCHANGE_BODY_CHARS: usize = 800;

/// The whole report as text.
pub fn report(state: &AppState, store: &JobStore) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(out, "Veo Desk diagnostics");
    let _ = writeln!(out, "Version: {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "System: {}", system());
    let _ = writeln!(out, "Created: {} (Unix ms)", crate::jobs::store::now_ms());
    let _ = writeln!(out, "Proxy variables: {}", proxy_variables());
    out.push_str("\n== Gateways ==\n");
    gateways(state, &mut out)?;
    out.push_str("\n== Jobs that went wrong (newest first) ==\n");
    failed_jobs(store, &mut out)?;
    out.push_str("\n== Recent log ==\n");
    out.push_str(&logs::recent(&state.dirs.logs(), LOG_BYTES));
    Ok(scrub_keys(state, out))
}

/// Writes the report to `dest`, or to the data folder when no place was picked.
pub fn export(state: &AppState, store: &JobStore, dest: Option<&Path>) -> Result<PathBuf> {
    let text = report(state, store)?;
    let path = match dest {
        Some(p) => p.to_path_buf(),
        None => default_file(&state.dirs),
    };
    write_atomic(&path, text.as_bytes())?;
    logs::info(format!("Diagnostics saved to {}", path.display()));
    Ok(path)
}

fn default_file(dirs: &AppDirs) -> PathBuf {
    dirs.data.join(format!(
        "veo-desk-diagnostics-{}.txt",
        crate::jobs::store::now_ms()
    ))
}

fn gateways(state: &AppState, out: &mut String) -> Result<()> {
    let profiles = state.profiles()?;
    let active = profiles.active().map(|p| p.id.clone());
    if profiles.list().is_empty() {
        out.push_str("(none)\n");
    }
    for p in profiles.list() {
        let key = if p.demo {
            "not needed (demo)".to_string()
        } else {
            let status = state.keys.status(&p.id);
            match (status.saved, status.problem) {
                (_, Some(problem)) => format!("unavailable: {problem}"),
                (true, None) => "saved".to_string(),
                (false, None) => "none saved".to_string(),
            }
        };
        let _ = writeln!(
            out,
            "- {}{}: {} (model {}); key {}; proxy {}; CA file {}",
            p.name,
            if active.as_deref() == Some(p.id.as_str()) {
                " [active]"
            } else {
                ""
            },
            p.base_url,
            p.default_model,
            key,
            crate::profile_form::shown_proxy(state, p).unwrap_or_else(|| "from the system".into()),
            p.network.ca_file.as_deref().unwrap_or("none"),
        );
    }
    Ok(())
}

fn failed_jobs(store: &JobStore, out: &mut String) -> Result<()> {
    let page = store.list(&ListQuery {
        statuses: vec![JobStatus::Failed, JobStatus::Uncertain, JobStatus::Expired],
        limit: FAILED_JOBS,
        ..Default::default()
    })?;
    if page.jobs.is_empty() {
        out.push_str("(none)\n");
    }
    for job in &page.jobs {
        describe_job(job, out);
        if let Some(last) = store.exchanges(&job.id)?.last() {
            describe_exchange(last, out);
        }
    }
    Ok(())
}

/// Enough of a failed job's last exchange to see what the gateway said.
fn describe_exchange(x: &Exchange, out: &mut String) {
    let answer = x
        .status
        .map_or_else(|| "no answer".to_string(), |s| format!("HTTP {s}"));
    let _ = writeln!(
        out,
        "    last request: {} {} -> {answer} in {} ms",
        x.method, x.url, x.elapsed_ms
    );
    if let Some(error) = &x.error {
        let _ = writeln!(out, "    problem: {error}");
    }
    let body: String = x.response_body.chars().take(EXCHANGE_BODY_CHARS).collect();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "    | {line}");
    }
}

fn describe_job(job: &JobRow, out: &mut String) {
    let _ = writeln!(
        out,
        "- job {} (gateway id {}), {} {}s {}, created {}: {}",
        job.id,
        job.remote_id.as_deref().unwrap_or("none"),
        job.model,
        job.seconds,
        job.size,
        job.created_at,
        job.status.as_str(),
    );
    for (code, message) in [
        (&job.error_code, &job.error),
        (&job.download_error_code, &job.download_error),
    ] {
        if let (Some(code), Some(message)) = (code, message) {
            let _ = writeln!(out, "    {code}: {message}");
        }
    }
    if let Some(server) = &job.server_status {
        let _ = writeln!(out, "    gateway status: {server}");
    }
}

/// Names of the proxy variables that are set, with passwords hidden.
fn proxy_variables() -> String {
    let set: Vec<String> = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ]
    .iter()
    .filter_map(|name| {
        let value = std::env::var(name).ok().filter(|v| !v.is_empty())?;
        let shown = if name.eq_ignore_ascii_case("NO_PROXY") {
            value
        } else {
            crate::gateway::Network {
                proxy: Some(value),
                ca_file: None,
            }
            .proxy_for_display()
            .unwrap_or_default()
        };
        Some(format!("{name}={shown}"))
    })
    .collect();
    if set.is_empty() {
        "none".into()
    } else {
        set.join(", ")
    }
}

fn system() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    let base = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    match pretty {
        Some(name) => format!("{base} ({name})"),
        None => base,
    }
}

/// Removes every saved key and proxy password from the text, whatever put it there.
fn scrub_keys(state: &AppState, mut text: String) -> String {
    let profiles: Vec<_> = match state.profiles() {
        Ok(p) => p.list().to_vec(),
        Err(_) => return text,
    };
    for profile in profiles {
        if let Ok(Some((key, _))) = state.keys.get(&profile.id) {
            text = scrub(text, key.expose(), "[your key]");
        }
        if !profile.network.proxy_has_user() {
            continue;
        }
        if let Ok(Some(password)) = state.keys.proxy_password(&profile.id) {
            text = scrub(text, password.expose(), "***");
        }
    }
    text
}

/// Short secrets are left: replacing every "ab" would garble the report.
fn scrub(text: String, secret: &str, shown: &str) -> String {
    if secret.len() >= 4 {
        text.replace(secret, shown)
    } else {
        text
    }
}
