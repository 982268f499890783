//! `/ky-so`: check the signatures of any PDF, sign one with a key kept in this browser (placing the signature on
//! a preview of the page), and manage those keys. The heavy work runs in the signing worker.

mod keys;
mod remote;
mod sign;
mod verify;

use leptos::prelude::*;

use keys::KeysPanel;
use remote::RemoteSigningPanel;
use sign::SignPanel;
use verify::VerifyPanel;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Verify,
    Sign,
    Keys,
}

#[component]
pub fn SigningPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::Verify);
    let tab_button = move |t: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="tab"
                data-testid=testid
                aria-current=move || (tab.get() == t).then_some("page")
                on:click=move |_| tab.set(t)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>"Chữ ký số"</h1>
            </header>
            <nav class="tabs" aria-label="Chức năng chữ ký số">
                {tab_button(Tab::Verify, "Kiểm tra chữ ký", "tab-verify")}
                {tab_button(Tab::Sign, "Ký văn bản", "tab-sign")}
                {tab_button(Tab::Keys, "Khóa ký số của tôi", "tab-keys")}
            </nav>
            {move || match tab.get() {
                Tab::Verify => view! { <VerifyPanel /> }.into_any(),
                Tab::Sign => view! { <SignPanel /> }.into_any(),
                Tab::Keys => view! { <KeysPanel /><RemoteSigningPanel /> }.into_any(),
            }}
        </section>
    }
}
