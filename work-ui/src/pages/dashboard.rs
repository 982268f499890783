//! `/bang-theo-doi`: the leaders' dashboard of the agency's open work (Điều 16, 18.2, 20.2), what a leader opens
//! each morning on the phone: the big numbers, the backlog per unit and per person, the oldest open work and the
//! overdue list, each line with "Đôn đốc". `?unit=` / `?user=` drill down into one unit's or person's open work.
//! A table on a desktop, cards on a phone (style/dashboard.css).

mod backlog;
mod work_list;

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::incoming::{BacklogRow, DashboardDto, DueState, OpenWork, due_at};
use shared::time::Timestamp;

use crate::api;
use crate::components::list_filters;
use crate::components::list_parts::{error_panel, loading, refetch_on_live};
use backlog::BacklogTable;
use shared::list_query::{ListKind, ListQuery};
use work_list::{UrgeResults, WorkList};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A date as people read it (`dd/mm/yyyy`).
fn date_of(t: Timestamp) -> String {
    CivilDate::of(t).display()
}

/// "12 ngày" since `t`.
fn age(t: Timestamp) -> String {
    let days = (now_ms() - t.0).max(0) / DAY_MS;
    if days == 0 {
        "hôm nay".into()
    } else {
        format!("{days} ngày")
    }
}

/// The deadline and its state as a badge: "Quá hạn 3 ngày" in red, "Sắp đến hạn" in amber.
fn due_badge(due: DueState, due_date: Option<CivilDate>) -> impl IntoView {
    let (class, text) = match (due, due_date) {
        (DueState::Overdue, Some(d)) => {
            let days = ((now_ms() - due_at(d)) + DAY_MS - 1) / DAY_MS;
            ("due due-overdue", format!("Quá hạn {} ngày", days.max(1)))
        }
        (DueState::Overdue, None) => ("due due-overdue", "Quá hạn".into()),
        (DueState::DueSoon, _) => ("due due-soon", "Sắp đến hạn".into()),
        (DueState::OnTime, _) => ("due due-ontime", "Trong hạn".into()),
        (DueState::None, _) => ("due due-none", "Không có hạn".into()),
    };
    view! {
        <span class=class data-testid="due-state" data-due=format!("{due:?}").to_lowercase()>
            {text}
        </span>
    }
}

/// How the backlog tables are sorted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Overdue,
    Open,
    Oldest,
}

impl SortBy {
    const ALL: [(SortBy, &'static str, &'static str); 3] = [
        (SortBy::Overdue, "Quá hạn", "overdue"),
        (SortBy::Open, "Đang xử lý", "open"),
        (SortBy::Oldest, "Tồn lâu nhất", "oldest"),
    ];

    fn sort(self, rows: &mut [BacklogRow]) {
        match self {
            SortBy::Overdue => {
                rows.sort_by_key(|r| std::cmp::Reverse((r.overdue, r.due_soon, r.open)))
            }
            SortBy::Open => rows.sort_by_key(|r| std::cmp::Reverse((r.open, r.overdue))),
            SortBy::Oldest => rows.sort_by_key(|r| r.oldest_at.map_or(i64::MAX, |t| t.0)),
        }
    }
}

#[component]
pub fn DashboardPage(
    unit: Option<i64>,
    user: Option<i64>,
    /// The address's query string: a drill-down's filters, sort and page.
    #[prop(optional)]
    query: String,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let (filter, address_error) =
        list_filters::read_address(ListKind::Dashboard, &query, &["unit", "user"]);
    let asked = filter.clone();
    let data = LocalResource::new(move || {
        version.track();
        let q = asked.clone();
        async move { api::dashboard(unit, user, &q).await }
    });
    // The outcome of each "Đôn đốc", kept across the refetch it causes.
    let urged = RwSignal::new(UrgeResults::new());
    let updated = RwSignal::new(None::<Timestamp>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = data.get() {
            updated.set(Some(Timestamp(now_ms())));
        }
    });
    let body = move || match data.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || data.refetch()),
        Some(Ok(d)) => {
            view! { <DashboardView dto=d unit user version urged filter=filter.clone() /> }
                .into_any()
        }
    };
    view! {
        <section class="page work-page dashboard-page" data-testid="dashboard-page">
            <header class="page-header page-header-row">
                <div>
                    <h1>"Bảng theo dõi"</h1>
                    <p class="muted dash-updated" data-testid="dashboard-updated">
                        {move || {
                            updated
                                .get()
                                .map(|t| format!("Số liệu lúc {}", t.to_display_vn()))
                                .unwrap_or_default()
                        }}
                    </p>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="dashboard-refresh"
                    on:click=move |_| version.update(|v| *v += 1)
                >
                    "Làm mới"
                </button>
            </header>
            {address_error.map(|m| view! { <p class="alert alert-warning" role="alert" data-testid="address-error">{m}</p> })}
            {body}
        </section>
    }
}

#[component]
fn DashboardView(
    dto: DashboardDto,
    unit: Option<i64>,
    user: Option<i64>,
    version: RwSignal<u32>,
    urged: RwSignal<UrgeResults>,
    filter: ListQuery,
) -> impl IntoView {
    let name_in = |rows: &[BacklogRow], id: Option<i64>, fallback: &str| {
        id.map(|id| {
            rows.iter()
                .find(|r| r.id == id)
                .map_or_else(|| fallback.to_string(), |r| r.name.clone())
        })
    };
    // The server names what was drilled into (a person when `user` is set, else the unit), even with no open
    // work; the backlog rows name the unit above a person.
    let unit_name = match (unit, user, &dto.drill_name) {
        (Some(_), None, Some(name)) => Some(name.clone()),
        _ => name_in(&dto.units, unit, "Đơn vị"),
    };
    let person_name = match (user, &dto.drill_name) {
        (Some(_), Some(name)) => Some(name.clone()),
        _ => name_in(&dto.people, user, "Cán bộ"),
    };
    let drilled = unit.is_some() || user.is_some();

    // The breadcrumb back to the whole agency (and to the unit, from a person of it).
    let crumbs = drilled.then(|| {
        let unit_crumb = unit_name.clone().map(|name| match user {
            Some(_) => view! {
                <li>
                    <a href=format!("/bang-theo-doi?unit={}", unit.unwrap_or_default()) data-testid="crumb-unit">
                        {name}
                    </a>
                </li>
            }
            .into_any(),
            None => view! {
                <li aria-current="page" data-testid="crumb-current">
                    {name}
                </li>
            }
            .into_any(),
        });
        let person_crumb = person_name.clone().map(|name| {
            view! {
                <li aria-current="page" data-testid="crumb-current">
                    {name}
                </li>
            }
        });
        view! {
            <nav class="crumbs" aria-label="Vị trí" data-testid="dashboard-breadcrumb">
                <ol>
                    <li>
                        <a href="/bang-theo-doi" data-testid="crumb-home">
                            "← Toàn cơ quan"
                        </a>
                    </li>
                    {unit_crumb}
                    {person_crumb}
                </ol>
            </nav>
        }
    });

    // A person's numbers come from their backlog row (or their own list); a unit's and the agency's from the
    // server's totals.
    let person_row = user.and_then(|u| dto.people.iter().find(|r| r.id == u));
    let (open, due_soon, overdue) = if let Some(r) = person_row {
        (r.open, r.due_soon, r.overdue)
    } else if user.is_some() {
        let count = |s: DueState| dto.oldest.iter().filter(|w| w.due == s).count() as i64;
        (
            dto.oldest.len() as i64,
            count(DueState::DueSoon),
            count(DueState::Overdue),
        )
    } else {
        (dto.open, dto.due_soon, dto.overdue)
    };
    let stat = |label: &'static str, n: i64, class: &'static str, testid: &'static str| {
        view! {
            <div class=format!("stat {class}") class:stat-zero={n == 0} data-testid=testid>
                <span class="stat-n">{n}</span>
                <span class="stat-label">{label}</span>
            </div>
        }
    };
    let waiting = (!drilled).then(|| {
        view! {
            {stat("Chờ vào sổ", dto.to_register, "stat-plain", "stat-to-register")}
            <a href="/van-ban-den?muc=to_assign" class="stat-link" data-testid="stat-to-assign-link">
                {stat("Chờ phân công", dto.to_assign, "stat-plain", "stat-to-assign")}
            </a>
        }
    });
    let overdue_link = if drilled || overdue == 0 {
        stat("Quá hạn", overdue, "stat-overdue", "stat-overdue").into_any()
    } else {
        view! {
            <a href="#qua-han" class="stat-link" data-testid="stat-overdue-link">
                {stat("Quá hạn", overdue, "stat-overdue", "stat-overdue")}
            </a>
        }
        .into_any()
    };
    let stats = view! {
        <div class="stats" data-testid="dashboard-stats">
            {stat("Đang xử lý", open, "stat-open", "stat-open")}
            {stat("Sắp đến hạn", due_soon, "stat-soon", "stat-due-soon")}
            {overdue_link}
            {waiting}
        </div>
    };

    let sort = RwSignal::new(SortBy::Overdue);
    let sort_bar = view! {
        <div class="segmented" role="group" aria-label="Sắp xếp theo" data-testid="backlog-sort">
            <span class="segmented-label">"Sắp xếp:"</span>
            {SortBy::ALL
                .into_iter()
                .map(|(s, label, code)| {
                    view! {
                        <button
                            type="button"
                            class="seg"
                            data-testid=format!("backlog-sort-{code}")
                            aria-pressed=move || (sort.get() == s).to_string()
                            on:click=move |_| sort.set(s)
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    };

    // The unit table at the agency level; the person table at the agency and unit levels.
    let drill_href = move |kind: &'static str, id: i64| match (kind, unit) {
        ("user", Some(u)) => format!("/bang-theo-doi?unit={u}&user={id}"),
        _ => format!("/bang-theo-doi?{kind}={id}"),
    };
    let units_table = (!drilled && !dto.units.is_empty()).then(|| {
        view! {
            <BacklogTable
                title="Theo đơn vị"
                who="Đơn vị"
                kind="unit"
                rows=dto.units.clone()
                sort
                href=drill_href
            />
        }
    });
    let people_table = (user.is_none() && !dto.people.is_empty()).then(|| {
        view! {
            <BacklogTable
                title="Theo cán bộ"
                who="Cán bộ"
                kind="user"
                rows=dto.people.clone()
                sort
                href=drill_href
            />
        }
    });
    let has_tables = units_table.is_some() || people_table.is_some();

    // What is already in the overdue list is not repeated among the oldest.
    let oldest_not_overdue: Vec<OpenWork> = dto
        .oldest
        .iter()
        .filter(|w| {
            !dto.overdue_items
                .iter()
                .any(|o| o.assignment_id == w.assignment_id)
        })
        .cloned()
        .collect();
    let lists = if drilled {
        let title = match (&person_name, &unit_name) {
            (Some(p), _) => format!("Việc đang xử lý của {p}"),
            (None, Some(u)) => format!("Việc đang xử lý của {u}"),
            _ => "Việc đang xử lý".into(),
        };
        // The drill-down is a list people work in: filtered, sorted and paged in the address.
        let mut base = "/bang-theo-doi".to_string();
        let mut sep = '?';
        for (k, v) in [("unit", unit), ("user", user)] {
            if let Some(v) = v {
                base.push_str(&format!("{sep}{k}={v}"));
                sep = '&';
            }
        }
        let total = dto.drill_total;
        view! {
            <list_filters::FilterBar kind=ListKind::Dashboard base=base.clone() query=filter.clone() />
            <p class="count" data-testid="drill-total">{list_filters::total_text(total, &filter)}</p>
            <WorkList
                title
                anchor="viec"
                testid="drill-list"
                items=dto.oldest.clone()
                empty="Không có việc nào đang xử lý."
                version
                results=urged
            />
            {list_filters::pager(&base, &filter, total)}
        }
        .into_any()
    } else {
        view! {
            <WorkList
                title="Quá hạn".to_string()
                anchor="qua-han"
                testid="overdue-list"
                items=dto.overdue_items.clone()
                empty="Không có việc nào quá hạn."
                version
                results=urged
            />
            <WorkList
                title="Tồn lâu nhất".to_string()
                anchor="ton-lau"
                testid="oldest-list"
                items=oldest_not_overdue.clone()
                empty=if dto.overdue_items.is_empty() {
                    "Không có việc nào đang xử lý."
                } else {
                    "Các việc tồn lâu nhất đều đã nằm trong danh sách quá hạn."
                }
                version
                results=urged
            />
        }
        .into_any()
    };

    view! {
        {crumbs}
        {stats}
        {has_tables.then(|| view! { <div class="dash-sort">{sort_bar}</div> })}
        <div class="backlogs">{units_table} {people_table}</div>
        {lists}
    }
}
