# Runs inside the private session bus and virtual display set up by scripts/test.
set -euo pipefail
source scripts/lib/setup.sh

# An unlocked login keyring, as on a desktop after sign-in.
printf 'veo-desk-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null

say "Unit and integration tests"
cargo test --locked

say "Window tests (screenshots in target/e2e/)"
cargo test --locked --test e2e -- --test-threads=1
