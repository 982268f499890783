//! The app: the session and API client contexts, and the routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use shared::ErrorCode;

use crate::api::Api;
use crate::pages::admin::{
    AdminIndex, AdminLayout, audit::AuditPage, units::UnitsPage, users::UsersPage,
};
use crate::pages::change_password::ChangePasswordPage;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::sections::{NotFoundPage, RecordsPage, ReportsPage};
use crate::pages::signed_in::SignedInLayout;
use crate::pages::signing::SigningPage;
use crate::pages::work::{DashboardRoute, DelegationsRoute, HandoverRoute};
use crate::pages::work::{
    IncomingDocRoute, IncomingListRoute, IncomingNewRoute, OutgoingDocRoute, OutgoingListRoute,
    OutgoingNewRoute, RegisterRoute,
};
use crate::session::{Auth, Session};

/// Asks the server who is signed in and records the answer in the session context.
pub fn check_session(api: Api, session: Session) {
    spawn_local(async move {
        if let Err(e) = api.me().await {
            match e.code() {
                Some(ErrorCode::Unauthenticated) => session.signed_out(),
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
                    <Route path=path!("uy-quyen") view=DelegationsRoute />
                    <Route path=path!("ho-so") view=RecordsPage />
                    <Route path=path!("bao-cao") view=ReportsPage />
                    <Route path=path!("ky-so") view=SigningPage />
                    <ParentRoute path=path!("quan-tri") view=AdminLayout>
                        <Route path=path!("") view=AdminIndex />
                        <Route path=path!("tai-khoan") view=UsersPage />
                        <Route path=path!("don-vi") view=UnitsPage />
                        <Route path=path!("nhat-ky") view=AuditPage />
                        <Route path=path!("ban-giao/:id") view=HandoverRoute />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
