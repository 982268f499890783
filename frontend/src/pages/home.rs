//! `/`: the welcome dashboard of a signed-in user.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::session::Session;

struct Card {
    href: &'static str,
    title: &'static str,
    text: &'static str,
    admin_only: bool,
}

const CARDS: [Card; 5] = [
    Card {
        href: "/van-ban-den",
        title: "Văn bản đến",
        text: "Tiếp nhận, vào sổ, phân công và theo dõi xử lý văn bản đến.",
        admin_only: false,
    },
    Card {
        href: "/van-ban-di",
        title: "Văn bản đi",
        text: "Dự thảo, trình duyệt, trình ký và phát hành văn bản đi.",
        admin_only: false,
    },
    Card {
        href: "/ho-so",
        title: "Hồ sơ",
        text: "Lập hồ sơ công việc và nộp lưu vào lưu trữ cơ quan.",
        admin_only: false,
    },
    Card {
        href: "/bao-cao",
        title: "Báo cáo",
        text: "Thống kê tình hình tiếp nhận, xử lý và phát hành văn bản.",
        admin_only: false,
    },
    Card {
        href: "/quan-tri",
        title: "Quản trị",
        text: "Tài khoản, đơn vị và nhật ký hệ thống của cơ quan.",
        admin_only: true,
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::get();
    let user = move || session.user();
    let cards = CARDS
        .iter()
        .map(|c| {
            view! {
                <Show when=move || !c.admin_only || session.is_admin()>
                    <A href=c.href attr:class="card card-link">
                        <h3>{c.title}</h3>
                        <p>{c.text}</p>
                    </A>
                </Show>
            }
        })
        .collect_view();
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
            <div class="card-grid">{cards}</div>
        </section>
    }
}
