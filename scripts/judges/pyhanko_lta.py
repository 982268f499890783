#!/usr/bin/env python3
"""Independent judge of long-term validation: every signature of a PDF through pyHanko's PAdES B-LTA
validation (ETSI EN 319 102-1 §5.6.3, `ades_lta_validation`) with the trust anchors alone: nothing fetched
(online fetching LOCAL_ONLY), revocation information REQUIRED for every certificate, and the only source of it
the file's DSS (pyHanko reads the DSS into its local knowledge itself; we give it no CRL).

Usage: pyhanko_lta.py FILE --trust CA.pem [--trust ...]

Prints a JSON array, one object per signature (document timestamps are not validated on their own here:
they are the evidence record each signature's LTA validation walks), in file order:
  {"field", "status", "subindication", "best_signature_time", "oldest_evidence_record_timestamp",
   "signature_timestamp_status"}
status is pyHanko's AdES status name (PASSED, INDETERMINATE, FAILED). Exit 0 when it could read the file.
"""

import argparse
import asyncio
import json
import sys

from asn1crypto import pem, x509


def load_certs(path):
    with open(path, 'rb') as f:
        data = f.read()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


async def judge(path, roots):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import ades
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec, RevocationInfoGatheringSpec, RevinfoOnlineFetchingRule,
        SignatureValidationSpec)
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
    from pyhanko_certvalidator.authority import CertTrustAnchor
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy('require')),
    )
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ))
    out = []
    with open(path, 'rb') as f:
        reader = PdfFileReader(f, strict=False)
        for sig in reader.embedded_regular_signatures:
            result = await ades.ades_lta_validation(sig, spec)
            ts = result.signature_timestamp_status
            name = lambda v: None if v is None else getattr(v, 'name', str(v))
            out.append({
                'field': sig.field_name,
                'status': name(result.ades_subindic.status),
                'subindication': name(result.ades_subindic),
                'best_signature_time': str(result.best_signature_time),
                'oldest_evidence_record_timestamp': str(result.oldest_evidence_record_timestamp),
                'signature_timestamp_status': None if ts is None else name(ts.ades_subindic.status),
            })
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('file')
    p.add_argument('--trust', action='append', required=True)
    a = p.parse_args()
    roots = [c for t in a.trust for c in load_certs(t)]
    print(json.dumps(asyncio.run(judge(a.file, roots)), ensure_ascii=False, indent=1))


if __name__ == '__main__':
    sys.exit(main())
