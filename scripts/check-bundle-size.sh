#!/usr/bin/env bash
# The size budget of the SPA's first load. Sums what a first visit downloads from dist/
# (index.html and the scripts, style sheet and WASM it names, and what those scripts name, but
# the screens' modules that the split loader fetches on demand, reported on their own),
# each as the server sends it to a browser that takes gzip: the NAME.gz that
# scripts/build-frontend.sh writes beside NAME (zopfli), or gzip -9 of NAME when there is none.
# Compares the sum with the budget in frontend/size-budget.txt (bytes) and fails above it.
#   --report   print the sizes only, without checking the budget (scripts/build-frontend.sh)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$repo/dist"
budget_file="$repo/frontend/size-budget.txt"
report_only=""
[[ "${1:-}" == "--report" ]] && report_only=yes

if [[ ! -f "$dist/index.html" ]]; then
  echo "no $dist/index.html: build the SPA first (bash scripts/build-frontend.sh)" >&2
  exit 1
fi

# Local files named as "/name.ext", "./name.ext" or '/name.ext' (href, src, import, fetch) that
# exist in dist/.
referenced() { # FILE
  grep -oE "[\"'][.]?/[A-Za-z0-9_.-]+\.(js|wasm|css)[\"']" "$1" | tr -d "\"'" | sed 's|^[.]||' |
    sort -u | while read -r url; do
    [[ -f "$dist$url" ]] && printf '%s\n' "${url#/}"
  done || true
}

# The screens' modules, which the split loader fetches when a screen is first opened
# (frontend/src/lazy_pages.rs): not part of the first load, reported on their own.
lazy=()
for loader in "$dist"/__wasm_split-*.js; do
  [[ -f "$loader" ]] && mapfile -t -O "${#lazy[@]}" lazy < <(referenced "$loader" | grep '\.wasm$')
done
is_lazy() { printf '%s\n' "${lazy[@]}" | grep -qxF "$1"; }

# Everything reachable from index.html, following the scripts' references, but the lazy modules.
files=(index.html)
queue=(index.html)
while ((${#queue[@]})); do
  current="${queue[0]}"
  queue=("${queue[@]:1}")
  [[ "$current" == index.html || "$current" == *.js ]] || continue
  while read -r name; do
    if is_lazy "$name" || printf '%s\n' "${files[@]}" | grep -qxF "$name"; then
      continue
    fi
    files+=("$name")
    queue+=("$name")
  done < <(referenced "$dist/$current")
done

# A build that names no WASM or no script from index.html would measure next to nothing.
for kind in wasm js; do
  if ! printf '%s\n' "${files[@]}" | grep -q "\.$kind\$"; then
    echo "the first load names no .$kind file: is $dist a complete build?" >&2
    exit 1
  fi
done

sent_size() { # FILE -> bytes as sent
  if [[ -f "$dist/$1.gz" ]]; then wc -c <"$dist/$1.gz"; else gzip -9 -c "$dist/$1" | wc -c; fi
}

total=0
total_gzip9=0
printf '%10s %10s  %s\n' "sent" "gzip -9" "file"
for file in "${files[@]}"; do
  gzip9="$(gzip -9 -c "$dist/$file" | wc -c)"
  size="$(sent_size "$file")"
  total=$((total + size))
  total_gzip9=$((total_gzip9 + gzip9))
  printf '%8d B %8d B  %s\n' "$size" "$gzip9" "$file"
done
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000 }'; }

lazy_total=0
largest=0
largest_name=""
for file in "${lazy[@]}"; do
  size="$(sent_size "$file")"
  lazy_total=$((lazy_total + size))
  if ((size > largest)); then
    largest=$size
    largest_name=$file
  fi
done
if ((${#lazy[@]})); then
  printf 'on demand: %d modules of the screens, %s KB in all, the largest %s KB (%s)\n' \
    "${#lazy[@]}" "$(kb "$lazy_total")" "$(kb "$largest")" "$largest_name"
fi

if [[ -n "$report_only" ]]; then
  printf 'first load: %s KB gzipped as sent (%s KB with gzip -9)\n' "$(kb "$total")" "$(kb "$total_gzip9")"
  exit 0
fi

budget="$(grep -vE '^[[:space:]]*(#|$)' "$budget_file" | head -n 1 | tr -d '[:space:]')"
if [[ ! "$budget" =~ ^[0-9]+$ ]]; then
  echo "$budget_file must hold the budget in bytes" >&2
  exit 1
fi
printf 'first load: %s KB gzipped as sent (%s KB with gzip -9; budget %s KB)\n' "$(kb "$total")" \
  "$(kb "$total_gzip9")" "$(kb "$budget")"
if ((total > budget)); then
  echo "the first load is over its budget by $((total - budget)) bytes: make it smaller, or raise" \
    "the budget in frontend/size-budget.txt with the reason in the commit" >&2
  exit 1
fi
