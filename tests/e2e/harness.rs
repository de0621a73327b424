//! A small window-test harness: start the real app under tauri-driver with its own
//! ports and throw-away HOME/XDG dirs, find controls the way a user names them,
//! type, click, wait for text, take screenshots into `target/e2e/`.
//!
//! Needs a display (Xvfb), a session bus and `tauri-driver` + `WebKitWebDriver`;
//! `scripts/test` provides all three.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;

const APP: &str = env!("CARGO_BIN_EXE_veo-desk");
const PATIENCE: Duration = Duration::from_secs(15);
/// WebKit's screenshot of a page drawn without the compositor (as the app draws on a
/// machine without a GPU) waits for the page's next repaint, and a page at rest never
/// repaints, so the screenshot never came back. Until it is taken, a pixel no eye can see
/// changes every 50 ms.
const REPAINT_TICKER_START: &str = "if (!window.__repaintTicker) {\n\
  const dot = document.createElement('div');\n\
  dot.setAttribute('aria-hidden', 'true');\n\
  Object.assign(dot.style, { position: 'fixed', left: '0', top: '0', width: '1px', height: '1px',\n\
    pointerEvents: 'none', zIndex: '2147483647' });\n\
  document.body.appendChild(dot);\n\
  let odd = false;\n\
  const timer = setInterval(() => {\n\
    odd = !odd;\n\
    dot.style.background = odd ? 'rgba(0, 0, 0, 0.004)' : 'rgba(0, 0, 0, 0.003)';\n\
  }, 50);\n\
  window.__repaintTicker = { dot, timer };\n\
}";
const REPAINT_TICKER_STOP: &str = "const ticker = window.__repaintTicker;\n\
if (ticker) { clearInterval(ticker.timer); ticker.dot.remove(); delete window.__repaintTicker; }";

/// No window test runs this long: past it the window is taken to be hung and is
/// killed, so the test fails with its log instead of stalling the whole run.
const HUNG_AFTER: Duration = Duration::from_secs(180);

/// The app under test: this build's, or the one `VEO_DESK_APP` names (the benchmarks
/// run the release build through this harness).
fn app_binary() -> String {
    std::env::var("VEO_DESK_APP").unwrap_or_else(|_| APP.to_string())
}

/// Everything a test needs from a running app; dropping it tears the app down.
pub struct App {
    client: Option<Client>,
    driver: Driver,
    home: PathBuf,
    _owned_home: Option<TempDir>,
    name: String,
}

/// Options for one app start.
#[derive(Default)]
pub struct Launch<'a> {
    env: Vec<(&'a str, String)>,
    home: Option<&'a Path>,
}

impl<'a> Launch<'a> {
    pub fn env(mut self, key: &'a str, value: impl Into<String>) -> Self {
        self.env.push((key, value.into()));
        self
    }

    /// Reuse the dirs of an earlier run, to test what survives a restart.
    pub fn home(mut self, home: &'a Path) -> Self {
        self.home = Some(home);
        self
    }
}

impl App {
    /// Starts the app with fresh dirs; `name` prefixes its screenshots and logs.
    pub async fn start(name: &str) -> App {
        App::start_with(name, Launch::default()).await
    }

    pub async fn start_with(name: &str, launch: Launch<'_>) -> App {
        let owned_home = match launch.home {
            Some(_) => None,
            None => Some(fresh_home()),
        };
        let home = launch
            .home
            .map(Path::to_path_buf)
            .or_else(|| owned_home.as_ref().map(|t| t.path().to_path_buf()))
            .expect("a HOME");
        let driver = Driver::start(name, &home, &launch.env);
        let client = connect(&driver).await;
        let app = App {
            client: Some(client),
            driver,
            home,
            _owned_home: owned_home,
            name: name.to_string(),
        };
        app.wait_for_element("body[data-ready]").await;
        app
    }

    /// Completes the first-run setup, as a new user would.
    pub async fn connect_gateway(&self, base_url: &str, key: &str) {
        self.type_into("Gateway address", base_url).await;
        self.type_into("API key", key).await;
        self.click("Save and continue").await;
        self.wait_for_visible("#compose-form").await;
    }

    /// Starts the app once more, as a user would from the menu, beside this one; its
    /// exit status, or `None` when it was still running after a while (then killed).
    pub fn launch_again(&self) -> Option<std::process::ExitStatus> {
        let mut second = Command::new(app_binary())
            .envs(isolated_dirs(&self.home))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("a second launch starts");
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = second.try_wait().expect("the second launch") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = second.kill();
        let _ = second.wait();
        None
    }

    /// What the running app costs the machine in memory: the proportional set size
    /// (PSS) of its process and the WebKit processes it started, in KiB.
    pub fn memory_kib(&self) -> u64 {
        self.memory_by_process().iter().map(|(_, kib)| kib).sum()
    }

    /// [`App::memory_kib`] process by process: each one's name and PSS in KiB.
    pub fn memory_by_process(&self) -> Vec<(String, u64)> {
        self.processes()
            .into_iter()
            .map(|pid| (process_name(pid), pss_kib(pid)))
            .collect()
    }

    /// Copies each of those processes' memory maps (`/proc/PID/smaps`) into `dir` as
    /// `LABEL-NAME-PID.smaps`, to see where the memory a reading counts lies.
    pub fn save_memory_maps(&self, dir: &Path, label: &str) {
        std::fs::create_dir_all(dir).expect("a folder for the memory maps");
        for pid in self.processes() {
            if let Ok(maps) = std::fs::read(format!("/proc/{pid}/smaps")) {
                let file = dir.join(format!("{label}-{}-{pid}.smaps", process_name(pid)));
                std::fs::write(file, maps).expect("the memory maps written");
            }
        }
    }

    /// Processor time the app and its WebKit processes have used so far: each one's
    /// name and seconds.
    pub fn cpu_by_process(&self) -> Vec<(String, f64)> {
        self.processes()
            .into_iter()
            .map(|pid| (process_name(pid), cpu_seconds(pid)))
            .collect()
    }

    /// The app's process (started by the WebDriver) and everything it started.
    fn processes(&self) -> Vec<u32> {
        let parents = process_parents();
        let app = std::fs::canonicalize(app_binary()).expect("the app binary");
        let root = descendants(self.driver.child.id(), &parents)
            .into_iter()
            .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_ref() == Some(&app))
            .expect("the app's process");
        std::iter::once(root)
            .chain(descendants(root, &parents))
            .collect()
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("session is open")
    }

    /// The throw-away HOME of this run (config, data and cache live below it).
    pub fn home(&self) -> &Path {
        &self.home
    }

    pub async fn title(&self) -> String {
        self.client().title().await.expect("window title")
    }

    /// The control whose visible label (or accessible name) is exactly `label`, or
    /// whose name starts with it (`aria-labelledby` naming the field's label first).
    pub async fn control(&self, label: &str) -> Element {
        let l = xpath_literal(label);
        let xpath = format!(
            "//*[@id = //label[normalize-space(.) = {l}]/@for] \
             | //*[@aria-label = {l}] \
             | //*[@aria-labelledby = //*[normalize-space(.) = {l}]/@id] \
             | //*[normalize-space(@aria-labelledby) != ''][starts-with(concat(normalize-space(@aria-labelledby), ' '), concat((//*[normalize-space(.) = {l}][@id])[1]/@id, ' '))] \
             | //fieldset[legend[normalize-space(.) = {l}]]"
        );
        self.wait_for(
            Locator::XPath(&xpath),
            &format!("a control labelled {label:?}"),
        )
        .await
    }

    /// A button (or element with role=button) whose text is exactly `name`.
    pub async fn button(&self, name: &str) -> Element {
        let n = xpath_literal(name);
        let xpath = format!(
            "//button[normalize-space(.) = {n} or @aria-label = {n}] \
             | //*[@role = 'button'][normalize-space(.) = {n} or @aria-label = {n}]"
        );
        self.wait_for(Locator::XPath(&xpath), &format!("a button named {name:?}"))
            .await
    }

    /// Sends keys to whatever has the focus, as a keyboard would.
    pub async fn press(&self, keys: &str) {
        let focused = self
            .client()
            .active_element()
            .await
            .expect("a focused element");
        focused.send_keys(keys).await.expect("keys");
    }

    /// The id of the focused element ('' when it has none).
    pub async fn focused_id(&self) -> String {
        let id = self
            .script("return document.activeElement?.id ?? ''", vec![])
            .await;
        id.as_str().unwrap_or_default().to_string()
    }

    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.control(label).await;
        field.send_keys(text).await.expect("typing");
    }

    /// Types `prompt` in place of what the box holds, picks `options`, presses Generate
    /// and waits until `saved` videos are saved in all.
    pub async fn make_video(&self, prompt: &str, options: &[&str], saved: usize) {
        let field = self.control("Prompt").await;
        field.clear().await.expect("clearing the prompt");
        field.send_keys(prompt).await.expect("typing");
        for option in options {
            self.choose(option).await;
        }
        self.click("Generate").await;
        let done = self
            .poll_script(&format!(
                "return document.querySelectorAll('.card.status-downloaded').length === {saved};"
            ))
            .await;
        if !done {
            self.fail(&format!("{prompt:?} was not saved")).await;
        }
    }

    pub async fn click(&self, button: &str) {
        let button = self.button(button).await;
        self.bring_into_view(&button).await;
        button.click().await.expect("click");
    }

    /// Centres an element in its scroll area, clear of sticky bars, as a user would
    /// scroll before clicking.
    pub async fn bring_into_view(&self, element: &Element) {
        let arg = serde_json::to_value(element).expect("element reference");
        self.script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
            vec![arg],
        )
        .await;
    }

    /// Clicks the `<label>` with this text: how a user picks a radio option.
    pub async fn choose(&self, option: &str) {
        let xpath = format!("//label[normalize-space(.) = {}]", xpath_literal(option));
        let label = self
            .wait_for(Locator::XPath(&xpath), &format!("an option {option:?}"))
            .await;
        self.bring_into_view(&label).await;
        label.click().await.expect("choose option");
    }

    pub async fn value_of(&self, label: &str) -> String {
        let field = self.control(label).await;
        field.prop("value").await.ok().flatten().unwrap_or_default()
    }

    pub async fn text_of(&self, css: &str) -> String {
        let node = self.wait_for_element(css).await;
        node.text().await.expect("element text")
    }

    /// Waits until the element is shown, not merely in the page.
    pub async fn wait_for_visible(&self, css: &str) -> Element {
        let element = self.wait_for_element(css).await;
        let shown = self
            .poll(|| async { element.is_displayed().await.unwrap_or(false) })
            .await;
        if !shown {
            self.fail(&format!("{css} never became visible")).await;
        }
        element
    }

    pub async fn wait_for_element(&self, css: &str) -> Element {
        self.wait_for(Locator::Css(css), &format!("element {css}"))
            .await
    }

    /// Waits until `text` is visible somewhere in the window.
    pub async fn wait_for_text(&self, text: &str) {
        let found = self
            .poll(|| async {
                let seen = self.script("return document.body.innerText", vec![]).await;
                seen.as_str().is_some_and(|s| s.contains(text))
            })
            .await;
        if !found {
            self.fail(&format!("text {text:?} never appeared")).await;
        }
    }

    /// Polls a script until it returns `true`.
    pub async fn poll_script(&self, js: &str) -> bool {
        self.poll_script_within(js, PATIENCE).await
    }

    /// Polls a script until it returns `true`, for at most `patience`.
    pub async fn poll_script_within(&self, js: &str, patience: Duration) -> bool {
        self.poll_within(patience, || async {
            self.script(js, vec![]).await == Value::Bool(true)
        })
        .await
    }

    /// Runs JavaScript in the page and returns its JSON result.
    pub async fn script(&self, js: &str, args: Vec<Value>) -> Value {
        self.client().execute(js, args).await.expect("script")
    }

    /// Runs axe-core (the npm package pinned in package.json; the app ships none of it)
    /// over the window as it is now, against WCAG 2.1 A and AA. Returns each violation
    /// as "rule (impact): help — the elements"; rules in `excepted` are left out.
    pub async fn accessibility_violations(&self, excepted: &[&str]) -> Vec<String> {
        let injected = self
            .script("return typeof window.axe === 'object'", vec![])
            .await;
        if injected != Value::Bool(true) {
            self.script(&format!("{};\nreturn true;", axe_source()), vec![])
                .await;
        }
        self.settle().await;
        let js = "const done = arguments[arguments.length - 1];\n\
                  const only = { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] };\n\
                  axe.run(document, { runOnly: only, resultTypes: ['violations'] })\n\
                    .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,\n\
                      nodes: v.nodes.map((n) => n.target.join(' ')) }))))\n\
                    .catch((e) => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }]));";
        let found = self
            .client()
            .execute_async(js, vec![])
            .await
            .expect("axe runs");
        let found: Vec<Value> = serde_json::from_value(found).expect("a list of violations");
        found
            .iter()
            .filter(|v| !excepted.contains(&v["id"].as_str().unwrap_or_default()))
            .map(|v| {
                let nodes: Vec<&str> = v["nodes"]
                    .as_array()
                    .map(|n| n.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                format!(
                    "{} ({}): {} — {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                    nodes.join(", ")
                )
            })
            .collect()
    }

    /// Saves `target/e2e/<test>-<label>.png` and returns its path.
    pub async fn screenshot(&self, label: &str) -> PathBuf {
        self.settle().await;
        // A page gone broken must not hide why a test failed behind a script error.
        let _ = self.client().execute(REPAINT_TICKER_START, vec![]).await;
        let png = self.client().screenshot().await.expect("screenshot");
        let _ = self.client().execute(REPAINT_TICKER_STOP, vec![]).await;
        let path = artifacts_dir().join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Waits until what the page shows has been painted: WebKit's snapshot can
    /// otherwise return a frame from before the last DOM change.
    async fn settle(&self) {
        let js = "const done = arguments[arguments.length - 1];\n\
                  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        let _ = self.client().execute_async(js, vec![]).await;
    }

    /// Ends the WebDriver session so the app quits cleanly.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }

    async fn wait_for(&self, locator: Locator<'_>, what: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(found) = self.client().find(locator).await {
                return found;
            }
            if Instant::now() > deadline {
                self.fail(&format!("{what} never appeared")).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn poll<F, Fut>(&self, check: F) -> bool
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.poll_within(PATIENCE, check).await
    }

    async fn poll_within<F, Fut>(&self, patience: Duration, mut check: F) -> bool
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if check().await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    pub async fn fail(&self, why: &str) -> ! {
        let shot = self.screenshot("failure").await;
        panic!(
            "{why}; screenshot: {}; driver log: {}",
            shot.display(),
            self.driver.log.display()
        );
    }
}

/// tauri-driver in its own process group, on its own ports. Dropping it kills the
/// whole group (tauri-driver, WebKitWebDriver and the app), even after a failed test.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
    watchdog: Option<Watchdog>,
}

/// Kills a driver's process group once `HUNG_AFTER` has passed; the WebDriver call
/// the test is waiting on then fails instead of waiting forever.
struct Watchdog {
    done: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Watchdog {
    fn start(group: libc::pid_t, log: PathBuf) -> Watchdog {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(HUNG_AFTER)
            {
                eprintln!(
                    "the window did not finish within {HUNG_AFTER:?}: killed as hung; see {}",
                    log.display()
                );
                kill_group(group);
            }
        });
        Watchdog { done, thread }
    }

    fn stop(self) {
        drop(self.done);
        let _ = self.thread.join();
    }
}

fn kill_group(group: libc::pid_t) {
    // SAFETY: killpg only sends a signal to a group created with process_group(0).
    unsafe {
        libc::killpg(group, libc::SIGKILL);
    }
}

impl Driver {
    fn start(name: &str, root: &Path, extra_env: &[(&str, String)]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let log = artifacts_dir().join(format!("{name}-driver.log"));
        let out = File::create(&log).expect("driver log");
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .envs(isolated_dirs(root))
            .envs(extra_env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .process_group(0);
        let child = command.spawn().unwrap_or_else(|e| {
            panic!("could not start tauri-driver ({e}); run the tests with scripts/test")
        });
        let watchdog = Some(Watchdog::start(child.id() as libc::pid_t, log.clone()));
        let driver = Driver {
            child,
            port,
            log,
            watchdog,
        };
        // tauri-driver forwards to WebKitWebDriver; on a busy machine the latter
        // can take seconds to listen, and a session asked for earlier is refused.
        driver.wait_until_listening(port);
        driver.wait_until_listening(native_port);
        driver
    }

    fn wait_until_listening(&self, port: u16) {
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the WebDriver did not listen on port {port}; see {}",
                self.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(watchdog) = self.watchdog.take() {
            watchdog.stop();
        }
        kill_group(self.child.id() as libc::pid_t);
        let _ = self.child.wait();
        wait_until_single_instance_is_free();
    }
}

/// The name a running Veo Desk holds on the session bus (tauri-plugin-single-instance:
/// the app's identifier). The bus frees it a moment after the process dies; an app
/// started before that would hand its launch to the dead one and not start.
const SINGLE_INSTANCE: &str = "com.veodesk.desktop.SingleInstance";

fn wait_until_single_instance_is_free() {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        let asked = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
            .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
            .arg(format!("string:{SINGLE_INSTANCE}"))
            .stderr(Stdio::null())
            .output();
        match asked {
            Ok(out) if String::from_utf8_lossy(&out.stdout).contains("boolean true") => {
                std::thread::sleep(Duration::from_millis(50))
            }
            _ => return,
        }
    }
}

async fn connect(driver: &Driver) -> Client {
    let caps = json!({ "tauri:options": { "application": app_binary() } });
    let caps = caps.as_object().cloned().expect("capabilities object");
    let url = format!("http://127.0.0.1:{}", driver.port);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session ({e}); see {}", driver.log.display()))
}

/// Every process's parent, from /proc.
fn process_parents() -> Vec<(u32, u32)> {
    all_processes()
        .filter_map(|pid| Some((pid, stat_field(pid, 1)?.parse().ok()?)))
        .collect()
}

fn all_processes() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
}

/// Field `n` of /proc/PID/stat counted after the command's name (0: the state, 1: the
/// parent, 11 and 12: user and system time in clock ticks).
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": the name may hold spaces, so read after the last ')'.
    Some(
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(n)?
            .to_string(),
    )
}

fn process_name(pid: u32) -> String {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    name.trim().to_string()
}

fn cpu_seconds(pid: u32) -> f64 {
    // SAFETY: sysconf only reads a constant of the system.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let ticks = |n| {
        stat_field(pid, n)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / ticks_per_second
}

fn descendants(root: u32, parents: &[(u32, u32)]) -> Vec<u32> {
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A throw-away HOME that a test can keep across app restarts.
pub fn fresh_home() -> TempDir {
    tempfile::Builder::new()
        .prefix("veo-desk-e2e-")
        .tempdir()
        .expect("temp HOME")
}

/// HOME and the XDG dirs under one root, so runs never see each other's data.
fn isolated_dirs(root: &Path) -> Vec<(&'static str, PathBuf)> {
    let dirs = [
        ("HOME", root.to_path_buf()),
        ("XDG_CONFIG_HOME", root.join(".config")),
        ("XDG_DATA_HOME", root.join(".local/share")),
        ("XDG_CACHE_HOME", root.join(".cache")),
        ("XDG_STATE_HOME", root.join(".local/state")),
    ];
    for (_, dir) in &dirs {
        std::fs::create_dir_all(dir).expect("isolated dir");
    }
    dirs.to_vec()
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let cargo_bin = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
        .filter(|p| p.exists());
    cargo_bin.unwrap_or_else(|| "tauri-driver".into())
}

/// axe-core's script, from `node_modules` (`scripts/test` installs it with `npm ci`).
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({}: {e}); run `npm ci` or scripts/test",
            path.display()
        )
    })
}

pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("e2e");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Quotes text for XPath 1.0, which has no escape for quotes.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}
