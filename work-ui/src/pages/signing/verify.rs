//! The verification tab: any PDF's signatures checked in the worker against the province's trust anchors.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::worker_protocol::{HashResult, SignatureCheck};

use crate::components::{Busy, BusyBar, ReportCard, progress_of, set_busy};
use crate::files::chosen_file;
use crate::{api, worker};

#[component]
pub fn VerifyPanel() -> impl IntoView {
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let reports = RwSignal::new(None::<Vec<SignatureCheck>>);
    let hash = RwSignal::new(None::<HashResult>);
    let file_name = RwSignal::new(String::new());

    let check = move |file: web_sys::File| {
        error.set(None);
        reports.set(None);
        hash.set(None);
        file_name.set(file.name());
        spawn_local(async move {
            let result = async {
                set_busy(busy, "Đang băm tệp (SHA-256)…");
                let h =
                    worker::hash(&file, Some(progress_of(busy, "Đang băm tệp (SHA-256)…"))).await?;
                hash.set(Some(h));
                let trust = api::trust_anchors().await;
                set_busy(busy, "Đang kiểm tra chữ ký…");
                worker::verify(&file, trust, Some(progress_of(busy, "Đang đọc tệp…"))).await
            }
            .await;
            busy.set(None);
            match result {
                Ok(r) => reports.set(Some(r)),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(f) = chosen_file(&ev) {
            check(f);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(f) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            check(f);
        }
    };
    view! {
        <div class="signing-panel">
            <label
                class="dropzone"
                data-testid="verify-dropzone"
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=on_drop
            >
                <span>"Kéo thả tệp PDF vào đây hoặc bấm để chọn tệp cần kiểm tra chữ ký số"</span>
                <input type="file" accept="application/pdf,.pdf" data-testid="verify-file" on:change=on_change />
            </label>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="verify-error">{e}</div> })}
            {move || {
                hash.get()
                    .map(|h| {
                        view! {
                            <p class="file-facts" data-testid="file-hash">
                                {format!(
                                    "{} — {:.1} MB — SHA-256 {} ({} ms)",
                                    file_name.get(),
                                    h.size / 1_048_576.0,
                                    h.sha256,
                                    h.millis.round(),
                                )}
                            </p>
                        }
                    })
            }}
            {move || {
                reports.get()
                    .map(|r| {
                        if r.is_empty() {
                            view! { <div class="alert alert-warning" data-testid="no-signatures">"Tệp này không có chữ ký số nào."</div> }
                                .into_any()
                        } else {
                            view! {
                                <div class="sig-list">
                                    {r.into_iter().map(|report| view! { <ReportCard report /> }).collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
            <details class="explain">
                <summary>"“Sửa đổi sau khi ký” nghĩa là gì?"</summary>
                <p>
                    "Một tệp PDF có thể được ghi thêm sau khi ký mà không xoá chữ ký cũ. Việc ghi thêm hợp lệ gồm: điền số và ngày "
                    "văn bản vào ô dành sẵn, và ký thêm (ví dụ văn thư đóng dấu cơ quan sau khi lãnh đạo ký). Mọi thay đổi khác — "
                    "sửa chữ, thay trang, thêm hình, đổi phông chữ, hiện nội dung bị ẩn — làm chữ ký không còn bảo đảm nội dung "
                    "đang hiển thị, và hệ thống báo đỏ."
                </p>
            </details>
        </div>
    }
}
