#!/usr/bin/env bash
# Benchmarks of the signing core (see docs/BENCHMARKS.md), each side by side in one run on the same files/key:
#  1. signing twenty 17–20-page PDFs with `vanban pdf sign` (one process per file) vs pyHanko (one Python process),
#  2. verifying a PDF with 3 signatures: `vanban pdf verify` vs poppler's `pdfsig`, N runs each,
#  3. SHA-256 of 100 MB in headless Chromium: the signing worker vs WebCrypto (e2e/tests/bench-hash.spec.ts).
# Usage: scripts/bench-pdf.sh [verify_runs]
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
RUNS="${1:-50}"
apt_ensure bc poppler-utils
PY="$("$ROOT/scripts/judges/ensure.sh" | tail -1)"
cargo build --release -p backend --bin vanban >/dev/null
V="$ROOT/target/release/vanban"
WORK="$(mktemp -d /tmp/vanban-bench-pdf.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

"$V" pki init-ca --out "$WORK/ca" >/dev/null
"$V" pki issue --ca "$WORK/ca" --cn "Nguyễn Văn Đo" --org "UBND tỉnh Vĩnh Long" --p12 "$WORK/leader.p12" --pin 246810 >/dev/null
"$V" pki issue --ca "$WORK/ca" --cn "UBND tỉnh Vĩnh Long" --org "UBND tỉnh Vĩnh Long" --seal --p12 "$WORK/seal.p12" --pin 246810 >/dev/null

# Twenty inputs: the corpus's 17–20-page files, round robin.
mapfile -t SET < <(grep "benchmark set" shared/tests/corpus/README.md | cut -d'|' -f2 | tr -d ' ')
mkdir -p "$WORK/in" "$WORK/ours" "$WORK/pyhanko"
for i in $(seq 1 20); do
  f="${SET[$(( (i - 1) % ${#SET[@]} ))]}"
  cp "shared/tests/corpus/$f" "$WORK/in/$(printf '%02d' "$i")-$f"
done
pages=$(for f in "$WORK"/in/*.pdf; do pdfinfo "$f" | awk '/^Pages:/ {print $2}'; done | sort -n | uniq | tr '\n' ' ')

say "1. Ký 20 tệp PDF (${#SET[@]} tệp khác nhau, số trang: $pages)"
start=$(date +%s.%N)
for f in "$WORK"/in/*.pdf; do
  "$V" pdf sign "$f" "$WORK/ours/$(basename "$f")" --p12 "$WORK/leader.p12" --pin 246810 --rect 300,80,200,60 --text "Nguyễn Văn Đo"
done
end=$(date +%s.%N)
ours=$(echo "$end - $start" | bc -l)
theirs=$("$PY" scripts/judges/pyhanko_sign_bench.py --p12 "$WORK/leader.p12" --pin 246810 --out "$WORK/pyhanko" --visible "$WORK"/in/*.pdf |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
printf '   vanban pdf sign (20 tiến trình): %8.3f s\n   pyHanko (1 tiến trình Python):    %8.3f s\n   tỉ lệ: %.1f%% thời gian của pyHanko (mục tiêu ≤ 10%%)\n' \
  "$ours" "$theirs" "$(echo "100 * $ours / $theirs" | bc -l)"
valid=0; for f in "$WORK"/ours/*.pdf; do pdfsig "$f" 2>/dev/null | grep -q "Signature is Valid" && valid=$((valid + 1)); done
echo "   pdfsig: $valid/20 tệp ký hợp lệ"

say "2. Xác minh một tệp có 3 chữ ký ($RUNS lần mỗi bên)"
base="$WORK/in/01-${SET[0]}"
"$V" pdf sign "$base" "$WORK/s1.pdf" --p12 "$WORK/leader.p12" --pin 246810 --rect 300,80,200,60
"$V" pdf sign "$WORK/s1.pdf" "$WORK/s2.pdf" --p12 "$WORK/seal.p12" --pin 246810 --kind seal --rect 300,80,200,60 \
  --image shared/tests/assets/con-dau-demo.png
"$V" pdf sign "$WORK/s2.pdf" "$WORK/s3.pdf" --p12 "$WORK/seal.p12" --pin 246810 --kind attachment --text "Số: 07/QĐ-UBND"
"$V" pdf verify "$WORK/s3.pdf" --trust "$WORK/ca/ca.pem" >/dev/null && echo "   vanban: cả 3 chữ ký hợp lệ"
[ "$(pdfsig "$WORK/s3.pdf" | grep -c 'Signature is Valid')" = 3 ] && echo "   pdfsig: cả 3 chữ ký hợp lệ"
time_runs() { local s e; s=$(date +%s.%N); for _ in $(seq 1 "$RUNS"); do "$@" >/dev/null 2>&1; done; e=$(date +%s.%N); echo "1000 * ($e - $s) / $RUNS" | bc -l; }
ours_ms=$(time_runs "$V" pdf verify "$WORK/s3.pdf" --trust "$WORK/ca/ca.pem")
pdfsig_ms=$(time_runs pdfsig "$WORK/s3.pdf")
printf '   vanban pdf verify: %7.2f ms/lần (kèm kiểm tra chuỗi chứng thư và phân tích sửa đổi)\n   pdfsig:            %7.2f ms/lần\n' "$ours_ms" "$pdfsig_ms"
say "3. Băm 100 MB trong Chromium không giao diện (WebCrypto và bộ ký số)"
build_frontend >/dev/null
cargo build -p backend --bin vanban >/dev/null
cd "$ROOT/e2e" && VANBAN_BENCH=1 VANBAN_BIN="$ROOT/target/debug/vanban" npx playwright test bench-hash --project desktop --reporter line
