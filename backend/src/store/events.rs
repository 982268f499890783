//! Live events across server instances: after a change commits, the store announces a [`LiveEvent`]. On
//! PostgreSQL it goes through `pg_notify` on one channel that every instance listens to (a task started by the
//! first subscriber, reconnecting after a lost connection); on SQLite one process owns the file, so an
//! in-process broadcast is all there is.

use std::time::Duration;

use shared::live_event::LiveEvent;
use tokio::sync::broadcast;

use super::sql::{self, Pool};

/// The LISTEN/NOTIFY channel every instance announces on and listens to.
const EVENTS_CHANNEL: &str = "vanban_events";

pub(super) struct Events {
    sender: broadcast::Sender<LiveEvent>,
    /// The PostgreSQL listening task, started by the first subscriber and stopped with the store.
    listener: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

impl Events {
    pub(super) fn new() -> Self {
        Self {
            sender: broadcast::channel(1024).0,
            listener: std::sync::Mutex::new(None),
        }
    }

    pub(super) fn subscribe(&self, pool: &Pool) -> broadcast::Receiver<LiveEvent> {
        if let Pool::Postgres(pg) = pool {
            let mut guard = self.listener.lock().unwrap_or_else(|e| e.into_inner());
            if guard.is_none() {
                let pg = pg.clone();
                let sender = self.sender.clone();
                let task = tokio::spawn(async move {
                    loop {
                        if let Err(e) = listen(&pg, &sender).await {
                            tracing::warn!(error = %e, "event listener lost its connection; reconnecting");
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                });
                *guard = Some(task.abort_handle());
            }
        }
        self.sender.subscribe()
    }

    pub(super) async fn announce(&self, pool: &Pool, event: LiveEvent) {
        match pool {
            Pool::Sqlite(_) => {
                let _ = self.sender.send(event);
            }
            Pool::Postgres(_) => {
                let Ok(payload) = serde_json::to_string(&event) else {
                    return;
                };
                if let Err(e) = sql::query("SELECT pg_notify($1, $2)")
                    .bind(EVENTS_CHANNEL)
                    .bind(payload)
                    .execute(pool)
                    .await
                {
                    tracing::warn!(error = %e, "could not announce a live event");
                }
            }
        }
    }
}

async fn listen(
    pool: &sqlx::PgPool,
    events: &broadcast::Sender<LiveEvent>,
) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(EVENTS_CHANNEL).await?;
    loop {
        let note = listener.recv().await?;
        if let Ok(event) = serde_json::from_str(note.payload()) {
            let _ = events.send(event);
        }
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        if let Some(task) = self.listener.lock().ok().and_then(|mut g| g.take()) {
            task.abort();
        }
    }
}
