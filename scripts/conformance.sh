#!/usr/bin/env bash
# API conformance: schemathesis fuzzes the committed OpenAPI document against a release server
# with the demo data, signed in as a customer, an agent, an administrator and an integration (an
# administrator's API token with every scope) in turn, and
# fails on any finding. Replay a failure with CONFORMANCE_SEED=<the printed seed>; CONFORMANCE_SEED=random
# explores beyond the fixed default seed.
#   GUICHET_BIN: the server binary (default: target/release/guichet, built or brought up to date).
#   CONFORMANCE_MAX_TIME: seconds per signed-in run (default 60: three runs, about 3 minutes).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# scripts/conformance.toml is written for schemathesis 4.32.
command -v schemathesis >/dev/null || python3 -m pip install -q 'schemathesis~=4.32.0'
if [[ -z "${GUICHET_BIN:-}" ]]; then
  cargo build -q --release --bin guichet
fi
bin="$(realpath "${GUICHET_BIN:-$repo/target/release/guichet}")"
# The fuzzer registers webhooks with made-up URLs: run the server and the fuzzer in a network
# namespace of their own, where only loopback exists, so that nothing leaves the machine
# (everything to install is installed above).
if [[ -z "${GUICHET_CONFORMANCE_NETNS:-}" ]] && unshare -n true 2>/dev/null; then
  exec env GUICHET_CONFORMANCE_NETNS=1 GUICHET_BIN="$bin" \
    unshare -n bash -c 'ip link set lo up && exec bash "$0"' "${BASH_SOURCE[0]}"
fi
# A fixed seed by default, so that the test command gives the same verdict on the same code;
# CONFORMANCE_SEED=random explores new cases (and prints the seed to replay them).
seed="${CONFORMANCE_SEED:-815454313}"
[[ "$seed" == random ]] && seed="$(( (RANDOM << 15) | RANDOM ))"
max_time="${CONFORMANCE_MAX_TIME:-60}"
echo "conformance seed: $seed (replay with CONFORMANCE_SEED=$seed)" >&2

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# Fuzzed sign-ins come from one address: the address throttle would answer 429 to the
# sign-ins of this script. So would the API's rate limits to its thousands of requests: they
# are raised far above the run, and their headers stay on every answer.
( cd "$work" && GUICHET_BIND="127.0.0.1:$port" \
    GUICHET_DATABASE_URL="sqlite://$work/guichet.db?mode=rwc" \
    GUICHET_DATA_DIR="$work/data" \
    GUICHET_SIGN_IN_ADDRESS_LIMIT=1000000 \
    GUICHET_RATE_LIMIT_PER_MINUTE=1000000 \
    GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE=1000000 \
    exec "$bin" serve --demo >"$work/server.log" 2>&1 ) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "$base/readyz" >/dev/null && break
  sleep 0.2
done
curl -sf "$base/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

token() {
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"Demo-Guichet-2026!\"}" "$base/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# An integration's API token: an administrator's, with every scope.
api_token() {
  curl -sf -H "Authorization: Bearer $(token admin@guichet.test)" -H 'Content-Type: application/json' \
    -d '{"name":"conformance","scopes":["tickets:read","tickets:write","attachments:read","attachments:write","admin:read","admin:write","webhooks:manage","exports:read"]}' \
    "$base/api/v1/me/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])'
}

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance
status=0
# Made before the runs: the administrator's run may change the administrator's own address.
integration_token="$(api_token)"
for account in claire@acme.test agent@guichet.test admin@guichet.test api-token; do
  echo "==== schemathesis as $account" >&2
  if [[ "$account" == api-token ]]; then bearer="$integration_token"; else bearer="$(token "$account")"; fi
  # Excluded: the mail gateway's entry (message/rfc822, its own token) and sign-out, which
  # could revoke the session this run signs in with.
  schemathesis --config-file scripts/conformance.toml run openapi/openapi.json --url "$base" \
    -H "Authorization: Bearer $bearer" \
    --checks "$checks" --seed "$seed" --max-time "$max_time" --max-examples 25 \
    --exclude-path /api/v1/inbound-email --exclude-path /api/v1/auth/logout \
    --generation-database none --report-dir "$work/report" --no-color || status=1
done
exit "$status"
