#!/usr/bin/env bash
# Checks the judges themselves, with no Rust involved: a throwaway CA and PKCS#12 (openssl),
# a corpus file signed by pyhanko_sign_bench.py, then pyhanko_validate.py must say
# intact/valid/trusted/NONE, pdfsig must agree, and later changes must be classified:
#   fill a form field -> FORM_FILLING      replace /Info -> LTA_UPDATES (pyHanko's metadata rule)
#   add a comment (/Text annotation) -> OTHER: pyHanko's default policy does not whitelist it
#   flip a signed byte -> not intact
#   CRL listing the signer -> revoked      other trust root -> not trusted
# Usage: scripts/judges/selftest.sh     (prints "N passed, 0 failed" at the end)
source "$(dirname "$0")/../lib.sh"
J="$ROOT/scripts/judges"
CORPUS="$ROOT/shared/tests/corpus"
PY="$("$J/ensure.sh")"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
cd "$W"

pass=0 fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}
# field N KEY FILE [validate args...]: one key of the Nth signature's verdict
verdict() {
  local n="$1" key="$2" file="$3"; shift 3
  "$PY" "$J/pyhanko_validate.py" "$file" "$@" | python3 -c "import json,sys; v=json.load(sys.stdin)[$n]['$key']; print(v if not isinstance(v,bool) else str(v).lower())"
}

say "Throwaway PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=judge selftest CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 30 -subj "/CN=unrelated CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr -subj "/CN=Nguyễn Văn Thử" -utf8 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nauthorityKeyIdentifier=keyid\n' > ext.cnf
openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext.cnf -out s.pem 2>/dev/null
openssl pkcs12 -export -inkey s.key -in s.pem -certfile ca.pem -out s.p12 -passout pass:123456 \
  -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256

say "Sign acroform-hand.pdf and lo-quyet-dinh-17p.pdf with pyhanko_sign_bench.py"
out="$("$PY" "$J/pyhanko_sign_bench.py" --p12 s.p12 --pin 123456 --out signed --visible \
  "$CORPUS/acroform-hand.pdf" "$CORPUS/lo-quyet-dinh-17p.pdf")"
check "bench JSON files" 2 "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"])')"
S=signed/acroform-hand.pdf
check "intact" true "$(verdict 0 intact $S --trust ca.pem)"
check "valid" true "$(verdict 0 valid $S --trust ca.pem)"
check "trusted" true "$(verdict 0 trusted $S --trust ca.pem)"
check "coverage" ENTIRE_FILE "$(verdict 0 coverage $S --trust ca.pem)"
check "modification level" NONE "$(verdict 0 modification_level $S --trust ca.pem)"
check "md" sha256 "$(verdict 0 md_algorithm $S --trust ca.pem)"
check "mechanism" sha256_rsa "$(verdict 0 signature_mechanism $S --trust ca.pem)"
check "pdfsig: signature valid" 1 "$(pdfsig $S 2>/dev/null | grep -c 'Signature is Valid')"
check "pdfsig: total document signed" 1 "$(pdfsig $S 2>/dev/null | grep -c 'Total document signed')"
check "unrelated root: not trusted" false "$(verdict 0 trusted $S --trust other.pem)"
check "unrelated root: still intact" true "$(verdict 0 intact $S --trust other.pem)"

say "Later revisions"
"$PY" - "$S" filled.pdf <<'EOF'
import sys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
with open(sys.argv[1], 'rb') as f:
    w = IncrementalPdfFileWriter(f)
    for ref in w.root['/AcroForm']['/Fields']:
        fld = ref.get_object()
        if fld.get('/T') == 'reviewer':
            fld['/V'] = generic.TextStringObject('Tran Van B')
            ap = generic.StreamObject(
                {generic.NameObject('/BBox'): generic.ArrayObject([generic.NumberObject(x) for x in (0, 0, 260, 20)]),
                 generic.NameObject('/Subtype'): generic.NameObject('/Form')},
                stream_data=b'/Tx BMC BT /Helv 10 Tf 2 6 Td (Tran Van B) Tj ET EMC')
            fld['/AP'] = generic.DictionaryObject({generic.NameObject('/N'): w.add_object(ap)})
            w.mark_update(ref)
    with open(sys.argv[2], 'wb') as out:
        w.write(out)
EOF
check "form filled: FORM_FILLING" FORM_FILLING "$(verdict 0 modification_level filled.pdf --trust ca.pem)"
check "form filled: coverage" ENTIRE_REVISION "$(verdict 0 coverage filled.pdf --trust ca.pem)"
check "form filled: docmdp ok" true "$(verdict 0 docmdp_ok filled.pdf --trust ca.pem)"
python3 "$ROOT/scripts/corpus/pdfcraft.py" append-annot annot.pdf "$S"
check "comment added: OTHER (pyHanko policy)" OTHER "$(verdict 0 modification_level annot.pdf --trust ca.pem)"
check "comment added: detail given" true "$(verdict 0 modification_detail annot.pdf --trust ca.pem | grep -qi unexplained && echo true)"
check "comment added: still intact" true "$(verdict 0 intact annot.pdf --trust ca.pem)"
python3 "$ROOT/scripts/corpus/pdfcraft.py" append-info info.pdf signed/lo-quyet-dinh-17p.pdf
check "/Info replaced: LTA_UPDATES" LTA_UPDATES "$(verdict 0 modification_level info.pdf --trust ca.pem)"
python3 - "$S" tampered.pdf <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'hand-written')   # in the /Info dictionary, inside the signed byte range
d[i] ^= 0x20                   # 'h' -> 'H'
open(sys.argv[2], 'wb').write(d)
EOF
check "tampered: not intact" false "$(verdict 0 intact tampered.pdf --trust ca.pem)"

say "CRL"
mkdir -p ca && : > ca/index.txt && echo 1000 > ca/crlnumber
printf '[ca]\ndefault_ca=c\n[c]\ndatabase=ca/index.txt\ncrlnumber=ca/crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncertificate=ca.pem\nprivate_key=ca.key\n' > ca.cnf
openssl ca -config ca.cnf -gencrl -out good.crl 2>/dev/null
check "empty CRL: trusted" true "$(verdict 0 trusted $S --trust ca.pem --crl good.crl)"
openssl ca -config ca.cnf -revoke s.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -gencrl -out revoked.crl 2>/dev/null
check "revoking CRL: revoked" true "$(verdict 0 revoked $S --trust ca.pem --crl revoked.crl)"
check "revoking CRL: not trusted" false "$(verdict 0 trusted $S --trust ca.pem --crl revoked.crl)"

say "Corpus files signed by pyHanko (throwaway-ca.pem)"
check "signed-twice: 2 signatures" 2 "$("$PY" "$J/pyhanko_validate.py" "$CORPUS/signed-twice-pyhanko.pdf" --trust "$CORPUS/throwaway-ca.pem" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "signed-twice: first is FORM_FILLING" FORM_FILLING "$(verdict 0 modification_level "$CORPUS/signed-twice-pyhanko.pdf" --trust "$CORPUS/throwaway-ca.pem")"
check "signed-twice: second untouched" NONE "$(verdict 1 modification_level "$CORPUS/signed-twice-pyhanko.pdf" --trust "$CORPUS/throwaway-ca.pem")"
check "unsigned file: empty array" "[]" "$("$PY" "$J/pyhanko_validate.py" "$CORPUS/lo-cong-van-18p.pdf" --trust ca.pem | tr -d ' \n')"
rc=0; "$PY" "$J/pyhanko_validate.py" "$CORPUS/bad/garbage.pdf" --trust ca.pem >/dev/null 2>&1 || rc=$?
check "garbage: exit 1" 1 "$rc"
rc=0; "$PY" "$J/pyhanko_validate.py" "$CORPUS/lo-cong-van-18p.pdf" >/dev/null 2>&1 || rc=$?
check "no --trust: exit 2" 2 "$rc"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
