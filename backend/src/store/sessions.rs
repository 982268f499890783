//! Sign-in: credentials, failed attempts, sessions, password changes.

use super::Store;

// Sign-in and sessions. Sessions are rows, so every server instance sees the same ones.

impl Store {
    /// The account behind a sign-in name, if any.
    #[tracing::instrument(skip_all)]
    pub async fn find_login(
        &self,
        username: &str,
    ) -> crate::store::StoreResult<Option<crate::store::LoginRecord>> {
        let row: Option<(i64, String, i64, String, bool)> = crate::store::sql::query_as(
            "SELECT u.id, u.username, un.agency_id, u.password_hash, u.locked \
             FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(user_id, username, agency_id, password_hash, locked)| {
                crate::store::LoginRecord {
                    user_id,
                    username,
                    agency_id,
                    password_hash,
                    locked,
                }
            }),
        )
    }

    /// Failed sign-ins since `since`: of this account from this address (since their last success together),
    /// of this account from anywhere (since its last success), and how many accounts failed from this address.
    #[tracing::instrument(skip_all)]
    pub async fn count_failed_logins(
        &self,
        username: &str,
        client_addr: &str,
        since: i64,
    ) -> crate::store::StoreResult<crate::store::FailedLogins> {
        let (by_pair, pair_last_at): (i64, Option<i64>) = crate::store::sql::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE username = $1 AND client_addr = $2 \
             AND NOT success AND at > $3 AND at > COALESCE((SELECT MAX(at) FROM login_attempts \
             WHERE username = $1 AND client_addr = $2 AND success), 0)",
        )
        .bind(username)
        .bind(client_addr)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let (by_account,): (i64,) = crate::store::sql::query_as(
            "SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND NOT success AND at > $2 \
             AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND success), 0)",
        )
        .bind(username)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let (accounts_from_address, address_oldest_at): (i64, Option<i64>) =
            crate::store::sql::query_as(
                // An account that then signed in from here was a colleague's typo, not a guess: it does not
                // count against the office's shared address.
                "SELECT COUNT(DISTINCT f.username), MIN(f.at) FROM login_attempts f \
                 WHERE f.client_addr = $1 AND NOT f.success AND f.at > $2 AND NOT EXISTS \
                 (SELECT 1 FROM login_attempts s WHERE s.username = f.username \
                  AND s.client_addr = f.client_addr AND s.success AND s.at > f.at)",
            )
            .bind(client_addr)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok(crate::store::FailedLogins {
            by_pair,
            pair_last_at,
            by_account,
            accounts_from_address,
            address_oldest_at,
        })
    }

    /// Audits a sign-in refused before the password was checked (too many failures): the attempt is on record
    /// but does not count as another failure, so waiting out the delay is enough.
    #[tracing::instrument(skip_all)]
    pub async fn record_throttled_login(
        &self,
        actor: &crate::store::Actor,
        reason: &'static str,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor,
                agency_id: None,
                action: "auth.login_throttled",
                target: None,
                target_name: actor.username.clone(),
                details: serde_json::json!({ "reason": reason }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed sign-in (attempt row and audit entry).
    #[tracing::instrument(skip_all)]
    pub async fn record_failed_login(
        &self,
        actor: &crate::store::Actor,
        user: Option<&crate::store::LoginRecord>,
        reason: &'static str,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let username = actor.username.clone().unwrap_or_default();
        crate::store::sql::query(
            "INSERT INTO login_attempts (at, username, client_addr, success) VALUES ($1, $2, $3, $4)",
        )
        .bind(crate::store::now_ms())
        .bind(&username)
        .bind(actor.client_addr.clone().unwrap_or_default())
        .bind(false)
        .execute(&mut *tx)
        .await?;
        Self::prune_login_attempts(&mut tx).await?;
        let actor = crate::store::Actor {
            id: user.map(|u| u.user_id),
            ..actor.clone()
        };
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Opens a session after a successful sign-in: attempt row, session, last sign-in time and audit entry.
    #[tracing::instrument(skip_all)]
    pub async fn start_session(
        &self,
        actor: &crate::store::Actor,
        login: &crate::store::LoginRecord,
        session: crate::store::NewSession,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = crate::store::now_ms();
        crate::store::sql::query(
            "INSERT INTO login_attempts (at, username, client_addr, success) VALUES ($1, $2, $3, $4)",
        )
        .bind(now)
        .bind(&login.username)
        .bind(actor.client_addr.clone().unwrap_or_default())
        .bind(true)
        .execute(&mut *tx)
        .await?;
        Self::prune_login_attempts(&mut tx).await?;
        crate::store::sql::query(
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
        crate::store::sql::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(login.user_id)
            .execute(&mut *tx)
            .await?;
        // Expired sessions of this account are swept here rather than by a background job, which
        // would need coordination between server instances.
        crate::store::sql::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
            .bind(login.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// The live session with this id (not expired, not idle for too long, account not locked).
    #[tracing::instrument(skip_all)]
    pub async fn find_session(
        &self,
        id: &str,
        now: i64,
        idle_limit_ms: i64,
    ) -> crate::store::StoreResult<Option<crate::store::SessionRecord>> {
        let row: Option<crate::store::common::SessionRow> = crate::store::sql::query_as(format!(
            "SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, {}\
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id \
             JOIN agencies a ON a.id = un.agency_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.locked",
            crate::store::common::user_columns(self.kind())
        ))
        .bind(id)
        .bind(now)
        .bind(now - idle_limit_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(crate::store::SessionRecord {
                id: r.session_id,
                csrf_token: r.csrf_token,
                last_seen_at: r.last_seen_at,
                user: r.user.into_dto()?,
            })
        })
        .transpose()
    }

    /// Marks a session as used now.
    #[tracing::instrument(skip_all)]
    pub async fn touch_session(&self, id: &str, now: i64) -> crate::store::StoreResult<()> {
        crate::store::sql::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (sign-out).
    #[tracing::instrument(skip_all)]
    pub async fn end_session(
        &self,
        actor: &crate::store::Actor,
        id: &str,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let agency: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT un.agency_id FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN units un ON un.id = u.unit_id WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        crate::store::sql::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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

    /// Changes a user's own password; every other session of the account ends.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn change_password(
        &self,
        actor: &crate::store::Actor,
        user_id: i64,
        password_hash: String,
        keep_session: &str,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = Self::user_in(&mut *tx, user_id).await?;
        crate::store::sql::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(&password_hash)
        .bind(false)
        .bind(crate::store::now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        crate::store::sql::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
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
}
