//! The one placement box of every signing view (the signing page, the signer's and the clerk's steps, the
//! number and date of a draft): a rectangle over a drawn page, moved by dragging it and resized by its corner
//! handle, with Pointer Events (mouse, pen and touch alike). The rectangle lives in points of the page as
//! displayed, origin bottom left, which is what the signing core takes; the box on screen is derived from it
//! with the current scale, so turning a phone (a new scale) keeps it on the same spot of the page.

use leptos::prelude::*;
use shared::worker_protocol::PageSize;
use wasm_bindgen::JsCast;

/// A rectangle on the displayed page in points, origin bottom left.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn array(self) -> [f64; 4] {
        [self.x, self.y, self.w, self.h]
    }

    pub fn from_array(r: [f64; 4]) -> Self {
        Self {
            x: r[0],
            y: r[1],
            w: r[2],
            h: r[3],
        }
    }

    /// Where NĐ 30 Phụ lục I puts the signature: lower right, under "Nơi nhận"'s column on the right.
    pub fn nd30_signature(p: PageSize) -> Self {
        let (w, h) = (170.0_f64.min(p.width), 70.0_f64.min(p.height));
        Self {
            x: (p.width - w - 60.0).max(0.0),
            y: (p.height * 0.25).min(p.height - h).max(0.0),
            w,
            h,
        }
    }

    /// Moved by (dx, dy) screen points (y grows downwards on screen), kept on the page.
    pub fn moved(self, dx: f64, dy: f64, p: PageSize) -> Self {
        Self {
            x: (self.x + dx).clamp(0.0, (p.width - self.w).max(0.0)),
            y: (self.y - dy).clamp(0.0, (p.height - self.h).max(0.0)),
            ..self
        }
    }

    /// The lower right corner dragged by (dx, dy) screen points; at least 20 × 10 points, kept on the page.
    pub fn resized(self, dx: f64, dy: f64, p: PageSize) -> Self {
        let w = (self.w + dx).clamp(20.0, (p.width - self.x).max(20.0));
        let h = (self.h + dy).clamp(10.0, (self.y + self.h).max(10.0));
        // Growing downwards on screen lowers the bottom edge in PDF space.
        Self {
            w,
            h,
            y: self.y + self.h - h,
            ..self
        }
    }

    /// Centred on a point of the page (points from the top left, as on screen), kept on the page.
    pub fn centred_at(self, px: f64, py: f64, p: PageSize) -> Self {
        Self {
            x: (px - self.w / 2.0).clamp(0.0, (p.width - self.w).max(0.0)),
            y: (p.height - py - self.h / 2.0).clamp(0.0, (p.height - self.h).max(0.0)),
            ..self
        }
    }
}

/// What a drag started with: resizing or moving, where the pointer was, and the rectangle then.
#[derive(Clone, Copy)]
struct Grab {
    resize: bool,
    x0: f64,
    y0: f64,
    start: Rect,
}

/// The box over the page `page` drawn at `scale` CSS pixels per point; nothing until both are known. Put it
/// inside the positioned element that holds the page's canvas.
#[component]
pub fn PlacementBox(
    place: RwSignal<Rect>,
    /// The size of the page the box is on.
    #[prop(into)]
    page: Signal<Option<PageSize>>,
    /// CSS pixels per PDF point of the drawn page.
    #[prop(into)]
    scale: Signal<f64>,
    #[prop(into)] label: Signal<&'static str>,
) -> impl IntoView {
    let grab = StoredValue::new(None::<Grab>);
    let start = move |ev: leptos::ev::PointerEvent, resize: bool| {
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(t) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        grab.set_value(Some(Grab {
            resize,
            x0: f64::from(ev.client_x()),
            y0: f64::from(ev.client_y()),
            start: place.get_untracked(),
        }));
    };
    // The pointer is captured by the box or its handle, so its moves arrive here wherever it goes.
    let drag = move |ev: leptos::ev::PointerEvent| {
        let (Some(g), Some(p)) = (grab.get_value(), page.get_untracked()) else {
            return;
        };
        let s = scale.get_untracked().max(0.01);
        let (dx, dy) = (
            (f64::from(ev.client_x()) - g.x0) / s,
            (f64::from(ev.client_y()) - g.y0) / s,
        );
        place.set(if g.resize {
            g.start.resized(dx, dy, p)
        } else {
            g.start.moved(dx, dy, p)
        });
    };
    let end = move |_ev: leptos::ev::PointerEvent| grab.set_value(None);
    // The element stays while the box is shown (only its style follows the rectangle), so the pointer it
    // captured stays captured for the whole drag.
    let style = move || {
        let (Some(p), s) = (page.get(), scale.get()) else {
            return String::new();
        };
        let b = place.get();
        format!(
            "left:{}px;top:{}px;width:{}px;height:{}px",
            b.x * s,
            (p.height - b.y - b.h) * s,
            b.w * s,
            b.h * s,
        )
    };
    let shown = move || page.with(Option::is_some) && scale.get() > 0.0;
    view! {
        <Show when=shown>
            <div
                class="placement"
                data-testid="placement-box"
                style=style
                on:pointerdown=move |ev| start(ev, false)
                on:pointermove=drag
                on:pointerup=end
                on:pointercancel=end
            >
                <span class="placement-label">{label}</span>
                <span
                    class="placement-resize"
                    data-testid="placement-resize"
                    on:pointerdown=move |ev| start(ev, true)
                ></span>
            </div>
        </Show>
    }
}
