//! The frame of every signed-in page: the header (product, who is signed in, sign-out) and the left navigation,
//! which becomes a drawer behind a menu button on phones.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::user::UserDto;

/// The product's name as it appears in headers and titles.
pub const PRODUCT_NAME: &str = "vanban";
pub const PRODUCT_TAGLINE: &str = "Hệ thống quản lý văn bản và điều hành";

/// One entry of the left navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
    testid: &'static str,
    icon: &'static str,
    admin_only: bool,
}

const NAV: [NavItem; 7] = [
    NavItem {
        href: "/",
        label: "Trang chủ",
        testid: "nav-home",
        icon: "⌂",
        admin_only: false,
    },
    NavItem {
        href: "/van-ban-den",
        label: "Văn bản đến",
        testid: "nav-incoming",
        icon: "↘",
        admin_only: false,
    },
    NavItem {
        href: "/van-ban-di",
        label: "Văn bản đi",
        testid: "nav-outgoing",
        icon: "↗",
        admin_only: false,
    },
    NavItem {
        href: "/ho-so",
        label: "Hồ sơ",
        testid: "nav-records",
        icon: "▤",
        admin_only: false,
    },
    NavItem {
        href: "/bao-cao",
        label: "Báo cáo",
        testid: "nav-reports",
        icon: "▥",
        admin_only: false,
    },
    NavItem {
        href: "/ky-so",
        label: "Chữ ký số",
        testid: "nav-signing",
        icon: "✎",
        admin_only: false,
    },
    NavItem {
        href: "/quan-tri",
        label: "Quản trị",
        testid: "nav-admin",
        icon: "⚙",
        admin_only: true,
    },
];

/// The signed-in frame around `children` (the current page).
#[component]
pub fn Shell(
    user: Signal<Option<UserDto>>,
    is_admin: Signal<bool>,
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

    let nav_items = NAV
        .iter()
        .map(|item| {
            let exact = item.href == "/";
            let visible = move || !item.admin_only || is_admin.get();
            view! {
                <Show when=visible>
                    <li>
                        <A href=item.href exact=exact attr:data-testid=item.testid attr:class="nav-link">
                            <span class="nav-icon" aria-hidden="true">
                                {item.icon}
                            </span>
                            <span>{item.label}</span>
                        </A>
                    </li>
                </Show>
            }
        })
        .collect_view();

    view! {
        <div class="shell" class:drawer-open=move || drawer_open.get()>
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
                    <A href="/doi-mat-khau" attr:class="btn btn-ghost hide-phone" attr:data-testid="change-password-link">
                        "Đổi mật khẩu"
                    </A>
                    <button
                        type="button"
                        class="btn btn-ghost"
                        data-testid="logout-button"
                        prop:disabled=move || logout_pending.get()
                        on:click=move |_| on_logout.run(())
                    >
                        {move || if logout_pending.get() { "Đang thoát…" } else { "Đăng xuất" }}
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
            <main class="content" id="content">
                {children()}
            </main>
        </div>
    }
}
