//! The report as an XLSX workbook: "Tổng hợp" (forms, signed, channels), "Theo loại" (document types),
//! "Xử lý" (handling per unit). Counts are numbers and ratios are numbers formatted as percentages, so a
//! spreadsheet can add them up again.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use shared::report::{SummaryReport, handling_group_label};

use crate::error::{AppError, AppResult};

/// The workbook's bytes.
pub fn xlsx(report: &SummaryReport) -> AppResult<Vec<u8>> {
    build(report).map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))
}

/// The title lines every sheet starts with; answers the first free row.
fn title(
    sheet: &mut Worksheet,
    report: &SummaryReport,
    bold: &Format,
    what: &str,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(
        0,
        0,
        format!("BÁO CÁO GỬI, NHẬN VĂN BẢN ĐIỆN TỬ — {what}"),
        bold,
    )?;
    sheet.write_string(1, 0, report.agency_text())?;
    sheet.write_string(2, 0, format!("Kỳ báo cáo: {}", report.period_text()))?;
    sheet.write_string(
        3,
        0,
        format!("Số liệu lúc {}", report.generated_at.to_display_vn()),
    )?;
    Ok(5)
}

fn build(report: &SummaryReport) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_text_wrap();
    let pct = Format::new().set_num_format("0.0%");

    let sheet = book.add_worksheet().set_name("Tổng hợp")?;
    let mut row = title(sheet, report, &bold, "TỔNG HỢP")?;
    for (col, h) in [
        "Chỉ tiêu",
        "Văn bản đi",
        "Tỷ lệ (đi)",
        "Văn bản đến",
        "Tỷ lệ (đến)",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, col as u16, *h, &head)?;
    }
    row += 1;
    for line in report.summary_lines() {
        sheet.write_string(row, 0, &line.label)?;
        sheet.write_number(row, 1, line.outgoing as f64)?;
        if let Some(r) = line.outgoing_ratio {
            sheet.write_number_with_format(row, 2, r, &pct)?;
        }
        sheet.write_number(row, 3, line.incoming as f64)?;
        if let Some(r) = line.incoming_ratio {
            sheet.write_number_with_format(row, 4, r, &pct)?;
        }
        row += 1;
    }
    sheet.write_string(
        row + 1,
        0,
        "Phương thức của văn bản đi tính theo nơi nhận (mỗi nơi nhận một lần); của văn bản đến tính theo văn bản.",
    )?;
    sheet.set_column_width(0, 48)?;
    for c in 1..=4 {
        sheet.set_column_width(c, 14)?;
    }

    let sheet = book.add_worksheet().set_name("Theo loại")?;
    let mut row = title(sheet, report, &bold, "THEO LOẠI VĂN BẢN")?;
    for (col, h) in ["Loại văn bản", "Văn bản đi", "Văn bản đến", "Cộng"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, col as u16, *h, &head)?;
    }
    row += 1;
    for t in &report.by_type {
        sheet.write_string(row, 0, t.doc_type.name())?;
        sheet.write_number(row, 1, t.outgoing as f64)?;
        sheet.write_number(row, 2, t.incoming as f64)?;
        sheet.write_number(row, 3, (t.outgoing + t.incoming) as f64)?;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "Tổng cộng", &bold)?;
    sheet.write_number(row, 1, report.outgoing.total as f64)?;
    sheet.write_number(row, 2, report.incoming.total as f64)?;
    sheet.write_number(
        row,
        3,
        (report.outgoing.total + report.incoming.total) as f64,
    )?;
    sheet.set_column_width(0, 30)?;
    for c in 1..=3 {
        sheet.set_column_width(c, 14)?;
    }

    let sheet = book.add_worksheet().set_name("Xử lý")?;
    let mut row = title(sheet, report, &bold, "XỬ LÝ VĂN BẢN ĐẾN ĐÚNG HẠN")?;
    let heads = [
        handling_group_label(report),
        "Được giao",
        "Xong đúng hạn",
        "Xong trễ hạn",
        "Quá hạn chưa xong",
        "Chưa xong, còn hạn",
        "Xong (không hạn)",
        "Tỷ lệ đúng hạn",
    ];
    for (col, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *h, &head)?;
    }
    row += 1;
    for (r, is_total) in report
        .handling
        .iter()
        .map(|r| (r, false))
        .chain(std::iter::once((&report.handling_total, true)))
    {
        if is_total {
            sheet.write_string_with_format(row, 0, &r.name, &bold)?;
        } else {
            sheet.write_string(row, 0, &r.name)?;
        }
        for (col, n) in [
            r.assigned,
            r.on_time,
            r.late,
            r.overdue_open,
            r.open,
            r.done_no_deadline,
        ]
        .iter()
        .enumerate()
        {
            sheet.write_number(row, col as u16 + 1, *n as f64)?;
        }
        sheet.write_number_with_format(row, 7, r.on_time_ratio, &pct)?;
        row += 1;
    }
    sheet.set_column_width(0, 32)?;
    for c in 1..=7 {
        sheet.set_column_width(c, 13)?;
    }
    book.save_to_buffer()
}
