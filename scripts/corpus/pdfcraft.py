#!/usr/bin/env python3
"""Hand-written PDFs for the corpus: structures that the usual producers don't write.
Standard library only; every byte offset is computed, nothing is patched by guesswork.

Usage: pdfcraft.py KIND OUT [IN]
  hybrid-word      hybrid-reference file as Word writes it and the PDF 1.5 reference describes:
                   a full classic table in which the objects kept in an object stream are
                   free (65535 f), then an empty update section ("xref 0 0") whose trailer
                   has /Prev and /XRefStm (a cross-reference stream listing those objects)
  hybrid-sparse    one section only: the table leaves the hidden objects out and the same
                   trailer has /XRefStm (seen in the wild, not what the reference prescribes)
  xrefstream-plain xref stream, no object stream (PDF 1.5)
  cropbox          MediaBox with a non-zero origin, a smaller CropBox, plus Bleed/Trim/ArtBox
  inherited        nested page tree; MediaBox, Resources and Rotate inherited from /Pages
  acroform         AcroForm: text fields (one multiline, a hierarchical pair), a checkbox,
                   an empty signature field, widgets on two pages, all with appearances
  js-openaction    catalog /OpenAction JavaScript + /Names /JavaScript tree (for bad/)
  append-info IN   appends an incremental update (classic xref section + trailer /Prev)
                   that replaces the /Info dictionary of IN (IN must have a classic trailer)
  append-annot IN  appends an incremental update that adds a text annotation to page 1 of
                   IN, whose page 1 must be a direct, uncompressed object (classic xref)
  startxref-nowhere IN   copy of IN whose startxref points past the end of the file
  truncate IN      first 55% of IN
  garbage          4 KiB of seeded pseudo-random bytes behind a %PDF-1.7 header
"""

import random
import re
import sys
import zlib

HELV = b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'
HELV_B = b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'
FIXED_ID = b'<5641 4e42 414e 2d43 4f52 5055 532d 3031><5641 4e42 414e 2d43 4f52 5055 532d 3031>'
INFO = (b'<< /Producer (vanban scripts/corpus/pdfcraft.py) /Creator (hand-written) '
        b'/CreationDate (D:20240815090000+07\'00\') >>')


def pdfstr(s):
    """A PDF text string: PDFDocEncoding-safe ASCII as literal, otherwise UTF-16BE hex."""
    if all(32 <= ord(c) < 127 for c in s):
        return b'(' + s.replace('\\', '\\\\').replace('(', '\\(').replace(')', '\\)').encode() + b')'
    return b'<FEFF' + s.encode('utf-16-be').hex().upper().encode() + b'>'


def stream(dict_entries, data, compress=True):
    if compress:
        data = zlib.compress(data, 9)
        dict_entries = dict_entries + b' /Filter /FlateDecode'
    return b'<< ' + dict_entries + b' /Length %d >>\nstream\n' % len(data) + data + b'\nendstream'


def text_content(lines, x=72, y=760, size=12, extra=b''):
    out = [b'BT /F1 %d Tf %d TL %d %d Td' % (size, size + 4, x, y)]
    for ln in lines:
        out.append(pdfstr(ln) + b' Tj T*')
    out.append(b'ET')
    return b'\n'.join(out) + b'\n' + extra


class Doc:
    """Numbered objects (bytes, without the 'n 0 obj' wrapper) and a writer for each xref kind."""

    def __init__(self, version='1.7'):
        self.version = version
        self.objs = {}

    def add(self, body, num=None):
        num = num or (max(self.objs, default=0) + 1)
        self.objs[num] = body
        return num

    def header(self):
        return b'%PDF-' + self.version.encode() + b'\n%\xe2\xe3\xcf\xd3\n'

    def write_classic(self, root, info=None):
        out = bytearray(self.header())
        offs = {}
        for n in sorted(self.objs):
            offs[n] = len(out)
            out += b'%d 0 obj\n' % n + self.objs[n] + b'\nendobj\n'
        size = max(self.objs) + 1
        xref = len(out)
        out += b'xref\n0 %d\n' % size + b'0000000000 65535 f\r\n'
        for n in range(1, size):
            out += (b'%010d 00000 n\r\n' % offs[n]) if n in offs else b'0000000000 65535 f\r\n'
        out += b'trailer\n<< /Size %d /Root %d 0 R' % (size, root)
        if info:
            out += b' /Info %d 0 R' % info
        out += b' /ID [' + FIXED_ID + b'] >>\nstartxref\n%d\n%%%%EOF\n' % xref
        return bytes(out)

    def write_xrefstream(self, root, info=None):
        out = bytearray(self.header())
        offs = {}
        for n in sorted(self.objs):
            offs[n] = len(out)
            out += b'%d 0 obj\n' % n + self.objs[n] + b'\nendobj\n'
        xnum = max(self.objs) + 1
        offs[xnum] = len(out)
        size = xnum + 1
        rows = bytearray(b'\x00\x00\x00\x00\xff\xff')
        for n in range(1, size):
            rows += (b'\x01' + offs[n].to_bytes(4, 'big') + b'\x00') if n in offs else b'\x00' * 6
        d = b'/Type /XRef /Size %d /W [1 4 1] /Root %d 0 R' % (size, root)
        if info:
            d += b' /Info %d 0 R' % info
        d += b' /ID [' + FIXED_ID + b']'
        out += b'%d 0 obj\n' % xnum + stream(d, bytes(rows)) + b'\nendobj\n'
        out += b'startxref\n%d\n%%%%EOF\n' % offs[xnum]
        return bytes(out)

    def write_hybrid(self, root, info, hidden, mark_free):
        """Objects in `hidden` go into one object stream that only the /XRefStm stream lists."""
        out = bytearray(self.header())
        regular = [n for n in sorted(self.objs) if n not in hidden]
        stm_num = max(self.objs) + 1
        xs_num = stm_num + 1
        size = xs_num + 1
        # the object stream: "num offset ..." pairs, then the objects
        bodies, pairs, pos = [], [], 0
        for n in hidden:
            pairs.append(b'%d %d' % (n, pos))
            bodies.append(self.objs[n] + b'\n')
            pos += len(bodies[-1])
        head = b' '.join(pairs) + b'\n'
        objstm = stream(b'/Type /ObjStm /N %d /First %d' % (len(hidden), len(head)), head + b''.join(bodies))
        offs = {}
        for n in regular:
            offs[n] = len(out)
            out += b'%d 0 obj\n' % n + self.objs[n] + b'\nendobj\n'
        offs[stm_num] = len(out)
        out += b'%d 0 obj\n' % stm_num + objstm + b'\nendobj\n'
        # the hidden cross-reference stream: entries for the compressed objects only
        index, rows = [], bytearray()
        for i, n in enumerate(hidden):
            index += [n, 1]
            rows += b'\x02' + stm_num.to_bytes(4, 'big') + i.to_bytes(2, 'big')
        offs[xs_num] = len(out)
        d = b'/Type /XRef /Size %d /W [1 4 2] /Index [%s]' % (size, b' '.join(b'%d' % v for v in index))
        out += b'%d 0 obj\n' % xs_num + stream(d, bytes(rows)) + b'\nendobj\n'
        # the classic table
        xref = len(out)
        out += b'xref\n'
        if mark_free:
            # Word style, as the PDF 1.5 reference describes it: a main section with entries for
            # every object, the hidden ones free with generation 65535, then an empty update
            # section whose trailer has /XRefStm and /Prev. A 1.5 reader looks in the empty
            # section, then the stream, then the main section; a 1.4 reader skips the stream.
            out += b'0 %d\n0000000000 65535 f\r\n' % size
            for n in range(1, size):
                out += (b'%010d 00000 n\r\n' % offs[n]) if n in offs else b'0000000000 65535 f\r\n'
            out += (b'trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [' % (size, root, info)
                    + FIXED_ID + b'] >>\nstartxref\n%d\n%%%%EOF\n' % xref)
            main_xref = xref
            xref = len(out)
            out += (b'xref\n0 0\ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [' % (size, root, info)
                    + FIXED_ID + b'] /Prev %d /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n' % (main_xref, offs[xs_num], xref))
            return bytes(out)
        # one section whose table leaves the hidden objects out (no entry at all)
        nums = [0] + sorted(offs)
        runs, start = [], None
        for i, n in enumerate(nums):
            if start is None:
                start = n
            if i + 1 == len(nums) or nums[i + 1] != n + 1:
                runs.append((start, n))
                start = None
        for a, b in runs:
            out += b'%d %d\n' % (a, b - a + 1)
            for n in range(a, b + 1):
                out += b'0000000000 65535 f\r\n' if n == 0 else b'%010d 00000 n\r\n' % offs[n]
        out += (b'trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [' % (size, root, info)
                + FIXED_ID + b'] /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n' % (offs[xs_num], xref))
        return bytes(out)


def simple_pages(doc, titles, font_num, media=b'[0 0 595 842]'):
    """Adds one page per title under a /Pages node; returns (pages_num, [page nums])."""
    pages_num = doc.add(b'')  # placeholder, filled below
    kids = []
    for t, lines in titles:
        c = doc.add(stream(b'', text_content([t, ''] + lines)))
        kids.append(doc.add(b'<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>'
                            % (pages_num, media, font_num, c)))
    doc.objs[pages_num] = b'<< /Type /Pages /Kids [%s] /Count %d >>' % (b' '.join(b'%d 0 R' % k for k in kids), len(kids))
    return pages_num, kids


def make_hybrid(mark_free):
    doc = Doc('1.5')
    font = doc.add(HELV)                                               # 1 (hidden)
    info = doc.add(INFO)                                               # 2 (hidden)
    vp = doc.add(b'<< /DisplayDocTitle true /FitWindow false >>')      # 3 (hidden)
    kind = 'Word style' if mark_free else 'single section'
    pages, _ = simple_pages(doc, [
        (f'Hybrid-reference file ({kind}), page 1', [
            'The classic cross-reference table lists the regular objects;',
            'the trailer /XRefStm points at a cross-reference stream that lists',
            'the font, the document information and the viewer preferences,',
            'which are kept in an object stream.']),
        (f'Hybrid-reference file ({kind}), page 2', ['Second page.'])], font)
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R /ViewerPreferences %d 0 R >>' % (pages, vp))
    return doc.write_hybrid(root, info, hidden=[font, info, vp], mark_free=mark_free)


def make_xrefstream_plain():
    doc = Doc('1.5')
    font = doc.add(HELV)
    info = doc.add(INFO)
    pages, _ = simple_pages(doc, [('Cross-reference stream without object streams', [
        'Every object is a regular indirect object; only the cross-reference',
        'data is a stream (/Type /XRef, /W [1 4 1]).'])], font)
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R >>' % pages)
    return doc.write_xrefstream(root, info)


def make_cropbox():
    doc = Doc('1.7')
    font = doc.add(HELV)
    info = doc.add(INFO)
    # MediaBox origin at (-150, -100); the CropBox is a smaller window inside it.
    media = b'[-150 -100 445 742]'
    crop = b'[-100 -50 395 692]'
    art = b'[-50 0 345 642]'
    content = (b'0.9 0.9 0.9 rg -150 -100 595 842 re f\n'          # grey: whole MediaBox
               b'1 1 1 rg -100 -50 495 742 re f\n'                 # white: CropBox
               b'0 0 1 RG 2 w -50 0 395 642 re S\n'                # blue frame: Trim/ArtBox
               b'1 0 0 RG 1 w -10 0 m 10 0 l S 0 -10 m 0 10 l S\n'  # red cross at user-space origin
               b'0 g\n' + text_content(['MediaBox [-150 -100 445 742]', 'CropBox  [-100 -50 395 692]',
                               'Bleed/Trim/ArtBox inside; red cross = (0,0)'], x=-40, y=600, size=11))
    c = doc.add(stream(b'', content))
    pages = doc.add(b'')
    page = doc.add(b'<< /Type /Page /Parent %d 0 R /MediaBox %s /CropBox %s /BleedBox %s /TrimBox %s /ArtBox %s '
                   b'/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>'
                   % (pages, media, crop, crop, art, art, font, c))
    doc.objs[pages] = b'<< /Type /Pages /Kids [%d 0 R] /Count 1 >>' % page
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R >>' % pages)
    return doc.write_classic(root, info)


def make_inherited():
    doc = Doc('1.4')
    font = doc.add(HELV)
    info = doc.add(INFO)
    top = doc.add(b'')
    mid_a = doc.add(b'')
    mid_b = doc.add(b'')
    pages_a, pages_b = [], []
    for i in range(1, 4):
        c = doc.add(stream(b'', text_content([f'Page {i}: no MediaBox, Resources or Rotate of its own.',
                                              'All three come from the /Pages ancestors.'])))
        pages_a.append(doc.add(b'<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>' % (mid_a, c)))
    c = doc.add(stream(b'', text_content(['Page 4: overrides Rotate 0 and MediaBox (Letter).'])))
    pages_b.append(doc.add(b'<< /Type /Page /Parent %d 0 R /Rotate 0 /MediaBox [0 0 612 792] /Contents %d 0 R >>' % (mid_b, c)))
    c = doc.add(stream(b'', text_content(['Page 5: inherits Rotate 270 from its own /Pages node.'])))
    pages_b.append(doc.add(b'<< /Type /Page /Parent %d 0 R /Contents [%d 0 R] >>' % (mid_b, c)))
    refs = lambda ks: b' '.join(b'%d 0 R' % k for k in ks)  # noqa: E731
    doc.objs[top] = (b'<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 5 /MediaBox [0 0 595 842] /Rotate 90 '
                     b'/Resources << /Font << /F1 %d 0 R >> /ProcSet [/PDF /Text] >> >>' % (mid_a, mid_b, font))
    doc.objs[mid_a] = b'<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count 3 >>' % (top, refs(pages_a))
    doc.objs[mid_b] = b'<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count 2 /Rotate 270 >>' % (top, refs(pages_b))
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R >>' % top)
    return doc.write_classic(root, info)


def make_acroform():
    doc = Doc('1.7')
    helv = doc.add(HELV)
    zadb = doc.add(b'<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>')
    info = doc.add(INFO)
    pages = doc.add(b'')
    def labels(title, items):
        out = b'BT /F1 16 Tf 72 760 Td ' + pdfstr(title) + b' Tj ET\n'
        for y, t in items:
            out += b'BT /F1 11 Tf 72 %d Td ' % y + pdfstr(t) + b' Tj ET\n'
        return out
    c1 = doc.add(stream(b'', labels('Application form (AcroForm, hand-written)',
                                    [(705, 'Full name:'), (673, 'E-mail:'), (641, 'Department:'), (190, 'Notes:')])))
    c2 = doc.add(stream(b'', labels('Page 2: review', [(705, 'Reviewer:'), (673, 'Approved:'),
                                                        (170, 'Director signature (empty signature field):')])))
    p1 = doc.add(b'')
    p2 = doc.add(b'')

    def ap_text(w, h, value, multiline=False):
        lines = value.split('\n') if multiline else [value]
        body = b'/Tx BMC q 1 1 %d %d re W n BT /Helv 10 Tf 0 g 2 %d Td 12 TL ' % (w - 2, h - 2, h - 12 if multiline else (h - 7) // 2)
        body += b' '.join(pdfstr(ln) + b' Tj T*' for ln in lines) + b' ET Q EMC'
        return doc.add(stream(b'/Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources << /Font << /Helv %d 0 R >> >>'
                              % (w, h, helv), body))

    fields = []

    def text_widget(page, rect, name, value, parent=None, multiline=False, tooltip=None):
        w, h = rect[2] - rect[0], rect[3] - rect[1]
        ap = ap_text(w, h, value, multiline)
        d = (b'<< /Type /Annot /Subtype /Widget /Rect [%d %d %d %d] /F 4 /P %d 0 R /FT /Tx /T %s /V %s '
             b'/DA (/Helv 10 Tf 0 g) /MK << /BC [0 0 0] /BG [0.95 0.95 1] >> /AP << /N %d 0 R >>'
             % (*rect, page, pdfstr(name), pdfstr(value), ap))
        if multiline:
            d += b' /Ff 4096'
        if tooltip:
            d += b' /TU ' + pdfstr(tooltip)
        if parent:
            d += b' /Parent %d 0 R' % parent
        return doc.add(d + b' >>')

    # applicant.name and applicant.email: terminal fields under a non-terminal parent
    parent = doc.add(b'')
    name_w = text_widget(p1, (160, 700, 420, 720), 'name', 'Nguyen Van A', parent=parent, tooltip='Ho va ten')
    mail_w = text_widget(p1, (160, 668, 420, 688), 'email', 'a.nguyen@example.gov.vn', parent=parent)
    doc.objs[parent] = b'<< /T (applicant) /Kids [%d 0 R %d 0 R] >>' % (name_w, mail_w)
    fields.append(parent)
    dept = text_widget(p1, (160, 636, 420, 656), 'department', 'Office of the Provincial People\'s Committee')
    fields.append(dept)
    notes = text_widget(p1, (72, 120, 322, 180), 'notes', 'Line one of the notes\nLine two\nLine three', multiline=True)
    fields.append(notes)
    reviewer = text_widget(p2, (160, 700, 420, 720), 'reviewer', '')
    fields.append(reviewer)
    # checkbox with On/Off appearances
    on = doc.add(stream(b'/Type /XObject /Subtype /Form /BBox [0 0 14 14] /Resources << /Font << /ZaDb %d 0 R >> >>' % zadb,
                        b'0 0 0 RG 0.5 w 0.5 0.5 13 13 re S BT /ZaDb 11 Tf 2 3 Td (4) Tj ET'))
    off = doc.add(stream(b'/Type /XObject /Subtype /Form /BBox [0 0 14 14]', b'0 0 0 RG 0.5 w 0.5 0.5 13 13 re S'))
    approved = doc.add(b'<< /Type /Annot /Subtype /Widget /Rect [160 668 174 682] /F 4 /P %d 0 R /FT /Btn /T (approved) '
                       b'/V /Yes /AS /Yes /DA (/ZaDb 0 Tf 0 g) /MK << /CA (4) >> /AP << /N << /Yes %d 0 R /Off %d 0 R >> >> >>'
                       % (p2, on, off))
    fields.append(approved)
    # an empty signature field, visible on page 2
    sig = doc.add(b'<< /Type /Annot /Subtype /Widget /Rect [300 80 540 160] /F 132 /P %d 0 R /FT /Sig /T (Signature_Director) >>' % p2)
    fields.append(sig)
    res = b'<< /Font << /F1 %d 0 R >> >>' % helv
    doc.objs[p1] = (b'<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R /Annots [%d 0 R %d 0 R %d 0 R %d 0 R] >>'
                    % (pages, res, c1, name_w, mail_w, dept, notes))
    doc.objs[p2] = (b'<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R /Annots [%d 0 R %d 0 R %d 0 R] >>'
                    % (pages, res, c2, reviewer, approved, sig))
    doc.objs[pages] = b'<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>' % (p1, p2)
    acro = (b'<< /Fields [%s] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv %d 0 R /ZaDb %d 0 R >> >> /SigFlags 1 >>'
            % (b' '.join(b'%d 0 R' % f for f in fields), helv, zadb))
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R /AcroForm %s >>' % (pages, acro))
    return doc.write_classic(root, info)


def make_js_openaction():
    doc = Doc('1.7')
    font = doc.add(HELV_B)
    info = doc.add(INFO)
    pages, _ = simple_pages(doc, [('This PDF runs JavaScript when opened', [
        'Catalog /OpenAction << /S /JavaScript /JS (...) >> and a /Names /JavaScript tree.',
        'A signing service should detect and refuse or flag it.'])], font)
    js1 = doc.add(b'<< /Type /Action /S /JavaScript /JS (app.alert\\("vanban corpus: OpenAction JavaScript"\\);) >>')
    js2 = doc.add(stream(b'', b'console.println("named JavaScript from the /Names tree");'))
    js2a = doc.add(b'<< /S /JavaScript /JS %d 0 R >>' % js2)
    root = doc.add(b'<< /Type /Catalog /Pages %d 0 R /OpenAction %d 0 R /Names << /JavaScript << /Names [(startup) %d 0 R] >> >> >>'
                   % (pages, js1, js2a))
    return doc.write_classic(root, info)


# ------------------------------------------------------------------ incremental updates

def last_trailer(data):
    """The last classic trailer dictionary of data (bytes) and its startxref value."""
    sx = data.rfind(b'startxref')
    if sx < 0:
        raise SystemExit('no startxref')
    prev = int(data[sx + 9:].split()[0])
    if data[prev:prev + 4] != b'xref':
        raise SystemExit('append-*: the last cross-reference section must be a classic table')
    t = data.find(b'trailer', prev)
    end = data.find(b'startxref', t)
    tr = data[t + 7:end]
    size = int(re.search(rb'/Size\s+(\d+)', tr).group(1))
    root = re.search(rb'/Root\s+(\d+\s+\d+\s+R)', tr).group(1)
    info = re.search(rb'/Info\s+(\d+\s+\d+\s+R)', tr)
    ids = re.search(rb'/ID\s*\[\s*(<[0-9A-Fa-f\s]*>)', tr)
    return prev, size, root, info.group(1) if info else None, ids.group(1) if ids else None


def append_update(data, new_objs, prev, size, root, info_ref, first_id):
    """new_objs: {num: body}; writes one xref subsection per run of numbers."""
    out = bytearray(data)
    if not out.endswith(b'\n'):
        out += b'\n'
    offs = {}
    for n in sorted(new_objs):
        offs[n] = len(out)
        out += b'%d 0 obj\n' % n + new_objs[n] + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n'
    nums = sorted(offs)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out += b'%d %d\n' % (nums[i], j - i + 1)
        for n in nums[i:j + 1]:
            out += b'%010d 00000 n\r\n' % offs[n]
        i = j + 1
    new_size = max(size, max(nums) + 1)
    out += b'trailer\n<< /Size %d /Root %s /Prev %d' % (new_size, root, prev)
    if info_ref:
        out += b' /Info ' + info_ref
    if first_id:
        # first ID element is kept, the second changes with each update
        second = b'<' + zlib.crc32(bytes(out)).to_bytes(4, 'big').hex().encode() * 4 + b'>'
        out += b' /ID [' + first_id + second + b']'
    out += b' >>\nstartxref\n%d\n%%%%EOF\n' % xref
    return bytes(out)


def append_info(data, title, stamp):
    prev, size, root, _info, first_id = last_trailer(data)
    info = size
    body = (b'<< /Title ' + pdfstr(title) + b' /Producer (vanban scripts/corpus/pdfcraft.py append-info) '
            b'/ModDate (D:' + stamp.encode() + b"+07'00') >>")
    return append_update(data, {info: body}, prev, size, root, b'%d 0 R' % info, first_id)


def find_obj(data, num):
    """Body of the LAST definition of object num (regex over the file: good enough for our inputs)."""
    ms = list(re.finditer(rb'(?<![0-9])%d\s+0\s+obj\b' % num, data))
    if not ms:
        raise SystemExit(f'object {num} not found')
    start = ms[-1].end()
    end = data.find(b'endobj', start)
    return data[start:end].strip()


def first_page_num(data):
    _prev, _size, root, _info, _id = last_trailer(data)
    cat = find_obj(data, int(root.split()[0]))
    pages = int(re.search(rb'/Pages\s+(\d+)\s+0\s+R', cat).group(1))
    node = pages
    while True:
        body = find_obj(data, node)
        if re.search(rb'/Type\s*/Page\b(?!s)', body):
            return node, body
        node = int(re.search(rb'/Kids\s*\[\s*(\d+)\s+0\s+R', body).group(1))


def append_annot(data):
    prev, size, root, info_ref, first_id = last_trailer(data)
    pnum, pbody = first_page_num(data)
    annot = size
    new_page = pbody
    m = re.search(rb'/Annots\s*\[([^\]]*)\]', pbody)
    if m:
        new_page = pbody[:m.start(1)] + m.group(1) + b' %d 0 R' % annot + pbody[m.end(1):]
    elif re.search(rb'/Annots\s+\d+\s+0\s+R', pbody):
        raise SystemExit('append-annot: indirect /Annots array not supported')
    else:
        assert new_page.endswith(b'>>')
        new_page = new_page[:-2] + b' /Annots [%d 0 R] >>' % annot
    body = (b'<< /Type /Annot /Subtype /Text /Rect [60 780 80 800] /Open false /Name /Comment '
            b'/Contents ' + pdfstr('Ghi chú: đã xem, chuyển phòng Hành chính xử lý.') +
            b' /T ' + pdfstr('Văn thư') + b' /M (D:20240820101500+07\'00\') /F 4 /C [1 0.8 0] /P %d 0 R >>' % pnum)
    return append_update(data, {pnum: new_page, annot: body}, prev, size, root, info_ref, first_id)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    kind, out = argv[0], argv[1]
    src = open(argv[2], 'rb').read() if len(argv) > 2 else None
    makers = {
        'hybrid-word': lambda: make_hybrid(True),
        'hybrid-sparse': lambda: make_hybrid(False),
        'xrefstream-plain': make_xrefstream_plain,
        'cropbox': make_cropbox,
        'inherited': make_inherited,
        'acroform': make_acroform,
        'js-openaction': make_js_openaction,
        'append-info': lambda: append_info(src, 'Quyết định (bản đã sửa thông tin)', '20240816083000'),
        'append-annot': lambda: append_annot(src),
        'startxref-nowhere': lambda: re.sub(rb'startxref\s+\d+\s+%%EOF\s*$',
                                            b'startxref\n%d\n%%%%EOF\n' % (len(src) * 10), src),
        'truncate': lambda: src[:int(len(src) * 0.55)],
        'garbage': lambda: b'%PDF-1.7\n' + random.Random(7).randbytes(4096),
    }
    if kind not in makers or (kind in ('append-info', 'append-annot', 'startxref-nowhere', 'truncate') and src is None):
        print(__doc__, file=sys.stderr)
        return 2
    data = makers[kind]()
    with open(out, 'wb') as f:
        f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
