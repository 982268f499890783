//! Route paths of the JSON API, shared by the server router and the browser client.
//! Paths with `{id}` take a numeric id; use [`path`] to fill it in.

pub const HEALTH: &str = "/api/health";
pub const LOGIN: &str = "/api/auth/login";
pub const LOGOUT: &str = "/api/auth/logout";
pub const ME: &str = "/api/me";
pub const ME_PASSWORD: &str = "/api/me/password";
pub const AGENCIES: &str = "/api/agencies";
pub const AGENCY_UNITS: &str = "/api/agencies/{id}/units";
pub const UNIT: &str = "/api/units/{id}";
pub const USERS: &str = "/api/users";
pub const USER: &str = "/api/users/{id}";
pub const USER_LOCK: &str = "/api/users/{id}/lock";
pub const USER_UNLOCK: &str = "/api/users/{id}/unlock";
pub const USER_RESET_PASSWORD: &str = "/api/users/{id}/reset-password";
pub const AUDIT: &str = "/api/audit";
/// The certificates of the CAs whose signatures the province trusts (PEM).
pub const TRUST_ANCHORS: &str = "/api/pki/trust-anchors";

/// Name of the header that carries the CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "vanban_session";

/// Fills the `{id}` placeholder of a route path.
pub fn path(template: &str, id: i64) -> String {
    template.replace("{id}", &id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_fills_the_id_placeholder() {
        assert_eq!(path(USER_LOCK, 42), "/api/users/42/lock");
        assert_eq!(path(ME, 1), "/api/me");
    }
}
