#!/usr/bin/env bash
# Builds the SPA into dist/ at the repository root: cargo (wasm32) -> wasm-bindgen -> wasm-opt,
# terser for the JS glue, plus the static files of frontend/public/, each with a gzipped copy
# beside it (zopfli) that the server sends as is. Installs what it needs on a fresh machine
# (wasm32 target, wasm-bindgen CLI at the library's exact version, binaryen's wasm-opt and
# terser from npm, zopfli) into ${GUICHET_TOOLS_DIR:-$HOME/.cache/guichet-tools}, shared by
# every clone.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${GUICHET_TOOLS_DIR:-$HOME/.cache/guichet-tools}"
target_dir="$repo/target/spa"
dist="$repo/dist"
crate="guichet_frontend"
binaryen_version=132
terser_version=5.51.2
zopfli_version=0.8.4

log() { printf '==> %s\n' "$*" >&2; }

# The SPA is a workspace of its own (frontend/Cargo.toml); cargo takes the wasm32 flags of
# .cargo/config.toml from the working directory, so build from the repository.
cd "$repo"

# wasm-bindgen's CLI must match the library exactly: take the version from the SPA's lock.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$repo/frontend/Cargo.lock")"
if [[ -z "$bindgen_version" ]]; then
  echo "wasm-bindgen not found in frontend/Cargo.lock" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

bindgen_root="$tools/wasm-bindgen-$bindgen_version"
wasm_bindgen="$bindgen_root/bin/wasm-bindgen"
if [[ ! -x "$wasm_bindgen" ]]; then
  log "installing wasm-bindgen-cli $bindgen_version into $bindgen_root"
  # --locked can fail when the registry lacks a version its lock file names: retry unlocked.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked --root "$bindgen_root" ||
    cargo install wasm-bindgen-cli --version "$bindgen_version" --root "$bindgen_root"
fi

# Binaryen from npm, never the distribution's (too old: its output breaks in browsers).
npm_prefix="$tools/binaryen-$binaryen_version"
wasm_opt="$npm_prefix/node_modules/.bin/wasm-opt"
if [[ ! -x "$wasm_opt" ]]; then
  log "installing binaryen@$binaryen_version (wasm-opt) into $npm_prefix"
  mkdir -p "$npm_prefix"
  npm install --prefix "$npm_prefix" --no-save --no-audit --no-fund "binaryen@$binaryen_version"
fi

terser_prefix="$tools/terser-$terser_version"
terser="$terser_prefix/node_modules/.bin/terser"
if [[ ! -x "$terser" ]]; then
  log "installing terser@$terser_version into $terser_prefix"
  mkdir -p "$terser_prefix"
  npm install --prefix "$terser_prefix" --no-save --no-audit --no-fund "terser@$terser_version"
fi

zopfli="$tools/zopfli-$zopfli_version/bin/zopfli"
if [[ ! -x "$zopfli" ]]; then
  log "installing zopfli $zopfli_version into $tools/zopfli-$zopfli_version"
  cargo install zopfli --version "$zopfli_version" --locked --root "$tools/zopfli-$zopfli_version" ||
    cargo install zopfli --version "$zopfli_version" --root "$tools/zopfli-$zopfli_version"
fi

log "building the WASM (profile wasm-release)"
cargo build --manifest-path "$repo/frontend/Cargo.toml" --profile wasm-release \
  --target wasm32-unknown-unknown --target-dir "$target_dir"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

log "generating the JS glue"
"$wasm_bindgen" --target web --no-typescript --out-dir "$staging" --out-name "$crate" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/guichet-frontend.wasm"

log "optimising with wasm-opt -Oz"
# The features wasm-bindgen's output relies on (Rust's default wasm32 target enables them).
"$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$staging/${crate}_bg.opt.wasm" "$staging/${crate}_bg.wasm"
mv "$staging/${crate}_bg.opt.wasm" "$staging/${crate}_bg.wasm"

log "minifying the JS glue"
"$terser" "$staging/$crate.js" --module --compress --mangle -o "$staging/$crate.min.js"
mv "$staging/$crate.min.js" "$staging/$crate.js"

log "assembling $dist"
# Every file but index.html carries a hash of its content in its name: the server lets
# browsers cache them, and a new build must never be mixed with an old one.
hashed() { # FILE STEM EXT -> moves FILE to out/STEM-HASH.EXT and prints the new name
  local name
  name="$2-$(sha256sum "$1" | cut -c1-16).$3"
  mv "$1" "$out/$name"
  printf '%s' "$name"
}
out="$dist.new"
rm -rf "$out"
mkdir -p "$out"
cp -R "$repo/frontend/public/." "$out/"
rm "$out/boot.js" "$out/app.css"
wasm_name="$(hashed "$staging/${crate}_bg.wasm" "${crate}_bg" wasm)"
glue_name="$(hashed "$staging/$crate.js" "$crate" js)"
sed -e "s|/${crate}_bg.wasm|/$wasm_name|g" -e "s|/$crate.js|/$glue_name|g" \
  "$repo/frontend/public/boot.js" >"$staging/boot.js"
boot_name="$(hashed "$staging/boot.js" boot js)"
cp "$repo/frontend/public/app.css" "$staging/app.css"
css_name="$(hashed "$staging/app.css" app css)"
sed -e "s|/${crate}_bg.wasm|/$wasm_name|g" -e "s|/$crate.js|/$glue_name|g" \
  -e "s|/boot.js|/$boot_name|g" -e "s|/app.css|/$css_name|g" \
  "$repo/frontend/public/index.html" >"$out/index.html"
# The server sends NAME.gz for NAME to browsers that take gzip: zopfli's output is plain gzip,
# a few percent smaller than gzip -9's.
find "$out" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.svg' \) \
  -exec "$zopfli" {} +
rm -rf "$dist"
mv "$out" "$dist"

# What a first visit downloads, gzipped (the budget is checked by scripts/test-all.sh).
bash "$repo/scripts/check-bundle-size.sh" --report
