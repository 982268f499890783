//! The backlog per unit and per person: open, due soon and overdue work and the oldest open work's date, in
//! the chosen order; the first lines, the rest on demand.

use leptos::prelude::*;
use shared::incoming::BacklogRow;

use super::{SortBy, age, date_of};

/// Lines of a backlog shown before "Xem tất cả".
const BACKLOG_FIRST_LINES: usize = 10;

/// Open work of units or people: name (drills down), open, due soon, overdue, the oldest open work's date.
#[component]
pub(super) fn BacklogTable(
    title: &'static str,
    who: &'static str,
    kind: &'static str,
    rows: Vec<BacklogRow>,
    sort: RwSignal<SortBy>,
    href: impl Fn(&'static str, i64) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let total = rows.len();
    let rows = StoredValue::new(rows);
    // A department has a few units but dozens of people: the first lines in the chosen order, the rest on demand.
    let expanded = RwSignal::new(false);
    let header = |s: SortBy, label: &'static str| {
        view! {
            <th class="num" aria-sort=move || if sort.get() == s { "descending" } else { "none" }>
                <button type="button" class="th-sort" on:click=move |_| sort.set(s)>
                    {label}
                    {move || (sort.get() == s).then_some(" ▾")}
                </button>
            </th>
        }
    };
    let body = move || {
        let mut rows = rows.get_value();
        sort.get().sort(&mut rows);
        let shown = if expanded.get() {
            rows.len()
        } else {
            BACKLOG_FIRST_LINES
        };
        rows.into_iter()
            .take(shown)
            .map(|r| {
                view! {
                    <tr data-testid=format!("backlog-{kind}") data-id=r.id>
                        <td class="bl-name">
                            <a href=href(kind, r.id) data-testid=format!("drill-{kind}")>
                                {r.name}
                            </a>
                        </td>
                        <td class="num bl-open" data-label="đang xử lý">
                            <span class="bl-n">{r.open}</span>
                        </td>
                        <td class="num bl-soon" class:has={r.due_soon > 0} data-label="sắp đến hạn">
                            <span class="bl-n">{r.due_soon}</span>
                        </td>
                        <td class="num bl-overdue" class:has={r.overdue > 0} data-label="quá hạn">
                            <span class="bl-n">{r.overdue}</span>
                        </td>
                        <td class="bl-oldest">
                            {r.oldest_at
                                .map(|t| {
                                    view! {
                                        <span class="bl-oldest-label">"Cũ nhất: "</span>
                                        <span class="nowrap">{date_of(t)}</span>
                                        <span class="cell-sub">{age(t)}</span>
                                    }
                                })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="backlog" data-testid=format!("backlog-{kind}-table")>
            <h2>{title}</h2>
            <div class="table-wrap">
                <table class="data-table backlog-table">
                    <thead>
                        <tr>
                            <th>{who}</th>
                            {header(SortBy::Open, "Đang xử lý")}
                            <th class="num">"Sắp đến hạn"</th>
                            {header(SortBy::Overdue, "Quá hạn")}
                            <th aria-sort=move || if sort.get() == SortBy::Oldest { "ascending" } else { "none" }>
                                <button type="button" class="th-sort" on:click=move |_| sort.set(SortBy::Oldest)>
                                    "Việc cũ nhất"
                                    {move || (sort.get() == SortBy::Oldest).then_some(" ▴")}
                                </button>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {(total > BACKLOG_FIRST_LINES).then(|| view! {
                <button
                    type="button"
                    class="btn btn-ghost btn-small bl-more"
                    data-testid=format!("backlog-{kind}-more")
                    aria-expanded=move || expanded.get().to_string()
                    on:click=move |_| expanded.update(|e| *e = !*e)
                >
                    {move || if expanded.get() {
                        "Thu gọn".to_string()
                    } else {
                        format!("Xem tất cả {total} {}", who.to_lowercase())
                    }}
                </button>
            })}
        </section>
    }
}
