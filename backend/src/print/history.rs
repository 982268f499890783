//! A document's whole history as a PDF that can be checked against the audit log: one line per audit-chain
//! entry about the document with its sequence number, time, actor, the person they stood in for under a
//! delegation, the sentence and the entry's SHA-256 hash in full (hex). `vanban audit verify --entries FILE`
//! re-computes the chain and says, for every hash in FILE (the text of this PDF, as `pdftotext` gives it),
//! whether an entry of the chain carries it.

use shared::pdf::error::PdfResult;
use shared::time::Timestamp;

use super::{Column, Orientation, Printer, Style, Table};
use crate::store::audit::DocumentTrailEntry;

/// What the printed history says about the document.
#[derive(Debug, Clone)]
pub struct HistorySheet {
    /// `văn bản đi` or `văn bản đến`.
    pub kind: &'static str,
    pub agency: String,
    /// Số, ký hiệu, when it has one.
    pub number: Option<String>,
    pub subject: String,
    pub entries: Vec<DocumentTrailEntry>,
    pub made_at: Timestamp,
    /// Who printed it.
    pub made_by: String,
}

/// The columns of the history table (widths in points: the hash column holds 64 hex digits on one line).
const COLUMNS: [(&str, f32); 6] = [
    ("Số TT", 40.0),
    ("Thời gian", 78.0),
    ("Người thực hiện", 95.0),
    ("Theo ủy quyền của", 85.0),
    ("Nội dung", 179.0),
    ("Mã băm (SHA-256)", 266.0),
];

impl HistorySheet {
    /// `lich-su-van-ban-di-12.pdf`.
    pub fn filename(kind: &str, id: i64) -> String {
        format!("lich-su-van-ban-{kind}-{id}.pdf")
    }

    pub fn pdf(&self) -> PdfResult<Vec<u8>> {
        let title = format!("LỊCH SỬ XỬ LÝ {}", self.kind.to_uppercase());
        let mut p = Printer::new(Orientation::Landscape, &title)?;
        p.paragraph(&self.agency.to_uppercase(), Style::BODY.size(11.0).bold());
        p.heading(&title, 1);
        let doc = match &self.number {
            Some(n) => format!("Văn bản: {n} — {}", self.subject),
            None => format!("Văn bản: {}", self.subject),
        };
        p.paragraph(&doc, Style::BODY);
        p.paragraph(
            &format!(
                "In lúc {} bởi {}. Gồm {} mục của nhật ký kiểm tra.",
                self.made_at.to_display_vn(),
                self.made_by,
                self.entries.len()
            ),
            Style::BODY,
        );
        p.paragraph(
            "Mỗi dòng là một mục của nhật ký kiểm tra (chuỗi băm SHA-256 nối tiếp nhau). Để đối chiếu bản in này \
             với nhật ký trên máy chủ: lưu nội dung chữ của tệp (pdftotext) rồi chạy \
             «vanban audit verify --entries <tệp>»; lệnh tính lại cả chuỗi và cho biết từng mã băm có trong chuỗi hay không.",
            Style::SMALL.size(9.0),
        );
        p.space(6.0);
        p.table(&Table {
            columns: COLUMNS.iter().map(|(t, w)| Column::new(t, *w)).collect(),
            header_rows: vec![],
            rows: self
                .entries
                .iter()
                .map(|t| {
                    let e = &t.entry;
                    vec![
                        e.seq.to_string(),
                        e.at.to_display_vn(),
                        e.actor_name
                            .clone()
                            .or_else(|| e.actor_username.clone())
                            .unwrap_or_else(|| "Hệ thống".into()),
                        t.on_behalf_of.clone().unwrap_or_default(),
                        e.sentence.clone(),
                        e.hash.clone(),
                    ]
                })
                .collect(),
            size: 8.0,
        });
        p.finish()
    }
}
