//! `/van-ban-di?muc=…`: one bucket of outgoing documents (DESIGN §6), as a table on a desktop and cards on a
//! phone; in "Chờ duyệt", several drafts can be approved at once, each with its own result.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::outgoing::{
    BatchItemResult, BatchReviewRequest, OutgoingBucket, OutgoingSummary, ReviewDecision,
    ReviewRequest,
};

use crate::api;
use crate::components::list_filters::{self, FilterBar, sort_header};
use crate::components::list_parts::{error_panel, loading, refetch_on_live, urgency_stamp};
use shared::list_query::{ListKind, SortKey};

fn title(bucket: OutgoingBucket) -> &'static str {
    match bucket {
        OutgoingBucket::Drafts => "Dự thảo",
        OutgoingBucket::ToReview => "Chờ duyệt",
        OutgoingBucket::ToSign => "Chờ ký",
        OutgoingBucket::ToIssue => "Chờ phát hành",
        OutgoingBucket::Issued => "Đã phát hành",
        OutgoingBucket::Returned => "Bị trả lại",
        OutgoingBucket::Mine => "Văn bản của tôi",
    }
}

fn empty_text(bucket: OutgoingBucket) -> &'static str {
    match bucket {
        OutgoingBucket::Drafts => "Bạn chưa có dự thảo nào. Bấm “Soạn văn bản” để bắt đầu.",
        OutgoingBucket::ToReview => "Không có dự thảo nào chờ bạn duyệt.",
        OutgoingBucket::ToSign => "Không có văn bản nào chờ bạn ký.",
        OutgoingBucket::ToIssue => "Không có văn bản nào chờ phát hành.",
        OutgoingBucket::Issued => "Cơ quan chưa phát hành văn bản nào.",
        OutgoingBucket::Returned => "Không có văn bản nào bị trả lại.",
        OutgoingBucket::Mine => "Bạn chưa soạn, duyệt hay ký văn bản nào.",
    }
}

#[component]
pub fn OutgoingListPage(
    bucket: OutgoingBucket,
    /// The address's query string: the list's filters, sort and page.
    #[prop(optional)]
    query: String,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let (filter, address_error) = list_filters::read_address(ListKind::Outgoing, &query, &["muc"]);
    let base = format!("/van-ban-di?muc={}", bucket.code());
    let asked = filter.clone();
    let items = LocalResource::new(move || {
        version.track();
        let q = asked.clone();
        async move { api::outgoing_list(bucket, &q).await }
    });
    // Chờ duyệt: approve several at once; Chờ ký: sign several at once (one key, one PIN).
    let batch = matches!(bucket, OutgoingBucket::ToReview | OutgoingBucket::ToSign);
    let signing = bucket == OutgoingBucket::ToSign;
    let batch_sign_open = RwSignal::new(false);
    let selected = RwSignal::new(Vec::<i64>::new());
    // The last batch: each document's subject and its result.
    let results = RwSignal::new(Vec::<(String, BatchItemResult)>::new());
    let batch_error = RwSignal::new(None::<String>);
    let approve = Action::new_local(move |ids: &Vec<i64>| {
        let body = BatchReviewRequest {
            ids: ids.clone(),
            review: ReviewRequest {
                decision: ReviewDecision::Approve,
                comment: None,
                forward_to: None,
            },
        };
        async move { api::batch_review(&body).await }
    });
    Effect::new(move |_| match approve.value().get() {
        Some(Ok(response)) => {
            let subjects: HashMap<i64, String> = items
                .get_untracked()
                .and_then(Result::ok)
                .map(|l| l.items.into_iter().map(|s| (s.id, s.subject)).collect())
                .unwrap_or_default();
            results.set(
                response
                    .results
                    .into_iter()
                    .map(|r| (subjects.get(&r.id).cloned().unwrap_or_default(), r))
                    .collect(),
            );
            selected.set(Vec::new());
            batch_error.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => batch_error.set(Some(e.message())),
        None => {}
    });

    let row = move |doc: OutgoingSummary| {
        let id = doc.id;
        let href = format!("/van-ban-di/{id}");
        let checkbox = batch.then(|| {
            view! {
                <td class="check-cell">
                    <label class="check-hit">
                        <input
                            type="checkbox"
                            data-testid="select-document"
                            aria-label="Chọn văn bản"
                            prop:checked=move || selected.with(|s| s.contains(&id))
                            on:change=move |_| {
                                selected
                                    .update(|s| {
                                        if let Some(i) = s.iter().position(|x| *x == id) {
                                            s.remove(i);
                                        } else {
                                            s.push(id);
                                        }
                                    })
                            }
                        />
                    </label>
                </td>
            }
        });
        view! {
            <tr data-testid="outgoing-row" data-id=id>
                {checkbox}
                <td class="subject-cell">
                    <a href=href.clone() class="doc-link" data-testid="outgoing-link">
                        <span class="doc-type">{doc.doc_type.name()}</span>
                        " "
                        <span class="doc-subject">{doc.subject.clone()}</span>
                    </a>
                    {urgency_stamp(doc.urgency)}
                </td>
                <td data-label="Trạng thái">
                    <span class=format!("status doc-status status-{}", doc.status.code())>{doc.status.label()}</span>
                </td>
                <td data-label="Đang ở">
                    {doc.holder.map(|h| h.full_name).unwrap_or_else(|| "—".into())}
                </td>
                <td data-label="Số, ký hiệu">{doc.number_text.unwrap_or_else(|| "—".into())}</td>
                <td data-label="Cập nhật" class="nowrap">{doc.updated_at.to_display_vn()}</td>
            </tr>
        }
    };

    let select_all = move |all: Vec<i64>| {
        let every = selected.with(|s| !all.is_empty() && all.iter().all(|id| s.contains(id)));
        selected.set(if every { Vec::new() } else { all });
    };

    let (list_base, list_filter) = (base.clone(), filter.clone());
    let list = move || match items.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || items.refetch()),
        Some(Ok(list)) if list.items.is_empty() => view! {
            <p class="empty" data-testid="outgoing-empty">
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
            let all: Vec<i64> = list.items.iter().map(|d| d.id).collect();
            let head_check = batch.then(|| {
                let all = all.clone();
                view! {
                    <th class="check-cell">
                        <label class="check-hit">
                            <input
                                type="checkbox"
                                data-testid="select-all"
                                aria-label="Chọn tất cả"
                                prop:checked={
                                    let all = all.clone();
                                    move || selected.with(|s| all.iter().all(|id| s.contains(id)))
                                }
                                on:change=move |_| select_all(all.clone())
                            />
                        </label>
                    </th>
                }
            });
            let toolbar = batch.then(|| {
                view! {
                    <div class="toolbar batch-bar">
                        <button
                            type="button"
                            class="btn btn-secondary"
                            data-testid="select-all-button"
                            on:click={
                                let all = all.clone();
                                move |_| select_all(all.clone())
                            }
                        >
                            "Chọn tất cả"
                        </button>
                        <button
                            type="button"
                            class="btn btn-primary"
                            data-testid="batch-sign-open"
                            hidden=!signing
                            prop:disabled=move || selected.with(Vec::is_empty)
                            on:click=move |_| batch_sign_open.set(true)
                        >
                            {move || format!("Ký số ({})", selected.with(Vec::len))}
                        </button>
                        <button
                            type="button"
                            class="btn btn-primary"
                            data-testid="batch-approve"
                            hidden=signing
                            prop:disabled=move || selected.with(Vec::is_empty) || approve.pending().get()
                            on:click=move |_| {
                                results.set(Vec::new());
                                approve.dispatch(selected.get_untracked());
                            }
                        >
                            {move || {
                                if approve.pending().get() {
                                    "Đang gửi ý kiến…".to_string()
                                } else {
                                    format!("Đồng ý ({})", selected.with(Vec::len))
                                }
                            }}
                        </button>
                    </div>
                }
            });
            view! {
                {toolbar}
                <p class="count" data-testid="list-count" data-total=list.total>
                    {list_filters::total_text(list.total, &list_filter)}
                </p>
                <div class="table-wrap">
                    <table class="data-table responsive doc-table">
                        <thead>
                            <tr>
                                {head_check}
                                <th>"Loại, trích yếu"</th>
                                <th>"Trạng thái"</th>
                                <th>"Đang ở"</th>
                                {sort_header("Số, ký hiệu", SortKey::Number, &list_base, &list_filter)}
                                {sort_header("Cập nhật", SortKey::Date, &list_base, &list_filter)}
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
                <h1>"Văn bản đi — " {title(bucket)}</h1>
                <a href="/van-ban-di/moi" class="btn btn-primary" data-testid="new-draft-link">
                    "Soạn văn bản"
                </a>
            </header>
            {address_error.map(|m| view! { <p class="alert alert-warning" role="alert" data-testid="address-error">{m}</p> })}
            <FilterBar kind=ListKind::Outgoing base=base.clone() query=filter.clone() />
            {move || {
                batch_error
                    .get()
                    .map(|m| {
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="batch-error">
                                {m}
                            </div>
                        }
                    })
            }}
            <Show when=move || results.with(|r| !r.is_empty())>
                <div class="batch-summary" data-testid="batch-results" aria-live="polite">
                    <h2>"Kết quả"</h2>
                    <ul>
                        {move || {
                            results
                                .get()
                                .into_iter()
                                .map(|(subject, r)| {
                                    let (class, text) = if r.ok {
                                        ("ok", "Đã đồng ý".to_string())
                                    } else {
                                        ("bad", r.error.unwrap_or_else(|| "Không thực hiện được.".into()))
                                    };
                                    view! {
                                        <li class=format!("batch-result batch-{class}") data-testid="batch-result" data-ok=r.ok.to_string()>
                                            <a href=format!("/van-ban-di/{}", r.id)>{subject}</a>
                                            ": "
                                            <span>{text}</span>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <button type="button" class="btn btn-ghost btn-small" data-testid="batch-results-close" on:click=move |_| results.set(Vec::new())>
                        "Đóng"
                    </button>
                </div>
            </Show>
            {move || {
                (signing && batch_sign_open.get() && !selected.with(Vec::is_empty))
                    .then(|| {
                        view! {
                            <crate::pages::document::batch_sign::BatchSign
                                ids=selected.get()
                                on_finished=Callback::new(move |_| version.update(|v| *v += 1))
                            />
                        }
                    })
            }}
            {list}
        </section>
    }
}
