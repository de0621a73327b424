//! The form a user enjoys: choices from the model catalog, presets that survive a
//! restart, a keyboard-only path, 简体中文 and both themes.

use std::time::Duration;

use fantoccini::key::Key;
use veo_desk::simulator::{Dialect, Simulator};

use crate::harness::{fresh_home, App, Launch};

async fn gateway() -> Simulator {
    let sim = Simulator::start(Dialect::NewApi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    sim
}

/// Picks an entry of a dropdown by its value, as a user choosing from the list.
async fn pick(app: &App, label: &str, value: &str) {
    let select = app.control(label).await;
    select.select_by_value(value).await.expect("pick an option");
}

async fn checked(app: &App, name: &str) -> String {
    let js =
        format!("return document.querySelector('input[name=\"{name}\"]:checked')?.value ?? null");
    app.script(&js, vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn an_invalid_combination_is_blocked_with_a_hint() {
    let sim = gateway().await;
    let app = App::start("invalid-combination").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-combination-1111")
        .await;
    app.type_into("Prompt", "A fox crossing a snowy field")
        .await;

    // 12 s and pixel sizes exist for sora-2 only; switching to veo3.1 keeps them marked.
    pick(&app, "Model", "sora-2").await;
    app.choose("12 s").await;
    app.choose("720x1280 Portrait").await;
    pick(&app, "Model", "veo3.1").await;
    app.wait_for_text("veo3.1 makes 4, 6 or 8 second videos. Pick one of them.")
        .await;
    app.wait_for_text("veo3.1 makes videos in 16:9 or 9:16. Pick one of them.")
        .await;
    let invalid = app
        .control("Duration")
        .await
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));

    app.click("Generate").await;
    app.wait_for_text("This combination cannot be made").await;
    app.screenshot("blocked").await;
    assert_eq!(sim.submit_count(), 0, "an impossible request is never sent");
    assert_eq!(
        app.focused_id().await,
        "seconds-12",
        "the focus goes to the choice to fix"
    );

    app.choose("6 s").await;
    app.choose("9:16 Portrait").await;
    let problems = app
        .script("return document.querySelector('#seconds-problem').textContent + document.querySelector('#size-problem').textContent", vec![])
        .await;
    assert_eq!(problems, "", "the hints go once the choice is fixed");

    // Advanced fields travel in the gateway's style: this new-api-like gateway names
    // itself, reads sizes only as pixels and takes Veo's settings in `metadata`.
    app.script("document.querySelector('#advanced').open = true", vec![])
        .await;
    app.type_into("Negative prompt", "text, blur").await;
    app.type_into("Seed", "42").await;
    app.click("Generate").await;
    app.wait_for_text("Making the video").await;
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].field("model"), Some("veo3.1"));
    assert_eq!(sent[0].field("seconds"), Some("6"));
    assert_eq!(sent[0].field("size"), Some("720x1280"));
    let metadata: serde_json::Value =
        serde_json::from_str(sent[0].field("metadata").expect("metadata")).unwrap();
    assert_eq!(metadata["negativePrompt"], "text, blur");
    assert_eq!(metadata["seed"], 42);
    // What Veo was asked: the portrait the user chose.
    let veo = sim.veo_requests();
    assert_eq!(
        veo[0].parameter("aspectRatio"),
        Some(&serde_json::json!("9:16"))
    );
    assert_eq!(
        veo[0].parameter("durationSeconds"),
        Some(&serde_json::json!(6))
    );
    app.close().await;
}

#[tokio::test]
async fn a_preset_and_the_last_settings_survive_a_restart() {
    let home = fresh_home();
    let app = App::start_with("presets", Launch::default().home(home.path())).await;
    app.connect_gateway("https://gateway.example.com", "sk-e2e-presets-2222")
        .await;
    pick(&app, "Model", "veo3.1-pro").await;
    app.choose("4 s").await;
    app.choose("9:16 Portrait").await;
    app.script("document.querySelector('#advanced').open = true", vec![])
        .await;
    app.type_into("Negative prompt", "text, blur").await;
    app.click("Save as preset").await;
    app.type_into("Preset name", "Phone teaser").await;
    app.click("Save preset").await;
    app.wait_for_text("Saved “Phone teaser”").await;

    // Changed after saving: this is what "last used" must bring back.
    app.choose("8 s").await;
    app.choose("16:9 Landscape").await;
    app.screenshot("saved").await;
    app.close().await;

    let app = App::start_with("presets-restarted", Launch::default().home(home.path())).await;
    app.wait_for_visible("#compose-form").await;
    assert_eq!(app.value_of("Model").await, "veo3.1-pro", "last used model");
    assert_eq!(checked(&app, "seconds").await, "8", "last used duration");
    assert_eq!(checked(&app, "size").await, "16:9", "last used aspect");

    pick(&app, "Preset", "Phone teaser").await;
    app.wait_for_text("Using “Phone teaser”").await;
    assert_eq!(checked(&app, "seconds").await, "4");
    assert_eq!(checked(&app, "size").await, "9:16");
    assert_eq!(app.value_of("Negative prompt").await, "text, blur");
    app.screenshot("restored").await;
    app.close().await;
}

#[tokio::test]
async fn the_keyboard_alone_goes_from_prompt_to_generate() {
    let sim = gateway().await;
    let app = App::start("keyboard").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-keyboard-3333")
        .await;
    app.script("document.activeElement?.blur()", vec![]).await;

    // Tab from the top of the window to the prompt, type, then Tab on to Generate.
    let mut path = Vec::new();
    for _ in 0..30 {
        app.press(&Key::Tab.to_string()).await;
        let id = app.focused_id().await;
        let done = id == "prompt";
        path.push(id);
        if done {
            break;
        }
    }
    assert_eq!(
        path.last().map(String::as_str),
        Some("prompt"),
        "Tab reaches the prompt: {path:?}"
    );
    app.press("A lantern floating over a dark lake").await;
    app.wait_for_text("35 characters").await;
    let mut path = Vec::new();
    for _ in 0..30 {
        app.press(&Key::Tab.to_string()).await;
        let id = app.focused_id().await;
        let done = id == "generate";
        path.push(id);
        if done {
            break;
        }
    }
    let position = |id: &str| {
        path.iter()
            .position(|p| p == id)
            .unwrap_or_else(|| panic!("{id} not reached: {path:?}"))
    };
    assert!(position("model") < position("seconds-8"), "{path:?}");
    assert!(position("seconds-8") < position("size-16-9"), "{path:?}");
    assert!(
        position("size-16-9") < position("reference-drop"),
        "the drop area is reachable: {path:?}"
    );
    assert!(
        position("reference-drop") < position("advanced-summary"),
        "{path:?}"
    );
    assert_eq!(
        path.last().map(String::as_str),
        Some("generate"),
        "{path:?}"
    );
    let outline = app
        .script(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await;
    assert_eq!(outline, "solid", "the focus is visible");
    app.screenshot("focus-on-generate").await;

    app.press(&Key::Enter.to_string()).await;
    app.wait_for_text("Making the video").await;
    assert_eq!(sim.submit_count(), 1);
    assert_eq!(
        app.value_of("Prompt").await,
        "A lantern floating over a dark lake",
        "the prompt stays for the next try"
    );

    // Ctrl+Enter from the prompt sends too.
    app.control("Prompt").await.click().await.unwrap();
    app.press(&format!("{}{}", Key::Control, Key::Enter)).await;
    let sent_twice = app
        .poll_script("return document.querySelectorAll('.card').length === 2")
        .await;
    assert!(sent_twice, "Ctrl+Enter sends the form");
    assert_eq!(sim.submit_count(), 2);
    app.close().await;
}

/// Visible words in the window, in text and in attributes a screen reader reads.
const VISIBLE_TEXT: &str = r#"
    const shown = (n) => n.closest('[hidden]') === null && n.getClientRects().length > 0;
    const parts = [document.body.innerText];
    for (const n of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt], option')) {
      if (!shown(n.tagName === 'OPTION' ? n.parentElement : n)) continue;
      parts.push(n.getAttribute('placeholder'), n.getAttribute('title'), n.getAttribute('aria-label'),
        n.getAttribute('alt'), n.tagName === 'OPTION' ? n.textContent : null);
    }
    // Saved file names and the video folder are the user's data, not the window's words.
    const folder = document.querySelector('#video-folder-path');
    return parts.filter(Boolean).join('\n').replace(/[A-Za-z0-9]+\.mp4/g, '')
      .split(folder?.textContent || '\u0000').join('');
"#;

/// Latin words left after removing names that stay as they are in every language.
pub(crate) fn english_words(text: &str) -> Vec<String> {
    const KEPT: [&str; 20] = [
        "Veo",
        "Desk",
        "veo3.1-pro",
        "veo3.1",
        "sora-2-pro",
        "sora-2",
        "Google",
        "OpenAI",
        "Sora",
        "Pro",
        "API",
        "JPEG",
        "PNG",
        "WebP",
        "KB",
        "Ctrl+Enter",
        "https://api.example.com",
        "sk-",
        "English",
        "VEO_DESK_API_KEY",
    ];
    let mut rest = text.to_string();
    for kept in KEPT {
        rest = rest.replace(kept, " ");
    }
    rest.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_window_in_simplified_chinese_has_no_english_left() {
    let sim = gateway().await;
    let launch = Launch::default()
        .env("LANG", "zh_CN.UTF-8")
        .env("LANGUAGE", "zh_CN");
    let app = App::start_with("zh-CN", launch).await;
    app.wait_for_text("连接你的视频网关").await;
    let words = english_words(app.script(VISIBLE_TEXT, vec![]).await.as_str().unwrap());
    app.screenshot("setup").await;
    assert!(
        words.is_empty(),
        "English on the first-run screen: {words:?}"
    );

    app.type_into("网关地址", sim.base_url()).await;
    app.type_into("API 密钥", "sk-e2e-chinese-4444").await;
    app.type_into("名称 （可选）", "测试网关").await;
    app.click("保存并继续").await;
    app.wait_for_visible("#compose-form").await;
    app.type_into("提示词", "雨夜街头，一只纸船顺水漂流").await;
    app.script("document.querySelector('#advanced').open = true", vec![])
        .await;
    app.click("添加字段").await;
    app.click("生成").await;
    app.wait_for_text("正在制作视频").await;
    app.wait_for_text("已保存为").await;
    let words = english_words(app.script(VISIBLE_TEXT, vec![]).await.as_str().unwrap());
    app.screenshot("main").await;
    assert!(words.is_empty(), "English in the main window: {words:?}");

    app.click("设置").await;
    app.wait_for_visible("#settings").await;
    let words = english_words(app.script(VISIBLE_TEXT, vec![]).await.as_str().unwrap());
    app.screenshot("settings").await;
    assert!(words.is_empty(), "English in the settings: {words:?}");
    app.close().await;
}

#[tokio::test]
async fn light_and_dark_follow_the_system_and_the_setting() {
    let dark_system = Launch::default().env("GTK_THEME", "Adwaita:dark");
    let app = App::start_with("theme", dark_system).await;
    app.connect_gateway("https://gateway.example.com", "sk-e2e-theme-5555")
        .await;
    app.type_into(
        "Prompt",
        "A paper boat drifting down a rainy street at dusk",
    )
    .await;
    let background = "return getComputedStyle(document.body).backgroundColor";
    let system_dark = app
        .script(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await;
    if system_dark != serde_json::Value::Bool(true) {
        // This display reports no dark preference: choose Dark in the settings instead.
        set_theme(&app, "dark").await;
    }
    assert_eq!(app.script(background, vec![]).await, "rgb(21, 21, 29)");
    app.screenshot("dark").await;

    // The setting overrides the system; a price turns the estimate on.
    app.click("Settings").await;
    pick(&app, "Theme", "light").await;
    app.type_into("Currency", "$").await;
    app.type_into("veo3.1, per second", "0.15").await;
    app.click("Save").await;
    app.wait_for_text("Saved.").await;
    app.click("Close").await;
    assert_eq!(app.script(background, vec![]).await, "rgb(245, 245, 250)");
    app.wait_for_text("About $1.20 for this video").await;
    app.screenshot("light").await;
    app.close().await;
}

/// The estimate's time comes from how long this gateway took for the same kind of
/// video, once a few have finished; until then it gives the usual range.
#[tokio::test]
async fn the_time_estimate_learns_from_finished_videos() {
    let sim = gateway().await;
    let app = App::start("time-estimate").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-estimate-8080")
        .await;
    app.click("Settings").await;
    app.type_into("Currency", "$").await;
    app.type_into("veo3.1, per second", "0.10").await;
    app.click("Save").await;
    app.wait_for_text("Saved.").await;
    app.click("Close").await;
    app.choose("4 s").await;
    app.wait_for_text("About $0.40 for this video. Usually ready in 1 to 5 minutes.")
        .await;

    // The prompt stays in the box after each send.
    app.type_into("Prompt", "Lanterns over a river").await;
    for n in 1..=3 {
        app.click("Generate").await;
        let saved =
            format!("return document.querySelectorAll('.card.status-downloaded').length >= {n}");
        assert!(app.poll_script(&saved).await, "video {n} is saved");
    }
    app.wait_for_text("Your last 3 videos like this were ready within a minute.")
        .await;
    app.screenshot("learned").await;

    // Another length has no history yet.
    app.choose("8 s").await;
    app.wait_for_text("About $0.80 for this video. Usually ready in 1 to 5 minutes.")
        .await;
    app.close().await;
}

async fn set_theme(app: &App, theme: &str) {
    app.click("Settings").await;
    pick(app, "Theme", theme).await;
    app.click("Save").await;
    app.wait_for_text("Saved.").await;
    app.click("Close").await;
}

/// At the smallest window size and with text scaled to 125 %, 150 % and 200 %, nothing in
/// the form is cut off sideways and Generate stays in reach.
#[tokio::test]
async fn the_form_fits_the_smallest_window_when_scaled() {
    for (scale, name) in [
        ("1.25", "scaled-125"),
        ("1.5", "scaled-150"),
        ("2", "scaled-200"),
    ] {
        let launch = Launch::default().env("GDK_DPI_SCALE", scale);
        let app = App::start_with(name, launch).await;
        // WebDriver clicks miss under a DPI scale; the keyboard does not.
        app.type_into("Gateway address", "https://gateway.example.com")
            .await;
        app.type_into("API key", "sk-e2e-scaled-6666").await;
        app.press(&Key::Enter.to_string()).await;
        app.wait_for_visible("#compose-form").await;
        app.client()
            .set_window_size(760, 560)
            .await
            .expect("resize");
        app.script("document.querySelector('#advanced').open = true", vec![])
            .await;
        let overflow = app
            .script(
                "const c = document.querySelector('.compose'); return [...c.querySelectorAll('*')]
                   .filter((n) => n.getClientRects().length > 0 && n.getBoundingClientRect().right > c.getBoundingClientRect().right + 1)
                   .map((n) => n.id || n.className || n.tagName);",
                vec![],
            )
            .await;
        assert_eq!(overflow, serde_json::json!([]), "cut off at {scale}");
        let too_wide = app
            .script(
                // One pixel of rounding at fractional scales is not a scrollbar.
                "if (document.documentElement.scrollWidth <= innerWidth + 1) return [];
                 return [...document.body.querySelectorAll('*')]
                   .filter((n) => n.getClientRects().length > 0 && n.getBoundingClientRect().right > innerWidth + 1)
                   .map((n) => n.id || n.className || n.tagName);",
                vec![],
            )
            .await;
        assert_eq!(
            too_wide,
            serde_json::json!([]),
            "the window scrolls sideways at {scale}"
        );
        app.bring_into_view(&app.button("Generate").await).await;
        assert!(app.button("Generate").await.is_displayed().await.unwrap());
        app.screenshot("min-size").await;
        app.close().await;
    }
}
