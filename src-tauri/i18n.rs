//! The window's strings (`ui/i18n/*.json`) and the system's language. The JSON is
//! embedded and handed over by a command: the strict CSP allows no `fetch` of app
//! files and no JSON modules.

use crate::error::{Error, Result};

const EN: &str = include_str!("../ui/i18n/en.json");
const ZH_CN: &str = include_str!("../ui/i18n/zh-CN.json");

/// The strings of `language` as JSON text (`{"key": "text"}`).
pub fn strings(language: &str) -> Result<&'static str> {
    match language {
        "en" => Ok(EN),
        "zh-CN" => Ok(ZH_CN),
        other => Err(Error::invalid_input(format!(
            "\"{other}\" is not a language Veo Desk speaks."
        ))),
    }
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
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn table(json: &str) -> BTreeMap<String, String> {
        serde_json::from_str(json).expect("a flat object of strings")
    }

    /// `{name}` placeholders in a string.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        let en = table(EN);
        let zh = table(ZH_CN);
        let missing_in_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let missing_in_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing_in_zh.is_empty(),
            "missing in zh-CN: {missing_in_zh:?}"
        );
        assert!(missing_in_en.is_empty(), "missing in en: {missing_in_en:?}");
        for (key, text) in &en {
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
    fn locales_map_to_the_languages_we_have() {
        assert_eq!(language_for("zh_CN.UTF-8"), "zh-CN");
        assert_eq!(language_for("zh-Hans"), "zh-CN");
        assert_eq!(language_for("en_GB.UTF-8"), "en");
        assert_eq!(language_for("de_DE"), "en");
        assert!(strings("zh-CN").unwrap().contains("{"));
        assert!(strings("fr").is_err());
    }
}
