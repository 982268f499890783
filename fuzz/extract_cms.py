#!/usr/bin/env python3
"""Writes the CMS of every signature (and document timestamp) of the given PDFs into OUT_DIR, one file each,
without the zero padding: seeds for the `cms` fuzz target. BER with indefinite lengths is measured as BER.

Usage: extract_cms.py OUT_DIR PDF...
"""

import hashlib
import os
import re
import sys


def ber_length(data, pos=0, depth=0):
    """The length of the BER element at `pos` (identifier, length, contents, end-of-contents)."""
    if depth > 64 or pos + 2 > len(data):
        raise ValueError('not BER')
    start = pos
    pos += 1
    if data[start] & 0x1F == 0x1F:
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    n = data[pos]
    pos += 1
    if n == 0x80:
        while data[pos:pos + 2] != b'\x00\x00':
            pos += ber_length(data, pos, depth + 1)
        return pos + 2 - start
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], 'big')
        pos += k
    if pos + n > len(data):
        raise ValueError('truncated')
    return pos + n - start


def signatures(pdf):
    """The CMS blobs of a PDF's /Contents hex strings, unpadded."""
    out = []
    for hexes in re.findall(rb'/Contents\s*<([0-9A-Fa-f\s]+)>', pdf):
        raw = bytes.fromhex(re.sub(rb'\s', b'', hexes).decode())
        try:
            out.append(raw[:ber_length(raw)])
        except (ValueError, IndexError):
            continue
    return out


def main(out_dir, pdfs):
    os.makedirs(out_dir, exist_ok=True)
    seen = set()
    for path in pdfs:
        with open(path, 'rb') as f:
            pdf = f.read()
        for i, blob in enumerate(signatures(pdf)):
            digest = hashlib.sha256(blob).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            name = '%s-%d.der' % (os.path.splitext(os.path.basename(path))[0], i)
            with open(os.path.join(out_dir, name), 'wb') as f:
                f.write(blob)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
