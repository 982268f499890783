#!/usr/bin/env bash
# Benchmarks of the foundation (see docs/BENCHMARKS.md):
#  1. bytes the sign-in page transfers (precompressed brotli files of frontend/dist),
#  2. /api/health and /api/me throughput and latency with wrk on loopback, on SQLite and on PostgreSQL,
#  3. search p95 at province scale (scripts/bench-search.sh),
#  4. edXML packets with a 5 MiB attachment built and parsed per second, peak memory (scripts/bench-edxml.sh),
#     and documents per second between two instances end to end (scripts/bench-exchange.sh),
#  4c. the time a signature timestamp adds per signature against a loopback TSA (scripts/bench-tsa.sh),
#  4d. the time the long-term validation step (DSS, document timestamp) adds at issue (scripts/bench-ltv.sh),
#  5. coverage-guided fuzzing of the parsers (scripts/fuzz.sh), FUZZ_SECONDS per target (default 600).
# Usage: scripts/bench.sh [duration_seconds]   (needs a built frontend: `make frontend`)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
DURATION="${1:-20}"
PORT=18181
PASSWORD="Bench2026vanban"
apt_ensure wrk curl
cargo build --release -p backend --bin vanban >/dev/null

say "1. Trang đăng nhập: dung lượng truyền (brotli)"
# The sign-in page loads index.html and every .js/.css/.wasm of dist except the work bundle's and the workers'.
total=0
for f in frontend/dist/index.html frontend/dist/*.js frontend/dist/*.css frontend/dist/*.wasm; do
  [ -f "$f.br" ] || continue
  # Loaded by the document pages only (the work styles come with the work bundle: WORK_STYLES).
  case "${f##*/}" in vanban_*|work_ui*|signing.css|work.css|document.css|dashboard.css|incoming.css|dialog.css) continue ;; esac
  size=$(stat -c %s "$f.br"); total=$((total + size))
  printf '   %-50s %9d B raw %9d B brotli\n' "${f#frontend/dist/}" "$(stat -c %s "$f")" "$size"
done
printf '   %-50s %29d B brotli (budget 358400)\n' "total" "$total"

run_server() {
  local url="$1" data
  data="$(mktemp -d /tmp/vanban-bench.XXXXXX)"
  VANBAN_DEMO_PASSWORD="$PASSWORD" ./target/release/vanban serve --addr "127.0.0.1:$PORT" --data-dir "$data" \
    ${url:+--database-url "$url"} --seed-demo-if-empty >"$data/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null && return 0; sleep 0.5; done
  cat "$data/server.log"; return 1
}

bench_db() {
  local label="$1" url="$2"
  say "2. $label: /api/health và /api/me (wrk, ${DURATION}s, 64 kết nối)"
  run_server "$url"
  local cookie
  cookie=$(curl -fs -i -H 'content-type: application/json' \
    -d "{\"username\":\"chuyenvien1.snv\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/auth/login" |
    grep -i '^set-cookie:' | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]+);.*/\1/')
  for path in /api/health /api/me; do
    echo "--- $label $path"
    wrk -t1 -c64 -d"${DURATION}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" |
      grep -E 'Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors'
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
}

bench_db "SQLite" ""
"$ROOT/scripts/pg-start.sh"
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS vanban_bench WITH (FORCE)" -c "CREATE DATABASE vanban_bench"
bench_db "PostgreSQL" "postgres://postgres@127.0.0.1:5432/vanban_bench"
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS vanban_bench WITH (FORCE)"

say "3. Tìm kiếm: p95 với 32 máy khách (scripts/bench-search.sh; kích thước: VANBAN_BENCH_DOCS)"
"$ROOT/scripts/bench-search.sh"

say "4. Gói tin edXML: dựng và đọc mỗi giây với tệp 5 MiB, bộ nhớ đỉnh (scripts/bench-edxml.sh)"
"$ROOT/scripts/bench-edxml.sh" 5 5

say "4b. Liên thông giữa hai hệ thống: văn bản mỗi giây từ đầu đến cuối (scripts/bench-exchange.sh)"
"$ROOT/scripts/bench-exchange.sh"

# Last: it takes FUZZ_SECONDS (10 minutes) per target and fails the run when a parser crashed.
say "4c. Dấu thời gian: thời gian thêm cho mỗi chữ ký với máy chủ cấp dấu thời gian trên loopback (scripts/bench-tsa.sh)"
VANBAN_BIN="$ROOT/target/release/vanban" "$ROOT/scripts/bench-tsa.sh" 100
say "4d. Lưu trữ dài hạn: thời gian bước LTV thêm khi phát hành văn bản 20 trang (scripts/bench-ltv.sh)"
VANBAN_BIN="$ROOT/target/release/vanban" "$ROOT/scripts/bench-ltv.sh" 100

say "5. Fuzz các bộ đọc và kiểm tra dữ liệu vào (${FUZZ_SECONDS:-600}s mỗi đích)"
"$ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-600}"
