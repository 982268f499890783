#!/usr/bin/env python3
"""Writes the committed seed inputs of the fuzz targets into fuzz/seeds/ (run once; the files are committed and
`scripts/fuzz.sh` only reads them). Besides these, `scripts/fuzz.sh` seeds the PDF targets with every file of
shared/tests/corpus under 8 KiB, and the `cms` target with the small files of the differential corpus and the
CMS of its signatures and timestamps (extract_cms.py).

  seeds/pdf/         hand-written PDFs with each kind of active content the scanner refuses, in the places
                     it looks (catalog, page, annotation, field, name trees, object streams, later revisions)
  seeds/cms/         CMS SignedData blobs: taken from signed PDFs (vanban's own signer, pyHanko) and made by
                     OpenSSL with other algorithms and shapes (RSA-PSS, ECDSA P-256/P-384, no signed attributes, BER with indefinite lengths); and two small files signed by `vanban pdf sign`
  seeds/pkcs12/      PKCS#12 files with the PIN 1234 (OpenSSL 3 defaults, legacy 3DES/RC2, one PBKDF2
                     iteration; one with neither MAC nor encryption), a certificate in PEM and in DER
  seeds/validators/  text (Vietnamese, agency codes, user names, dates) and the JSON of request DTOs

Needs openssl and the vanban binary (built by `cargo build -p backend`).
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'corpus'))
sys.path.insert(0, HERE)
import pdfcraft  # noqa: E402
import extract_cms  # noqa: E402
from pdfcraft import Doc, stream, HELV  # noqa: E402

PIN = '1234'


def write(target, name, data):
    d = os.path.join(HERE, 'seeds', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def run(*args, **kw):
    subprocess.run(args, check=True, capture_output=True, **kw)


# ------------------------------------------------------------------ PDFs with active content

def one_page(catalog=b'', page=b'', extra=()):
    """Catalog 1, pages 2, page 3, font 4, content 5, then `extra` as objects 6, 7, ..."""
    doc = Doc('1.7')
    doc.add(b'<< /Type /Catalog /Pages 2 0 R ' + catalog + b' >>')
    doc.add(b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>')
    doc.add(b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >> '
            b'/Contents 5 0 R ' + page + b' >>')
    doc.add(HELV)
    doc.add(stream(b'', b'BT /F1 12 Tf 20 100 Td (Xin chao) Tj [(A) -120 (B)] TJ ET', compress=False))
    for body in extra:
        doc.add(body)
    return doc


def pdf_seeds():
    js = b'<< /S /JavaScript /JS (app.alert\\(1\\)) >>'
    write('pdf', 'page-aa-js.pdf', one_page(page=b'/AA << /O 6 0 R >>', extra=[js]).write_classic(1))
    write('pdf', 'next-chain.pdf', one_page(catalog=b'/OpenAction 6 0 R', extra=[
        b'<< /S /URI /URI (https://example.org) /Next 7 0 R >>',
        b'<< /S /GoTo /D [3 0 R /Fit] /Next [8 0 R] >>',
        b'<< /S /J#61vaScript /JS 9 0 R >>',
        stream(b'', b'this.print();')]).write_classic(1))
    write('pdf', 'annots-launch-richmedia.pdf', one_page(page=b'/Annots [6 0 R 7 0 R 8 0 R]', extra=[
        b'<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /Launch /F (calc.exe) >> >>',
        b'<< /Type /Annot /Subtype /RichMedia /Rect [50 50 90 90] >>',
        b'<< /Type /Annot /Subtype /FileAttachment /Rect [90 90 99 99] /FS << /Type /Filespec /F (a.txt) >> >>',
    ]).write_xrefstream(1))
    write('pdf', 'names-embedded-xfa.pdf', one_page(
        catalog=b'/Names << /EmbeddedFiles << /Kids [6 0 R] >> /JavaScript << /Names [(a) 8 0 R] >> >> '
                b'/AcroForm << /Fields [9 0 R] /XFA 10 0 R >>',
        page=b'/Annots [9 0 R]', extra=[
            b'<< /Limits [(a) (z)] /Names [(a.txt) 7 0 R] >>',
            b'<< /Type /Filespec /F (a.txt) /EF << /F 11 0 R >> >>',
            b'<< /S /ImportData /F (x.fdf) >>',
            b'<< /FT /Tx /T (ten) /V (Nguy\\341n) /Type /Annot /Subtype /Widget /Rect [0 0 80 20] /P 3 0 R '
            b'/AA << /K << /S /SubmitForm /F (https://example.org) >> >> >>',
            stream(b'', b'<xdp:xdp/>', compress=False),
            stream(b'/Type /EmbeddedFile', b'hello')]).write_classic(1))
    # The JavaScript action is hidden in an object stream that only the hybrid /XRefStm lists.
    doc = one_page(catalog=b'/OpenAction 6 0 R', extra=[js, pdfcraft.INFO])
    write('pdf', 'objstm-hybrid-js.pdf', doc.write_hybrid(1, 7, [6], mark_free=False))
    # A later revision adds the action; the first one is clean.
    base = one_page().write_classic(1)
    prev = int(re.findall(rb'startxref\s+(\d+)', base)[-1])
    off = len(base)
    update = (b'1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Rendition /JS (x) >> >>\nendobj\n')
    xref = off + len(update)
    update += (b'xref\n0 1\n0000000000 65535 f\r\n1 1\n%010d 00000 n\r\ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\n'
               b'startxref\n%d\n%%%%EOF\n' % (off, prev, xref))
    write('pdf', 'update-rendition.pdf', base + update)


# ------------------------------------------------------------------ keys, certificates, PKCS#12, CMS

def der_of(pdf, which=0):
    """The CMS of the `which`-th signature of a PDF, without the zero padding."""
    return extract_cms.signatures(pdf)[which]


def crypto_seeds(vanban):
    with tempfile.TemporaryDirectory() as t:
        p = lambda name: os.path.join(t, name)  # noqa: E731
        subj = '/CN=Lê Văn Ký/O=Sở Tư pháp'
        run('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('rsa.key'), '-out', p('rsa.pem'),
            '-days', '3650', '-subj', subj, '-utf8')
        run('openssl', 'x509', '-in', p('rsa.pem'), '-outform', 'DER', '-out', p('rsa.der'))
        for curve, name in [('prime256v1', 'p256'), ('secp384r1', 'p384')]:
            run('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:' + curve, '-nodes',
                '-keyout', p(name + '.key'), '-out', p(name + '.pem'), '-days', '3650', '-subj', '/CN=ec ' + name)

        # PKCS#12
        pw = 'pass:' + PIN
        run('openssl', 'pkcs12', '-export', '-in', p('rsa.pem'), '-inkey', p('rsa.key'), '-out', p('a.p12'),
            '-passout', pw, '-iter', '1', '-maciter')
        run('openssl', 'pkcs12', '-export', '-in', p('rsa.pem'), '-inkey', p('rsa.key'), '-out', p('legacy.p12'),
            '-passout', pw, '-legacy', '-iter', '1')
        run('openssl', 'pkcs12', '-export', '-in', p('p256.pem'), '-inkey', p('p256.key'), '-out', p('ec.p12'),
            '-passout', pw, '-iter', '1', '-certpbe', 'NONE', '-keypbe', 'AES-128-CBC')
        # No MAC and nothing encrypted: a mutation reaches the bags, keys and certificates instead of failing
        # the MAC check (which every mutation of a protected file does).
        run('openssl', 'pkcs12', '-export', '-in', p('rsa.pem'), '-inkey', p('rsa.key'), '-out', p('plain.p12'),
            '-passout', pw, '-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac')
        for name in ['a.p12', 'legacy.p12', 'ec.p12', 'plain.p12']:
            write('pkcs12', name, open(p(name), 'rb').read())
        write('pkcs12', 'cert.pem', open(p('rsa.pem'), 'rb').read())
        write('pkcs12', 'cert.der', open(p('rsa.der'), 'rb').read())

        # CMS made by OpenSSL over a short content, detached unless said otherwise. (OpenSSL 3.0 cannot make an
        # Ed25519 SignedData: "no default digest".)
        with open(p('content'), 'wb') as f:
            f.write(b'%PDF-1.7 signed bytes')
        variants = {
            'openssl-rsa-pss.der': ['-signer', p('rsa.pem'), '-inkey', p('rsa.key'), '-keyopt', 'rsa_padding_mode:pss'],
            'openssl-ecdsa-p256.der': ['-signer', p('p256.pem'), '-inkey', p('p256.key')],
            'openssl-ecdsa-p384-sha384.der': ['-signer', p('p384.pem'), '-inkey', p('p384.key'), '-md', 'sha384'],
            'openssl-rsa-noattr.der': ['-signer', p('rsa.pem'), '-inkey', p('rsa.key'), '-noattr'],
            'openssl-rsa-ber-attached.der': ['-signer', p('rsa.pem'), '-inkey', p('rsa.key'), '-stream', '-nodetach'],
        }
        for name, args in variants.items():
            detach = [] if '-nodetach' in args else ['-nosmimecap']
            run('openssl', 'cms', '-sign', '-binary', '-outform', 'DER', '-in', p('content'), '-out', p(name),
                *detach, *args)
            write('cms', name, open(p(name), 'rb').read())

        # Small files signed by vanban's own signer (PKCS#1 v1.5, then a second signature with PSS).
        corpus = os.path.join(ROOT, 'shared', 'tests', 'corpus')
        run(vanban, 'pdf', 'sign', '--p12', p('a.p12'), '--pin', PIN, '--rect', '300,80,200,60',
            os.path.join(corpus, 'gs-pdfwrite-1.3.pdf'), p('once.pdf'))
        run(vanban, 'pdf', 'sign', '--p12', p('a.p12'), '--pin', PIN, '--pss', p('once.pdf'), p('twice.pdf'))
        once, twice = open(p('once.pdf'), 'rb').read(), open(p('twice.pdf'), 'rb').read()
        write('cms', 'signed-vanban.pdf', once)
        write('cms', 'signed-twice-vanban.pdf', twice)
        write('cms', 'vanban-pkcs1.der', der_of(once))
        write('cms', 'vanban-pss.der', der_of(twice, 1))
        for name in ['signed-pyhanko.pdf', 'signed-twice-pyhanko.pdf']:
            data = open(os.path.join(corpus, name), 'rb').read()
            write('cms', name.replace('.pdf', '.der'), der_of(data, -1))


# ------------------------------------------------------------------ text and JSON

def validator_seeds():
    texts = {
        'line.txt': 'Về việc triển khai Nghị định 30/2020/NĐ-CP',
        'multiline.txt': 'Kính gửi: Sở Nội vụ\r\nNội dung\tcó tab\n',
        'decomposed.txt': 'Nguye\u0302\u0303n Thi\u0323 \u0110a\u0300o',
        'bidi.txt': 'hop-dong\u202Efdp.exe',
        'agency-code.txt': '000.00.00.H62',
        'agency-code-2.txt': 'H62.01.02',
        'short-name.txt': 'UBND',
        'username.txt': 'chuyenvien1.snv',
        'email.txt': 'van.thu@vinhlong.gov.vn',
        'phone.txt': '+84 270 3822 222',
        'password.txt': 'Mat-khau-2026',
        'date.txt': '2026-12-31',
        'timestamp.txt': '2026-11-26T12:33:23.250+07:00',
    }
    for name, text in texts.items():
        write('validators', name, text)
    file_ref = '{"sha256":"%s","name":"Quyết định.pdf"}' % ('ab' * 32)
    jsons = {
        'draft.json': '{"doc_type":"quyet_dinh","subject":"Về việc ban hành quy chế","urgency":"normal",'
                      '"reply_deadline":"2026-12-31","signer_id":3,"signing_capacity":"kt","register_id":1,'
                      '"internal_recipients":[2],"external_recipients":[{"code":"000.00.00.H62","name":"UBND tỉnh"}],'
                      '"paper_recipients":["Lưu: VT"],"reviewers":[4],"main_file":%s,"attachments":[%s],'
                      '"number_placement":{"page":0,"number":[70,714,210,18],"date":[297.5,714,247.5,18]}}'
                      % (file_ref, file_ref),
        'incoming.json': '{"channel":"email","sender_name":"Sở Tài chính","sender_code":"000.00.12.H62",'
                         '"code_text":"15/QĐ-STC","issued_date":"2026-11-20","doc_type":"cong_van","subject":'
                         '"Trích yếu","urgency":"urgent","signer_name":"Lê Văn Ký","declared_attachments":1,'
                         '"declared_pages":3,"main_file":%s,"backfilled_arrival":"2026-11-25T08:00:00+07:00",'
                         '"note":"ghi chú"}' % file_ref,
        'review.json': '{"decision":"return_to_drafter","comment":"Sửa trích yếu","forward_to":null}',
        'batch-review.json': '{"ids":[1,2],"review":{"decision":"forward","forward_to":9}}',
        'assign.json': '{"instruction":"Xử lý","due_date":"2026-12-01","targets":[{"role":"lead","to":'
                       '{"kind":"unit","id":2}},{"role":"inform","to":{"kind":"user","id":5}}]}',
        'handler-action.json': '{"action":"file","comment":"xong","record_file":"HS-2026/01"}',
        'login.json': '{"username":"chuyenvien1.snv","password":"Mat-khau-2026"}',
        'change-password.json': '{"current_password":"a","new_password":"Mat-khau-2027"}',
        'create-user.json': '{"username":"van.thu","full_name":"Trần Thị Thư","position":"Văn thư","email":'
                            '"thu@vinhlong.gov.vn","phone":"0270 3822 222","unit_id":1,"roles":["clerk","official"]}',
        'unit.json': '{"name":"Phòng Tổ chức","short_name":"TCCB","kind":"trung_tam"}',
        'quota.json': '{"quota_mb":1024}',
        'delegation.json': '{"from_user_id":3,"to_user_id":4,"starts_on":"2026-12-01","ends_on":"2026-12-10",'
                           '"signing":"q","reason":"nghỉ phép"}',
        'recall.json': '{"reason":"Sai sót"}',
    }
    for name, text in jsons.items():
        write('validators', name, text)


def main():
    vanban = os.environ.get('VANBAN_BIN', os.path.join(ROOT, 'target', 'debug', 'vanban'))
    pdf_seeds()
    crypto_seeds(vanban)
    validator_seeds()


if __name__ == '__main__':
    main()
