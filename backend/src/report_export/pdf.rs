//! The report as a PDF (A4 portrait, the embedded Vietnamese font of the print module): the summary table with
//! bars of the forms and channels, the document types, and handling per unit with bars of the on-time share.

use shared::report::{SummaryReport, channel_label, handling_group_label, percent_text};

use crate::error::{AppError, AppResult};
use crate::print::{Align, Column, Orientation, Printer, Style, Table};

const BLUE: [f32; 3] = [0.12, 0.36, 0.70];
const GREEN: [f32; 3] = [0.13, 0.55, 0.30];
const RED: [f32; 3] = [0.75, 0.15, 0.15];

/// The PDF's bytes.
pub fn pdf(report: &SummaryReport) -> AppResult<Vec<u8>> {
    build(report).map_err(|e| AppError::Internal(anyhow::anyhow!("report pdf: {e}")))
}

/// Horizontal bars, one per `(label, count, share)`, the bar's length the share of the whole width left of the
/// label column.
fn bars(p: &mut Printer, rows: &[(String, i64, f64)], color: [f32; 3]) {
    const ROW: f32 = 18.0;
    let height = ROW * rows.len() as f32 + 4.0;
    p.figure(height, |c| {
        let label_w = c.width() * 0.42;
        let bar_w = c.width() - label_w - 70.0;
        for (k, (label, n, share)) in rows.iter().enumerate() {
            let y = k as f32 * ROW;
            c.text(0.0, y + 12.0, label, Style::SMALL.size(9.0));
            c.rect(
                label_w,
                y + 3.0,
                bar_w,
                11.0,
                Some([0.93, 0.94, 0.96]),
                None,
            );
            if *share > 0.0 {
                c.rect(
                    label_w,
                    y + 3.0,
                    (bar_w * *share as f32).max(1.0),
                    11.0,
                    Some(color),
                    None,
                );
            }
            c.text(
                label_w + bar_w + 6.0,
                y + 12.0,
                &format!("{n} ({})", percent_text(*share)),
                Style::SMALL.size(9.0),
            );
        }
    });
}

fn build(report: &SummaryReport) -> shared::pdf::error::PdfResult<Vec<u8>> {
    let mut p = Printer::new(Orientation::Portrait, "Báo cáo gửi, nhận văn bản điện tử")?;
    p.paragraph(
        &report.agency_text().to_uppercase(),
        Style::BODY.bold().align(Align::Center),
    );
    p.space(6.0);
    p.paragraph(
        "BÁO CÁO TÌNH HÌNH GỬI, NHẬN VĂN BẢN ĐIỆN TỬ",
        Style::BODY.size(14.0).bold().align(Align::Center),
    );
    p.paragraph(
        &format!(
            "Kỳ báo cáo {} (Điều 24 Quy chế 1123/QĐ-UBND)",
            report.period_text()
        ),
        Style::BODY.align(Align::Center),
    );
    p.paragraph(
        &format!("Số liệu lúc {}", report.generated_at.to_display_vn()),
        Style::SMALL.align(Align::Center),
    );

    p.heading("1. Tổng hợp theo hình thức và phương thức", 2);
    let fmt_ratio = |r: Option<f64>| r.map(percent_text).unwrap_or_default();
    p.table(&Table {
        columns: vec![
            Column::new("Chỉ tiêu", 4.0),
            Column::new("Văn bản đi", 1.3).align(Align::Right),
            Column::new("Tỷ lệ", 1.2).align(Align::Right),
            Column::new("Văn bản đến", 1.3).align(Align::Right),
            Column::new("Tỷ lệ", 1.2).align(Align::Right),
        ],
        header_rows: vec![],
        rows: report
            .summary_lines()
            .into_iter()
            .map(|l| {
                vec![
                    l.label,
                    l.outgoing.to_string(),
                    fmt_ratio(l.outgoing_ratio),
                    l.incoming.to_string(),
                    fmt_ratio(l.incoming_ratio),
                ]
            })
            .collect(),
        size: 9.5,
    });
    p.paragraph(
        "Phương thức của văn bản đi tính theo nơi nhận (mỗi nơi nhận một lần); của văn bản đến tính theo văn bản.",
        Style::SMALL,
    );
    for (title, d) in [
        ("Văn bản đến", &report.incoming),
        ("Văn bản đi", &report.outgoing),
    ] {
        p.heading(&format!("{title}: hình thức"), 3);
        let rows: Vec<(String, i64, f64)> = d
            .forms
            .iter()
            .map(|f| (f.form.label().to_string(), f.count, f.ratio))
            .collect();
        bars(&mut p, &rows, BLUE);
        p.heading(&format!("{title}: phương thức"), 3);
        let rows: Vec<(String, i64, f64)> = d
            .channels
            .iter()
            .map(|c| (channel_label(c.channel).to_string(), c.count, c.ratio))
            .collect();
        bars(&mut p, &rows, GREEN);
    }

    p.heading("2. Theo loại văn bản", 2);
    let mut rows: Vec<Vec<String>> = report
        .by_type
        .iter()
        .map(|t| {
            vec![
                t.doc_type.name().to_string(),
                t.outgoing.to_string(),
                t.incoming.to_string(),
                (t.outgoing + t.incoming).to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "Tổng cộng".into(),
        report.outgoing.total.to_string(),
        report.incoming.total.to_string(),
        (report.outgoing.total + report.incoming.total).to_string(),
    ]);
    p.table(&Table {
        columns: vec![
            Column::new("Loại văn bản", 4.0),
            Column::new("Văn bản đi", 1.5).align(Align::Right),
            Column::new("Văn bản đến", 1.5).align(Align::Right),
            Column::new("Cộng", 1.5).align(Align::Right),
        ],
        header_rows: vec![],
        rows,
        size: 9.5,
    });

    p.heading("3. Xử lý văn bản đến đúng hạn", 2);
    p.paragraph(
        "Việc được giao trong kỳ (chủ trì, phối hợp) do lãnh đạo giao; quá hạn tính đến thời điểm lập báo cáo.",
        Style::SMALL,
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in report
        .handling
        .iter()
        .chain(std::iter::once(&report.handling_total))
    {
        rows.push(vec![
            r.name.clone(),
            r.assigned.to_string(),
            r.on_time.to_string(),
            r.late.to_string(),
            r.overdue_open.to_string(),
            r.open.to_string(),
            r.done_no_deadline.to_string(),
            percent_text(r.on_time_ratio),
        ]);
    }
    p.table(&Table {
        columns: vec![
            Column::new(handling_group_label(report), 3.2),
            Column::new("Được giao", 1.1).align(Align::Right),
            Column::new("Đúng hạn", 1.1).align(Align::Right),
            Column::new("Trễ hạn", 1.1).align(Align::Right),
            Column::new("Quá hạn chưa xong", 1.3).align(Align::Right),
            Column::new("Còn hạn", 1.1).align(Align::Right),
            Column::new("Xong, không hạn", 1.2).align(Align::Right),
            Column::new("Tỷ lệ đúng hạn", 1.2).align(Align::Right),
        ],
        header_rows: vec![],
        rows,
        size: 9.0,
    });
    if !report.handling.is_empty() {
        p.heading("Tỷ lệ đúng hạn theo đơn vị", 3);
        let rows: Vec<(String, i64, f64)> = report
            .handling
            .iter()
            .map(|r| (r.name.clone(), r.on_time, r.on_time_ratio))
            .collect();
        bars(&mut p, &rows, GREEN);
        let late: Vec<(String, i64, f64)> = report
            .handling
            .iter()
            .filter(|r| r.overdue_open > 0)
            .map(|r| {
                let due = r.on_time + r.late + r.overdue_open;
                (
                    r.name.clone(),
                    r.overdue_open,
                    shared::report::ratio(r.overdue_open, due),
                )
            })
            .collect();
        if !late.is_empty() {
            p.heading("Quá hạn chưa xong theo đơn vị", 3);
            bars(&mut p, &late, RED);
        }
    }
    p.finish()
}
