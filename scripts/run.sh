#!/usr/bin/env bash
# `make run`: install what is missing, build the frontend and the server in release mode, then serve the
# demo province on SQLite (or on VANBAN_DATABASE_URL).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
build_frontend
say "Dựng máy chủ (cargo build --release)"
cargo build --release -p backend --bin vanban
export VANBAN_ADDR="${VANBAN_ADDR:-127.0.0.1:8080}"
export VANBAN_DATA_DIR="${VANBAN_DATA_DIR:-$ROOT/data}"
export VANBAN_STATIC_DIR="${VANBAN_STATIC_DIR:-$ROOT/frontend/dist}"
say "Khởi động vanban tại http://$VANBAN_ADDR (dữ liệu: $VANBAN_DATA_DIR)"
exec "$ROOT/target/release/vanban" serve --seed-demo-if-empty
