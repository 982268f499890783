//! The sổ đăng ký văn bản đi / đến of NĐ 30/2020 Phụ lục IV on paper (PDF, A4 landscape, cover and closing
//! page) and as a spreadsheet (XLSX): the 10 columns of each register, the lines the caller may see.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use shared::civil_date::CivilDate;
use shared::incoming::IncomingRegisterRow;
use shared::outgoing::OutgoingRegisterRow;
use shared::pdf::error::PdfResult;
use shared::time::Timestamp;

use super::{Align, Closing, Column, Cover, Orientation, Printer, Table};

/// The 10 columns of the sổ đăng ký văn bản đi, with their relative widths on paper and in the spreadsheet.
pub const OUTGOING_COLUMNS: [(&str, f32); 10] = [
    ("Số, ký hiệu văn bản", 1.3),
    ("Ngày tháng văn bản", 0.9),
    ("Tên loại và trích yếu nội dung", 3.0),
    ("Người ký", 1.3),
    ("Nơi nhận văn bản", 2.0),
    ("Đơn vị, người nhận bản lưu", 1.6),
    ("Số lượng bản", 0.7),
    ("Ngày chuyển", 1.1),
    ("Ký nhận", 1.5),
    ("Ghi chú", 1.3),
];

/// The 10 columns of the sổ đăng ký văn bản đến.
pub const INCOMING_COLUMNS: [(&str, f32); 10] = [
    ("Ngày đến", 1.1),
    ("Số đến", 0.7),
    ("Tác giả", 1.7),
    ("Số, ký hiệu văn bản", 1.3),
    ("Ngày tháng văn bản", 0.9),
    ("Tên loại và trích yếu nội dung", 3.0),
    ("Đơn vị hoặc người nhận", 1.8),
    ("Ngày chuyển", 1.1),
    ("Ký nhận", 1.3),
    ("Ghi chú", 1.5),
];

/// One cell of a register line, typed so the spreadsheet keeps numbers as numbers and dates as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Date(CivilDate),
    Time(Timestamp),
    Empty,
}

impl Cell {
    /// As printed: dates `dd/mm/yyyy`, instants `hh:mm ngày dd/mm/yyyy` (as the register page shows them).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.display(),
            Cell::Time(t) => t.to_display_vn(),
            Cell::Empty => String::new(),
        }
    }
}

/// A register ready to print: what the cover, the table and the closing page say.
#[derive(Debug, Clone)]
pub struct RegisterSheet {
    pub incoming: bool,
    /// The agency that keeps the register.
    pub agency: String,
    /// The register's own name (`Sổ văn bản đi`).
    pub name: String,
    pub year: i32,
    pub from: Option<CivilDate>,
    pub to: Option<CivilDate>,
    /// Set when the caller sees only the lines of documents they took part in: their name.
    pub only_for: Option<String>,
    /// The lines, by number.
    pub rows: Vec<[Cell; 10]>,
    /// The number of each line (số đi, số đến), in the same order.
    pub numbers: Vec<i64>,
    /// When it was made.
    pub made_at: Timestamp,
}

/// The cells of an outgoing register line and its number.
pub fn outgoing_line(r: &OutgoingRegisterRow) -> ([Cell; 10], i64) {
    (
        [
            Cell::Text(r.number_text.clone()),
            Cell::Date(r.date),
            Cell::Text(r.type_and_subject.clone()),
            Cell::Text(r.signer.clone()),
            Cell::Text(r.recipients.clone()),
            Cell::Text(r.file_copy.clone()),
            Cell::Number(r.copies),
            Cell::Time(r.sent_at),
            Cell::Text(r.received_by.clone()),
            Cell::Text(r.note.clone()),
        ],
        r.number,
    )
}

/// The cells of an incoming register line and its số đến.
pub fn incoming_line(r: &IncomingRegisterRow) -> ([Cell; 10], i64) {
    (
        [
            Cell::Time(r.received_at),
            Cell::Number(r.arrival_number),
            Cell::Text(r.sender_name.clone()),
            Cell::Text(r.code_text.clone()),
            Cell::Date(r.issued_date),
            Cell::Text(format!("{} {}", r.doc_type.name(), r.subject)),
            Cell::Text(r.recipients.clone()),
            r.forwarded_at.map_or(Cell::Empty, Cell::Time),
            r.received_by.clone().map_or(Cell::Empty, Cell::Text),
            Cell::Text(r.note.clone()),
        ],
        r.arrival_number,
    )
}

impl RegisterSheet {
    fn columns(&self) -> &'static [(&'static str, f32); 10] {
        if self.incoming {
            &INCOMING_COLUMNS
        } else {
            &OUTGOING_COLUMNS
        }
    }

    /// `SỔ ĐĂNG KÝ VĂN BẢN ĐI` or `… ĐẾN`.
    pub fn title(&self) -> &'static str {
        if self.incoming {
            "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
        } else {
            "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
        }
    }

    /// `Năm 2026`, or the period asked for within it.
    pub fn period(&self) -> String {
        match (self.from, self.to) {
            (None, None) => format!("Năm {}", self.year),
            (Some(f), Some(t)) => format!(
                "Năm {}, từ ngày {} đến ngày {}",
                self.year,
                f.display(),
                t.display()
            ),
            (Some(f), None) => format!("Năm {}, từ ngày {}", self.year, f.display()),
            (None, Some(t)) => format!("Năm {}, đến ngày {}", self.year, t.display()),
        }
    }

    /// The closing statement: how many lines and which numbers they run from and to.
    pub fn summary(&self) -> String {
        let what = if self.incoming {
            "văn bản đến"
        } else {
            "văn bản đi"
        };
        match (self.numbers.iter().min(), self.numbers.iter().max()) {
            (Some(first), Some(last)) => format!(
                "Sổ gồm {} {what}, từ số {first} đến số {last}.",
                self.rows.len()
            ),
            _ => format!("Sổ chưa có {what} nào."),
        }
    }

    /// The year, or the dates asked for: `2026`, `2026-03-01_2026-03-31`.
    fn period_slug(&self) -> String {
        match (self.from, self.to) {
            (None, None) => self.year.to_string(),
            (f, t) => format!(
                "{}_{}",
                f.map_or_else(|| format!("{}-01-01", self.year), |d| d.to_string()),
                t.map_or_else(|| format!("{}-12-31", self.year), |d| d.to_string())
            ),
        }
    }

    /// A filename without spaces or diacritics: `so-van-ban-di-2026.pdf`.
    pub fn filename(&self, ext: &str) -> String {
        let kind = if self.incoming { "den" } else { "di" };
        format!("so-van-ban-{kind}-{}.{ext}", self.period_slug())
    }

    /// The same name as people read it: `Sổ văn bản đi 2026.pdf`.
    pub fn display_name(&self, ext: &str) -> String {
        let kind = if self.incoming {
            "Sổ văn bản đến"
        } else {
            "Sổ văn bản đi"
        };
        format!("{kind} {}.{ext}", self.period_slug())
    }

    /// The register as a PDF: cover, the table (header repeated on every page), closing page.
    pub fn pdf(&self) -> PdfResult<Vec<u8>> {
        let mut p = Printer::new(
            Orientation::Landscape,
            &format!("{} — {}", self.title(), self.period()),
        )?;
        let mut lines = vec![self.name.clone(), self.period()];
        if let Some(who) = &self.only_for {
            lines.push(format!("Bản trích: các văn bản {who} tham gia xử lý"));
        }
        p.cover(&Cover {
            top: vec![self.agency.to_uppercase()],
            title: self.title().to_string(),
            lines,
            bottom: vec![format!("In ngày {}", self.made_at.to_date_vn())],
        });
        p.heading(&format!("{} — {}", self.title(), self.period()), 2);
        p.table(&Table {
            columns: self
                .columns()
                .iter()
                .map(|(title, w)| Column::new(title, *w))
                .enumerate()
                .map(|(i, c)| match self.rows.first().map(|r| &r[i]) {
                    Some(Cell::Number(_)) => c.align(Align::Center),
                    _ => c,
                })
                .collect(),
            header_rows: vec![(1..=10).map(|i| format!("({i})")).collect()],
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(Cell::text).collect())
                .collect(),
            size: 8.5,
        });
        let made = self.made_at.vn_civil();
        p.closing(&Closing {
            lines: vec![
                format!("{} — {}.", self.title(), self.period()),
                self.summary(),
                format!("Lập sổ ngày {}.", self.made_at.to_date_vn()),
            ],
            place_date: format!(
                "Ngày {:02} tháng {:02} năm {}",
                made.day, made.month, made.year
            ),
            signer_title: "NGƯỜI LẬP SỔ".into(),
            signer_name: None,
        });
        p.finish()
    }

    /// The register as a spreadsheet: a title, the column names and numbers (frozen), one row per line; numbers
    /// as numbers, dates and instants (Vietnam time) as Excel dates.
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(if self.incoming {
            "Sổ văn bản đến"
        } else {
            "Sổ văn bản đi"
        })?;
        let title = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center);
        let sub = Format::new().set_align(FormatAlign::Center);
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color(0xD9D9D9);
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        let date = cell.clone().set_num_format("dd/mm/yyyy");
        let time = cell.clone().set_num_format("hh:mm dd/mm/yyyy");
        let number = cell.clone().set_align(FormatAlign::Center);
        ws.merge_range(
            0,
            0,
            0,
            9,
            &format!("{} — {}", self.title(), self.period()),
            &title,
        )?;
        let mut second = self.agency.clone();
        if let Some(who) = &self.only_for {
            second.push_str(&format!(" — bản trích: các văn bản {who} tham gia xử lý"));
        }
        ws.merge_range(1, 0, 1, 9, &second, &sub)?;
        for (i, (name, w)) in self.columns().iter().enumerate() {
            let col = i as u16;
            ws.write_string_with_format(2, col, *name, &head)?;
            ws.write_string_with_format(3, col, format!("({})", i + 1), &head)?;
            ws.set_column_width(col, f64::from(*w) * 11.0)?;
        }
        ws.set_freeze_panes(4, 0)?;
        ws.set_repeat_rows(2, 3)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        for (r, line) in self.rows.iter().enumerate() {
            let row = 4 + r as u32;
            for (c, value) in line.iter().enumerate() {
                let col = c as u16;
                match value {
                    Cell::Text(t) => ws.write_string_with_format(row, col, t, &cell)?,
                    Cell::Number(n) => ws.write_number_with_format(row, col, *n as f64, &number)?,
                    Cell::Date(d) => ws.write_datetime_with_format(
                        row,
                        col,
                        &ExcelDateTime::from_ymd(d.year as u16, d.month as u8, d.day as u8)?,
                        &date,
                    )?,
                    Cell::Time(t) => {
                        let c = t.vn_civil();
                        let dt =
                            ExcelDateTime::from_ymd(c.year as u16, c.month as u8, c.day as u8)?
                                .and_hms(c.hour as u16, c.minute as u8, c.second as f64)?;
                        ws.write_datetime_with_format(row, col, &dt, &time)?
                    }
                    Cell::Empty => ws.write_blank(row, col, &cell)?,
                };
            }
        }
        let end = 4 + self.rows.len() as u32;
        ws.write_string(end + 1, 0, self.summary())?;
        wb.save_to_buffer()
    }
}
