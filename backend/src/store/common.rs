//! The SQL both databases share. SQLite and PostgreSQL understand the same statements here (`$N`
//! placeholders, `RETURNING`, `LIKE … ESCAPE`), so the [`Store`](super::Store) implementation is written once
//! and stamped out for each database by [`sql_store!`]; what differs (opening a write transaction, the
//! migrations, the string aggregate) is passed in.

use shared::agency::{AgencyCode, AgencyDto, UnitDto, UnitKind};
use shared::role::Role;
use shared::time::Timestamp;
use shared::user::{AgencyRef, UnitRef, UserDto};

use super::{Conflict, StoreError};

/// The columns of an account with its unit, agency and roles (aggregated into one comma-separated column by
/// `$agg`: `group_concat` in SQLite, `string_agg` in PostgreSQL). Expects `users u`, `units un`, `agencies a`.
macro_rules! user_columns {
    ($agg:literal) => {
        concat!(
            "u.id, u.username, u.full_name, u.position, u.email, u.phone, u.locked, ",
            "u.must_change_password, u.created_at, u.last_login_at, ",
            "a.id AS agency_id, a.code AS agency_code, a.name AS agency_name, a.short_name AS agency_short_name, ",
            "un.id AS unit_id, un.name AS unit_name, un.short_name AS unit_short_name, ",
            "(SELECT ",
            $agg,
            "(r.role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles "
        )
    };
}
pub(crate) use user_columns;

/// `SELECT` of [`user_columns`] from accounts joined to their unit and agency; append a `WHERE`.
macro_rules! user_select {
    ($agg:literal) => {
        concat!(
            "SELECT ",
            $crate::store::common::user_columns!($agg),
            "FROM users u JOIN units un ON un.id = u.unit_id JOIN agencies a ON a.id = un.agency_id "
        )
    };
}
pub(crate) use user_select;

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
}

impl AuditRow {
    pub(crate) fn into_dto(self) -> shared::audit::AuditEntryDto {
        shared::audit::AuditEntryDto {
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
        }
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

/// Implements [`Store`](super::Store) for `$store`, whose `pool` is a `Pool<$db>` and which has inherent
/// `begin_write()` and `migrator()` methods.
macro_rules! sql_store {
    ($store:ty, $db:ty, $kind:expr, $agg:literal) => {
        impl $store {
            /// Appends an audit entry inside `tx`. Updating the chain head first locks it until commit, so
            /// concurrent appenders (other connections, other server instances) queue up and the chain
            /// never forks.
            async fn append_audit(
                tx: &mut sqlx::Transaction<'_, $db>,
                ev: $crate::store::AuditEvent<'_>,
            ) -> $crate::store::StoreResult<()> {
                let (seq, prev_hash): (i64, String) =
                    sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
                        .fetch_one(&mut **tx)
                        .await?;
                let mut entry = shared::audit::AuditEntryDto {
                    seq,
                    at: shared::time::Timestamp($crate::store::now_ms()),
                    actor_id: ev.actor.id,
                    actor_username: ev.actor.username.clone(),
                    agency_id: ev.agency_id,
                    action: ev.action.to_string(),
                    target: ev.target,
                    target_name: ev.target_name,
                    details: ev.details.to_string(),
                    client_addr: ev.actor.client_addr.clone(),
                    hash: String::new(),
                };
                entry.hash = $crate::store::audit_hash(&prev_hash, &entry);
                sqlx::query(
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
                sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
                    .bind(&entry.hash)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn user_in<'c, E>(executor: E, id: i64) -> $crate::store::StoreResult<shared::user::UserDto>
            where
                E: sqlx::Executor<'c, Database = $db>,
            {
                let row: Option<$crate::store::common::UserRow> =
                    sqlx::query_as(concat!($crate::store::common::user_select!($agg), "WHERE u.id = $1"))
                        .bind(id)
                        .fetch_optional(executor)
                        .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_dto()
            }

            async fn unit_in<'c, E>(executor: E, id: i64) -> $crate::store::StoreResult<shared::agency::UnitDto>
            where
                E: sqlx::Executor<'c, Database = $db>,
            {
                let sql = sqlx::AssertSqlSafe(format!("{}WHERE un.id = $1", $crate::store::common::UNIT_SELECT));
                let row: Option<$crate::store::common::UnitRow> =
                    sqlx::query_as(sql).bind(id).fetch_optional(executor).await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_dto()
            }

            async fn agency_of_unit(
                tx: &mut sqlx::Transaction<'_, $db>,
                unit_id: i64,
            ) -> $crate::store::StoreResult<i64> {
                let agency: Option<(i64,)> = sqlx::query_as("SELECT agency_id FROM units WHERE id = $1")
                    .bind(unit_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                agency.map(|a| a.0).ok_or($crate::store::StoreError::NotFound)
            }

            async fn replace_roles(
                tx: &mut sqlx::Transaction<'_, $db>,
                user_id: i64,
                roles: &[shared::role::Role],
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
                let mut roles = roles.to_vec();
                roles.sort();
                roles.dedup();
                for role in roles {
                    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(role.code())
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn kind(&self) -> $crate::store::DbKind {
                $kind
            }

            async fn migrate(&self) -> $crate::store::StoreResult<()> {
                self.migrator().run(&self.pool).await?;
                Ok(())
            }

            async fn schema_version(&self) -> $crate::store::StoreResult<i64> {
                let v: (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                        .fetch_one(&self.pool)
                        .await?;
                Ok(v.0.unwrap_or(0))
            }

            async fn create_agency(
                &self,
                actor: &$crate::store::Actor,
                a: $crate::store::NewAgency,
            ) -> $crate::store::StoreResult<shared::agency::AgencyDto> {
                let mut tx = self.begin_write().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO agencies (code, name, short_name, parent_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(a.code.as_str())
                .bind(&a.name)
                .bind(&a.short_name)
                .bind(a.parent_id)
                .bind($crate::store::now_ms())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::common::unique_as($crate::store::Conflict::AgencyCodeTaken))?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(id),
                        action: "agency.create",
                        target: Some(format!("agency:{id}")),
                        target_name: Some(a.name.clone()),
                        details: serde_json::json!({"code": a.code.as_str(), "name": a.name, "short_name": a.short_name}),
                    },
                )
                .await?;
                tx.commit().await?;
                self.get_agency(id).await
            }

            async fn list_agencies(&self) -> $crate::store::StoreResult<Vec<shared::agency::AgencyDto>> {
                let rows: Vec<$crate::store::common::AgencyRow> =
                    sqlx::query_as("SELECT id, code, name, short_name, parent_id FROM agencies ORDER BY code")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_dto()).collect()
            }

            async fn get_agency(&self, id: i64) -> $crate::store::StoreResult<shared::agency::AgencyDto> {
                let row: Option<$crate::store::common::AgencyRow> =
                    sqlx::query_as("SELECT id, code, name, short_name, parent_id FROM agencies WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_dto()
            }

            async fn find_agency_by_code(
                &self,
                code: &str,
            ) -> $crate::store::StoreResult<Option<shared::agency::AgencyDto>> {
                let row: Option<$crate::store::common::AgencyRow> =
                    sqlx::query_as("SELECT id, code, name, short_name, parent_id FROM agencies WHERE code = $1")
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|r| r.into_dto()).transpose()
            }

            async fn list_units(&self, agency_id: i64) -> $crate::store::StoreResult<Vec<shared::agency::UnitDto>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "{}WHERE un.agency_id = $1 ORDER BY un.name",
                    $crate::store::common::UNIT_SELECT
                ));
                let rows: Vec<$crate::store::common::UnitRow> =
                    sqlx::query_as(sql).bind(agency_id).fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_dto()).collect()
            }

            async fn get_unit(&self, id: i64) -> $crate::store::StoreResult<shared::agency::UnitDto> {
                Self::unit_in(&self.pool, id).await
            }

            async fn create_unit(
                &self,
                actor: &$crate::store::Actor,
                agency_id: i64,
                u: $crate::store::UnitFields,
            ) -> $crate::store::StoreResult<shared::agency::UnitDto> {
                let mut tx = self.begin_write().await?;
                let now = $crate::store::now_ms();
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO units (agency_id, name, short_name, kind, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(agency_id)
                .bind(&u.name)
                .bind(&u.short_name)
                .bind(u.kind.code())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::common::unique_as($crate::store::Conflict::UnitShortNameTaken))?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(agency_id),
                        action: "unit.create",
                        target: Some(format!("unit:{id}")),
                        target_name: Some(u.name.clone()),
                        details: serde_json::json!({"name": u.name, "short_name": u.short_name, "kind": u.kind.code()}),
                    },
                )
                .await?;
                let unit = Self::unit_in(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(unit)
            }

            async fn update_unit(
                &self,
                actor: &$crate::store::Actor,
                unit_id: i64,
                u: $crate::store::UnitFields,
            ) -> $crate::store::StoreResult<shared::agency::UnitDto> {
                let mut tx = self.begin_write().await?;
                let before = Self::unit_in(&mut *tx, unit_id).await?;
                sqlx::query("UPDATE units SET name = $1, short_name = $2, kind = $3, updated_at = $4 WHERE id = $5")
                    .bind(&u.name)
                    .bind(&u.short_name)
                    .bind(u.kind.code())
                    .bind($crate::store::now_ms())
                    .bind(unit_id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::common::unique_as($crate::store::Conflict::UnitShortNameTaken))?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(before.agency_id),
                        action: "unit.update",
                        target: Some(format!("unit:{unit_id}")),
                        target_name: Some(u.name.clone()),
                        details: serde_json::json!({
                            "before": {"name": before.name, "short_name": before.short_name, "kind": before.kind.code()},
                            "after": {"name": u.name, "short_name": u.short_name, "kind": u.kind.code()},
                        }),
                    },
                )
                .await?;
                let unit = Self::unit_in(&mut *tx, unit_id).await?;
                tx.commit().await?;
                Ok(unit)
            }

            async fn create_user(
                &self,
                actor: &$crate::store::Actor,
                u: $crate::store::NewUser,
            ) -> $crate::store::StoreResult<shared::user::UserDto> {
                let mut tx = self.begin_write().await?;
                let agency_id = Self::agency_of_unit(&mut tx, u.fields.unit_id).await?;
                let now = $crate::store::now_ms();
                let f = &u.fields;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO users (username, full_name, search_text, position, email, phone, unit_id, \
                     password_hash, must_change_password, locked, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(&u.username)
                .bind(&f.full_name)
                .bind($crate::store::common::user_search_text(&u.username, &f.full_name))
                .bind(&f.position)
                .bind(&f.email)
                .bind(&f.phone)
                .bind(f.unit_id)
                .bind(&u.password_hash)
                .bind(u.must_change_password)
                .bind(false)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::common::unique_as($crate::store::Conflict::UsernameTaken))?;
                Self::replace_roles(&mut tx, id, &f.roles).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(agency_id),
                        action: "user.create",
                        target: Some(format!("user:{id}")),
                        target_name: Some(u.username.clone()),
                        details: serde_json::json!({
                            "username": u.username, "full_name": f.full_name, "unit_id": f.unit_id,
                            "roles": f.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                        }),
                    },
                )
                .await?;
                let user = Self::user_in(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn update_user(
                &self,
                actor: &$crate::store::Actor,
                user_id: i64,
                f: $crate::store::UserFields,
            ) -> $crate::store::StoreResult<shared::user::UserDto> {
                let mut tx = self.begin_write().await?;
                let before = Self::user_in(&mut *tx, user_id).await?;
                let agency_id = Self::agency_of_unit(&mut tx, f.unit_id).await?;
                sqlx::query(
                    "UPDATE users SET full_name = $1, search_text = $2, position = $3, email = $4, phone = $5, \
                     unit_id = $6, updated_at = $7 WHERE id = $8",
                )
                .bind(&f.full_name)
                .bind($crate::store::common::user_search_text(&before.username, &f.full_name))
                .bind(&f.position)
                .bind(&f.email)
                .bind(&f.phone)
                .bind(f.unit_id)
                .bind($crate::store::now_ms())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                Self::replace_roles(&mut tx, user_id, &f.roles).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(agency_id),
                        action: "user.update",
                        target: Some(format!("user:{user_id}")),
                        target_name: Some(before.username.clone()),
                        details: serde_json::json!({
                            "before": {"full_name": before.full_name, "position": before.position, "email": before.email,
                                       "phone": before.phone, "unit_id": before.unit.id,
                                       "roles": before.roles.iter().map(|r| r.code()).collect::<Vec<_>>()},
                            "after": {"full_name": f.full_name, "position": f.position, "email": f.email,
                                      "phone": f.phone, "unit_id": f.unit_id,
                                      "roles": f.roles.iter().map(|r| r.code()).collect::<Vec<_>>()},
                        }),
                    },
                )
                .await?;
                let user = Self::user_in(&mut *tx, user_id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn set_user_locked(
                &self,
                actor: &$crate::store::Actor,
                user_id: i64,
                locked: bool,
            ) -> $crate::store::StoreResult<shared::user::UserDto> {
                let mut tx = self.begin_write().await?;
                let before = Self::user_in(&mut *tx, user_id).await?;
                sqlx::query("UPDATE users SET locked = $1, updated_at = $2 WHERE id = $3")
                    .bind(locked)
                    .bind($crate::store::now_ms())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if locked {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                }
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(before.agency.id),
                        action: if locked { "user.lock" } else { "user.unlock" },
                        target: Some(format!("user:{user_id}")),
                        target_name: Some(before.username.clone()),
                        details: serde_json::json!({"username": before.username}),
                    },
                )
                .await?;
                let user = Self::user_in(&mut *tx, user_id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn reset_password(
                &self,
                actor: &$crate::store::Actor,
                user_id: i64,
                password_hash: String,
            ) -> $crate::store::StoreResult<shared::user::UserDto> {
                let mut tx = self.begin_write().await?;
                let before = Self::user_in(&mut *tx, user_id).await?;
                sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(&password_hash)
                .bind(true)
                .bind($crate::store::now_ms())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(before.agency.id),
                        action: "user.password_reset",
                        target: Some(format!("user:{user_id}")),
                        target_name: Some(before.username.clone()),
                        details: serde_json::json!({"username": before.username}),
                    },
                )
                .await?;
                let user = Self::user_in(&mut *tx, user_id).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn get_user(&self, id: i64) -> $crate::store::StoreResult<shared::user::UserDto> {
                Self::user_in(&self.pool, id).await
            }

            async fn list_users(
                &self,
                filter: $crate::store::UserFilter,
            ) -> $crate::store::StoreResult<Vec<shared::user::UserDto>> {
                let pattern = filter
                    .query
                    .as_deref()
                    .map(shared::text::fold_for_search)
                    .filter(|q| !q.trim().is_empty())
                    .map(|q| $crate::store::common::contains_pattern(q.trim()));
                let rows: Vec<$crate::store::common::UserRow> = sqlx::query_as(concat!(
                    $crate::store::common::user_select!($agg),
                    "WHERE ($1 IS NULL OR a.id = $1) AND ($2 IS NULL OR u.search_text LIKE $2 ESCAPE '\\') ",
                    "ORDER BY a.code, un.name, u.full_name LIMIT $3"
                ))
                .bind(filter.agency_id)
                .bind(pattern)
                .bind(filter.limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_dto()).collect()
            }

            async fn find_login(
                &self,
                username: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::LoginRecord>> {
                let row: Option<(i64, String, i64, String, bool)> = sqlx::query_as(
                    "SELECT u.id, u.username, un.agency_id, u.password_hash, u.locked \
                     FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = $1",
                )
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(user_id, username, agency_id, password_hash, locked)| $crate::store::LoginRecord {
                    user_id,
                    username,
                    agency_id,
                    password_hash,
                    locked,
                }))
            }

            async fn count_failed_logins(
                &self,
                username: &str,
                client_addr: &str,
                since: i64,
            ) -> $crate::store::StoreResult<$crate::store::FailedLogins> {
                let (by_account, oldest_account): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE username = $1 AND NOT success AND at > $2 \
                     AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND success), 0)",
                )
                .bind(username)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                let (by_address, oldest_address): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE client_addr = $1 AND NOT success AND at > $2",
                )
                .bind(client_addr)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok($crate::store::FailedLogins {
                    by_account,
                    by_address,
                    oldest_at: match (oldest_account, oldest_address) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                })
            }

            async fn record_failed_login(
                &self,
                actor: &$crate::store::Actor,
                user: Option<&$crate::store::LoginRecord>,
                reason: &'static str,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let username = actor.username.clone().unwrap_or_default();
                sqlx::query(
                    "INSERT INTO login_attempts (at, username, client_addr, success) VALUES ($1, $2, $3, $4)",
                )
                .bind($crate::store::now_ms())
                .bind(&username)
                .bind(actor.client_addr.clone().unwrap_or_default())
                .bind(false)
                .execute(&mut *tx)
                .await?;
                let actor = $crate::store::Actor { id: user.map(|u| u.user_id), ..actor.clone() };
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &actor,
                        agency_id: user.map(|u| u.agency_id),
                        action: "auth.login_failed",
                        target: user.map(|u| format!("user:{}", u.user_id)),
                        target_name: user.map(|u| u.username.clone()),
                        details: serde_json::json!({"reason": reason}),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn start_session(
                &self,
                actor: &$crate::store::Actor,
                login: &$crate::store::LoginRecord,
                session: $crate::store::NewSession,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let now = $crate::store::now_ms();
                sqlx::query(
                    "INSERT INTO login_attempts (at, username, client_addr, success) VALUES ($1, $2, $3, $4)",
                )
                .bind(now)
                .bind(&login.username)
                .bind(actor.client_addr.clone().unwrap_or_default())
                .bind(true)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, client_addr) \
                     VALUES ($1, $2, $3, $4, $4, $5, $6)",
                )
                .bind(&session.id)
                .bind(login.user_id)
                .bind(&session.csrf_token)
                .bind(now)
                .bind(session.expires_at)
                .bind(&actor.client_addr)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(login.user_id)
                    .execute(&mut *tx)
                    .await?;
                // Expired sessions of this account are swept here rather than by a background job, which
                // would need coordination between server instances.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
                    .bind(login.user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(login.agency_id),
                        action: "auth.login",
                        target: Some(format!("user:{}", login.user_id)),
                        target_name: Some(login.username.clone()),
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_session(
                &self,
                id: &str,
                now: i64,
                idle_limit_ms: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::SessionRecord>> {
                let row: Option<$crate::store::common::SessionRow> = sqlx::query_as(concat!(
                    "SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, ",
                    $crate::store::common::user_columns!($agg),
                    "FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id ",
                    "JOIN agencies a ON a.id = un.agency_id ",
                    "WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.locked"
                ))
                .bind(id)
                .bind(now)
                .bind(now - idle_limit_ms)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok($crate::store::SessionRecord {
                        id: r.session_id,
                        csrf_token: r.csrf_token,
                        last_seen_at: r.last_seen_at,
                        user: r.user.into_dto()?,
                    })
                })
                .transpose()
            }

            async fn touch_session(&self, id: &str, now: i64) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn end_session(&self, actor: &$crate::store::Actor, id: &str) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let agency: Option<(i64,)> = sqlx::query_as(
                    "SELECT un.agency_id FROM sessions s JOIN users u ON u.id = s.user_id \
                     JOIN units un ON un.id = u.unit_id WHERE s.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *tx).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: agency.map(|a| a.0),
                        action: "auth.logout",
                        target: actor.id.map(|id| format!("user:{id}")),
                        target_name: actor.username.clone(),
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn change_password(
                &self,
                actor: &$crate::store::Actor,
                user_id: i64,
                password_hash: String,
                keep_session: &str,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let user = Self::user_in(&mut *tx, user_id).await?;
                sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(&password_hash)
                .bind(false)
                .bind($crate::store::now_ms())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(keep_session)
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor,
                        agency_id: Some(user.agency.id),
                        action: "auth.password_change",
                        target: Some(format!("user:{user_id}")),
                        target_name: Some(user.username.clone()),
                        details: serde_json::json!({}),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_audit(
                &self,
                filter: $crate::store::AuditFilter,
            ) -> $crate::store::StoreResult<Vec<shared::audit::AuditEntryDto>> {
                let rows: Vec<$crate::store::common::AuditRow> = sqlx::query_as(
                    "SELECT seq, at, actor_id, actor_username, agency_id, action, target, target_name, details, client_addr, \
                     prev_hash, hash FROM audit_log WHERE ($1 IS NULL OR agency_id = $1) AND ($2 IS NULL OR seq < $2) \
                     ORDER BY seq DESC LIMIT $3",
                )
                .bind(filter.agency_id)
                .bind(filter.before_seq)
                .bind(filter.limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|r| r.into_dto()).collect())
            }

            async fn verify_audit_chain(&self) -> $crate::store::StoreResult<$crate::store::AuditChainReport> {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query_as::<_, $crate::store::common::AuditRow>(
                    "SELECT seq, at, actor_id, actor_username, agency_id, action, target, target_name, details, client_addr, \
                     prev_hash, hash FROM audit_log ORDER BY seq",
                )
                .fetch(&self.pool);
                let mut prev = "0".repeat(64);
                let mut expected_seq = 1;
                let mut entries = 0;
                let mut first_broken_seq = None;
                while let Some(row) = rows.try_next().await? {
                    entries += 1;
                    let seq = row.seq;
                    let stored_prev = row.prev_hash.clone();
                    let entry = row.into_dto();
                    let ok = seq == expected_seq
                        && stored_prev == prev
                        && $crate::store::audit_hash(&prev, &entry) == entry.hash;
                    if !ok && first_broken_seq.is_none() {
                        first_broken_seq = Some(seq);
                    }
                    prev = entry.hash;
                    expected_seq = seq + 1;
                }
                Ok($crate::store::AuditChainReport { entries, first_broken_seq })
            }
        }
    };
}
pub(crate) use sql_store;
