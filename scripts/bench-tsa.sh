#!/usr/bin/env bash
# Benchmark of trusted timestamps (docs/BENCHMARKS.md): the time a signature timestamp adds to a signature, against
# `vanban tsa serve` on loopback. The same PDF is signed RUNS times with `vanban pdf sign` and RUNS times with
# `vanban pdf sign --tsa` (one process each, alternating); the difference of the means is what the timestamp
# costs: one RFC 3161 round trip (request, the TSA's RSA signature, reply) and putting the token into the CMS.
# Usage: scripts/bench-tsa.sh [runs]   (VANBAN_BIN=path uses that binary instead of a release build)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
RUNS="${1:-50}"
apt_ensure bc
if [ -z "${VANBAN_BIN:-}" ]; then
  cargo build --release -p backend --bin vanban >/dev/null
  VANBAN_BIN="$ROOT/target/release/vanban"
fi
V="$VANBAN_BIN"
WORK="$(mktemp -d /tmp/vanban-bench-tsa.XXXXXX)"
PORT="${VANBAN_BENCH_TSA_PORT:-18319}"
"$V" pki init-ca --out "$WORK/ca" >/dev/null
"$V" pki issue --ca "$WORK/ca" --cn "Nguyễn Văn Đo" --org "UBND tỉnh Vĩnh Long" --p12 "$WORK/leader.p12" --pin 246810 >/dev/null
"$V" tsa serve --ca "$WORK/ca" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
TSA_PID=$!
trap 'kill "$TSA_PID" 2>/dev/null; wait "$TSA_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
IN="shared/tests/corpus/gs-pdfwrite-1.7.pdf"
sign() { "$V" pdf sign "$IN" "$WORK/out.pdf" --p12 "$WORK/leader.p12" --pin 246810 "$@" >/dev/null; }
# Warm the page cache and the TSA once; check the result is B-T.
sign --tsa "http://127.0.0.1:$PORT/"
verdict="$("$V" pdf verify "$WORK/out.pdf" --trust "$WORK/ca/ca.pem" --json)"
grep -q '"level": "B-T"' <<<"$verdict" || { echo "the signature is not B-T: $verdict"; exit 1; }

say "Dấu thời gian cho chữ ký: ${RUNS} lần ký không và có --tsa (máy chủ cấp dấu thời gian trên loopback)"
# Alternating pairs, medians: the machine's other work falls on both sides alike.
: >"$WORK/times"
for _ in $(seq 1 "$RUNS"); do
  s=$(date +%s%N); sign; m=$(date +%s%N); sign --tsa "http://127.0.0.1:$PORT/"; e=$(date +%s%N)
  echo "$(( (m - s) / 1000 )) $(( (e - m) / 1000 ))" >>"$WORK/times"
done
# The round trip alone, as any RFC 3161 client sees it (curl's own timing, no process start counted).
openssl ts -query -data "$IN" -sha256 -cert -out "$WORK/q.tsq" 2>/dev/null
for _ in $(seq 1 "$RUNS"); do
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/timestamp-query' \
    --data-binary @"$WORK/q.tsq" "http://127.0.0.1:$PORT/"
done >"$WORK/rtt"
python3 - "$WORK/times" "$WORK/rtt" <<'PY'
import statistics, sys
pairs = [tuple(int(x) / 1000 for x in l.split()) for l in open(sys.argv[1])]
rtt = [float(l) * 1000 for l in open(sys.argv[2])]
plain = statistics.median(p for p, _ in pairs)
stamped = statistics.median(t for _, t in pairs)
added = statistics.median(t - p for p, t in pairs)
print(f"   vanban pdf sign (trung vị):        {plain:7.2f} ms/chữ ký")
print(f"   vanban pdf sign --tsa (trung vị):  {stamped:7.2f} ms/chữ ký")
print(f"   dấu thời gian thêm (trung vị):     {added:7.2f} ms/chữ ký (1 lượt hỏi–đáp RFC 3161)")
print(f"   một lượt hỏi–đáp (curl): trung vị {statistics.median(rtt):.2f} ms, p95 {sorted(rtt)[int(0.95 * len(rtt)) - 1]:.2f} ms")
PY
