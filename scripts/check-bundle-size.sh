#!/usr/bin/env bash
# The size budget of the SPA's first load. Sums what a first visit downloads from dist/
# (index.html and the scripts, style sheet and WASM it names, and what those scripts name),
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

# Local files named as "/name.ext" or '/name.ext' (href, src, import) that exist in dist/.
referenced() { # FILE
  grep -oE "[\"']/[A-Za-z0-9_.-]+\.(js|wasm|css)[\"']" "$1" | tr -d "\"'" | sort -u | while read -r url; do
    [[ -f "$dist$url" ]] && printf '%s\n' "${url#/}"
  done || true
}

files=(index.html)
while read -r name; do
  files+=("$name")
  if [[ "$name" == *.js ]]; then
    while read -r inner; do files+=("$inner"); done < <(referenced "$dist/$name")
  fi
done < <(referenced "$dist/index.html")
mapfile -t files < <(printf '%s\n' "${files[@]}" | awk '!seen[$0]++')

total=0
total_gzip9=0
printf '%10s %10s  %s\n' "sent" "gzip -9" "file"
for file in "${files[@]}"; do
  gzip9="$(gzip -9 -c "$dist/$file" | wc -c)"
  if [[ -f "$dist/$file.gz" ]]; then
    size="$(wc -c <"$dist/$file.gz")"
  else
    size="$gzip9"
  fi
  total=$((total + size))
  total_gzip9=$((total_gzip9 + gzip9))
  printf '%8d B %8d B  %s\n' "$size" "$gzip9" "$file"
done
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000 }'; }

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
