//! Just enough `multipart/form-data` parsing to record what a client sent.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    pub name: String,
    pub file_name: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// `None` when the body is not multipart or has no boundary.
pub fn parse(content_type: &str, body: &[u8]) -> Option<Form> {
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut form = Form::default();
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    while !rest.starts_with(b"--") {
        let end = find(rest, delimiter.as_bytes())?;
        add_part(&mut form, trim_crlf(&rest[..end]));
        rest = &rest[end + delimiter.len()..];
    }
    Some(form)
}

fn add_part(form: &mut Form, part: &[u8]) {
    let Some(split) = find(part, b"\r\n\r\n") else {
        return;
    };
    let headers = String::from_utf8_lossy(&part[..split]);
    let content = &part[split + 4..];
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in headers.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("content-disposition:") {
            name = param(line, "name");
            file_name = param(line, "filename");
        } else if let Some(v) = lower.strip_prefix("content-type:") {
            content_type = Some(v.trim().to_string());
        }
    }
    let Some(name) = name else { return };
    match file_name {
        Some(file_name) => form.files.push(FilePart {
            name,
            file_name,
            content_type,
            bytes: content.to_vec(),
        }),
        None => form
            .fields
            .push((name, String::from_utf8_lossy(content).into_owned())),
    }
}

/// `name="value"` inside a header line (exact key, so `name` does not match `filename`).
fn param(line: &str, key: &str) -> Option<String> {
    line.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn trim_crlf(part: &[u8]) -> &[u8] {
    let part = part.strip_prefix(b"\r\n").unwrap_or(part);
    part.strip_suffix(b"\r\n").unwrap_or(part)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_files_are_separated() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na cat\r\n\
--XX\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x00\r\n--XX--\r\n";
        let form = parse("multipart/form-data; boundary=XX", body).unwrap();
        assert_eq!(
            form.fields,
            vec![("prompt".to_string(), "a cat".to_string())]
        );
        assert_eq!(form.files[0].file_name, "c.png");
        assert_eq!(form.files[0].content_type.as_deref(), Some("image/png"));
        assert_eq!(form.files[0].bytes, b"\x89PNG\r\n\x00");
    }

    #[test]
    fn non_multipart_is_refused() {
        assert_eq!(parse("application/json", b"{}"), None);
    }
}
