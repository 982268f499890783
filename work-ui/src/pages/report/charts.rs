//! The report's charts as inline SVG made here: a donut of shares and bars. The SVG draws only shapes (and
//! the donut's one large number); every label is page text beside it, so it wraps and stays readable on a
//! 360 px phone and nothing needs sideways scrolling.

use leptos::prelude::*;
use shared::report::{HandlingRow, percent_text};

/// A ring of `slices` (value, colour class) with `center` large in the middle and `caption` under it.
#[component]
pub fn Donut(
    slices: Vec<(f64, &'static str)>,
    center: String,
    caption: &'static str,
    testid: String,
) -> impl IntoView {
    // A circle of circumference 100 (r = 100 / 2π): each slice is a dash of its percentage.
    const R: f64 = 15.915_494;
    let total: f64 = slices.iter().map(|s| s.0).sum();
    let mut start = 0.0;
    let arcs = slices
        .into_iter()
        .filter(|(v, _)| *v > 0.0 && total > 0.0)
        .map(|(v, class)| {
            let pct = v / total * 100.0;
            // Starts at 12 o'clock (a quarter turn back), clockwise.
            let offset = 25.0 - start;
            start += pct;
            view! {
                <circle
                    class=format!("rp-arc {class}")
                    cx="21"
                    cy="21"
                    r=R
                    fill="none"
                    stroke-width="6"
                    stroke-dasharray=format!("{pct:.3} {:.3}", 100.0 - pct)
                    stroke-dashoffset=format!("{offset:.3}")
                ></circle>
            }
        })
        .collect_view();
    view! {
        <svg class="rp-donut" viewBox="0 0 42 42" role="img" aria-label=format!("{center} {caption}") data-testid=testid>
            <circle class="rp-ring" cx="21" cy="21" r=R fill="none" stroke-width="6"></circle>
            {arcs}
            <text x="21" y="21.5" text-anchor="middle" class="rp-donut-n">{center.clone()}</text>
            <text x="21" y="27" text-anchor="middle" class="rp-donut-cap">{caption}</text>
        </svg>
    }
}

/// One bar: its label, the text shown beside it, its length (0–1 of the full width) and colour class.
#[derive(Debug, Clone)]
pub struct BarRow {
    pub testid: String,
    pub label: String,
    pub value: i64,
    pub share: f64,
    pub text: String,
    pub class: &'static str,
}

/// Horizontal bars, the label and number on a line above each bar.
#[component]
pub fn BarList(rows: Vec<BarRow>, testid: String) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|r| {
            let width = (r.share.clamp(0.0, 1.0) * 100.0).max(if r.value > 0 { 1.0 } else { 0.0 });
            view! {
                <li class="rp-bar-row" data-testid=r.testid data-value=r.value>
                    <div class="rp-bar-head">
                        <span class="rp-bar-label">{r.label.clone()}</span>
                        <span class="rp-bar-n">{r.text}</span>
                    </div>
                    <svg class="rp-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                        <rect class="rp-track" x="0" y="0" width="100" height="6" rx="1"></rect>
                        <rect class=format!("rp-fill {}", r.class) x="0" y="0" width=format!("{width:.2}") height="6" rx="1"></rect>
                    </svg>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="rp-bars" data-testid=testid>{rows}</ul> }
}

/// The parts of a handling line, in the order they are stacked, with their names and colour classes.
fn parts(r: &HandlingRow) -> [(i64, &'static str, &'static str); 5] {
    [
        (r.on_time, "Đúng hạn", "rp-ok"),
        (r.late, "Trễ hạn", "rp-late"),
        (r.overdue_open, "Quá hạn chưa xong", "rp-over"),
        (r.open, "Còn hạn", "rp-open"),
        (r.done_no_deadline, "Xong, không hạn", "rp-nodl"),
    ]
}

fn handling_line(r: &HandlingRow, total: bool) -> impl IntoView + use<> {
    let mut x = 0.0;
    let rects = parts(r)
        .into_iter()
        .filter(|(n, _, _)| *n > 0 && r.assigned > 0)
        .map(|(n, _, class)| {
            let w = n as f64 / r.assigned as f64 * 100.0;
            let at = x;
            x += w;
            view! { <rect class=class x=format!("{at:.2}") y="0" width=format!("{w:.2}") height="6"></rect> }
        })
        .collect_view();
    let numbers = parts(r)
        .into_iter()
        .map(|(n, label, class)| {
            view! {
                <span class="rp-h-part">
                    <span class=format!("rp-swatch {class}") aria-hidden="true"></span>
                    {label}
                    ": "
                    <b>{n}</b>
                </span>
            }
        })
        .collect_view();
    view! {
        <li class="rp-h-row" class:rp-h-total=total data-testid=if total { "handling-total" } else { "handling-row" } data-name=r.name.clone()>
            <div class="rp-bar-head">
                <span class="rp-bar-label">{r.name.clone()}</span>
                <span class="rp-bar-n">
                    <b data-testid="handling-ratio">{percent_text(r.on_time_ratio)}</b>
                    " đúng hạn"
                </span>
            </div>
            <svg class="rp-bar rp-stack" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                <rect class="rp-track" x="0" y="0" width="100" height="6"></rect>
                {rects}
            </svg>
            <p class="rp-h-numbers">
                <span class="rp-h-part">"Được giao: " <b data-testid="handling-assigned">{r.assigned}</b></span>
                {numbers}
            </p>
        </li>
    }
}

/// Handling per unit (or agency): a stacked bar of each line's assignments and its numbers, then the total.
#[component]
pub fn HandlingBars(
    rows: Vec<HandlingRow>,
    total: HandlingRow,
    group: &'static str,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="handling-empty">"Không có việc được giao trong kỳ."</p> }
            .into_any();
    }
    let lines = rows.iter().map(|r| handling_line(r, false)).collect_view();
    view! {
        <p class="muted rp-note">{format!("Theo {}.", group.to_lowercase())}</p>
        <ul class="rp-bars rp-handling" data-testid="chart-handling">
            {lines}
            {handling_line(&total, true)}
        </ul>
    }
    .into_any()
}
