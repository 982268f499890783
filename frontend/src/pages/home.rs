//! `/`: what waits for the signed-in person, most pressing first, each with its count and a tap from its list.
//! A leader sees Quá hạn, Chờ ký, Chờ duyệt, Chờ phân công; an official Quá hạn, Sắp đến hạn, Chờ xử lý, Bị trả
//! lại; a clerk Chờ vào sổ and Chờ phát hành. The counts are the navigation's (kept fresh by the live events),
//! so the page asks the server nothing of its own.

use leptos::prelude::*;
use shared::incoming::IncomingCounts;
use shared::outgoing::OutgoingCounts;
use shared::role::Role;
use shared::user::UserDto;

use crate::live::Counts;
use crate::session::Session;

/// One line of the work list.
struct Work {
    /// `data-testid` suffix and stable key.
    key: &'static str,
    label: &'static str,
    href: String,
    count: i64,
    /// Lower is more pressing.
    rank: u8,
    /// Overdue work is shown in red.
    alarm: bool,
}

/// What waits for `u`, most pressing first; lines with nothing waiting come last.
fn work_of(u: &UserDto, o: &OutgoingCounts, i: &IncomingCounts) -> Vec<Work> {
    let leader = u.has_role(Role::AgencyLeader) || u.has_role(Role::UnitLeader);
    let clerk = u.has_role(Role::Clerk);
    let handler = leader || u.has_role(Role::Official);
    // Overdue or due-soon assignments sit in "Chờ xử lý" until acted on, then in "Đang xử lý".
    let own_open = if i.pending > 0 || i.processing == 0 {
        "pending"
    } else {
        "processing"
    };
    let line = |key, label, href: &str, count, rank, alarm| Work {
        key,
        label,
        href: href.to_string(),
        count,
        rank,
        alarm,
    };
    let mut out = Vec::new();
    if leader {
        out.push(line(
            "overseen-overdue",
            "Quá hạn",
            "/bang-theo-doi",
            i.overseen_overdue,
            0,
            true,
        ));
    }
    if handler {
        let href = format!("/van-ban-den?muc={own_open}&sort=deadline&order=asc");
        if !leader || i.overdue > 0 {
            // A leader's own overdue work, beside the overdue work they oversee.
            let label = if leader {
                "Việc của tôi quá hạn"
            } else {
                "Quá hạn"
            };
            out.push(line("overdue", label, &href, i.overdue, 1, true));
        }
        if !leader || i.due_soon > 0 {
            out.push(line("due-soon", "Sắp đến hạn", &href, i.due_soon, 4, false));
        }
    }
    if u.has_role(Role::AgencyLeader) || o.to_sign > 0 {
        out.push(line(
            "to-sign",
            "Chờ ký",
            "/van-ban-di?muc=to_sign",
            o.to_sign,
            2,
            false,
        ));
    }
    if leader || o.to_review > 0 {
        out.push(line(
            "to-review",
            "Chờ duyệt",
            "/van-ban-di?muc=to_review",
            o.to_review,
            3,
            false,
        ));
    }
    if leader || i.to_assign > 0 {
        out.push(line(
            "to-assign",
            "Chờ phân công",
            "/van-ban-den?muc=to_assign",
            i.to_assign,
            3,
            false,
        ));
    }
    if (handler && !leader) || i.pending > 0 {
        out.push(line(
            "pending",
            "Chờ xử lý",
            "/van-ban-den?muc=pending",
            i.pending,
            5,
            false,
        ));
    }
    if (handler && !leader) || o.returned > 0 {
        out.push(line(
            "returned",
            "Bị trả lại",
            "/van-ban-di?muc=returned",
            o.returned,
            5,
            false,
        ));
    }
    if clerk {
        out.push(line(
            "to-register",
            "Chờ vào sổ",
            "/van-ban-den?muc=to_register",
            i.to_register,
            3,
            false,
        ));
        out.push(line(
            "to-issue",
            "Chờ phát hành",
            "/van-ban-di?muc=to_issue",
            o.to_issue,
            4,
            false,
        ));
    }
    if i.processing > 0 {
        out.push(line(
            "processing",
            "Đang xử lý",
            "/van-ban-den?muc=processing",
            i.processing,
            6,
            false,
        ));
    }
    if i.inform > 0 {
        out.push(line(
            "inform",
            "Để biết",
            "/van-ban-den?muc=inform",
            i.inform,
            7,
            false,
        ));
    }
    out.sort_by_key(|w| (w.count == 0, w.rank));
    out
}

#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::get();
    let counts = Counts::get();
    let user = move || session.user();
    let list = move || {
        let Some(u) = user() else {
            return ().into_any();
        };
        if !counts.loaded.get() {
            return view! {
                <p class="loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    "Đang tải việc cần làm…"
                </p>
            }
            .into_any();
        }
        let work = counts
            .outgoing
            .with(|o| counts.incoming.with(|i| work_of(&u, o, i)));
        if work.is_empty() {
            return view! {
                <p class="muted" data-testid="home-nothing">
                    "Tài khoản của bạn không có văn bản cần xử lý."
                </p>
            }
            .into_any();
        }
        let items = work
            .into_iter()
            .map(|w| {
                let (zero, alarm) = (w.count == 0, w.alarm && w.count > 0);
                view! {
                    <li>
                        <a
                            href=w.href
                            class="home-work-item"
                            class:is-zero=zero
                            class:is-alarm=alarm
                            data-testid=format!("home-item-{}", w.key)
                        >
                            <span class="home-work-label">{w.label}</span>
                            <span class="home-work-count" data-testid=format!("home-count-{}", w.key)>
                                {w.count}
                            </span>
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="home-work-list" data-testid="home-work">{items}</ul> }.into_any()
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1 data-testid="home-greeting">
                    "Xin chào, " {move || user().map(|u| u.full_name).unwrap_or_default()}
                </h1>
                <p class="muted">
                    {move || user().map(|u| u.agency.name).unwrap_or_default()} " · "
                    {move || user().map(|u| u.unit.name).unwrap_or_default()}
                </p>
                <p class="role-chips">
                    {move || {
                        user()
                            .map(|u| u.roles)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|r| view! { <span class="chip">{r.label()}</span> })
                            .collect_view()
                    }}
                </p>
            </header>
            <h2 class="section-title">"Việc cần làm"</h2>
            {list}
            <Show when=move || session.is_admin()>
                <p class="home-admin">
                    <a href="/quan-tri" class="btn btn-secondary" data-testid="home-admin-link">
                        "Quản trị tài khoản, đơn vị và nhật ký"
                    </a>
                </p>
            </Show>
        </section>
    }
}
