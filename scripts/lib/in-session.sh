# Runs inside the private session bus and virtual display set up by scripts/test.
set -euo pipefail
source scripts/lib/setup.sh

# An unlocked login keyring, as on a desktop after sign-in. It runs in the
# foreground so it can be stopped with the session instead of outliving it.
printf 'veo-desk-test' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring=$!
trap 'kill "$keyring" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break
  sleep 0.1
done

say "Unit and integration tests"
cargo test --locked --workspace

say "Coverage-guided fuzzing, short pass"
bash scripts/fuzz --short

say "Window tests (screenshots in target/e2e/)"
cargo test --locked --test e2e -- --test-threads=1
