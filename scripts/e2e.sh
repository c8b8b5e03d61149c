#!/usr/bin/env bash
# Runs the browser tests (e2e/) against a real server with the demo data.
#   GUICHET_BIN   the server binary (default target/debug/guichet); it must be built.
#   dist/         the built SPA (scripts/build-frontend.sh); built here only if missing.
# Installs Chromium and the sqlite3 shell (Debian) and the npm dependencies of e2e/ when they are missing.
# Arguments, if any, name the test files to run (relative to e2e/); default: all of tests/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${GUICHET_BIN:-$repo/target/debug/guichet}"
chromium="${GUICHET_E2E_CHROMIUM:-/usr/bin/chromium}"

log() { printf '==> %s\n' "$*" >&2; }

if [[ ! -x "$bin" ]]; then
  echo "no server binary at $bin: build it (cargo build -p guichet-api --bin guichet) or set GUICHET_BIN" >&2
  exit 1
fi
if [[ ! -f "$repo/dist/index.html" ]]; then
  log "dist/ is missing: building the SPA"
  "$repo/scripts/build-frontend.sh"
fi
# Chromium drives the pages; the sqlite3 shell sets states no screen makes quickly (dead jobs).
missing=()
[[ -x "$chromium" ]] || missing+=(chromium)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  sudo_cmd=()
  [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [[ ! -d "$repo/e2e/node_modules/playwright-core" ]]; then
  log "installing the npm dependencies of e2e/"
  (cd "$repo/e2e" && npm ci --no-audit --no-fund)
fi

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
base="http://127.0.0.1:$port"

# The mail gateway's token: the tests hand mails to POST /api/v1/inbound-email with it.
inbound_token="e2e-inbound-gateway-token-0123456789abcdef"

log "starting $bin serve --demo on $base"
# The browser tests all come from one address: the rate limits are raised far above them.
# Webhooks may reach the tests' receivers, plain HTTP on loopback.
GUICHET_RATE_LIMIT_PER_MINUTE=1000000 \
GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE=1000000 \
GUICHET_WEBHOOK_ALLOW_HTTP=true \
GUICHET_WEBHOOK_ALLOW_PRIVATE=127.0.0.1 \
GUICHET_DATABASE_URL="sqlite://$tmp/guichet.db?mode=rwc" \
GUICHET_DATA_DIR="$tmp" \
GUICHET_BIND="127.0.0.1:$port" \
GUICHET_WEB_DIR="$repo/dist" \
GUICHET_INBOUND_TOKEN="$inbound_token" \
  "$bin" serve --demo >"$tmp/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz" || true)" == "200" ]]; then
    ready=yes
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "the server did not become ready; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

# Test files are named one by one: only Node 20's runner searches a directory it is given.
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=()
  for file in "$repo"/e2e/tests/*.test.js; do
    files+=("tests/$(basename "$file")")
  done
fi

log "running the browser tests"
status=0
(cd "$repo/e2e" && GUICHET_E2E_BASE_URL="$base" GUICHET_E2E_CHROMIUM="$chromium" GUICHET_E2E_DATA_DIR="$tmp" \
  GUICHET_E2E_INBOUND_TOKEN="$inbound_token" GUICHET_E2E_BIN="$bin" GUICHET_E2E_WEB_DIR="$repo/dist" node --test --test-concurrency=1 "${files[@]}") || status=$?
if [[ "$status" -ne 0 ]]; then
  echo "--- server log (last 60 lines) ---" >&2
  tail -n 60 "$tmp/server.log" >&2
fi
exit "$status"
