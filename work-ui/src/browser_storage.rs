//! The browser's localStorage and sessionStorage through Reflect (the bundle does without web-sys's Storage
//! binding). Failures (private mode, quota) are ignored: what is kept here is a convenience, never the record.

use wasm_bindgen::JsCast;

/// Which storage: `localStorage` (this browser, kept) or `sessionStorage` (this tab, until it is closed).
#[derive(Clone, Copy)]
pub enum Storage {
    Local,
    Session,
}

impl Storage {
    fn name(self) -> &'static str {
        match self {
            Self::Local => "localStorage",
            Self::Session => "sessionStorage",
        }
    }

    fn call(self, method: &str, args: &[&str]) -> Option<wasm_bindgen::JsValue> {
        let window = web_sys::window()?;
        let storage = js_sys::Reflect::get(&window, &self.name().into())
            .ok()
            .filter(|s| !s.is_undefined() && !s.is_null())?;
        let f: js_sys::Function = js_sys::Reflect::get(&storage, &method.into())
            .ok()?
            .dyn_into()
            .ok()?;
        let array: js_sys::Array = args
            .iter()
            .map(|a| wasm_bindgen::JsValue::from_str(a))
            .collect();
        f.apply(&storage, &array).ok()
    }

    pub fn get(self, key: &str) -> Option<String> {
        self.call("getItem", &[key])?.as_string()
    }

    pub fn set(self, key: &str, value: &str) {
        let _ = self.call("setItem", &[key, value]);
    }

    pub fn remove(self, key: &str) {
        let _ = self.call("removeItem", &[key]);
    }
}
