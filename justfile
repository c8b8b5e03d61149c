# Everyday recipes. The README's two commands work without just (plain bash scripts).

# Serve the portal with demo data on SQLite at http://127.0.0.1:8080
serve:
    bash scripts/serve-demo.sh

# Every check CI runs
test:
    bash scripts/test-all.sh

# Formatting and lints
lint:
    cargo fmt --all -- --check
    cargo fmt --all --manifest-path frontend/Cargo.toml -- --check
    cargo clippy --all-targets --workspace -- -D warnings
    cargo clippy --manifest-path frontend/Cargo.toml --target wasm32-unknown-unknown --target-dir target/spa -- -D warnings

# Regenerate the committed OpenAPI document
openapi:
    cargo run -q --bin guichet -- openapi > openapi/openapi.json

# Build the SPA into dist/
spa:
    bash scripts/build-frontend.sh

# Browser tests against a debug server
e2e:
    cargo build --bin guichet
    bash scripts/build-frontend.sh
    bash scripts/e2e.sh

# The benchmark (docs/BENCHMARKS.md): `just bench` for the full run, `just bench --quick`
bench *args:
    bash scripts/bench.sh {{args}}
