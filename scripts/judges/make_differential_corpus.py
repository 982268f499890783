#!/usr/bin/env python3
"""Builds the differential corpus: signed PDFs of many kinds, each judged by pyHanko.

Usage (from the repository root, with the judges' python, see ensure.sh):
  PY scripts/judges/make_differential_corpus.py [--out shared/tests/corpus/differential]

Writes into the output directory (after emptying its *.pdf files):
  - one PDF per case (several signers, revision patterns and CMS encodings; see cases() below);
  - pki/ca.pem: the throwaway root every signer and the TSA chain to;
  - manifest.json: per file, what it is, and per signature field pyHanko's verdict:
      "none"          intact, valid, nothing after it but LTA updates (pyHanko NONE or LTA_UPDATES)
      "form_filling"  intact, valid, later revisions are form filling or signing (FORM_FILLING)
      "rejected"      not intact, not valid, or modified otherwise (OTHER, or validation raised)
    with pyHanko's own words (summary, modification level, error) next to it. A few files also
    say "ours" and why: where we differ from pyHanko on purpose (the stricter-* shadow attacks
    pyHanko accepts and we refuse; a field filled through its widget kids, which pyHanko refuses).

The Rust test shared/tests/differential.rs asserts that our verifier gives every signature the same
verdict; backend/tests/it/pdf_judges.rs re-asks pyHanko live so the manifest cannot drift.
The building blocks are in differential_pki.py (keys, CMS by hand), differential_pdf.py (documents,
updates, signing) and differential_revisions.py (filling, Acrobat-style signing, tampering).

Keys are generated anew on each run, so a rebuild is byte-different; the verdicts must not change.
Everything runs offline: the TSA (pyHanko's DummyTimeStamper) and the CRLs are local.
"""

import argparse
import io
import json
import os
import sys

from asn1crypto import x509 as ax509
from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from differential_pdf import Update, form_doc, ph_add_dss, ph_sign, ph_timestamp, plain_doc  # noqa: E402
from differential_pki import Pki, Signer  # noqa: E402
from differential_revisions import (  # noqa: E402
    acrobat_sign, fill_text, hand_sign, later_update, my_cms, tamper_byte, text_ap,
)
from differential_verdicts import judge, verdict  # noqa: E402


# ---------------------------------------------------------------- the cases


def validation_context(pki):
    from pyhanko_certvalidator import ValidationContext
    ca = ax509.Certificate.load(pki.ca.public_bytes(serialization.Encoding.DER))
    from asn1crypto import crl as acrl
    crl = acrl.CertificateList.load(pki.crl().public_bytes(serialization.Encoding.DER))
    return ValidationContext(trust_roots=[ca], crls=[crl], allow_fetching=False,
                             revocation_mode='soft-fail')


def tsa(pki):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    t = pki.signer('tsa')
    return DummyTimeStamper(tsa_cert=t.a_cert(), tsa_key=t.a_key(), certs_to_embed=t.a_chain())


class Impostor(Signer):
    """The rsa2048 signer's certificate with another key: the signature cannot verify."""

    def __init__(self, pki):
        real, other = pki.signer('rsa2048'), pki.signer('other-rsa')
        super().__init__('impostor', other.key, real.cert, real.chain)


VISIBLE = (320, 80, 520, 140)


def cases(pki):
    """(file name, what it is, builder) for every case."""
    S = pki.signer
    out = []

    def case(name, what):
        def register(f):
            out.append((name, what, f))
            return f
        return register

    # --- signature algorithms, one signature each, signed by pyHanko
    algs = [
        ('alg-rsa2048-pkcs1-sha256', 'rsa2048', 'sha256', False, 'RSA PKCS#1 v1.5, SHA-256'),
        ('alg-rsa3072-pkcs1-sha384', 'rsa3072', 'sha384', False, 'RSA PKCS#1 v1.5, SHA-384'),
        ('alg-rsa3072-pkcs1-sha512', 'rsa3072', 'sha512', False, 'RSA PKCS#1 v1.5, SHA-512'),
        ('alg-rsa2048-pss-sha256', 'rsa2048', 'sha256', True, 'RSASSA-PSS, SHA-256'),
        ('alg-rsa3072-pss-sha384', 'rsa3072', 'sha384', True, 'RSASSA-PSS, SHA-384'),
        ('alg-rsa3072-pss-sha512', 'rsa3072', 'sha512', True, 'RSASSA-PSS, SHA-512'),
        ('alg-ecdsa-p256-sha256', 'p256', 'sha256', False, 'ECDSA P-256, SHA-256'),
        ('alg-ecdsa-p384-sha384', 'p384', 'sha384', False, 'ECDSA P-384, SHA-384'),
        ('alg-ecdsa-p256-sha512', 'p256', 'sha512', False, 'ECDSA P-256 with SHA-512'),
        ('alg-ed25519', 'ed25519', None, False, 'Ed25519 (SHA-512 digest, /Extensions ISO_)'),
        ('alg-ed448', 'ed448', None, False, 'Ed448 (SHAKE256 digest, /Extensions ISO_)'),
    ]
    for name, kind, md, pss, what in algs:
        out.append((name, what + '; pyHanko, visible new field',
                    lambda kind=kind, md=md, pss=pss: ph_sign(
                        plain_doc()[0], S(kind), 'ChuKy', md=md, pss=pss, box=VISIBLE)))

    @case('alg-legacy-adbe-pkcs7-detached', 'subfilter adbe.pkcs7.detached with signed '
          'attributes; pyHanko')
    def _():
        return ph_sign(form_doc()[0], S('rsa2048'), 'ChuKy_LanhDao', existing=True, legacy=True)

    # --- CMS encodings, signed by hand
    def hand(kind, subfilter=b'/ETSI.CAdES.detached', md='sha256', **kw):
        d, n = plain_doc()
        return hand_sign(d, n, S(kind), 'ChuKy', cms_maker=my_cms(S(kind), md, **kw),
                         subfilter=subfilter)

    legacy = b'/adbe.pkcs7.detached'
    encodings = [
        ('cms-der-by-hand', 'rsa2048', {}, 'DER CMS written by hand (control)'),
        ('cms-ber-indefinite-rsa', 'rsa2048', dict(ber='outer'),
         'BER: indefinite lengths on the ContentInfo, SignedData and sets (BouncyCastle '
         'streaming style), signer info DER'),
        ('cms-ber-indefinite-ecdsa', 'p256', dict(ber='outer'), 'BER indefinite lengths, ECDSA'),
        ('cms-ber-constructed-octets', 'rsa2048', dict(ber='outer', constructed_sig=True),
         'BER: the signature value as a constructed OCTET STRING in chunks'),
        ('cms-ber-long-lengths', 'rsa2048', dict(ber='long'),
         'BER: non-minimal (4-octet) definite lengths outside certificates and attributes'),
        ('cms-unsorted-signed-attrs', 'rsa2048', dict(unsorted_attrs=True),
         'signed attributes in an order DER forbids; signature over those bytes'),
        ('cms-unsorted-signed-attrs-ber', 'p384', dict(unsorted_attrs=True, ber='outer'),
         'unsorted signed attributes in a BER CMS, ECDSA P-384', 'sha384'),
        ('cms-encapsulated-content', 'rsa2048', dict(econtent=b'noi dung khac'),
         'detached subfilter but the CMS also carries encapsulated content (must be rejected)'),
        ('cms-signed-attrs-altered', 'rsa2048', dict(bad_attrs=True, ber='outer'),
         'the message digest in the signed attributes altered after signing (BER CMS)'),
    ]
    for entry in encodings:
        name, kind, kw, what = entry[:4]
        md = entry[4] if len(entry) > 4 else 'sha256'
        out.append((name, what, lambda kind=kind, kw=kw, md=md: hand(kind, md=md, **kw)))
    no_attrs = [
        ('cms-no-signed-attrs-rsa', 'rsa2048', 'sha256', {}, 'RSA PKCS#1 v1.5'),
        ('cms-no-signed-attrs-rsa-sha512', 'rsa3072', 'sha512', {}, 'RSA PKCS#1 v1.5 SHA-512'),
        ('cms-no-signed-attrs-pss', 'rsa2048', 'sha256', dict(pss=True), 'RSASSA-PSS'),
        ('cms-no-signed-attrs-ecdsa', 'p384', 'sha384', {}, 'ECDSA P-384'),
        ('cms-no-signed-attrs-ber', 'rsa2048', 'sha256', dict(ber='outer'),
         'RSA, BER indefinite lengths (Java style)'),
    ]
    for name, kind, md, kw, what in no_attrs:
        out.append((name, 'legacy adbe.pkcs7.detached without signed attributes: ' + what,
                    lambda kind=kind, md=md, kw=kw: hand(kind, subfilter=legacy, md=md,
                                                         signed_attrs=False, **kw)))

    @case('cms-no-signed-attrs-encapsulated', 'no signed attributes and encapsulated content '
          '(must be rejected)')
    def _():
        return hand('rsa2048', subfilter=legacy, signed_attrs=False, econtent=b'x')

    @case('tamper-byte-flipped', 'one byte of page content flipped inside the signed range')
    def _():
        return tamper_byte(ph_sign(plain_doc()[0], S('rsa2048'), 'ChuKy', box=VISIBLE), 'ChuKy')

    @case('tamper-wrong-key', "the signer's certificate, another key's signature")
    def _():
        d, n = plain_doc()
        imp = Impostor(pki)
        return hand_sign(d, n, imp, 'ChuKy', cms_maker=my_cms(imp))

    # --- revision patterns
    @case('rev-two-signatures-pyhanko', 'pyHanko: a visible then an invisible new field')
    def _():
        d = ph_sign(plain_doc()[0], S('rsa2048'), 'ChuKy_1', box=VISIBLE)
        return ph_sign(d, S('rsa3072'), 'ChuKy_2')

    @case('rev-fill-then-sign', 'signs an existing empty field, a text field is filled (new '
          'appearance), a second signature in a new field')
    def _():
        d, n = form_doc()
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        d = fill_text(d, n, 'so_vb', '123/QĐ-UBND')
        return ph_sign(d, S('p256'), 'DauCoQuan', box=(330, 150, 530, 210))

    @case('rev-acrobat-new-field', 'pyHanko signs the empty field; then a signature the way '
          'Acrobat Reader saves it: field created on the fly, object stream, XMP rewritten in '
          'place, /Info touched, widget /F 132, a font added to the form\'s /DR')
    def _():
        d, n = form_doc(metadata=True)
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return acrobat_sign(d, n, S('rsa3072'), 'Signature2', add_dr_font=True)

    @case('rev-acrobat-existing-field', 'Acrobat-style signatures: the first fills the empty '
          'field (its widget /F set to 132), the second creates a field whose widget is in an '
          'indirect /Kids array')
    def _():
        d, n = form_doc(metadata=True)
        d = acrobat_sign(d, n, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return acrobat_sign(d, n, S('p256'), 'Signature2', new_kids_widget=True)

    @case('rev-acrobat-objstm-document', 'a document saved with object streams (Acrobat "save '
          'as"), then two Acrobat-style signatures and a filled field between them')
    def _():
        d, n = form_doc(metadata=True, objstm=True, xref='stream')
        d = acrobat_sign(d, n, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        d = fill_text(d, n, 'ho_ten', 'Nguyễn Văn An')
        return acrobat_sign(d, n, S('rsa3072'), 'Signature2')

    @case('rev-extensions-direct', 'the second signature adds /Extensions to the catalog')
    def _():
        d, n = form_doc()
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return acrobat_sign(d, n, S('rsa2048'), 'Signature2', extensions='direct')

    @case('rev-extensions-indirect', 'the catalog keeps /Extensions in an object; the second '
          'signature rewrites that object with one more extension')
    def _():
        d, n = form_doc(extensions='indirect')
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return acrobat_sign(d, n, S('rsa2048'), 'Signature2', extensions='update')

    @case('rev-extensions-pyhanko-ecdsa', 'RSA signature, then an ECDSA P-256 signature for '
          'which pyHanko declares the ISO_ extension in the catalog')
    def _():
        d = ph_sign(plain_doc()[0], S('rsa2048'), 'ChuKy_1', box=VISIBLE)
        return ph_sign(d, S('p256'), 'ChuKy_2', box=(330, 150, 530, 210))

    @case('rev-extensions-pyhanko-ed448', 'ECDSA P-384 signature (ISO_ extension), then Ed448 '
          '(the extension array grows)')
    def _():
        d = ph_sign(plain_doc()[0], S('p384'), 'ChuKy_1', box=VISIBLE)
        return ph_sign(d, S('ed448'), 'ChuKy_2')

    # --- form filling and appearances
    fills = [
        ('fill-new-appearance', {}, 'new', 'the field /AP points to a new stream'),
        ('fill-appearance-in-place', {}, 'inplace',
         "the field's own appearance stream rewritten under its number"),
        ('fill-indirect-ap-new-stream', dict(ap='indirect'), 'apdict_new',
         'the indirect /AP dictionary rewritten to point to a new stream'),
        ('fill-indirect-ap-in-place', dict(ap='indirect'), 'apdict_inplace',
         'the stream behind the indirect /AP dictionary rewritten in place'),
        ('fill-appearance-in-place-n-and-d', dict(down_same=True), 'inplace',
         'its own appearance stream, named for /N and /D alike, rewritten in place'),
        ('fill-text-kids-indirect', dict(text_kids=True), 'kids_new',
         'nguoi_ky, whose two widgets are in an indirect /Kids array, each given a new stream'),
        ('shared-ap-dict-two-widgets', dict(ap='indirect', share='ap_dict_two_widgets'),
         'apdict_new', 'the /AP dictionary rewritten is also that of another field'),
        ('shared-ap-dict-two-widgets-in-place', dict(ap='indirect', share='ap_dict_two_widgets'),
         'apdict_inplace', 'the stream rewritten hangs off an /AP dictionary two fields share'),
        ('shared-ap-stream-page-resources', dict(share='ap_stream_page_resources'), 'inplace',
         'the appearance stream rewritten is also an XObject drawn by the page'),
        ('shared-ap-stream-annotation', dict(share='ap_stream_annotation'), 'inplace',
         'the appearance stream rewritten is also shown by a stamp annotation'),
        ('shared-ap-dict-trailer-info', dict(ap='indirect', share='ap_dict_info'), 'apdict_new',
         "the /AP dictionary rewritten is also the trailer's /Info"),
        ('shared-field-from-catalog', dict(share='field_catalog'), 'new',
         'the filled field is also referred to from the catalog'),
    ]
    for name, kw, mode, what in fills:
        entry = (name, 'signed, then a field filled: ' + what,
                 lambda kw=kw, mode=mode: _fill_case(pki, kw, mode))
        out.append(entry + ((KIDS_FILLED,) if mode == 'kids_new' else ()))

    @case('fill-in-place-then-sign', 'filled in place after the first signature, then a second '
          'signature by pyHanko')
    def _():
        d, n = form_doc()
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        d = fill_text(d, n, 'ho_ten', 'Trần Thị Bình', mode='inplace')
        return ph_sign(d, S('ed25519'), 'ChuKy_2', box=(330, 150, 530, 210))

    # --- LTA: DSS and document timestamps
    @case('lta-pades-b-lta', 'pyHanko PAdES B-LTA: signature with timestamp, DSS revision, '
          'document timestamp')
    def _():
        return ph_sign(plain_doc()[0], S('rsa2048'), 'ChuKy', box=VISIBLE, timestamper=tsa(pki),
                       lta=True, vc=validation_context(pki))

    @case('lta-archival-chain', 'B-LTA, then the archival chain extended: DSS updated, a second '
          'document timestamp')
    def _():
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import signers
        d = ph_sign(form_doc()[0], S('p256'), 'ChuKy_LanhDao', existing=True,
                    timestamper=tsa(pki), lta=True, vc=validation_context(pki))
        r = PdfFileReader(io.BytesIO(d), strict=False)
        return signers.PdfTimeStamper(tsa(pki)).update_archival_timestamp_chain(
            r, validation_context(pki), in_place=False).getvalue()

    @case('lta-dss-then-signature', 'signature, DSS added for it, then a second signature')
    def _():
        d = ph_sign(plain_doc()[0], S('rsa2048'), 'ChuKy_1', box=VISIBLE)
        d = ph_add_dss(d, 'ChuKy_1', validation_context(pki))
        return ph_sign(d, S('rsa3072'), 'ChuKy_2')

    @case('lta-timestamp-only', 'signature, then a document timestamp without DSS')
    def _():
        d = ph_sign(plain_doc()[0], S('p384'), 'ChuKy', box=VISIBLE)
        return ph_timestamp(d, tsa(pki), 'DauThoiGian')

    # --- indirect arrays
    @case('indirect-annots', "the page's /Annots is an array object (with a link in it); two "
          'signatures append to it')
    def _():
        d, n = form_doc(annots='indirect', link=True)
        d = ph_sign(d, S('rsa2048'), 'ChuKy_1', box=(330, 150, 530, 210))
        return hand_sign(d, n, S('p256'), 'ChuKy_2')

    @case('indirect-kids', 'page tree /Kids and a signature field\'s /Kids are array objects; '
          'the field with kids is signed, a text field filled, an Acrobat-style signature adds a '
          'field with kids')
    def _():
        d, n = form_doc(sig_kids=True, page_kids='indirect')
        d = ph_sign(d, S('rsa2048'), 'ChuKy_VanThu', existing=True)
        d = fill_text(d, n, 'so_vb', '45/QĐ-UBND')
        return acrobat_sign(d, n, S('rsa3072'), 'Signature3', new_kids_widget=True)

    # --- changes that are not form filling, and metadata
    for what, desc in [('page_content', 'the page content stream rewritten'),
                       ('comment', 'a comment (Text annotation) added'),
                       ('open_action', 'an /OpenAction added to the catalog')]:
        out.append(('after-sig-' + what.replace('_', '-'), 'signed, then ' + desc,
                    lambda what=what: _later(pki, what)))

    @case('after-sig-metadata-info', 'signed, then new XMP metadata and a new /Info')
    def _():
        return _later(pki, 'metadata_info', metadata=True)

    @case('after-sig-xmp-not-xml', 'signed, then the XMP stream rewritten in place with bytes '
          'that are not XML')
    def _():
        return _later(pki, 'xmp_garbage', metadata=True)

    for what, desc, meta in [
            ('xmp_wrong_root', 'the XMP stream rewritten in place with XML that is not XMP', True),
            ('dss_good', 'a DSS added by hand (a certificate and a VRI entry)', False),
            ('dss_bad_key', 'a DSS added with a key a DSS does not have', False),
            ('dss_vri_lowercase', 'a DSS added whose VRI key is not an upper-case hash', False),
            ('version', 'the catalog /Version raised to 2.0', False),
            ('extensions_old', 'the catalog /Extensions pointed at an existing object', False),
            ('fill_with_mk', 'ho_ten filled, and its /MK (border colour) changed too', False)]:
        out.append(('after-sig-' + what.replace('_', '-'), 'signed, then ' + desc,
                    lambda what=what, meta=meta: _later(pki, what, metadata=meta)))

    @case('rev-new-field-with-action', 'a second signature whose new field also carries an '
          'additional action in an object of its own')
    def _():
        d, n = form_doc()
        d = ph_sign(d, S('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return hand_sign(d, n, S('rsa3072'), 'ChuKy_2', action=True)

    out.extend((name, what, build, STRICTER) for name, what, build in stricter_cases(pki))

    return out


# Where our verdict differs from pyHanko's on purpose: (our verdict, why), kept in the manifest.
KIDS_FILLED = ('form_filling', "pyHanko only follows a field's own dictionary: the widgets in its "
               '/Kids getting the appearance of the value filled in are left unexplained (OTHER); '
               "they are the field's own widgets, so filling the field is form filling")
STRICTER = ('rejected', 'shadow attack pyHanko lets through: what the signed page shows changes '
            'while the signed values stay; we refuse it on purpose')


def stricter_cases(pki):
    """Changes pyHanko accepts but we refuse on purpose: each changes what a signed page shows."""
    from pyhanko.pdf_utils import generic

    def signed(**kw):
        d, n = form_doc(**kw)
        return ph_sign(d, pki.signer('rsa2048'), 'ChuKy_LanhDao', existing=True), n

    def refill():
        d, n = form_doc()
        d = fill_text(d, n, 'ho_ten', '100.000 đồng')
        d = ph_sign(d, pki.signer('rsa2048'), 'ChuKy_LanhDao', existing=True)
        return fill_text(d, n, 'ho_ten', '100.000.000 đồng')

    def appearance_only():
        d, n = signed()
        u = Update(d)
        u.put(n['ho_ten_stream'], text_ap('ĐÃ DUYỆT', n['font']))
        return u.write()

    def hidden():
        d, n = signed()
        u = Update(d)
        f = u.get(n['so_vb'])
        f['/F'] = generic.NumberObject(2)
        u.put(n['so_vb'], f)
        return u.write()

    def old_appearance():
        d, n = signed()
        u = Update(d)
        f = u.get(n['ho_ten'])
        f['/V'] = generic.TextStringObject('x')
        f['/AP'] = generic.DictionaryObject({'/N': generic.IndirectObject(n['so_vb_stream'], 0, None)})
        u.put(n['ho_ten'], f)
        return u.write()

    def regenerate():
        d, n = signed()
        u = Update(d)
        a = u.get(n['acroform'])
        a['/NeedAppearances'] = generic.BooleanObject(True)
        a['/DR'] = generic.DictionaryObject({'/Font': generic.DictionaryObject()})
        u.put(n['acroform'], a)
        return u.write()

    return [
        ('stricter-refill-signed-value', 'a field that had a value when signed filled again',
         refill),
        ('stricter-appearance-without-value', "a field's appearance rewritten, its value not",
         appearance_only),
        ('stricter-hidden-flag', 'a field that is not being filled gets the Hidden flag', hidden),
        ('stricter-appearance-of-another-object', "a filled field's appearance pointed at an "
         'object that existed when signed (another field\'s)', old_appearance),
        ('stricter-need-appearances', "the form's fonts removed and /NeedAppearances set, so "
         'viewers redraw every field', regenerate),
    ]


def _fill_case(pki, kw, mode):
    d, n = form_doc(**kw)
    d = ph_sign(d, pki.signer('rsa2048'), 'ChuKy_LanhDao', existing=True)
    name = 'nguoi_ky' if mode == 'kids_new' else 'ho_ten'
    return fill_text(d, n, name, 'Nguyễn Văn An', mode=mode)


def _later(pki, what, metadata=False):
    d, n = form_doc(metadata=metadata)
    d = ph_sign(d, pki.signer('rsa2048'), 'ChuKy_LanhDao', existing=True)
    return later_update(d, n, what)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(ROOT, 'shared/tests/corpus/differential'))
    ap.add_argument('--only', help='build only the cases whose name contains this')
    args = ap.parse_args(argv)
    import logging
    logging.basicConfig(level=logging.CRITICAL + 1)
    os.makedirs(os.path.join(args.out, 'pki'), exist_ok=True)
    if not args.only:
        for f in os.listdir(args.out):
            if f.endswith('.pdf'):
                os.remove(os.path.join(args.out, f))
    pki = Pki()
    ca_pem = os.path.join(args.out, 'pki', 'ca.pem')
    with open(ca_pem, 'wb') as f:
        f.write(pki.ca.public_bytes(serialization.Encoding.PEM))
    manifest = []
    for name, what, build, *on_purpose in cases(pki):
        if args.only and args.only not in name:
            continue
        data = build()
        path = os.path.join(args.out, name + '.pdf')
        with open(path, 'wb') as f:
            f.write(data)
        judged = judge(path, ca_pem)
        sigs = [{
            'field': v['field'],
            'type': v['type'],
            'pyhanko': verdict(v),
            'pyhanko_summary': v['summary'],
            'pyhanko_modification_level': v['modification_level'],
            'pyhanko_mechanism': v['signature_mechanism'],
            'pyhanko_detail': (v['error'] or v['modification_detail'] or '').split('\n')[0][:200]
            or None,
        } for v in judged]
        entry = {'file': name + '.pdf', 'what': what, 'bytes': len(data), 'signatures': sigs}
        if on_purpose:
            # our verdict differs from pyHanko's on purpose, on the first signature
            ours, why = on_purpose[0]
            entry['ours'] = {sigs[0]['field']: ours}
            entry['ours_why'] = why
        manifest.append(entry)
        print(f'{name:40} ' + ' '.join(f"{s['field']}={s['pyhanko']}" for s in sigs))
    if not args.only:
        with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
            json.dump({
                'about': 'pyHanko 0.38 verdicts per signature; made by '
                         'scripts/judges/make_differential_corpus.py',
                'verdicts': {'none': 'intact and valid, nothing after it but LTA updates',
                             'form_filling': 'intact and valid, later form filling or signing',
                             'rejected': 'not intact or not valid, or modified otherwise'},
                'files': manifest,
            }, f, ensure_ascii=False, indent=1)
            f.write('\n')
    total = sum(len(m['signatures']) for m in manifest)
    print(f'{len(manifest)} files, {total} signatures')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
