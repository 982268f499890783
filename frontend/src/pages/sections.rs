//! Sections that are not built yet (`/ho-so`, `/bao-cao`) say so plainly and
//! tell what they will do; and the page for an unknown address.

use leptos::prelude::*;
use leptos_router::components::A;

/// A section still to come: its title, what it will do, and the work lists (buckets) it will show.
#[component]
fn Placeholder(
    title: &'static str,
    summary: &'static str,
    buckets: &'static [&'static str],
) -> impl IntoView {
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{title}</h1>
            </header>
            <div class="placeholder" data-testid="page-placeholder">
                <p class="placeholder-lead">
                    "Chức năng này đang được xây dựng và sẽ có trong bản cập nhật tới."
                </p>
                <p>{summary}</p>
                <ul class="bucket-list">
                    {buckets.iter().map(|b| view! { <li class="chip">{*b}</li> }).collect_view()}
                </ul>
            </div>
        </section>
    }
}

#[component]
pub fn RecordsPage() -> impl IntoView {
    view! {
        <Placeholder
            title="Hồ sơ"
            summary="Lập hồ sơ công việc, đưa văn bản vào hồ sơ, đặt thời hạn bảo quản và nộp lưu vào lưu trữ cơ quan."
            buckets=&["Hồ sơ công việc", "Sổ văn bản", "Nộp lưu"]
        />
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Placeholder
            title="Báo cáo"
            summary="Thống kê văn bản đến, văn bản đi và tình hình xử lý (đúng hạn, quá hạn) theo cơ quan, đơn vị \
                     và kỳ báo cáo sáu tháng."
            buckets=&["Báo cáo – thống kê", "Văn bản quá hạn", "Tình hình xử lý"]
        />
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="center-page">
            <div class="placeholder">
                <h1>"Không tìm thấy trang"</h1>
                <p>"Địa chỉ này không có trong hệ thống."</p>
                <A href="/" attr:class="btn btn-primary">
                    "Về trang chủ"
                </A>
            </div>
        </main>
    }
}
