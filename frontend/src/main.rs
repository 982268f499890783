//! The vanban browser app: mounts [`app::App`] on the page; everything else lives in the modules below.

mod api;
mod app;
mod components;
mod live;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
