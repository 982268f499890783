//! Where the number and date go on page 1 (NĐ 30 Phụ lục I: "Số: …" under the agency name, the place and date
//! under the national motto). The server reserves the two fields there; the drafter may move the boxes onto
//! the blanks their template leaves, on the rendered page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::outgoing::NumberPlacement;

use shared::worker_protocol::PageSize;

use crate::components::{Busy, Rect};
use crate::signing::PlacementPreview;
use crate::upload::Picked;
use crate::worker;

/// The two boxes, once the main file's first page is known.
#[derive(Clone, Copy)]
pub struct Boxes {
    pub number: RwSignal<Rect>,
    pub date: RwSignal<Rect>,
    /// Page sizes of the main file; empty until read (then the server's default applies).
    pub pages: RwSignal<Vec<PageSize>>,
    /// The page both boxes are on (from 0; page 1 by default).
    pub page: RwSignal<usize>,
}

impl Boxes {
    pub fn new() -> Self {
        let zero = Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
        };
        Self {
            number: RwSignal::new(zero),
            date: RwSignal::new(zero),
            pages: RwSignal::new(Vec::new()),
            page: RwSignal::new(0),
        }
    }

    /// What the draft request carries: the boxes on page 1, or nothing (the server's NĐ 30 default).
    pub fn placement(&self) -> Option<NumberPlacement> {
        (!self.pages.get_untracked().is_empty()).then(|| NumberPlacement {
            page: self.page.get_untracked(),
            number: self.number.get_untracked().array(),
            date: self.date.get_untracked().array(),
        })
    }
}

/// Shows page 1 with the number box, then with the date box, each movable; opened on demand (rendering a page
/// costs a moment).
#[component]
pub fn NumberPlacementPicker(main: RwSignal<Option<Picked>>, boxes: Boxes) -> impl IntoView {
    let open = RwSignal::new(false);
    let file = RwSignal::new(None::<web_sys::Blob>);
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    // A new main file: read its pages and start from the NĐ 30 default for its size.
    Effect::new(move |_| {
        let Some(picked) = main.get() else {
            boxes.pages.set(Vec::new());
            file.set(None);
            return;
        };
        let Some(blob) = picked.blob() else { return };
        spawn_local(async move {
            match worker::inspect(&blob).await {
                Ok(info) => {
                    if let Some(first) = info.pages.first() {
                        let d = NumberPlacement::nd30_default(first.width, first.height);
                        boxes.number.set(Rect::from_array(d.number));
                        boxes.date.set(Rect::from_array(d.date));
                    }
                    boxes.page.set(0);
                    boxes.pages.set(info.pages);
                    file.set(Some(blob));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    let (preview_n, preview_d) = (RwSignal::new(None), RwSignal::new(None));
    view! {
        <div class="number-placement" data-testid="number-placement">
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="btn btn-secondary btn-small" data-testid="placement-open"
                        disabled=move || file.get().is_none()
                        on:click=move |_| open.set(true)>
                        "Chỉnh vị trí số và ngày trên trang 1"
                    </button>
                    <p class="hint">"Mặc định theo NĐ 30: số dưới tên cơ quan, ngày dưới quốc hiệu, trang 1."</p>
                }
            >
                <p class="hint">"Kéo khung vào chỗ để trống của số văn bản, rồi của ngày ban hành."</p>
                <PlacementPreview file=file.into() pages=boxes.pages.into() page=boxes.page place=boxes.number
                    preview=preview_n label="Số" busy />
                <PlacementPreview file=file.into() pages=boxes.pages.into() page=boxes.page place=boxes.date
                    preview=preview_d label="Ngày" busy />
            </Show>
        </div>
    }
}
