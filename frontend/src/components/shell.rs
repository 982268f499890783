//! The frame of every signed-in page: the header (product, who is signed in, sign-out) and the left navigation,
//! which becomes a drawer behind a menu button on phones.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::incoming::{IncomingBucket, IncomingCounts};
use shared::outgoing::{OutgoingBucket, OutgoingCounts};
use shared::role::Role;
use shared::user::UserDto;

/// The product's name as it appears in headers and titles.
pub const PRODUCT_NAME: &str = "vanban";
pub const PRODUCT_TAGLINE: &str = "Hệ thống quản lý văn bản và điều hành";

/// Who sees an entry of the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Everyone,
    Admins,
    /// Agency and unit leaders.
    Leaders,
    LeadersAndAdmins,
    /// Leaders, clerks and administrators: who reads the agency's report (Điều 24).
    Reporting,
    /// Whoever handles documents (not the administrators alone): who keeps record files (Điều 14).
    Filing,
}

/// One entry of the left navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
    testid: &'static str,
    icon: &'static str,
    who: Who,
    /// The counter shown beside the label, if any (e.g. arrivals waiting for the clerk).
    count: Option<Counter>,
    /// Only people with this role see the counter.
    count_role: Option<Role>,
}

type Counter = fn(&OutgoingCounts) -> i64;

/// One bucket of "Văn bản đi" (DESIGN §6), a sub-link of the navigation: `/van-ban-di?muc=<code>`.
pub struct BucketLink {
    pub bucket: OutgoingBucket,
    pub label: &'static str,
    count: Option<Counter>,
    clerk_only: bool,
}

pub const BUCKETS: [BucketLink; 6] = [
    BucketLink {
        bucket: OutgoingBucket::Drafts,
        label: "Dự thảo",
        count: Some(|c| c.drafts),
        clerk_only: false,
    },
    BucketLink {
        bucket: OutgoingBucket::ToReview,
        label: "Chờ duyệt",
        count: Some(|c| c.to_review),
        clerk_only: false,
    },
    BucketLink {
        bucket: OutgoingBucket::ToSign,
        label: "Chờ ký",
        count: Some(|c| c.to_sign),
        clerk_only: false,
    },
    BucketLink {
        bucket: OutgoingBucket::ToIssue,
        label: "Chờ phát hành",
        count: Some(|c| c.to_issue),
        clerk_only: true,
    },
    BucketLink {
        bucket: OutgoingBucket::Issued,
        label: "Đã phát hành",
        count: None,
        clerk_only: false,
    },
    BucketLink {
        bucket: OutgoingBucket::Returned,
        label: "Bị trả lại",
        count: Some(|c| c.returned),
        clerk_only: false,
    },
];

/// The bucket `/van-ban-di` opens on: what most often waits for someone with these roles.
pub fn default_bucket(roles: &[Role]) -> OutgoingBucket {
    if roles.contains(&Role::AgencyLeader) {
        OutgoingBucket::ToSign
    } else if roles.contains(&Role::UnitLeader) {
        OutgoingBucket::ToReview
    } else if roles.contains(&Role::Clerk) {
        OutgoingBucket::ToIssue
    } else {
        OutgoingBucket::Drafts
    }
}

type IncomingCounter = fn(&IncomingCounts) -> i64;

/// One bucket of "Văn bản đến" (DESIGN §6): `/van-ban-den?muc=<code>`.
pub struct IncomingLink {
    pub bucket: IncomingBucket,
    count: Option<IncomingCounter>,
    /// Who sees it (besides anyone whose counter for it is not zero).
    roles: &'static [Role],
}

const HANDLERS: &[Role] = &[Role::Official, Role::UnitLeader, Role::AgencyLeader];

pub const INCOMING_BUCKETS: [IncomingLink; 7] = [
    IncomingLink {
        bucket: IncomingBucket::ToRegister,
        count: Some(|c| c.to_register),
        roles: &[Role::Clerk],
    },
    IncomingLink {
        bucket: IncomingBucket::ToAssign,
        count: Some(|c| c.to_assign),
        roles: &[Role::AgencyLeader, Role::UnitLeader],
    },
    IncomingLink {
        bucket: IncomingBucket::Pending,
        count: Some(|c| c.pending),
        roles: HANDLERS,
    },
    IncomingLink {
        bucket: IncomingBucket::Processing,
        count: Some(|c| c.processing),
        roles: HANDLERS,
    },
    IncomingLink {
        bucket: IncomingBucket::Done,
        count: None,
        roles: HANDLERS,
    },
    IncomingLink {
        bucket: IncomingBucket::Inform,
        count: Some(|c| c.inform),
        roles: HANDLERS,
    },
    IncomingLink {
        bucket: IncomingBucket::All,
        count: None,
        roles: &[Role::Clerk, Role::AgencyLeader],
    },
];

/// The bucket `/van-ban-den` opens on for someone with these roles.
pub fn default_incoming_bucket(roles: &[Role]) -> IncomingBucket {
    if roles.contains(&Role::Clerk) {
        IncomingBucket::ToRegister
    } else if roles.contains(&Role::AgencyLeader) || roles.contains(&Role::UnitLeader) {
        IncomingBucket::ToAssign
    } else {
        IncomingBucket::Pending
    }
}

/// A count on a badge: "99+" beyond 99, so the badge keeps its size.
fn badge(n: i64) -> String {
    if n > 99 { "99+".into() } else { n.to_string() }
}

/// A small number beside a navigation label; nothing when zero.
fn counter(n: Signal<i64>, testid: (&'static str, &'static str)) -> impl IntoView {
    let testid = format!("{}{}", testid.0, testid.1);
    move || {
        let n = n.get();
        (n > 0).then(|| {
            view! {
                <span class="nav-count" data-testid=testid.clone()>
                    {n}
                </span>
            }
        })
    }
}

const NAV: [NavItem; 10] = [
    NavItem {
        href: "/",
        label: "Trang chủ",
        testid: "nav-home",
        icon: "⌂",
        who: Who::Everyone,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/van-ban-den",
        label: "Văn bản đến",
        testid: "nav-incoming",
        icon: "↘",
        who: Who::Everyone,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/van-ban-di",
        label: "Văn bản đi",
        testid: "nav-outgoing",
        icon: "↗",
        who: Who::Everyone,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/bang-theo-doi",
        label: "Bảng theo dõi",
        testid: "nav-dashboard",
        icon: "◔",
        who: Who::Leaders,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/bao-cao",
        label: "Báo cáo",
        testid: "nav-report",
        icon: "▤",
        who: Who::Reporting,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/ho-so",
        label: "Hồ sơ",
        testid: "nav-record-files",
        icon: "▣",
        who: Who::Filing,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/so-van-ban",
        label: "Sổ văn bản",
        testid: "nav-register",
        icon: "☰",
        who: Who::Everyone,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/ky-so",
        label: "Chữ ký số",
        testid: "nav-signing",
        icon: "✎",
        who: Who::Everyone,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/uy-quyen",
        label: "Ủy quyền",
        testid: "nav-delegations",
        icon: "⇄",
        who: Who::LeadersAndAdmins,
        count: None,
        count_role: None,
    },
    NavItem {
        href: "/quan-tri",
        label: "Quản trị",
        testid: "nav-admin",
        icon: "⚙",
        who: Who::Admins,
        count: None,
        count_role: None,
    },
];

/// The signed-in frame around `children` (the current page).
#[component]
pub fn Shell(
    user: Signal<Option<UserDto>>,
    is_admin: Signal<bool>,
    /// The navigation counters, kept fresh by the live events.
    counts: Signal<OutgoingCounts>,
    /// The counters of "Văn bản đến".
    incoming: Signal<IncomingCounts>,
    /// The bell's unread notifications.
    unread: Signal<i64>,
    on_logout: Callback<()>,
    logout_pending: Signal<bool>,
    logout_error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let drawer_open = RwSignal::new(false);
    let full_name =
        move || user.with(|u| u.as_ref().map(|u| u.full_name.clone()).unwrap_or_default());
    let agency = move || {
        user.with(|u| {
            u.as_ref()
                .map(|u| u.agency.name.clone())
                .unwrap_or_default()
        })
    };
    let roles = move || user.with(|u| u.as_ref().map(UserDto::role_labels).unwrap_or_default());

    let has_role = move |role: Role| user.with(|u| u.as_ref().is_some_and(|u| u.has_role(role)));
    let location = use_location();
    // The bucket on screen, to mark its sub-link (the router's own marking ignores the query).
    let current_bucket = Memo::new(move |_| {
        if location.pathname.get() != "/van-ban-di" {
            return None;
        }
        let asked = location.query.with(|q| q.get("muc"));
        match asked {
            Some(code) => BUCKETS
                .iter()
                .find(|b| b.bucket.code() == code)
                .map(|b| b.bucket),
            None => user.with(|u| u.as_ref().map(|u| default_bucket(&u.roles))),
        }
    });
    let bucket_links = BUCKETS
        .iter()
        .map(|b| {
            let visible = move || !b.clerk_only || has_role(Role::Clerk);
            let code = b.bucket.code();
            let count = b
                .count
                .map(|f| (Signal::derive(move || counts.with(f)), ("nav-count-", code)));
            view! {
                <Show when=visible>
                    <li>
                        <a
                            href=format!("/van-ban-di?muc={code}")
                            class="nav-link nav-sublink"
                            data-testid=format!("nav-bucket-{code}")
                            aria-current=move || (current_bucket.get() == Some(b.bucket)).then_some("page")
                        >
                            <span>{b.label}</span>
                            {count.map(|(n, testid)| counter(n, testid))}
                        </a>
                    </li>
                </Show>
            }
        })
        .collect_view();
    let mut bucket_links = Some(bucket_links);

    let current_incoming = Memo::new(move |_| {
        if location.pathname.get() != "/van-ban-den" {
            return None;
        }
        match location.query.with(|q| q.get("muc")) {
            Some(code) => IncomingBucket::from_code(&code),
            None => user.with(|u| u.as_ref().map(|u| default_incoming_bucket(&u.roles))),
        }
    });
    let incoming_links = INCOMING_BUCKETS
        .iter()
        .map(|b| {
            let code = b.bucket.code();
            let n = Signal::derive(move || b.count.map_or(0, |f| incoming.with(f)));
            let visible = move || b.roles.iter().any(|r| has_role(*r)) || n.get() > 0;
            // Chờ xử lý carries how many of the user's open assignments are overdue, in red.
            let overdue = (b.bucket == IncomingBucket::Pending).then_some({
                move || {
                    let late = incoming.with(|c| c.overdue);
                    (late > 0).then(|| {
                        view! {
                            <span class="nav-overdue" data-testid="nav-overdue" title="Việc quá hạn xử lý">
                                {format!("{late} quá hạn")}
                            </span>
                        }
                    })
                }
            });
            view! {
                <Show when=visible>
                    <li>
                        <a
                            href=format!("/van-ban-den?muc={code}")
                            class="nav-link nav-sublink"
                            data-testid=format!("nav-incoming-{code}")
                            aria-current=move || (current_incoming.get() == Some(b.bucket)).then_some("page")
                        >
                            <span>{b.bucket.label()}</span>
                            {overdue}
                            {b.count.map(|_| counter(n, ("nav-incoming-count-", code)))}
                        </a>
                    </li>
                </Show>
            }
        })
        .collect_view();
    let mut incoming_links = Some(incoming_links);
    let is_leader = move || has_role(Role::AgencyLeader) || has_role(Role::UnitLeader);
    // The phone's menu button carries the total of what waits for this person, as the drawer lists it.
    let waiting = Signal::derive(move || {
        let o = counts.get();
        let i = incoming.get();
        let to_issue = if has_role(Role::Clerk) { o.to_issue } else { 0 };
        o.to_review + o.to_sign + to_issue + o.returned + i.to_register + i.to_assign + i.pending
    });

    let nav_items = NAV
        .iter()
        .map(|item| {
            let exact = item.href == "/";
            let visible = move || match item.who {
                Who::Everyone => true,
                Who::Admins => is_admin.get(),
                Who::Leaders => is_leader(),
                Who::LeadersAndAdmins => is_leader() || is_admin.get(),
                Who::Reporting => is_leader() || is_admin.get() || has_role(Role::Clerk),
                Who::Filing => is_leader() || has_role(Role::Clerk) || has_role(Role::Official),
            };
            let count = item.count.map(|f| {
                let n = Signal::derive(move || {
                    if item.count_role.is_none_or(has_role) { counts.with(f) } else { 0 }
                });
                (n, (item.testid, "-count"))
            });
            // "Văn bản đến" and "Văn bản đi" carry their buckets below them.
            let subs = match item.href {
                "/van-ban-den" => incoming_links.take().map(|l| l.into_any()),
                "/van-ban-di" => bucket_links.take().map(|l| l.into_any()),
                _ => None,
            }
            .map(|links| view! { <ul class="nav-sub">{links}</ul> });
            view! {
                <Show when=visible>
                    <li>
                        <A href=item.href exact=exact attr:data-testid=item.testid attr:class="nav-link">
                            <span class="nav-icon" aria-hidden="true">
                                {item.icon}
                            </span>
                            <span>{item.label}</span>
                            {count.map(|(n, testid)| counter(n, testid))}
                        </A>
                    </li>
                </Show>
                {subs}
            }
        })
        .collect_view();

    view! {
        <div class="shell" class:drawer-open=move || drawer_open.get()>
            // Keyboard users reach the page without tabbing through the navigation.
            <a
                href="#content"
                class="skip-link"
                data-testid="skip-link"
                // The router would treat "#content" as a navigation: move the focus ourselves.
                on:click=move |ev| {
                    ev.prevent_default();
                    if let Some(main) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("content"))
                        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                    {
                        let _ = main.focus();
                    }
                }
            >
                "Bỏ qua menu, đến nội dung chính"
            </a>
            <header class="topbar">
                <button
                    type="button"
                    class="icon-button menu-button"
                    data-testid="nav-menu-button"
                    aria-label="Mở menu"
                    aria-controls="main-nav"
                    aria-expanded=move || drawer_open.get().to_string()
                    on:click=move |_| drawer_open.set(true)
                >
                    <span class="burger" aria-hidden="true"></span>
                    {move || {
                        let n = waiting.get();
                        (n > 0).then(|| view! {
                            <span class="menu-count" data-testid="nav-menu-count">{badge(n)}</span>
                        })
                    }}
                </button>
                <a href="/" class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "VB"
                    </span>
                    <span class="brand-text">
                        <span class="brand-name">{PRODUCT_NAME}</span>
                        <span class="brand-tagline">{PRODUCT_TAGLINE}</span>
                    </span>
                </a>
                <crate::components::search_box::SearchBox />
                <div class="who">
                    <span class="who-name" data-testid="shell-user-name">
                        {full_name}
                    </span>
                    <span class="who-meta">
                        <span data-testid="shell-agency-name">{agency}</span>
                        <span class="sep" aria-hidden="true">
                            " · "
                        </span>
                        <span data-testid="shell-roles">{roles}</span>
                    </span>
                </div>
                <div class="topbar-actions">
                    <A
                        href="/thong-bao"
                        attr:class="icon-button bell"
                        attr:data-testid="notifications-bell"
                        attr:aria-label=move || match unread.get() {
                            0 => "Thông báo".to_string(),
                            n => format!("Thông báo, {n} chưa đọc"),
                        }
                    >
                        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                            <path
                                fill="currentColor"
                                d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
                            />
                        </svg>
                        {move || {
                            let n = unread.get();
                            (n > 0).then(|| view! {
                                <span class="bell-count" data-testid="notifications-unread">{badge(n)}</span>
                            })
                        }}
                    </A>
                    <A href="/doi-mat-khau" attr:class="btn btn-ghost hide-phone" attr:data-testid="change-password-link">
                        "Đổi mật khẩu"
                    </A>
                    // On a phone the button is an icon (named for screen readers and tests), so the top bar
                    // keeps its width for the person's name.
                    <button
                        type="button"
                        class="btn btn-ghost logout-button"
                        data-testid="logout-button"
                        aria-label="Đăng xuất"
                        title="Đăng xuất"
                        prop:disabled=move || logout_pending.get()
                        on:click=move |_| on_logout.run(())
                    >
                        <svg class="show-phone" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <path
                                fill="currentColor"
                                d="M11 2h2v10h-2V2Zm6.36 3.64 1.42-1.42A9 9 0 1 1 5.22 4.22l1.42 1.42a7 7 0 1 0 10.72 0Z"
                            />
                        </svg>
                        <span class="hide-phone">
                            {move || if logout_pending.get() { "Đang thoát…" } else { "Đăng xuất" }}
                        </span>
                    </button>
                </div>
            </header>
            <Show when=move || logout_error.with(Option::is_some)>
                <div class="alert alert-error banner" role="alert">
                    {move || logout_error.get().unwrap_or_default()}
                </div>
            </Show>
            <div class="drawer-backdrop" on:click=move |_| drawer_open.set(false)></div>
            <nav
                id="main-nav"
                class="sidenav"
                aria-label="Điều hướng chính"
                on:click=move |_| drawer_open.set(false)
            >
                <div class="drawer-head">
                    <span>"Danh mục"</span>
                    <button type="button" class="icon-button" aria-label="Đóng menu" data-testid="nav-close-button">
                        "×"
                    </button>
                </div>
                <ul>{nav_items}</ul>
                <div class="sidenav-footer">
                    <A href="/doi-mat-khau" attr:class="nav-link">
                        <span class="nav-icon" aria-hidden="true">
                            "✎"
                        </span>
                        <span>"Đổi mật khẩu"</span>
                    </A>
                </div>
            </nav>
            <main class="content" id="content" tabindex="-1">
                {children()}
            </main>
        </div>
    }
}
