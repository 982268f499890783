//! The layout route of every signed-in page: checks the session, sends the user to sign in or to change a
//! temporary password, and otherwise draws the shell around the page.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_navigate;

use crate::api::Api;
use crate::app::check_session;
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::shell::Shell;
use crate::components::toast::{Toast, Toasts};
use crate::live;
use crate::session::{Phase, Session};

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    let phase = Memo::new(move |_| session.phase());

    let navigate = use_navigate();
    Effect::new(move |_| {
        let to = match phase.get() {
            Phase::SignedOut => "/dang-nhap",
            Phase::MustChangePassword => "/doi-mat-khau",
            _ => return,
        };
        navigate(
            to,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });

    let logout = Action::new_local(move |_: &()| async move { api.logout().await });
    let logout_error = Signal::derive(move || {
        logout
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message())
    });
    let user = Signal::derive(move || session.user());

    // Counters and notifications, live while the session is ready (closed on sign-out).
    let counts = live::Counts::default();
    provide_context(counts);
    let reads = StoredValue::new_local(live::follow_reads(api, counts));
    let toasts = RwSignal::new(Vec::<Toast>::new());
    let events = StoredValue::new_local(None::<live::Live>);
    Effect::new(move |_| {
        let ready = phase.get() == Phase::Ready;
        let open = events.with_value(Option::is_some);
        if ready && !open {
            events.set_value(live::start(api, counts, toasts));
        } else if !ready && open {
            events.set_value(None);
        }
    });
    on_cleanup(move || {
        events.try_update_value(|e| *e = None);
        reads.try_update_value(|r| {
            if let Some(listener) = r.take() {
                live::unfollow_reads(&listener);
            }
        });
    });
    let is_admin = Signal::derive(move || session.is_admin());

    move || match phase.get() {
        Phase::Ready => view! {
            <Shell
                user
                is_admin
                counts=counts.outgoing.into()
                incoming=counts.incoming.into()
                unread=counts.unread.into()
                on_logout=Callback::new(move |()| {
                    logout.dispatch(());
                })
                logout_pending=logout.pending().into()
                logout_error
            >
                <Outlet />
                <Toasts items=toasts />
            </Shell>
        }
        .into_any(),
        Phase::Unreachable(message) => {
            let retry = Callback::new(move |()| {
                session.state.set(crate::session::Auth::Checking);
                check_session(api, session);
            });
            view! {
                <main class="center-page">
                    <ErrorPanel message on_retry=retry />
                </main>
            }
            .into_any()
        }
        _ => view! {
            <main class="center-page">
                <Loading />
            </main>
        }
        .into_any(),
    }
}
