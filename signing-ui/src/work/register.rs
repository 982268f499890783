//! `/so-van-ban`: the outgoing register (sổ văn bản đi) of the agency for a year, with the 10 columns of NĐ 30
//! Phụ lục IV, a filter (without diacritics too), each line opening its document, and a printable page.

use leptos::prelude::*;
use shared::outgoing::{CivilDate, OutgoingRegisterRow, RegisterDto};
use shared::text::fold_for_search;
use shared::time::Timestamp;

use super::list::{error_panel, loading, refetch_on_live};
use crate::api;

/// The 10 columns, in order.
const COLUMNS: [&str; 10] = [
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu",
    "Người ký",
    "Nơi nhận",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
];

fn this_year() -> i32 {
    CivilDate::of(Timestamp(js_sys::Date::now() as i64)).year
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let registers = LocalResource::new(|| async {
        api::registers().await.map(|all| {
            all.into_iter()
                .filter(|r| r.direction == "outgoing")
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="page work-page register-page">
            <header class="page-header">
                <h1>"Sổ văn bản đi"</h1>
            </header>
            {move || match registers.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || registers.refetch()),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty" data-testid="register-empty">"Cơ quan chưa có sổ văn bản đi."</p>
                }
                .into_any(),
                Some(Ok(list)) => view! { <RegisterView registers=list /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RegisterView(registers: Vec<RegisterDto>) -> impl IntoView {
    let register = RwSignal::new(registers[0].id);
    let current = this_year();
    let year = RwSignal::new(current);
    let filter = RwSignal::new(String::new());
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let entries = LocalResource::new(move || {
        let (id, y) = (register.get(), year.get());
        version.track();
        api::register_entries(id, Some(y))
    });
    let matches = move |row: &OutgoingRegisterRow, q: &str| {
        q.is_empty()
            || [
                &row.number_text,
                &row.type_and_subject,
                &row.signer,
                &row.recipients,
                &row.file_copy,
                &row.note,
            ]
            .iter()
            .any(|s| fold_for_search(s).contains(q))
    };
    let row_view = |row: OutgoingRegisterRow| {
        let href = format!("/van-ban-di/{}", row.document_id);
        view! {
            <tr data-testid="register-row">
                <td data-label=COLUMNS[0]>
                    <a href=href.clone() class="doc-link" data-testid="register-link">
                        {row.number_text}
                    </a>
                </td>
                <td data-label=COLUMNS[1] class="nowrap">{row.date.display()}</td>
                <td data-label=COLUMNS[2]>
                    <a href=href class="doc-link register-subject">{row.type_and_subject}</a>
                </td>
                <td data-label=COLUMNS[3]>{row.signer}</td>
                <td data-label=COLUMNS[4] class="pre-line">{row.recipients}</td>
                <td data-label=COLUMNS[5]>{row.file_copy}</td>
                <td data-label=COLUMNS[6] class="num">{row.copies}</td>
                <td data-label=COLUMNS[7] class="nowrap">{row.sent_at.to_display_vn()}</td>
                <td data-label=COLUMNS[8] class="pre-line">{row.received_by}</td>
                <td data-label=COLUMNS[9]>{row.note}</td>
            </tr>
        }
    };
    let table = move || match entries.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || entries.refetch()),
        Some(Ok(data)) => {
            let q = fold_for_search(filter.get().trim());
            let total = data.rows.len();
            let rows: Vec<OutgoingRegisterRow> =
                data.rows.into_iter().filter(|r| matches(r, &q)).collect();
            let caption = format!("{} — năm {}", data.register.name, data.year);
            if rows.is_empty() {
                let text = if total == 0 {
                    format!("Năm {} chưa có văn bản nào vào sổ.", data.year)
                } else {
                    "Không có dòng nào khớp với nội dung tìm.".to_string()
                };
                return view! { <p class="empty" data-testid="register-rows-empty">{text}</p> }
                    .into_any();
            }
            view! {
                <p class="count no-print">
                    {if rows.len() == total {
                        format!("{total} văn bản")
                    } else {
                        format!("{} trong {total} văn bản", rows.len())
                    }}
                </p>
                <div class="table-wrap">
                    <table class="data-table responsive register-table" data-testid="register-table">
                        <caption class="print-only">{caption}</caption>
                        <thead>
                            <tr>
                                {COLUMNS.iter().map(|c| view! { <th>{*c}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{rows.into_iter().map(row_view).collect_view()}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="toolbar no-print">
            <div class="field">
                <label for="register-select">"Sổ"</label>
                <select
                    id="register-select"
                    data-testid="register-select"
                    prop:value=move || register.get().to_string()
                    on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            register.set(id);
                        }
                    }
                >
                    {registers
                        .iter()
                        .map(|r| view! { <option value=r.id.to_string()>{r.name.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="register-year">"Năm"</label>
                <select
                    id="register-year"
                    data-testid="register-year"
                    prop:value=move || year.get().to_string()
                    on:change=move |ev| {
                        if let Ok(y) = event_target_value(&ev).parse() {
                            year.set(y);
                        }
                    }
                >
                    {(2020..=current)
                        .rev()
                        .map(|y| view! { <option value=y.to_string()>{y}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field field-grow">
                <label for="register-filter">"Tìm trong sổ"</label>
                <input
                    id="register-filter"
                    type="search"
                    placeholder="Số, trích yếu, người ký, nơi nhận…"
                    data-testid="register-filter"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </div>
            <button
                type="button"
                class="btn btn-secondary"
                data-testid="register-print"
                on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }
            >
                "In sổ"
            </button>
        </div>
        {table}
    }
}
