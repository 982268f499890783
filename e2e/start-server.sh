#!/usr/bin/env bash
# Starts vanban for the e2e journeys on a fresh data directory, removed when the server stops.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${VANBAN_BIN:-$here/../target/debug/vanban}"
data="$(mktemp -d /tmp/vanban-e2e.XXXXXX)"
tsa_pid=
csc_pid=
trap 'kill "$pid" $tsa_pid $csc_pid 2>/dev/null; wait "$pid" $tsa_pid $csc_pid 2>/dev/null; rm -rf "$data"' EXIT INT TERM
# A CA the server trusts, and a leader's PKCS#12 (PIN 246810) for the signing journeys; the tests also use the
# CA directory to answer certificate requests made in the browser.
pki="$here/artifacts/pki"
rm -rf "$pki" && mkdir -p "$pki" "$data/trust"
"$bin" pki init-ca --out "$pki/ca" >/dev/null
cp "$pki/ca/ca.pem" "$data/trust/e2e-ca.pem"
"$bin" pki issue --ca "$pki/ca" --cn "Trần Văn Lãnh Đạo" --org "UBND tỉnh Vĩnh Long" --p12 "$pki/leader.p12" \
  --pin 246810 >/dev/null
# The Sở Nội vụ demo leaders' keys and its seal, for the outgoing-document journey.
"$bin" pki demo-keys --ca "$pki/ca" --out "$pki" --pin 246810 --agency snv >/dev/null
# The CA's CRL beside it: every issued file gets the validation data of its signatures (PAdES B-LT/B-LTA).
"$bin" pki crl --ca "$pki/ca" --out "$data/trust/e2e-ca.crl" >/dev/null
# The CA's time-stamping authority, as `make run` has it: every signature the server accepts gets a timestamp.
tsa_addr="127.0.0.1:${VANBAN_E2E_TSA_PORT:-18318}"
"$bin" tsa serve --ca "$pki/ca" --addr "$tsa_addr" >/dev/null &
tsa_pid=$!
export VANBAN_TSA_URL="http://$tsa_addr/"
# The demo remote signing provider (CSC API v2), as `make run` has it, with a credential for the Sở Nội vụ
# leader; the remote-signing journey approves and refuses on its phone page.
csc_addr="127.0.0.1:${VANBAN_E2E_CSC_PORT:-18319}"
"$bin" csc serve --ca "$pki/ca" --addr "$csc_addr" --user "lanhdao.snv=Lê Văn Hùng" --approval-seconds 60 >/dev/null &
csc_pid=$!
export VANBAN_CSC_URL="http://$csc_addr/csc/v2" VANBAN_CSC_CLIENT_ID=vanban VANBAN_CSC_CLIENT_SECRET=vanban-demo-secret
# One log line per request is the server's default; the journeys' output keeps warnings and errors only.
# The demo keys' certificates are registered to their accounts and agency at seeding (the server accepts a
# signature only from a certificate registered to the signer).
export VANBAN_DEMO_KEYS_DIR="$pki"
RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --addr "127.0.0.1:${VANBAN_E2E_PORT:-18080}" --data-dir "$data" \
  --static-dir "$here/../frontend/dist" --seed-demo-if-empty &
pid=$!
wait "$pid"
