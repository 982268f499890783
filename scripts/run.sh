#!/usr/bin/env bash
# `make run`: install what is missing, build the frontend and the server in release mode, then serve the
# demo province on SQLite (or on VANBAN_DATABASE_URL).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# The browser side (its tools, then the bundles) and the server compile at the same time: each has long
# single-threaded stretches (the WASM links with one codegen unit, the server's last crates) that the other
# fills on two cores (docs/BENCHMARKS.md, issue 18).
apt_ensure brotli gzip
"$ROOT/scripts/build-frontend.sh" &
frontend=$!
say "Dựng máy chủ (cargo build --release), cùng lúc với giao diện"
cargo build --release -p backend --bin vanban
wait "$frontend" || { echo "Dựng giao diện thất bại (xem thông báo ở trên)." >&2; exit 1; }
export VANBAN_ADDR="${VANBAN_ADDR:-127.0.0.1:8080}"
export VANBAN_DATA_DIR="${VANBAN_DATA_DIR:-$ROOT/data}"
export VANBAN_STATIC_DIR="${VANBAN_STATIC_DIR:-$ROOT/frontend/dist}"
# A demo CA the server trusts, and keys for trying the signing page (PIN 246810), made once.
DEMO_CA="$VANBAN_DATA_DIR/demo-ca"
if [ ! -f "$DEMO_CA/ca.pem" ]; then
  say "Tạo CA thử nghiệm và khoá ký số demo (mã PIN 246810)"
  V="$ROOT/target/release/vanban"
  # Its CRL is published by vanban itself at /pki/ca.crl and named in every certificate it issues.
  "$V" pki init-ca --out "$DEMO_CA" --cn "CA thử nghiệm tỉnh Vĩnh Long" --org "UBND tỉnh Vĩnh Long (thử nghiệm)" \
    --crl-url "http://$VANBAN_ADDR/pki/ca.crl"
  mkdir -p "$VANBAN_DATA_DIR/trust" "$VANBAN_DATA_DIR/demo-keys"
  cp "$DEMO_CA/ca.pem" "$VANBAN_DATA_DIR/trust/demo-ca.pem"
  # Each agency's leader and unit leader (certificates in their names) and each agency's seal.
  "$V" pki demo-keys --ca "$DEMO_CA" --out "$VANBAN_DATA_DIR/demo-keys" --pin 246810
  echo "   Nhập các tệp .p12 trong $VANBAN_DATA_DIR/demo-keys ở trang Chữ ký số (mật khẩu tệp: 246810):"
  echo "   lanhdao.<cơ quan>.p12 cho lãnh đạo, dau.<cơ quan>.p12 cho văn thư (con dấu điện tử)."
fi
# The demo CA's CRL (valid a week), written afresh at each start into the trust directory: the server puts it,
# with the certificates, into every file it issues (PAdES B-LT; B-LTA with the TSA below).
"$ROOT/target/release/vanban" pki crl --ca "$DEMO_CA" --out "$VANBAN_DATA_DIR/trust/demo-ca.crl" >/dev/null
# The certificates of the demo keys (registered to the demo accounts and agencies by the seed): a data
# directory made before issue 17 has only the .p12 files.
for p12 in "$VANBAN_DATA_DIR"/demo-keys/*.p12; do
  [ -f "$p12" ] && [ ! -f "${p12%.p12}.pem" ] && \
    openssl pkcs12 -in "$p12" -passin pass:246810 -clcerts -nokeys -out "${p12%.p12}.pem" 2>/dev/null || true
done
export VANBAN_CA_DIR="${VANBAN_CA_DIR:-$DEMO_CA}"
# Trusted time: the demo CA's time-stamping authority on loopback (its certificate is issued on first start),
# unless VANBAN_TSA_URL names another. Every signature the server accepts gets a timestamp from it (PAdES B-T).
if [ -z "${VANBAN_TSA_URL:-}" ]; then
  TSA_ADDR="${VANBAN_TSA_ADDR:-127.0.0.1:8318}"
  say "Khởi động máy chủ cấp dấu thời gian (RFC 3161) tại http://$TSA_ADDR/"
  "$ROOT/target/release/vanban" tsa serve --ca "$DEMO_CA" --addr "$TSA_ADDR" &
  tsa_pid=$!
  trap 'kill "$tsa_pid" 2>/dev/null; wait "$tsa_pid" 2>/dev/null' EXIT INT TERM
  export VANBAN_TSA_URL="http://$TSA_ADDR/"
fi
# Remote signing (ký số từ xa): the demo CSC API v2 provider on loopback, with a credential for each agency's
# leader (identifier = user name; keys issued by the demo CA on first start), unless VANBAN_CSC_URL names a real
# one. Approve or refuse each request at http://$CSC_ADDR/phone/lanhdao.<cơ quan>, as on the provider's app.
if [ -z "${VANBAN_CSC_URL:-}" ]; then
  CSC_ADDR="${VANBAN_CSC_ADDR:-127.0.0.1:8319}"
  say "Khởi động dịch vụ ký số từ xa thử nghiệm (CSC API v2) tại http://$CSC_ADDR/ — duyệt ký tại http://$CSC_ADDR/phone/lanhdao.<cơ quan>"
  "$ROOT/target/release/vanban" csc serve --ca "$DEMO_CA" --addr "$CSC_ADDR" \
    --user "lanhdao.ubnd=Nguyễn Văn Phước" --user "lanhdao.vpubnd=Trương Công Danh" \
    --user "lanhdao.snv=Lê Văn Hùng" --user "lanhdao.stc=Dương Văn Nghĩa" --user "lanhdao.stp=Nguyễn Hữu Tài" \
    --user "lanhdao.sgddt=Huỳnh Văn Thành" --user "lanhdao.syt=Trần Văn Dũng" \
    --user "lanhdao.longho=Phạm Văn Tư" --user "lanhdao.mangthit=Nguyễn Văn Chiến" &
  csc_pid=$!
  trap 'kill "${tsa_pid:-}" "$csc_pid" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
  export VANBAN_CSC_URL="http://$CSC_ADDR/csc/v2"
  export VANBAN_CSC_CLIENT_ID=vanban
  export VANBAN_CSC_CLIENT_SECRET="${VANBAN_CSC_CLIENT_SECRET:-vanban-demo-secret}"
fi
say "Khởi động vanban tại http://$VANBAN_ADDR (dữ liệu: $VANBAN_DATA_DIR)"
"$ROOT/target/release/vanban" serve --seed-demo-if-empty
