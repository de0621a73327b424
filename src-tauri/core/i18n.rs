//! The window's strings (`ui/i18n/*.json`), the problem texts
//! (`ui/i18n/problems/<room>.<language>.json`) and the system's language. The JSON is
//! embedded and handed over by a command: the strict CSP allows no `fetch` of app
//! files and no JSON modules.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::problem::{self, Param, Problem};

pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// The files of each language: the window's strings first, then each room's problems.
fn files(language: &str) -> Option<&'static [&'static str]> {
    macro_rules! language_files {
        ($lang:literal) => {
            &[
                include_str!(concat!("../../ui/i18n/", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/common.", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/app.", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/gateway.", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/images.", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/jobs.", $lang, ".json")),
                include_str!(concat!("../../ui/i18n/problems/media.", $lang, ".json")),
            ]
        };
    }
    match language {
        "en" => Some(language_files!("en")),
        "zh-CN" => Some(language_files!("zh-CN")),
        _ => None,
    }
}

type Table = BTreeMap<String, String>;

/// One language's strings, merged from its files once.
fn table(language: &str) -> Option<&'static (Table, String)> {
    static EN: OnceLock<(Table, String)> = OnceLock::new();
    static ZH_CN: OnceLock<(Table, String)> = OnceLock::new();
    let cell = match language {
        "en" => &EN,
        "zh-CN" => &ZH_CN,
        _ => return None,
    };
    let files = files(language)?;
    Some(cell.get_or_init(|| {
        let mut merged = Table::new();
        for file in files {
            // The files are ours and checked by the tests below; a broken one is
            // a build we never ship, so an empty table is enough here.
            let part: Table = serde_json::from_str(file).unwrap_or_default();
            merged.extend(part);
        }
        let json = serde_json::to_string(&merged).unwrap_or_else(|_| "{}".into());
        (merged, json)
    }))
}

/// The strings of `language` as JSON text (`{"key": "text"}`).
pub fn strings(language: &str) -> Result<&'static str> {
    match table(language) {
        Some((_, json)) => Ok(json.as_str()),
        None => Err(Error::invalid_input(
            Problem::new(problem::texts::UNKNOWN_LANGUAGE).with("language", language),
        )),
    }
}

/// `problem` in `language` (English when that language lacks the text): our sentence,
/// then the server's words, quoted as written.
pub fn word(problem: &Problem, language: &str) -> String {
    let lookup = |key: &str| -> Option<&'static str> {
        let key = format!("problem.{key}");
        [language, "en"]
            .into_iter()
            .filter_map(table)
            .find_map(|(t, _)| t.get(&key))
            .map(String::as_str)
    };
    let sentence = match lookup(&problem.text) {
        Some(template) => fill(template, |name| match problem.params.get(name)? {
            Param::Plain(value) => Some(value.clone()),
            Param::Text { text } => Some(lookup(text).unwrap_or(text).to_string()),
            Param::Nested { problem } => Some(word(problem, language)),
        }),
        None => fill(
            lookup(problem::texts::UNKNOWN.key).unwrap_or("{code}"),
            |_| Some(problem.text.clone()),
        ),
    };
    match &problem.server_text {
        Some(words) => {
            let said = lookup(problem::texts::SERVER_SAID.key).unwrap_or("“{words}”");
            format!("{sentence} {}", fill(said, |_| Some(words.clone())))
        }
        None => sentence,
    }
}

/// Replaces each `{name}` that `value` knows; others stay as they are.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close))
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The language the system asks for, from the usual locale variables; `None` when
/// none is set (the window then asks the webview).
pub fn system_language() -> Option<&'static str> {
    let vars = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"];
    let locale = vars
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.split(':').next().unwrap_or_default().to_string())
        .find(|v| !v.is_empty() && v != "C" && v != "POSIX")?;
    Some(language_for(&locale))
}

/// `zh_CN.UTF-8`, `zh-Hans`, `zh_TW` → Chinese; anything else → English.
fn language_for(locale: &str) -> &'static str {
    if locale.to_ascii_lowercase().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn parsed(language: &str) -> Vec<Table> {
        files(language)
            .unwrap()
            .iter()
            .map(|f| serde_json::from_str(f).expect("a flat object of strings"))
            .collect()
    }

    fn merged(language: &str) -> &'static Table {
        &table(language).unwrap().0
    }

    /// `{name}` placeholders in a string.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn no_key_is_in_two_files() {
        for language in LANGUAGES {
            let mut seen = BTreeSet::new();
            for file in parsed(language) {
                for key in file.keys() {
                    assert!(seen.insert(key.clone()), "{key} twice in {language}");
                }
            }
        }
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        let en = merged("en");
        let zh = merged("zh-CN");
        let missing_in_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let missing_in_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing_in_zh.is_empty(),
            "missing in zh-CN: {missing_in_zh:?}"
        );
        assert!(missing_in_en.is_empty(), "missing in en: {missing_in_en:?}");
        for (key, text) in en {
            assert!(!text.trim().is_empty(), "empty English string {key}");
            assert!(!zh[key].trim().is_empty(), "empty Chinese string {key}");
            assert_eq!(
                placeholders(text),
                placeholders(&zh[key]),
                "placeholders differ for {key}"
            );
        }
    }

    #[test]
    fn every_problem_text_has_both_languages_with_its_placeholders_and_no_other() {
        let declared: BTreeSet<String> = problem::all_texts()
            .map(|t| format!("problem.{}", t.key))
            .collect();
        for language in LANGUAGES {
            let strings = merged(language);
            for text in problem::all_texts() {
                let key = format!("problem.{}", text.key);
                let wording = strings
                    .get(&key)
                    .unwrap_or_else(|| panic!("{key} has no {language} text"));
                let expected: BTreeSet<&str> = text.params.iter().copied().collect();
                assert_eq!(placeholders(wording), expected, "{key} in {language}");
            }
            let orphans: Vec<_> = strings
                .keys()
                .filter(|k| k.starts_with("problem.") && !declared.contains(*k))
                .collect();
            assert!(orphans.is_empty(), "texts no code uses: {orphans:?}");
        }
        let mut keys = BTreeSet::new();
        for text in problem::all_texts() {
            assert!(keys.insert(text.key), "{} declared twice", text.key);
        }
    }

    #[test]
    fn a_problem_is_worded_in_the_language_asked_with_the_servers_words_quoted() {
        let p = Problem::new(problem::texts::UNKNOWN_LANGUAGE)
            .with("language", "fr")
            .said(Some("<b>nope</b>"));
        let en = word(&p, "en");
        let zh = word(&p, "zh-CN");
        assert!(
            en.contains("\"fr\"") && en.contains("“<b>nope</b>”"),
            "{en}"
        );
        assert!(zh.contains("fr") && zh.contains("<b>nope</b>"), "{zh}");
        assert_ne!(en, zh);
    }

    #[test]
    fn a_text_this_version_lacks_is_still_worded() {
        let p = Problem {
            text: "from_the_future".into(),
            params: Default::default(),
            server_text: None,
        };
        assert!(word(&p, "zh-CN").contains("from_the_future"));
    }

    #[test]
    fn placeholders_are_filled_and_stray_braces_kept() {
        let filled = fill("a {x} {y} {} {not closed", |n| {
            (n == "x").then(|| "1".into())
        });
        assert_eq!(filled, "a 1 {y} {} {not closed");
    }

    #[test]
    fn locales_map_to_the_languages_we_have() {
        assert_eq!(language_for("zh_CN.UTF-8"), "zh-CN");
        assert_eq!(language_for("zh-Hans"), "zh-CN");
        assert_eq!(language_for("en_GB.UTF-8"), "en");
        assert_eq!(language_for("de_DE"), "en");
        assert!(strings("zh-CN").unwrap().contains("{"));
        assert!(strings("fr").is_err());
    }
}
