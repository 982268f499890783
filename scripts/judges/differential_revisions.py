"""Later revisions for the differential corpus: form filling (new appearances, rewritten ones, through /AP
dictionaries), Acrobat Reader-style signatures, signatures in new fields written by hand, tampering, and
changes after signing that are not form filling.
"""

import re

from differential_pdf import (
    PAGE_TEXT, Update, pdf_str, ref, serialize, sign_revision, stream, xmp,
)
from differential_pki import NOW, build_cms


# ---------------------------------------------------------------- revisions written by hand


def text_ap(value, font):
    return stream(b'/Type /XObject /Subtype /Form /BBox [0 0 220 20] /Resources << /Font << /Helv '
                  + ref(font) + b' >> >>',
                  b'/Tx BMC q BT /Helv 11 Tf 2 6 Td ' + pdf_str(value) + b' Tj ET Q EMC')


def fill_text(data, n, name, value, mode='new', xref=None, mk=False):
    """Fills text field `name` (empty when signed) as an incremental update.

    mode: 'new' (a new appearance stream, the field's /AP points to it), 'inplace' (the field's
    existing appearance stream is rewritten under its own number), 'apdict_new' (the indirect /AP
    dictionary is rewritten to point to a new stream), 'apdict_inplace' (the stream the indirect
    /AP dictionary points to is rewritten in place, the dictionary untouched), 'kids_new' (the
    field's two widget kids get new appearance streams).
    """
    from pyhanko.pdf_utils import generic
    u = Update(data)
    field = u.get(n[name])
    field['/V'] = generic.TextStringObject(value)
    if mk:
        # appearance characteristics changed too (a border colour): not among the keys filling may change
        field['/MK'] = generic.DictionaryObject({'/BC': generic.ArrayObject(
            [generic.NumberObject(1), generic.NumberObject(0), generic.NumberObject(0)])})
    if mode == 'new':
        s = u.alloc()
        u.put(s, text_ap(value, n['font']))
        field['/AP'] = generic.DictionaryObject({'/N': generic.IndirectObject(s, 0, None)})
    elif mode == 'inplace':
        u.put(n[name + '_stream'], text_ap(value, n['font']))
    elif mode == 'apdict_new':
        s = u.alloc()
        u.put(s, text_ap(value, n['font']))
        u.put(n[name + '_apdict'], b'<< /N ' + ref(s) + b' >>')
    elif mode == 'apdict_inplace':
        u.put(n[name + '_stream'], text_ap(value, n['font']))
    elif mode == 'kids_new':
        # a field shown by widgets in its /Kids: each widget gets a new appearance
        for i in range(2):
            w = u.get(n[f'{name}_widget{i}'])
            s = u.alloc()
            u.put(s, text_ap(value, n['font']))
            w['/AP'] = generic.DictionaryObject({'/N': generic.IndirectObject(s, 0, None)})
            u.put(n[f'{name}_widget{i}'], w)
    else:
        raise ValueError(mode)
    u.put(n[name], field)
    return u.write(xref=xref)


def my_cms(signer, md='sha256', **kw):
    return lambda signed: build_cms(signer, md, signed, **kw)


def acrobat_sign(data, n, signer, field, *, existing=False, md='sha256', xmp_inplace=True,
                 extensions=None, new_kids_widget=False, add_dr_font=False):
    """A signature made the way Acrobat Reader saves one: the update in an xref stream with the
    changed dictionaries in an object stream, the XMP metadata stream rewritten under its own
    number, /Info touched, the widget's /F set to Print+Locked (132), /SigFlags 3.

    existing: sign the empty field `field` (its merged widget gets /V, /AP and /F 132) instead of
    creating a field on the fly. extensions: None, 'direct' (the catalog gains /Extensions) or
    'update' (the indirect /Extensions dictionary object is rewritten with one more entry).
    new_kids_widget: the field created on the fly keeps its widget in a new indirect /Kids array.
    add_dr_font: the form's default resources gain a font (/ZaDb) in an object of its own.
    """
    from pyhanko.pdf_utils import generic
    u = Update(data)
    sig = u.alloc()
    ap = u.alloc()
    u.put(ap, stream(b'/Type /XObject /Subtype /Form /BBox [0 0 200 60] /Resources << /Font << '
                     b'/Helv ' + ref(n['font']) + b' >> >>',
                     b'q BT /Helv 9 Tf 4 40 Td (Ky boi: ' + field.encode() + b') Tj ET Q'))
    page = u.get(n['page'])
    form = u.get(n['acroform'])
    if existing:
        f = u.get(n[field])
        f['/V'] = generic.IndirectObject(sig, 0, None)
        f['/AP'] = generic.DictionaryObject({'/N': generic.IndirectObject(ap, 0, None)})
        f['/F'] = generic.NumberObject(132)
        u.put(n[field], f, in_objstm=True)
    else:
        fnum = u.alloc()
        body = (b'<< /FT /Sig /T ' + pdf_str(field) + b' /V ' + ref(sig))
        if new_kids_widget:
            widget, kids = u.alloc(), u.alloc()
            u.put(fnum, body + b' /Kids ' + ref(kids) + b' >>', in_objstm=True)
            u.put(kids, b'[' + ref(widget) + b']', in_objstm=True)
            u.put(widget, b'<< /Type /Annot /Subtype /Widget /F 132 /Parent ' + ref(fnum)
                  + b' /P ' + ref(n['page']) + b' /Rect [330 150 530 210] /AP << /N ' + ref(ap)
                  + b' >> >>', in_objstm=True)
            annot = widget
        else:
            u.put(fnum, body + b' /Type /Annot /Subtype /Widget /F 132 /P ' + ref(n['page'])
                  + b' /Rect [330 150 530 210] /AP << /N ' + ref(ap) + b' >> >>', in_objstm=True)
            annot = fnum
        annots = page.get('/Annots', generic.ArrayObject())
        raw = page.raw_get('/Annots') if '/Annots' in page else None
        arr = generic.ArrayObject(list(annots) + [generic.IndirectObject(annot, 0, None)])
        if isinstance(raw, generic.IndirectObject):
            u.put(raw.idnum, arr, in_objstm=True)
        else:
            page['/Annots'] = arr
            u.put(n['page'], page, in_objstm=True)
        fields = generic.ArrayObject(list(form['/Fields'])
                                     + [generic.IndirectObject(fnum, 0, None)])
        form['/Fields'] = fields
    form['/SigFlags'] = generic.NumberObject(3)
    if add_dr_font:
        zadb = u.alloc()
        u.put(zadb, b'<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>', in_objstm=True)
        dr = form['/DR']
        fonts = dr['/Font']
        fonts['/ZaDb'] = generic.IndirectObject(zadb, 0, None)
    u.put(n['acroform'], form, in_objstm=True)
    catalog = u.get(n['catalog'])
    if extensions == 'direct':
        catalog['/Extensions'] = generic.DictionaryObject({'/ADBE': generic.DictionaryObject({
            '/BaseVersion': generic.NameObject('/1.7'),
            '/ExtensionLevel': generic.NumberObject(8)})})
    elif extensions == 'update':
        u.put(n['extensions'], b'<< /ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >> /ESIC << '
              b'/BaseVersion /1.7 /ExtensionLevel 2 >> >>', in_objstm=True)
    # Acrobat writes the catalog again even when nothing in it changed
    u.put(n['catalog'], catalog, in_objstm=True)
    if xmp_inplace and 'metadata' in n:
        u.put(n['metadata'], stream(b'/Type /Metadata /Subtype /XML',
                                    xmp('Quyết định thử (đã ký)')))
    info = u.get(n['info'])
    info['/ModDate'] = generic.TextStringObject(NOW.strftime("D:%Y%m%d%H%M%SZ"))
    u.put(n['info'], info, in_objstm=True)
    build = (b'/Prop_Build << /Filter << /Name /Adobe.PPKLite /R 131104 >> /App << /Name '
             b'/Reader /R 1507328 /REx (2024.001.20643) >> >>')
    return sign_revision(u, sig, cms_maker=my_cms(signer, md), extra=build, xref='stream')


def hand_sign(data, n, signer, field, *, cms_maker=None, subfilter=b'/ETSI.CAdES.detached',
              visible=True, xref=None, action=False):
    """A new signature field, signed, written by hand with a classic update (like our own signer).

    action: the new field also carries an additional action (/AA) in an object of its own."""
    from pyhanko.pdf_utils import generic
    u = Update(data)
    sig, fnum = u.alloc(), u.alloc()
    rect = b'[330 220 530 280]' if visible else b'[0 0 0 0]'
    extra = b''
    if action:
        act = u.alloc()
        u.put(act, b'<< /S /URI /URI (https://example.invalid/theo-doi) >>')
        extra = b' /AA << /E ' + ref(act) + b' >>'
    u.put(fnum, b'<< /FT /Sig /T ' + pdf_str(field) + b' /V ' + ref(sig)
          + b' /Type /Annot /Subtype /Widget /F 132 /P ' + ref(n['page']) + b' /Rect ' + rect
          + extra + b' >>')
    page = u.get(n['page'])
    raw = page.raw_get('/Annots') if '/Annots' in page else None
    annots = list(page['/Annots']) if raw is not None else []
    arr = generic.ArrayObject(annots + [generic.IndirectObject(fnum, 0, None)])
    if isinstance(raw, generic.IndirectObject):
        u.put(raw.idnum, arr)
    else:
        page['/Annots'] = arr
        u.put(n['page'], page)
    catalog = u.get(n['catalog'])
    if 'acroform' in n:
        form = u.get(n['acroform'])
        form['/Fields'] = generic.ArrayObject(list(form['/Fields'])
                                              + [generic.IndirectObject(fnum, 0, None)])
        form['/SigFlags'] = generic.NumberObject(3)
        u.put(n['acroform'], form)
    else:
        form_num = u.alloc()
        n['acroform'] = form_num
        u.put(form_num, b'<< /Fields [' + ref(fnum) + b'] /SigFlags 3 >>')
        catalog['/AcroForm'] = generic.IndirectObject(form_num, 0, None)
        u.put(n['catalog'], catalog)
    return sign_revision(u, sig, cms_maker=cms_maker or my_cms(signer), subfilter=subfilter,
                         xref=xref)


def tamper_byte(data, field):
    """Flips one byte of page text inside the signed range of `field`."""
    at = data.index(b'stream\n') + 12
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def later_update(data, n, what):
    """Changes after signing that are not form filling."""
    u = Update(data)
    if what == 'page_content':
        u.put(n['content'], stream(b'', PAGE_TEXT.replace(b'thu nghiem chu ky so',
                                                          b'DA DUYET CHI 5 TY DONG'), compress=True))
    elif what == 'comment':
        from pyhanko.pdf_utils import generic
        a = u.alloc()
        u.put(a, b'<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /Contents '
              + pdf_str('Đã xem') + b' >>')
        page = u.get(n['page'])
        raw = page.raw_get('/Annots') if '/Annots' in page else None
        annots = list(page['/Annots']) if raw is not None else []
        arr = generic.ArrayObject(annots + [generic.IndirectObject(a, 0, None)])
        if isinstance(raw, generic.IndirectObject):
            u.put(raw.idnum, arr)
        else:
            page['/Annots'] = arr
            u.put(n['page'], page)
    elif what == 'open_action':
        catalog = u.get(n['catalog'])
        body = serialize(catalog)
        body = body[:body.rindex(b'>>')] + b' /OpenAction << /S /URI /URI (https://x.invalid) >> >>'
        u.put(n['catalog'], body)
    elif what == 'metadata_info':
        s = u.alloc()
        u.put(s, stream(b'/Type /Metadata /Subtype /XML', xmp('Đã cập nhật siêu dữ liệu')))
        catalog = u.get(n['catalog'])
        body = serialize(catalog)
        body = re.sub(rb'/Metadata \d+ 0 R', b'', body)
        body = body[:body.rindex(b'>>')] + b' /Metadata ' + ref(s) + b' >>'
        u.put(n['catalog'], body)
        i = u.alloc()
        u.put(i, b'<< /Title ' + pdf_str('Tiêu đề mới') + b' >>')
        u.set_trailer(b'Info', ref(i))
    elif what == 'xmp_garbage':
        u.put(n['metadata'], stream(b'/Type /Metadata /Subtype /XML', b'\x00\x01 not xml at all'))
    elif what == 'xmp_wrong_root':
        u.put(n['metadata'], stream(b'/Type /Metadata /Subtype /XML',
                                    b'<?xml version="1.0"?><html><body>Da duyet</body></html>'))
    elif what in ('dss_bad_key', 'dss_vri_lowercase', 'dss_good', 'version', 'extensions_old'):
        from pyhanko.pdf_utils import generic
        catalog = u.get(n['catalog'])
        if what == 'extensions_old':
            catalog['/Extensions'] = generic.IndirectObject(n['font'], 0, None)
        body = serialize(catalog)
        if what == 'version':
            extra = b' /Version /2.0'
        elif what == 'extensions_old':
            extra = b''
        else:
            cert = u.alloc()
            u.put(cert, stream(b'', bytes(200)))
            vri_key = b'/' + (b'ab' * 20 if what == 'dss_vri_lowercase' else b'AB' * 20)
            extra = (b' /DSS << /Certs [' + ref(cert) + b'] /VRI << ' + vri_key + b' << /Cert ['
                     + ref(cert) + b'] >> >>' + (b' /Foo 1' if what == 'dss_bad_key' else b'')
                     + b' >>')
        body = body[:body.rindex(b'>>')] + extra + b' >>'
        u.put(n['catalog'], body)
    elif what == 'fill_with_mk':
        return fill_text(data, n, 'ho_ten', 'Nguyễn Văn An', mk=True)
    else:
        raise ValueError(what)
    return u.write()
