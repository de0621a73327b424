# Runs inside the private session bus and virtual display set up by scripts/test.
set -euo pipefail
source scripts/lib/setup.sh

start_keyring

say "Unit and integration tests"
cargo test --locked --workspace

say "Window tests (screenshots in target/e2e/)"
cargo test --locked --test e2e -- --test-threads=1
