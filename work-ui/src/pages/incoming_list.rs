//! `/van-ban-den?muc=…`: one bucket of incoming documents (DESIGN §6) — Chờ vào sổ, Chờ phân công, Chờ xử lý,
//! Đang xử lý, Đã xử lý, Để biết, Tất cả — as a table on a desktop and cards on a phone: số đến, date of
//! arrival (and "Nhập bù"), sender and số ký hiệu, urgency stamp, trích yếu, deadline with its state, and a
//! mark when the sender asked to recall it. Clerks get "Tiếp nhận văn bản" (the intake form).

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::incoming::{DueState, IncomingBucket, IncomingSummary};
use shared::role::Role;

use crate::api;
use crate::components::list_filters::{self, FilterBar, sort_header};
use crate::components::list_parts::{error_panel, loading, refetch_on_live, urgency_stamp};
use shared::list_query::{ListKind, SortKey};

fn empty_text(bucket: IncomingBucket) -> &'static str {
    match bucket {
        IncomingBucket::ToRegister => "Không có văn bản nào chờ vào sổ.",
        IncomingBucket::ToAssign => "Không có văn bản nào chờ bạn phân công.",
        IncomingBucket::Pending => "Bạn không có văn bản nào chờ xử lý.",
        IncomingBucket::Processing => "Bạn không có văn bản nào đang xử lý.",
        IncomingBucket::Done => "Bạn chưa xử lý xong văn bản nào.",
        IncomingBucket::Inform => "Không có văn bản nào gửi bạn để biết.",
        IncomingBucket::All => "Cơ quan chưa nhận văn bản nào.",
    }
}

/// "Quá hạn" in red, "Sắp đến hạn" in amber; nothing otherwise.
pub fn due_badge(due: DueState) -> impl IntoView {
    let class = match due {
        DueState::Overdue => Some("due-badge due-overdue"),
        DueState::DueSoon => Some("due-badge due-soon"),
        _ => None,
    };
    class.map(|c| {
        view! {
            <span class=c data-testid="due-badge" data-due=format!("{due:?}").to_lowercase()>
                {due.label()}
            </span>
        }
    })
}

/// The date part (dd/mm/yyyy) of a time, in Vietnam.
pub fn day_of(t: shared::time::Timestamp) -> String {
    CivilDate::of(t).display()
}

/// Buckets worth showing as tabs to someone with these roles (the server refuses "Chờ vào sổ" to others).
fn tabs_for(roles: &[Role]) -> Vec<IncomingBucket> {
    let clerk = roles.contains(&Role::Clerk);
    let leader = roles.contains(&Role::AgencyLeader) || roles.contains(&Role::UnitLeader);
    let handler = leader || roles.contains(&Role::Official);
    IncomingBucket::ALL
        .into_iter()
        .filter(|b| match b {
            IncomingBucket::ToRegister => clerk,
            IncomingBucket::ToAssign => leader,
            IncomingBucket::All => clerk || roles.contains(&Role::AgencyLeader),
            _ => handler,
        })
        .collect()
}

fn row(doc: IncomingSummary) -> impl IntoView {
    let href = format!("/van-ban-den/{}", doc.id);
    let state = match (doc.role, doc.assignment_state) {
        (Some(r), Some(s)) => format!("{} · {}", r.label(), s.label()),
        _ => doc.status.label().to_string(),
    };
    view! {
        <tr data-testid="incoming-row" data-id=doc.id class:row-overdue=doc.due == DueState::Overdue>
            <td data-label="Số đến" class="num arrival-no" data-testid="arrival-number">
                {doc.arrival_number.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}
            </td>
            <td data-label="Ngày đến" class="nowrap">
                <span>
                    {day_of(doc.received_at)}
                    {doc.backfilled.then(|| view! { <span class="chip chip-backfilled" data-testid="backfilled-mark">"Nhập bù"</span> })}
                </span>
            </td>
            <td data-label="Nơi gửi">
                <div>
                    <div class="sender">{doc.sender_name.clone()}</div>
                    <div class="cell-sub">{format!("Số {} · {}", doc.code_text, doc.issued_date.display())}</div>
                </div>
            </td>
            <td class="subject-cell">
                {urgency_stamp(doc.urgency)}
                <a href=href class="doc-link" data-testid="incoming-link">
                    <span class="doc-type">{doc.doc_type.name()}</span>
                    " "
                    <span class="doc-subject">{doc.subject.clone()}</span>
                </a>
                {doc.recall_requested.then(|| view! { <span class="chip chip-recall" data-testid="recall-mark">"Bên gửi đề nghị thu hồi"</span> })}
            </td>
            <td data-label="Hạn xử lý" class="nowrap">
                <span>
                    {doc.due_date.map(|d| d.display()).unwrap_or_else(|| "—".into())}
                    " "
                    {due_badge(doc.due)}
                </span>
            </td>
            <td data-label="Tình trạng">
                <span class=format!("status doc-status status-{}", doc.status.code()) data-testid="incoming-state">{state}</span>
            </td>
        </tr>
    }
}

#[component]
pub fn IncomingListPage(
    bucket: IncomingBucket,
    /// The address's query string: the list's filters, sort and page.
    #[prop(optional)]
    query: String,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let (filter, address_error) = list_filters::read_address(ListKind::Incoming, &query, &["muc"]);
    let base = format!("/van-ban-den?muc={}", bucket.code());
    let asked = filter.clone();
    let items = LocalResource::new(move || {
        version.track();
        let q = asked.clone();
        async move { api::incoming_list(bucket, &q).await }
    });
    let me = LocalResource::new(|| async { api::session().await.ok().map(|s| s.user.roles) });
    let roles = move || me.get().flatten().unwrap_or_default();
    let clerk = move || roles().contains(&Role::Clerk);

    let (list_base, list_filter) = (base.clone(), filter.clone());
    let list = move || match items.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || items.refetch()),
        Some(Ok(list)) if list.items.is_empty() => view! {
            <p class="empty" data-testid="incoming-empty">
                {if list_filter.active_filters() > 0 || list_filter.page > 1 {
                    "Không có văn bản nào khớp bộ lọc ở trang này."
                } else {
                    empty_text(bucket)
                }}
            </p>
            {(list.total > 0).then(|| list_filters::pager(&list_base, &list_filter, list.total))}
        }
        .into_any(),
        Some(Ok(list)) => {
            let overdue = list
                .items
                .iter()
                .filter(|d| d.due == DueState::Overdue)
                .count();
            let soon = list
                .items
                .iter()
                .filter(|d| d.due == DueState::DueSoon)
                .count();
            view! {
                <p class="count" data-testid="incoming-count" data-total=list.total>
                    {list_filters::total_text(list.total, &list_filter)}
                    {(overdue > 0).then(|| view! { <span class="due-badge due-overdue">{format!("{overdue} quá hạn")}</span> })}
                    {(soon > 0).then(|| view! { <span class="due-badge due-soon">{format!("{soon} sắp đến hạn")}</span> })}
                </p>
                <div class="table-wrap">
                    <table class="data-table responsive doc-table incoming-table" data-testid="incoming-table">
                        <thead>
                            <tr>
                                {sort_header("Số đến", SortKey::Number, &list_base, &list_filter)}
                                {sort_header("Ngày đến", SortKey::Date, &list_base, &list_filter)}
                                <th>"Nơi gửi, số ký hiệu"</th>
                                <th>"Loại, trích yếu"</th>
                                {sort_header("Hạn xử lý", SortKey::Deadline, &list_base, &list_filter)}
                                <th>"Tình trạng"</th>
                            </tr>
                        </thead>
                        <tbody>{list.items.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
                {list_filters::pager(&list_base, &list_filter, list.total)}
            }
            .into_any()
        }
    };

    view! {
        <section class="page work-page">
            <header class="page-header page-header-row">
                <h1>"Văn bản đến — " {bucket.label()}</h1>
                {move || clerk().then(|| view! {
                    <a href="/van-ban-den/moi" class="btn btn-primary" data-testid="intake-link">"Tiếp nhận văn bản"</a>
                })}
            </header>
            <nav class="bucket-tabs" aria-label="Mục văn bản đến">
                {move || tabs_for(&roles()).into_iter().map(|b| view! {
                    <a
                        href=format!("/van-ban-den?muc={}", b.code())
                        class="bucket-tab"
                        class:bucket-current=b == bucket
                        aria-current=(b == bucket).then_some("page")
                        data-testid=format!("bucket-tab-{}", b.code())
                    >
                        {b.label()}
                    </a>
                }).collect_view()}
            </nav>
            {address_error.map(|m| view! { <p class="alert alert-warning" role="alert" data-testid="address-error">{m}</p> })}
            <FilterBar kind=ListKind::Incoming base=base.clone() query=filter.clone() />
            {list}
        </section>
    }
}
