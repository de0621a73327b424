use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::VideoSource;

/// A file of 1000 known bytes (each byte its offset mod 251).
fn video(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let path = dir.join("heron.mp4");
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// One request as a player (or anyone else on this machine) would send it.
async fn ask(url: &str, method: &str, host: Option<&str>, extra: &str) -> Answer {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let host = host.unwrap_or(addr);
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = headers[9..12].parse().unwrap();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[tokio::test]
async fn a_whole_file_is_served_with_its_length_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = video(dir.path());
    let source = VideoSource::start().await.unwrap();
    let url = source.url_for(&path);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let answer = ask(&url, "GET", None, "").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, bytes);
    assert_eq!(answer.header("content-type"), Some("video/mp4"));
    assert_eq!(answer.header("content-length"), Some("1000"));
    assert_eq!(answer.header("accept-ranges"), Some("bytes"));
}

#[tokio::test]
async fn a_range_gets_just_those_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = video(dir.path());
    let source = VideoSource::start().await.unwrap();
    let url = source.url_for(&path);

    let middle = ask(&url, "GET", None, "Range: bytes=100-199\r\n").await;
    assert_eq!(middle.status, 206);
    assert_eq!(middle.body, &bytes[100..200]);
    assert_eq!(middle.header("content-range"), Some("bytes 100-199/1000"));

    let rest = ask(&url, "GET", None, "Range: bytes=990-\r\n").await;
    assert_eq!(rest.body, &bytes[990..]);
    let tail = ask(&url, "GET", None, "Range: bytes=-5\r\n").await;
    assert_eq!(tail.body, &bytes[995..]);
    assert_eq!(tail.header("content-range"), Some("bytes 995-999/1000"));

    let past_the_end = ask(&url, "GET", None, "Range: bytes=5000-\r\n").await;
    assert_eq!(past_the_end.status, 416);
    assert_eq!(past_the_end.header("content-range"), Some("bytes */1000"));
}

#[tokio::test]
async fn head_says_the_size_without_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = video(dir.path());
    let source = VideoSource::start().await.unwrap();
    let answer = ask(&source.url_for(&path), "HEAD", None, "").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-length"), Some("1000"));
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn only_files_handed_out_are_served_and_only_to_the_server_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = video(dir.path());
    let source = VideoSource::start().await.unwrap();
    let url = source.url_for(&path);
    assert_eq!(source.url_for(&path), url, "one address per file");
    let other = source.url_for(&dir.path().join("other.mp4"));
    assert_ne!(other, url);

    let base = url.rsplit_once('/').unwrap().0;
    let guessed = ask(&format!("{base}/0000.mp4"), "GET", None, "").await;
    assert_eq!(guessed.status, 404);
    let escaped = ask(&format!("{base}/../../etc/passwd"), "GET", None, "").await;
    assert_eq!(escaped.status, 404);
    // A page whose own name resolves to 127.0.0.1 sends that name as the Host.
    let rebound = ask(&url, "GET", Some("attacker.example:80"), "").await;
    assert_eq!(rebound.status, 403);
    assert!(rebound.body.is_empty());
    let written = ask(&url, "PUT", None, "Content-Length: 0\r\n").await;
    assert_eq!(written.status, 405);
    assert_eq!(std::fs::read(&path).unwrap().len(), 1000);
}

#[tokio::test]
async fn a_file_removed_since_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = video(dir.path());
    let source = VideoSource::start().await.unwrap();
    let url = source.url_for(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(ask(&url, "GET", None, "").await.status, 404);
}
