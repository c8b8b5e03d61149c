#!/usr/bin/env bash
# The README's test command: every check, each artefact built once.
#   formatting, clippy (server and WASM), the types crate on wasm32, the dependency rule
#   (no sea-orm in types/client), unit and integration tests on SQLite and PostgreSQL,
#   the OpenAPI drift check, the SPA build and the size budget of its first load, browser tests,
#   the public contract smoke test, three instances behind nginx killed under load, the API
#   conformance run (schemathesis), and the samples of
#   the integration guide (docs/INTEGRATING.md).
# PostgreSQL: GUICHET_TEST_POSTGRES_URL (default: the local server); with CI set it must answer.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export GUICHET_TEST_POSTGRES_URL="${GUICHET_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==== %s (%ss)\n' "$*" "$SECONDS" >&2; }

step "rustfmt"
cargo fmt --all -- --check
cargo fmt --all --manifest-path frontend/Cargo.toml -- --check

step "PostgreSQL reachable"
if ! python3 - "$GUICHET_TEST_POSTGRES_URL" <<'PY'
import socket, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432), timeout=5).close()
PY
then
  echo "PostgreSQL does not answer at $GUICHET_TEST_POSTGRES_URL; the PostgreSQL tests cannot run." >&2
  exit 1
fi

step "clippy (server crates and the benchmark harness)"
cargo clippy --all-targets --workspace -- -D warnings

step "dependency rule: the types and client crates build for wasm32 and never pull sea-orm"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo check -q --target wasm32-unknown-unknown -p guichet-types -p guichet-client --target-dir target/spa
for crate in guichet-types guichet-client; do
  if cargo tree -q -p "$crate" -e normal | grep -q 'sea-orm'; then
    echo "$crate depends on sea-orm" >&2
    exit 1
  fi
done

step "unit and integration tests (SQLite and PostgreSQL)"
# The webhook tests verify what they receive with a third-party Standard Webhooks library.
python3 -c 'import standardwebhooks' 2>/dev/null || python3 -m pip install -q 'standardwebhooks~=1.0'
# The storage tests run against moto's S3 server (one per test binary, on loopback).
command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]~=5.0'
cargo test --workspace

step "OpenAPI drift"
cargo build -q --bin guichet
if ! target/debug/guichet openapi | diff -q - openapi/openapi.json >/dev/null; then
  echo "openapi/openapi.json differs from the code: run 'just openapi' and commit it" >&2
  exit 1
fi

step "SPA: clippy, tests, release build and size budget"
# The SPA is a workspace of its own (frontend/Cargo.toml); run from here, it still gets the
# wasm32 flags of .cargo/config.toml.
cargo clippy -q --manifest-path frontend/Cargo.toml --target wasm32-unknown-unknown --target-dir target/spa -- -D warnings
cargo test -q --manifest-path frontend/Cargo.toml --target-dir target/spa
bash scripts/build-frontend.sh
bash scripts/check-bundle-size.sh

step "browser tests"
GUICHET_BIN="$repo/target/debug/guichet" bash scripts/e2e.sh

step "public contract smoke test (release build)"
smoke="$repo/../shared/contract/smoke.py"
# A step that cannot run fails the command: never "skipped" followed by "all checks passed".
if [[ ! -f "$smoke" ]]; then
  echo "no $smoke beside this checkout: the contract smoke test cannot run" >&2
  exit 1
fi
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
# smoke.py starts the binary from a temporary working directory, so its path must be
# absolute; the contract's own build() returns a relative one.
python3 - "$smoke" <<'PY'
import os, runpy, sys
smoke = sys.argv[1]
sys.path.insert(0, os.path.dirname(smoke))
import guichet
relative_build = guichet.build
guichet.build = lambda checkout=".": os.path.abspath(relative_build(checkout))
sys.argv = [smoke]
runpy.run_path(smoke, run_name="__main__")
PY

step "three instances behind nginx, one killed under load (release build)"
bash scripts/cluster-test.sh

step "API conformance (schemathesis, release build)"
bash scripts/conformance.sh

step "integration guide samples (docs/INTEGRATING.md, release build)"
GUICHET_BIN="$repo/target/release/guichet" bash scripts/doc-samples.sh

step "all checks passed"
