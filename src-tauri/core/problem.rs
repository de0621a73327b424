//! Problems as data. The core never writes a sentence for a person: it names a text
//! (a key of `ui/i18n/problems/*.json`) and the values that fill it, and keeps the
//! gateway's own words apart. The window words it in the user's language, so a card
//! stored last month switches language too; the CLI and the log word it in English.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One text a problem can be told with, and the `{placeholders}` it takes. Texts are
/// declared once per room with [`texts!`]; a test holds every one to an English and a
/// Chinese wording with the same placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub key: &'static str,
    pub params: &'static [&'static str],
}

/// Declares a room's texts: `NAME = "key" [param, ...];` and `ALL`, the room's list.
#[macro_export]
macro_rules! texts {
    ($( $(#[$doc:meta])* $name:ident = $key:literal $([$($param:ident),* $(,)?])? ;)*) => {
        $( $(#[$doc])* pub const $name: $crate::problem::Text = $crate::problem::Text {
            key: $key,
            params: &[$($(stringify!($param)),*)?],
        }; )*
        /// Every text of this room, for the test that each has both languages.
        pub const ALL: &[$crate::problem::Text] = &[$($name),*];
    };
}

/// A value in a text: the user's or the server's data as written, another text (an
/// action such as "checking the job"), or a whole problem (the failure that made us
/// stop), both worded in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
pub enum Param {
    Text { text: String },
    Nested { problem: Box<Problem> },
    Plain(String),
}

/// What went wrong, as data: the text that tells it, its values, and the server's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Problem {
    /// The key of the text under `problem.` in the language files.
    pub text: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// What the gateway (or the system) said, shown as written and quoted, beside our text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_text: Option<String>,
}

impl Problem {
    pub fn new(text: Text) -> Self {
        Problem {
            text: text.key.to_string(),
            params: BTreeMap::new(),
            server_text: None,
        }
    }

    /// Fills `{name}` with data shown as it is (a file name, a number, a host).
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params
            .insert(name.to_string(), Param::Plain(value.to_string()));
        self
    }

    /// Fills `{name}` with another text, worded in the same language.
    pub fn with_text(mut self, name: &str, text: Text) -> Self {
        self.params.insert(
            name.to_string(),
            Param::Text {
                text: text.key.to_string(),
            },
        );
        self
    }

    /// Fills `{name}` with another problem, worded whole (its server words too).
    pub fn with_problem(mut self, name: &str, problem: Problem) -> Self {
        self.params.insert(
            name.to_string(),
            Param::Nested {
                problem: Box::new(problem),
            },
        );
        self
    }

    /// Keeps the server's own words; blank words are no words.
    pub fn said(mut self, words: Option<impl Into<String>>) -> Self {
        self.server_text = words.map(Into::into).filter(|w| !w.trim().is_empty());
        self
    }

    /// Every value and the server's words, nested problems' too, for redaction.
    pub fn values_mut(&mut self) -> Vec<&mut String> {
        let mut values = Vec::new();
        for param in self.params.values_mut() {
            match param {
                Param::Plain(s) => values.push(s),
                Param::Nested { problem } => values.extend(problem.values_mut()),
                Param::Text { .. } => {}
            }
        }
        values.extend(self.server_text.iter_mut());
        values
    }

    /// The value of `{name}` as data, when it is data.
    pub fn param(&self, name: &str) -> Option<&str> {
        match self.params.get(name)? {
            Param::Plain(s) => Some(s),
            _ => None,
        }
    }

    /// This problem worded in English (the CLI, the log, notifications).
    pub fn english(&self) -> String {
        crate::i18n::word(self, "en")
    }
}

impl From<Text> for Param {
    fn from(text: Text) -> Self {
        Param::Text {
            text: text.key.to_string(),
        }
    }
}

impl From<Problem> for Param {
    fn from(problem: Problem) -> Self {
        Param::Nested {
            problem: Box::new(problem),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// Every text of every room.
pub fn all_texts() -> impl Iterator<Item = &'static Text> {
    [
        texts::ALL,
        crate::gateway::texts::ALL,
        crate::images::texts::ALL,
        crate::jobs::texts::ALL,
        crate::media::texts::ALL,
        crate::texts::ALL,
    ]
    .into_iter()
    .flatten()
}

/// Texts shared by every room.
pub mod texts {
    crate::texts! {
        /// A problem stored before problems were data: its code and the sentence noted then.
        EARLIER = "earlier" [code, noted];
        /// A sentence an earlier version noted about a request (a job's *Details*).
        NOTED = "noted" [noted];
        /// A problem whose text this version does not have (written by a newer one).
        UNKNOWN = "unknown" [code];
        /// How the gateway's own words are shown beside our text.
        SERVER_SAID = "server_said" [words];
        UNKNOWN_LANGUAGE = "unknown_language" [language];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_problem_crosses_as_text_params_and_the_servers_words() {
        let p = Problem::new(texts::EARLIER)
            .with("code", "job_failed")
            .said(Some("quota exceeded"));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"text": "earlier", "params": {"code": "job_failed"}, "server_text": "quota exceeded"})
        );
        let back: Problem = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_nested_problem_is_kept_whole_and_redacted_inside() {
        let inner = Problem::new(texts::EARLIER)
            .with("code", "sk-secret")
            .said(Some("sk-secret again"));
        let mut p = Problem::new(texts::UNKNOWN).with_problem("code", inner);
        let back: Problem = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        for value in p.values_mut() {
            *value = value.replace("sk-secret", "[your key]");
        }
        assert!(!serde_json::to_string(&p).unwrap().contains("sk-secret"));
    }

    #[test]
    fn blank_server_words_are_dropped() {
        assert_eq!(
            Problem::new(texts::EARLIER).said(Some("  ")).server_text,
            None
        );
    }

    #[test]
    fn a_text_param_stays_a_text_through_storage() {
        let p = Problem::new(texts::EARLIER).with_text("code", texts::SERVER_SAID);
        let back: Problem = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(
            back.params["code"],
            Param::Text {
                text: "server_said".into()
            }
        );
        assert_eq!(back.param("code"), None);
    }
}
