#!/usr/bin/env bash
# Regenerates the PDF test corpus in shared/tests/corpus (and corpus/bad). Tests never run
# this: the PDFs are committed. It documents where every file comes from, and rebuilds them
# (byte-different: producers stamp dates, the throwaway signing key is new each run).
#
# Producers: LibreOffice Writer 7.4 (headless), Chromium headless print-to-pdf (Skia/PDF),
# groff 1.22 (gropdf), Ghostscript 10 (pdfwrite), ImageMagick (only to draw a JPEG "scan"),
# qpdf 11 (structure rewrites), pyHanko (signatures, signature field, xref-stream update),
# and the hand-written scripts/corpus/pdfcraft.py (hybrid files, incremental updates, edge cases).
# Text sources: scripts/corpus/vn_docs.py (invented Vietnamese administrative documents).
#
# Usage: scripts/make-pdf-corpus.sh [OUTDIR]   (default shared/tests/corpus)
source "$(dirname "$0")/lib.sh"

OUT="${1:-$ROOT/shared/tests/corpus}"
CORPUS="$ROOT/scripts/corpus"
J="$ROOT/scripts/judges"

apt_ensure qpdf poppler-utils ghostscript groff imagemagick fonts-liberation fonts-dejavu-core \
  libreoffice-writer-nogui chromium
PY="$("$J/ensure.sh")"

W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
mkdir -p "$OUT/bad" "$W/src" "$W/pki"
export SOURCE_DATE_EPOCH=1723680000   # 2024-08-15: used by the producers that honour it

say "Nguồn văn bản (vn_docs.py)"
python3 "$CORPUS/vn_docs.py" "$W/src"

say "LibreOffice Writer → PDF"
# A private profile so that a user's LibreOffice settings change nothing.
soffice -env:UserInstallation="file://$W/lo-profile" --headless --convert-to pdf --outdir "$W/lo" \
  "$W/src/"*.fodt >/dev/null 2>&1
for f in lo-quyet-dinh-17p lo-cong-van-18p lo-bao-cao-20p lo-form-fields; do
  cp "$W/lo/$f.pdf" "$OUT/$f.pdf"
done

say "Chromium (Skia/PDF), groff (gropdf), Ghostscript (pdfwrite)"
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir="$W/chromium" \
  --print-to-pdf="$OUT/chromium-thong-bao.pdf" "file://$W/src/chromium-thong-bao.html" >/dev/null 2>&1
groff -ms -t -Tpdf -P-pa4 "$W/src/groff-annex.ms" > "$OUT/groff-annex-19p.pdf"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -o "$OUT/gs-pdfwrite-1.7.pdf" "$W/src/gs-pages.ps"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -dCompatibilityLevel=1.3 -o "$OUT/gs-pdfwrite-1.3.pdf" "$W/src/gs-pages.ps"
# A "scanned" page: a JPEG drawn by ImageMagick, wrapped into a PDF by Ghostscript's viewjpeg.ps.
convert -size 595x842 xc:white -font DejaVu-Sans -pointsize 16 -fill '#222' \
  -annotate +60+80 'ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM' -annotate +60+110 'Bản scan giả lập (ImageMagick + Ghostscript)' \
  -fill none -stroke '#c00' -strokewidth 3 -draw 'circle 450,700 450,640' -attenuate 0.3 +noise Gaussian \
  -quality 60 "$W/scan.jpg"
(cd "$W" && gs -q -dNOSAFER -sDEVICE=pdfwrite -o "$OUT/gs-scan-jpeg.pdf" \
  "$(ls /usr/share/ghostscript/*/lib/viewjpeg.ps | head -1)" \
  -c "(scan.jpg) << /PageSize 2 index viewJPEGgetsize 2 array astore >> setpagedevice viewJPEG")

say "Tài liệu PDF có sẵn trong Debian (/usr/share/doc)"
cp /usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf "$OUT/debian-shared-mime-info-spec-17p.pdf"
cp /usr/share/doc/libtasn1-doc/libtasn1.pdf "$OUT/debian-libtasn1.pdf" 2>/dev/null ||
  { apt_ensure libtasn1-doc; cp /usr/share/doc/libtasn1-doc/libtasn1.pdf "$OUT/debian-libtasn1.pdf"; }

say "qpdf: object streams, linearisation, versions, rotation"
Q=(qpdf --deterministic-id)
"${Q[@]}" --object-streams=generate "$OUT/lo-cong-van-18p.pdf" "$OUT/qpdf-objstm-18p.pdf"
"${Q[@]}" --linearize "$OUT/lo-bao-cao-20p.pdf" "$OUT/qpdf-linearized-20p.pdf"
"${Q[@]}" --linearize --object-streams=generate "$OUT/chromium-thong-bao.pdf" "$OUT/qpdf-linearized-objstm.pdf"
"${Q[@]}" --force-version=2.0 "$OUT/lo-form-fields.pdf" "$OUT/qpdf-pdf-2.0.pdf"
"${Q[@]}" --rotate=+90 "$OUT/chromium-thong-bao.pdf" "$OUT/rotated-90.pdf"
"${Q[@]}" --rotate=+180 "$OUT/gs-pdfwrite-1.7.pdf" "$OUT/rotated-180.pdf"
"${Q[@]}" --empty --pages "$OUT/lo-quyet-dinh-17p.pdf" 1-2 -- --rotate=+270 "$OUT/rotated-270.pdf"

say "Tệp viết tay (pdfcraft.py)"
C="$CORPUS/pdfcraft.py"
python3 "$C" hybrid-word "$OUT/hybrid-xrefstm-word.pdf"
python3 "$C" hybrid-sparse "$OUT/hybrid-xrefstm-single-section.pdf"
python3 "$C" xrefstream-plain "$OUT/xrefstream-no-objstm.pdf"
python3 "$C" cropbox "$OUT/cropbox-offset-mediabox.pdf"
python3 "$C" inherited "$OUT/inherited-page-attrs.pdf"
python3 "$C" acroform "$OUT/acroform-hand.pdf"
python3 "$C" append-info "$OUT/incremental-info.pdf" "$OUT/lo-quyet-dinh-17p.pdf"
python3 "$C" append-info "$W/g1.pdf" "$OUT/groff-annex-19p.pdf"
python3 "$C" append-annot "$OUT/incremental-2-updates.pdf" "$W/g1.pdf"

say "pyHanko: chữ ký có sẵn (khóa dùng một lần), trường chữ ký rỗng"
(
  cd "$W/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 -utf8 \
    -subj "/C=VN/O=vanban corpus/CN=vanban corpus throwaway CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr -utf8 \
    -subj "/C=VN/O=UBND tỉnh Thử Nghiệm/CN=Nguyễn Văn Thử" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > ext.cnf
  openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -extfile ext.cnf -out s.pem 2>/dev/null
  openssl pkcs12 -export -inkey s.key -in s.pem -certfile ca.pem -out s.p12 -passout pass:corpus \
    -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256
)
cp "$W/pki/ca.pem" "$OUT/throwaway-ca.pem"
"$PY" "$J/pyhanko_sign_bench.py" --p12 "$W/pki/s.p12" --pin corpus --out "$W/s1" --visible --field ChuKy_LanhDao \
  "$OUT/chromium-thong-bao.pdf" >/dev/null
cp "$W/s1/chromium-thong-bao.pdf" "$OUT/signed-pyhanko.pdf"
"$PY" "$J/pyhanko_sign_bench.py" --p12 "$W/pki/s.p12" --pin corpus --out "$W/s2" --field DauCoQuan \
  "$OUT/signed-pyhanko.pdf" >/dev/null
cp "$W/s2/signed-pyhanko.pdf" "$OUT/signed-twice-pyhanko.pdf"
# An empty signature field added as an incremental update with a cross-reference stream.
"$PY" - "$OUT/xrefstream-no-objstm.pdf" "$OUT/sigfield-empty-xrefstream-update.pdf" <<'EOF'
import sys
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
with open(sys.argv[1], 'rb') as f:
    w = IncrementalPdfFileWriter(f)
    fields.append_signature_field(w, fields.SigFieldSpec('ChuKy_TruongPhong', on_page=0, box=(350, 60, 550, 140)))
    with open(sys.argv[2], 'wb') as out:
        w.write(out)
EOF

say "Tệp hỏng / biên (bad/)"
python3 "$C" truncate "$OUT/bad/truncated.pdf" "$OUT/lo-form-fields.pdf"
python3 "$C" garbage "$OUT/bad/garbage.pdf"
: > "$OUT/bad/empty.pdf"
printf 'Đây không phải tệp PDF.\n' > "$OUT/bad/not-a-pdf.pdf"
python3 "$C" startxref-nowhere "$OUT/bad/startxref-nowhere.pdf" "$OUT/gs-pdfwrite-1.7.pdf"
python3 - "$OUT/cropbox-offset-mediabox.pdf" "$OUT/bad/xref-offsets-shifted.pdf" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
i = d.index(b'\n', d.index(b'\n') + 1) + 1   # after the two header lines
open(sys.argv[2], 'wb').write(d[:i] + b'% 12 bytes\n' + d[i:])  # every xref offset is now 11 bytes short
EOF
python3 "$C" js-openaction "$OUT/bad/js-openaction.pdf"
qpdf --encrypt secret owner 256 -- "$OUT/gs-pdfwrite-1.7.pdf" "$OUT/bad/encrypted-aes256-userpw.pdf"
qpdf --allow-weak-crypto --encrypt '' owner 128 --use-aes=n -- "$OUT/gs-pdfwrite-1.7.pdf" \
  "$OUT/bad/encrypted-rc4-no-userpw.pdf"

say "Kiểm tra: qpdf --check và pdfinfo cho mọi tệp tốt; số trang của tệp nhiều trang"
fail=0
for f in "$OUT"/*.pdf; do
  rc=0; qpdf --check "$f" >/dev/null 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then echo "qpdf --check FAILED ($rc): $f"; fail=1; fi
  pdfinfo "$f" >/dev/null 2>&1 || { echo "pdfinfo FAILED: $f"; fail=1; }
done
for f in "$OUT"/*-1[7-9]p.pdf "$OUT"/*-20p.pdf; do
  n="$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')"
  want="$(basename "$f" .pdf | grep -o '[0-9]*p$' | tr -d p)"
  [ "$n" = "$want" ] || { echo "page count $n, expected $want: $f"; fail=1; }
done
[ "$fail" -eq 0 ] || { echo "corpus check failed" >&2; exit 1; }
du -sh "$OUT"
say "Bảng cho README.md (describe.py)"
python3 "$CORPUS/describe.py" "$OUT" > "${TMPDIR:-/tmp}/corpus-table.md"
echo "table written to ${TMPDIR:-/tmp}/corpus-table.md: paste it into $OUT/README.md"
say "Xong: $(ls "$OUT"/*.pdf | wc -l) tệp tốt, $(ls "$OUT"/bad/*.pdf | wc -l) tệp hỏng trong $OUT"
