#!/usr/bin/env python3
"""Independent judge: validate every signature in a PDF with pyHanko and print JSON.

Usage:
  pyhanko_validate.py FILE --trust CA.pem [--trust ...] [--crl FILE ...]
                      [--other-cert PEM ...] [--revocation-mode soft-fail|hard-fail|require]
                      [--key-usage any|KU[,KU...]] [--lenient] [--verbose]

Revocation: without --crl, mode soft-fail (nothing is fetched: allow_fetching=False). With
--crl the default mode is 'require', so the CRLs are actually consulted: pyHanko's soft-fail
and hard-fail only check certificates that declare a CRL distribution point or OCSP URL.

Prints a JSON array, one object per signature field that holds a signature (document
timestamps included, with "type": "timestamp"), in file order:
  {"field", "type", "intact", "valid", "trusted", "revoked", "coverage", "modification_level",
   "docmdp_ok", "md_algorithm", "signature_mechanism", "summary", "bottom_line",
   "trust_problem", "modification_detail", "signer", "signing_time", "timestamp", "error"}
timestamp is null, or the signature timestamp token (RFC 3161, PAdES B-T) as pyHanko judged it:
  {"time", "intact", "valid", "trusted", "tsa"}.
coverage is pyHanko's SignatureCoverageLevel name (ENTIRE_FILE, ENTIRE_REVISION, ...),
modification_level its ModificationLevel name (NONE, LTA_UPDATES, FORM_FILLING,
ANNOTATIONS, OTHER) or null when pyHanko could not tell; when pyHanko's difference analysis
found a change it cannot explain (level OTHER), modification_detail holds its first line.
Note pyHanko's default diff policy whitelists form filling, signing, /Info, XMP and DSS
updates, but not added comment annotations: those come out as OTHER, not ANNOTATIONS.
A signature whose validation raised gets "error" set and every verdict false.

Exit codes: 0 when it could read the file (even if signatures are bad, or there are none:
then it prints []); 1 when the file itself cannot be read as a PDF (message on stderr);
2 on a usage error. The caller asserts on the JSON.
"""

import argparse
import json
import sys

from asn1crypto import pem, x509, crl as asn1_crl


def load_pem_or_der_certs(path):
    with open(path, 'rb') as f:
        data = f.read()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def load_crls(path):
    with open(path, 'rb') as f:
        data = f.read()
    if pem.detect(data):
        return [asn1_crl.CertificateList.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_crl.CertificateList.load(data)]


def enum_name(v):
    return None if v is None else getattr(v, 'name', str(v))


class UnreadablePdf(Exception):
    """The file as a whole cannot be read as a PDF."""


def validate_file(path, roots, others=(), crls=(), mode='soft-fail', key_usage=None,
                  lenient=False):
    """Every signature of the PDF at `path`, judged: the records described in the module doc.

    Raises OSError when the file cannot be opened, UnreadablePdf when it is not a readable PDF.
    Imports pyHanko on first use (so that --help and usage errors stay fast)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    def new_vc():
        return ValidationContext(
            trust_roots=list(roots), other_certs=list(others), crls=list(crls),
            allow_fetching=False, revocation_mode=mode)

    kus = key_usage
    with open(path, 'rb') as f:
        try:
            r = PdfFileReader(f, strict=not lenient)
            sigs = list(r.embedded_signatures)
        except Exception as e:  # noqa: BLE001 - any parse failure of the file as a whole
            raise UnreadablePdf(f'{type(e).__name__}: {e}') from e

        out = []
        for es in sigs:
            is_ts = False
            rec = {'field': None, 'type': 'signature'}
            try:
                rec['field'] = es.field_name
                is_ts = es.sig_object_type == '/DocTimeStamp'
                rec['type'] = 'timestamp' if is_ts else 'signature'
                if is_ts:
                    st = validate_pdf_timestamp(es, validation_context=new_vc())
                else:
                    st = validate_pdf_signature(
                        es, signer_validation_context=new_vc(), ts_validation_context=new_vc(),
                        key_usage_settings=kus)
                ml = st.modification_level
                rec.update({
                    'intact': bool(st.intact),
                    'valid': bool(st.valid),
                    'trusted': bool(st.trusted),
                    'revoked': bool(st.revoked),
                    'coverage': enum_name(st.coverage),
                    'modification_level': enum_name(ml),
                    'docmdp_ok': st.docmdp_ok,
                    'md_algorithm': st.md_algorithm,
                    'signature_mechanism': st.pkcs7_signature_mechanism,
                    'summary': st.summary(),
                    # a document timestamp's status has no bottom line of its own
                    'bottom_line': bool(getattr(st, 'bottom_line', st.valid and st.intact
                                                and st.trusted)),
                    'trust_problem': enum_name(st.trust_problem_indic),
                    'modification_detail': (
                        None if st.diff_result is None or hasattr(st.diff_result, 'modification_level')
                        else str(st.diff_result).split('\n')[0]),
                    'signer': st.signing_cert.subject.human_friendly,
                    'signing_time': None,
                    'timestamp': None,
                    'error': None,
                })
                tv = None if is_ts else getattr(st, 'timestamp_validity', None)
                if tv is not None:
                    rec['timestamp'] = {
                        'time': tv.timestamp.isoformat(), 'intact': bool(tv.intact),
                        'valid': bool(tv.valid), 'trusted': bool(tv.trusted),
                        'tsa': tv.signing_cert.subject.human_friendly,
                    }
                t = getattr(st, 'timestamp', None) if is_ts else getattr(st, 'signer_reported_dt', None)
                if t is not None:
                    rec['signing_time'] = t.isoformat()
            except Exception as e:  # noqa: BLE001 - report, do not crash: the caller asserts
                rec.update({
                    'intact': False, 'valid': False, 'trusted': False, 'revoked': False,
                    'coverage': None, 'modification_level': None, 'docmdp_ok': None,
                    'md_algorithm': None, 'signature_mechanism': None,
                    'summary': 'ERROR', 'bottom_line': False, 'trust_problem': None,
                    'modification_detail': None,
                    'signer': None, 'signing_time': None, 'timestamp': None,
                    'error': f'{type(e).__name__}: {e}',
                })
            out.append(rec)
    return out


def main(argv):
    ap = argparse.ArgumentParser(
        prog='pyhanko_validate.py',
        description='Validate every signature in a PDF with pyHanko; JSON on stdout.')
    ap.add_argument('file')
    ap.add_argument('--trust', action='append', required=True, metavar='PEM',
                    help='trust anchor certificate(s), PEM (may hold several) or DER; repeatable')
    ap.add_argument('--crl', action='append', default=[], metavar='FILE',
                    help='CRL, PEM or DER; repeatable')
    ap.add_argument('--other-cert', action='append', default=[], metavar='PEM',
                    help='extra (intermediate) certificates for path building')
    ap.add_argument('--revocation-mode', default=None,
                    choices=['soft-fail', 'hard-fail', 'require'],
                    help="pyHanko revocation mode. Default: 'require' when a --crl is given "
                         "(every non-root certificate must then be covered by a CRL given, and "
                         "one listed there is revoked), else 'soft-fail'. Note soft-fail and "
                         "hard-fail check only certificates that declare a CRL distribution "
                         "point or OCSP responder: a CRL given is ignored for others.")
    ap.add_argument('--key-usage', default=None, metavar='any|KU,...',
                    help="key usages of which the signer's certificate needs at least one; "
                         "default pyHanko's: non_repudiation. 'any' checks none")
    ap.add_argument('--verbose', action='store_true', help="show pyHanko's log on stderr")
    ap.add_argument('--lenient', action='store_true',
                    help='read the PDF with strict=False (default: strict, like pyHanko\'s CLI)')
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0

    import logging
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL + 1)
    mode = args.revocation_mode or ('require' if args.crl else 'soft-fail')

    # Imported late so that --help and usage errors are fast.
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    try:
        roots = [c for p in args.trust for c in load_pem_or_der_certs(p)]
        others = [c for p in args.other_cert for c in load_pem_or_der_certs(p)]
        crls = [c for p in args.crl for c in load_crls(p)]
    except (OSError, ValueError) as e:
        print(f'pyhanko_validate: cannot load trust material: {e}', file=sys.stderr)
        return 2

    kus = None
    if args.key_usage is not None:
        if args.key_usage == 'any':
            kus = KeyUsageConstraints(key_usage=set())
        else:
            kus = KeyUsageConstraints(key_usage=set(args.key_usage.split(',')))

    try:
        out = validate_file(args.file, roots, others=others, crls=crls, mode=mode,
                            key_usage=kus, lenient=args.lenient)
    except OSError as e:
        print(f'pyhanko_validate: {e}', file=sys.stderr)
        return 2
    except UnreadablePdf as e:
        print(f'pyhanko_validate: cannot read {args.file} as a PDF: {e}', file=sys.stderr)
        return 1

    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
