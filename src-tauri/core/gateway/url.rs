//! The gateway address as the user pasted it, normalised to the API root (`.../v1`).

use reqwest::Url;

use super::errors::{ErrorKind, GatewayError};
use super::texts;
use crate::problem::Problem;

/// A validated API root such as `https://host/v1`. Endpoints are built from it with
/// every path segment percent-encoded (job ids can be long and contain odd characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Accepts `https://host`, `https://host/`, `https://host/v1`, `https://host/v1/videos`
    /// and sub-paths such as `https://host/openai/v1`.
    pub fn parse(input: &str) -> Result<BaseUrl, GatewayError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(invalid(Problem::new(texts::ADDRESS_MISSING)));
        }
        if !text.contains("://") {
            return Err(invalid(
                Problem::new(texts::ADDRESS_WITHOUT_SCHEME).with("address", text),
            ));
        }
        let mut url = Url::parse(text)
            .map_err(|_| invalid(Problem::new(texts::ADDRESS_NOT_WEB).with("address", text)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(Problem::new(texts::ADDRESS_SCHEME)));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid(Problem::new(texts::ADDRESS_WITHOUT_HOST)));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(Problem::new(texts::ADDRESS_WITH_LOGIN)));
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = api_root_path(url.path());
        url.set_path(&path);
        Ok(BaseUrl(url))
    }

    /// `{root}/seg1/seg2...` with each segment encoded.
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.0.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            for segment in segments {
                path.push(segment);
            }
        }
        url
    }

    pub fn host(&self) -> String {
        match (self.0.host_str(), self.0.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        }
    }

    /// The host alone, without the port (IPv6 in brackets).
    pub fn host_name(&self) -> String {
        self.0.host_str().unwrap_or_default().to_string()
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Same scheme, host and port: safe to send the API key there.
    pub fn same_origin(&self, other: &Url) -> bool {
        self.0.origin() == other.origin()
    }
}

/// Trims slashes, drops a pasted `/videos` endpoint and makes sure the path ends in `/v1`.
fn api_root_path(path: &str) -> String {
    let mut path = path.trim_end_matches('/').to_string();
    for tail in ["/videos", "/video"] {
        if path.ends_with(tail) && path[..path.len() - tail.len()].ends_with("/v1") {
            path.truncate(path.len() - tail.len());
        }
    }
    if !path.ends_with("/v1") {
        path.push_str("/v1");
    }
    path
}

fn invalid(problem: Problem) -> GatewayError {
    GatewayError::new(ErrorKind::InvalidInput, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(input: &str) -> String {
        BaseUrl::parse(input).unwrap().as_str().to_string()
    }

    #[test]
    fn the_usual_pastes_all_mean_the_same_root() {
        for input in [
            "https://api.example.com",
            "https://api.example.com/",
            "https://api.example.com/v1",
            "https://api.example.com/v1/",
            " https://api.example.com/v1/videos ",
            "https://api.example.com/v1?x=1#top",
        ] {
            assert_eq!(root(input), "https://api.example.com/v1", "{input}");
        }
    }

    #[test]
    fn sub_paths_and_ports_are_kept() {
        assert_eq!(
            root("http://127.0.0.1:3000/openai/"),
            "http://127.0.0.1:3000/openai/v1"
        );
        assert_eq!(
            root("https://h.example/proxy/v1"),
            "https://h.example/proxy/v1"
        );
    }

    #[test]
    fn endpoints_encode_odd_job_ids() {
        let base = BaseUrl::parse("https://h.example").unwrap();
        assert_eq!(
            base.endpoint(&["videos", "a/b c", "content"]).as_str(),
            "https://h.example/v1/videos/a%2Fb%20c/content"
        );
        assert_eq!(
            base.endpoint(&["videos"]).as_str(),
            "https://h.example/v1/videos"
        );
    }

    #[test]
    fn bad_addresses_get_human_messages() {
        let msg = |s: &str| BaseUrl::parse(s).unwrap_err().message();
        assert!(msg("").contains("Type the gateway address"));
        assert!(msg("api.example.com").contains("https://api.example.com"));
        assert!(msg("ftp://api.example.com").contains("https://"));
        assert!(msg("https://user:pw@api.example.com").contains("API key"));
        assert_eq!(
            BaseUrl::parse("nonsense").unwrap_err().code(),
            "invalid_input"
        );
    }

    #[test]
    fn origin_check_keeps_the_key_at_home() {
        let base = BaseUrl::parse("https://h.example").unwrap();
        assert!(base.same_origin(&Url::parse("https://h.example/files/x.mp4").unwrap()));
        assert!(!base.same_origin(&Url::parse("https://cdn.example/x.mp4").unwrap()));
    }
}
