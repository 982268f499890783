//! Sign-in, sign-out and the signed-in user's own account.

use serde::{Deserialize, Serialize};

use crate::user::{NewPassword, UserDto};

/// `POST /api/auth/login`. The password is not checked against the password rules here: a user types what
/// they have. Its length is capped so hashing cannot be abused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    /// As typed (at most 1024 characters).
    pub password: String,
}

/// Longest password accepted at sign-in (anything longer cannot be a valid password).
pub const MAX_LOGIN_PASSWORD: usize = 1024;

/// Answer to a successful sign-in and to `GET /api/me`: who is signed in, and the CSRF token the client must
/// send in the `X-CSRF-Token` header of every state-changing request of this session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: UserDto,
    /// Send it in the `X-CSRF-Token` header of every state-changing request of this session.
    pub csrf_token: String,
}

/// `POST /api/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password the account has now.
    pub current_password: String,
    /// 10–128 characters with letters and digits, different from the current one.
    pub new_password: NewPassword,
}
