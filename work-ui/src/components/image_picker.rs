//! The signature or seal image (PNG) chosen for a key, remembered in this browser for next time.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser_storage::Storage;
use crate::files::{blob_bytes, chosen_file};

/// The signature or seal image (PNG) last used with a key in this browser.
pub fn remembered_image(key_id: &str) -> Option<Vec<u8>> {
    let text = Storage::Local.get(&format!("vanban.image.{key_id}"))?;
    let window = web_sys::window()?;
    let binary = window.atob(&text).ok()?;
    Some(binary.chars().map(|c| c as u32 as u8).collect())
}

/// Remembers `png` as the image of `key_id`.
pub fn remember_image(key_id: &str, png: &[u8]) {
    let binary: String = png.iter().map(|&b| b as char).collect();
    if let Some(encoded) = web_sys::window().and_then(|w| w.btoa(&binary).ok()) {
        Storage::Local.set(&format!("vanban.image.{key_id}"), &encoded);
    }
}

/// A PNG chosen for a key, remembered in this browser for next time.
///
/// The key list is read from the worker, which may still be drawing pages, so a person can choose the image
/// before the key is known. Such an image belongs to the key that comes next: it is kept and remembered for it,
/// never replaced by "nothing remembered" (a clerk who chose the seal while the page was loading lost it, and
/// issuing then asked for it again). Switching between two known keys shows each key's own image.
#[component]
pub fn ImagePicker(
    key_id: RwSignal<String>,
    image: RwSignal<Option<Vec<u8>>>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    // The key the image on screen was chosen or remembered for; `None` for an image chosen before any key.
    let owner = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = key_id.get();
        if id.is_empty() {
            return;
        }
        let chosen_before_key =
            owner.get_untracked().is_none() && image.with_untracked(Option::is_some);
        match remembered_image(&id) {
            Some(png) if !chosen_before_key => image.set(Some(png)),
            _ if chosen_before_key => {
                if let Some(png) = image.get_untracked() {
                    remember_image(&id, &png);
                }
            }
            other => image.set(other),
        }
        owner.set(Some(id));
    });
    view! {
        <div class="field">
            <label for=testid>{label}</label>
            {move || image.get().is_some().then(|| view! {
                <span class="chip" data-testid=format!("{testid}-ready")>"Đã có ảnh (lưu trên máy này)"</span>
            })}
            <input id=testid type="file" accept="image/png" data-testid=testid on:change=move |ev| {
                if let Some(f) = chosen_file(&ev) {
                    spawn_local(async move {
                        let Ok(png) = blob_bytes(&f).await else { return };
                        let Some(id) = key_id.try_get_untracked() else { return };
                        if id.is_empty() {
                            owner.set(None);
                        } else {
                            remember_image(&id, &png);
                            owner.set(Some(id));
                        }
                        image.set(Some(png));
                    });
                }
            } />
        </div>
    }
}
