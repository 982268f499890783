//! Server-sent events: what changed for the signed-in user (a task waiting, a document arrived, a
//! recipient's status moved). Every instance hears every change through the store (PostgreSQL LISTEN/NOTIFY),
//! so a browser connected to any instance is told.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::app::AppState;
use crate::auth::CurrentUser;

pub async fn stream_events(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let user = session.user();
    let (user, user_id) = (user.clone(), user.id);
    let rx = state.store.subscribe();
    // Counted while open (metrics); ended when the instance drains, so the browser reconnects elsewhere.
    let open = std::sync::Arc::new(crate::metrics::LiveStream::open());
    let stream = futures_util::stream::unfold(rx, move |mut rx| {
        let (user, open) = (user.clone(), open.clone());
        async move {
            let _open = open;
            loop {
                let received = tokio::select! {
                    r = rx.recv() => r,
                    () = crate::lifecycle::drained() => return None,
                };
                match received {
                    Ok(ev) if crate::access::hears(&user, &ev) => {
                        // Only what the page needs to know it should refetch; never other people's ids.
                        let body = serde_json::to_string(&shared::live_event::LiveNotice::of(
                            &ev, user_id,
                        ))
                        .unwrap_or_default();
                        let event = Event::default().event(ev.kind.clone()).data(body);
                        return Some((Ok(event), rx));
                    }
                    Ok(_) => continue,
                    // Too slow a reader missed some: tell it to refetch everything.
                    Err(RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("resync").data("{}")), rx));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
