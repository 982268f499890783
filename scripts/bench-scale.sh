#!/usr/bin/env bash
# The morning peak of a province (issue 18): three `vanban serve` instances (release) behind HAProxy on one
# PostgreSQL and one Garage bucket, the province seeded by `vanban bench seed`, goose (`vanban-loadtest`) bringing
# 10,000 users over 15 minutes, pgbench's simple-update beside it. The harness is the ignored test
# `bench_scale::morning_peak_of_a_province` (backend/tests/it/bench_scale.rs); numbers go in docs/BENCHMARKS.md.
#
#   VANBAN_SCALE_DOCS=100000          incoming documents seeded (1,000,000: about 20 minutes of seeding)
#   VANBAN_SCALE_USERS=10000          simulated users (the province's accounts, one each)
#   VANBAN_SCALE_RAMP_SECONDS=900     over which they arrive
#   VANBAN_SCALE_SECONDS=960          the whole run
#   VANBAN_LOAD_JOURNEYS=1            journeys per person (home, one document, its first bytes); more measure
#   VANBAN_LOAD_THINK_MIN=2, _MAX=10  what the deployment sustains: seconds between sign-in and a journey
#   VANBAN_LOAD_STAY_SECONDS=300      how long each person's page (its live-events stream) stays open
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export CARGO_TERM_COLOR=never
apt_ensure haproxy postgresql-client
ensure_garage
"$ROOT/scripts/pg-start.sh"
# Release builds of the server and of the load generator, each in its own cargo run (their dependencies'
# features must not mix: goose's HTTP client brings another TLS stack than the server's).
cargo build --release -p backend --bin vanban
cargo build --release -p loadtest
# The harness itself only starts processes: the debug test binary is enough.
test_bin="$(cargo test -p backend --test it --no-run 2>&1 | tee /dev/stderr \
  | grep -o 'target/debug/deps/it-[0-9a-f]*' | tail -n1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp target/release/vanban "$work/vanban"
cp target/release/vanban-loadtest "$work/vanban-loadtest"
say "Cao điểm buổi sáng: ${VANBAN_SCALE_USERS:-10000} người dùng, ${VANBAN_SCALE_DOCS:-100000} văn bản"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' test)"
VANBAN_BENCH_BIN="$work/vanban" VANBAN_LOADTEST_BIN="$work/vanban-loadtest" \
  "$test_bin" --ignored --nocapture --test-threads 1 bench_scale::morning_peak_of_a_province 2>&1 \
  | grep -E '^(SEED|PGBENCH|LOADRUN|LOAD|MEMORY|machine)|panicked|FAILED|test result'
