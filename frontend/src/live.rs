//! Live updates while signed in: one `EventSource` on `/api/events`. Each event refreshes the navigation
//! counters, shows a notification with a link to the document (how a leader opens a document from a
//! notification on the phone), and is passed on to the page as a `vanban-live` window event so a work page
//! can refetch what it shows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use shared::incoming::IncomingCounts;
use shared::outgoing::OutgoingCounts;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::api::Api;
use crate::components::toast::Toast;

/// The event names the server sends (`shared::live_event::LiveEvent::kind`, and `resync` after a lag).
const EVENT_NAMES: [&str; 7] = [
    "task", "arrival", "delivery", "outgoing", "incoming", "urge", "resync",
];
/// The window event work pages listen to.
pub const PAGE_EVENT: &str = client::window_event::LIVE;
/// How long a notification stays unless dismissed.
const TOAST_MS: u64 = 15_000;
const MAX_TOASTS: usize = 4;

/// What the server tells the browser about an event.
#[derive(Deserialize)]
struct EventData {
    #[serde(default)]
    outgoing_id: Option<i64>,
    /// A received document (its page is `/van-ban-den/{id}`).
    #[serde(default)]
    incoming_id: Option<i64>,
    #[serde(default)]
    text: Option<String>,
    /// The user's own change: counters refresh, no notification.
    #[serde(default)]
    own: bool,
}

/// The open connection; dropping it closes the connection.
pub struct Live {
    source: web_sys::EventSource,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The navigation counters of both directions and the bell's unread count (a context of every signed-in
/// page; the home page shows the same counts as its work list).
#[derive(Clone, Copy)]
pub struct Counts {
    pub outgoing: RwSignal<OutgoingCounts>,
    pub incoming: RwSignal<IncomingCounts>,
    pub unread: RwSignal<i64>,
    /// Both counters have arrived at least once (until then the home page shows it is loading, not zeros).
    pub loaded: RwSignal<bool>,
}

impl Default for Counts {
    fn default() -> Self {
        Self {
            outgoing: RwSignal::new(OutgoingCounts::default()),
            incoming: RwSignal::new(IncomingCounts::default()),
            unread: RwSignal::new(0),
            loaded: RwSignal::new(false),
        }
    }
}

impl Counts {
    pub fn get() -> Self {
        expect_context::<Self>()
    }
}

/// Fetches the counters into `counts`.
pub fn refresh_counts(api: Api, counts: Counts) {
    // A failed refresh keeps the last counters; the next event tries again.
    spawn_local(async move {
        if let Ok(c) = api.outgoing_counts().await {
            counts.outgoing.try_set(c);
        }
    });
    spawn_local(async move {
        if let Ok(c) = api.incoming_counts().await {
            counts.incoming.try_set(c);
        }
        counts.loaded.try_set(true);
    });
    spawn_local(async move {
        if let Ok(n) = api.unread_notifications().await {
            counts.unread.try_set(n);
        }
    });
}

/// The window event the notifications page sends after marking some read, so the bell follows at once.
pub const READ_EVENT: &str = client::window_event::NOTIFICATIONS_READ;

/// Refreshes the counters when the notifications page marks some read.
pub fn follow_reads(api: Api, counts: Counts) -> Option<Closure<dyn FnMut(web_sys::Event)>> {
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| refresh_counts(api, counts));
    web_sys::window()?
        .add_event_listener_with_callback(READ_EVENT, listener.as_ref().unchecked_ref())
        .ok()?;
    Some(listener)
}

/// Stops [`follow_reads`] (on sign-out).
pub fn unfollow_reads(listener: &Closure<dyn FnMut(web_sys::Event)>) {
    if let Some(window) = web_sys::window() {
        let _ = window
            .remove_event_listener_with_callback(READ_EVENT, listener.as_ref().unchecked_ref());
    }
}

/// Opens the event stream (and fetches the counters once).
pub fn start(api: Api, counts: Counts, toasts: RwSignal<Vec<Toast>>) -> Option<Live> {
    refresh_counts(api, counts);
    let source = web_sys::EventSource::new(shared::api::EVENTS).ok()?;
    let next_id = StoredValue::new(0u64);
    let listener =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            refresh_counts(api, counts);
            client::window_event::tell(PAGE_EVENT);
            let data = e
                .data()
                .as_string()
                .and_then(|d| serde_json::from_str::<EventData>(&d).ok());
            let Some(EventData {
                outgoing_id,
                incoming_id,
                text: Some(text),
                own: false,
            }) = data
            else {
                return;
            };
            if text.trim().is_empty() {
                return;
            }
            let id = next_id.get_value() + 1;
            next_id.set_value(id);
            toasts.update(|v| {
                v.push(Toast {
                    id,
                    text,
                    href: match (incoming_id, outgoing_id) {
                        (Some(i), _) => Some(format!("/van-ban-den/{i}")),
                        (None, Some(o)) if o > 0 => Some(format!("/van-ban-di/{o}")),
                        _ => None,
                    },
                    // Đôn đốc: a leader presses for this work.
                    urgent: e.type_() == "urge",
                });
                if v.len() > MAX_TOASTS {
                    v.remove(0);
                }
            });
            set_timeout(
                move || {
                    toasts.try_update(|v| v.retain(|t| t.id != id));
                },
                std::time::Duration::from_millis(TOAST_MS),
            );
        });
    for name in EVENT_NAMES {
        let _ = source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    }
    Some(Live {
        source,
        _listener: listener,
    })
}
