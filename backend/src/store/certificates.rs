//! The certificate registry and what the server learnt about revocation (migration 0016, issue 17).
//!
//! A certificate is bound to one account (a person's signing certificate) or one agency (its seal): through the
//! person's own key request (the browser generated the key and sent its CSR while signed in: proof that this
//! account holds the key), by an administrator, or by the demo seed. A binding is revoked, never deleted, and
//! every change is audited. The signing checks (`crate::signing`) read the active fingerprints of the account
//! or agency a step expects. Revocation data (CRLs, OCSP responses) is kept as fetched, after its signature was
//! checked against a trust anchor, with each source's last attempt, so a failing source is reported.

use base64::Engine;
use shared::certificate::{
    BindingSource, BindingState, CertificateDto, CertificateRequestDto, MyCertificatesResponse,
    RevocationSourceDto,
};
use shared::time::Timestamp;

use crate::store::{Actor, AuditEvent, Store, StoreError, StoreResult, sql};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Who a certificate signs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    User(i64),
    Agency(i64),
}

/// A certificate read from PEM/DER, with what the registry keeps of it.
#[derive(Debug, Clone)]
pub struct ParsedCertificate {
    pub der: Vec<u8>,
    pub sha256: String,
    pub spki_sha256: String,
    pub subject: String,
    pub organization: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
}

impl ParsedCertificate {
    /// The first certificate of a PEM bundle, or one DER certificate (raw or base64).
    pub fn parse(text_or_der: &[u8]) -> Result<Self, &'static str> {
        use der::Encode;
        use sha2::{Digest, Sha256};
        let trimmed = text_or_der.trim_ascii();
        let decoded;
        let input = if !trimmed.starts_with(b"-----")
            && !trimmed.is_empty()
            && trimmed
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=\r\n ".contains(b))
        {
            let compact: Vec<u8> = trimmed
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            decoded = B64
                .decode(compact)
                .map_err(|_| "Chứng thư số không đọc được: cần tệp PEM hoặc DER.")?;
            decoded.as_slice()
        } else {
            trimmed
        };
        let cert = shared::pki::certs_from_pem_or_der(input)
            .ok()
            .and_then(|mut c| (!c.is_empty()).then(|| c.remove(0)))
            .ok_or("Chứng thư số không đọc được: cần tệp PEM hoặc DER.")?;
        let der = cert
            .to_der()
            .map_err(|_| "Chứng thư số không đọc được: cần tệp PEM hoặc DER.")?;
        let spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| "Chứng thư số không đọc được: cần tệp PEM hoặc DER.")?;
        let (subject, organization) = shared::pki::subject_names(&cert);
        let validity = cert.tbs_certificate().validity();
        let ms = |t: x509_cert::time::Time| t.to_unix_duration().as_millis() as i64;
        Ok(Self {
            sha256: shared::hex(&Sha256::digest(&der)),
            spki_sha256: shared::hex(&Sha256::digest(&spki)),
            subject,
            organization,
            issuer: shared::pki::name_parts(cert.tbs_certificate().issuer()).0,
            serial: shared::pki::serial_decimal(&cert),
            not_before: ms(validity.not_before),
            not_after: ms(validity.not_after),
            der,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CertRow {
    id: i64,
    sha256: String,
    subject_cn: String,
    subject_org: Option<String>,
    issuer: String,
    serial: String,
    not_before: i64,
    not_after: i64,
    user_id: Option<i64>,
    agency_id: Option<i64>,
    owner_name: Option<String>,
    owner_agency: Option<i64>,
    source: String,
    state: String,
    registered_at: i64,
    registered_by: Option<i64>,
    revoked_at: Option<i64>,
    revoke_reason: Option<String>,
}

const CERT_SELECT: &str = "SELECT c.id, c.sha256, c.subject_cn, c.subject_org, c.issuer, c.serial, c.not_before, \
     c.not_after, c.user_id, c.agency_id, COALESCE(u.full_name, a.name) AS owner_name, \
     COALESCE(un.agency_id, c.agency_id) AS owner_agency, c.source, c.state, c.registered_at, c.registered_by, \
     c.revoked_at, c.revoke_reason \
     FROM certificates c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN units un ON un.id = u.unit_id \
     LEFT JOIN agencies a ON a.id = c.agency_id";

impl CertRow {
    fn dto(self) -> StoreResult<(CertificateDto, i64)> {
        let source = match self.source.as_str() {
            "csr" => BindingSource::Csr,
            "admin" => BindingSource::Admin,
            "seed" => BindingSource::Seed,
            "remote" => BindingSource::Remote,
            other => return Err(StoreError::Corrupt(format!("certificate source {other}"))),
        };
        let state = match self.state.as_str() {
            "active" => BindingState::Active,
            "revoked" => BindingState::Revoked,
            other => return Err(StoreError::Corrupt(format!("certificate state {other}"))),
        };
        Ok((
            CertificateDto {
                id: self.id,
                sha256: self.sha256,
                subject: self.subject_cn,
                organization: self.subject_org,
                issuer: self.issuer,
                serial: self.serial,
                not_before: Timestamp(self.not_before),
                not_after: Timestamp(self.not_after),
                user_id: self.user_id,
                agency_id: self.agency_id,
                owner_name: self.owner_name.unwrap_or_default(),
                source,
                state,
                registered_at: Timestamp(self.registered_at),
                registered_by: self.registered_by,
                revoked_at: self.revoked_at.map(Timestamp),
                revoke_reason: self.revoke_reason,
            },
            self.owner_agency.unwrap_or_default(),
        ))
    }
}

/// kind, location, last attempt, last success, last error, next update.
type SourceRow = (
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    spki_sha256: String,
    subject: String,
    created_at: i64,
    certificate_id: Option<i64>,
}

impl From<RequestRow> for CertificateRequestDto {
    fn from(r: RequestRow) -> Self {
        Self {
            id: r.id,
            spki_sha256: r.spki_sha256,
            subject: r.subject,
            created_at: Timestamp(r.created_at),
            certificate_id: r.certificate_id,
        }
    }
}

/// One revocation datum as fetched: a CRL, or an OCSP response about one certificate.
#[derive(Debug, Clone)]
pub struct NewRevocationData {
    /// `crl` or `ocsp`.
    pub kind: &'static str,
    /// Base64 of the issuer's DER Name.
    pub issuer_key: String,
    /// The certificate an OCSP response is about (decimal serial).
    pub serial: Option<String>,
    pub this_update: i64,
    pub next_update: Option<i64>,
    pub der: Vec<u8>,
}

/// The key under which revocation data of `name`'s certificates is kept: base64 of the DER Name.
pub fn issuer_key(name: &x509_cert::name::Name) -> String {
    use der::Encode;
    B64.encode(name.to_der().unwrap_or_default())
}

impl Store {
    /// Records the signed-in person's key request (PKCS#10, its proof of possession already checked): the
    /// certificate a CA issues for that key will be theirs. Asking again for the same key returns the request.
    #[tracing::instrument(skip_all, fields(user_id = actor.id))]
    pub async fn submit_certificate_request(
        &self,
        actor: &Actor,
        user_id: i64,
        spki_sha256: &str,
        subject: &str,
        csr_pem: &str,
    ) -> StoreResult<CertificateRequestDto> {
        let mut tx = self.begin_write().await?;
        let existing: Option<RequestRow> = sql::query_as(
            "SELECT id, spki_sha256, subject, created_at, certificate_id FROM certificate_requests \
             WHERE user_id = $1 AND spki_sha256 = $2",
        )
        .bind(user_id)
        .bind(spki_sha256)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = existing {
            return Ok(r.into());
        }
        let row: RequestRow = sql::query_as(
            "INSERT INTO certificate_requests (user_id, spki_sha256, subject, csr_pem, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id, spki_sha256, subject, created_at, certificate_id",
        )
        .bind(user_id)
        .bind(spki_sha256)
        .bind(subject)
        .bind(csr_pem)
        .bind(crate::store::now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let agency = Self::user_in(&mut *tx, user_id).await?.agency.id;
        Self::append_audit(
            &mut tx,
            AuditEvent {
                actor,
                agency_id: Some(agency),
                action: "certificate.request",
                target: Some(format!("user:{user_id}")),
                target_name: None,
                details: serde_json::json!({ "spki_sha256": spki_sha256, "subject": subject }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// Binds `cert` to `owner`; audited. Refused when the certificate (or another certificate of the same key)
    /// is already registered to someone, or registered before and revoked.
    #[tracing::instrument(skip_all, fields(sha256 = %cert.sha256))]
    pub async fn bind_certificate(
        &self,
        actor: &Actor,
        cert: &ParsedCertificate,
        owner: Owner,
        source: BindingSource,
    ) -> StoreResult<CertificateDto> {
        let mut tx = self.begin_write().await?;
        let id = Self::bind_in(&mut tx, actor, cert, owner, source).await?;
        let dto = Self::certificate_in(&mut tx, id).await?.0;
        tx.commit().await?;
        Ok(dto)
    }

    async fn bind_in(
        tx: &mut sql::Tx,
        actor: &Actor,
        cert: &ParsedCertificate,
        owner: Owner,
        source: BindingSource,
    ) -> StoreResult<i64> {
        let clash: Option<(Option<i64>, Option<i64>, String)> = sql::query_as(
            "SELECT user_id, agency_id, state FROM certificates WHERE sha256 = $1 \
             OR (spki_sha256 = $2 AND state = 'active') ORDER BY id LIMIT 1",
        )
        .bind(&cert.sha256)
        .bind(&cert.spki_sha256)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((user, agency, state)) = clash {
            let same = match owner {
                Owner::User(u) => user == Some(u),
                Owner::Agency(a) => agency == Some(a),
            };
            return Err(StoreError::Field(
                "certificate",
                match (same, state.as_str()) {
                    (true, "active") => "Chứng thư số này đã được đăng ký cho chủ sở hữu này.",
                    (_, "revoked") => {
                        "Chứng thư số này đã từng được đăng ký và đã bị thu hồi đăng ký; không đăng ký lại được."
                    }
                    _ => {
                        "Chứng thư số này (hoặc khóa của nó) đã được đăng ký cho người hoặc cơ quan khác."
                    }
                },
            ));
        }
        let (user_id, agency_id) = match owner {
            Owner::User(u) => (Some(u), None),
            Owner::Agency(a) => (None, Some(a)),
        };
        let (owner_name, owner_agency) = match owner {
            Owner::User(u) => {
                let user = Self::user_in(&mut **tx, u).await?;
                (user.full_name, user.agency.id)
            }
            Owner::Agency(a) => {
                let name: Option<(String,)> =
                    sql::query_as("SELECT name FROM agencies WHERE id = $1")
                        .bind(a)
                        .fetch_optional(&mut **tx)
                        .await?;
                (name.ok_or(StoreError::NotFound)?.0, a)
            }
        };
        let source_text = match source {
            BindingSource::Csr => "csr",
            BindingSource::Admin => "admin",
            BindingSource::Seed => "seed",
            BindingSource::Remote => "remote",
        };
        let (id,): (i64,) = sql::query_as(
            "INSERT INTO certificates (sha256, der_base64, spki_sha256, subject_cn, subject_org, issuer, serial, \
             not_before, not_after, user_id, agency_id, source, state, registered_at, registered_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $14) RETURNING id",
        )
        .bind(&cert.sha256)
        .bind(B64.encode(&cert.der))
        .bind(&cert.spki_sha256)
        .bind(&cert.subject)
        .bind(cert.organization.clone())
        .bind(&cert.issuer)
        .bind(&cert.serial)
        .bind(cert.not_before)
        .bind(cert.not_after)
        .bind(user_id)
        .bind(agency_id)
        .bind(source_text)
        .bind(crate::store::now_ms())
        .bind(actor.id)
        .fetch_one(&mut **tx)
        .await?;
        if let Some(u) = user_id {
            sql::query(
                "UPDATE certificate_requests SET certificate_id = $1 \
                 WHERE user_id = $2 AND spki_sha256 = $3 AND certificate_id IS NULL",
            )
            .bind(id)
            .bind(u)
            .bind(&cert.spki_sha256)
            .execute(&mut **tx)
            .await?;
        }
        Self::append_audit(
            tx,
            AuditEvent {
                actor,
                agency_id: Some(owner_agency),
                action: "certificate.bind",
                target: Some(match owner {
                    Owner::User(u) => format!("user:{u}"),
                    Owner::Agency(a) => format!("agency:{a}"),
                }),
                target_name: Some(owner_name),
                details: serde_json::json!({
                    "certificate_id": id, "sha256": cert.sha256, "subject": cert.subject,
                    "serial": cert.serial, "issuer": cert.issuer, "source": source_text,
                }),
            },
        )
        .await?;
        Ok(id)
    }

    /// The signed-in person presents the certificate a CA issued for one of their key requests: bound to them
    /// (source `csr`). A certificate for a key they never asked for is refused; presenting one already bound to
    /// them returns that binding.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn present_certificate(
        &self,
        actor: &Actor,
        user_id: i64,
        cert: &ParsedCertificate,
    ) -> StoreResult<CertificateDto> {
        let mut tx = self.begin_write().await?;
        let request: Option<(i64,)> = sql::query_as(
            "SELECT id FROM certificate_requests WHERE user_id = $1 AND spki_sha256 = $2",
        )
        .bind(user_id)
        .bind(&cert.spki_sha256)
        .fetch_optional(&mut *tx)
        .await?;
        if request.is_none() {
            return Err(StoreError::Field(
                "certificate",
                "Chứng thư số này không cấp cho khóa nào bạn đã gửi yêu cầu từ tài khoản của mình. Hãy tạo khóa và gửi yêu cầu cấp chứng thư trên trang Chữ ký số, hoặc nhờ quản trị đăng ký chứng thư cho bạn.",
            ));
        }
        // Presented again (from a second device holding the same key): the binding there is.
        let bound: Option<(i64,)> = sql::query_as(
            "SELECT id FROM certificates WHERE sha256 = $1 AND user_id = $2 AND state = 'active'",
        )
        .bind(&cert.sha256)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id,)) = bound {
            let dto = Self::certificate_in(&mut tx, id).await?.0;
            tx.commit().await?;
            return Ok(dto);
        }
        let id = Self::bind_in(
            &mut tx,
            actor,
            cert,
            Owner::User(user_id),
            BindingSource::Csr,
        )
        .await?;
        let dto = Self::certificate_in(&mut tx, id).await?.0;
        tx.commit().await?;
        Ok(dto)
    }

    async fn certificate_in(tx: &mut sql::Tx, id: i64) -> StoreResult<(CertificateDto, i64)> {
        let row: Option<CertRow> = sql::query_as(format!("{CERT_SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        row.ok_or(StoreError::NotFound)?.dto()
    }

    /// A registered certificate and the agency of its owner (for the administrator's scope).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn certificate(&self, id: i64) -> StoreResult<(CertificateDto, i64)> {
        let row: Option<CertRow> = sql::query_as(format!("{CERT_SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or(StoreError::NotFound)?.dto()
    }

    /// Ends a binding (the certificate no longer signs for its owner); audited with the reason.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn revoke_certificate_binding(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> StoreResult<CertificateDto> {
        let mut tx = self.begin_write().await?;
        let (before, owner_agency) = Self::certificate_in(&mut tx, id).await?;
        if before.state == BindingState::Revoked {
            return Err(StoreError::State(
                "Đăng ký chứng thư số này đã bị thu hồi trước đó.",
            ));
        }
        sql::query(
            "UPDATE certificates SET state = 'revoked', revoked_at = $2, revoked_by = $3, revoke_reason = $4 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(crate::store::now_ms())
        .bind(actor.id)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(
            &mut tx,
            AuditEvent {
                actor,
                agency_id: Some(owner_agency),
                action: "certificate.revoke",
                target: Some(match (before.user_id, before.agency_id) {
                    (Some(u), _) => format!("user:{u}"),
                    (_, a) => format!("agency:{}", a.unwrap_or_default()),
                }),
                target_name: Some(before.owner_name.clone()),
                details: serde_json::json!({
                    "certificate_id": id, "sha256": before.sha256, "subject": before.subject,
                    "serial": before.serial, "reason": reason,
                }),
            },
        )
        .await?;
        let dto = Self::certificate_in(&mut tx, id).await?.0;
        tx.commit().await?;
        Ok(dto)
    }

    /// Registered certificates, newest first: of one account, of one agency (its seal and its people's), or
    /// all when both are `None`.
    #[tracing::instrument(skip_all)]
    pub async fn list_certificates(
        &self,
        user_id: Option<i64>,
        agency_id: Option<i64>,
    ) -> StoreResult<Vec<CertificateDto>> {
        let rows: Vec<CertRow> = sql::query_as(format!(
            "{CERT_SELECT} WHERE ($1 IS NULL OR c.user_id = $1) \
             AND ($2 IS NULL OR COALESCE(un.agency_id, c.agency_id) = $2) ORDER BY c.id DESC"
        ))
        .bind(user_id)
        .bind(agency_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.dto().map(|d| d.0)).collect()
    }

    /// The signed-in person's certificates and key requests.
    #[tracing::instrument(skip_all, fields(user_id = user_id))]
    pub async fn my_certificates(&self, user_id: i64) -> StoreResult<MyCertificatesResponse> {
        let certificates = self.list_certificates(Some(user_id), None).await?;
        let requests: Vec<RequestRow> = sql::query_as(
            "SELECT id, spki_sha256, subject, created_at, certificate_id FROM certificate_requests \
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(MyCertificatesResponse {
            certificates,
            requests: requests.into_iter().map(Into::into).collect(),
        })
    }

    /// The fingerprints (hex SHA-256) of the certificates actively bound to `owner`: whom a signature may
    /// come from.
    #[tracing::instrument(skip_all)]
    pub async fn active_certificates(&self, owner: Owner) -> StoreResult<Vec<String>> {
        let (column, id) = match owner {
            Owner::User(u) => ("user_id", u),
            Owner::Agency(a) => ("agency_id", a),
        };
        let rows: Vec<(String,)> = sql::query_as(format!(
            "SELECT sha256 FROM certificates WHERE {column} = $1 AND state = 'active'"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Whether a certificate (by fingerprint) is in the registry, bound or revoked.
    #[tracing::instrument(skip_all)]
    pub async fn certificate_registered(&self, sha256: &str) -> StoreResult<bool> {
        let row: Option<(i64,)> = sql::query_as("SELECT id FROM certificates WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// The id of the account `username` (the demo seed's certificates are named after accounts).
    #[tracing::instrument(skip_all)]
    pub async fn user_id_by_username(&self, username: &str) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> = sql::query_as("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Every registered certificate (DER), active or not: the sweep reads their CRL distribution points and
    /// OCSP responders.
    #[tracing::instrument(skip_all)]
    pub async fn registered_certificates_der(&self) -> StoreResult<Vec<Vec<u8>>> {
        let rows: Vec<(String,)> = sql::query_as("SELECT der_base64 FROM certificates ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(b,)| B64.decode(b).ok())
            .collect())
    }

    /// Records one attempt at a revocation source: the data it gave (kept unless already held) or why it
    /// failed (kept as the source's last error, reported to administrators).
    #[tracing::instrument(skip_all, fields(location = location))]
    pub async fn record_revocation_fetch(
        &self,
        kind: &'static str,
        location: &str,
        outcome: Result<NewRevocationData, String>,
    ) -> StoreResult<()> {
        let now = crate::store::now_ms();
        let mut tx = self.begin_write().await?;
        let (source_id,): (i64,) = sql::query_as(
            "INSERT INTO revocation_sources (kind, location) VALUES ($1, $2) \
             ON CONFLICT (location) DO UPDATE SET kind = excluded.kind RETURNING id",
        )
        .bind(kind)
        .bind(location)
        .fetch_one(&mut *tx)
        .await?;
        match outcome {
            Ok(data) => {
                use sha2::{Digest, Sha256};
                let sha = shared::hex(&Sha256::digest(&data.der));
                sql::query(
                    "INSERT INTO revocation_data (kind, source_id, issuer_key, serial, this_update, next_update, \
                     sha256, der_base64, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(data.kind)
                .bind(source_id)
                .bind(&data.issuer_key)
                .bind(data.serial.clone())
                .bind(data.this_update)
                .bind(data.next_update)
                .bind(sha)
                .bind(B64.encode(&data.der))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sql::query(
                    "UPDATE revocation_sources SET last_attempt_at = $2, last_success_at = $2, last_error = NULL, \
                     next_update = $3 WHERE id = $1",
                )
                .bind(source_id)
                .bind(now)
                .bind(data.next_update)
                .execute(&mut *tx)
                .await?;
            }
            Err(why) => {
                sql::query(
                    "UPDATE revocation_sources SET last_attempt_at = $2, last_error = $3 WHERE id = $1",
                )
                .bind(source_id)
                .bind(now)
                .bind(why)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every revocation source with its last attempt; `stale` when it failed last or its CRL is past due.
    #[tracing::instrument(skip_all)]
    pub async fn revocation_sources(&self) -> StoreResult<Vec<RevocationSourceDto>> {
        let rows: Vec<SourceRow> = sql::query_as(
            "SELECT kind, location, last_attempt_at, last_success_at, last_error, next_update \
             FROM revocation_sources ORDER BY location",
        )
        .fetch_all(&self.pool)
        .await?;
        let now = crate::store::now_ms();
        Ok(rows
            .into_iter()
            .map(
                |(kind, location, attempt, success, error, next)| RevocationSourceDto {
                    stale: error.is_some() || success.is_none() || next.is_some_and(|n| n < now),
                    kind,
                    location,
                    last_attempt_at: attempt.map(Timestamp),
                    last_success_at: success.map(Timestamp),
                    last_error: error,
                    next_update: next.map(Timestamp),
                },
            )
            .collect())
    }

    /// The latest CRL (by thisUpdate) of every issuer the server holds one for (DER): what verification uses.
    #[tracing::instrument(skip_all)]
    pub async fn latest_crls(&self) -> StoreResult<Vec<Vec<u8>>> {
        let rows: Vec<(String,)> = sql::query_as(
            "SELECT r.der_base64 FROM revocation_data r WHERE r.kind = 'crl' AND r.id = (\
             SELECT r2.id FROM revocation_data r2 WHERE r2.kind = 'crl' AND r2.issuer_key = r.issuer_key \
             ORDER BY r2.this_update DESC, r2.id DESC LIMIT 1)",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(b,)| B64.decode(b).ok())
            .collect())
    }

    /// The latest OCSP response the server holds about each of `certs` (DER), for the certificates a file's
    /// signatures carry: what verification weighs beside the CRLs and what goes into the DSS at issue.
    #[tracing::instrument(skip_all)]
    pub async fn ocsp_responses_about(
        &self,
        certs: &[x509_cert::Certificate],
    ) -> StoreResult<Vec<Vec<u8>>> {
        let mut out: Vec<Vec<u8>> = Vec::new();
        for cert in certs {
            let tbs = cert.tbs_certificate();
            // A self-signed anchor is not asked about.
            if tbs.issuer() == tbs.subject() {
                continue;
            }
            let ocsp: Option<(String,)> = sql::query_as(
                "SELECT der_base64 FROM revocation_data WHERE kind = 'ocsp' AND issuer_key = $1 \
                 AND serial = $2 ORDER BY this_update DESC, id DESC LIMIT 1",
            )
            .bind(issuer_key(tbs.issuer()))
            .bind(shared::pki::serial_decimal(cert))
            .fetch_optional(&self.pool)
            .await?;
            if let Some(der) = ocsp.and_then(|(b,)| B64.decode(b).ok())
                && !out.contains(&der)
            {
                out.push(der);
            }
        }
        Ok(out)
    }
}
