#!/usr/bin/env bash
# `make test`: every check, in order of cost. Installs what is missing first.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export CARGO_TERM_COLOR=never

say "Chuẩn bị công cụ"
ensure_frontend_tools
apt_ensure chromium fonts-liberation fonts-noto-core unzip haproxy
ensure_garage
"$ROOT/scripts/pg-start.sh"
# The independent PDF judges the signing tests call: qpdf, poppler's pdfsig, pyHanko in a venv.
"$ROOT/scripts/judges/ensure.sh" >/dev/null
# Databases left behind by an interrupted earlier run (each test creates and drops its own).
psql -h 127.0.0.1 -U postgres -d test -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'vanban_t_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done

say "Định dạng mã (cargo fmt --check)"
cargo fmt --all -- --check

say "Clippy (-D warnings): máy chủ và thư viện dùng chung"
cargo clippy -p shared -p edxml -p backend --all-targets --features shared/crypto -- -D warnings
say "Clippy (-D warnings): giao diện, wasm32"
cargo clippy -p client -p frontend -p work-ui -p worker --target wasm32-unknown-unknown -- -D warnings
say "Thư viện dùng chung dựng được cho wasm32"
cargo build -p shared --features crypto --target wasm32-unknown-unknown

say "Kiểm thử Rust: đơn vị, API, kho dữ liệu trên SQLite và PostgreSQL"
cargo test -p shared -p edxml -p backend

say "Dựng giao diện và máy chủ cho kiểm thử đầu-cuối"
build_frontend
cargo build -p backend --bin vanban

say "Kiểm thử đầu-cuối (Playwright, Chromium không giao diện)"
cd "$ROOT/e2e"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
if ! VANBAN_BIN="$ROOT/target/debug/vanban" npx playwright test; then
  node summarize-failures.mjs test-results/report.json
  exit 1
fi
say "Tất cả kiểm thử đều đạt."
