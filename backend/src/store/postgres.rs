//! The PostgreSQL store: for a whole province, with several server instances sharing one database. Nothing
//! here relies on state inside one process; concurrent writers are ordered by row locks in the database.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};

use super::DbKind;
use super::common::sql_store;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A store on a PostgreSQL database.
pub struct PgStore {
    pool: PgPool,
    /// Events heard on the `vanban_events` channel, from this instance and every other one.
    events: tokio::sync::broadcast::Sender<shared::live_event::LiveEvent>,
    /// The listening task, started by the first subscriber and stopped with the store.
    listener: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

/// The LISTEN/NOTIFY channel every instance announces on and listens to.
const EVENTS_CHANNEL: &str = "vanban_events";

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self {
            pool,
            events: tokio::sync::broadcast::channel(1024).0,
            listener: std::sync::Mutex::new(None),
        })
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Starts (once, on the first subscriber) the task that listens on the events channel and hands what it
    /// hears to this instance's subscribers; it reconnects after a lost connection.
    fn start_listening(&self) {
        let mut guard = self.listener.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_some() {
            return;
        }
        let pool = self.pool.clone();
        let events = self.events.clone();
        let task = tokio::spawn(async move {
            loop {
                if let Err(e) = listen(&pool, &events).await {
                    tracing::warn!(error = %e, "event listener lost its connection; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        *guard = Some(task.abort_handle());
    }

    /// Tells every instance (including this one, through its listener). Sent after the commit, so listeners
    /// never hear of a change they cannot read yet.
    async fn announce(&self, event: shared::live_event::LiveEvent) {
        let Ok(payload) = serde_json::to_string(&event) else {
            return;
        };
        if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EVENTS_CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "could not announce a live event");
        }
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }
}

sql_store!(PgStore, Postgres, DbKind::Postgres, "string_agg");

async fn listen(
    pool: &PgPool,
    events: &tokio::sync::broadcast::Sender<shared::live_event::LiveEvent>,
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

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(task) = self.listener.lock().ok().and_then(|mut g| g.take()) {
            task.abort();
        }
    }
}
