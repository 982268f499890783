//! The one error shape every endpoint answers with, and its small set of codes.

use serde::{Deserialize, Serialize};

/// What kind of failure happened; clients branch on this, people read `message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be read (malformed JSON, wrong types, unknown fields).
    BadRequest,
    /// The request was read but some values break a rule; see `fields`.
    Validation,
    /// Not signed in, or the session has ended.
    Unauthenticated,
    /// Signed in, but the password must be changed before anything else.
    PasswordChangeRequired,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// The thing asked for does not exist (or is not visible to this user).
    NotFound,
    /// The request clashes with the current state (duplicate name, wrong status, ...).
    Conflict,
    /// Too many attempts; try again later.
    RateLimited,
    /// The body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// The agency's storage quota would be exceeded by this upload.
    QuotaExceeded,
    /// The byte range asked for (`Range`) starts at or past the end of the file (416).
    RangeNotSatisfiable,
    /// A service the request needs is briefly unavailable; try again (see `Retry-After`).
    Unavailable,
    /// Something failed on the server; details are in the server log only.
    Internal,
}

/// A rule broken by one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Path of the field in the request body, e.g. `username` or `roles[1]`.
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    /// A sentence in Vietnamese that can be shown as is.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    /// An error without field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A validation error on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            code: ErrorCode::Validation,
            message: message.clone(),
            fields: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }

    /// A validation error on several fields; the first one's message is the headline.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: fields
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default(),
            fields,
        }
    }

    /// The message for `field`, if this error names it (used by forms to show errors beside inputs).
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}
