//! Batch files: CSV with a header row, or JSON Lines (one object per line). Columns
//! are `prompt`, `model`, `seconds`, `size`, `image` (and optionally `fit`); only
//! `prompt` is required. Image paths are relative to the batch file's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use veo_desk_core::paths::{at, io_error};
use veo_desk_core::problem::Problem;
use veo_desk_core::{texts, Error, Result};

/// One row as written, with where it came from for messages.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BatchRow {
    #[serde(skip)]
    pub line: usize,
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub seconds: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub image: Option<PathBuf>,
    #[serde(default)]
    pub fit: Option<String>,
}

pub fn read(path: &Path) -> Result<Vec<BatchRow>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| io_error(at(texts::COULD_NOT_READ_FILE, path), e))?;
    let json_lines = text.trim_start().starts_with('{');
    let mut rows = match json_lines {
        true => parse_json_lines(&text)?,
        false => parse_csv(&text)?,
    };
    rows.retain(|r| !r.prompt.trim().is_empty() || r.model.is_some());
    if rows.is_empty() {
        return Err(Error::invalid_input(at(texts::CLI_BATCH_FILE_EMPTY, path)));
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    for row in &mut rows {
        row.image = row
            .image
            .take()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| folder.join(p));
        row.model = row.model.take().filter(|m| !m.trim().is_empty());
        row.seconds = row.seconds.take().filter(|s| !s.trim().is_empty());
        row.size = row.size.take().filter(|s| !s.trim().is_empty());
        row.resolution = row.resolution.take().filter(|s| !s.trim().is_empty());
    }
    Ok(rows)
}

fn parse_json_lines(text: &str) -> Result<Vec<BatchRow>> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut row: BatchRow = serde_json::from_str(line).map_err(|e| {
            Error::invalid_input(
                Problem::new(texts::CLI_BAD_JSON_LINE)
                    .with("line", index + 1)
                    .with("detail", e),
            )
        })?;
        row.line = index + 1;
        rows.push(row);
    }
    Ok(rows)
}

fn parse_csv(text: &str) -> Result<Vec<BatchRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad_csv(1, &e))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect::<Vec<_>>();
    if !headers.iter().any(|h| h == "prompt") {
        return Err(Error::invalid_input(Problem::new(
            texts::CLI_CSV_WITHOUT_HEADER,
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad_csv(0, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(str::to_string)
        };
        rows.push(BatchRow {
            line,
            prompt: get("prompt").unwrap_or_default(),
            model: get("model"),
            seconds: get("seconds"),
            size: get("size"),
            resolution: get("resolution"),
            image: get("image").map(PathBuf::from),
            fit: get("fit"),
        });
    }
    Ok(rows)
}

fn bad_csv(line: usize, e: &csv::Error) -> Error {
    let line = e.position().map_or(line, |p| p.line() as usize);
    Error::invalid_input(
        Problem::new(texts::CLI_BAD_CSV_LINE)
            .with("line", line)
            .with("detail", e),
    )
}

/// `"8"` and `8` both mean eight seconds.
fn text_or_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(match value {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn csv_rows_keep_quoted_commas_and_resolve_images_next_to_the_file() {
        let (dir, path) = write(
            "jobs.csv",
            "prompt,model,seconds,size,image\n\"A boat, at dawn\",veo3.1,8,9:16,pic.png\nA fox,,,,\n",
        );
        let rows = read(&path).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].prompt, "A boat, at dawn");
        assert_eq!(rows[0].size.as_deref(), Some("9:16"));
        assert_eq!(
            rows[0].image.as_deref(),
            Some(dir.path().join("pic.png").as_path())
        );
        assert_eq!(
            (rows[1].model.as_deref(), rows[1].image.as_deref()),
            (None, None)
        );
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn json_lines_take_numbers_or_text_for_seconds() {
        let (_dir, path) = write(
            "jobs.jsonl",
            "{\"prompt\":\"a\",\"model\":\"veo3.1\",\"seconds\":6}\n\n{\"prompt\":\"b\",\"seconds\":\"4\"}\n",
        );
        let rows = read(&path).unwrap();
        assert_eq!(rows[0].seconds.as_deref(), Some("6"));
        assert_eq!((rows[1].seconds.as_deref(), rows[1].line), (Some("4"), 3));
    }

    #[test]
    fn broken_files_are_explained_with_their_line() {
        let (_dir, path) = write("jobs.jsonl", "{\"prompt\":\"a\"}\n{not json\n");
        let e = read(&path).unwrap_err();
        assert!(e.to_string().starts_with("Line 2"), "{e}");
        let (_dir, path) = write("jobs.csv", "a boat\nanother\n");
        assert!(read(&path).unwrap_err().to_string().contains("header"));
    }
}
