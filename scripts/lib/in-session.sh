# Runs inside the private session bus and virtual display set up by scripts/test.
set -euo pipefail
source scripts/lib/setup.sh

# An unlocked login keyring, as on a desktop after sign-in. It runs in the
# foreground so it can be stopped with the session instead of outliving it.
printf 'veo-desk-test' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring=$!
trap 'kill "$keyring" 2>/dev/null || true' EXIT
keyring_up() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
# A busy machine can take a while to start it; without it every keychain test fails.
for _ in $(seq 300); do
  keyring_up && break
  sleep 0.1
done
if ! keyring_up; then
  say "gnome-keyring did not start on the test session bus"
  exit 1
fi

say "Unit and integration tests"
cargo test --locked --workspace

say "Coverage-guided fuzzing, short pass"
bash scripts/fuzz --short

say "Window tests (screenshots in target/e2e/)"
cargo test --locked --test e2e -- --test-threads=1
