//! `AppError`: every way a request can fail, turned into the one wire shape (`shared::ApiError`).
//! Internal faults are logged here, once, and reach the client only as a generic Vietnamese sentence.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{ApiError, ErrorCode};

use crate::store::{Conflict, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("bad request: {0:?}")]
    BadRequestFields(ApiError),
    #[error("validation: {0:?}")]
    Validation(ApiError),
    #[error("unauthenticated")]
    Unauthenticated(std::borrow::Cow<'static, str>),
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A clash on one field of the request (a name already taken).
    #[error("conflict on {field}: {message}")]
    FieldConflict {
        field: &'static str,
        message: &'static str,
    },
    #[error("rate limited")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    /// With the sentence people read (the limit that applies).
    #[error("payload too large")]
    PayloadTooLarge(&'static str),
    #[error("quota exceeded: {0}")]
    QuotaExceeded(String),
    /// The request could not be done now and may succeed if repeated (503 with `Retry-After`).
    #[error("unavailable: {message}")]
    Unavailable {
        message: String,
        retry_after_secs: u64,
    },
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }

    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(ApiError::field(field, message))
    }
}

/// The blob store's failures as the client sees them: an unreachable store is a 503 it may retry (nothing was
/// recorded); anything else is the server's fault.
impl From<crate::blob::BlobError> for AppError {
    fn from(e: crate::blob::BlobError) -> Self {
        match e {
            crate::blob::BlobError::Unavailable(cause) => {
                tracing::warn!(%cause, "blob store unavailable");
                Self::Unavailable {
                    message: BLOB_STORE_UNAVAILABLE.into(),
                    retry_after_secs: 30,
                }
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// What a person reads when the file store cannot be reached.
pub const BLOB_STORE_UNAVAILABLE: &str = "Kho lưu trữ tệp tạm thời không truy cập được, nên chưa thể đọc hoặc lưu tệp. \
Thao tác chưa được thực hiện và không có gì bị lưu dở; vui lòng thử lại sau ít phút.";

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("Không tìm thấy dữ liệu yêu cầu."),
            StoreError::Conflict(c) => {
                let (field, message) = match c {
                    Conflict::UsernameTaken => ("username", "Tên đăng nhập này đã có người dùng."),
                    Conflict::UnitShortNameTaken => (
                        "short_name",
                        "Tên viết tắt này đã được một đơn vị khác của cơ quan dùng.",
                    ),
                    Conflict::AgencyCodeTaken => {
                        ("code", "Mã định danh này đã được một cơ quan khác dùng.")
                    }
                    Conflict::NumberTaken => (
                        "number",
                        "Số này đã được cấp cho văn bản khác; hãy lấy số lại.",
                    ),
                };
                Self::FieldConflict { field, message }
            }
            StoreError::Forbidden(m) => Self::Forbidden(m.into()),
            StoreError::State(m) => Self::Conflict(m.into()),
            StoreError::Field(field, message) => Self::field(field, message),
            StoreError::Rule(m) => Self::Validation(ApiError::new(ErrorCode::Validation, m)),
            // A row the request names vanished between the checks and the write (a file swept, an account
            // removed): the client's data is stale, not the server broken.
            StoreError::Database(sqlx::Error::Database(e))
                if e.kind() == sqlx::error::ErrorKind::ForeignKeyViolation =>
            {
                Self::Validation(ApiError::new(
                    ErrorCode::Validation,
                    "Một mục được nhắc đến (tệp, người nhận, đơn vị…) không còn trên hệ thống. Hãy tải lại trang, tải tệp lên lại nếu cần, rồi thử lại.",
                ))
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                ApiError::new(ErrorCode::BadRequest, m),
            ),
            Self::BadRequestFields(e) => (StatusCode::BAD_REQUEST, e),
            Self::Validation(e) => (StatusCode::UNPROCESSABLE_ENTITY, e),
            Self::Unauthenticated(m) => (
                StatusCode::UNAUTHORIZED,
                ApiError::new(ErrorCode::Unauthenticated, m.into_owned()),
            ),
            Self::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                ApiError::new(
                    ErrorCode::PasswordChangeRequired,
                    "Bạn cần đổi mật khẩu trước khi tiếp tục làm việc.",
                ),
            ),
            Self::Forbidden(m) => (
                StatusCode::FORBIDDEN,
                ApiError::new(ErrorCode::Forbidden, m),
            ),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, ApiError::new(ErrorCode::NotFound, m)),
            Self::Conflict(m) => (StatusCode::CONFLICT, ApiError::new(ErrorCode::Conflict, m)),
            Self::FieldConflict { field, message } => {
                let mut e = ApiError::field(field, message);
                e.code = ErrorCode::Conflict;
                (StatusCode::CONFLICT, e)
            }
            Self::RateLimited {
                message,
                retry_after_secs,
            } => {
                let mut resp = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(ApiError::new(ErrorCode::RateLimited, message)),
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return resp;
            }
            Self::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::new(ErrorCode::PayloadTooLarge, m),
            ),
            Self::QuotaExceeded(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::new(ErrorCode::QuotaExceeded, m),
            ),
            Self::Unavailable {
                message,
                retry_after_secs,
            } => {
                let mut resp = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(ApiError::new(ErrorCode::Unavailable, message)),
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return resp;
            }
            Self::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError::new(
                        ErrorCode::Internal,
                        "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.",
                    ),
                )
            }
        };
        (status, axum::Json(body)).into_response()
    }
}
