#!/usr/bin/env bash
# Search at province scale: GET /api/search with 32 concurrent clients (clerks, agency leaders and handlers),
# for six kinds of query, on SQLite and on PostgreSQL, for each size in VANBAN_BENCH_DOCS. Release build; every
# run seeds a fresh database with `vanban bench seed` (which builds the search index). Numbers: docs/BENCHMARKS.md.
#
#   VANBAN_BENCH_DOCS="10000 100000 1000000"   sizes (documents in the mix; default "10000 100000")
#   VANBAN_BENCH_DBS="sqlite postgres"          databases
#   VANBAN_BENCH_SECONDS=10 VANBAN_BENCH_CLIENTS=32
#   VANBAN_BENCH_KEEP=1                         keep the databases (to look at query plans)
#   VANBAN_BENCH_URL_SQLITE=sqlite:///…/bench.db   reuse a database seeded earlier (`vanban bench seed`) instead
#   VANBAN_BENCH_URL_POSTGRES=postgres://…/db      of seeding: its missing search entries are built first
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/pg-start.sh"
DOCS="${VANBAN_BENCH_DOCS:-10000 100000}"
DBS="${VANBAN_BENCH_DBS:-sqlite postgres}"
export VANBAN_TEST_PG_URL="${VANBAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# SQLite files of the 1M run are ~2 GB.
export VANBAN_BENCH_DIR="${VANBAN_BENCH_DIR:-${TMPDIR:-/tmp}}"
# Built once; every run uses copies of the same binaries.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
test_bin="$(cargo test --release -p backend --test it --no-run 2>&1 \
  | tee /dev/stderr | grep -o 'target/release/deps/it-[0-9a-f]*' | tail -n1)"
cp "$test_bin" "$work/bench_search"
cp target/release/vanban "$work/vanban"
export VANBAN_BENCH_BIN="$work/vanban"
out="$work/out"
for n in $DOCS; do
  for db in $DBS; do
    say "Tìm kiếm: $n văn bản trên $db"
    url_var="VANBAN_BENCH_URL_${db^^}"
    VANBAN_BENCH_URL="${!url_var:-}" VANBAN_BENCH_DOCS="$n" VANBAN_BENCH_DB="$db" "$work/bench_search" --ignored --nocapture bench_search::benchmark_search 2>&1 \
      | grep -E '^(SEED|SETUP|BENCH|ROW|CHECK|KEPT)|panicked|FAILED' | tee -a "$out"
  done
done
say "Bảng kết quả"
echo "| database | documents | endpoint | requests | per second | p50 | p95 | p99 |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
grep '^ROW ' "$out" | sed 's/^ROW //'
