//! The hand-over record (biên bản giao nhận hồ sơ, NĐ 30 Phụ lục V) of a record file, as a PDF through the
//! server's document builder (`crate::print`): who hands over what to the agency archive, the file's
//! particulars, the table of contents of its documents, and the two signature blocks.

use shared::pdf::error::PdfResult;
use shared::record_file::retention_label;

use crate::print::{Align, Column, Orientation, Printer, Style, Table};
use crate::store::record_files::PackageFacts;

/// The record as PDF bytes; `made_by` is the person handing the file over.
pub fn handover_pdf(facts: &PackageFacts, made_by: &str) -> PdfResult<Vec<u8>> {
    let f = &facts.file;
    let when = f
        .handed_over_at
        .unwrap_or(shared::time::Timestamp(crate::store::now_ms()))
        .vn_civil();
    let mut p = Printer::new(Orientation::Portrait, "Biên bản giao nhận hồ sơ")?;
    let center = Style::BODY.size(12.0).align(Align::Center);
    p.paragraph(&facts.organ_name.to_uppercase(), center.bold());
    p.paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center.bold());
    p.paragraph("Độc lập - Tự do - Hạnh phúc", center);
    p.space(10.0);
    p.paragraph(
        "BIÊN BẢN",
        Style::BODY.size(15.0).bold().align(Align::Center),
    );
    p.paragraph(
        "Về việc giao nhận hồ sơ, tài liệu vào Lưu trữ cơ quan",
        center,
    );
    p.space(8.0);
    let body = Style::BODY.size(12.0);
    for line in [
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;".to_string(),
        format!(
            "Hôm nay, ngày {:02} tháng {:02} năm {}, tại {}, chúng tôi gồm:",
            when.day, when.month, when.year, facts.organ_name
        ),
        format!("BÊN GIAO: {made_by}."),
        format!("BÊN NHẬN: Lưu trữ cơ quan, {}.", facts.organ_name),
        "Thống nhất lập biên bản giao nhận hồ sơ, tài liệu điện tử như sau:".to_string(),
        format!("1. Mã hồ sơ: {}.", f.code),
        format!("2. Tiêu đề hồ sơ: {}.", f.title),
        format!(
            "3. Thời gian của tài liệu: từ {} đến {}.",
            f.start_date.map(|d| d.display()).unwrap_or_else(|| "—".into()),
            f.end_date.map(|d| d.display()).unwrap_or_else(|| "—".into())
        ),
        format!(
            "4. Số lượng: {} văn bản; {} tệp gốc (đã ký số, giữ nguyên từng byte).",
            facts.documents.len(),
            facts.documents.iter().map(|d| d.doc.files.len()).sum::<usize>()
        ),
        format!(
            "5. Thời hạn bảo quản: {}.",
            retention_label(f.retention_years)
        ),
        format!("6. Người lập hồ sơ: {}.", f.creator.full_name),
        "7. Công cụ tra cứu kèm theo: mục lục văn bản trong hồ sơ (dưới đây và tệp muc-luc.txt), thông tin hồ sơ \
         (ho-so.json, ho-so.xml) và danh sách mã băm SHA-256 (manifest-sha256.txt)."
            .to_string(),
    ] {
        p.paragraph(&line, body);
        p.space(3.0);
    }
    p.heading("MỤC LỤC VĂN BẢN TRONG HỒ SƠ", 2);
    p.table(&Table {
        columns: vec![
            Column::new("STT", 0.5).align(Align::Center),
            Column::new("Số, ký hiệu", 1.4),
            Column::new("Ngày tháng", 1.1),
            Column::new("Tác giả", 1.6),
            Column::new("Tên loại và trích yếu nội dung", 3.4),
        ],
        header_rows: Vec::new(),
        rows: facts
            .documents
            .iter()
            .map(|d| {
                vec![
                    d.doc.position.to_string(),
                    d.doc.number_text.clone().unwrap_or_else(|| "—".into()),
                    d.doc.date.map(|d| d.display()).unwrap_or_default(),
                    d.doc.organ_name.clone(),
                    format!("{}: {}", d.doc.type_name, d.doc.subject),
                ]
            })
            .collect(),
        size: 10.0,
    });
    p.space(14.0);
    p.paragraph(
        "Biên bản này được lập thành bản điện tử, kèm theo gói hồ sơ nộp lưu.",
        body,
    );
    p.space(10.0);
    p.figure(110.0, |c| {
        let half = c.width() / 2.0;
        let title = Style::BODY.size(12.0).bold();
        let note = Style::BODY.size(10.5);
        let name = Style::BODY.size(12.0);
        for (i, (side, person)) in [
            ("ĐẠI DIỆN BÊN GIAO", made_by.to_string()),
            ("ĐẠI DIỆN BÊN NHẬN", String::new()),
        ]
        .into_iter()
        .enumerate()
        {
            let x0 = half * i as f32;
            let mut centred = |y: f32, text: &str, style: Style| {
                let w = c.text_width(text, style.size);
                c.text(x0 + (half - w) / 2.0, y, text, style);
            };
            centred(14.0, side, title);
            centred(30.0, "(Ký, ghi rõ họ tên)", note);
            if !person.is_empty() {
                centred(100.0, &person, name);
            }
        }
    });
    p.finish()
}
