#!/usr/bin/env bash
# Benchmark of long-term validation at issue (docs/BENCHMARKS.md): what the LTV step adds to issuing a 20-page
# document signed by the leader and sealed by the agency, both timestamped (B-T), against `vanban tsa serve` on
# loopback: the DSS (certificates and the CA's CRL) and the document timestamp (one RFC 3161 round trip), timed
# in-process by `vanban bench ltv`, and the verification of the final file the server then makes.
# Usage: scripts/bench-ltv.sh [runs]   (VANBAN_BIN=path uses that binary instead of a release build)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
RUNS="${1:-50}"
if [ -z "${VANBAN_BIN:-}" ]; then
  cargo build --release -p backend --bin vanban >/dev/null
  VANBAN_BIN="$ROOT/target/release/vanban"
fi
V="$VANBAN_BIN"
WORK="$(mktemp -d /tmp/vanban-bench-ltv.XXXXXX)"
PORT="${VANBAN_BENCH_TSA_PORT:-18320}"
"$V" pki init-ca --out "$WORK/ca" >/dev/null
"$V" pki issue --ca "$WORK/ca" --cn "Nguyễn Văn Đo" --org "UBND tỉnh Vĩnh Long" --p12 "$WORK/leader.p12" --pin 246810 >/dev/null
"$V" pki issue --ca "$WORK/ca" --cn "UBND tỉnh Vĩnh Long" --seal --p12 "$WORK/seal.p12" --pin 246810 >/dev/null
"$V" pki crl --ca "$WORK/ca" --out "$WORK/ca.crl" >/dev/null
"$V" tsa serve --ca "$WORK/ca" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
TSA_PID=$!
trap 'kill "$TSA_PID" 2>/dev/null; wait "$TSA_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
TSA="http://127.0.0.1:$PORT/"
IN="shared/tests/corpus/lo-bao-cao-20p.pdf"
"$V" pdf sign "$IN" "$WORK/signed.pdf" --p12 "$WORK/leader.p12" --pin 246810 --tsa "$TSA" >/dev/null
"$V" pdf sign "$WORK/signed.pdf" "$WORK/sealed.pdf" --p12 "$WORK/seal.p12" --pin 246810 --kind attachment --tsa "$TSA" >/dev/null

say "Bước LTV khi phát hành: tệp 20 trang có 2 chữ ký B-T, ${RUNS} lần (máy chủ cấp dấu thời gian trên loopback)"
"$V" bench ltv --file "$WORK/sealed.pdf" --trust "$WORK/ca/ca.pem" --crl "$WORK/ca.crl" --tsa "$TSA" --runs "$RUNS"
