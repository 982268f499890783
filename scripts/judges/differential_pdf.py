"""PDF writing for the differential corpus: documents written from scratch (forms with every way of holding
appearances, annotations and kids), incremental updates by hand (classic or cross-reference streams, object
streams), signing a revision with a CMS made elsewhere, and signing with pyHanko.
"""

import io
import os
import re
import zlib

from differential_pki import NOW


# ---------------------------------------------------------------- PDF writing


def pdf_str(s):
    """A PDF text string (UTF-16BE with BOM when not ASCII)."""
    try:
        b = s.encode('ascii')
        return b'(' + b.replace(b'\\', b'\\\\').replace(b'(', b'\\(').replace(b')', b'\\)') + b')'
    except UnicodeEncodeError:
        return b'<FEFF' + s.encode('utf-16-be').hex().upper().encode() + b'>'


def stream(dict_body, data, compress=False):
    if compress:
        data = zlib.compress(data)
        dict_body += b' /Filter /FlateDecode'
    return (b'<< ' + dict_body + b' /Length ' + str(len(data)).encode() + b' >>\nstream\n' + data
            + b'\nendstream')


def xmp(title):
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>\n'
        f'<xmp:ModifyDate>{NOW.isoformat()}</xmp:ModifyDate>\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
    ).encode('utf-8')


def xref_stream_obj(num, entries, size, trailer_extra):
    """entries: {objnum: (type, f2, f3)}; returns the object body of an xref stream."""
    nums = sorted(entries)
    index = []
    rows = b''
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        index += [nums[i], j - i + 1]
        for n in nums[i:j + 1]:
            t, f2, f3 = entries[n]
            rows += bytes([t]) + f2.to_bytes(4, 'big') + f3.to_bytes(2, 'big')
        i = j + 1
    d = (b'/Type /XRef /Size ' + str(size).encode() + b' /W [1 4 2] /Index ['
         + ' '.join(map(str, index)).encode() + b'] ' + trailer_extra)
    return stream(d, rows, compress=True)


def write_objects(out, objs, *, xref, objstm, trailer_extra, size, prev=None):
    """Appends objects (num -> body bytes) and a cross-reference section to `out` (bytearray)."""
    entries = {}
    direct = [n for n in sorted(objs) if n not in objstm]
    for n in direct:
        entries[n] = (1, len(out), 0)
        out += str(n).encode() + b' 0 obj\n' + objs[n] + b'\nendobj\n'
    prev_part = b'' if prev is None else b' /Prev ' + str(prev).encode()
    if objstm:
        stm_num = size
        size += 1
        inner = sorted(objstm)
        bodies = b''
        header = []
        for idx, n in enumerate(inner):
            header.append(f'{n} {len(bodies)}')
            bodies += objs[n] + b'\n'
            entries[n] = (2, stm_num, idx)
        head = ' '.join(header).encode() + b'\n'
        entries[stm_num] = (1, len(out), 0)
        out += (str(stm_num).encode() + b' 0 obj\n'
                + stream(b'/Type /ObjStm /N ' + str(len(inner)).encode() + b' /First '
                         + str(len(head)).encode(), head + bodies, compress=True)
                + b'\nendobj\n')
    if xref == 'stream':
        xnum = size
        size += 1
        entries[xnum] = (1, len(out), 0)
        if prev is None:
            entries[0] = (0, 0, 65535)
        at = len(out)
        out += (str(xnum).encode() + b' 0 obj\n'
                + xref_stream_obj(xnum, entries, size, trailer_extra + prev_part)
                + b'\nendobj\n')
    else:
        assert not objstm
        at = len(out)
        out += b'xref\n'
        rows = dict(entries)
        if prev is None:
            rows[0] = None
        nums = sorted(rows)
        i = 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            out += f'{nums[i]} {j - i + 1}\n'.encode()
            for n in nums[i:j + 1]:
                if rows[n] is None:
                    out += b'0000000000 65535 f\r\n'
                else:
                    out += f'{rows[n][1]:010d} 00000 n\r\n'.encode()
            i = j + 1
        out += (b'trailer\n<< /Size ' + str(size).encode() + b' ' + trailer_extra + prev_part
                + b' >>\n')
    out += b'startxref\n' + str(at).encode() + b'\n%%EOF\n'
    return out


class Base:
    """A document written from scratch: objects by number, then one revision."""

    def __init__(self):
        self.objs = {}
        self.next = 1

    def alloc(self):
        n = self.next
        self.next += 1
        return n

    def put(self, body, num=None):
        n = num if num is not None else self.alloc()
        self.objs[n] = body if isinstance(body, bytes) else body.encode('latin-1')
        return n

    def write(self, root, info=None, xref='table', objstm=()):
        out = bytearray(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
        trailer = b'/Root ' + str(root).encode() + b' 0 R'
        if info:
            trailer += b' /Info ' + str(info).encode() + b' 0 R'
        doc_id = os.urandom(16).hex().upper().encode()
        trailer += b' /ID [<' + doc_id + b'> <' + doc_id + b'>]'
        return bytes(write_objects(out, self.objs, xref=xref, objstm=set(objstm),
                                   trailer_extra=trailer, size=self.next))


def last_trailer(data):
    """(Size, trailer bytes to carry over (/Root, /Info, /ID), startxref, is xref stream)."""
    at = int(re.findall(rb'startxref\s+(\d+)', data[-1024:])[-1])
    section = data[at:at + 4096]
    is_stream = not section.startswith(b'xref')
    if is_stream:
        d = section[:section.index(b'stream')]
    else:
        d = section[section.index(b'trailer'):]
        d = d[:d.index(b'startxref')]
    size = int(re.search(rb'/Size\s+(\d+)', d).group(1))
    keep = b''
    for key in (rb'/Root\s+\d+\s+\d+\s+R', rb'/Info\s+\d+\s+\d+\s+R', rb'/ID\s*\[[^\]]*\]'):
        m = re.search(key, d)
        if m:
            keep += m.group(0) + b' '
    return size, keep, at, is_stream


class Update:
    """One incremental update written by hand (full control over object streams and xref form)."""

    def __init__(self, data):
        self.data = data
        self.size, self.trailer, self.prev, self.prev_is_stream = last_trailer(data)
        self.objs = {}
        self.objstm = set()
        self._reader = None

    @property
    def reader(self):
        if self._reader is None:
            from pyhanko.pdf_utils.reader import PdfFileReader
            self._reader = PdfFileReader(io.BytesIO(self.data), strict=False)
        return self._reader

    def get(self, num):
        from pyhanko.pdf_utils.generic import Reference
        return self.reader.get_object(Reference(num, 0))

    def alloc(self):
        n = self.size
        self.size += 1
        return n

    def put(self, num, body, in_objstm=False):
        if not isinstance(body, bytes):
            body = serialize(body)
        self.objs[num] = body
        if in_objstm:
            self.objstm.add(num)
        return num

    def set_trailer(self, key, value):
        self.trailer = re.sub(rb'/' + key + rb'\s+\d+\s+\d+\s+R\s*', b'', self.trailer)
        self.trailer += b'/' + key + b' ' + value + b' '

    def write(self, xref=None):
        xref = xref or ('stream' if self.prev_is_stream or self.objstm else 'table')
        out = bytearray(self.data)
        if not out.endswith(b'\n'):
            out += b'\n'
        return bytes(write_objects(out, self.objs, xref=xref, objstm=self.objstm,
                                   trailer_extra=self.trailer, size=self.size, prev=self.prev))


def serialize(obj):
    buf = io.BytesIO()
    obj.write_to_stream(buf, None)
    return buf.getvalue()


def sign_revision(upd, sig_num, *, cms_maker, subfilter=b'/ETSI.CAdES.detached',
                  sig_type=b'/Sig', extra=b'', xref=None):
    """Writes `upd` with signature dictionary `sig_num`, then fills /ByteRange and /Contents."""
    hole = len(cms_maker(b'size estimate')) * 2 + 256
    placeholder_br = b'[0 0000000000 0000000000 0000000000]'
    body = (b'<< /Type ' + sig_type + b' /Filter /Adobe.PPKLite /SubFilter ' + subfilter
            + b' /M ' + pdf_str(NOW.strftime("D:%Y%m%d%H%M%SZ")) + b' ' + extra
            + b' /ByteRange ' + placeholder_br
            + b' /Contents <' + b'0' * hole + b'> >>')
    upd.put(sig_num, body)
    data = bytearray(upd.write(xref=xref))
    start = data.rindex(str(sig_num).encode() + b' 0 obj\n<< /Type ' + sig_type)
    br_at = data.index(placeholder_br, start)
    hole_at = data.index(b'/Contents <', start) + len(b'/Contents ')
    hole_end = hole_at + hole + 2
    br = [0, hole_at, hole_end, len(data) - hole_end]
    br_text = f'[{br[0]} {br[1]} {br[2]} {br[3]}]'.encode()
    br_text += b' ' * (len(placeholder_br) - len(br_text))
    data[br_at:br_at + len(placeholder_br)] = br_text
    signed = bytes(data[:hole_at]) + bytes(data[hole_end:])
    contents = cms_maker(signed).hex().upper().encode()
    assert len(contents) <= hole, 'CMS larger than the hole'
    data[hole_at + 1:hole_at + 1 + len(contents)] = contents
    return bytes(data)


def patch_contents(data, field_name, cms_maker):
    """Replaces the CMS of an existing signature (made by pyHanko) with one made by cms_maker."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    r = PdfFileReader(io.BytesIO(data), strict=False)
    es = [s for s in r.embedded_signatures if s.field_name == field_name][0]
    a, b, c, d = [int(x) for x in es.sig_object['/ByteRange']]
    signed = data[a:a + b] + data[c:c + d]
    contents = cms_maker(signed).hex().upper().encode()
    hole = c - b - 2
    assert len(contents) <= hole, 'CMS larger than the hole'
    out = bytearray(data)
    out[b + 1:c - 1] = contents + b'0' * (hole - len(contents))
    return bytes(out)


# ---------------------------------------------------------------- base documents

PAGE_TEXT = (b'BT /F1 16 Tf 72 760 Td (UBND TINH THU NGHIEM) Tj 0 -24 Td '
             b'(QUYET DINH so ..../QD-UBND) Tj 0 -24 Td (Ve viec thu nghiem chu ky so) Tj ET\n'
             b'0.2 w 72 700 m 520 700 l S\n')


def ref(num):
    return str(num).encode() + b' 0 R'


def form_doc(*, ap='direct', annots='direct', sig_kids=False, share=None, xref='table',
             objstm=False, metadata=False, extensions=None, link=False, page_kids='direct',
             fields=True, text_kids=False, down_same=False):
    """A one-page document with an AcroForm, written by hand. Returns (bytes, numbers by name).

    ap: 'direct' (/AP << /N s >> in the field) or 'indirect' (/AP n 0 R, a dictionary object).
    annots: 'direct' or 'indirect' (the page's /Annots as an array object); page_kids likewise for
    the page tree's /Kids. sig_kids: the empty signature field ChuKy_VanThu keeps its widget in an
    indirect /Kids array. extensions: None, 'direct' or 'indirect' (/Extensions in the catalog).
    text_kids: a text field nguoi_ky shown by two widgets held in an indirect /Kids array.
    down_same: ho_ten's appearance dictionary names its stream for /N and /D alike.
    share: how a text field's appearance is also reached from elsewhere:
      'ap_dict_two_widgets' (two fields share one /AP dictionary object),
      'ap_stream_page_resources' (ho_ten's appearance stream is also an XObject of the page),
      'ap_dict_info' (the trailer's /Info is ho_ten's /AP dictionary),
      'ap_stream_annotation' (a stamp annotation shows ho_ten's appearance stream),
      'field_catalog' (the catalog refers to the ho_ten field under a private key).
    """
    b = Base()
    n = {}
    for name in ('catalog', 'pages', 'page', 'content', 'font', 'info'):
        n[name] = b.alloc()
    b.put(b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
          n['font'])
    b.put(b'<< /Title ' + pdf_str('Quyết định thử nghiệm') + b' /Producer (vanban corpus) >>',
          n['info'])
    annot_list = []
    field_list = []
    content = PAGE_TEXT
    resources_extra = b''
    catalog_extra = b''

    def text_field(name, y, ap_num=None):
        if ap_num is None:
            stm = b.put(stream(b'/Type /XObject /Subtype /Form /BBox [0 0 220 20] /Resources '
                               b'<< /Font << /Helv ' + ref(n['font']) + b' >> >>', b'/Tx BMC EMC'))
            n[name + '_stream'] = stm
            if ap == 'indirect':
                ap_num = b.put(b'<< /N ' + ref(stm) + b' >>')
        if ap == 'indirect':
            n[name + '_apdict'] = ap_num
            ap_val = ref(ap_num)
        else:
            s = ref(n[name + '_stream'])
            ap_val = b'<< /N ' + s + (b' /D ' + s if down_same and name == 'ho_ten' else b'') + b' >>'
        f = b.put(b'<< /FT /Tx /T ' + pdf_str(name) + b' /Type /Annot /Subtype /Widget /F 4 /P '
                  + ref(n['page']) + b' /Rect [72 ' + str(y).encode() + b' 292 '
                  + str(y + 20).encode() + b'] /DA (/Helv 11 Tf 0 g) /AP ' + ap_val + b' >>')
        n[name] = f
        annot_list.append(f)
        field_list.append(f)

    if fields:
        text_field('ho_ten', 640)
        if share == 'ap_dict_two_widgets':
            text_field('ho_ten_ban_sao', 560, ap_num=n['ho_ten_apdict'])
        text_field('so_vb', 600)
        sig = b.put(b'<< /FT /Sig /T (ChuKy_LanhDao) /Type /Annot /Subtype /Widget /F 4 /P '
                    + ref(n['page']) + b' /Rect [320 80 520 140] >>')
        n['ChuKy_LanhDao'] = sig
        annot_list.append(sig)
        field_list.append(sig)
        if text_kids:
            parent, kids = b.alloc(), b.alloc()
            widgets = []
            for i, y in enumerate((520, 480)):
                stm = b.put(stream(b'/Type /XObject /Subtype /Form /BBox [0 0 220 20] /Resources '
                                   b'<< /Font << /Helv ' + ref(n['font']) + b' >> >>',
                                   b'/Tx BMC EMC'))
                w = b.put(b'<< /Type /Annot /Subtype /Widget /F 4 /Parent ' + ref(parent)
                          + b' /P ' + ref(n['page']) + b' /Rect [72 ' + str(y).encode() + b' 292 '
                          + str(y + 20).encode() + b'] /AP << /N ' + ref(stm) + b' >> >>')
                n[f'nguoi_ky_widget{i}'] = w
                widgets.append(w)
                annot_list.append(w)
            b.put(b'<< /FT /Tx /T (nguoi_ky) /DA (/Helv 11 Tf 0 g) /Kids ' + ref(kids) + b' >>',
                  parent)
            b.put(b'[' + b' '.join(ref(w) for w in widgets) + b']', kids)
            n.update(nguoi_ky=parent, nguoi_ky_kids=kids)
            field_list.append(parent)
        if sig_kids:
            parent, widget, kids = b.alloc(), b.alloc(), b.alloc()
            b.put(b'<< /FT /Sig /T (ChuKy_VanThu) /Kids ' + ref(kids) + b' >>', parent)
            b.put(b'[' + ref(widget) + b']', kids)
            b.put(b'<< /Type /Annot /Subtype /Widget /F 4 /Parent ' + ref(parent) + b' /P '
                  + ref(n['page']) + b' /Rect [72 80 272 140] >>', widget)
            n.update(ChuKy_VanThu=parent, ChuKy_VanThu_widget=widget, ChuKy_VanThu_kids=kids)
            annot_list.append(widget)
            field_list.append(parent)
    if link:
        annot_list.append(b.put(b'<< /Type /Annot /Subtype /Link /Rect [72 740 300 780] /Border '
                                b'[0 0 0] /A << /S /URI /URI (https://example.invalid/vb) >> >>'))
    if share == 'ap_stream_page_resources':
        resources_extra = b' /XObject << /Fm0 ' + ref(n['ho_ten_stream']) + b' >>'
        content += b'q 1 0 0 1 72 500 cm /Fm0 Do Q\n'
    if share == 'ap_stream_annotation':
        annot_list.append(b.put(b'<< /Type /Annot /Subtype /Stamp /Rect [320 600 540 620] /F 4 '
                                b'/AP << /N ' + ref(n['ho_ten_stream']) + b' >> >>'))
    if share == 'field_catalog':
        catalog_extra += b' /VanbanTruongChinh ' + ref(n['ho_ten'])
    info = n['ho_ten_apdict'] if share == 'ap_dict_info' else n['info']
    b.put(stream(b'', content, compress=True), n['content'])
    page_extra = b''
    if annot_list:
        arr = b'[' + b' '.join(ref(a) for a in annot_list) + b']'
        if annots == 'indirect':
            n['annots'] = b.put(arr)
            arr = ref(n['annots'])
        page_extra = b' /Annots ' + arr
    b.put(b'<< /Type /Page /Parent ' + ref(n['pages']) + b' /MediaBox [0 0 595 842] /Contents '
          + ref(n['content']) + b' /Resources << /Font << /F1 ' + ref(n['font']) + b' >>'
          + resources_extra + b' >>' + page_extra + b' >>', n['page'])
    kids = b'[' + ref(n['page']) + b']'
    if page_kids == 'indirect':
        n['page_kids'] = b.put(kids)
        kids = ref(n['page_kids'])
    b.put(b'<< /Type /Pages /Kids ' + kids + b' /Count 1 >>', n['pages'])
    if field_list:
        n['acroform'] = b.put(b'<< /Fields [' + b' '.join(ref(f) for f in field_list)
                              + b'] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv ' + ref(n['font'])
                              + b' >> >> >>')
        catalog_extra += b' /AcroForm ' + ref(n['acroform'])
    if metadata:
        n['metadata'] = b.put(stream(b'/Type /Metadata /Subtype /XML', xmp('Quyết định thử')))
        catalog_extra += b' /Metadata ' + ref(n['metadata'])
    if extensions:
        ext = b'<< /ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >> >>'
        if extensions == 'indirect':
            n['extensions'] = b.put(ext)
            ext = ref(n['extensions'])
        catalog_extra += b' /Extensions ' + ext
    b.put(b'<< /Type /Catalog /Pages ' + ref(n['pages']) + catalog_extra + b' >>', n['catalog'])
    stm = ()
    if objstm:
        # like Acrobat's "save as": everything that may live in an object stream does
        stm = [k for k, v in b.objs.items() if b'stream' not in v]
    return b.write(n['catalog'], info=info, xref=xref, objstm=stm), n


def plain_doc(**kw):
    return form_doc(fields=False, **kw)


# ---------------------------------------------------------------- signing with pyHanko


def ph_sign(data, signer, field, *, md=None, box=None, existing=False, legacy=False, pss=False,
            timestamper=None, lta=False, vc=None, prepare=None, reserve=None):
    """Signs with pyHanko as an incremental update (a new field unless `existing`)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if prepare:
        prepare(w)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm=md,
        subfilter=SigSeedSubFilter.ADOBE_PKCS7_DETACHED if legacy else SigSeedSubFilter.PADES,
        use_pades_lta=lta, embed_validation_info=lta, validation_context=vc,
        reason='Thử nghiệm', location='Việt Nam')
    spec = None if existing else fields.SigFieldSpec(sig_field_name=field, on_page=0, box=box)
    pdf_signer = signers.PdfSigner(meta, signer=signer.pyhanko(prefer_pss=pss),
                                   timestamper=timestamper, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(w, existing_fields_only=existing, output=out, bytes_reserved=reserve)
    return out.getvalue()


def ph_timestamp(data, tsa, field):
    """A document timestamp (invisible /DocTimeStamp) by pyHanko."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.PdfTimeStamper(tsa, field_name=field).timestamp_pdf(
        w, md_algorithm='sha256', output=out)
    return out.getvalue()


def ph_add_dss(data, field, vc):
    """Adds validation info (DSS: certificates, CRLs, a VRI entry) for one signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info
    r = PdfFileReader(io.BytesIO(data), strict=False)
    es = [s for s in r.embedded_signatures if s.field_name == field][0]
    out = add_validation_info(es, vc, skip_timestamp=False, output=io.BytesIO())
    return out.getvalue()
