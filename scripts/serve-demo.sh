#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the SPA and the server, and
# serves the portal with the demo data on SQLite (guichet.db in the repository folder).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

bash scripts/build-frontend.sh
echo "==> building the server (release)" >&2
cargo build --release --bin guichet

export GUICHET_BIND="${GUICHET_BIND:-127.0.0.1:8080}"
export GUICHET_DATABASE_URL="${GUICHET_DATABASE_URL:-sqlite://$repo/guichet.db?mode=rwc}"
export GUICHET_WEB_DIR="${GUICHET_WEB_DIR:-$repo/dist}"
# The demo serves one machine: its webhooks may reach a receiver on it (docs/INTEGRATING.md).
export GUICHET_WEBHOOK_ALLOW_HTTP="${GUICHET_WEBHOOK_ALLOW_HTTP:-true}"
export GUICHET_WEBHOOK_ALLOW_PRIVATE="${GUICHET_WEBHOOK_ALLOW_PRIVATE:-127.0.0.1,::1}"
echo "==> Guichet: open http://$GUICHET_BIND (the demo's emails are written as .eml files to $repo/guichet-data/outbox/)" >&2
exec target/release/guichet serve --demo
