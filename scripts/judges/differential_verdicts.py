#!/usr/bin/env python3
"""pyHanko's three-way verdict on every signature of the differential corpus, asked again.

Usage:
  PY scripts/judges/differential_verdicts.py [DIR]     (default shared/tests/corpus/differential)

Judges every file listed in DIR/manifest.json with pyHanko (in this one process, trusting
DIR/pki/ca.pem, as make_differential_corpus.py did) and prints one JSON object:
  {"files": n, "signatures": n, "mismatches": [{"file", "field", "manifest", "pyhanko", "detail"}]}
A mismatch is a signature whose verdict now differs from the manifest's, or that is missing on
one side. backend/tests/it/pdf_judges.rs asserts there is none, so the manifest cannot drift from
what pyHanko says. Exit 0 when it could judge, 1 when a file could not be read, 2 on usage error.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pyhanko_validate  # noqa: E402


def verdict(v):
    """The three-way verdict from one pyhanko_validate record: "none" (intact, valid, nothing
    after it but LTA updates), "form_filling" (later form filling or signing), "rejected"."""
    if v.get('error') or not (v.get('intact') and v.get('valid')):
        return 'rejected'
    return {'NONE': 'none', 'LTA_UPDATES': 'none', 'FORM_FILLING': 'form_filling',
            'ANNOTATIONS': 'form_filling'}.get(v.get('modification_level'), 'rejected')


def judge(path, ca_pem):
    """pyhanko_validate's records for one file, trusting the certificates in ca_pem."""
    roots = pyhanko_validate.load_pem_or_der_certs(ca_pem)
    return pyhanko_validate.validate_file(path, roots)


def main(argv):
    if len(argv) > 1 or (argv and argv[0].startswith('-')):
        print(__doc__, file=sys.stderr)
        return 2
    import logging
    logging.basicConfig(level=logging.CRITICAL + 1)
    root = os.path.dirname(os.path.dirname(HERE))
    d = argv[0] if argv else os.path.join(root, 'shared/tests/corpus/differential')
    with open(os.path.join(d, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    ca_pem = os.path.join(d, 'pki', 'ca.pem')
    mismatches = []
    total = 0
    for entry in manifest['files']:
        try:
            judged = judge(os.path.join(d, entry['file']), ca_pem)
        except (OSError, pyhanko_validate.UnreadablePdf) as e:
            print(f"differential_verdicts: {entry['file']}: {e}", file=sys.stderr)
            return 1
        now = {v['field']: v for v in judged}
        then = {s['field']: s['pyhanko'] for s in entry['signatures']}
        total += len(then)
        for field in sorted(set(now) | set(then)):
            theirs = verdict(now[field]) if field in now else 'missing'
            if then.get(field, 'missing') != theirs:
                v = now.get(field, {})
                mismatches.append({
                    'file': entry['file'], 'field': field,
                    'manifest': then.get(field, 'missing'), 'pyhanko': theirs,
                    'detail': v.get('error') or v.get('modification_detail') or v.get('summary'),
                })
    json.dump({'files': len(manifest['files']), 'signatures': total, 'mismatches': mismatches},
              sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
