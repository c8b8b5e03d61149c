#!/usr/bin/env bash
# Builds the SPA into dist/ at the repository root: cargo (wasm32) -> wasm-split (the lazily
# loaded screens) -> wasm-bindgen -> wasm-opt, terser for the JS glue and the split loader, plus
# the static files of frontend/public/, each with a gzipped copy beside it (zopfli) that the
# server sends as is. Installs what it needs on a fresh machine (wasm32 target, wasm-bindgen CLI
# at the library's exact version, wasm-split-cli, binaryen's wasm-opt and terser from npm,
# zopfli) into ${GUICHET_TOOLS_DIR:-$HOME/.cache/guichet-tools}, shared by
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
# wasm-split's module format must match the wasm_split_helpers that leptos pulls in.
wasm_split_version=0.2.4

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

# Each tool lives in $tools/NAME-VERSION, installed there once when missing.
cargo_tool() { # CRATE VERSION DIR BINARY [cargo install options...] -> prints the binary's path
  local crate="$1" version="$2" root="$tools/$3-$2" binary="$4"
  shift 4
  if [[ ! -x "$root/bin/$binary" ]]; then
    log "installing $crate $version into $root"
    # --locked can fail when the registry lacks a version its lock file names: retry unlocked.
    cargo install "$crate" --version "$version" "$@" --locked --root "$root" >&2 ||
      cargo install "$crate" --version "$version" "$@" --root "$root" >&2
  fi
  printf '%s' "$root/bin/$binary"
}
npm_tool() { # PACKAGE VERSION BINARY -> prints the binary's path
  local prefix="$tools/$1-$2"
  if [[ ! -x "$prefix/node_modules/.bin/$3" ]]; then
    log "installing $1@$2 into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-audit --no-fund "$1@$2" >&2
  fi
  printf '%s' "$prefix/node_modules/.bin/$3"
}

wasm_bindgen="$(cargo_tool wasm-bindgen-cli "$bindgen_version" wasm-bindgen wasm-bindgen)"
# Binaryen from npm, never the distribution's (too old: its output breaks in browsers).
wasm_opt="$(npm_tool binaryen "$binaryen_version" wasm-opt)"
terser="$(npm_tool terser "$terser_version" terser)"
zopfli="$(cargo_tool zopfli "$zopfli_version" zopfli zopfli)"
wasm_split="$(cargo_tool wasm_split_cli_support "$wasm_split_version" wasm-split wasm-split-cli \
  --features build-binary)"

log "building the WASM (profile wasm-release)"
cargo build --manifest-path "$repo/frontend/Cargo.toml" --profile wasm-release \
  --target wasm32-unknown-unknown --target-dir "$target_dir"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

log "splitting the WASM at the lazily loaded screens (wasm-split)"
# frontend/src/lazy_pages.rs marks the split points. wasm-split writes the main module, one
# module per screen plus the chunks screens share, and the loader __wasm_split.js that fetches
# them; the main module then goes through wasm-bindgen as usual.
"$wasm_split" --out-name "$crate" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/guichet-frontend.wasm" "$staging/split"

log "generating the JS glue"
# --keep-lld-exports: the split modules reach the main module's functions through exports that
# wasm-bindgen would otherwise drop.
"$wasm_bindgen" --target web --no-typescript --keep-lld-exports --out-dir "$staging" \
  --out-name "$crate" "$staging/split/$crate.wasm"

log "optimising with wasm-opt -Oz"
# One Node process optimises every module (scripts/wasm-opt-all.mjs): starting the npm
# wasm-opt command once per module cost about 2 s each, for hundreds of lazy modules.
mkdir -p "$staging/lazy"
modules=("$staging/${crate}_bg.wasm" "$staging/${crate}_bg.opt.wasm")
for module in "$staging"/split/*.wasm; do
  [[ "$(basename "$module")" == "$crate.wasm" ]] || modules+=("$module" "$staging/lazy/$(basename "$module")")
done
# wasm-split writes a name-section kind binaryen does not know and warns about: it is
# stripped here, so the warning is dropped.
node "$repo/scripts/wasm-opt-all.mjs" "$(dirname "$(dirname "$wasm_opt")")" "${modules[@]}" \
  2> >(grep -v '^warning: unknown name subsection' >&2)
mv "$staging/${crate}_bg.opt.wasm" "$staging/${crate}_bg.wasm"

log "minifying the JS glue and the loader"
cp "$staging/split/__wasm_split.js" "$staging/"
for script in "$crate" __wasm_split; do
  "$terser" "$staging/$script.js" --module --compress --mangle -o "$staging/$script.min.js"
  mv "$staging/$script.min.js" "$staging/$script.js"
done

log "assembling $dist"
# Every file but index.html carries a hash of its content in its name: the server lets
# browsers cache them, and a new build must never be mixed with an old one.
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
out="$dist.new"
rm -rf "$out"
mkdir -p "$out"
cp -R "$repo/frontend/public/." "$out/"
rm "$out/boot.js" "$out/app.css"
# The lazily loaded modules, named by their own hash in the loader that fetches them.
loader="$staging/__wasm_split.js"
for module in "$staging"/lazy/*.wasm; do
  stem="$(basename "$module" .wasm)"
  name="$stem-$(hash_of "$module").wasm"
  mv "$module" "$out/$name"
  sed -i "s|\"\./$stem\.wasm\"|\"./$name\"|g" "$loader"
done
# The JS glue and the loader import each other, so both take the hash of the pair.
pair="$(hash_of "$staging/$crate.js" "$loader")"
glue_name="$crate-$pair.js"
loader_name="__wasm_split-$pair.js"
# Only the import statements change: the WASM still names its import module ./__wasm_split.js.
sed -e "s|from\"\./__wasm_split\.js\"|from\"./$loader_name\"|" "$staging/$crate.js" >"$out/$glue_name"
sed -e "s|from\"\./$crate\.js\"|from\"./$glue_name\"|" "$loader" >"$out/$loader_name"
wasm_name="${crate}_bg-$(hash_of "$staging/${crate}_bg.wasm").wasm"
mv "$staging/${crate}_bg.wasm" "$out/$wasm_name"
hashed() { # FILE STEM EXT -> copies FILE to out/STEM-HASH.EXT and prints the new name
  local name
  name="$2-$(hash_of "$1").$3"
  cp "$1" "$out/$name"
  printf '%s' "$name"
}
sed -e "s|/${crate}_bg.wasm|/$wasm_name|g" -e "s|/$crate.js|/$glue_name|g" \
  "$repo/frontend/public/boot.js" >"$staging/boot.js"
boot_name="$(hashed "$staging/boot.js" boot js)"
css_name="$(hashed "$repo/frontend/public/app.css" app css)"
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
