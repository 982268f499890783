//! `/tim-kiem?q=…`: the results of the navigation's search box — every document the person may open that
//! matches, exact numbers first, with the match marked in the number, trích yếu and agency; the filters
//! (direction, dates, type, urgency, status) in the lists' filter sheet; pages of 20. The state is the address
//! (`shared::search::SearchQuery`), so a search can be bookmarked and gone back to.

use leptos::prelude::*;
use shared::document::{DocumentType, Urgency};
use shared::list_query::{self, ListKind, page_count, urgency_code};
use shared::search::{MatchRange, SearchHit, SearchKind, SearchQuery};

use crate::api;
use crate::components::list_filters::FilterSheet;
use crate::components::list_parts::{error_panel, loading};

/// `text` with the characters of `ranges` inside `<mark>`.
fn marked(text: &str, ranges: &[MatchRange]) -> impl IntoView + use<> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts: Vec<AnyView> = Vec::new();
    let mut at = 0;
    for r in ranges {
        let (start, end) = (r.start.min(chars.len()), r.end.min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        let before: String = chars[at..start].iter().collect();
        let hit: String = chars[start..end].iter().collect();
        parts.push(before.into_any());
        parts.push(view! { <mark data-testid="search-mark">{hit}</mark> }.into_any());
        at = end;
    }
    let rest: String = chars[at..].iter().collect();
    parts.push(rest.into_any());
    parts
}

/// The address of the results for `q`.
fn href(q: &SearchQuery) -> String {
    format!("/tim-kiem?{}", q.to_query())
}

fn hit(h: SearchHit) -> impl IntoView {
    let date = shared::civil_date::CivilDate::parse(&h.date)
        .map(|d| d.display())
        .unwrap_or_else(|_| h.date.clone());
    let number = h.number_text.clone().map(|n| {
        let ranges = h.highlights.number_text.clone();
        view! { <span class="search-number" data-testid="search-number">{marked(&n, &ranges)}</span> }
    });
    view! {
        <li class="search-hit" data-testid="search-hit" data-kind=h.kind.code() data-id=h.id>
            <a href=h.kind.href(h.id) class="search-link" data-testid="search-link">
                <span class="search-head">
                    <span class=format!("chip search-kind search-kind-{}", h.kind.code())>{h.kind.label()}</span>
                    {number}
                    {h.exact_number.then(|| view! { <span class="chip search-exact" data-testid="search-exact">"Đúng số"</span> })}
                </span>
                <span class="search-subject" data-testid="search-subject">{marked(&h.subject, &h.highlights.subject)}</span>
                <span class="search-meta">
                    <span class="search-agency">{marked(&h.agency, &h.highlights.agency)}</span>
                    " · "
                    <span class="nowrap">{date}</span>
                    " · "
                    <span class=format!("status doc-status status-{}", h.status)>{h.status_label.clone()}</span>
                </span>
            </a>
        </li>
    }
}

/// "Trước / Trang k/N / Sau" as links.
fn pager(q: &SearchQuery, total: i64) -> impl IntoView {
    let pages = page_count(total, q.list.per_page);
    let link = |page: u32, text: &'static str, testid: &'static str, enabled: bool| {
        if enabled {
            let mut to = q.clone();
            to.list.page = page;
            view! { <a href=href(&to) class="btn btn-secondary pager-link" data-testid=testid>{text}</a> }.into_any()
        } else {
            view! { <span class="btn btn-secondary pager-link" aria-disabled="true" data-testid=testid>{text}</span> }
                .into_any()
        }
    };
    view! {
        <nav class="pager" aria-label="Phân trang" data-testid="pager">
            {link(q.list.page.saturating_sub(1).max(1), "Trước", "pager-prev", q.list.page > 1)}
            <span class="pager-place" data-testid="pager-place">
                {format!("Trang {}/{}", q.list.page, pages.max(q.list.page))}
            </span>
            {link(q.list.page + 1, "Sau", "pager-next", q.list.page < pages)}
        </nav>
    }
}

/// The filters of a search, in the lists' filter sheet.
#[component]
fn SearchFilters(query: SearchQuery) -> impl IntoView {
    let open = RwSignal::new(false);
    let text = |v: Option<String>| RwSignal::new(v.unwrap_or_default());
    let direction = text(query.direction.map(|d| d.code().to_string()));
    let from = text(query.list.from.map(|d| d.to_string()));
    let to = text(query.list.to.map(|d| d.to_string()));
    let doc_type = text(query.list.doc_type.map(|t| t.code().to_string()));
    let urgency = text(query.list.urgency.map(|u| urgency_code(u).to_string()));
    let status = text(query.list.status.clone());
    let error = RwSignal::new(None::<String>);
    let active = [
        query.direction.is_some(),
        query.list.from.is_some(),
        query.list.to.is_some(),
        query.list.doc_type.is_some(),
        query.list.urgency.is_some(),
        query.list.status.is_some(),
        query.unit_id.is_some(),
    ]
    .into_iter()
    .filter(|a| *a)
    .count();
    let q_text = query.q.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pairs: Vec<(&str, String)> = vec![
            ("q", q_text.clone()),
            ("direction", direction.get_untracked()),
            ("from", from.get_untracked()),
            ("to", to.get_untracked()),
            ("type", doc_type.get_untracked()),
            ("urgency", urgency.get_untracked()),
            ("status", status.get_untracked()),
        ];
        match SearchQuery::parse(pairs) {
            Ok(q) => {
                error.set(None);
                open.set(false);
                crate::pages::new_draft::go_to(&href(&q));
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
    let directions: Vec<(String, String)> = SearchKind::ALL
        .into_iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let types: Vec<(String, String)> = DocumentType::ALL
        .iter()
        .map(|t| (t.code().to_string(), t.name().to_string()))
        .collect();
    let urgencies: Vec<(String, String)> = Urgency::ALL
        .into_iter()
        .map(|u| (urgency_code(u).to_string(), u.label().to_string()))
        .collect();
    // Statuses of the chosen direction (both kinds' when none is chosen, each named once).
    let statuses = move || {
        let kinds = match SearchKind::from_code(&direction.get()) {
            Some(SearchKind::Outgoing) => vec![ListKind::Outgoing],
            Some(SearchKind::Incoming) => vec![ListKind::Incoming],
            None => vec![ListKind::Outgoing, ListKind::Incoming],
        };
        let mut out: Vec<(String, String)> = Vec::new();
        for k in kinds {
            for (c, l) in list_query::statuses(k) {
                if !out.iter().any(|(o, _)| o == c) {
                    out.push((c.to_string(), l.to_string()));
                }
            }
        }
        out
    };
    let clear = href(&SearchQuery::parse([("q", query.q.as_str())]).unwrap_or(query.clone()));
    let show_clear = active > 0;
    view! {
        <FilterSheet
            form_id="search-filters"
            aria_label="Lọc kết quả tìm kiếm"
            open
            active
            show_clear
            clear
            error
            on_submit=apply
        >
            {select("Văn bản", "filter-direction", direction, directions)}
            {date("Từ ngày", "filter-from", from)}
            {date("Đến ngày", "filter-to", to)}
            {select("Loại văn bản", "filter-type", doc_type, types)}
            {select("Độ khẩn", "filter-urgency", urgency, urgencies)}
            <label class="filter-field">
                <span class="filter-label">"Trạng thái"</span>
                <select
                    data-testid="filter-status"
                    prop:value=move || status.get()
                    on:change=move |ev| status.set(event_target_value(&ev))
                >
                    <option value="">"Tất cả"</option>
                    {move || statuses()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = status.get_untracked() == v;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
        </FilterSheet>
    }
}

#[component]
pub fn SearchPage(
    /// The address's query string (`q` and the filters).
    #[prop(optional)]
    query: String,
) -> impl IntoView {
    let parsed = SearchQuery::parse(list_query::decode_pairs(&query));
    let Ok(q) = parsed else {
        let message = parsed.err().map(|e| e.message).unwrap_or_default();
        let blank = !list_query::decode_pairs(&query)
            .iter()
            .any(|(k, v)| k == "q" && !v.trim().is_empty());
        return view! {
            <section class="page work-page search-page">
                <header class="page-header"><h1>"Tìm kiếm"</h1></header>
                <p class="empty" data-testid="search-prompt">
                    {if blank {
                        "Nhập số, ký hiệu, trích yếu, cơ quan ban hành, người ký hoặc nội dung văn bản vào ô tìm kiếm (không cần gõ dấu).".to_string()
                    } else {
                        message
                    }}
                </p>
            </section>
        }
        .into_any();
    };
    let asked = q.clone();
    let results = LocalResource::new(move || {
        let q = asked.clone();
        async move { api::search(&q).await }
    });
    let shown_q = q.clone();
    let list = move || {
        match results.get() {
        None => loading().into_any(),
        Some(Err(e)) => error_panel(e.message(), move || results.refetch()).into_any(),
        Some(Ok(r)) if r.items.is_empty() => view! {
            <p class="empty" data-testid="search-empty">
                {if r.total > 0 {
                    "Trang này không có kết quả.".to_string()
                } else {
                    format!(
                        "Không tìm thấy văn bản nào khớp “{}” trong những văn bản bạn được xem. Hãy thử từ khác, bớt bộ lọc, hoặc tìm theo số, ký hiệu.",
                        shown_q.q
                    )
                }}
            </p>
            {(r.total > 0).then(|| pager(&shown_q, r.total))}
        }
        .into_any(),
        Some(Ok(r)) => view! {
            <p class="count" data-testid="search-count" data-total=r.total>
                {format!("{} văn bản", r.total)}
            </p>
            <ol class="search-results" data-testid="search-results">
                {r.items.into_iter().map(hit).collect_view()}
            </ol>
            {pager(&shown_q, r.total)}
        }
        .into_any(),
    }
    };
    view! {
        <section class="page work-page search-page">
            <header class="page-header">
                <h1>"Kết quả tìm kiếm: " <span class="search-query" data-testid="search-query">{format!("“{}”", q.q)}</span></h1>
            </header>
            <SearchFilters query=q.clone() />
            {list}
        </section>
    }
    .into_any()
}
