//! Delegations (ủy quyền, Điều 16.4): a leader hands assigning, and optionally signing under KT./TUQ., to a
//! deputy for some days.

use crate::store::Store;

impl Store {
    /// The delegation letting `to` act for `from` today.
    #[tracing::instrument(skip_all, fields(from = from, to = to))]
    pub(crate) async fn delegation_in(
        tx: &mut crate::store::sql::Tx,
        from: i64,
        to: i64,
    ) -> crate::store::StoreResult<Option<(i64, Option<String>)>> {
        Ok(crate::store::sql::query_as(
            "SELECT id, signing FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 \
             AND revoked_at IS NULL AND starts_on <= $3 AND ends_on >= $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(from)
        .bind(to)
        .bind(crate::store::common::today())
        .fetch_optional(&mut **tx)
        .await?)
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn create_delegation(
        &self,
        user: &shared::user::UserDto,
        d: crate::store::incoming::NewDelegation,
    ) -> crate::store::StoreResult<i64> {
        let crate::store::incoming::NewDelegation {
            from_user_id,
            to_user_id,
            starts_on,
            ends_on,
            signing,
            reason,
        } = d;
        use shared::role::Role;
        let admin = user.has_role(Role::AgencyAdmin) || user.has_role(Role::SystemAdmin);
        if from_user_id != user.id && !admin {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ người ủy quyền hoặc quản trị mới tạo được ủy quyền.",
            ));
        }
        let mut tx = self.begin_write().await?;
        let from = Self::user_in(&mut *tx, from_user_id).await.map_err(|_| {
            crate::store::StoreError::Field("from_user_id", "Không tìm thấy người ủy quyền.")
        })?;
        if from.agency.id != user.agency.id && !user.has_role(Role::SystemAdmin) {
            return Err(crate::store::StoreError::NotFound);
        }
        if !(from.has_role(Role::AgencyLeader) || from.has_role(Role::UnitLeader)) {
            return Err(crate::store::StoreError::Field(
                "from_user_id",
                "Chỉ lãnh đạo mới ủy quyền được.",
            ));
        }
        Self::check_member(
            &mut tx,
            to_user_id,
            from.agency.id,
            &["agency_leader", "unit_leader"],
            "Chỉ ủy quyền được cho lãnh đạo của cơ quan.",
        )
        .await
        .map_err(|e| e.on_field("to_user_id"))?;
        if signing.is_some() && !from.has_role(Role::AgencyLeader) {
            return Err(crate::store::StoreError::Field(
                "signing",
                "Chỉ lãnh đạo cơ quan mới ủy quyền ký được.",
            ));
        }
        let now = crate::store::now_ms();
        let (id,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO delegations (agency_id, from_user_id, to_user_id, starts_on, ends_on, signing, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(from.agency.id)
        .bind(from_user_id)
        .bind(to_user_id)
        .bind(starts_on.to_string())
        .bind(ends_on.to_string())
        .bind(signing.map(|s| s.code()))
        .bind(&reason)
        .bind(user.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor: &Self::audit_actor(user),
                agency_id: Some(from.agency.id),
                action: "delegation.create",
                target: Some(format!("user:{from_user_id}")),
                target_name: Some(from.full_name.clone()),
                details: serde_json::json!({
                    "delegation": id, "to_user_id": to_user_id, "starts_on": starts_on.to_string(),
                    "ends_on": ends_on.to_string(), "signing": signing.map(|s| s.code()), "reason": reason,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn list_delegations(
        &self,
        user: &shared::user::UserDto,
    ) -> crate::store::StoreResult<Vec<shared::incoming::DelegationDto>> {
        use shared::role::Role;
        let everyone = user.has_role(Role::AgencyAdmin)
            || user.has_role(Role::SystemAdmin)
            || user.has_role(Role::AgencyLeader);
        #[derive(sqlx::FromRow)]
        struct D {
            id: i64,
            from_user_id: i64,
            from_name: String,
            from_position: Option<String>,
            to_user_id: i64,
            to_name: String,
            to_position: Option<String>,
            starts_on: String,
            ends_on: String,
            signing: Option<String>,
            reason: Option<String>,
            created_by: i64,
            by_name: String,
            created_at: i64,
            revoked_at: Option<i64>,
        }
        let rows: Vec<D> = crate::store::sql::query_as(
            "SELECT d.id, d.from_user_id, f.full_name AS from_name, f.position AS from_position, d.to_user_id, \
             t.full_name AS to_name, t.position AS to_position, d.starts_on, d.ends_on, d.signing, d.reason, d.created_by, \
             b.full_name AS by_name, d.created_at, d.revoked_at \
             FROM delegations d JOIN users f ON f.id = d.from_user_id JOIN users t ON t.id = d.to_user_id \
             JOIN users b ON b.id = d.created_by \
             WHERE d.agency_id = $1 AND ($2 OR d.from_user_id = $3 OR d.to_user_id = $3) ORDER BY d.id DESC LIMIT 200",
        )
        .bind(user.agency.id)
        .bind(everyone)
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        let today = crate::store::common::today();
        rows.into_iter()
            .map(|d| {
                let active = d.revoked_at.is_none() && d.starts_on <= today && d.ends_on >= today;
                Ok(shared::incoming::DelegationDto {
                    id: d.id,
                    from: crate::store::common::person(
                        d.from_user_id,
                        d.from_name,
                        d.from_position,
                    ),
                    to: crate::store::common::person(d.to_user_id, d.to_name, d.to_position),
                    starts_on: crate::store::incoming::civil(&d.starts_on)?,
                    ends_on: crate::store::incoming::civil(&d.ends_on)?,
                    signing: d
                        .signing
                        .as_deref()
                        .and_then(shared::outgoing::SigningCapacity::from_code),
                    reason: d.reason,
                    created_by: crate::store::common::person(d.created_by, d.by_name, None),
                    created_at: shared::time::Timestamp(d.created_at),
                    revoked_at: d.revoked_at.map(shared::time::Timestamp),
                    active,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn revoke_delegation(
        &self,
        user: &shared::user::UserDto,
        id: i64,
    ) -> crate::store::StoreResult<()> {
        use shared::role::Role;
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64, i64, Option<i64>)> = crate::store::sql::query_as(
            "UPDATE delegations SET id = id WHERE id = $1 RETURNING agency_id, from_user_id, created_by, revoked_at",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (agency, from, creator, revoked) = row.ok_or(crate::store::StoreError::NotFound)?;
        if agency != user.agency.id && !user.has_role(Role::SystemAdmin) {
            return Err(crate::store::StoreError::NotFound);
        }
        let admin = user.has_role(Role::AgencyAdmin) || user.has_role(Role::SystemAdmin);
        if !(admin || from == user.id || creator == user.id) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ người ủy quyền hoặc quản trị mới thu hồi được ủy quyền.",
            ));
        }
        if revoked.is_some() {
            return Err(crate::store::StoreError::State(
                "Ủy quyền này đã bị thu hồi.",
            ));
        }
        let now = crate::store::now_ms();
        crate::store::sql::query(
            "UPDATE delegations SET revoked_at = $1, revoked_by = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(user.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor: &Self::audit_actor(user),
                agency_id: Some(agency),
                action: "delegation.revoke",
                target: Some(format!("user:{from}")),
                target_name: None,
                details: serde_json::json!({"delegation": id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active delegation letting `to` act for `from` today, with its signing mark if it covers signing.
    #[tracing::instrument(skip_all, fields(from = from, to = to))]
    pub async fn active_delegation(
        &self,
        from: i64,
        to: i64,
    ) -> crate::store::StoreResult<Option<(i64, Option<shared::outgoing::SigningCapacity>)>> {
        let row: Option<(i64, Option<String>)> = crate::store::sql::query_as(
            "SELECT id, signing FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 \
             AND revoked_at IS NULL AND starts_on <= $3 AND ends_on >= $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(from)
        .bind(to)
        .bind(crate::store::common::today())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, s)| {
            (
                id,
                s.as_deref()
                    .and_then(shared::outgoing::SigningCapacity::from_code),
            )
        }))
    }
}
