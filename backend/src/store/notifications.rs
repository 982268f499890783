//! Notifications: one row per person told, written by each workflow step in its own transaction (so a step
//! that commits has told its people, and one that fails has told nobody), read and marked read by that person
//! alone. The live event a step announces after commit only makes open pages refresh; what a person finds on
//! coming back is here.

use shared::notification::{NOTIFICATION_PAGE, NotificationDto, NotificationListResponse};
use shared::time::Timestamp;

use super::sql::{self, Tx};
use super::{Store, StoreResult, now_ms};

/// What a step tells whom, about which document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notes {
    /// (person, sentence), in the order the step decided them.
    pub notes: Vec<(i64, String)>,
    pub outgoing_id: Option<i64>,
    pub incoming_id: Option<i64>,
}

impl Notes {
    pub(crate) fn outgoing(id: i64) -> Self {
        Self {
            outgoing_id: Some(id),
            ..Self::default()
        }
    }

    pub(crate) fn incoming(id: i64) -> Self {
        Self {
            incoming_id: Some(id),
            ..Self::default()
        }
    }

    /// Tells `user` `text` (a person told twice by one step keeps the first sentence).
    pub(crate) fn tell(&mut self, user: i64, text: impl Into<String>) {
        if !self.notes.iter().any(|(u, _)| *u == user) {
            self.notes.push((user, text.into()));
        }
    }

    /// Tells each of `users` the same `text`.
    pub(crate) fn telling(mut self, users: &[i64], text: &str) -> Self {
        for user in users {
            self.tell(*user, text);
        }
        self
    }

    /// Everyone told, for the live event that makes their pages refresh.
    pub(crate) fn people(&self) -> Vec<i64> {
        self.notes.iter().map(|(u, _)| *u).collect()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    text: String,
    at: i64,
    read_at: Option<i64>,
    outgoing_id: Option<i64>,
    incoming_id: Option<i64>,
}

impl Store {
    /// The active clerks (văn thư) of an agency: who registers and issues its documents.
    pub(crate) async fn agency_clerks(tx: &mut Tx, agency: i64) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sql::query_as(
            "SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id JOIN user_roles r ON r.user_id = u.id \
             WHERE n.agency_id = $1 AND r.role = 'clerk' AND u.locked = $2 ORDER BY u.id",
        )
        .bind(agency)
        .bind(false)
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Writes the notes of a step in its transaction; whoever acted is not told of their own doing.
    pub(crate) async fn notify(tx: &mut Tx, actor: i64, notes: &Notes) -> StoreResult<()> {
        let at = now_ms();
        for (user, text) in &notes.notes {
            if *user == actor {
                continue;
            }
            sql::query(
                "INSERT INTO notifications (user_id, text, at, outgoing_id, incoming_id) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user)
            .bind(text)
            .bind(at)
            .bind(notes.outgoing_id)
            .bind(notes.incoming_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// The person's notifications, newest first (at most `limit`; `before`: only those older than this id), and how many of
    /// all of theirs are unread.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn notifications(
        &self,
        user_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<NotificationListResponse> {
        let rows: Vec<Row> = sql::query_as(
            "SELECT id, text, at, read_at, outgoing_id, incoming_id FROM notifications \
             WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(0, NOTIFICATION_PAGE))
        .fetch_all(&self.pool)
        .await?;
        let (unread,): (i64,) = sql::query_as(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(NotificationListResponse {
            items: rows
                .into_iter()
                .map(|r| NotificationDto {
                    id: r.id,
                    text: r.text,
                    at: Timestamp(r.at),
                    read: r.read_at.is_some(),
                    outgoing_id: r.outgoing_id,
                    incoming_id: r.incoming_id,
                })
                .collect(),
            unread,
        })
    }

    /// Marks the person's notifications `ids` (or all of them) read; other people's ids change nothing.
    #[tracing::instrument(skip_all, fields(user_id = user_id, n = ids.len(), all = all))]
    pub async fn mark_notifications_read(
        &self,
        user_id: i64,
        ids: &[i64],
        all: bool,
    ) -> StoreResult<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        if all {
            sql::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        for id in ids {
            sql::query(
                "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
