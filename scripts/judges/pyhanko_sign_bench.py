#!/usr/bin/env python3
"""Reference signer for the benchmark: sign every input with pyHanko in ONE process.

Usage:
  pyhanko_sign_bench.py --p12 FILE --pin PIN --out DIR [--visible] [--pss]
                        [--field NAME] IN1.pdf [IN2.pdf ...]

Each input is signed as an incremental update: PAdES baseline B-B (subfilter
ETSI.CAdES.detached), SHA-256, RSA PKCS#1 v1.5 (RSASSA-PSS with --pss), no timestamp,
an invisible signature field (--visible: a small 180x50 pt text stamp at the bottom left of
page 1). Outputs go to DIR/<input file name>. The key is loaded once; the clock runs from
before the key load to after the last file is written (imports excluded).

Prints one JSON line: {"files": n, "seconds": s, "per_file": s/n, "pyhanko": version}.
Exit 0 on success, 1 if any file failed (the message names it, on stderr), 2 on usage error.
"""

import argparse
import json
import os
import sys
import time


def main(argv):
    ap = argparse.ArgumentParser(prog='pyhanko_sign_bench.py',
                                 description='Sign PDFs with pyHanko in one process, timed.')
    ap.add_argument('--p12', required=True)
    ap.add_argument('--pin', required=True)
    ap.add_argument('--out', required=True, metavar='DIR')
    ap.add_argument('--visible', action='store_true', help='small visible text stamp on page 1')
    ap.add_argument('--pss', action='store_true', help='RSASSA-PSS instead of PKCS#1 v1.5')
    ap.add_argument('--field', default='Signature1', help='signature field name')
    ap.add_argument('inputs', nargs='+', metavar='IN.pdf')
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0

    import logging
    logging.basicConfig(level=logging.CRITICAL + 1)
    from importlib.metadata import version
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import TextStampStyle

    os.makedirs(args.out, exist_ok=True)
    meta = signers.PdfSignatureMetadata(
        field_name=args.field, md_algorithm='sha256', subfilter=SigSeedSubFilter.PADES,
        use_pades_lta=False, reason='vanban benchmark', location='Việt Nam')
    box = (36, 36, 216, 86) if args.visible else None
    style = TextStampStyle(stamp_text='Ký bởi: %(signer)s\nNgày: %(ts)s') if args.visible else None

    t0 = time.perf_counter()
    signer = signers.SimpleSigner.load_pkcs12(
        args.p12, passphrase=args.pin.encode('utf-8'), prefer_pss=args.pss)
    if signer is None:
        print('pyhanko_sign_bench: cannot load the PKCS#12 (wrong PIN or format?)', file=sys.stderr)
        return 1
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=args.field, on_page=0, box=box))
    failed = 0
    for path in args.inputs:
        dest = os.path.join(args.out, os.path.basename(path))
        try:
            with open(path, 'rb') as inf:
                w = IncrementalPdfFileWriter(inf, strict=False)
                with open(dest, 'wb') as outf:
                    pdf_signer.sign_pdf(w, output=outf)
        except Exception as e:  # noqa: BLE001 - keep going, report at the end
            failed += 1
            print(f'pyhanko_sign_bench: {path}: {type(e).__name__}: {e}', file=sys.stderr)
    seconds = time.perf_counter() - t0

    n = len(args.inputs)
    print(json.dumps({'files': n, 'seconds': round(seconds, 4), 'per_file': round(seconds / n, 4),
                      'failed': failed, 'pyhanko': version('pyHanko')}))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
