//! What every use case of the store shares: the row types of accounts, units and audit entries, the columns
//! that select an account, code converters, `NewFile`, today's date, and the helpers that run inside other
//! use cases' transactions (appending to the audit chain, loading a person or a unit). `incoming` and
//! `outgoing` take these from here and never from each other.

use shared::agency::{AgencyCode, AgencyDto, UnitDto, UnitKind};
use shared::civil_date::CivilDate;
use shared::outgoing::PersonRef;
use shared::role::Role;
use shared::time::Timestamp;
use shared::user::{AgencyRef, UnitRef, UserDto};

use super::StoreResult;
use super::sql::{self, Tx};
use super::{Conflict, DbKind, Store, StoreError};

/// The columns of an account with its unit, agency and roles (aggregated into one comma-separated column by
/// the database's string aggregate). Expects `users u`, `units un`, `agencies a`.
pub(crate) fn user_columns(kind: DbKind) -> String {
    format!(
        "u.id, u.username, u.full_name, u.position, u.email, u.phone, u.locked, \
         u.must_change_password, u.created_at, u.last_login_at, \
         a.id AS agency_id, a.code AS agency_code, a.name AS agency_name, a.short_name AS agency_short_name, \
         un.id AS unit_id, un.name AS unit_name, un.short_name AS unit_short_name, \
         (SELECT {}(r.role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles ",
        kind.string_agg()
    )
}

/// `SELECT` of [`user_columns`] from accounts joined to their unit and agency; append a `WHERE`.
pub(crate) fn user_select(kind: DbKind) -> String {
    format!(
        "SELECT {}FROM users u JOIN units un ON un.id = u.unit_id JOIN agencies a ON a.id = un.agency_id ",
        user_columns(kind)
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    position: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    locked: bool,
    must_change_password: bool,
    created_at: i64,
    last_login_at: Option<i64>,
    agency_id: i64,
    agency_code: String,
    agency_name: String,
    agency_short_name: String,
    unit_id: i64,
    unit_name: String,
    unit_short_name: String,
    roles: Option<String>,
}

impl UserRow {
    pub(crate) fn into_dto(self) -> Result<UserDto, StoreError> {
        let mut roles = Vec::new();
        for code in self
            .roles
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
        {
            roles.push(
                Role::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("role {code}")))?,
            );
        }
        roles.sort();
        Ok(UserDto {
            id: self.id,
            username: self.username,
            full_name: self.full_name,
            position: self.position,
            email: self.email,
            phone: self.phone,
            agency: AgencyRef {
                id: self.agency_id,
                code: self.agency_code,
                name: self.agency_name,
                short_name: self.agency_short_name,
            },
            unit: UnitRef {
                id: self.unit_id,
                name: self.unit_name,
                short_name: self.unit_short_name,
            },
            roles,
            locked: self.locked,
            must_change_password: self.must_change_password,
            created_at: Timestamp(self.created_at),
            last_login_at: self.last_login_at.map(Timestamp),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub session_id: String,
    pub csrf_token: String,
    pub last_seen_at: i64,
    #[sqlx(flatten)]
    pub user: UserRow,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AgencyRow {
    id: i64,
    code: String,
    name: String,
    short_name: String,
    parent_id: Option<i64>,
}

impl AgencyRow {
    pub(crate) fn into_dto(self) -> Result<AgencyDto, StoreError> {
        Ok(AgencyDto {
            id: self.id,
            code: AgencyCode::parse(&self.code)
                .map_err(|e| StoreError::Corrupt(format!("agency code: {e}")))?,
            name: self.name,
            short_name: self.short_name,
            parent_id: self.parent_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    id: i64,
    agency_id: i64,
    name: String,
    short_name: String,
    kind: String,
    user_count: i64,
}

impl UnitRow {
    pub(crate) fn into_dto(self) -> Result<UnitDto, StoreError> {
        Ok(UnitDto {
            id: self.id,
            agency_id: self.agency_id,
            name: self.name,
            short_name: self.short_name,
            kind: UnitKind::from_code(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unit kind {}", self.kind)))?,
            user_count: self.user_count,
        })
    }
}

pub(crate) const UNIT_SELECT: &str = "SELECT un.id, un.agency_id, un.name, un.short_name, un.kind, \
     (SELECT COUNT(*) FROM users u WHERE u.unit_id = un.id) AS user_count FROM units un ";

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub agency_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub target_name: Option<String>,
    pub details: String,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The acting account's name today, when the query joins it.
    #[sqlx(default)]
    pub actor_name: Option<String>,
}

impl AuditRow {
    pub(crate) fn into_dto(self) -> shared::audit::AuditEntryDto {
        let mut dto = shared::audit::AuditEntryDto {
            seq: self.seq,
            at: Timestamp(self.at),
            actor_id: self.actor_id,
            actor_username: self.actor_username,
            agency_id: self.agency_id,
            action: self.action,
            target: self.target,
            target_name: self.target_name,
            details: self.details,
            client_addr: self.client_addr,
            hash: self.hash,
            actor_name: self.actor_name,
            sentence: String::new(),
        };
        dto.sentence = crate::store::audit_text::sentence(&dto);
        dto
    }
}

/// Turns a unique-constraint violation into the domain conflict it means; other errors pass through.
pub(crate) fn unique_as(conflict: Conflict) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(conflict),
        _ => StoreError::Database(e),
    }
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` escaped (`ESCAPE '\'`).
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The text a user is found by.
pub(crate) fn user_search_text(username: &str, full_name: &str) -> String {
    shared::text::fold_for_search(&format!("{username} {full_name}"))
}

/// A file of a new version, already in the blob store.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// A stored code that does not parse: the row was written by something else than this store.
pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(crate) fn doc_type_of(code: &str) -> StoreResult<shared::document::DocumentType> {
    shared::document::DocumentType::from_code(code).ok_or_else(|| corrupt("document type"))
}

pub(crate) fn urgency_of(code: &str) -> StoreResult<shared::document::Urgency> {
    serde_json::from_value(serde_json::Value::String(code.to_string()))
        .map_err(|_| corrupt("urgency"))
}

pub(crate) fn urgency_code(u: shared::document::Urgency) -> String {
    serde_json::to_value(u)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Today in Vietnam, as `YYYY-MM-DD` (delegation periods and deadlines are compared as this text).
pub(crate) fn today() -> String {
    CivilDate::of(shared::time::Timestamp(super::now_ms())).to_string()
}

pub(crate) fn person(id: i64, full_name: String, position: Option<String>) -> PersonRef {
    PersonRef {
        id,
        full_name,
        position,
    }
}

/// Helpers every use case of the store shares, inside its transactions.
impl Store {
    /// Appends an audit entry inside `tx`. Updating the chain head first locks it until commit, so
    /// concurrent appenders (other connections, other server instances) queue up and the chain
    /// never forks.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn append_audit(
        tx: &mut Tx,
        ev: crate::store::AuditEvent<'_>,
    ) -> crate::store::StoreResult<()> {
        let (seq, prev_hash): (i64, String) = sql::query_as(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash",
        )
        .fetch_one(&mut **tx)
        .await?;
        let mut entry = shared::audit::AuditEntryDto {
            seq,
            at: shared::time::Timestamp(crate::store::now_ms()),
            actor_id: ev.actor.id,
            actor_username: ev.actor.username.clone(),
            agency_id: ev.agency_id,
            action: ev.action.to_string(),
            target: ev.target,
            target_name: ev.target_name,
            details: ev.details.to_string(),
            client_addr: ev.actor.client_addr.clone(),
            hash: String::new(),
            actor_name: None,
            sentence: String::new(),
        };
        entry.hash = crate::store::audit_hash(&prev_hash, &entry);
        sql::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor_username, agency_id, action, target, target_name, \
             details, client_addr, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(entry.seq)
        .bind(entry.at.0)
        .bind(entry.actor_id)
        .bind(&entry.actor_username)
        .bind(entry.agency_id)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.target_name)
        .bind(&entry.details)
        .bind(&entry.client_addr)
        .bind(&prev_hash)
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?;
        sql::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(&entry.hash)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn user_in<'c>(
        executor: impl Into<sql::Executor<'c>>,
        id: i64,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let executor = executor.into();
        let row: Option<UserRow> =
            sql::query_as(format!("{}WHERE u.id = $1", user_select(executor.kind())))
                .bind(id)
                .fetch_optional(executor)
                .await?;
        row.ok_or(crate::store::StoreError::NotFound)?.into_dto()
    }

    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn unit_in<'c>(
        executor: impl Into<sql::Executor<'c>>,
        id: i64,
    ) -> crate::store::StoreResult<shared::agency::UnitDto> {
        let sql = format!("{UNIT_SELECT}WHERE un.id = $1");
        let row: Option<crate::store::common::UnitRow> =
            sql::query_as(sql).bind(id).fetch_optional(executor).await?;
        row.ok_or(crate::store::StoreError::NotFound)?.into_dto()
    }

    #[tracing::instrument(skip_all, fields(unit_id = unit_id))]
    pub(crate) async fn agency_of_unit(
        tx: &mut Tx,
        unit_id: i64,
    ) -> crate::store::StoreResult<i64> {
        let agency: Option<(i64,)> = sql::query_as("SELECT agency_id FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut **tx)
            .await?;
        agency
            .map(|a| a.0)
            .ok_or(crate::store::StoreError::NotFound)
    }

    /// Sign-in attempts only feed the rate limit (a 15-minute window); those older than a day are deleted
    /// whenever a new one is written, so the table stays small without a background job.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn prune_login_attempts(tx: &mut Tx) -> crate::store::StoreResult<()> {
        sql::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(crate::store::now_ms() - 24 * 3600 * 1000)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Ends every session of an account (locked, or its password reset by an administrator).
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub(crate) async fn end_all_sessions(
        tx: &mut Tx,
        user_id: i64,
    ) -> crate::store::StoreResult<()> {
        sql::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub(crate) async fn replace_roles(
        tx: &mut Tx,
        user_id: i64,
        roles: &[shared::role::Role],
    ) -> crate::store::StoreResult<()> {
        sql::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        for role in roles {
            sql::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(user_id)
                .bind(role.code())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// A person as the step rules of [`shared::who_may`] see them, read inside a transaction.
pub(crate) struct MemberRow {
    pub id: i64,
    pub agency_id: i64,
    pub unit_id: i64,
    pub roles: Vec<shared::role::Role>,
    pub locked: bool,
}

impl MemberRow {
    pub(crate) fn as_member(&self) -> shared::who_may::Member<'_> {
        shared::who_may::Member {
            id: self.id,
            agency_id: self.agency_id,
            unit_id: self.unit_id,
            roles: &self.roles,
            locked: self.locked,
        }
    }
}

impl crate::store::Store {
    /// The person `id` for the step rules, if the account exists.
    pub(crate) async fn member(
        tx: &mut crate::store::sql::Tx,
        id: i64,
    ) -> crate::store::StoreResult<Option<MemberRow>> {
        let row: Option<(i64, i64, bool)> = crate::store::sql::query_as(
            "SELECT un.agency_id, u.unit_id, u.locked FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((agency_id, unit_id, locked)) = row else {
            return Ok(None);
        };
        let roles: Vec<(String,)> =
            crate::store::sql::query_as("SELECT role FROM user_roles WHERE user_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        Ok(Some(MemberRow {
            id,
            agency_id,
            unit_id,
            roles: roles
                .iter()
                .filter_map(|(r,)| shared::role::Role::from_code(r))
                .collect(),
            locked,
        }))
    }

    /// Refuses with `refusal` unless the person `id` passes `rule`.
    pub(crate) async fn check_step_rule(
        tx: &mut crate::store::sql::Tx,
        id: i64,
        rule: impl Fn(shared::who_may::Member) -> bool,
        refusal: &'static str,
    ) -> crate::store::StoreResult<()> {
        match Self::member(tx, id).await? {
            Some(m) if rule(m.as_member()) => Ok(()),
            _ => Err(crate::store::StoreError::Rule(refusal)),
        }
    }
}
