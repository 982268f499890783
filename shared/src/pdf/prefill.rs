//! What an uploaded incoming PDF tells the clerk before they type: the metadata printed on it (read from the
//! text layer with [`super::nd30`]), its page count, and for a paper scan the PDF version and the resolution of
//! its images, which the regulation checks (PDF 1.4 or later; 200 dpi or more).
//!
//! Never fails: a file that cannot be read prefills nothing, and the upload's own checks say why.

use crate::incoming::PrefillDto;

use super::content::{Event, walk_page};
use super::document::{Document, Page};
use super::text::{TextCollector, TextLine};

/// Pages whose images are measured: a scan is scanned at one resolution, and a long file is not walked whole.
const MAX_IMAGE_PAGES: usize = 100;
/// Pages read back from the end for the signature (an annex after the signature page is common).
const SIGNER_PAGES: usize = 3;

/// Reads what it can from `data`; every field it is not sure of stays empty.
pub fn prefill(data: &[u8]) -> PrefillDto {
    let mut dto = PrefillDto {
        pdf_version: header_version(data).map(|(major, minor)| format!("{major}.{minor}")),
        ..PrefillDto::default()
    };
    let Ok(doc) = Document::open(data) else {
        return dto;
    };
    if let Some(v) = effective_version(&doc) {
        dto.pdf_version = Some(format!("{}.{}", v.0, v.1));
    }
    let Ok(pages) = doc.pages() else {
        return dto;
    };
    dto.pages = u32::try_from(pages.len()).ok();
    let signer_from = pages.len().saturating_sub(SIGNER_PAGES);
    let mut min_dpi: Option<f64> = None;
    // Page 1 for the header, the last pages for the signature.
    let mut texts: Vec<(usize, Vec<TextLine>)> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let wants_text = i == 0 || i >= signer_from;
        let measure = i < MAX_IMAGE_PAGES;
        if !measure && !wants_text {
            continue;
        }
        let lines = read_page(&doc, page, wants_text, &mut |dpi| {
            if measure {
                min_dpi = Some(min_dpi.map_or(dpi, |m| m.min(dpi)));
            }
        });
        if wants_text {
            texts.push((i, lines));
        }
    }
    dto.has_text = texts.iter().any(|(_, lines)| !lines.is_empty());
    dto.min_dpi = min_dpi.map(|d| d.round().clamp(0.0, f64::from(u32::MAX)) as u32);
    if !dto.has_text {
        return dto;
    }
    let header = super::nd30::read_header(&texts[0].1);
    dto.sender_name = header.sender_name;
    dto.code_text = header.code_text;
    dto.issued_date = header.issued_date;
    dto.doc_type = header.doc_type;
    dto.subject = header.subject;
    // The signature closes the text: read from the last page back.
    dto.signer_name = texts
        .iter()
        .rev()
        .filter(|(i, _)| *i >= signer_from)
        .find_map(|(_, lines)| super::nd30::read_signer(lines));
    dto
}

/// Walks one page: its text lines when `wants_text`, and the resolution of every image drawn, to `on_dpi`.
fn read_page(
    doc: &Document,
    page: &Page,
    wants_text: bool,
    on_dpi: &mut dyn FnMut(f64),
) -> Vec<TextLine> {
    let mut text = TextCollector::new(doc);
    walk_page(doc, page, &mut |event| {
        if let Event::Image { width, height, ctm } = event {
            if let Some(dpi) = image_dpi(width, height, ctm) {
                on_dpi(dpi);
            }
        } else if wants_text {
            text.event(&event);
        }
    });
    text.finish()
}

/// The resolution at which an image of `width` × `height` pixels is shown by `ctm` (which maps the unit square
/// onto it), the lower of the two directions. Images under an inch or a few pixels across are decoration (a
/// logo, a rule, a one-pixel background) and say nothing about a scan.
fn image_dpi(width: f64, height: f64, ctm: &[f64; 6]) -> Option<f64> {
    let shown_w = ctm[0].hypot(ctm[1]);
    let shown_h = ctm[2].hypot(ctm[3]);
    if !(width >= 16.0 && height >= 16.0 && shown_w >= 72.0 && shown_h >= 72.0) {
        return None;
    }
    let dpi = (width / (shown_w / 72.0)).min(height / (shown_h / 72.0));
    dpi.is_finite().then_some(dpi)
}

/// `%PDF-1.7` → (1, 7), from the first kilobyte, where the header must be.
fn header_version(data: &[u8]) -> Option<(u32, u32)> {
    let head = &data[..data.len().min(1024)];
    let at = super::parse::find(head, b"%PDF-")?;
    let digits: Vec<u8> = head[at + 5..]
        .iter()
        .copied()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .collect();
    parse_version(std::str::from_utf8(&digits).ok()?)
}

fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The header's version, raised by the catalog's `/Version` (§7.5.2: an update may raise it there).
fn effective_version(doc: &Document) -> Option<(u32, u32)> {
    let header = parse_version(&doc.header_version);
    let catalog = doc
        .catalog()
        .ok()
        .and_then(|c| c.name(b"Version").map(<[u8]>::to_vec))
        .and_then(|v| parse_version(std::str::from_utf8(&v).ok()?));
    header.max(catalog)
}

/// Resolution below which a scan is flagged: the regulation asks for 200 dpi or more.
pub const MIN_SCAN_DPI: u32 = 200;

/// The regulation's rule for a paper document's scan: refusals (PDF older than 1.4, or a version that cannot be
/// read) and warnings (images under 200 dpi).
pub fn scan_problems(p: &PrefillDto) -> (Vec<String>, Vec<String>) {
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    match p.pdf_version.as_deref().and_then(parse_version) {
        None => refusals.push("Không xác định được phiên bản PDF của bản quét.".to_string()),
        Some(v) if v < (1, 4) => refusals.push(format!(
            "Bản quét phải là PDF phiên bản 1.4 trở lên (tệp này là PDF {}).",
            p.pdf_version.as_deref().unwrap_or_default()
        )),
        Some(_) => {}
    }
    if let Some(dpi) = p.min_dpi.filter(|d| *d < MIN_SCAN_DPI) {
        warnings.push(format!(
            "Độ phân giải bản quét khoảng {dpi} dpi, thấp hơn {MIN_SCAN_DPI} dpi theo quy định; hãy quét lại nếu chữ khó đọc."
        ));
    }
    (refusals, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::civil_date::CivilDate;
    use crate::document::DocumentType;
    use crate::pdf::test_pdf::{Image, TestPage, build, center, left};

    /// A two-page quyết định laid out as NĐ 30 Phụ lục I shows it.
    fn quyet_dinh() -> Vec<u8> {
        let page1 = TestPage {
            texts: vec![
                center(150.0, 800.0, 12.0, "UỶ BAN NHÂN DÂN TỈNH VĨNH LONG"),
                center(420.0, 800.0, 12.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                center(150.0, 785.0, 12.0, "SỞ NỘI VỤ"),
                center(420.0, 785.0, 13.0, "Độc lập - Tự do - Hạnh phúc"),
                center(150.0, 760.0, 13.0, "Số: 15/QĐ-UBND"),
                center(420.0, 760.0, 13.0, "Vĩnh Long, ngày 05 tháng 3 năm 2026"),
                center(297.0, 720.0, 14.0, "QUYẾT ĐỊNH"),
                center(
                    297.0,
                    702.0,
                    14.0,
                    "Về việc ban hành Quy chế công tác văn thư, lưu trữ",
                ),
                center(297.0, 686.0, 14.0, "của Sở Nội vụ tỉnh Vĩnh Long"),
                center(297.0, 660.0, 14.0, "GIÁM ĐỐC SỞ NỘI VỤ TỈNH VĨNH LONG"),
                left(
                    85.0,
                    630.0,
                    13.0,
                    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
                ),
                center(297.0, 600.0, 14.0, "QUYẾT ĐỊNH:"),
                left(
                    85.0,
                    580.0,
                    13.0,
                    "Điều 1. Ban hành kèm theo Quyết định này Quy chế công tác văn thư.",
                ),
            ],
            ..TestPage::default()
        };
        let page2 = TestPage {
            texts: vec![
                left(
                    85.0,
                    780.0,
                    13.0,
                    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                ),
                left(60.0, 300.0, 12.0, "Nơi nhận:"),
                center(420.0, 300.0, 13.0, "KT. GIÁM ĐỐC"),
                left(60.0, 286.0, 11.0, "- Như Điều 2;"),
                center(420.0, 286.0, 13.0, "PHÓ GIÁM ĐỐC"),
                left(60.0, 272.0, 11.0, "- Lưu: VT, VP."),
                center(420.0, 200.0, 13.0, "Trần Thị Bích Ngọc"),
                center(297.0, 30.0, 10.0, "Trang 2/2"),
            ],
            ..TestPage::default()
        };
        build((1, 7), &[page1, page2])
    }

    #[test]
    fn a_quyet_dinh_prefills_every_field() {
        let p = prefill(&quyet_dinh());
        assert_eq!(
            p,
            PrefillDto {
                has_text: true,
                sender_name: Some("SỞ NỘI VỤ".into()),
                code_text: Some("15/QĐ-UBND".into()),
                issued_date: Some(CivilDate { year: 2026, month: 3, day: 5 }),
                doc_type: Some(DocumentType::QuyetDinh),
                subject: Some(
                    "Về việc ban hành Quy chế công tác văn thư, lưu trữ của Sở Nội vụ tỉnh Vĩnh Long".into()
                ),
                signer_name: Some("Trần Thị Bích Ngọc".into()),
                pages: Some(2),
                pdf_version: Some("1.7".into()),
                min_dpi: None,
            }
        );
        assert_eq!(scan_problems(&p), (vec![], vec![]));
    }

    #[test]
    fn a_cong_van_has_its_subject_under_the_number() {
        let mut subject = center(150.0, 745.0, 12.0, "V/v triển khai chữ ký số");
        subject.tj_words = true;
        let page = TestPage {
            texts: vec![
                center(150.0, 800.0, 12.0, "UBND TỈNH VĨNH LONG"),
                center(420.0, 800.0, 12.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                center(150.0, 785.0, 12.0, "SỞ NỘI VỤ"),
                center(420.0, 785.0, 13.0, "Độc lập - Tự do - Hạnh phúc"),
                center(150.0, 760.0, 13.0, "Số:215/SNV-TCBC"),
                center(420.0, 755.0, 13.0, "Vĩnh Long, ngày 12 tháng 01 năm 2026"),
                subject,
                center(150.0, 731.0, 12.0, "trong cơ quan"),
                center(297.0, 700.0, 14.0, "Kính gửi: Các phòng thuộc Sở."),
                left(
                    85.0,
                    670.0,
                    13.0,
                    "Thực hiện Nghị định số 30/2020/NĐ-CP, Sở Nội vụ đề nghị như sau.",
                ),
                center(420.0, 400.0, 13.0, "GIÁM ĐỐC"),
                center(420.0, 330.0, 13.0, "Nguyễn Văn An"),
            ],
            ..TestPage::default()
        };
        let p = prefill(&build((1, 7), &[page]));
        assert_eq!(p.code_text.as_deref(), Some("215/SNV-TCBC"));
        assert_eq!(p.doc_type, Some(DocumentType::CongVan));
        assert_eq!(p.sender_name.as_deref(), Some("SỞ NỘI VỤ"));
        assert_eq!(
            p.subject.as_deref(),
            Some("Về việc triển khai chữ ký số trong cơ quan")
        );
        assert_eq!(
            p.issued_date,
            Some(CivilDate {
                year: 2026,
                month: 1,
                day: 12
            })
        );
        assert_eq!(p.signer_name.as_deref(), Some("Nguyễn Văn An"));
    }

    fn scan(pixels: (u32, u32), version: (u8, u8)) -> Vec<u8> {
        let page = || TestPage {
            images: vec![Image {
                pixels,
                rect: [0.0, 0.0, 612.0, 792.0],
            }],
            ..TestPage::default()
        };
        build(version, &[page(), page()])
    }

    #[test]
    fn a_scan_at_200_dpi_passes() {
        let p = prefill(&scan((1700, 2200), (1, 4)));
        assert!(!p.has_text);
        assert_eq!((p.pages, p.min_dpi), (Some(2), Some(200)));
        assert_eq!(p.pdf_version.as_deref(), Some("1.4"));
        assert_eq!(scan_problems(&p), (vec![], vec![]));
    }

    #[test]
    fn a_scan_at_100_dpi_is_warned_about() {
        let p = prefill(&scan((850, 1100), (1, 7)));
        assert_eq!(p.min_dpi, Some(100));
        let (refusals, warnings) = scan_problems(&p);
        assert!(refusals.is_empty());
        assert_eq!(
            warnings,
            [
                "Độ phân giải bản quét khoảng 100 dpi, thấp hơn 200 dpi theo quy định; hãy quét lại nếu chữ khó đọc."
            ]
        );
    }

    #[test]
    fn a_pdf_older_than_1_4_is_refused() {
        let p = prefill(&scan((1700, 2200), (1, 3)));
        assert_eq!(p.pdf_version.as_deref(), Some("1.3"));
        let (refusals, warnings) = scan_problems(&p);
        assert_eq!(
            refusals,
            ["Bản quét phải là PDF phiên bản 1.4 trở lên (tệp này là PDF 1.3)."]
        );
        assert!(warnings.is_empty());
        let unknown = PrefillDto::default();
        assert_eq!(
            scan_problems(&unknown).0,
            ["Không xác định được phiên bản PDF của bản quét."]
        );
    }

    #[test]
    fn a_small_logo_does_not_count_as_a_scan() {
        let page = TestPage {
            images: vec![
                Image {
                    pixels: (40, 40),
                    rect: [60.0, 760.0, 50.0, 50.0],
                },
                Image {
                    pixels: (1, 1),
                    rect: [0.0, 0.0, 595.0, 842.0],
                },
            ],
            ..TestPage::default()
        };
        assert_eq!(prefill(&build((1, 7), &[page])).min_dpi, None);
    }

    #[test]
    fn garbage_and_truncated_files_prefill_nothing_and_never_panic() {
        for data in [
            &b""[..],
            b"%PDF-",
            b"%PDF-1.7\n1 0 obj <<",
            b"\xff\xfe\x00garbage",
        ] {
            let p = prefill(data);
            assert!(!p.has_text && p.pages.is_none() && p.code_text.is_none());
        }
        let whole = quyet_dinh();
        // Cut anywhere, the file loses its cross-reference table: only the header's version is left.
        for cut in (0..whole.len()).step_by(97) {
            let p = prefill(&whole[..cut]);
            assert!(!p.has_text && p.pages.is_none(), "cut at {cut}");
            assert_eq!(p.pdf_version.is_some(), cut >= 8, "cut at {cut}");
        }
        // Bytes flipped inside the content and font streams: read or not, never a panic.
        let mut flipped = whole.clone();
        for i in (200..flipped.len()).step_by(53) {
            flipped[i] ^= 0x5A;
        }
        let _ = prefill(&flipped);
    }

    fn corpus(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/corpus/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn libreoffice_quyet_dinh_from_the_corpus() {
        let p = prefill(&corpus("lo-quyet-dinh-17p.pdf"));
        assert_eq!(
            p,
            PrefillDto {
                has_text: true,
                sender_name: Some("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM".into()),
                code_text: Some("1234/QĐ-UBND".into()),
                issued_date: Some(CivilDate { year: 2024, month: 8, day: 15 }),
                doc_type: Some(DocumentType::QuyetDinh),
                subject: Some(
                    "Ban hành Quy chế quản lý văn bản điện tử và chữ ký số trong các cơ quan hành chính nhà nước tỉnh Thử Nghiệm".into()
                ),
                signer_name: Some("Trần Thị Mẫu".into()),
                pages: Some(17),
                pdf_version: Some("1.6".into()),
                min_dpi: None,
            }
        );
    }

    #[test]
    fn libreoffice_cong_van_and_chromium_thong_bao_from_the_corpus() {
        let p = prefill(&corpus("lo-cong-van-18p.pdf"));
        assert_eq!(p.code_text.as_deref(), Some("567/UBND-VP"));
        assert_eq!(p.doc_type, Some(DocumentType::CongVan));
        assert_eq!(
            p.subject.as_deref(),
            Some("Về việc triển khai ký số văn bản điện tử")
        );
        assert_eq!(
            p.issued_date,
            Some(CivilDate {
                year: 2024,
                month: 9,
                day: 2
            })
        );
        assert_eq!(p.signer_name.as_deref(), Some("Lê Văn Ví Dụ"));

        let p = prefill(&corpus("chromium-thong-bao.pdf"));
        assert_eq!(p.code_text.as_deref(), Some("321/TB-UBND"));
        assert_eq!(p.doc_type, Some(DocumentType::ThongBao));
        assert_eq!(
            p.sender_name.as_deref(),
            Some("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM")
        );
        assert_eq!(
            p.subject.as_deref(),
            Some("Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số")
        );
        assert_eq!(p.issued_date, None);
        assert_eq!(p.signer_name.as_deref(), Some("Đỗ Thị Ẩn Danh"));
    }

    #[test]
    fn corpus_scans_versions_and_turned_pages() {
        let p = prefill(&corpus("gs-scan-jpeg.pdf"));
        assert!(!p.has_text);
        // ImageMagick drew 595 × 842 pixels; Ghostscript shows them on an A4 page: 72 dpi.
        assert_eq!(p.min_dpi, Some(72));
        assert_eq!(scan_problems(&p).1.len(), 1);

        let p = prefill(&corpus("gs-pdfwrite-1.3.pdf"));
        assert_eq!(p.pdf_version.as_deref(), Some("1.3"));
        assert_eq!(scan_problems(&p).0.len(), 1);
        // pyHanko's signature raised the version in the catalog: the higher one counts.
        assert_eq!(
            prefill(&corpus("signed-pyhanko.pdf"))
                .pdf_version
                .as_deref(),
            Some("1.7")
        );

        let p = prefill(&corpus("rotated-270.pdf"));
        assert_eq!(p.code_text.as_deref(), Some("1234/QĐ-UBND"));
        assert_eq!(p.doc_type, Some(DocumentType::QuyetDinh));
    }
}
