//! The signing pages as their own WASM bundle. The app's `/ky-so` route renders `<div id="signing-root">` and
//! loads `work_ui_loader.js` once (trunk writes it beside the app); after that it calls
//! `window.vanbanMountSigning(element)` each time the route is shown. Keeping this UI (and the worker it drives)
//! out of the app's bundle keeps the sign-in page small.

#[allow(dead_code)] // until every page uses it
mod api;
mod page;
mod work;
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
    let handle = mount_to(element, page::SigningPage);
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
}

/// Mounts a work page (`work::WorkRoute` as JSON) into the app's element.
fn mount_work(element: web_sys::HtmlElement, route: String) {
    MOUNTED.with(|m| m.borrow_mut().take());
    element.set_inner_html("");
    use leptos::prelude::*;
    let route = serde_json::from_str::<work::WorkRoute>(&route).ok();
    let handle = mount_to(element, move || match route.clone() {
        Some(route) => view! { <work::WorkRoot route=route /> }.into_any(),
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
}
