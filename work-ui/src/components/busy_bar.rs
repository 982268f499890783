//! Long work shows progress: a line saying what is being done and a bar of how far along.

use leptos::prelude::*;

use crate::worker;

/// Work in progress: a line and how far along (0..1); `None` when idle.
pub type Busy = RwSignal<Option<(String, f64)>>;

/// Starts a step of the work (its bar empty).
pub fn set_busy(busy: Busy, label: &str) {
    busy.set(Some((label.to_string(), 0.0)));
}

/// A progress callback for the worker that moves `busy`'s bar under `label`.
pub fn progress_of(busy: Busy, label: &'static str) -> worker::Progress {
    Box::new(move |d: f64, t: f64| busy.set(Some((label.into(), d / t.max(1.0)))))
}

/// A progress bar for a long operation (reading, hashing, signing).
#[component]
pub fn ProgressBar(label: Signal<String>, fraction: Signal<f64>) -> impl IntoView {
    view! {
        <div class="progress" data-testid="progress">
            <div class="progress-label">{label}</div>
            <progress max="1" value=move || fraction.get().to_string()></progress>
        </div>
    }
}

/// The bar of `busy` while there is work, nothing otherwise.
#[component]
pub fn BusyBar(busy: Busy) -> impl IntoView {
    move || {
        busy.get().map(|(l, f)| {
            view! {
                <ProgressBar label=Signal::derive(move || l.clone()) fraction=Signal::derive(move || f) />
            }
        })
    }
}
