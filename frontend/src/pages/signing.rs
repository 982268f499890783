//! `/ky-so`: a host for the signing pages, which are a separate bundle (`work-ui/`) loaded the first time the
//! route is opened, so the sign-in page never downloads them (nor the signing worker they start).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The work bundle's loader, written by scripts/build-frontend.sh beside the app.
pub const LOADER: &str = "/work_ui_loader.js";
/// The id of the loader's script element, so the bundle is injected once whichever page opens first.
pub const LOADER_ID: &str = "signing-loader";

/// Calls `window.<mount>(element, args…)` when the work bundle is loaded; otherwise injects its loader once
/// (whichever page opens first), and the bundle, once initialised, mounts itself into the element the host
/// left in the page (`#signing-root`, or `#work-root` with its `data-route`).
pub fn mount_or_load(mount: &str, element: &web_sys::HtmlElement, extra: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let function = js_sys::Reflect::get(&window, &mount.into())
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok());
    match function {
        Some(f) => {
            let _ = match extra {
                Some(arg) => f.call2(&wasm_bindgen::JsValue::NULL, element, &arg.into()),
                None => f.call1(&wasm_bindgen::JsValue::NULL, element),
            };
        }
        None => {
            if let Some(document) = window.document()
                && document.get_element_by_id(LOADER_ID).is_none()
            {
                load_bundle(&document);
            }
        }
    }
}

/// The work pages' styles (the build copies them as they are: scripts/build-frontend.sh), linked with the bundle.
pub const WORK_STYLES: [&str; 6] = [
    "/signing.css",
    "/work.css",
    "/document.css",
    "/dashboard.css",
    "/incoming.css",
    "/dialog.css",
];

/// Links the work styles, then injects the bundle's loader once they have arrived (or failed), so the bundle
/// never mounts its pages unstyled. The loader element is created at once, so a second page opening meanwhile
/// does not start a second load.
fn load_bundle(document: &web_sys::Document) {
    let (Some(head), Ok(script)) = (document.head(), document.create_element("script")) else {
        return;
    };
    let script: web_sys::HtmlScriptElement = script.unchecked_into();
    script.set_id(LOADER_ID);
    script.set_type("module");
    let waiting = std::rc::Rc::new(std::cell::Cell::new(WORK_STYLES.len()));
    for href in WORK_STYLES {
        let Ok(link) = document.create_element("link") else {
            continue;
        };
        let link: web_sys::HtmlLinkElement = link.unchecked_into();
        link.set_rel("stylesheet");
        link.set_href(href);
        let (waiting, script) = (waiting.clone(), script.clone());
        let arrived = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            waiting.set(waiting.get().saturating_sub(1));
            if waiting.get() == 0 && script.src().is_empty() {
                script.set_src(LOADER);
            }
        });
        link.set_onload(Some(arrived.as_ref().unchecked_ref()));
        link.set_onerror(Some(arrived.as_ref().unchecked_ref()));
        // Called once per page load of the app; the handlers live as long as the page.
        arrived.forget();
        let _ = head.append_child(&link);
    }
    let _ = head.append_child(&script);
}

#[component]
pub fn SigningPage() -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(element) = root.get() {
            mount_or_load("vanbanMountSigning", &element, None);
        }
    });
    view! {
        <div id="signing-root" node_ref=root data-testid="signing-root">
            <p class="loading"><span class="spinner"></span>"Đang tải chức năng chữ ký số…"</p>
        </div>
    }
}
