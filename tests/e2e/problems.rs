//! Problems on cards are told in the window's language, with the gateway's own words
//! beside them as it wrote them; a language switch tells the same cards again.

use std::time::Duration;

use veo_desk::simulator::{Dialect, Fault, Outcome, Route, Simulator};

use crate::form::english_words;
use crate::harness::{App, Launch};

/// The problem line of every card, newest card first.
// textContent, not innerText: a card scrolled out of view is not laid out
// (content-visibility), and innerText of what is not laid out is empty.
const CARD_PROBLEMS: &str =
    "return [...document.querySelectorAll('.card .card-problem')].map((p) => p.textContent.trim())";

async fn problems(app: &App) -> Vec<String> {
    let shown = app.script(CARD_PROBLEMS, vec![]).await;
    serde_json::from_value(shown).expect("a list of texts")
}

async fn wait_for_problems(app: &App, count: usize) {
    let js = format!("return document.querySelectorAll('.card .card-problem').length >= {count}");
    assert!(app.poll_script(&js).await, "{count} cards with a problem");
}

/// The text with every “quoted” part (the gateway's words, the filter's reasons) left out.
fn outside_quotes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('“') {
        out.push_str(before);
        rest = after.split_once('”').map_or("", |(_, tail)| tail);
    }
    out.push_str(rest);
    out
}

async fn make(app: &App, prompt: &str) {
    app.script("document.querySelector('#prompt').value = ''", vec![])
        .await;
    app.type_into("提示词", prompt).await;
    app.click("生成").await;
}

#[tokio::test]
async fn a_refused_key_a_blocked_video_and_a_failed_download_are_told_in_chinese_then_english() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let launch = Launch::default()
        .env("LANG", "zh_CN.UTF-8")
        .env("LANGUAGE", "zh_CN");
    let app = App::start_with("problems-zh-CN", launch).await;
    app.type_into("网关地址", sim.base_url()).await;
    app.type_into("API 密钥", "sk-e2e-problems-7777").await;
    app.click("保存并继续").await;
    app.wait_for_visible("#compose-form").await;

    sim.inject(Route::Submit, Fault::Unauthorized);
    make(&app, "一把被拒绝的密钥").await;
    wait_for_problems(&app, 1).await;
    sim.next_outcome(Outcome::SafetyBlock(
        "Unable to generate videos that depict children.".into(),
    ));
    make(&app, "一个被拦下的视频").await;
    wait_for_problems(&app, 2).await;
    sim.inject(Route::Content, Fault::JsonInsteadOfVideo);
    make(&app, "一个没能保存的视频").await;
    wait_for_problems(&app, 3).await;
    app.screenshot("chinese").await;

    let [download, blocked, key] = <[String; 3]>::try_from(problems(&app).await).unwrap();
    for text in [&download, &blocked, &key] {
        // HTTP's own status words ("401 Unauthorized") are the gateway's, like its quotes.
        let ours = outside_quotes(text).replace("401 Unauthorized", "");
        assert!(
            english_words(&ours).is_empty(),
            "English of ours on a Chinese card: {text}"
        );
    }
    for said in [&download, &key] {
        assert!(
            said.contains("网关原话：“"),
            "the gateway's words are not quoted: {said}"
        );
    }
    assert!(blocked.contains("安全过滤器"), "{blocked}");
    assert!(
        download.contains("“the upstream file could not be fetched”"),
        "{download}"
    );
    assert!(
        blocked.contains("Unable to generate videos that depict children."),
        "{blocked}"
    );
    assert!(
        key.contains("Incorrect API key provided: [your key]"),
        "{key}"
    );
    assert!(!key.contains("sk-e2e-problems-7777"), "{key}");

    app.click("设置").await;
    app.wait_for_visible("#settings").await;
    let language = app.control("语言").await;
    language.select_by_value("en").await.expect("pick English");
    app.click("保存").await;
    app.wait_for_text("Your videos").await;
    wait_for_problems(&app, 3).await;
    app.screenshot("english").await;
    app.button("Edit and try again").await;
    let [download, blocked, key] = <[String; 3]>::try_from(problems(&app).await).unwrap();
    for text in [&download, &blocked, &key] {
        assert!(
            !text.contains("网关"),
            "Chinese left after the switch: {text}"
        );
    }
    for said in [&download, &key] {
        assert!(said.contains("The gateway said: “"), "{said}");
    }
    assert!(key.starts_with("The gateway rejected the API key"), "{key}");
    assert!(blocked.contains("safety filter"), "{blocked}");
    assert!(download.contains("instead of the video"), "{download}");
    app.close().await;
}
