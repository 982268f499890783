//! Persistence: one [`Store`] trait, implemented for SQLite (the embedded default) and PostgreSQL (scale-out),
//! chosen by the database URL. Each method is one unit of work with a use-case name and runs in one
//! transaction; every change to accounts, roles and units writes its audit entry in that same transaction.
//!
//! The store knows sqlx and nothing of HTTP: it answers with DTOs and [`StoreError`].

pub mod accounts;
pub mod audit;
mod audit_text;
mod blobs;
pub mod certificates;
pub(crate) mod common;
mod database;
mod events;
pub mod exchange;
pub(crate) mod exchange_actions;
pub mod incoming;
pub(crate) mod list;
pub(crate) mod notifications;
pub mod ops;
pub mod outgoing;
pub mod record_files;
mod registers;
pub mod remote_signing;
pub mod reports;
pub(crate) mod search;
mod search_words;
pub mod sessions;
pub(crate) mod sql;
pub mod verification;

pub use audit::audit_hash;
pub use blobs::AgencyStorage;
pub use common::NewFile;
pub use database::{latest_schema_version, migration_versions, open};

use shared::agency::{AgencyCode, UnitKind};
use shared::role::Role;
use shared::user::UserDto;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// What can go wrong in the store, in domain terms.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The caller may not do this to this record (a domain rule, with the sentence people read).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The record is not in a state that allows this (already submitted, not signed yet…).
    #[error("wrong state: {0}")]
    State(&'static str),
    /// A value of the request breaks a rule only the database can check (a signer of another agency…).
    #[error("invalid {0}: {1}")]
    Field(&'static str, &'static str),
    /// Like [`StoreError::Field`], before the caller names the field.
    #[error("rule: {0}")]
    Rule(&'static str),
}

impl StoreError {
    /// Names the request field a [`StoreError::Rule`] is about.
    pub fn on_field(self, field: &'static str) -> Self {
        match self {
            Self::Rule(message) => Self::Field(field, message),
            other => other,
        }
    }
}

/// A uniqueness or state rule the request clashes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    UsernameTaken,
    UnitShortNameTaken,
    AgencyCodeTaken,
    /// A register number was recorded twice (never expected: reservations prevent it).
    NumberTaken,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<i64>,
    pub username: Option<String>,
    pub client_addr: Option<String>,
}

/// A new agency (seeding and provincial administration).
#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: AgencyCode,
    pub name: String,
    pub short_name: String,
    pub parent_id: Option<i64>,
}

/// The editable fields of a unit.
#[derive(Debug, Clone)]
pub struct UnitFields {
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
}

/// The editable fields of an account.
#[derive(Debug, Clone)]
pub struct UserFields {
    pub full_name: String,
    pub position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub unit_id: i64,
    pub roles: Vec<Role>,
}

/// A new account with its already hashed password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub fields: UserFields,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: i64,
    pub username: String,
    pub agency_id: i64,
    pub password_hash: String,
    pub locked: bool,
}

/// Failed sign-ins counted in the rate-limit window.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailedLogins {
    /// Failures of this account from this address since their last success together.
    pub by_pair: i64,
    /// When the last of those was.
    pub pair_last_at: Option<i64>,
    /// Failures of this account from any address since its last success.
    pub by_account: i64,
    /// Distinct accounts that failed from this address.
    pub accounts_from_address: i64,
    /// The oldest failure from this address that counts (the address limit ends a window after it).
    pub address_oldest_at: Option<i64>,
}

/// A session being opened.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Hex SHA-256 of the cookie token.
    pub id: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: String,
    pub user: UserDto,
    pub csrf_token: String,
    pub last_seen_at: i64,
}

/// Which accounts to list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub agency_id: Option<i64>,
    /// Diacritic-insensitive text matched against username and name.
    pub query: Option<String>,
    pub limit: i64,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub agency_id: Option<i64>,
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// The result of re-computing the audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChainReport {
    pub entries: i64,
    /// The first entry whose hash does not follow from its content and predecessor.
    pub first_broken_seq: Option<i64>,
}

/// An audit entry about to be appended.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: &'a Actor,
    pub agency_id: Option<i64>,
    pub action: &'static str,
    pub target: Option<String>,
    /// A readable name of the target as it was then (username, unit name), so the log reads without lookups.
    pub target_name: Option<String>,
    pub details: serde_json::Value,
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Persistence of everything vanban keeps, on SQLite or PostgreSQL. Its methods are spread over the modules of
/// `store/`, one module per use case; each public method is one unit of work in one transaction.
pub struct Store {
    pool: sql::Pool,
    events: events::Events,
}

impl Store {
    /// The database this store runs on.
    pub fn kind(&self) -> DbKind {
        self.pool.kind()
    }

    /// Starts a write transaction (see [`sql::Pool::begin_write`]).
    async fn begin_write(&self) -> Result<sql::Tx, sqlx::Error> {
        self.pool.begin_write().await
    }

    /// Live events of every server instance sharing this database (PostgreSQL LISTEN/NOTIFY; on SQLite, the
    /// one process). Each subscriber filters what concerns its user.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<shared::live_event::LiveEvent> {
        self.events.subscribe(&self.pool)
    }

    /// Tells every instance of a change, after its transaction committed (so no listener hears of a change it
    /// cannot read yet).
    async fn announce(&self, mut event: shared::live_event::LiveEvent) {
        match self.concerned_people(&event).await {
            Ok(people) => {
                event.users.extend(people);
                event.users.sort_unstable();
                event.users.dedup();
            }
            Err(e) => tracing::warn!(error = %e, "could not find who a live event concerns"),
        }
        self.events.announce(&self.pool, event).await
    }

    /// [`Store::announce`], with the sentences the step told particular people (their notifications), so their
    /// live notice says the same as what they will find under the bell.
    async fn announce_noted(
        &self,
        mut event: shared::live_event::LiveEvent,
        notes: &notifications::Notes,
    ) {
        event.users.extend(notes.people());
        event.personal = notes.notes.clone();
        self.announce(event).await
    }

    /// The people a change to a document concerns beyond its agencies' clerks and leaders (who hear every
    /// event of their agency, see [`crate::access::hears`]): an outgoing document's drafter, signer, reviewers
    /// and everyone who acted on it; an incoming document's assigner and assignees.
    async fn concerned_people(
        &self,
        event: &shared::live_event::LiveEvent,
    ) -> StoreResult<Vec<i64>> {
        let mut people = Vec::new();
        // Work handed to people about an incoming document (a task, an urge) is for them alone.
        if event.incoming_id.is_some() && matches!(event.kind.as_str(), "task" | "urge") {
            return Ok(people);
        }
        if event.outgoing_id > 0 {
            let rows: Vec<(i64,)> = sql::query_as(
                "SELECT drafter_id FROM outgoing_documents WHERE id = $1 \
                 UNION SELECT signer_id FROM outgoing_documents WHERE id = $1 \
                 UNION SELECT reviewer_id FROM review_steps WHERE document_id = $1 \
                 UNION SELECT actor_id FROM document_history WHERE document_id = $1",
            )
            .bind(event.outgoing_id)
            .fetch_all(&self.pool)
            .await?;
            people.extend(rows.into_iter().map(|r| r.0));
        }
        if let Some(incoming) = event.incoming_id {
            let rows: Vec<(Option<i64>,)> = sql::query_as(
                "SELECT assigner_id FROM incoming_documents WHERE id = $1 \
                 UNION SELECT user_id FROM assignments WHERE incoming_id = $1",
            )
            .bind(incoming)
            .fetch_all(&self.pool)
            .await?;
            people.extend(rows.into_iter().filter_map(|r| r.0));
        }
        Ok(people)
    }
}
