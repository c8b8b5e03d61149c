#!/usr/bin/env bash
# Three instances behind nginx, one killed under load (issue 16, docs/deploy/README.md).
#   A fresh PostgreSQL database on GUICHET_TEST_POSTGRES_URL's server, a moto S3 bucket, an
#   aiosmtpd receiver recording every Message-ID, three `guichet serve --demo` instances of
#   target/release/guichet, nginx from docs/deploy/nginx.conf (its upstream and listen lines
#   replaced); 16 clients for 60 s, one instance SIGKILLed at 20 s and restarted 5 s later;
#   then scripts/cluster_test.py checks that nothing acknowledged was lost or done twice, and
#   that every mail arrived (twice only if it was in flight on the killed instance).
# Everything listens on free loopback ports; everything is stopped and dropped at the end.
set -euo pipefail
SECONDS=0
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
postgres_url="${GUICHET_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
load_seconds="${CLUSTER_LOAD_SECONDS:-60}"
kill_at=20
restart_after=5

say() { printf '[cluster %3ss] %s\n' "$SECONDS" "$*" >&2; }

command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]~=5.0'
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q 'aiosmtpd~=1.4'
# A no-op when the release binary is up to date (test-all.sh built it already).
cargo build -q --release -p guichet-api
bin="$repo/target/release/guichet"

work="$(mktemp -d /tmp/guichet-cluster.XXXXXX)"
database="guichet_cluster_$(date +%s)_$$"
declare -a pids=()
nginx_pid=""
cleanup() {
  local status=$?
  for pid in "${pids[@]}" $nginx_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}" $nginx_pid; do
    wait "$pid" 2>/dev/null || true
  done
  psql -X -q "$postgres_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $status -ne 0 ]]; then
    say "failed; the last lines of each log:"
    for log in "$work"/*.log; do
      [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports, all taken at once so that they differ.
read -r moto_port smtp_port nginx_port nginx_http_port port1 port2 port3 < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(7)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
ports=("$port1" "$port2" "$port3")

wait_for() { # URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -fsk -o /dev/null "$1"; do
    ((SECONDS < deadline)) || { say "$1 did not answer within $2 s"; return 1; }
    sleep 0.2
  done
}

say "database $database, moto :$moto_port, SMTP :$smtp_port, nginx :$nginx_port, instances :${ports[*]}"
psql -X -q "$postgres_url" -c "CREATE DATABASE $database" >/dev/null
database_url="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$postgres_url" "$database")"

moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
python3 scripts/cluster_test.py smtp "$smtp_port" "$work/received.txt" >"$work/smtp.log" 2>&1 &
pids+=($!)
touch "$work/received.txt"
wait_for "http://127.0.0.1:$moto_port/" 60
curl -fsS -X PUT "http://127.0.0.1:$moto_port/guichet-cluster" >/dev/null

# The settings of docs/deploy/README.md, on loopback. The lease is short so that the mails a
# killed instance had claimed go out again within the test (the SMTP receiver is local).
export GUICHET_DATABASE_URL="$database_url"
export GUICHET_STORAGE_URL="s3://guichet-cluster/attachments"
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export GUICHET_TOKEN_KEY="cluster-test-token-key-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export GUICHET_SMTP_URL="smtp://127.0.0.1:$smtp_port"
export GUICHET_INSTANCES=3 GUICHET_TRUSTED_PROXIES=127.0.0.1
export GUICHET_PUBLIC_URL="https://127.0.0.1:$nginx_port"
export GUICHET_MAIL_LEASE=15s GUICHET_WORKERS=2
# The 16 clients come from one address and each sends far more than a person: the rate
# limits (tested on their own in tests/api) would refuse them.
export GUICHET_RATE_LIMIT_PER_MINUTE=0 GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE=0
export GUICHET_DATA_DIR="$work/data"

declare -A instance_pid
start_instance() { # N
  local n=$1
  GUICHET_BIND="127.0.0.1:${ports[$((n - 1))]}" "$bin" serve --demo >>"$work/instance-$n.log" 2>&1 &
  instance_pid[$n]=$!
  pids+=($!)
}
start_instance 1
wait_for "http://127.0.0.1:$port1/readyz" 120
start_instance 2
start_instance 3
wait_for "http://127.0.0.1:$port2/readyz" 60
wait_for "http://127.0.0.1:$port3/readyz" 60

# nginx: the shipped site file with the test's addresses and certificate, in a main file of
# the test's own (logs, pid and temporary files under $work).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
upstream="$(printf '    server 127.0.0.1:%s max_fails=2 fail_timeout=5s;\\n' "${ports[@]}")"
sed -E \
  -e '/^\s*server [0-9.]+:8080 /d' \
  -e "s|^upstream guichet \{|upstream guichet {\n$upstream|" \
  -e '/listen \[::\]/d' \
  -e "s|listen 80;|listen 127.0.0.1:$nginx_http_port;|" \
  -e "s|listen 443 ssl|listen 127.0.0.1:$nginx_port ssl|" \
  -e "s|/etc/ssl/guichet/|$work/|" \
  docs/deploy/nginx.conf >"$work/guichet.conf"
grep -q "127.0.0.1:$port3 " "$work/guichet.conf" || { say "the upstream of docs/deploy/nginx.conf was not replaced"; exit 1; }
mkdir -p "$work/nginx-tmp"
cat >"$work/nginx-main.conf" <<EOF
worker_processes 2;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $work/nginx-access.log;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    include $work/guichet.conf;
}
EOF
"$nginx_bin" -t -q -p "$work" -c "$work/nginx-main.conf" -g 'daemon off;' 2>"$work/nginx-t.log" \
  || { cat "$work/nginx-t.log" >&2; exit 1; }
"$nginx_bin" -p "$work" -c "$work/nginx-main.conf" -g 'daemon off;' 2>>"$work/nginx-error.log" &
nginx_pid=$!
wait_for "https://127.0.0.1:$nginx_port/readyz" 30

say "16 clients for ${load_seconds} s through nginx; instance 2 killed at ${kill_at} s"
python3 scripts/cluster_test.py load "https://127.0.0.1:$nginx_port" "$load_seconds" 16 "$work/acks.json" &
load_pid=$!
pids+=($load_pid)
sleep "$kill_at"
date +%s.%N >"$work/killed-at"
kill -KILL "${instance_pid[2]}"
say "instance 2 (pid ${instance_pid[2]}) killed"
sleep "$restart_after"
start_instance 2
wait_for "http://127.0.0.1:$port2/readyz" 60
say "instance 2 restarted"
wait "$load_pid" || { say "the load failed"; exit 1; }

say "waiting for the job queue to empty"
deadline=$((SECONDS + 60))
until [[ "$(psql -X -At "$database_url" -c "SELECT count(*) FROM jobs WHERE state = 'pending'")" == 0 ]]; do
  ((SECONDS < deadline)) || { say "jobs still pending after 60 s"; exit 1; }
  sleep 0.5
done
python3 scripts/cluster_test.py check "https://127.0.0.1:$nginx_port" "$work/acks.json" "$work/received.txt" "$database_url" "$work/killed-at"
say "passed"
