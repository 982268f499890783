//! Agencies, units and accounts.

use super::Store;

// Agencies, their units, and the accounts in them. Every change writes its audit entry in the same
// transaction.

impl Store {
    /// Creates an agency (demo seeding, provincial administration).
    #[tracing::instrument(skip_all)]
    pub async fn create_agency(
        &self,
        actor: &crate::store::Actor,
        a: crate::store::NewAgency,
    ) -> crate::store::StoreResult<shared::agency::AgencyDto> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO agencies (code, name, short_name, parent_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(a.code.as_str())
        .bind(&a.name)
        .bind(&a.short_name)
        .bind(a.parent_id)
        .bind(crate::store::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(crate::store::common::unique_as(
            crate::store::Conflict::AgencyCodeTaken,
        ))?;
        // Every agency keeps an outgoing and an incoming register (NĐ 30 Phụ lục IV).
        for (direction, name) in [
            ("outgoing", "Sổ văn bản đi"),
            ("incoming", "Sổ văn bản đến"),
        ] {
            crate::store::sql::query("INSERT INTO registers (agency_id, direction, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(direction)
                .bind(name)
                .bind(crate::store::now_ms())
                .execute(&mut *tx)
                .await?;
        }
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    #[tracing::instrument(skip_all)]
    pub async fn list_agencies(&self) -> crate::store::StoreResult<Vec<shared::agency::AgencyDto>> {
        let rows: Vec<crate::store::common::AgencyRow> = crate::store::sql::query_as(
            "SELECT id, code, name, short_name, parent_id FROM agencies ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.into_dto()).collect()
    }

    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get_agency(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<shared::agency::AgencyDto> {
        let row: Option<crate::store::common::AgencyRow> = crate::store::sql::query_as(
            "SELECT id, code, name, short_name, parent_id FROM agencies WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(crate::store::StoreError::NotFound)?.into_dto()
    }

    #[tracing::instrument(skip_all)]
    pub async fn find_agency_by_code(
        &self,
        code: &str,
    ) -> crate::store::StoreResult<Option<shared::agency::AgencyDto>> {
        let row: Option<crate::store::common::AgencyRow> = crate::store::sql::query_as(
            "SELECT id, code, name, short_name, parent_id FROM agencies WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.into_dto()).transpose()
    }

    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn list_units(
        &self,
        agency_id: i64,
    ) -> crate::store::StoreResult<Vec<shared::agency::UnitDto>> {
        let sql = format!(
            "{}WHERE un.agency_id = $1 ORDER BY un.name",
            crate::store::common::UNIT_SELECT
        );
        let rows: Vec<crate::store::common::UnitRow> = crate::store::sql::query_as(sql)
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(|r| r.into_dto()).collect()
    }

    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get_unit(&self, id: i64) -> crate::store::StoreResult<shared::agency::UnitDto> {
        Self::unit_in(&self.pool, id).await
    }

    /// Creates a unit inside an agency; the short name is unique within the agency.
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn create_unit(
        &self,
        actor: &crate::store::Actor,
        agency_id: i64,
        u: crate::store::UnitFields,
    ) -> crate::store::StoreResult<shared::agency::UnitDto> {
        let mut tx = self.begin_write().await?;
        let now = crate::store::now_ms();
        let (id,): (i64,) = crate::store::sql::query_as(
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
        .map_err(crate::store::common::unique_as(
            crate::store::Conflict::UnitShortNameTaken,
        ))?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    #[tracing::instrument(skip_all, fields(unit_id = unit_id))]
    pub async fn update_unit(
        &self,
        actor: &crate::store::Actor,
        unit_id: i64,
        u: crate::store::UnitFields,
    ) -> crate::store::StoreResult<shared::agency::UnitDto> {
        let mut tx = self.begin_write().await?;
        let before = Self::unit_in(&mut *tx, unit_id).await?;
        crate::store::sql::query(
            "UPDATE units SET name = $1, short_name = $2, kind = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(&u.name)
        .bind(&u.short_name)
        .bind(u.kind.code())
        .bind(crate::store::now_ms())
        .bind(unit_id)
        .execute(&mut *tx)
        .await
        .map_err(crate::store::common::unique_as(
            crate::store::Conflict::UnitShortNameTaken,
        ))?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Creates an account with its roles.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(
        &self,
        actor: &crate::store::Actor,
        u: crate::store::NewUser,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let mut tx = self.begin_write().await?;
        let agency_id = Self::agency_of_unit(&mut tx, u.fields.unit_id).await?;
        let now = crate::store::now_ms();
        let f = &u.fields;
        let (id,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO users (username, full_name, search_text, position, email, phone, unit_id, \
             password_hash, must_change_password, locked, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(&u.username)
        .bind(&f.full_name)
        .bind(crate::store::common::user_search_text(
            &u.username,
            &f.full_name,
        ))
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
        .map_err(crate::store::common::unique_as(
            crate::store::Conflict::UsernameTaken,
        ))?;
        Self::replace_roles(&mut tx, id, &f.roles).await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Replaces an account's editable fields and roles.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn update_user(
        &self,
        actor: &crate::store::Actor,
        user_id: i64,
        f: crate::store::UserFields,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let mut tx = self.begin_write().await?;
        let before = Self::user_in(&mut *tx, user_id).await?;
        if before.has_role(shared::role::Role::SystemAdmin)
            && !f.roles.contains(&shared::role::Role::SystemAdmin)
        {
            Self::keep_a_system_admin(&mut tx, user_id).await?;
        }
        let agency_id = Self::agency_of_unit(&mut tx, f.unit_id).await?;
        crate::store::sql::query(
            "UPDATE users SET full_name = $1, search_text = $2, position = $3, email = $4, phone = $5, \
             unit_id = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(&f.full_name)
        .bind(crate::store::common::user_search_text(&before.username, &f.full_name))
        .bind(&f.position)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(f.unit_id)
        .bind(crate::store::now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Self::replace_roles(&mut tx, user_id, &f.roles).await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Locks (ending every session) or unlocks an account.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn set_user_locked(
        &self,
        actor: &crate::store::Actor,
        user_id: i64,
        locked: bool,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let mut tx = self.begin_write().await?;
        let before = Self::user_in(&mut *tx, user_id).await?;
        if locked && before.has_role(shared::role::Role::SystemAdmin) {
            Self::keep_a_system_admin(&mut tx, user_id).await?;
        }
        crate::store::sql::query("UPDATE users SET locked = $1, updated_at = $2 WHERE id = $3")
            .bind(locked)
            .bind(crate::store::now_ms())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if locked {
            Self::end_all_sessions(&mut tx, user_id).await?;
        }
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Sets an administrator-chosen temporary password that must be changed at next sign-in; ends every session.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn reset_password(
        &self,
        actor: &crate::store::Actor,
        user_id: i64,
        password_hash: String,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let mut tx = self.begin_write().await?;
        let before = Self::user_in(&mut *tx, user_id).await?;
        crate::store::sql::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(&password_hash)
        .bind(true)
        .bind(crate::store::now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Self::end_all_sessions(&mut tx, user_id).await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get_user(&self, id: i64) -> crate::store::StoreResult<shared::user::UserDto> {
        Self::user_in(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_users(
        &self,
        filter: crate::store::UserFilter,
    ) -> crate::store::StoreResult<Vec<shared::user::UserDto>> {
        let pattern = filter
            .query
            .as_deref()
            .map(shared::text::fold_for_search)
            .filter(|q| !q.trim().is_empty())
            .map(|q| crate::store::common::contains_pattern(q.trim()));
        let rows: Vec<crate::store::common::UserRow> = crate::store::sql::query_as(format!(
            "{}WHERE ($1 IS NULL OR a.id = $1) AND ($2 IS NULL OR u.search_text LIKE $2 ESCAPE '\\') \
             ORDER BY a.code, un.name, u.full_name LIMIT $3",
            crate::store::common::user_select(self.kind())
        ))
        .bind(filter.agency_id)
        .bind(pattern)
        .bind(filter.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.into_dto()).collect()
    }

    /// Refuses a change that would leave the province without an active system administrator (access rule 5):
    /// `user_id` is about to lose the role or be locked. The check runs inside the changing transaction.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub(crate) async fn keep_a_system_admin(
        tx: &mut crate::store::sql::Tx,
        user_id: i64,
    ) -> crate::store::StoreResult<()> {
        let (others,): (i64,) = crate::store::sql::query_as(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'system_admin' \
             WHERE u.id <> $1 AND NOT u.locked",
        )
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
        if others == 0 {
            return Err(crate::store::StoreError::State(
                "Đây là quản trị viên hệ thống cuối cùng còn hoạt động: hãy giao vai trò này cho một tài khoản khác trước.",
            ));
        }
        Ok(())
    }

    /// Gives `username` the system administrator role again and unlocks it, from the server's shell (`vanban
    /// admin grant-system-admin`), for a province that locked itself out. Audited like any role change.
    #[tracing::instrument(skip_all, fields(username = %username))]
    pub async fn grant_system_admin(
        &self,
        username: &str,
    ) -> crate::store::StoreResult<shared::user::UserDto> {
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> =
            crate::store::sql::query_as("SELECT id FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
        let (user_id,) = found.ok_or(crate::store::StoreError::NotFound)?;
        crate::store::sql::query(
            "INSERT INTO user_roles (user_id, role) VALUES ($1, 'system_admin') ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        crate::store::sql::query("UPDATE users SET locked = $1, updated_at = $2 WHERE id = $3")
            .bind(false)
            .bind(crate::store::now_ms())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let user = Self::user_in(&mut *tx, user_id).await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor: &crate::store::Actor {
                    id: None,
                    username: Some("vanban admin grant-system-admin".into()),
                    client_addr: None,
                },
                agency_id: Some(user.agency.id),
                action: "user.grant_system_admin",
                target: Some(format!("user:{user_id}")),
                target_name: Some(user.username.clone()),
                details: serde_json::json!({"source": "server shell"}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }
}
