//! The signing pages as their own WASM bundle. The app's `/ky-so` route renders `<div id="signing-root">` and
//! loads `signing_ui_loader.js` once (trunk writes it beside the app); after that it calls
//! `window.vanbanMountSigning(element)` each time the route is shown. Keeping this UI (and the worker it drives)
//! out of the app's bundle keeps the sign-in page small.

mod page;
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
}
