//! The certificate registry (issue 17): a person's own key requests and certificates (`/api/me/…`), the
//! administrators' registration and revocation of bindings (`/api/admin/certificates…`), the revocation sources
//! the sweep reads, and the demo CA's CRL published at `GET /pki/ca.crl` (no sign-in).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::certificate::{
    BindingSource, CertificateDto, CertificateQuery, CertificateRequestBody, CertificateRequestDto,
    MyCertificatesResponse, PresentCertificateRequest, RegisterCertificateRequest,
    RevocationSourceDto, RevokeBindingRequest,
};

use crate::access::AdminScope;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::store::certificates::{Owner, ParsedCertificate};

/// The largest certificate or request accepted (a PEM chain of a few certificates).
const MAX_PEM: usize = 64 * 1024;

/// A certificate the registry may hold: readable, and chaining to a trust anchor now.
fn trusted_certificate(state: &AppState, text: &str) -> AppResult<ParsedCertificate> {
    if text.len() > MAX_PEM {
        return Err(AppError::field(
            "certificate",
            "Tệp chứng thư số quá lớn (tối đa 64 KB).",
        ));
    }
    let parsed =
        ParsedCertificate::parse(text.as_bytes()).map_err(|m| AppError::field("certificate", m))?;
    check_trusted(state, &parsed)?;
    Ok(parsed)
}

/// A certificate the registry may hold chains to a trust anchor now (a remote credential's too).
pub(crate) fn check_trusted(state: &AppState, parsed: &ParsedCertificate) -> AppResult<()> {
    let cert = shared::pki::certs_from_pem_or_der(&parsed.der)
        .ok()
        .and_then(|mut c| c.pop())
        .ok_or_else(|| AppError::field("certificate", "Chứng thư số không đọc được."))?;
    let anchors = crate::signing::options(&state.config.trust_anchors).trust_anchors;
    let now = shared::time::Timestamp(crate::store::now_ms());
    let (status, problem) = shared::pdf::chain::validate_chain(&cert, &[], &anchors, now);
    if status != shared::pdf::verify::ChainStatus::Trusted {
        return Err(AppError::field(
            "certificate",
            format!(
                "Chứng thư số không đăng ký được: {}.",
                problem.unwrap_or_else(|| "không do tổ chức chứng thực được tin cậy cấp".into())
            ),
        ));
    }
    Ok(())
}

/// `GET /api/me/certificates`: the signed-in person's certificates and key requests.
pub async fn list_my_certificates(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<MyCertificatesResponse>> {
    Ok(Json(state.store.my_certificates(session.user().id).await?))
}

/// `POST /api/me/certificate-requests`: the CSR of a key the person's browser generated. Its signature proves
/// the key is theirs; the certificate a CA issues for it will be bound to this account.
pub async fn submit_certificate_request(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<CertificateRequestBody>,
) -> AppResult<(StatusCode, Json<CertificateRequestDto>)> {
    if req.csr.len() > MAX_PEM {
        return Err(AppError::field("csr", "Yêu cầu cấp chứng thư quá lớn."));
    }
    let (spki, subject) = shared::pki::csr_public_key(&req.csr).map_err(|e| {
        AppError::field(
            "csr",
            format!("Yêu cầu cấp chứng thư số (CSR) không hợp lệ: {e}"),
        )
    })?;
    let spki_sha256 = {
        use sha2::Digest;
        shared::hex(&sha2::Sha256::digest(&spki))
    };
    let user = session.user();
    let dto = state
        .store
        .submit_certificate_request(&session.actor(), user.id, &spki_sha256, &subject, &req.csr)
        .await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// `POST /api/me/certificates`: the certificate a CA issued for one of the person's key requests.
pub async fn present_certificate(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<PresentCertificateRequest>,
) -> AppResult<(StatusCode, Json<CertificateDto>)> {
    let parsed = trusted_certificate(&state, &req.certificate)?;
    let dto = state
        .store
        .present_certificate(&session.actor(), session.user().id, &parsed)
        .await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// `GET /api/admin/certificates`: registered certificates (an agency administrator sees their agency's).
pub async fn list_certificates(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiQuery(q): ApiQuery<CertificateQuery>,
) -> AppResult<Json<Vec<CertificateDto>>> {
    let scope = AdminScope::of(session.user())?;
    let agency = scope.agency_filter(q.agency_id)?;
    Ok(Json(
        state.store.list_certificates(q.user_id, agency).await?,
    ))
}

/// `POST /api/admin/certificates`: registers a certificate to a person or an agency (its seal).
pub async fn register_certificate(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<RegisterCertificateRequest>,
) -> AppResult<(StatusCode, Json<CertificateDto>)> {
    let scope = AdminScope::of(session.user())?;
    let owner = match (req.user_id, req.agency_id) {
        (Some(u), None) => {
            let user = state.store.get_user(u).await?;
            scope.reveal(user.agency.id)?;
            scope.check(user.agency.id)?;
            Owner::User(u)
        }
        (None, Some(a)) => {
            scope.check(a)?;
            Owner::Agency(a)
        }
        _ => {
            return Err(AppError::field(
                "user_id",
                "Chọn đúng một chủ sở hữu: một tài khoản (user_id) hoặc một cơ quan (agency_id, cho con dấu điện tử).",
            ));
        }
    };
    let parsed = trusted_certificate(&state, &req.certificate)?;
    let dto = state
        .store
        .bind_certificate(&session.actor(), &parsed, owner, BindingSource::Admin)
        .await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// `POST /api/admin/certificates/{id}/revoke`: ends a binding; signatures with the certificate are refused
/// from then on.
pub async fn revoke_certificate(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<RevokeBindingRequest>,
) -> AppResult<Json<CertificateDto>> {
    let scope = AdminScope::of(session.user())?;
    let (_, owner_agency) = state.store.certificate(id).await?;
    scope.reveal(owner_agency)?;
    scope.check(owner_agency)?;
    let reason = shared::text::nfc(req.reason.trim());
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "Nhập lý do thu hồi (tối đa 500 ký tự).",
        ));
    }
    Ok(Json(
        state
            .store
            .revoke_certificate_binding(&session.actor(), id, &reason)
            .await?,
    ))
}

/// `GET /api/admin/revocation-sources`: where revocation data comes from and how its last fetch went. The
/// sources are the server's (its trust anchors' distribution points, its files), not an agency's: the
/// provincial administration's.
pub async fn list_revocation_sources(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Vec<RevocationSourceDto>>> {
    crate::access::may_see_revocation_sources(session.user())?;
    Ok(Json(state.store.revocation_sources().await?))
}

/// `GET /pki/ca.crl` (no sign-in): the demo CA's CRL (DER), when this server keeps the CA (`--ca-dir`).
pub async fn get_ca_crl(State(state): State<AppState>) -> Response {
    let Some(dir) = state.config.ca_dir.clone() else {
        return AppError::NotFound(
            "Máy chủ này không phát hành danh sách chứng thư bị thu hồi (CRL).",
        )
        .into_response();
    };
    match tokio::task::spawn_blocking(move || crate::pki_dir::current_crl(&dir)).await {
        Ok(Ok(der)) => (
            [
                (header::CONTENT_TYPE, "application/pkix-crl"),
                (header::CACHE_CONTROL, "max-age=300"),
            ],
            der,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the CA's CRL could not be made");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Chưa lập được danh sách chứng thư bị thu hồi (CRL); hãy thử lại sau.",
            )
                .into_response()
        }
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}
