# Installs what Veo Desk needs to build, run and test, skipping what is already there.
# Sourced by scripts/run and scripts/test.

# Build and run: WebKitGTK and friends for the Tauri window; GStreamer plugins play H.264;
# a CJK font so the 简体中文 window shows Chinese glyphs; cmake builds libjpeg-turbo (the
# core's JPEG decoder); nasm assembles its SIMD code and the H.264 decoder's.
RUN_PACKAGES=(
  build-essential pkg-config curl file cmake nasm
  libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libxdo-dev
  libayatana-appindicator3-dev libssl-dev
  gstreamer1.0-plugins-good gstreamer1.0-libav
  fonts-droid-fallback
)
# Tests: a virtual display, WebDriver for WebKit, a real keychain on a private session bus.
# python3-venv: the LiteLLM proxy the gateway tests run against. python3-pyatspi: the
# window's accessibility tree, read as a screen reader reads it. ffmpeg: the film tests
# make their clips with it and check the films with ffprobe and its decoder.
TEST_PACKAGES=(xvfb webkit2gtk-driver gnome-keyring dbus-x11 python3-venv python3-pyatspi ffmpeg)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      say "Rust is missing. Install it from https://rustup.rs, then run this command again."
      exit 1
    fi
  fi
}

# Node runs the window's plain modules in tests/ui, and npm brings the test tools pinned
# in package-lock.json: TypeScript's checker for the window's JavaScript, and axe-core
# for the window tests' accessibility checks. Debian's Node when missing.
ensure_node() {
  command -v node >/dev/null 2>&1 || ensure_packages nodejs
  command -v npm >/dev/null 2>&1 || ensure_packages npm
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/typescript/bin/tsc ]; then
    say "Installing the test tools from package-lock.json"
    npm ci --no-audit --no-fund
  fi
}

# rustfmt and clippy for the test gates; rustup adds them when the toolchain lacks them.
ensure_rust_tools() {
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}

# tauri-driver bridges WebDriver to WebKitWebDriver for the window tests.
ensure_tauri_driver() {
  if command -v tauri-driver >/dev/null 2>&1 || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
    return 0
  fi
  say "Installing tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked
}

# The real LiteLLM proxy for tests/litellm.rs, in a venv under target/ (reused while
# tests/litellm/requirements.txt is unchanged). Never 1.107.x: a compromised release.
LITELLM_VENV="${LITELLM_VENV:-$PWD/target/litellm-venv}"
ensure_litellm() {
  local wanted stamp="$LITELLM_VENV/.requirements.sha256"
  wanted="$(sha256sum tests/litellm/requirements.txt | cut -d' ' -f1)"
  if [ -x "$LITELLM_VENV/bin/litellm" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    return 0
  fi
  say "Installing the LiteLLM proxy for the gateway tests (about a minute)"
  local started=$SECONDS
  rm -rf "$LITELLM_VENV"
  python3 -m venv "$LITELLM_VENV"
  "$LITELLM_VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/litellm/requirements.txt
  echo "$wanted" >"$stamp"
  say "LiteLLM installed in $((SECONDS - started)) s"
}

# Installers and the performance report (scripts/package, scripts/bench; not CI):
# vipsthumbnail is the thumbnail reference, xwininfo and import look at the window,
# desktop-file-validate checks the installed menu entry. ffmpeg, which makes the 720p
# clip the window benchmarks play and the film bench's clips, is one of the TEST_PACKAGES.
BENCH_PACKAGES=(libvips-tools x11-utils imagemagick desktop-file-utils)
TAURI_CLI_VERSION=2.12.4

# The Tauri bundler builds the .deb and .rpm.
ensure_tauri_cli() {
  if command -v cargo-tauri >/dev/null 2>&1 || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-tauri" ]; then
    return 0
  fi
  say "Installing tauri-cli $TAURI_CLI_VERSION (several minutes)"
  cargo install tauri-cli --version "$TAURI_CLI_VERSION" --locked
}

# An unlocked login keyring on the session bus, as on a desktop after sign-in, for
# as long as the calling script runs. It runs in the foreground so it stops with the
# session instead of outliving it.
start_keyring() {
  printf 'veo-desk-test' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  KEYRING_PID=$!
  trap 'kill "$KEYRING_PID" 2>/dev/null || true' EXIT
  # A busy machine can take a while to start it; without it every keychain use fails.
  for _ in $(seq 300); do
    keyring_up && return 0
    sleep 0.1
  done
  say "gnome-keyring did not start on the session bus"
  exit 1
}

keyring_up() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
