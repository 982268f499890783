//! The app: the session and API client contexts, and the routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use shared::ErrorCode;

use crate::api::Api;
use crate::pages::admin::{AdminIndex, AdminLayout};
use crate::pages::change_password::ChangePasswordPage;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::sections::NotFoundPage;
use crate::pages::signed_in::SignedInLayout;
use crate::pages::signing::SigningPage;
use crate::pages::verify::VerifyPage;
use crate::pages::work::RecordFilesRoute;
use crate::pages::work::ReportRoute;
use crate::pages::work::SearchRoute;
use crate::pages::work::{
    AdminAuditRoute, AdminExchangeRoute, AdminUnitsRoute, AdminUsersRoute, DashboardRoute,
    DelegationsRoute, HandoverRoute, NotificationsRoute,
};
use crate::pages::work::{
    IncomingDocRoute, IncomingListRoute, IncomingNewRoute, OutgoingDocRoute, OutgoingListRoute,
    OutgoingNewRoute, RegisterRoute,
};
use crate::session::{Auth, Session};

/// The page's cookies (only the non-HttpOnly ones: the session cookie itself is invisible here).
fn page_cookies() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| js_sys::Reflect::get(&d, &"cookie".into()).ok())
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// Forgets the hint that a session may exist (it outlived its session).
fn forget_signed_in_hint() {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        let gone = format!(
            "{}=; Max-Age=0; Path=/; SameSite=Strict",
            shared::api::SIGNED_IN_HINT_COOKIE
        );
        let _ = js_sys::Reflect::set(&d, &"cookie".into(), &gone.into());
    }
}

/// Asks the server who is signed in and records the answer in the session context. Without the hint cookie
/// nobody is signed in on this browser: the sign-in page opens without asking (and without the `401` a browser
/// would log as an error).
pub fn check_session(api: Api, session: Session) {
    let hint = format!("{}=1", shared::api::SIGNED_IN_HINT_COOKIE);
    if !page_cookies().split(';').any(|c| c.trim() == hint) {
        session.signed_out();
        return;
    }
    spawn_local(async move {
        if let Err(e) = api.me().await {
            match e.code() {
                Some(ErrorCode::Unauthenticated) => {
                    forget_signed_in_hint();
                    session.signed_out()
                }
                _ => session.state.set(Auth::Unreachable(e.message())),
            }
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    let api = Api::new(session);
    provide_context(session);
    provide_context(api);
    check_session(api, session);

    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/dang-nhap") view=LoginPage />
                <Route path=path!("/doi-mat-khau") view=ChangePasswordPage />
                <Route path=path!("/xac-minh") view=VerifyPage />
                <Route path=path!("/xac-minh/:code") view=VerifyPage />
                <ParentRoute path=path!("") view=SignedInLayout>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("van-ban-den") view=IncomingListRoute />
                    <Route path=path!("van-ban-den/moi") view=IncomingNewRoute />
                    <Route path=path!("van-ban-den/:id") view=IncomingDocRoute />
                    <Route path=path!("van-ban-di") view=OutgoingListRoute />
                    <Route path=path!("van-ban-di/moi") view=OutgoingNewRoute />
                    <Route path=path!("van-ban-di/:id") view=OutgoingDocRoute />
                    <Route path=path!("so-van-ban") view=RegisterRoute />
                    <Route path=path!("bang-theo-doi") view=DashboardRoute />
                    <Route path=path!("bao-cao") view=ReportRoute />
                    <Route path=path!("ho-so") view=RecordFilesRoute />
                    <Route path=path!("tim-kiem") view=SearchRoute />
                    <Route path=path!("uy-quyen") view=DelegationsRoute />
                    <Route path=path!("ky-so") view=SigningPage />
                    <Route path=path!("thong-bao") view=NotificationsRoute />
                    <ParentRoute path=path!("quan-tri") view=AdminLayout>
                        <Route path=path!("") view=AdminIndex />
                        <Route path=path!("tai-khoan") view=AdminUsersRoute />
                        <Route path=path!("don-vi") view=AdminUnitsRoute />
                        <Route path=path!("nhat-ky") view=AdminAuditRoute />
                        <Route path=path!("lien-thong") view=AdminExchangeRoute />
                        <Route path=path!("ban-giao/:id") view=HandoverRoute />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
