#!/usr/bin/env bash
# The benchmark of issue 6: builds the server and the harness in release mode, loads the data
# sets through the databases' bulk paths when they are missing (PostgreSQL: 1,000,000 tickets,
# SQLite: 100,000), runs every scenario against the release server, measures the list
# endpoint's SQL ceiling with pgbench, and writes docs/BENCHMARKS.md and docs/benchmarks.json.
#   bash scripts/bench.sh            full run (under 10 minutes once the data set is loaded)
#   bash scripts/bench.sh --quick    50,000 / 10,000 tickets, short scenarios (under 2 minutes);
#                                    writes target/bench/BENCHMARKS-quick.md and .json instead
# PostgreSQL: GUICHET_BENCH_POSTGRES_URL, a role that may create databases (default: the local
# server, as for the tests). Other arguments go to `guichet-bench run`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
url="${GUICHET_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

if ! python3 - "$url" <<'PY'
import socket, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432), timeout=5).close()
PY
then
  echo "PostgreSQL does not answer at $url; set GUICHET_BENCH_POSTGRES_URL." >&2
  exit 1
fi
# pgbench measures the ceiling; Debian ships it with the PostgreSQL server package.
if ! command -v pgbench >/dev/null || ! pgbench --version >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends postgresql >&2
fi

cargo build --release -p guichet-api -p guichet-bench
exec target/release/guichet-bench --postgres-url "$url" run "$@"
