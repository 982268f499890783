//! A page of a document drawn by the worker, with the placement box on it; or, while a signature is being
//! previewed, the page as it will look once signed. A tap on the page moves the box there.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::worker_protocol::{PageSize, SignOptions, WorkerError};

use crate::components::{Busy, PlacementBox, Rect, set_busy};
use crate::worker;

/// Why a page is not drawn, as the notice over its outline says it.
pub fn render_notice(e: &ClientError) -> String {
    match e {
        ClientError::Worker(too_big @ WorkerError::TooBigToRender { .. }) => too_big.to_string(),
        other => format!("Không vẽ được trang: {other}"),
    }
}

/// A page of `file` drawn by the worker with a box to place by dragging or tapping; or, while `preview` holds
/// the arguments of a signature, the page as it will look once signed.
#[component]
pub fn PlacementPreview(
    file: Signal<Option<web_sys::Blob>>,
    pages: Signal<Vec<PageSize>>,
    page: RwSignal<usize>,
    place: RwSignal<Rect>,
    /// The signature to preview and its image; `None` shows the page and the box.
    preview: RwSignal<Option<(SignOptions, Option<Vec<u8>>)>>,
    label: &'static str,
    busy: Busy,
    /// A remote credential's chain (base64 DER): the preview's names come from it instead of a local key.
    #[prop(optional)]
    remote: Option<Signal<Vec<String>>>,
) -> impl IntoView {
    let wrap = NodeRef::<leptos::html::Div>::new();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let scale = RwSignal::new(0.0f64);
    let notice = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u32);
    let resized = RwSignal::new(0u32);
    let page_info = move || pages.get().get(page.get()).copied();

    let css_width = move || {
        wrap.try_get_untracked()
            .flatten()
            .map(|w| f64::from(w.client_width()))
            .filter(|w| *w > 0.0)
            .unwrap_or(600.0)
            .clamp(200.0, 900.0)
    };
    Effect::new(move |_| {
        resized.track();
        let (Some(f), Some(p)) = (file.get(), page_info()) else {
            return;
        };
        let index = page.get();
        let args = preview.get();
        let certificates = remote.map(|r| r.get()).unwrap_or_default();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let width = css_width();
            let pixels = width * worker::device_ratio();
            let answer = match args {
                Some((sign, image)) => {
                    set_busy(busy, "Đang dựng hình chữ ký…");
                    worker::preview(&f, sign, certificates, image.as_deref(), pixels).await
                }
                None => {
                    set_busy(busy, "Đang hiển thị trang…");
                    worker::render(&f, index, pixels).await
                }
            };
            busy.set(None);
            // A newer render was asked for, or the component is gone.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            let Some(c) = canvas.try_get_untracked().flatten() else {
                return;
            };
            match answer {
                Ok(a) => {
                    notice.set(None);
                    worker::paint(&c, &a, width);
                }
                Err(e) => {
                    // No picture: an outline of the page at its real proportions still lets the box be placed.
                    let h = width * p.height / p.width;
                    c.set_width(width as u32);
                    c.set_height(h as u32);
                    let _ = c.set_attribute("style", &format!("width:{width}px;height:{h}px"));
                    notice.set(Some(render_notice(&e)));
                }
            }
            scale.set(width / p.width);
        });
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|r| *r += 1);
    });

    // A tap on the page moves the box there (centred on the finger), which is easier than dragging on a phone.
    let tap = move |ev: leptos::ev::MouseEvent| {
        if preview.get_untracked().is_some() {
            return;
        }
        let (Some(c), Some(p)) = (
            canvas.get_untracked(),
            pages.get_untracked().get(page.get_untracked()).copied(),
        ) else {
            return;
        };
        let r = c.get_bounding_client_rect();
        let s = scale.get_untracked().max(0.01);
        let (px, py) = (
            (f64::from(ev.client_x()) - r.left()) / s,
            (f64::from(ev.client_y()) - r.top()) / s,
        );
        place.update(|b| *b = b.centred_at(px, py, p));
    };
    let count = move || pages.get().len();
    let go = move |delta: i64| {
        let n = count() as i64;
        let next = (page.get_untracked() as i64 + delta).clamp(0, (n - 1).max(0));
        preview.set(None);
        page.set(next as usize);
    };

    view! {
        <div class="placement-preview" node_ref=wrap>
            <div class="page-nav">
                <button type="button" class="btn btn-secondary btn-small" data-testid="page-prev"
                    aria-label="Trang trước" disabled={move || page.get() == 0} on:click=move |_| go(-1)>"‹ Trước"</button>
                <span data-testid="page-indicator">{move || format!("Trang {}/{}", page.get() + 1, count())}</span>
                <button type="button" class="btn btn-secondary btn-small" data-testid="page-next"
                    aria-label="Trang sau" disabled={move || page.get() + 1 >= count()} on:click=move |_| go(1)>"Sau ›"</button>
            </div>
            {move || notice.get().map(|n| view! { <div class="alert alert-warning" role="status">{n}</div> })}
            <div class="preview-wrap">
                <div class="preview">
                    <canvas node_ref=canvas data-testid="preview-canvas" on:click=tap></canvas>
                    <PlacementBox
                        place
                        page=Signal::derive(move || page_info().filter(|_| preview.get().is_none()))
                        scale
                        label
                    />
                </div>
            </div>
            <p class="hint">"Chạm vào trang hoặc kéo khung để đặt vị trí; kéo chấm tròn để đổi cỡ."</p>
        </div>
    }
}
