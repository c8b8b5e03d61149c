#!/usr/bin/env bash
# The integration guide's samples (docs/INTEGRATING.md), run against a release server with the
# demo data: curl, Python and the Rust client, as the guide shows them. The server may call
# webhooks on loopback, where the guide's receiver listens.
#   GUICHET_BIN: the server binary (default: target/release/guichet, built or brought up to date).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if [[ -z "${GUICHET_BIN:-}" ]]; then
  cargo build -q --release --bin guichet
fi
bin="$(realpath "${GUICHET_BIN:-$repo/target/release/guichet}")"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
( cd "$work" && GUICHET_BIND="127.0.0.1:$port" \
    GUICHET_DATABASE_URL="sqlite://$work/guichet.db?mode=rwc" \
    GUICHET_DATA_DIR="$work/data" \
    GUICHET_WEBHOOK_ALLOW_HTTP=true GUICHET_WEBHOOK_ALLOW_PRIVATE=127.0.0.1 \
    exec "$bin" serve --demo >"$work/server.log" 2>&1 ) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "$base/readyz" >/dev/null && break
  sleep 0.2
done
curl -sf "$base/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
# The guide's webhook receiver verifies with PyPI's Standard Webhooks library.
python3 -c 'import standardwebhooks' 2>/dev/null || python3 -m pip install -q standardwebhooks
python3 scripts/doc_samples.py docs/INTEGRATING.md "$base" || { tail -50 "$work/server.log" >&2; exit 1; }
