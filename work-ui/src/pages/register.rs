//! `/so-van-ban`: the agency's registers for a year — sổ văn bản đi and sổ văn bản đến, each with its 10
//! columns of NĐ 30 Phụ lục IV — with a filter (without diacritics too), each line opening its document, and a
//! printable page.

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::incoming::IncomingRegisterRow;
use shared::outgoing::{OutgoingRegisterRow, RegisterDto};
use shared::text::fold_for_search;
use shared::time::Timestamp;

use crate::api;
use crate::components::list_parts::{error_panel, loading, refetch_on_live};

/// The 10 columns of the incoming register, in order.
const INCOMING_COLUMNS: [&str; 10] = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
];

/// The 10 columns of the outgoing register, in order.
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
        api::registers().await.map(|mut all| {
            // The outgoing registers first, as before; then the incoming ones.
            all.sort_by_key(|r| (r.direction != "outgoing", r.id));
            all
        })
    });
    view! {
        <section class="page work-page register-page">
            <header class="page-header">
                <h1>"Sổ văn bản"</h1>
            </header>
            {move || match registers.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || registers.refetch()),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty" data-testid="register-empty">"Cơ quan chưa có sổ văn bản."</p>
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
    let incoming_ids: Vec<i64> = registers
        .iter()
        .filter(|r| r.direction == "incoming")
        .map(|r| r.id)
        .collect();
    let incoming = Memo::new(move |_| incoming_ids.contains(&register.get()));
    let entries = LocalResource::new(move || {
        let (id, y) = (register.get(), year.get());
        version.track();
        let incoming = incoming.get();
        async move {
            if incoming {
                return None;
            }
            Some(api::register_entries(id, Some(y)).await)
        }
    });
    let incoming_entries = LocalResource::new(move || {
        let (id, y) = (register.get(), year.get());
        version.track();
        let incoming = incoming.get();
        async move {
            if !incoming {
                return None;
            }
            Some(api::incoming_register_entries(id, Some(y)).await)
        }
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
        // An incoming register: the other table.
        Some(None) => view! { <IncomingTable entries=incoming_entries filter /> }.into_any(),
        Some(Some(Err(e))) => error_panel(e.message(), move || entries.refetch()),
        Some(Some(Ok(data))) => {
            let q = fold_for_search(filter.get().trim());
            let total = data.rows.len();
            let rows: Vec<OutgoingRegisterRow> =
                data.rows.into_iter().filter(|r| matches(r, &q)).collect();
            let caption = format!("{} — năm {}", data.register.name, data.year);
            if rows.is_empty() {
                return no_rows(total, data.year, "");
            }
            view! {
                {row_count(rows.len(), total)}
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
                        .map(|r| {
                            let kind = if r.direction == "incoming" { "Sổ văn bản đến" } else { "Sổ văn bản đi" };
                            let text = if r.name.to_lowercase().starts_with(&kind.to_lowercase()) {
                                r.name.clone()
                            } else {
                                format!("{kind} — {}", r.name)
                            };
                            view! { <option value=r.id.to_string()>{text}</option> }
                        })
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
                    placeholder=move || if incoming.get() { "Số đến, tác giả, số ký hiệu, trích yếu…" } else { "Số, trích yếu, người ký, nơi nhận…" }
                    data-testid="register-filter"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </div>
            <a
                href=move || export_href(register.get(), year.get(), "pdf")
                class="btn btn-secondary"
                download=""
                data-testid="register-export-pdf"
                title="Sổ theo mẫu Phụ lục IV, Nghị định 30/2020/NĐ-CP: trang bìa, các dòng, trang kết thúc"
            >
                "Xuất PDF"
            </a>
            <a
                href=move || export_href(register.get(), year.get(), "xlsx")
                class="btn btn-secondary"
                download=""
                data-testid="register-export-xlsx"
                title="Cùng các cột, mở được bằng Excel"
            >
                "Xuất Excel"
            </a>
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

/// The server-made file of a register and year (the lines the caller may see).
fn export_href(register: i64, year: i32, format: &str) -> String {
    format!(
        "{}?year={year}&format={format}",
        shared::api::path(shared::api::REGISTER_EXPORT, register)
    )
}

/// The incoming register's table (sổ đăng ký văn bản đến).
#[component]
fn IncomingTable(
    entries: LocalResource<Option<api::ApiResult<shared::incoming::IncomingRegisterResponse>>>,
    filter: RwSignal<String>,
) -> impl IntoView {
    let matches = |row: &IncomingRegisterRow, q: &str| {
        q.is_empty()
            || [
                &row.arrival_number.to_string(),
                &row.sender_name,
                &row.code_text,
                &row.subject,
                &row.recipients,
                &row.note,
            ]
            .iter()
            .any(|s| fold_for_search(s).contains(q))
            || fold_for_search(row.doc_type.name()).contains(q)
    };
    let row_view = |row: IncomingRegisterRow| {
        let href = format!("/van-ban-den/{}", row.incoming_id);
        let c = INCOMING_COLUMNS;
        view! {
            <tr data-testid="register-row" data-id=row.incoming_id>
                <td data-label=c[0] class="nowrap">{row.received_at.to_display_vn()}</td>
                <td data-label=c[1] class="num">
                    <a href=href.clone() class="doc-link" data-testid="register-link"><strong>{row.arrival_number}</strong></a>
                </td>
                <td data-label=c[2]>{row.sender_name}</td>
                <td data-label=c[3]>{row.code_text}</td>
                <td data-label=c[4] class="nowrap">{row.issued_date.display()}</td>
                <td data-label=c[5]>
                    <a href=href class="doc-link register-subject">{format!("{} {}", row.doc_type.name(), row.subject)}</a>
                </td>
                <td data-label=c[6] class="pre-line">{row.recipients}</td>
                <td data-label=c[7] class="nowrap">{row.forwarded_at.map(|t| t.to_display_vn()).unwrap_or_default()}</td>
                <td data-label=c[8]>{row.received_by.unwrap_or_default()}</td>
                <td data-label=c[9] class="pre-line">{row.note}</td>
            </tr>
        }
    };
    move || match entries.get() {
        None | Some(None) => loading(),
        Some(Some(Err(e))) => error_panel(e.message(), move || entries.refetch()),
        Some(Some(Ok(data))) => {
            let q = fold_for_search(filter.get().trim());
            let total = data.rows.len();
            let rows: Vec<IncomingRegisterRow> =
                data.rows.into_iter().filter(|r| matches(r, &q)).collect();
            let caption = format!("{} — năm {}", data.register.name, data.year);
            if rows.is_empty() {
                return no_rows(total, data.year, " đến");
            }
            view! {
                {row_count(rows.len(), total)}
                <div class="table-wrap">
                    <table class="data-table responsive register-table" data-testid="register-table" data-direction="incoming">
                        <caption class="print-only">{caption}</caption>
                        <thead>
                            <tr>{INCOMING_COLUMNS.iter().map(|c| view! { <th>{*c}</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>{rows.into_iter().map(row_view).collect_view()}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
}

/// What a register shows instead of its table: nothing entered in the year yet, or nothing matching the search.
/// `kind` names the documents after "văn bản" (`" đến"` for the incoming register).
fn no_rows(total: usize, year: i32, kind: &str) -> AnyView {
    let text = if total == 0 {
        format!("Năm {year} chưa có văn bản{kind} nào vào sổ.")
    } else {
        "Không có dòng nào khớp với nội dung tìm.".to_string()
    };
    view! { <p class="empty" data-testid="register-rows-empty">{text}</p> }.into_any()
}

/// "12 văn bản", or "3 trong 12 văn bản" while searching.
fn row_count(shown: usize, total: usize) -> impl IntoView {
    let text = if shown == total {
        format!("{total} văn bản")
    } else {
        format!("{shown} trong {total} văn bản")
    };
    view! { <p class="count no-print">{text}</p> }
}
