#!/usr/bin/env bash
# Issuing throughput (numbering + verification + recording; the browser's filling and sealing excluded),
# on SQLite and on PostgreSQL, with the release build. Numbers go to docs/BENCHMARKS.md.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/pg-start.sh"
N="${VANBAN_BENCH_N:-1000}"
cargo test --release -p backend --test it --no-run
for db in sqlite postgres; do
  say "Phát hành $N văn bản trên $db"
  VANBAN_BENCH_N="$N" VANBAN_BENCH_DB="$db" cargo test --release -p backend --test it \
    -- --ignored --nocapture issue_concurrency::benchmark_issuing 2>&1 | grep '^BENCH'
done
