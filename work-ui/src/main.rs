//! The work bundle: every document page and the signing pages, as their own WASM bundle. The app's routes
//! render `<div id="work-root">` (or `signing-root` for `/ky-so`) and load `work_ui_loader.js` once
//! (scripts/build-frontend.sh writes it beside the app); after that they call
//! `window.vanbanMountWork(element, route)` or `window.vanbanMountSigning(element)` each time the route is
//! shown. Keeping these pages (and the workers they drive) out of the app's bundle keeps the sign-in page small.
//!
//! Layout, as in the app: `pages/` (one per page), `components/` (no IO), `api.rs` (the typed API client over
//! the `client` crate), `worker.rs` (the client of the render and signing workers, `shared::worker_protocol`),
//! `signing.rs` (the signing work the document pages share), `files.rs` (chosen files, Blobs, downloads).

#[allow(dead_code)] // until every page uses it
mod api;
mod app;
mod browser_storage;
mod components;
mod files;
mod pages;
mod signing;
mod upload;
mod worker;

use std::cell::RefCell;

use leptos::mount::mount_to;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The mounted page, dropped (unmounted) when the app mounts it again.
    static MOUNTED: RefCell<Option<Box<dyn std::any::Any>>> = const { RefCell::new(None) };
}

fn mount(element: web_sys::HtmlElement) {
    // Replace the host's "loading" line (and whatever an earlier mount left).
    MOUNTED.with(|m| m.borrow_mut().take());
    element.set_inner_html("");
    let handle = mount_to(element, pages::signing::SigningPage);
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
}

/// Mounts a work page (`app::WorkRoute` as JSON) into the app's element.
fn mount_work(element: web_sys::HtmlElement, route: String) {
    MOUNTED.with(|m| m.borrow_mut().take());
    element.set_inner_html("");
    use leptos::prelude::*;
    let route = serde_json::from_str::<app::WorkRoute>(&route).ok();
    let handle = mount_to(element, move || match route.clone() {
        Some(route) => view! { <app::WorkRoot route=route /> }.into_any(),
        None => view! { <p class="error">"Trang không tồn tại."</p> }.into_any(),
    });
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
}

fn main() {
    console_error_panic_hook::set_once();
    let mount_fn = Closure::<dyn Fn(web_sys::HtmlElement)>::new(mount);
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"vanbanMountSigning".into(), mount_fn.as_ref());
        if let Some(root) = window
            .document()
            .and_then(|d| d.get_element_by_id("signing-root"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            mount(root);
        }
    }
    mount_fn.forget();
    let work_fn = Closure::<dyn Fn(web_sys::HtmlElement, String)>::new(mount_work);
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"vanbanMountWork".into(), work_fn.as_ref());
        // First load from a work route: the host left its element and route for us.
        if let Some(root) = window
            .document()
            .and_then(|d| d.get_element_by_id("work-root"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            && let Some(route) = root.get_attribute("data-route")
        {
            mount_work(root, route);
        }
    }
    work_fn.forget();
    // The app signed in, out or as someone else (frontend/src/session.rs): ask for the session again.
    let forget = Closure::<dyn Fn()>::new(client::forget_session);
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback(
            client::window_event::SESSION_CHANGED,
            forget.as_ref().unchecked_ref(),
        );
    }
    forget.forget();
}
