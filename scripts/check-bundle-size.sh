#!/usr/bin/env bash
# The size budget of the SPA's first load. Sums what a first visit downloads from dist/
# (index.html and the scripts, style sheet and WASM it names, and what those scripts name),
# each compressed with gzip -9, and compares it with the budget in frontend/size-budget.txt
# (bytes). Fails when the first load is over budget.
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
for file in "${files[@]}"; do
  size="$(gzip -9 -c "$dist/$file" | wc -c)"
  total=$((total + size))
  printf '%8d B gzipped  %s\n' "$size" "$file"
done
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000 }'; }

if [[ -n "$report_only" ]]; then
  printf 'first load: %s KB gzipped\n' "$(kb "$total")"
  exit 0
fi

budget="$(grep -vE '^[[:space:]]*(#|$)' "$budget_file" | head -n 1 | tr -d '[:space:]')"
if [[ ! "$budget" =~ ^[0-9]+$ ]]; then
  echo "$budget_file must hold the budget in bytes" >&2
  exit 1
fi
printf 'first load: %s KB gzipped (budget %s KB)\n' "$(kb "$total")" "$(kb "$budget")"
if ((total > budget)); then
  echo "the first load is over its budget by $((total - budget)) bytes: make it smaller, or raise" \
    "the budget in frontend/size-budget.txt with the reason in the commit" >&2
  exit 1
fi
