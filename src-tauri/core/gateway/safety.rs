//! Veo's safety filter, wherever a gateway lets it show: a `raiMediaFilteredReasons`
//! field, an error object, or (LiteLLM) a 500 whose message quotes Google's answer as
//! Python text. A blocked video is the end of its job and needs a different prompt or
//! picture, so it must not read as a passing server failure that is asked about forever.

use super::errors::shorten;
use super::texts;
use crate::problem::Problem;

/// Words that only the safety filter's answers use.
const SIGNS: &[&str] = &[
    // raiMediaFilteredReasons, rai_media_filtered_count, "content filtered"...
    "filtered",
    "responsible ai",
    "support code",
    "usage guidelines",
    "safety filter",
    "safety system",
    "content_policy",
    "content policy",
    "moderation",
];

/// The filter's field name, as Veo writes it.
const REASONS_KEY: &str = "raiMediaFilteredReasons";

/// True when `text` (a failure message, an error code, a whole error body) reads as
/// the safety filter's refusal.
pub(crate) fn mentions_block(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    SIGNS.iter().any(|sign| lower.contains(sign))
}

/// The reasons quoted after `raiMediaFilteredReasons` in free text, JSON or Python
/// style (`'raiMediaFilteredReasons': ["…", '…']`), joined with "; ".
pub(crate) fn quoted_reasons(text: &str) -> Option<String> {
    let (_, after) = text.split_once(REASONS_KEY)?;
    let after = after.trim_start_matches(['"', '\'', ':', '=', ' ', '\\']);
    let list = after.strip_prefix('[')?;
    let end = list.find(']')?;
    let reasons: Vec<String> = split_quoted(&list[..end])
        .into_iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The reasons of a `raiMediaFilteredReasons` field anywhere in a JSON answer.
pub(crate) fn reasons_in_json(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Object(map) => map.iter().find_map(|(key, v)| match v {
            Value::Array(items) if key == REASONS_KEY || key == "rai_media_filtered_reasons" => {
                let reasons: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                (!reasons.is_empty()).then(|| reasons.join("; "))
            }
            other => reasons_in_json(other),
        }),
        Value::Array(items) => items.iter().find_map(reasons_in_json),
        _ => None,
    }
}

/// "raiMediaFilteredReasons: photorealistic child" → "photorealistic child".
fn after_key(said: &str) -> &str {
    match said.split_once(REASONS_KEY) {
        Some((_, rest)) => rest
            .trim_start_matches([':', ' ', '='])
            .trim_matches(['[', ']', '"', ' ']),
        None => said,
    }
}

/// `"a", 'b'` → [a, b]; a backslash-escaped quote stays inside its item.
fn split_quoted(inner: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current: Option<(char, String)> = None;
    let mut escaped = false;
    for c in inner.chars() {
        match &mut current {
            Some((quote, item)) => {
                if escaped {
                    item.push(c);
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == *quote {
                    items.push(std::mem::take(item));
                    current = None;
                } else {
                    item.push(c);
                }
            }
            None if c == '"' || c == '\'' => current = Some((c, String::new())),
            None => {}
        }
    }
    items
}

/// What the card says about a blocked video: the filter's own reasons, and what to change.
pub(crate) fn blocked_problem(said: &str) -> Problem {
    let reason = quoted_reasons(said).unwrap_or_else(|| after_key(said).to_string());
    match reason.trim() {
        "" => Problem::new(texts::BLOCKED_UNEXPLAINED),
        reason => Problem::new(texts::BLOCKED).with("reasons", shorten(reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What LiteLLM's proxy answers for a filtered Veo operation: pydantic's report of
    /// the missing samples, quoting Google's answer as a Python dict.
    const LITELLM_500: &str = r#"litellm.APIConnectionError: 1 validation error for GeminiLongRunningOperationResponse
response.generateVideoResponse.generatedSamples
  Field required [type=missing, input_value={'@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse', 'raiMediaFilteredCount': 1, 'raiMediaFilteredReasons': ["We encountered an issue with the audio for your prompt. Support codes: 29310472", 'It\'s a second reason']}, input_type=dict]"#;

    #[test]
    fn reasons_are_read_from_python_json_and_free_text() {
        assert_eq!(
            quoted_reasons(LITELLM_500).as_deref(),
            Some("We encountered an issue with the audio for your prompt. Support codes: 29310472; It's a second reason")
        );
        assert_eq!(
            quoted_reasons(r#"{"raiMediaFilteredReasons":["Person under 18"]}"#).as_deref(),
            Some("Person under 18")
        );
        assert_eq!(quoted_reasons("raiMediaFilteredReasons: none"), None);
        assert_eq!(
            quoted_reasons("raiMediaFilteredReasons': ['unterminated"),
            None
        );
    }

    #[test]
    fn the_filters_words_are_recognised_and_ordinary_failures_are_not() {
        assert!(mentions_block(LITELLM_500));
        assert!(mentions_block("Veo could not generate videos because the input image violates Vertex AI's usage guidelines."));
        assert!(mentions_block(
            "Responsible AI practices blocked this request"
        ));
        assert!(!mentions_block("upstream timed out"));
        assert!(!mentions_block("Internal Server Error"));
    }

    #[test]
    fn the_problem_quotes_the_reasons_and_says_what_to_change() {
        let problem = blocked_problem(LITELLM_500);
        assert_eq!(problem.text, texts::BLOCKED.key);
        let reasons = problem.param("reasons").unwrap();
        assert!(
            reasons.starts_with("We encountered an issue with the audio for your prompt."),
            "{reasons}"
        );
        assert!(!reasons.contains("validation error"), "{reasons}");
        let message = problem.english();
        assert!(
            message.contains("(\"We encountered an issue with the audio"),
            "{message}"
        );
        assert!(message.contains("the prompt's wording") && message.contains("Edit and try again"));
        let unexplained = blocked_problem("");
        assert_eq!(unexplained.text, texts::BLOCKED_UNEXPLAINED.key);
        assert!(unexplained
            .english()
            .starts_with("The video was blocked by Veo's safety filter. "));
        let plain = blocked_problem("depicts a real person");
        assert_eq!(plain.param("reasons"), Some("depicts a real person"));
        assert!(plain.english().contains("(\"depicts a real person\")"));
    }
}
