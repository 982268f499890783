//! `/bao-cao`: the six-month report on sending and receiving electronic documents (Điều 24, 25.4). The period
//! (the current half by default, presets for both halves and the year), the agency for the provincial
//! administrator, the numbers with charts drawn here as inline SVG (donuts and bars whose labels are page text,
//! so they stay readable on a 360 px phone), and the same report as PDF and Excel files.

mod charts;

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::incoming::IncomingChannel;
use shared::report::{
    DirectionSummary, DocumentForm, ReportFormat, ReportQuery, SummaryReport, channel_label,
    half_of, handling_group_label, percent_text,
};
use shared::role::Role;
use shared::time::Timestamp;

use crate::api;
use crate::components::list_parts::{error_panel, loading};
use charts::{BarList, BarRow, Donut, HandlingBars};

fn today() -> CivilDate {
    CivilDate::of(Timestamp(js_sys::Date::now() as i64))
}

/// The address of the report's file in `format`.
fn file_url(q: &ReportQuery, format: ReportFormat) -> String {
    let q = ReportQuery { format, ..*q };
    let pairs: Vec<String> = q
        .to_pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{}?{}", shared::api::REPORTS_SUMMARY, pairs.join("&"))
}

/// The colour class of each form, the same in the donut and its legend.
fn form_class(f: DocumentForm) -> &'static str {
    match f {
        DocumentForm::Signed => "rp-c1",
        DocumentForm::Scanned => "rp-c2",
        DocumentForm::Paper => "rp-c3",
        DocumentForm::Unsigned => "rp-c4",
    }
}

fn channel_class(c: IncomingChannel) -> &'static str {
    match c {
        IncomingChannel::System => "rp-c1",
        IncomingChannel::Exchange => "rp-c2",
        IncomingChannel::Email => "rp-c5",
        IncomingChannel::Paper => "rp-c3",
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let (first, last) = half_of(today());
    let from = RwSignal::new(first.to_string());
    let to = RwSignal::new(last.to_string());
    let agency = RwSignal::new(String::new());
    let year = RwSignal::new(today().year);
    // What is on screen: the query last asked for (changed by the presets and "Xem báo cáo").
    let asked = RwSignal::new(ReportQuery {
        from: first,
        to: last,
        format: ReportFormat::Json,
        agency_id: None,
    });
    let form_error = RwSignal::new(None::<String>);
    let me = LocalResource::new(|| async { api::session().await.ok().map(|s| s.user) });
    let is_system_admin = move || {
        me.get()
            .flatten()
            .is_some_and(|u| u.has_role(Role::SystemAdmin))
    };
    let agencies = LocalResource::new(move || async move {
        if is_system_admin() {
            api::agencies().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let data = LocalResource::new(move || {
        let q = asked.get();
        async move { api::summary_report(&q).await }
    });

    let apply = move || {
        let mut pairs = vec![
            ("from".to_string(), from.get_untracked()),
            ("to".to_string(), to.get_untracked()),
        ];
        let a = agency.get_untracked();
        if !a.is_empty() {
            pairs.push(("agency_id".to_string(), a));
        }
        match ReportQuery::parse(&pairs) {
            Ok(q) => {
                form_error.set(None);
                asked.set(q);
            }
            Err(e) => form_error.set(Some(e.message)),
        }
    };
    let preset = move |first: CivilDate, last: CivilDate| {
        from.set(first.to_string());
        to.set(last.to_string());
        apply();
    };
    let y = move || year.get();
    let date = move |month, day| CivilDate {
        year: y(),
        month,
        day,
    };
    let is_current = move |a: CivilDate, b: CivilDate| {
        let q = asked.get();
        q.from == a && q.to == b
    };
    let presets = move || {
        [
            (
                "report-preset-h1",
                "6 tháng đầu năm",
                date(1, 1),
                date(6, 30),
            ),
            (
                "report-preset-h2",
                "6 tháng cuối năm",
                date(7, 1),
                date(12, 31),
            ),
            ("report-preset-year", "Cả năm", date(1, 1), date(12, 31)),
        ]
        .into_iter()
        .map(|(testid, label, a, b)| {
            view! {
                <button
                    type="button"
                    class="seg"
                    data-testid=testid
                    aria-pressed=move || is_current(a, b).to_string()
                    on:click=move |_| preset(a, b)
                >
                    {label}
                </button>
            }
        })
        .collect_view()
    };
    let this_year = today().year;
    let years = (this_year - 4..=this_year)
        .rev()
        .map(|y| view! { <option value=y.to_string() selected=y == this_year>{y}</option> })
        .collect_view();

    let agency_picker = move || {
        is_system_admin().then(|| {
            let options = move || {
                agencies
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| view! { <option value=a.id.to_string()>{a.name}</option> })
                    .collect_view()
            };
            view! {
                <label class="field rp-field rp-agency">
                    <span class="field-label">"Cơ quan"</span>
                    <select
                        data-testid="report-agency"
                        on:change=move |ev| {
                            agency.set(event_target_value(&ev));
                            apply();
                        }
                    >
                        <option value="">"Tất cả cơ quan trong tỉnh"</option>
                        {options}
                    </select>
                </label>
            }
        })
    };

    let body = move || match data.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || data.refetch()),
        Some(Ok(r)) => view! { <ReportView report=r query=asked.get_untracked() /> }.into_any(),
    };

    view! {
        <section class="page work-page report-page" data-testid="report-page">
            <header class="page-header">
                <h1>"Báo cáo"</h1>
                <p class="muted rp-sub">"Tình hình gửi, nhận văn bản điện tử (Điều 24 Quy chế)"</p>
            </header>
            <div class="rp-period card" data-testid="report-period">
                <div class="rp-presets">
                    <label class="field rp-field rp-year">
                        <span class="field-label">"Năm"</span>
                        <select
                            data-testid="report-year"
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<i32>() {
                                    year.set(v);
                                }
                            }
                        >
                            {years}
                        </select>
                    </label>
                    <div class="segmented rp-segs" role="group" aria-label="Kỳ báo cáo">
                        {presets}
                    </div>
                </div>
                <form
                    class="rp-custom"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        apply();
                    }
                >
                    <label class="field rp-field">
                        <span class="field-label">"Từ ngày"</span>
                        <input
                            type="date"
                            data-testid="report-from"
                            prop:value=move || from.get()
                            on:input=move |ev| from.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field rp-field">
                        <span class="field-label">"Đến ngày"</span>
                        <input
                            type="date"
                            data-testid="report-to"
                            prop:value=move || to.get()
                            on:input=move |ev| to.set(event_target_value(&ev))
                        />
                    </label>
                    {agency_picker}
                    <button type="submit" class="btn btn-primary rp-apply" data-testid="report-apply">
                        "Xem báo cáo"
                    </button>
                </form>
                {move || form_error.get().map(|m| view! {
                    <p class="alert alert-error" role="alert" data-testid="report-error">{m}</p>
                })}
            </div>
            {body}
        </section>
    }
}

/// One direction's card: the total, the forms as a donut with its legend, the channels as bars.
fn direction_card(
    title: &'static str,
    key: &'static str,
    d: &DirectionSummary,
    channel_note: &'static str,
    withdrawn: &'static str,
) -> impl IntoView + use<> {
    let slices: Vec<(f64, &'static str)> = d
        .forms
        .iter()
        .map(|f| (f.count as f64, form_class(f.form)))
        .collect();
    let legend = d
        .forms
        .iter()
        .map(|f| {
            view! {
                <li data-testid=format!("form-{key}-{}", f.form.code())>
                    <span class=format!("rp-swatch {}", form_class(f.form)) aria-hidden="true"></span>
                    <span class="rp-legend-label">{f.form.label()}</span>
                    <span class="rp-legend-n">
                        <b>{f.count}</b>
                        " · "
                        {percent_text(f.ratio)}
                    </span>
                </li>
            }
        })
        .collect_view();
    let channels: Vec<BarRow> = d
        .channels
        .iter()
        .map(|c| BarRow {
            testid: format!("channel-{key}-{}", c.channel.code()),
            label: channel_label(c.channel).to_string(),
            value: c.count,
            share: c.ratio,
            text: format!("{} · {}", c.count, percent_text(c.ratio)),
            class: channel_class(c.channel),
        })
        .collect();
    let (total, signed, signed_ratio, withdrawn_n) =
        (d.total, d.signed, d.signed_ratio, d.withdrawn);
    view! {
        <section class="card rp-card" data-testid=format!("report-{key}")>
            <h2>
                {title}
                ": "
                <span data-testid=format!("report-total-{key}")>{total}</span>
                " văn bản"
            </h2>
            <h3>"Hình thức"</h3>
            <div class="rp-donut-row">
                <Donut
                    slices
                    center=percent_text(signed_ratio)
                    caption="có ký số"
                    testid=format!("chart-forms-{key}")
                />
                <ul class="rp-legend">{legend}</ul>
            </div>
            <p class="rp-signed" data-testid=format!("signed-{key}")>
                "Có chữ ký số hợp lệ: "
                <b>{signed}</b>
                " ("
                {percent_text(signed_ratio)}
                ")"
            </p>
            <h3>"Phương thức"</h3>
            <BarList rows=channels testid=format!("chart-channels-{key}") />
            <p class="muted rp-note">{channel_note}</p>
            <p class="rp-withdrawn" data-testid=format!("withdrawn-{key}")>
                {withdrawn}
                ": "
                <b>{withdrawn_n}</b>
            </p>
        </section>
    }
}

#[component]
fn ReportView(report: SummaryReport, query: ReportQuery) -> impl IntoView {
    let max_type = report
        .by_type
        .iter()
        .map(|t| t.outgoing + t.incoming)
        .max()
        .unwrap_or(0);
    let types: Vec<BarRow> = report
        .by_type
        .iter()
        .map(|t| {
            let total = t.outgoing + t.incoming;
            BarRow {
                testid: format!("type-{}", t.doc_type.code()),
                label: t.doc_type.name().to_string(),
                value: total,
                share: if max_type > 0 {
                    total as f64 / max_type as f64
                } else {
                    0.0
                },
                text: format!("đi {} · đến {}", t.outgoing, t.incoming),
                class: "rp-c1",
            }
        })
        .collect();
    let h = &report.handling_total;
    let group = handling_group_label(&report);
    let handling_rows = report.handling.clone();
    view! {
        <div class="rp-body" data-testid="report-body">
            <div class="rp-head">
                <p class="rp-title">
                    <b data-testid="report-agency-name">{report.agency_text()}</b>
                    <span class="rp-period-text" data-testid="report-period-text">
                        {format!(" — {}", report.period_text())}
                    </span>
                </p>
                <p class="muted rp-generated">
                    {format!("Số liệu lúc {}", report.generated_at.to_display_vn())}
                </p>
                <div class="rp-downloads">
                    <a
                        class="btn btn-secondary"
                        href=file_url(&query, ReportFormat::Pdf)
                        download
                        data-testid="report-pdf"
                    >
                        "Tải PDF"
                    </a>
                    <a
                        class="btn btn-secondary"
                        href=file_url(&query, ReportFormat::Xlsx)
                        download
                        data-testid="report-xlsx"
                    >
                        "Tải Excel"
                    </a>
                </div>
            </div>
            <div class="stats rp-stats">
                <div class="stat">
                    <span class="stat-n" data-testid="stat-incoming">{report.incoming.total}</span>
                    <span class="stat-label">"Văn bản đến"</span>
                </div>
                <div class="stat">
                    <span class="stat-n" data-testid="stat-outgoing">{report.outgoing.total}</span>
                    <span class="stat-label">"Văn bản đi"</span>
                </div>
                <div class="stat stat-ok">
                    <span class="stat-n" data-testid="stat-signed">
                        {percent_text(shared::report::ratio(
                            report.incoming.signed + report.outgoing.signed,
                            report.incoming.total + report.outgoing.total,
                        ))}
                    </span>
                    <span class="stat-label">"Có ký số (đi và đến)"</span>
                </div>
                <div class="stat" class:stat-overdue={h.overdue_open > 0}>
                    <span class="stat-n" data-testid="stat-on-time">{percent_text(h.on_time_ratio)}</span>
                    <span class="stat-label">"Xử lý đúng hạn"</span>
                </div>
            </div>
            <div class="rp-cards">
                {direction_card(
                    "Văn bản đến",
                    "incoming",
                    &report.incoming,
                    "Tính theo văn bản đến trong kỳ (ngày đến thực tế).",
                    "Trả lại nơi gửi",
                )}
                {direction_card(
                    "Văn bản đi",
                    "outgoing",
                    &report.outgoing,
                    "Tính theo nơi nhận: mỗi nơi nhận một lần.",
                    "Đã thu hồi",
                )}
            </div>
            <section class="card rp-card" data-testid="report-types">
                <h2>"Theo loại văn bản"</h2>
                {if report.by_type.is_empty() {
                    view! { <p class="muted">"Không có văn bản trong kỳ."</p> }.into_any()
                } else {
                    view! { <BarList rows=types testid="chart-types".to_string() /> }.into_any()
                }}
            </section>
            <section class="card rp-card" data-testid="report-handling">
                <h2>"Xử lý văn bản đến đúng hạn"</h2>
                <p class="muted rp-note">
                    "Việc lãnh đạo giao trong kỳ (chủ trì, phối hợp); quá hạn tính đến lúc lập báo cáo."
                </p>
                <HandlingBars rows=handling_rows total=h.clone() group=group />
            </section>
        </div>
    }
}
