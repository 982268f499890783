//! Who is signed in, shared by every page through the Leptos context: the user, and the CSRF token the API
//! client sends on every state-changing request.

use leptos::prelude::*;
use shared::auth::SessionResponse;
use shared::user::UserDto;

/// What the app knows about the browser's session.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `GET /api/me` has not answered yet.
    Checking,
    /// No session (or it ended).
    SignedOut,
    /// Signed in.
    SignedIn(SessionResponse),
    /// The server could not be reached to find out; the message says so.
    Unreachable(String),
}

/// The session context. `Copy`, so closures can capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub state: RwSignal<Auth>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(Auth::Checking),
        }
    }

    /// The session from the context provided by [`crate::app::App`].
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// A session began or was confirmed; the `client` crate keeps its CSRF token for the requests.
    pub fn signed_in(&self, session: SessionResponse) {
        client::remember_session(session.clone());
        tell_work_bundle();
        self.state.set(Auth::SignedIn(session));
    }

    pub fn signed_out(&self) {
        client::forget_session();
        tell_work_bundle();
        self.state.set(Auth::SignedOut);
    }

    /// The signed-in user (tracked).
    pub fn user(&self) -> Option<UserDto> {
        self.state.with(|s| match s {
            Auth::SignedIn(s) => Some(s.user.clone()),
            _ => None,
        })
    }

    /// Whether the signed-in user is a system administrator (the provincial administration).
    pub fn is_system_admin(&self) -> bool {
        self.user()
            .is_some_and(|u| u.has_role(shared::role::Role::SystemAdmin))
    }

    /// Whether the signed-in user administers accounts (of their agency or of all).
    pub fn is_admin(&self) -> bool {
        self.user()
            .is_some_and(|u| u.roles.iter().any(|r| r.is_admin()))
    }
}

/// The window event that tells the work bundle (which keeps its own copy of the session, asked once with
/// `GET /api/me`) that the session began, changed or ended, so it asks again: after a sign-out and another
/// person's sign-in in the same tab it must not act with the previous person's session.
pub const SESSION_CHANGED_EVENT: &str = client::window_event::SESSION_CHANGED;

fn tell_work_bundle() {
    client::window_event::tell(SESSION_CHANGED_EVENT);
}

/// Where the session stands, as the router guards need it (a small `PartialEq` value, so it can be memoised
/// and pages are not rebuilt when only the user's details change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Checking,
    SignedOut,
    MustChangePassword,
    Ready,
    Unreachable(String),
}

impl Session {
    /// The current phase (tracked).
    pub fn phase(&self) -> Phase {
        self.state.with(|s| match s {
            Auth::Checking => Phase::Checking,
            Auth::SignedOut => Phase::SignedOut,
            Auth::SignedIn(s) if s.user.must_change_password => Phase::MustChangePassword,
            Auth::SignedIn(_) => Phase::Ready,
            Auth::Unreachable(m) => Phase::Unreachable(m.clone()),
        })
    }
}
