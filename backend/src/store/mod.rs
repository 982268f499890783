//! Persistence: one [`Store`] trait, implemented for SQLite (the embedded default) and PostgreSQL (scale-out),
//! chosen by the database URL. Each method is one unit of work with a use-case name and runs in one
//! transaction; every change to accounts, roles and units writes its audit entry in that same transaction.
//!
//! The store knows sqlx and nothing of HTTP: it answers with DTOs and [`StoreError`].

mod common;
pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use shared::agency::{AgencyCode, AgencyDto, UnitDto, UnitKind};
use shared::audit::AuditEntryDto;
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
}

/// A uniqueness or state rule the request clashes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    UsernameTaken,
    UnitShortNameTaken,
    AgencyCodeTaken,
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
    /// Failures for this account since its last success.
    pub by_account: i64,
    /// Failures from this client address.
    pub by_address: i64,
    /// The oldest failure that counts (the window ends 15 minutes after it).
    pub oldest_at: Option<i64>,
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

/// The hash of an audit entry: SHA-256 over the previous hash and every field, each length-prefixed so no two
/// different entries can serialise to the same bytes.
pub fn audit_hash(prev_hash: &str, e: &AuditEntryDto) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&e.seq.to_be_bytes());
    field(&e.at.0.to_be_bytes());
    field(
        e.actor_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.actor_username.as_deref().unwrap_or("").as_bytes());
    field(
        e.agency_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.action.as_bytes());
    field(e.target.as_deref().unwrap_or("").as_bytes());
    field(e.target_name.as_deref().unwrap_or("").as_bytes());
    field(e.details.as_bytes());
    field(e.client_addr.as_deref().unwrap_or("").as_bytes());
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Persistence of everything vanban keeps.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The database this store runs on.
    fn kind(&self) -> DbKind;
    /// Applies the embedded migrations that are not applied yet.
    async fn migrate(&self) -> StoreResult<()>;
    /// The version of the last applied migration.
    async fn schema_version(&self) -> StoreResult<i64>;

    /// Creates an agency (demo seeding, provincial administration).
    async fn create_agency(&self, actor: &Actor, agency: NewAgency) -> StoreResult<AgencyDto>;
    async fn list_agencies(&self) -> StoreResult<Vec<AgencyDto>>;
    async fn get_agency(&self, id: i64) -> StoreResult<AgencyDto>;
    async fn find_agency_by_code(&self, code: &str) -> StoreResult<Option<AgencyDto>>;

    async fn list_units(&self, agency_id: i64) -> StoreResult<Vec<UnitDto>>;
    async fn get_unit(&self, id: i64) -> StoreResult<UnitDto>;
    /// Creates a unit inside an agency; the short name is unique within the agency.
    async fn create_unit(
        &self,
        actor: &Actor,
        agency_id: i64,
        unit: UnitFields,
    ) -> StoreResult<UnitDto>;
    async fn update_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        unit: UnitFields,
    ) -> StoreResult<UnitDto>;

    /// Creates an account with its roles.
    async fn create_user(&self, actor: &Actor, user: NewUser) -> StoreResult<UserDto>;
    /// Replaces an account's editable fields and roles.
    async fn update_user(
        &self,
        actor: &Actor,
        user_id: i64,
        fields: UserFields,
    ) -> StoreResult<UserDto>;
    /// Locks (ending every session) or unlocks an account.
    async fn set_user_locked(
        &self,
        actor: &Actor,
        user_id: i64,
        locked: bool,
    ) -> StoreResult<UserDto>;
    /// Sets an administrator-chosen temporary password that must be changed at next sign-in; ends every session.
    async fn reset_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: String,
    ) -> StoreResult<UserDto>;
    async fn get_user(&self, id: i64) -> StoreResult<UserDto>;
    async fn list_users(&self, filter: UserFilter) -> StoreResult<Vec<UserDto>>;

    /// The account behind a sign-in name, if any.
    async fn find_login(&self, username: &str) -> StoreResult<Option<LoginRecord>>;
    /// Failed sign-ins since `since` for this name and for this address.
    async fn count_failed_logins(
        &self,
        username: &str,
        client_addr: &str,
        since: i64,
    ) -> StoreResult<FailedLogins>;
    /// Records a failed sign-in (attempt row and audit entry).
    async fn record_failed_login(
        &self,
        actor: &Actor,
        user: Option<&LoginRecord>,
        reason: &'static str,
    ) -> StoreResult<()>;
    /// Opens a session after a successful sign-in: attempt row, session, last sign-in time and audit entry.
    async fn start_session(
        &self,
        actor: &Actor,
        login: &LoginRecord,
        session: NewSession,
    ) -> StoreResult<()>;
    /// The live session with this id (not expired, not idle for too long, account not locked).
    async fn find_session(
        &self,
        id: &str,
        now: i64,
        idle_limit_ms: i64,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Marks a session as used now.
    async fn touch_session(&self, id: &str, now: i64) -> StoreResult<()>;
    /// Ends a session (sign-out).
    async fn end_session(&self, actor: &Actor, id: &str) -> StoreResult<()>;
    /// Changes a user's own password; every other session of the account ends.
    async fn change_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: String,
        keep_session: &str,
    ) -> StoreResult<()>;

    /// Audit entries, newest first.
    async fn list_audit(&self, filter: AuditFilter) -> StoreResult<Vec<AuditEntryDto>>;
    /// Re-computes the whole audit chain.
    async fn verify_audit_chain(&self) -> StoreResult<AuditChainReport>;
}

/// Opens the store a URL names: `sqlite://…` or `postgres://…` (also `postgresql://`).
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        anyhow::bail!("unsupported database URL (expected sqlite:// or postgres://): {url}")
    }
}
