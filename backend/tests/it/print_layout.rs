//! The print module on its own: a long table over several pages, judged by `qpdf --check` and `pdftotext`.

use crate::printouts::{page_count, pdftotext, qpdf_check, squash, write_temp};

/// The print module alone: a table over several pages repeats its header on each, wraps long cells, numbers
/// every page "Trang k/N", keeps Vietnamese text extractable, and passes qpdf.
#[test]
fn a_long_table_repeats_its_header_and_every_page_is_numbered() {
    use vanban::print::{Align, Closing, Column, Cover, Orientation, Printer, Style, Table};
    let mut p = Printer::new(Orientation::Portrait, "Thử in").unwrap();
    p.cover(&Cover {
        top: vec!["ỦY BAN NHÂN DÂN TỈNH VĨNH LONG".into()],
        title: "BÁO CÁO THỬ".into(),
        lines: vec!["Năm 2026".into()],
        bottom: vec!["Vĩnh Long".into()],
    });
    p.heading("Phần một: số liệu", 1);
    let long =
        "Đây là một đoạn văn rất dài về công tác văn thư, lưu trữ và số hóa văn bản của cơ quan. "
            .repeat(8);
    p.paragraph(&long, Style::BODY);
    // One cell taller than a page: it is split over pages, its lines in order.
    let giant: String = (1..=800).map(|k| format!("câu-thứ-{k:03} ")).collect();
    let mut rows: Vec<Vec<String>> = (1..=150)
        .map(|i| {
            vec![
                i.to_string(),
                if i % 10 == 0 {
                    long.clone()
                } else {
                    format!("Quyết định số {i}/QĐ-UBND về việc khen thưởng")
                },
                format!("{},{}", i * 3, i % 7),
            ]
        })
        .collect();
    rows.insert(75, vec!["75b".into(), giant, String::new()]);
    p.table(&Table {
        columns: vec![
            Column::new("STT", 0.5).align(Align::Center),
            Column::new("Nội dung", 5.0),
            Column::new("Giá trị", 1.0).align(Align::Right),
        ],
        header_rows: vec![vec!["(1)".into(), "(2)".into(), "(3)".into()]],
        rows,
        size: 9.0,
    });
    p.figure(120.0, |c| {
        for (i, h) in [40.0, 90.0, 60.0].iter().enumerate() {
            let x = 20.0 + i as f32 * 60.0;
            c.rect(
                x,
                100.0 - h,
                40.0,
                *h,
                Some(Printer::GRAY),
                Some(Printer::BLACK),
            );
            c.text(
                x + 20.0,
                112.0,
                &format!("Quý {}", i + 1),
                Style::SMALL.align(Align::Center),
            );
        }
        c.line(0.0, 100.0, c.width(), 100.0, 0.75, Printer::BLACK);
    });
    p.closing(&Closing {
        lines: vec!["Báo cáo có 150 dòng.".into()],
        place_date: "Vĩnh Long, ngày 05 tháng 12 năm 2026".into(),
        signer_title: "NGƯỜI LẬP".into(),
        signer_name: Some("Nguyễn Thị Thủy".into()),
    });
    let bytes = p.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "long.pdf", &bytes);
    qpdf_check(&path);
    let pages = page_count(&path);
    assert!(pages >= 6, "{pages} pages");
    let mut seen_rows = Vec::new();
    for page in 1..=pages {
        let text = squash(&pdftotext(&path, Some((page, page))));
        assert!(
            text.contains(&format!("Trang {page}/{pages}")),
            "page {page}: {text}"
        );
        // Every page with a line of the table has the header at its top.
        if page > 1 && (text.contains("/QĐ-UBND") || text.contains("câu-thứ-")) {
            assert!(
                text.contains("STT Nội dung Giá trị (1) (2) (3)"),
                "page {page} lacks the header: {text}"
            );
        }
        for i in 1..=150 {
            if text.contains(&format!("Quyết định số {i}/QĐ-UBND về việc khen thưởng"))
            {
                seen_rows.push(i);
            }
        }
    }
    let expect: Vec<i32> = (1..=150).filter(|i| i % 10 != 0).collect();
    assert_eq!(seen_rows, expect, "every short row once, in order");
    let all = squash(&pdftotext(&path, None));
    assert!(
        all.contains("ỦY BAN NHÂN DÂN TỈNH VĨNH LONG")
            && all.contains("Nguyễn Thị Thủy")
            && all.contains("Quý 2")
    );
    // A long cell wraps at words and comes out whole.
    assert!(all.contains(&squash(&long)));
    // The giant cell: every word once, in order, its first and last on different pages.
    let mut at = 0;
    for k in 1..=800 {
        let sentence = format!("câu-thứ-{k:03}");
        let found = all[at..].find(&sentence);
        assert!(found.is_some(), "«{sentence}» missing or out of order");
        at += found.unwrap() + sentence.len();
    }
    let page_of = |sentence: &str| {
        (1..=pages).find(|p| squash(&pdftotext(&path, Some((*p, *p)))).contains(sentence))
    };
    let (first, last) = (page_of("câu-thứ-001"), page_of("câu-thứ-800"));
    assert!(first.is_some() && last > first, "{first:?} {last:?}");
}
