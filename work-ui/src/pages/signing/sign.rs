//! The signing tab: any PDF signed with a key of this browser, the signature placed on a drawing of the page
//! with the placement box, previewed as it will look, and the signed file downloaded (the original followed
//! by the appended signature, never joined in memory).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::worker_protocol::{Inspection, KeySummary, SignOptions, SignatureKind};
use wasm_bindgen::JsCast;

use crate::components::{Busy, BusyBar, PlacementBox, Rect, progress_of, set_busy};
use crate::files::{blob_bytes, chosen_file, download_appended};
use crate::signing::render_notice;
use crate::worker;

/// The `<select>` value of a signature kind.
fn kind_of(value: &str) -> SignatureKind {
    match value {
        "seal" => SignatureKind::Seal,
        "attachment" => SignatureKind::Attachment,
        _ => SignatureKind::Signer,
    }
}

#[component]
pub fn SignPanel() -> impl IntoView {
    let file = RwSignal::new(None::<web_sys::File>);
    let info = RwSignal::new(None::<Inspection>);
    let page = RwSignal::new(0usize);
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let key_id = RwSignal::new(String::new());
    let kind = RwSignal::new(SignatureKind::Signer);
    let text = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let image = RwSignal::new(None::<Vec<u8>>);
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let previewing = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    // CSS pixels per PDF point of the preview.
    let scale = RwSignal::new(1.0f64);
    let place = RwSignal::new(Rect {
        x: 330.0,
        y: 90.0,
        w: 180.0,
        h: 70.0,
    });
    let page_info = move || info.get().and_then(|i| i.pages.get(page.get()).cloned());

    spawn_local(async move {
        if let Ok(k) = worker::list_keys().await {
            if let Some(first) = k.iter().find(|k| k.has_certificate) {
                key_id.set(first.id.clone());
            }
            keys.set(k);
        }
    });

    // Draws RGBA pixels from the worker into the canvas at `css_width`.
    let paint = move |picture: worker::Picture, css_width: f64, page_width_pt: f64| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        worker::paint(&canvas, &picture, css_width);
        scale.set(css_width / page_width_pt);
    };
    let outline = move |css_width: f64, page_w: f64, page_h: f64| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let css_height = css_width * page_h / page_w;
        canvas.set_width(css_width as u32);
        canvas.set_height(css_height as u32);
        let _ = canvas.set_attribute(
            "style",
            &format!("width:{css_width}px;height:{css_height}px"),
        );
        scale.set(css_width / page_w);
        if let Ok(Some(ctx)) = canvas.get_context("2d") {
            let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, css_width, css_height);
        }
    };
    let preview_width = move || {
        // The panel's width (the canvas itself may still be small before the first render).
        let panel = canvas_ref
            .get_untracked()
            .and_then(|c| c.closest(".signing-panel").ok().flatten())
            .map(|e| e.client_width() as f64)
            .unwrap_or(600.0);
        panel.clamp(200.0, 900.0)
    };

    let render_page = move || {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let Some(p) = info
            .get_untracked()
            .and_then(|i| i.pages.get(page.get_untracked()).cloned())
        else {
            return;
        };
        let index = page.get_untracked();
        previewing.set(false);
        spawn_local(async move {
            let css_width = preview_width();
            busy.set(Some(("Đang hiển thị trang…".into(), 0.0)));
            let rendered = worker::render(&f, index, css_width * worker::device_ratio()).await;
            busy.set(None);
            match rendered {
                Ok(answer) => paint(answer, css_width, p.width),
                Err(e) => {
                    // No picture (a very large file, or a page the renderer cannot draw): an outline of the page
                    // at its real proportions still lets the box be placed.
                    outline(css_width, p.width, p.height);
                    notice.set(Some(render_notice(&e)));
                }
            }
        });
    };
    // A phone turned sideways (or a resized window): render again at the new width; the placement stays in points.
    let _resize = window_event_listener(leptos::ev::resize, move |_| {
        if info.get_untracked().is_some() {
            render_page();
        }
    });

    let choose = move |ev: leptos::ev::Event| {
        let Some(f) = chosen_file(&ev) else { return };
        error.set(None);
        done.set(None);
        notice.set(None);
        info.set(None);
        file.set(Some(f.clone()));
        page.set(0);
        spawn_local(async move {
            busy.set(Some(("Đang đọc văn bản…".into(), 0.0)));
            let result = worker::inspect(&f).await;
            busy.set(None);
            match result {
                Ok(i) => {
                    // Start at the lower right, where NĐ 30 puts the signature.
                    if let Some(p) = i.pages.first() {
                        place.set(Rect {
                            x: (p.width - 230.0).max(0.0),
                            y: (p.height * 0.2).max(0.0),
                            w: 180.0_f64.min(p.width),
                            h: 70.0_f64.min(p.height),
                        });
                    }
                    info.set(Some(i));
                    render_page();
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    let pdf_rect = move || {
        page_info()?;
        let p = place.get();
        Some([p.x, p.y, p.w, p.h])
    };
    let request_args = move || SignOptions {
        key_id: key_id.get_untracked(),
        pin: pin.get_untracked(),
        kind: kind.get_untracked(),
        page: page.get_untracked(),
        rect: if kind.get_untracked() == SignatureKind::Attachment {
            None
        } else {
            pdf_rect()
        },
        text: Some(text.get_untracked()).filter(|t| !t.is_empty()),
        pss: false,
    };

    let preview = move |_| {
        error.set(None);
        let Some(f) = file.get_untracked() else {
            return;
        };
        if key_id.get_untracked().is_empty() {
            error.set(Some("Chọn khóa ký số để xem trước tên người ký.".into()));
            return;
        }
        let Some(p) = info.get_untracked().and_then(|i| {
            i.pages
                .get(if kind.get_untracked() == SignatureKind::Attachment {
                    0
                } else {
                    page.get_untracked()
                })
                .cloned()
        }) else {
            return;
        };
        let options = request_args();
        let css_width = preview_width();
        let image_bytes = image.get_untracked();
        spawn_local(async move {
            busy.set(Some(("Đang dựng hình chữ ký…".into(), 0.0)));
            let rendered = worker::preview(
                &f,
                options,
                vec![],
                image_bytes.as_deref(),
                css_width * worker::device_ratio(),
            )
            .await;
            busy.set(None);
            match rendered {
                Ok(answer) => {
                    paint(answer, css_width, p.width);
                    previewing.set(true);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(None);
        let Some(f) = file.get_untracked() else {
            error.set(Some("Chọn văn bản PDF cần ký.".into()));
            return;
        };
        if key_id.get_untracked().is_empty() {
            error.set(Some(
                "Chưa có khóa ký số có chứng thư trên máy này (xem thẻ “Khóa ký số của tôi”)."
                    .into(),
            ));
            return;
        }
        let options = request_args();
        let image_bytes = image.get_untracked();
        spawn_local(async move {
            set_busy(busy, "Đang mở khóa và ký…");
            let result = worker::sign(
                &f,
                options,
                image_bytes.as_deref(),
                Some(progress_of(busy, "Đang đọc văn bản…")),
            )
            .await;
            busy.set(None);
            match result {
                Ok(appended) => {
                    pin.set(String::new());
                    let name = f.name();
                    let stem = name.strip_suffix(".pdf").unwrap_or(&name);
                    let out = format!("{stem}-da-ky.pdf");
                    download_appended(&f, &appended.bytes, &out, "application/pdf");
                    done.set(Some(format!(
                        "Đã ký. Tệp {out} đã được tải về ({:.0} KB).",
                        appended.size / 1024.0
                    )));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    view! {
        <form class="signing-panel form" on:submit=sign data-testid="sign-form">
            <div class="field">
                <label for="sign-file">"Văn bản PDF"</label>
                <input id="sign-file" type="file" accept="application/pdf,.pdf" data-testid="sign-file" on:change=choose />
            </div>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="sign-error">{e}</div> })}
            {move || done.get().map(|d| view! { <div class="alert" role="status" data-testid="sign-done">{d}</div> })}
            {move || notice.get().map(|n| view! { <div class="alert alert-warning" role="status" data-testid="sign-notice">{n}</div> })}
            {move || {
                info.get()
                    .map(|i| {
                        let pages = i.pages.len();
                        view! {
                            <div class="sign-facts" data-testid="sign-facts">
                                {format!("{pages} trang; {} chữ ký số có sẵn.", i.signatures)}
                                {(!i.active_content.is_empty())
                                    .then(|| view! {
                                        <div class="alert alert-warning">
                                            {format!("Văn bản chứa nội dung chủ động, sẽ bị từ chối khi phát hành: {}.", i.active_content.join(", "))}
                                        </div>
                                    })}
                            </div>
                            <div class="field-row">
                                <button type="button" class="btn btn-secondary btn-small" disabled={move || page.get() == 0}
                                    on:click=move |_| { page.update(|p| *p = p.saturating_sub(1)); render_page(); }>"‹ Trang trước"</button>
                                <span data-testid="page-indicator">{move || format!("Trang {}/{pages}", page.get() + 1)}</span>
                                <button type="button" class="btn btn-secondary btn-small" disabled={move || page.get() + 1 >= pages}
                                    on:click=move |_| { page.update(|p| *p += 1); render_page(); }>"Trang sau ›"</button>
                            </div>
                        }
                    })
            }}
            <div class="preview-wrap">
                <div class="preview">
                    <canvas node_ref=canvas_ref data-testid="preview-canvas"></canvas>
                    <PlacementBox
                        place
                        page=Signal::derive(move || {
                            page_info().filter(|_| kind.get() != SignatureKind::Attachment && !previewing.get())
                        })
                        scale
                        label=Signal::derive(move || {
                            if kind.get() == SignatureKind::Seal {
                                "Chữ ký của lãnh đạo (dấu chồng 1/3 bên trái)"
                            } else {
                                "Chữ ký"
                            }
                        })
                    />
                </div>
            </div>
            <p class="placement-coords" data-testid="placement-coords">
                {move || pdf_rect().map(|[x, y, w, h]| format!("Vị trí trên trang (điểm PDF): x={x:.0}, y={y:.0}, rộng {w:.0}, cao {h:.0}"))}
            </p>
            <div class="field-row">
                <button type="button" class="btn btn-secondary" data-testid="preview-button" on:click=preview
                    disabled={move || info.get().is_none()}>"Xem trước hình chữ ký"</button>
                {move || previewing.get().then(|| view! {
                    <button type="button" class="btn btn-ghost" data-testid="preview-back" on:click=move |_| render_page()>"Chỉnh lại vị trí"</button>
                })}
            </div>
            <div class="field">
                <label for="sign-kind">"Loại chữ ký"</label>
                <select id="sign-kind" data-testid="sign-kind" on:change=move |ev| kind.set(kind_of(&event_target_value(&ev)))>
                    <option value="signer">"Chữ ký của người có thẩm quyền (ảnh chữ ký màu xanh)"</option>
                    <option value="seal">"Chữ ký số của cơ quan (ảnh con dấu màu đỏ)"</option>
                    <option value="attachment">"Ký văn bản kèm theo (góc trên bên phải trang 1)"</option>
                </select>
            </div>
            <div class="field">
                <label for="sign-image">"Ảnh chữ ký hoặc con dấu (PNG nền trong suốt, không bắt buộc với chữ ký)"</label>
                <input id="sign-image" type="file" accept="image/png" data-testid="sign-image" on:change=move |ev| {
                    if let Some(f) = chosen_file(&ev) {
                        spawn_local(async move { image.set(blob_bytes(&f).await.ok()); });
                    }
                } />
            </div>
            <div class="field">
                <label for="sign-text">"Dòng chữ kèm theo (không bắt buộc; với văn bản kèm theo: số, ký hiệu văn bản chính)"</label>
                <input id="sign-text" type="text" data-testid="sign-text" bind:value=text />
            </div>
            <div class="field">
                <label for="sign-key">"Khóa ký số"</label>
                <select id="sign-key" data-testid="sign-key" on:change=move |ev| key_id.set(event_target_value(&ev))>
                    {move || keys.get().into_iter().filter(|k| k.has_certificate).map(|k| {
                        let selected = k.id == key_id.get_untracked();
                        view! { <option value=k.id.clone() selected=selected>{k.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="sign-pin">"Mã PIN của khóa"</label>
                <input id="sign-pin" type="password" autocomplete="off" data-testid="sign-pin" bind:value=pin />
            </div>
            <button type="submit" class="btn btn-primary" data-testid="sign-submit">"Ký số"</button>
        </form>
    }
}
