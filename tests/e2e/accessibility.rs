//! The window checked with axe-core against WCAG 2.1 A and AA: every screen and card
//! state the window tests reach, in English and 简体中文, light and dark. Each state
//! is also saved as a screenshot (`target/e2e/a11y-*.png`).

use std::time::Duration;

use veo_desk::simulator::{Dialect, Outcome, Simulator};

use crate::harness::{App, Launch};

/// Rules axe may report without failing the test, each with the reason it was accepted.
/// Empty: nothing is excepted.
const EXCEPTED: &[&str] = &[];

/// Every violation on the screen as it is now, prefixed with where it was seen.
async fn audit(app: &App, screen: &str, found: &mut Vec<String>) {
    app.screenshot(&screen.replace(' ', "-")).await;
    let seen = app.accessibility_violations(EXCEPTED).await;
    found.extend(seen.into_iter().map(|v| format!("{screen}: {v}")));
}

async fn click_css(app: &App, css: &str) {
    let node = app.wait_for_visible(css).await;
    app.bring_into_view(&node).await;
    node.click().await.expect("click");
}

/// Sends one prompt from the form and waits for its card to reach `status`.
async fn make(app: &App, prompt: &str, status: &str, cards: usize) {
    app.script("document.querySelector('#prompt').value = ''", vec![])
        .await;
    let prompt_field = app.wait_for_element("#prompt").await;
    prompt_field.send_keys(prompt).await.expect("typing");
    click_css(app, "#generate").await;
    let js = format!(
        "return document.querySelectorAll('.card').length === {cards} && !!document.querySelector('.card.status-{status}')"
    );
    assert!(app.poll_script(&js).await, "a card {status}");
}

/// The label of a UI string in `language`, as the window shows it.
fn label(language: &str, key: &str) -> String {
    let file = match language {
        "zh-CN" => include_str!("../../ui/i18n/zh-CN.json"),
        _ => include_str!("../../ui/i18n/en.json"),
    };
    let strings: serde_json::Value = serde_json::from_str(file).expect("strings");
    strings[key].as_str().expect("a string").to_string()
}

async fn choose_look(app: &App, language: &str, theme: &str) {
    click_css(app, "#open-settings").await;
    app.wait_for_visible("#settings").await;
    let js = format!(
        "const l = document.querySelector('#settings-language'); l.value = '{language}'; l.dispatchEvent(new Event('change'));\
         const t = document.querySelector('#settings-theme'); t.value = '{theme}'; t.dispatchEvent(new Event('change'));"
    );
    app.script(&js, vec![]).await;
    app.script(
        "document.querySelector('#settings-status').textContent = ''",
        vec![],
    )
    .await;
    click_css(app, "#settings-save").await;
    // A new language reloads the window; a theme alone is saved with the dialog open.
    let saved = format!(
        "return document.documentElement.lang === '{language}' && !!document.body.dataset.ready\
           && (!document.querySelector('#settings').open || document.querySelector('#settings-status').textContent !== '')"
    );
    assert!(app.poll_script(&saved).await, "{language} {theme} taken");
    if app
        .script("return document.querySelector('#settings').open", vec![])
        .await
        == serde_json::Value::Bool(true)
    {
        click_css(app, "#settings-close").await;
    }
    assert!(
        app.poll_script("return !document.querySelector('#settings').open")
            .await,
        "the settings close"
    );
}

#[tokio::test]
async fn every_screen_and_card_state_passes_axe_in_both_languages_and_themes() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let app = App::start("a11y").await;
    let mut found = Vec::new();
    audit(&app, "first run", &mut found).await;

    app.connect_gateway(sim.base_url(), "sk-e2e-a11y-1357")
        .await;
    make(&app, "A lighthouse at dawn", "downloaded", 1).await;
    sim.next_outcome(Outcome::Fail("The model is overloaded.".into()));
    make(&app, "A storm over the sea", "failed", 2).await;
    sim.next_outcome(Outcome::SafetyBlock(
        "The prompt was blocked by the safety filter.".into(),
    ));
    make(&app, "A blocked scene", "failed", 3).await;
    sim.set_job_duration(Duration::from_secs(3600));
    make(&app, "A glacier melting slowly", "running", 4).await;
    // A batch sends two at a time: of three, one waits its turn.
    app.script(
        "document.querySelector('details.batch').open = true",
        vec![],
    )
    .await;
    app.type_into(
        "Prompts, one per line",
        "A fox in the snow\u{e007}A kite over the dunes\u{e007}A train in the rain",
    )
    .await;
    app.click("Queue batch").await;
    assert!(
        app.poll_script("return !!document.querySelector('.card.status-waiting')")
            .await,
        "a card waiting its turn"
    );

    for (language, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("zh-CN", "light"),
        ("zh-CN", "dark"),
    ] {
        let look = format!("{language} {theme}");
        choose_look(&app, language, theme).await;
        audit(&app, &format!("{look} main"), &mut found).await;

        click_css(&app, "#open-settings").await;
        app.wait_for_visible("#settings").await;
        audit(&app, &format!("{look} settings"), &mut found).await;
        click_css(&app, "#settings-close").await;

        app.click(&label(language, "card.details")).await;
        app.wait_for_visible("#details").await;
        audit(&app, &format!("{look} details"), &mut found).await;
        click_css(&app, "#details-close").await;

        app.script(
            "document.querySelector('details.batch').open = true",
            vec![],
        )
        .await;
        audit(&app, &format!("{look} batch"), &mut found).await;
        app.script(
            "document.querySelector('details.batch').open = false",
            vec![],
        )
        .await;

        click_css(&app, "#edit-gateway").await;
        app.wait_for_visible("#setup-form").await;
        audit(&app, &format!("{look} edit gateway"), &mut found).await;
        click_css(&app, "#setup-cancel").await;
        app.wait_for_visible("#compose-form").await;
    }
    assert!(
        found.is_empty(),
        "{} accessibility violations:\n{}",
        found.len(),
        found.join("\n")
    );
    app.close().await;
}

/// The first-run screen in Chinese, before any gateway exists.
#[tokio::test]
async fn the_first_run_screen_in_chinese_passes_axe() {
    let launch = Launch::default()
        .env("LANG", "zh_CN.UTF-8")
        .env("LANGUAGE", "zh_CN");
    let app = App::start_with("a11y-zh-CN", launch).await;
    let mut found = Vec::new();
    audit(&app, "first run", &mut found).await;
    assert!(found.is_empty(), "{}", found.join("\n"));
    app.close().await;
}

/// Every control of the top bar shares one line at the default window size, even with
/// the demo gateway's extra button and a key status beside the gateway.
#[tokio::test]
async fn the_top_bar_stays_on_one_line_with_the_demo_gateway() {
    let app = App::start("topbar-demo").await;
    app.click("Try without a key").await;
    app.wait_for_visible("#compose-form").await;
    app.button("Remove demo gateway").await;
    let js = "const shown = [...document.querySelectorAll('.topbar .brand, #gateway-bar > *, .topbar > #open-settings')]\
                .filter((e) => e.getClientRects().length > 0).map((e) => e.getBoundingClientRect());\
              const line = shown[0];\
              return shown.length >= 6 && shown.every((r) => r.top < line.bottom && r.bottom > line.top);";
    let one_line = app.poll_script(js).await;
    app.screenshot("bar").await;
    assert!(one_line, "the top bar wraps onto a second line");
    app.close().await;
}

/// With the desktop's animations turned off (GTK's `gtk-enable-animations`), the window
/// reports reduced motion, and a bar of unknown length (a gateway that tells no
/// progress), which WebKit animates by itself, is drawn still.
#[tokio::test]
async fn with_animations_off_a_bar_of_unknown_length_stands_still() {
    let home = crate::harness::fresh_home();
    let gtk = home.path().join(".config/gtk-3.0");
    std::fs::create_dir_all(&gtk).unwrap();
    std::fs::write(
        gtk.join("settings.ini"),
        "[Settings]\ngtk-enable-animations=0\n",
    )
    .unwrap();
    let app = App::start_with("reduced-motion", Launch::default().home(home.path())).await;
    let reduced = app
        .script(
            "return matchMedia('(prefers-reduced-motion: reduce)').matches",
            vec![],
        )
        .await;
    assert_eq!(
        reduced,
        serde_json::Value::Bool(true),
        "reduced motion is reported"
    );
    // The card's bar as cards.js draws it for a job without a percentage.
    let still = app
        .script(
            "const p = document.createElement('progress'); p.max = 100; document.querySelector('#job-list').append(p);\
             return getComputedStyle(p).appearance === 'none';",
            vec![],
        )
        .await;
    assert_eq!(
        still,
        serde_json::Value::Bool(true),
        "the bar is drawn still"
    );
    app.close().await;
}

/// A screen reader hears each change of a job's status once, in one live region, and
/// not the progress ticks in between; the cards themselves are not live regions.
#[tokio::test]
async fn a_jobs_changes_of_status_are_announced_once_each() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(3));
    sim.set_poll_after(Some(Duration::from_millis(300)));
    let app = App::start("announce").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-announce-8080")
        .await;
    app.script(
        "window.heard = []; const a = document.querySelector('#job-announcer');\
         new MutationObserver(() => window.heard.push(a.textContent))\
           .observe(a, { childList: true, characterData: true, subtree: true });",
        vec![],
    )
    .await;
    make(&app, "A heron lifting off a misty lake", "downloaded", 1).await;
    let heard: Vec<String> =
        serde_json::from_value(app.script("return window.heard", vec![]).await).unwrap();
    let polls = sim.requests().iter().filter(|r| r.method == "GET").count();
    assert!(polls >= 4, "the job was checked {polls} times");
    assert!(
        (2..=4).contains(&heard.len()),
        "one announcement per status, not per tick: {heard:?}"
    );
    assert!(heard.windows(2).all(|w| w[0] != w[1]), "{heard:?}");
    assert!(
        heard
            .iter()
            .all(|h| h.starts_with("A heron lifting off a misty lake:")),
        "{heard:?}"
    );
    assert!(heard.last().unwrap().contains("Saved as"), "{heard:?}");
    let live_cards = app
        .script(
            "return document.querySelectorAll('#job-list [aria-live], #job-list [role=status], #job-list[aria-live]').length",
            vec![],
        )
        .await;
    assert_eq!(live_cards, 0, "no card is a live region");
    app.close().await;
}

/// Where the focus is, and whether it can be seen: the element's own outline, or its
/// label's for the segmented options, whose radio input is hidden.
const FOCUS: &str = "const e = document.activeElement;\
    if (!e || e === document.body) return { id: '', text: '', seen: true };\
    const shown = (n) => { const s = getComputedStyle(n); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };\
    const label = e.type === 'radio' ? e.nextElementSibling : null;\
    return { id: e.id || e.tagName.toLowerCase(), text: (e.innerText || e.value || '').trim(), seen: shown(e) || (!!label && shown(label)) };";

#[derive(Debug, serde::Deserialize)]
struct Focus {
    id: String,
    text: String,
    seen: bool,
}

/// Presses Tab until the focus is on what `wanted` accepts; every stop on the way
/// where the focus could not be seen is noted in `unseen`.
async fn tab_to(app: &App, what: &str, wanted: impl Fn(&Focus) -> bool, unseen: &mut Vec<String>) {
    let mut path = Vec::new();
    for _ in 0..120 {
        app.press(&fantoccini::key::Key::Tab.to_string()).await;
        let focus: Focus = serde_json::from_value(app.script(FOCUS, vec![]).await).unwrap();
        if !focus.seen {
            unseen.push(format!("{} {:?}", focus.id, focus.text));
        }
        if wanted(&focus) {
            return;
        }
        path.push(format!("{} {:?}", focus.id, focus.text));
    }
    panic!("Tab never reached {what}: {path:?}");
}

/// Set up a gateway, generate, play, open a job's details, queue a batch and change the
/// language with the keyboard alone, the focus visible at every stop.
#[tokio::test]
async fn the_keyboard_alone_does_everything_with_the_focus_always_visible() {
    use fantoccini::key::Key;
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let app = App::start("keyboard-all").await;
    let mut unseen = Vec::new();

    tab_to(&app, "the address", |f| f.id == "setup-url", &mut unseen).await;
    app.press(sim.base_url()).await;
    tab_to(&app, "the key", |f| f.id == "setup-key", &mut unseen).await;
    app.press(&format!("sk-e2e-keys-9753{}", Key::Enter)).await;
    app.wait_for_visible("#compose-form").await;

    let generate = |prompt: &str| format!("{prompt}{}{}{}", Key::Control, Key::Enter, Key::Null);
    // Connected, the focus waits in the prompt rather than in the hidden setup form.
    let in_prompt = app
        .poll_script("return document.activeElement?.id === 'prompt'")
        .await;
    assert!(in_prompt, "the focus stayed behind in the setup form");
    app.press(&generate("A lantern on a quiet pier")).await;
    app.wait_for_text("Saved as").await;
    sim.next_outcome(Outcome::Fail("The model is overloaded.".into()));
    app.script("document.querySelector('#prompt').focus()", vec![])
        .await;
    app.press(&format!("{}{}", Key::Control, "a")).await;
    app.press(&format!("{}{}", Key::Null, Key::Backspace)).await;
    app.press(&generate("A storm that will not come")).await;
    assert!(
        app.poll_script("return !!document.querySelector('.card.status-failed')")
            .await,
        "the second job failed"
    );

    tab_to(&app, "Play", |f| f.text == "Play", &mut unseen).await;
    app.press(&Key::Enter.to_string()).await;
    assert!(
        app.poll_script("return !!document.querySelector('.card-player video')")
            .await,
        "Enter on Play plays"
    );
    app.press(&Key::Enter.to_string()).await;
    assert!(
        app.poll_script("return document.querySelector('.card-player video').paused")
            .await,
        "Enter again pauses"
    );

    tab_to(&app, "Details", |f| f.text == "Details", &mut unseen).await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_for_visible("#details").await;
    app.press(&Key::Escape.to_string()).await;
    let back: Focus = serde_json::from_value(app.script(FOCUS, vec![]).await).unwrap();
    assert_eq!(
        back.text, "Details",
        "Escape gives the focus back to the card"
    );

    tab_to(
        &app,
        "the batch",
        |f| f.text.starts_with("Batch:"),
        &mut unseen,
    )
    .await;
    app.press(&Key::Enter.to_string()).await;
    tab_to(
        &app,
        "the batch prompts",
        |f| f.id == "batch-prompts",
        &mut unseen,
    )
    .await;
    app.press(&format!(
        "A fox in the snow{}A kite over the dunes",
        Key::Enter
    ))
    .await;
    tab_to(
        &app,
        "Queue batch",
        |f| f.text == "Queue batch",
        &mut unseen,
    )
    .await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_for_text("2 videos queued.").await;

    tab_to(&app, "Settings", |f| f.text == "Settings", &mut unseen).await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_for_visible("#settings").await;
    tab_to(
        &app,
        "the language",
        |f| f.id == "settings-language",
        &mut unseen,
    )
    .await;
    let language = "return document.querySelector('#settings-language').value";
    for _ in 0..4 {
        if app.script(language, vec![]).await == "zh-CN" {
            break;
        }
        app.press(&Key::Down.to_string()).await;
    }
    assert_eq!(
        app.script(language, vec![]).await,
        "zh-CN",
        "the arrow keys choose a language"
    );
    tab_to(&app, "Save", |f| f.id == "settings-save", &mut unseen).await;
    app.press(&Key::Enter.to_string()).await;
    assert!(
        app.poll_script(
            "return document.documentElement.lang === 'zh-CN' && !!document.body.dataset.ready"
        )
        .await,
        "the window now speaks Chinese"
    );
    app.screenshot("language").await;
    assert!(unseen.is_empty(), "focus not visible at: {unseen:?}");
    app.close().await;
}
