//! How a gateway wants a submit worded. The seed sends `size` as a ratio (`9:16`) and
//! extra settings as form fields; LiteLLM reads `size` only as pixels and new-api only as
//! pixels with Veo's own settings in one `metadata` JSON field. Any other value there
//! silently becomes a 16:9 video, so the style is part of the gateway profile: chosen by
//! the user, or learned from what the gateway says about itself.

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::SubmitRequest;

/// How `size` travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SizeStyle {
    /// Learned from the gateway; the seed's ratio until it says otherwise.
    #[default]
    Auto,
    /// `16:9`, `9:16`, as the seed says.
    Ratio,
    /// `1280x720`, `720x1280`; `1920x1080`, `1080x1920` at 1080p.
    Pixels,
}

/// How extra Veo settings (negative prompt, seed, resolution…) travel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExtrasStyle {
    #[default]
    Auto,
    /// One top-level form field each, named as typed.
    Fields,
    /// One `metadata` field holding a JSON object with Veo's camelCase keys.
    Metadata,
}

/// The profile's setting: each part chosen by the user or left to the automatic choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestStyle {
    #[serde(default)]
    pub sizes: SizeStyle,
    #[serde(default)]
    pub extras: ExtrasStyle,
}

impl RequestStyle {
    pub fn is_auto(&self) -> bool {
        *self == RequestStyle::default()
    }

    /// Whether the automatic choice decides anything.
    pub fn needs_detection(&self) -> bool {
        self.sizes == SizeStyle::Auto || self.extras == ExtrasStyle::Auto
    }

    /// The other way of sending sizes than the one in use now, chosen for good: what the
    /// one-click fix sets when a gateway made the wrong shape.
    pub fn with_sizes_switched(self, detected: Option<&Detected>) -> RequestStyle {
        let sizes = match self.resolve(detected).pixels {
            true => SizeStyle::Ratio,
            false => SizeStyle::Pixels,
        };
        RequestStyle { sizes, ..self }
    }

    /// The user's choice wins; then what the gateway showed; then the seed.
    pub fn resolve(&self, detected: Option<&Detected>) -> WireStyle {
        let pixels = match self.sizes {
            SizeStyle::Ratio => false,
            SizeStyle::Pixels => true,
            SizeStyle::Auto => detected.is_some_and(|d| d.pixels),
        };
        let metadata = match self.extras {
            ExtrasStyle::Fields => false,
            ExtrasStyle::Metadata => true,
            ExtrasStyle::Auto => detected.is_some_and(|d| d.metadata),
        };
        WireStyle { pixels, metadata }
    }
}

/// A concrete way of wording the form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireStyle {
    pub pixels: bool,
    pub metadata: bool,
}

/// What a gateway showed about itself, kept with its profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detected {
    pub pixels: bool,
    pub metadata: bool,
    /// In plain words, for the profile form: "LiteLLM 1.110.2".
    pub by: String,
}

impl Detected {
    /// Nothing identified the gateway: the seed's style.
    pub fn seed() -> Detected {
        Detected {
            pixels: false,
            metadata: false,
            by: "nothing identified the gateway; the format's own style".into(),
        }
    }

    /// From any answer's headers, when the gateway names itself. LiteLLM reads `size`
    /// only as pixels and keeps `metadata` for itself (extras go as fields); new-api
    /// reads pixels and copies `metadata` into Veo's parameters.
    pub fn from_headers(headers: &HeaderMap) -> Option<Detected> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
        };
        if let Some(version) = header("x-litellm-version") {
            return Some(Detected {
                pixels: true,
                metadata: false,
                by: format!("LiteLLM {version}").trim().to_string(),
            });
        }
        let new_api = header("x-new-api-version").or_else(|| header("x-oneapi-request-id"));
        new_api.map(|_| Detected {
            pixels: true,
            metadata: true,
            by: "new-api".into(),
        })
    }

    /// A ratio was sent and the answer names the size in pixels: the gateway thinks
    /// in pixels. Extras keep the style they had.
    pub fn from_echo(sent: &str, answered: Option<&str>, before: &Detected) -> Option<Detected> {
        let echoed_pixels = answered.is_some_and(|a| pixels_of(a).is_some());
        (!before.pixels && is_ratio(sent) && echoed_pixels).then(|| Detected {
            pixels: true,
            metadata: before.metadata,
            by: "its answers give sizes in pixels".into(),
        })
    }
}

fn is_ratio(size: &str) -> bool {
    matches!(size.trim(), "16:9" | "9:16")
}

/// `1280x720` → (1280, 720).
fn pixels_of(size: &str) -> Option<(u32, u32)> {
    let (w, h) = size.trim().split_once(['x', 'X', '*'])?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
}

/// The `size` value to send: a ratio becomes pixels for gateways that read pixels;
/// anything else (a model's own pixel sizes) goes as it is.
pub fn wire_size(size: &str, resolution: Option<&str>, style: WireStyle) -> String {
    let full_hd = resolution == Some("1080p");
    match (style.pixels, size.trim(), full_hd) {
        (true, "16:9", false) => "1280x720".into(),
        (true, "16:9", true) => "1920x1080".into(),
        (true, "9:16", false) => "720x1280".into(),
        (true, "9:16", true) => "1080x1920".into(),
        (_, other, _) => other.to_string(),
    }
}

/// The text fields of a submit, in order: prompt, model, seconds (always a string),
/// size, then the extra settings in the gateway's style. Extras that try to replace a
/// core field are dropped.
pub fn form_fields(request: &SubmitRequest, style: WireStyle) -> Vec<(String, String)> {
    let resolution = request.resolution.as_deref();
    let mut fields: Vec<(String, String)> = [
        ("prompt", request.prompt.clone()),
        ("model", request.model.clone()),
        ("seconds", request.seconds.clone()),
        ("size", wire_size(&request.size, resolution, style)),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let mut extras: Vec<(String, String)> = request
        .extra_fields
        .iter()
        .filter(|(key, _)| !is_core(key) && key.trim() != "resolution" && !key.trim().is_empty())
        .cloned()
        .collect();
    if let Some(resolution) = resolution {
        extras.push(("resolution".into(), resolution.to_string()));
    }
    if !style.metadata {
        fields.extend(extras);
        return fields;
    }
    let metadata = metadata_object(&request.size, extras);
    if !metadata.is_empty() {
        fields.push(("metadata".into(), Value::Object(metadata).to_string()));
    }
    fields
}

const CORE_FIELDS: [&str; 5] = ["prompt", "model", "seconds", "size", "input_reference"];

fn is_core(key: &str) -> bool {
    CORE_FIELDS.contains(&key.trim())
}

/// Veo's parameters as a JSON object: the aspect the user chose (so a gateway that
/// misreads `size` still gets it right), then each extra under Veo's camelCase name.
/// A typed `metadata` object is merged in.
fn metadata_object(size: &str, extras: Vec<(String, String)>) -> Map<String, Value> {
    let mut object = Map::new();
    if is_ratio(size) {
        object.insert("aspectRatio".into(), Value::String(size.trim().into()));
    }
    for (key, value) in extras {
        if key.trim() == "metadata" {
            if let Ok(Value::Object(typed)) = serde_json::from_str(&value) {
                object.extend(typed);
                continue;
            }
        }
        let key = camel_case(key.trim());
        let value = veo_value(&key, &value);
        object.insert(key, value);
    }
    object
}

/// `negative_prompt` → `negativePrompt`; camelCase stays as it is.
fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        match c {
            '_' | '-' if !out.is_empty() => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// Numbers and switches as JSON numbers and booleans, as Veo expects them.
fn veo_value(key: &str, value: &str) -> Value {
    const NUMERIC: [&str; 4] = ["seed", "durationSeconds", "sampleCount", "numberOfVideos"];
    let trimmed = value.trim();
    if NUMERIC.contains(&key) {
        if let Ok(n) = trimmed.parse::<i64>() {
            return Value::from(n);
        }
    }
    match trimmed {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn switching_sizes_turns_what_is_in_use_into_the_other_choice() {
        let litellm = Detected {
            pixels: true,
            metadata: false,
            by: "LiteLLM 1.110.2".into(),
        };
        let auto = RequestStyle::default();
        assert_eq!(
            auto.with_sizes_switched(Some(&litellm)).sizes,
            SizeStyle::Ratio
        );
        assert_eq!(auto.with_sizes_switched(None).sizes, SizeStyle::Pixels);
        let chosen = RequestStyle {
            sizes: SizeStyle::Ratio,
            extras: ExtrasStyle::Metadata,
        };
        let switched = chosen.with_sizes_switched(Some(&litellm));
        assert_eq!(
            (switched.sizes, switched.extras),
            (SizeStyle::Pixels, ExtrasStyle::Metadata),
            "the user's ratio wins over what was detected, and extras stay"
        );
    }

    const SEED: WireStyle = WireStyle {
        pixels: false,
        metadata: false,
    };
    const LITELLM: WireStyle = WireStyle {
        pixels: true,
        metadata: false,
    };
    const NEW_API: WireStyle = WireStyle {
        pixels: true,
        metadata: true,
    };

    fn request(size: &str, resolution: Option<&str>) -> SubmitRequest {
        SubmitRequest {
            prompt: "a boat".into(),
            model: "veo3.1".into(),
            seconds: "8".into(),
            size: size.into(),
            resolution: resolution.map(str::to_string),
            extra_fields: vec![
                ("negative_prompt".into(), "blur".into()),
                ("seed".into(), "42".into()),
                ("model".into(), "sneaky".into()),
            ],
            ..Default::default()
        }
    }

    fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn portrait_is_a_ratio_for_the_seed_and_pixels_for_pixel_gateways() {
        assert_eq!(wire_size("9:16", None, SEED), "9:16");
        assert_eq!(wire_size("9:16", None, LITELLM), "720x1280");
        assert_eq!(wire_size("9:16", Some("1080p"), LITELLM), "1080x1920");
        assert_eq!(wire_size("16:9", Some("720p"), LITELLM), "1280x720");
        assert_eq!(wire_size("16:9", Some("1080p"), NEW_API), "1920x1080");
        // A model's own pixel sizes are never rewritten.
        assert_eq!(wire_size("1792x1024", None, LITELLM), "1792x1024");
    }

    #[test]
    fn extras_go_as_fields_or_as_one_metadata_object_with_veo_names() {
        let seed = form_fields(&request("9:16", Some("1080p")), SEED);
        assert_eq!(field(&seed, "size"), Some("9:16"));
        assert_eq!(field(&seed, "seconds"), Some("8"));
        assert_eq!(field(&seed, "negative_prompt"), Some("blur"));
        assert_eq!(field(&seed, "resolution"), Some("1080p"));
        assert_eq!(field(&seed, "model"), Some("veo3.1"), "{seed:?}");
        assert_eq!(field(&seed, "metadata"), None);

        let new_api = form_fields(&request("9:16", Some("1080p")), NEW_API);
        assert_eq!(field(&new_api, "size"), Some("1080x1920"));
        assert_eq!(field(&new_api, "negative_prompt"), None);
        let metadata: Value = serde_json::from_str(field(&new_api, "metadata").unwrap()).unwrap();
        assert_eq!(
            metadata,
            serde_json::json!({"aspectRatio": "9:16", "negativePrompt": "blur", "seed": 42, "resolution": "1080p"})
        );
    }

    #[test]
    fn gateways_that_name_themselves_choose_the_style() {
        let mut headers = HeaderMap::new();
        assert_eq!(Detected::from_headers(&headers), None);
        headers.insert("x-litellm-version", HeaderValue::from_static("1.110.2"));
        let litellm = Detected::from_headers(&headers).unwrap();
        assert_eq!((litellm.pixels, litellm.metadata), (true, false));
        assert_eq!(litellm.by, "LiteLLM 1.110.2");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-oneapi-request-id",
            HeaderValue::from_static("2026120111"),
        );
        let new_api = Detected::from_headers(&headers).unwrap();
        assert_eq!((new_api.pixels, new_api.metadata), (true, true));
    }

    #[test]
    fn an_echoed_pixel_size_switches_to_pixels_once() {
        let seed = Detected::seed();
        let learned = Detected::from_echo("9:16", Some("720x1280"), &seed).unwrap();
        assert!(learned.pixels);
        assert_eq!(Detected::from_echo("9:16", Some("9:16"), &seed), None);
        assert_eq!(
            Detected::from_echo("1280x720", Some("1280x720"), &seed),
            None
        );
        assert_eq!(
            Detected::from_echo("9:16", Some("720x1280"), &learned),
            None
        );
    }

    #[test]
    fn the_users_choice_beats_what_was_detected() {
        let litellm = Detected {
            pixels: true,
            metadata: false,
            by: "LiteLLM".into(),
        };
        assert_eq!(RequestStyle::default().resolve(Some(&litellm)), LITELLM);
        assert_eq!(RequestStyle::default().resolve(None), SEED);
        let ratio = RequestStyle {
            sizes: SizeStyle::Ratio,
            extras: ExtrasStyle::Metadata,
        };
        assert_eq!(
            ratio.resolve(Some(&litellm)),
            WireStyle {
                pixels: false,
                metadata: true
            }
        );
        assert!(!ratio.needs_detection());
    }
}
