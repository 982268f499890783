//! What makes a document list one people can work in: the filter bar (inline on a desktop, a sheet behind a
//! "Bộ lọc" button on a phone), sort headers and the pager. The state lives in the page's address: every
//! change is a link or a navigation to the same page with another query ([`shared::list_query::ListQuery`]),
//! so a filtered list can be bookmarked, shared, reloaded and gone back to.

use leptos::prelude::*;
use shared::document::{DocumentType, Urgency};
use shared::list_query::{self, ListKind, ListQuery, SortKey, SortOrder, page_count, urgency_code};

use crate::api;

/// The address of a list under `q`: the route's part (`/van-ban-di?muc=mine`) and the query's.
pub fn href(base: &str, q: &ListQuery) -> String {
    let list = q.to_query();
    match (list.is_empty(), base.contains('?')) {
        (true, _) => base.to_string(),
        (false, true) => format!("{base}&{list}"),
        (false, false) => format!("{base}?{list}"),
    }
}

/// Reads a list's query from the address (the route's own keys set aside); a bad address is read as no
/// filter, with the sentence saying what was wrong.
pub fn read_address(
    kind: ListKind,
    query: &str,
    route_keys: &[&str],
) -> (ListQuery, Option<String>) {
    match ListQuery::parse(kind, list_query::decode_pairs(query), route_keys) {
        Ok((q, _)) => (q, None),
        Err(e) => (
            ListQuery::default(),
            Some(format!(
                "Địa chỉ có bộ lọc không hợp lệ, đang hiện danh sách không lọc. {}",
                e.message
            )),
        ),
    }
}

/// A column heading that sorts by `key`: the first tap sorts in the key's natural order, the next reverses it.
pub fn sort_header(label: &'static str, key: SortKey, base: &str, q: &ListQuery) -> impl IntoView {
    let current = (q.sort == Some(key)).then(|| q.effective_order()).flatten();
    let next = ListQuery {
        sort: Some(key),
        order: Some(current.map_or(key.default_order(), SortOrder::flip)),
        page: 1,
        ..q.clone()
    };
    let (aria, arrow) = match current {
        Some(SortOrder::Asc) => ("ascending", " ▲"),
        Some(SortOrder::Desc) => ("descending", " ▼"),
        None => ("none", ""),
    };
    view! {
        <th aria-sort=aria>
            <a href=href(base, &next) class="sort-link" data-testid=format!("sort-{}", key.code())>
                {label}
                <span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

/// "125 văn bản · Trang 2/3" with Trước / Sau (links, so the address keeps the page).
pub fn pager(base: &str, q: &ListQuery, total: i64) -> impl IntoView {
    let pages = page_count(total, q.per_page);
    let link = |page: u32, text: &'static str, testid: &'static str, enabled: bool| {
        if enabled {
            let to = ListQuery { page, ..q.clone() };
            view! { <a href=href(base, &to) class="btn btn-secondary pager-link" data-testid=testid>{text}</a> }
                .into_any()
        } else {
            view! { <span class="btn btn-secondary pager-link" aria-disabled="true" data-testid=testid>{text}</span> }
                .into_any()
        }
    };
    view! {
        <nav class="pager" aria-label="Phân trang" data-testid="pager">
            {link(q.page.saturating_sub(1).max(1), "Trước", "pager-prev", q.page > 1)}
            <span class="pager-place" data-testid="pager-place">
                {format!("Trang {}/{}", q.page, pages.max(q.page))}
            </span>
            {link(q.page + 1, "Sau", "pager-next", q.page < pages)}
        </nav>
    }
}

/// The total under the filters, as a sentence.
pub fn total_text(total: i64, q: &ListQuery) -> String {
    if q.active_filters() > 0 {
        format!("{total} văn bản khớp bộ lọc")
    } else {
        format!("{total} văn bản")
    }
}

/// The filters and the sort of a list, as a form. On a phone it folds behind "Bộ lọc (n)".
#[component]
pub fn FilterBar(
    kind: ListKind,
    /// The route's part of the address, which the filters are added to.
    base: String,
    query: ListQuery,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let active = query.active_filters();
    let text = |v: Option<String>| RwSignal::new(v.unwrap_or_default());
    let from = text(query.from.map(|d| d.to_string()));
    let to = text(query.to.map(|d| d.to_string()));
    let doc_type = text(query.doc_type.map(|t| t.code().to_string()));
    let urgency = text(query.urgency.map(|u| urgency_code(u).to_string()));
    let agency = text(query.agency.clone());
    let unit = text(query.unit.map(|u| u.to_string()));
    let status = text(query.status.clone());
    let sort = text(query.sort.map(|s| {
        format!(
            "{}:{}",
            s.code(),
            query.effective_order().unwrap_or(SortOrder::Desc).code()
        )
    }));
    let error = RwSignal::new(None::<String>);
    // The drafting units of the caller's agency, for outgoing lists.
    let units = LocalResource::new(move || async move {
        if kind != ListKind::Outgoing {
            return Vec::new();
        }
        let Ok(me) = api::session().await else {
            return Vec::new();
        };
        api::units(me.user.agency.id)
            .await
            .map(|us| us.into_iter().map(|u| (u.id, u.name)).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let per_page = query.per_page;
    let submit_base = base.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut pairs: Vec<(&str, String)> = vec![
            ("from", from.get_untracked()),
            ("to", to.get_untracked()),
            ("type", doc_type.get_untracked()),
            ("urgency", urgency.get_untracked()),
            ("status", status.get_untracked()),
        ];
        match kind {
            ListKind::Outgoing => pairs.push(("unit", unit.get_untracked())),
            _ => pairs.push(("agency", agency.get_untracked())),
        }
        if let Some((s, o)) = sort.get_untracked().split_once(':') {
            pairs.push(("sort", s.to_string()));
            pairs.push(("order", o.to_string()));
        }
        if per_page != list_query::DEFAULT_PER_PAGE {
            pairs.push(("per_page", per_page.to_string()));
        }
        match ListQuery::parse(kind, pairs, &[]) {
            Ok((q, _)) => {
                error.set(None);
                open.set(false);
                crate::pages::new_draft::go_to(&href(&submit_base, &q));
            }
            Err(e) => error.set(Some(e.message)),
        }
    };
    let select = |label: &'static str,
                  testid: &'static str,
                  value: RwSignal<String>,
                  options: Vec<(String, String)>| {
        view! {
            <label class="filter-field">
                <span class="filter-label">{label}</span>
                <select
                    data-testid=testid
                    prop:value=move || value.get()
                    on:change=move |ev| value.set(event_target_value(&ev))
                >
                    <option value="">"Tất cả"</option>
                    {options
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = value.get_untracked() == v;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
        }
    };
    let date = |label: &'static str, testid: &'static str, value: RwSignal<String>| {
        view! {
            <label class="filter-field">
                <span class="filter-label">{label}</span>
                <input
                    type="date"
                    data-testid=testid
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    let types: Vec<(String, String)> = DocumentType::ALL
        .iter()
        .map(|t| (t.code().to_string(), t.name().to_string()))
        .collect();
    let urgencies: Vec<(String, String)> = Urgency::ALL
        .into_iter()
        .map(|u| (urgency_code(u).to_string(), u.label().to_string()))
        .collect();
    let statuses: Vec<(String, String)> = list_query::statuses(kind)
        .into_iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
    let date_label = match kind {
        ListKind::Outgoing => "Cập nhật",
        ListKind::Incoming => "Ngày đến",
        ListKind::Dashboard => "Ngày giao",
    };
    // Which date the range reads, in its labels.
    let (from_label, to_label) = match kind {
        ListKind::Outgoing => ("Cập nhật từ ngày", "Cập nhật đến ngày"),
        ListKind::Incoming => ("Nhận từ ngày", "Nhận đến ngày"),
        ListKind::Dashboard => ("Giao từ ngày", "Giao đến ngày"),
    };
    let number_label = match kind {
        ListKind::Outgoing => "Số văn bản",
        _ => "Số đến",
    };
    let sorts: Vec<(String, String)> = [
        (
            SortKey::Date,
            SortOrder::Desc,
            format!("{date_label}: mới nhất trước"),
        ),
        (
            SortKey::Date,
            SortOrder::Asc,
            format!("{date_label}: cũ nhất trước"),
        ),
        (
            SortKey::Deadline,
            SortOrder::Asc,
            "Hạn: gần nhất trước".to_string(),
        ),
        (
            SortKey::Deadline,
            SortOrder::Desc,
            "Hạn: xa nhất trước".to_string(),
        ),
        (
            SortKey::Number,
            SortOrder::Desc,
            format!("{number_label}: lớn nhất trước"),
        ),
        (
            SortKey::Number,
            SortOrder::Asc,
            format!("{number_label}: nhỏ nhất trước"),
        ),
    ]
    .into_iter()
    .map(|(k, o, l)| (format!("{}:{}", k.code(), o.code()), l))
    .collect();
    let clear = href(
        &base,
        &ListQuery {
            per_page,
            ..ListQuery::default()
        },
    );
    let show_clear = active > 0 || query.sort.is_some();
    view! {
        <FilterSheet
            form_id="list-filters"
            aria_label="Lọc và sắp xếp danh sách"
            open
            active
            show_clear
            clear
            error
            on_submit=apply
        >
                {date(from_label, "filter-from", from)}
                {date(to_label, "filter-to", to)}
                {select("Loại văn bản", "filter-type", doc_type, types)}
                {select("Độ khẩn", "filter-urgency", urgency, urgencies)}
                {match kind {
                    ListKind::Outgoing => {
                        view! {
                            <label class="filter-field">
                                <span class="filter-label">"Đơn vị soạn"</span>
                                <select
                                    data-testid="filter-unit"
                                    prop:value=move || unit.get()
                                    on:change=move |ev| unit.set(event_target_value(&ev))
                                >
                                    <option value="">"Tất cả"</option>
                                    {move || {
                                        units
                                            .get()
                                            .unwrap_or_default()
                                            .into_iter()
                                            .map(|(id, name)| {
                                                let v = id.to_string();
                                                let selected = unit.get_untracked() == v;
                                                view! { <option value=v selected=selected>{name}</option> }
                                            })
                                            .collect_view()
                                    }}
                                </select>
                            </label>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <label class="filter-field">
                                <span class="filter-label">"Cơ quan ban hành"</span>
                                <input
                                    type="search"
                                    data-testid="filter-agency"
                                    maxlength="200"
                                    placeholder="Tên hoặc một phần tên"
                                    prop:value=move || agency.get()
                                    on:input=move |ev| agency.set(event_target_value(&ev))
                                />
                            </label>
                        }
                            .into_any()
                    }
                }}
                {select("Trạng thái", "filter-status", status, statuses)}
                <label class="filter-field">
                    <span class="filter-label">"Sắp xếp"</span>
                    <select
                        data-testid="filter-sort"
                        prop:value=move || sort.get()
                        on:change=move |ev| sort.set(event_target_value(&ev))
                    >
                        <option value="">"Mặc định"</option>
                        {sorts
                            .into_iter()
                            .map(|(v, l)| {
                                let selected = sort.get_untracked() == v;
                                view! { <option value=v selected=selected>{l}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
        </FilterSheet>
    }
}

/// The frame every filter form shares: a "Bộ lọc (n)" button that opens it as a sheet on a phone (inline from
/// 600 px), the sheet's head with "Đóng", the fields (`children`), "Lọc" and "Xóa bộ lọc", and the form's error.
#[component]
pub fn FilterSheet(
    /// The form's element id (the toggle controls it).
    form_id: &'static str,
    aria_label: &'static str,
    /// Whether the sheet is open on a phone (the form's own submit closes it after a good query).
    open: RwSignal<bool>,
    /// How many filters are in force (shown on the toggle).
    active: usize,
    /// Whether "Xóa bộ lọc" is offered.
    show_clear: bool,
    /// The address without filters.
    clear: String,
    error: RwSignal<Option<String>>,
    on_submit: impl Fn(leptos::ev::SubmitEvent) + 'static,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="filter-area">
            <button
                type="button"
                class="btn btn-secondary filter-toggle"
                data-testid="filter-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls=form_id
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {if active > 0 { format!("Bộ lọc ({active})") } else { "Bộ lọc".to_string() }}
            </button>
            <form
                id=form_id
                class="filter-bar"
                class:filter-open=move || open.get()
                data-testid="filter-bar"
                role="search"
                aria-label=aria_label
                on:submit=on_submit
            >
                <div class="filter-sheet-head">
                    <h2>"Bộ lọc"</h2>
                    <button type="button" class="btn btn-ghost" data-testid="filter-close" on:click=move |_| open.set(false)>
                        "Đóng"
                    </button>
                </div>
                {children()}
                <div class="filter-actions">
                    <button type="submit" class="btn btn-primary" data-testid="filter-apply">"Lọc"</button>
                    {show_clear.then(|| view! {
                        <a href=clear class="btn btn-ghost" data-testid="filter-clear">"Xóa bộ lọc"</a>
                    })}
                </div>
                {move || error.get().map(|m| view! { <p class="field-error" role="alert" data-testid="filter-error">{m}</p> })}
            </form>
        </div>
    }
}
