#!/usr/bin/env bash
# The exchange between two vanban instances on loopback, end to end (issue 16): documents issued on A while B is
# down wait in A's outbox; B starts and the clock runs until every document arrived on B (verified, stored,
# indexed, in its clerks' queue) and every 01 came back to A. Release build, SQLite and PostgreSQL.
#
#   VANBAN_BENCH_DOCS=500              documents
#   VANBAN_BENCH_DBS="sqlite postgres" databases
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/pg-start.sh"
DBS="${VANBAN_BENCH_DBS:-sqlite postgres}"
export VANBAN_BENCH_DOCS="${VANBAN_BENCH_DOCS:-500}"
export VANBAN_TEST_PG_URL="${VANBAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
test_bin="$(cargo test --release -p backend --test it --no-run 2>&1 \
  | tee /dev/stderr | grep -o 'target/release/deps/it-[0-9a-f]*' | tail -n1)"
cargo build --release -p backend --bin vanban
cp "$test_bin" "$work/it"
cp target/release/vanban "$work/vanban"
export VANBAN_BENCH_BIN="$work/vanban"
say "Liên thông giữa hai hệ thống: $VANBAN_BENCH_DOCS văn bản"
echo "| database | documents | all arrived | arrived per second | all 01 back | end to end per second |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for db in $DBS; do
  VANBAN_BENCH_DB="$db" "$work/it" --ignored --nocapture exchange_chaos::benchmark_exchange 2>&1 \
    | grep -E '^ROW |panicked|FAILED' | sed 's/^ROW //'
done
