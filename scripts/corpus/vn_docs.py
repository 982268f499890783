#!/usr/bin/env python3
"""Writes the source documents of the PDF corpus (scripts/make-pdf-corpus.sh runs it):
mock Vietnamese administrative documents as flat ODF text (.fodt, for LibreOffice), an HTML
page (for Chromium), a groff -ms source (for gropdf) and a PostScript file (for Ghostscript).

The text is invented: a deterministic shuffle of a small bank of sentences in the style of
Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP layout: Times-like 13-14 pt,
A4, margins 2/2/3/1.5 cm). No real person, unit or decision is meant.

Usage: vn_docs.py OUTDIR
"""

import html
import os
import random
import sys

SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
    "Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh tại Tờ trình số 125/TTr-VP ngày 12 tháng 8 năm 2024",
    "Các cơ quan, đơn vị có trách nhiệm triển khai thực hiện nghiêm túc, đúng tiến độ các nhiệm vụ được giao",
    "Việc tiếp nhận, xử lý văn bản đến được thực hiện trên Hệ thống quản lý văn bản và điều hành, bảo đảm an toàn thông tin",
    "Văn bản điện tử được ký số bởi người có thẩm quyền và ký số của cơ quan, tổ chức theo quy định",
    "Chữ ký số và chứng thư số phải còn hiệu lực tại thời điểm ký, được cung cấp bởi tổ chức cung cấp dịch vụ chứng thực chữ ký số chuyên dùng Chính phủ",
    "Thủ trưởng cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh về kết quả thực hiện nhiệm vụ",
    "Định kỳ hằng quý, các sở, ban, ngành báo cáo tình hình thực hiện về Văn phòng Ủy ban nhân dân tỉnh để tổng hợp",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh về Sở Nội vụ để được hướng dẫn",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn hợp pháp khác",
    "Ủy ban nhân dân các huyện, thị xã, thành phố chỉ đạo Ủy ban nhân dân cấp xã tổ chức thực hiện trên địa bàn",
    "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan nhà nước, hướng tới chính quyền số",
    "Bảo đảm 100% văn bản đi được ký số, trừ văn bản thuộc danh mục bí mật nhà nước",
    "Lưu trữ hồ sơ điện tử đúng thời hạn, đầy đủ thành phần, bảo đảm tính xác thực, toàn vẹn và khả năng truy cập",
    "Sở Thông tin và Truyền thông hướng dẫn kỹ thuật, bảo đảm hạ tầng mạng, an toàn, an ninh thông tin cho hệ thống",
    "Người đứng đầu cơ quan chịu trách nhiệm về việc quản lý, sử dụng con dấu và thiết bị lưu khóa bí mật",
    "Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc, kiểm tra việc thực hiện và báo cáo kết quả",
    "Các quy định trước đây trái với Quyết định này đều bãi bỏ",
    "Cán bộ, công chức, viên chức có trách nhiệm thực hiện đúng quy trình soạn thảo, ban hành và quản lý văn bản",
    "Thời gian giải quyết hồ sơ không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
    "Ưu tiên giải quyết trực tuyến toàn trình đối với các thủ tục hành chính đủ điều kiện",
    "Kết quả giải quyết thủ tục hành chính được trả qua dịch vụ bưu chính công ích hoặc trên Cổng dịch vụ công",
    "Phối hợp chặt chẽ giữa các cấp, các ngành; phát huy vai trò giám sát của Mặt trận Tổ quốc và các đoàn thể",
    "Đẩy mạnh tuyên truyền, phổ biến để người dân, doanh nghiệp biết và tham gia thực hiện",
]

UNIT = "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"


def paragraphs(seed, n, min_s=3, max_s=6):
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        k = rnd.randint(min_s, max_s)
        out.append('. '.join(rnd.choice(SENTENCES) for _ in range(k)) + '.')
    return out


# ---------------------------------------------------------------- flat ODF (LibreOffice)

FODT_HEAD = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:ooo="http://openoffice.org/2004/office"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>{title}</dc:title><meta:initial-creator>vanban corpus</meta:initial-creator></office:meta>
 <office:font-face-decls>
  <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman" style:font-pitch="variable"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:text-align="justify" fo:margin-top="0cm" fo:margin-bottom="0.15cm" fo:line-height="115%"/>
   <style:text-properties style:font-name="Liberation Serif" fo:font-size="13pt" fo:language="vi" fo:country="VN"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-indent="1cm"/>
  </style:style>
  <style:style style:name="Center" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center" fo:text-indent="0cm"/>
  </style:style>
  <style:style style:name="CenterBold" style:family="paragraph" style:parent-style-name="Center">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="CenterBold">
   <style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/>
   <style:text-properties fo:font-size="14pt"/>
  </style:style>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.25cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Italic" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="end"/>
   <style:text-properties fo:font-style="italic"/>
  </style:style>
  <style:style style:name="Small" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start"/>
   <style:text-properties fo:font-size="11pt"/>
  </style:style>
  <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Center">
   <style:text-properties fo:font-size="10pt"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait"
     fo:margin-top="2cm" fo:margin-bottom="1.5cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/>
   <style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.3cm"/></style:footer-style>
  </style:page-layout>
  <style:style style:name="T2" style:family="table"><style:table-properties style:width="16.5cm" table:align="margins"/></style:style>
  <style:style style:name="T2A" style:family="table-column"><style:table-column-properties style:column-width="6.5cm"/></style:style>
  <style:style style:name="T2B" style:family="table-column"><style:table-column-properties style:column-width="10cm"/></style:style>
  <style:style style:name="TG" style:family="table"><style:table-properties style:width="16.5cm" table:align="margins"/></style:style>
  <style:style style:name="TGC" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.05cm"/></style:style>
  <style:style style:name="gr1" style:family="graphic"><style:graphic-properties style:vertical-pos="middle" style:vertical-rel="text"/></style:style>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:footer><text:p text:style-name="Footer">Trang <text:page-number text:select-page="current"/>/<text:page-count/></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
'''

FODT_TAIL = ''' </office:text></office:body>
</office:document>
'''


def esc(s):
    return html.escape(s, quote=False)


def p(style, text):
    lines = [esc(x) for x in text.split('\n')]
    return f'  <text:p text:style-name="{style}">' + '<text:line-break/>'.join(lines) + '</text:p>\n'


def header_table(number, place_date):
    return (
        '  <table:table table:name="Header" table:style-name="T2">\n'
        '   <table:table-column table:style-name="T2A"/><table:table-column table:style-name="T2B"/>\n'
        '   <table:table-row>\n'
        f'    <table:table-cell office:value-type="string">{p("CenterBold", UNIT)}{p("Center", number)}</table:table-cell>\n'
        f'    <table:table-cell office:value-type="string">{p("CenterBold", NATION)}{p("Italic", place_date)}</table:table-cell>\n'
        '   </table:table-row>\n'
        '  </table:table>\n')


def signature_block(role, name):
    return (p('Small', 'Nơi nhận:\n- Như Điều 3;\n- Chủ tịch, các PCT UBND tỉnh;\n- Lưu: VT, VP.')
            + p('CenterBold', f'{role}\n\n\n\n{name}'))


def quyet_dinh(seed, n_articles, paras_per_article):
    body = [header_table('Số: 1234/QĐ-UBND', 'Thử Nghiệm, ngày 15 tháng 8 năm 2024'),
            p('Title', 'QUYẾT ĐỊNH'),
            p('CenterBold', 'Ban hành Quy chế quản lý văn bản điện tử và chữ ký số\ntrong các cơ quan hành chính nhà nước tỉnh Thử Nghiệm'),
            p('Title', 'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM')]
    for s in SENTENCES[:3]:
        body.append(p('Body', s + ';'))
    body.append(p('Title', 'QUYẾT ĐỊNH:'))
    rnd_seed = seed
    for i in range(1, n_articles + 1):
        body.append(p('Heading', f'Điều {i}. ' + random.Random(rnd_seed + i).choice(SENTENCES)[:80].rstrip(', ') + '.'))
        for para in paragraphs(rnd_seed * 100 + i, paras_per_article):
            body.append(p('Body', para))
    body.append(signature_block('KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH', 'Trần Thị Mẫu'))
    return body


def cong_van(seed, n_sections, paras):
    body = [header_table('Số: 567/UBND-VP\nV/v triển khai ký số văn bản điện tử',
                         'Thử Nghiệm, ngày 02 tháng 9 năm 2024'),
            p('CenterBold', 'Kính gửi:\n- Các sở, ban, ngành thuộc tỉnh;\n- UBND các huyện, thị xã, thành phố.')]
    for i in range(1, n_sections + 1):
        body.append(p('Heading', f'{i}. Về nhiệm vụ trọng tâm thứ {i}'))
        for para in paragraphs(seed * 100 + i, paras):
            body.append(p('Body', para))
    body.append(signature_block('TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG', 'Lê Văn Ví Dụ'))
    return body


def bao_cao(seed, n_sections, paras, rows):
    body = [header_table('Số: 89/BC-UBND', 'Thử Nghiệm, ngày 30 tháng 9 năm 2024'),
            p('Title', 'BÁO CÁO'),
            p('CenterBold', 'Kết quả thực hiện chuyển đổi số quý III năm 2024')]
    rnd = random.Random(seed)
    units = ['Sở Nội vụ', 'Sở Tài chính', 'Sở Tư pháp', 'Sở Y tế', 'Sở Giáo dục và Đào tạo',
             'Sở Xây dựng', 'Sở Công Thương', 'Sở Nông nghiệp và Môi trường', 'UBND huyện Ví Dụ',
             'UBND thành phố Mẫu', 'UBND huyện Đồi Núi', 'UBND thị xã Sông Hồng']
    for i in range(1, n_sections + 1):
        body.append(p('Heading', f'{"IVX"[0] * min(i, 3)}{i}. Kết quả lĩnh vực thứ {i}'))
        for para in paragraphs(seed * 100 + i, paras):
            body.append(p('Body', para))
        body.append('  <table:table table:name="Bang%d" table:style-name="TG">\n'
                    '   <table:table-column table:number-columns-repeated="4"/>\n' % i)
        hdr = ['STT', 'Đơn vị', 'Văn bản đi ký số', 'Tỷ lệ (%)']
        body.append('   <table:table-row>' + ''.join(
            f'<table:table-cell table:style-name="TGC" office:value-type="string">{p("CenterBold", h)}</table:table-cell>'
            for h in hdr) + '</table:table-row>\n')
        for r in range(rows):
            cells = [str(r + 1), rnd.choice(units), str(rnd.randint(120, 3400)), f'{rnd.uniform(85, 100):.1f}']
            body.append('   <table:table-row>' + ''.join(
                f'<table:table-cell table:style-name="TGC" office:value-type="string">{p("Small", c)}</table:table-cell>'
                for c in cells) + '</table:table-row>\n')
        body.append('  </table:table>\n')
    body.append(signature_block('TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH', 'Phạm Minh Thử'))
    return body


def form_doc():
    controls = [
        ('text', 'ho_ten', 'Họ và tên', 'Nguyễn Thị Hồng Nhung'),
        ('text', 'don_vi', 'Đơn vị công tác', 'Phòng Hành chính - Quản trị'),
        ('text', 'so_dien_thoai', 'Số điện thoại', ''),
        ('text', 'noi_dung', 'Nội dung đề nghị', 'Cấp chứng thư số cá nhân'),
        ('checkbox', 'dong_y', 'Tôi cam đoan thông tin trên là đúng sự thật', 'checked'),
    ]
    forms = ['  <office:forms form:automatic-focus="false" form:apply-design-mode="false">\n'
             '   <form:form form:name="PhieuDangKy" form:apply-filter="true" form:command-type="table" '
             'form:control-implementation="ooo:com.sun.star.form.component.Form">\n']
    for i, (kind, name, _label, value) in enumerate(controls):
        cid = f'control{i + 1}'
        if kind == 'text':
            forms.append(f'    <form:text form:name="{name}" form:control-implementation="ooo:com.sun.star.form.component.TextField" '
                         f'xml:id="{cid}" form:id="{cid}" form:current-value="{esc(value)}" form:value="{esc(value)}" form:max-length="100"/>\n')
        else:
            forms.append(f'    <form:checkbox form:name="{name}" form:control-implementation="ooo:com.sun.star.form.component.CheckBox" '
                         f'xml:id="{cid}" form:id="{cid}" form:label="{esc(_label)}" form:current-state="{value}" form:state="{value}" form:image-position="center"/>\n')
    forms.append('   </form:form>\n  </office:forms>\n')
    body = [''.join(forms),
            header_table('Mẫu số 01/PĐK', 'Thử Nghiệm, ngày ... tháng ... năm 2024'),
            p('Title', 'PHIẾU ĐĂNG KÝ CẤP CHỨNG THƯ SỐ'),
            p('Body', 'Kính gửi: Văn phòng Ủy ban nhân dân tỉnh Thử Nghiệm.')]
    for i, (kind, name, label, value) in enumerate(controls):
        cid = f'control{i + 1}'
        w = '10cm' if kind == 'text' else '12cm'
        ctl = (f'<draw:control text:anchor-type="as-char" draw:z-index="{i}" draw:style-name="gr1" '
               f'svg:width="{w}" svg:height="0.8cm" draw:control="{cid}"/>')
        lbl = esc(label) + ': ' if kind == 'text' else ''
        body.append(f'  <text:p text:style-name="Standard">{lbl}{ctl}</text:p>\n')
    body.append(p('CenterBold', '\nNGƯỜI ĐĂNG KÝ\n(Ký, ghi rõ họ tên)'))
    return body


def write_fodt(path, title, body):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(FODT_HEAD.format(title=esc(title)))
        f.writelines(body)
        f.write(FODT_TAIL)


# ---------------------------------------------------------------- HTML (Chromium)

def html_doc(seed, n):
    paras = ''.join(f'<p>{esc(x)}</p>\n' for x in paragraphs(seed, n))
    return f'''<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Thông báo kết luận cuộc họp</title>
<style>
 @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
 body {{ font-family: 'Liberation Serif', 'Noto Serif', serif; font-size: 13pt; line-height: 1.3; }}
 .hdr {{ display: flex; justify-content: space-between; text-align: center; font-weight: bold; }}
 h1 {{ text-align: center; font-size: 14pt; margin: 14pt 0 4pt; }}
 p {{ text-align: justify; text-indent: 1cm; margin: 0 0 6pt; }}
 .sig {{ margin-left: 55%; text-align: center; font-weight: bold; }}
 .badge {{ color: #b00; border: 1pt solid #b00; padding: 2pt 6pt; display: inline-block; }}
</style></head><body>
<div class="hdr"><div>ỦY BAN NHÂN DÂN<br>TỈNH THỬ NGHIỆM<br><span style="font-weight:normal">Số: 321/TB-UBND</span></div>
<div>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</div></div>
<h1>THÔNG BÁO</h1>
<p style="text-align:center;text-indent:0"><b>Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số</b></p>
<p><span class="badge">KHẨN</span></p>
{paras}
<div class="sig">TL. CHỦ TỊCH<br>CHÁNH VĂN PHÒNG<br><br><br><br>Đỗ Thị Ẩn Danh</div>
</body></html>
'''


# ---------------------------------------------------------------- groff -ms (gropdf)

ENGLISH = [
    "The signing service computes a digest over the byte ranges that precede and follow the signature value",
    "An incremental update appends new objects, a cross-reference section and a trailer whose Prev entry points back",
    "Readers locate the last cross-reference section through the startxref keyword near the end of the file",
    "A certificate chain is built from the signer certificate up to a trust anchor configured by the verifier",
    "Revocation information may be embedded in the document security store for long term validation",
    "Object streams allow many small objects to be compressed together, which reduces the size of the file",
    "Each page inherits its media box and resources from the nearest ancestor in the page tree that defines them",
    "The byte range array lists offsets and lengths and must cover the whole file except the contents hex string",
]


def groff_doc(seed, n_sections, paras):
    rnd = random.Random(seed)
    out = ['.TL\nSigning Service Technical Annex\n.AU\nVanban Corpus Generator\n.AB\n'
           'An invented technical annex typeset with groff -ms and gropdf for the PDF test corpus.\n.AE\n']
    for i in range(1, n_sections + 1):
        out.append(f'.NH\nSection {i}: design note\n')
        for _ in range(paras):
            out.append('.PP\n' + '. '.join(rnd.choice(ENGLISH) for _ in range(rnd.randint(3, 6))) + '.\n')
        if i % 3 == 0:
            out.append('.TS\ncenter box;\nc c c\nl n n.\nItem\tBytes\tPages\n_\n' +
                       ''.join(f'file-{i}-{k}\t{rnd.randint(1000, 99999)}\t{rnd.randint(1, 20)}\n' for k in range(5)) +
                       '.TE\n')
    return ''.join(out)


# ---------------------------------------------------------------- PostScript (Ghostscript)

def postscript_doc(pages):
    out = ['%!PS-Adobe-3.0\n%%Creator: vanban corpus vn_docs.py\n%%Pages: ' + str(pages) + '\n'
           '%%DocumentMedia: A4 595 842 0 () ()\n%%EndComments\n'
           '<< /PageSize [595 842] >> setpagedevice\n']
    for pg in range(1, pages + 1):
        out.append(f'%%Page: {pg} {pg}\n/Helvetica-Bold findfont 20 scalefont setfont\n'
                   f'72 770 moveto (Ghostscript pdfwrite test page {pg}) show\n'
                   '/Times-Roman findfont 12 scalefont setfont\n')
        y = 740
        rnd = random.Random(pg)
        while y > 120:
            out.append(f'72 {y} moveto ({rnd.choice(ENGLISH)[:80]}) show\n')
            y -= 16
        out.append('0.2 0.4 0.8 setrgbcolor newpath 72 60 moveto 523 60 lineto 4 setlinewidth stroke\n'
                   f'newpath 297 420 {40 + 10 * pg} 0 360 arc 0.8 0.1 0.1 setrgbcolor 2 setlinewidth stroke\n'
                   'showpage\n')
    out.append('%%EOF\n')
    return ''.join(out)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    # Sizes tuned so that LibreOffice 7.4 with Liberation Serif gives 17, 18 and 20 pages
    # (make-pdf-corpus.sh checks the page counts).
    write_fodt(os.path.join(d, 'lo-quyet-dinh-17p.fodt'), 'Quyết định ban hành Quy chế', quyet_dinh(1, 23, 4))
    write_fodt(os.path.join(d, 'lo-cong-van-18p.fodt'), 'Công văn triển khai ký số', cong_van(2, 26, 4))
    write_fodt(os.path.join(d, 'lo-bao-cao-20p.fodt'), 'Báo cáo chuyển đổi số', bao_cao(3, 20, 4, 8))
    write_fodt(os.path.join(d, 'lo-form-fields.fodt'), 'Phiếu đăng ký', form_doc())
    with open(os.path.join(d, 'chromium-thong-bao.html'), 'w', encoding='utf-8') as f:
        f.write(html_doc(4, 12))
    with open(os.path.join(d, 'groff-annex.ms'), 'w', encoding='utf-8') as f:
        f.write(groff_doc(5, 41, 4))
    with open(os.path.join(d, 'gs-pages.ps'), 'w', encoding='ascii') as f:
        f.write(postscript_doc(3))
    return 0


if __name__ == '__main__':
    sys.exit(main())
