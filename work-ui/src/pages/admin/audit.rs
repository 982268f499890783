//! `/quan-tri/nhat-ky`: the audit log as sentences ("Lê Văn Hùng đã ký văn bản 12/QĐ-SNV «…»"), newest first,
//! filtered by person, action, document and dates (and agency, for a system administrator), paged, and
//! exported as CSV with the same filters. The filters live in the address ([`shared::audit::AuditQuery`]), so a
//! filtered log can be bookmarked, reloaded and gone back to; on a phone they fold behind "Bộ lọc".

use leptos::prelude::*;
use shared::audit::{ACTION_FAMILIES, ACTIONS, AuditEntryDto, AuditQuery, action_label};
use shared::list_query::{self, page_count};

use super::Admin;
use crate::api;
use crate::components::list_filters::FilterSheet;
use crate::components::list_parts::{error_panel, loading};

const BASE: &str = "/quan-tri/nhat-ky";

/// The page's address under `q`.
fn href(q: &AuditQuery) -> String {
    let query = q.to_query(true);
    if query.is_empty() {
        BASE.to_string()
    } else {
        format!("{BASE}?{query}")
    }
}

#[component]
pub fn AuditPage(
    /// The address's query string: the filters and the page.
    #[prop(optional)]
    query: String,
) -> impl IntoView {
    let session = LocalResource::new(api::session);
    move || match session.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || session.refetch()),
        Some(Ok(s)) => {
            let admin = Admin {
                system: s.user.has_role(shared::role::Role::SystemAdmin),
                me: s.user,
            };
            view! { <AuditLog admin query=query.clone() /> }.into_any()
        }
    }
}

#[component]
fn AuditLog(admin: Admin, query: String) -> impl IntoView {
    let (q, address_error) = match AuditQuery::parse(list_query::decode_pairs(&query)) {
        Ok(q) => (q, None),
        Err(e) => (
            AuditQuery::default(),
            Some(format!(
                "Địa chỉ có bộ lọc không hợp lệ, đang hiện nhật ký không lọc. {}",
                e.message
            )),
        ),
    };
    let asked = q.clone();
    let entries = LocalResource::new(move || {
        let q = asked.clone();
        async move { api::admin::audit(&q).await }
    });
    let export = format!("{}?{}", shared::api::AUDIT_EXPORT, q.to_query(false));
    let export = export.trim_end_matches('?').to_string();
    let pager_q = q.clone();
    let list = move || match entries.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || entries.refetch()),
        Some(Ok(page)) => {
            let filtered = pager_q
                .to_pairs(false)
                .iter()
                .any(|(k, _)| *k != "before_seq");
            let total = page.total;
            let summary = if filtered {
                format!("{total} mục khớp bộ lọc")
            } else {
                format!("{total} mục")
            };
            if page.entries.is_empty() {
                return view! {
                    <p class="count" data-testid="audit-total">{summary}</p>
                    <p class="empty">"Không có mục nào trong nhật ký khớp bộ lọc."</p>
                }
                .into_any();
            }
            view! {
                <p class="count" data-testid="audit-total">{summary}</p>
                <div class="table-wrap">
                    <table class="data-table responsive audit-table">
                        <thead>
                            <tr>
                                <th>"Thời gian"</th>
                                <th>"Nội dung"</th>
                                <th>"Thao tác"</th>
                                <th>"Địa chỉ máy"</th>
                            </tr>
                        </thead>
                        <tbody>{page.entries.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
                {pager(&pager_q, total)}
            }
            .into_any()
        }
    };
    view! {
        <div class="audit-page">
            {address_error.map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="audit-toolbar">
                <AuditFilters admin query=q.clone() />
                <a
                    href=export
                    class="btn btn-secondary"
                    download=""
                    data-testid="audit-export"
                    title="Tải về mọi mục khớp bộ lọc, mở được bằng Excel"
                >
                    "Xuất CSV"
                </a>
            </div>
            {list}
        </div>
    }
}

fn row(e: AuditEntryDto) -> impl IntoView {
    let failed = e.action == "auth.login_failed";
    let target = e.target.clone();
    // A document's sentence links to the document.
    let link = target.as_deref().and_then(|t| match t.split_once(':') {
        Some(("outgoing", id)) => Some(format!("/van-ban-di/{id}")),
        Some(("incoming", id)) => Some(format!("/van-ban-den/{id}")),
        _ => None,
    });
    let sentence = match link {
        Some(href) => view! { <a href=href>{e.sentence.clone()}</a> }.into_any(),
        None => view! { <span>{e.sentence.clone()}</span> }.into_any(),
    };
    view! {
        <tr data-testid="audit-row" data-action=e.action.clone() class:row-warn=failed>
            <td data-label="Thời gian" class="nowrap">{e.at.to_display_vn()}</td>
            <td data-label="Nội dung" class="audit-sentence" data-testid="audit-sentence">{sentence}</td>
            <td data-label="Thao tác">{action_label(&e.action).to_string()}</td>
            <td data-label="Địa chỉ máy">
                <code>{e.client_addr.unwrap_or_else(|| "—".into())}</code>
            </td>
        </tr>
    }
}

/// "Trang 2/7" with Trước / Sau (links, so the address keeps the page).
fn pager(q: &AuditQuery, total: i64) -> impl IntoView {
    let pages = page_count(total, q.per_page);
    let link = |page: u32, text: &'static str, testid: &'static str, enabled: bool| {
        if enabled {
            let to = AuditQuery { page, ..q.clone() };
            view! { <a href=href(&to) class="btn btn-secondary pager-link" data-testid=testid>{text}</a> }
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

/// The filters as a form: inline on a desktop, a sheet behind "Bộ lọc (n)" on a phone.
#[component]
fn AuditFilters(admin: Admin, query: AuditQuery) -> impl IntoView {
    let open = RwSignal::new(false);
    let active = query
        .to_pairs(false)
        .iter()
        .filter(|(k, _)| *k != "before_seq")
        .count();
    let text = |v: Option<String>| RwSignal::new(v.unwrap_or_default());
    let agency = text(query.agency_id.map(|a| a.to_string()));
    let actor = text(query.actor.clone());
    let action = text(query.action.clone());
    let document = text(query.document.clone());
    let from = text(query.from.map(|d| d.to_string()));
    let to = text(query.to.map(|d| d.to_string()));
    let error = RwSignal::new(None::<String>);
    let system = admin.system;
    let agencies = LocalResource::new(move || async move {
        if system {
            api::agencies().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let kept = (query.actor_id, query.target.clone(), query.per_page);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut pairs: Vec<(&str, String)> = vec![
            ("actor", actor.get_untracked()),
            ("action", action.get_untracked()),
            ("document", document.get_untracked()),
            ("from", from.get_untracked()),
            ("to", to.get_untracked()),
        ];
        if system {
            pairs.push(("agency_id", agency.get_untracked()));
        }
        match AuditQuery::parse(pairs) {
            Ok(mut q) => {
                q.actor_id = kept.0;
                q.target = kept.1.clone();
                q.per_page = kept.2;
                error.set(None);
                open.set(false);
                crate::pages::new_draft::go_to(&href(&q));
            }
            Err(e) => error.set(Some(e.message)),
        }
    };
    let field =
        |label: &'static str, testid: &'static str, value: RwSignal<String>, kind: &'static str| {
            view! {
                <label class="filter-field">
                    <span class="filter-label">{label}</span>
                    <input
                        type=kind
                        data-testid=testid
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
            }
        };
    let chosen = action.get_untracked();
    let options = ACTION_FAMILIES
        .iter()
        .chain(ACTIONS)
        .map(|(code, label)| {
            let selected = chosen == *code;
            view! { <option value=*code selected=selected>{*label}</option> }
        })
        .collect_view();
    let clear = href(&AuditQuery {
        per_page: query.per_page,
        ..AuditQuery::default()
    });
    let agency_field = move || {
        system.then(|| {
            let chosen = agency.get_untracked();
            let list = agencies.get().unwrap_or_default();
            view! {
                <label class="filter-field">
                    <span class="filter-label">"Cơ quan"</span>
                    <select data-testid="audit-filter-agency" on:change=move |ev| agency.set(event_target_value(&ev))>
                        <option value="">"Tất cả cơ quan"</option>
                        {list
                            .into_iter()
                            .map(|a| {
                                let id = a.id.to_string();
                                let selected = id == chosen;
                                view! { <option value=id selected=selected>{a.name}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    };
    let show_clear = active > 0;
    view! {
        <FilterSheet
            form_id="audit-filters"
            aria_label="Lọc nhật ký"
            open
            active
            show_clear
            clear
            error
            on_submit=apply
        >
                {agency_field}
                {field("Người thực hiện", "audit-filter-actor", actor, "search")}
                <label class="filter-field">
                    <span class="filter-label">"Thao tác"</span>
                    <select
                        data-testid="audit-filter-action"
                        on:change=move |ev| action.set(event_target_value(&ev))
                    >
                        <option value="">"Tất cả"</option>
                        {options}
                    </select>
                </label>
                {field("Văn bản (số, trích yếu)", "audit-filter-document", document, "search")}
                {field("Từ ngày", "filter-from", from, "date")}
                {field("Đến ngày", "filter-to", to, "date")}
        </FilterSheet>
    }
}
