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

/// `PUT` the raw bytes of a file named by its SHA-256 (content-addressed upload).
pub const BLOB: &str = "/api/blobs/{sha256}";
/// People of the caller's agency (to pick reviewers and signers).
pub const COLLEAGUES: &str = "/api/colleagues";
pub const REGISTERS: &str = "/api/registers";
pub const REGISTER_ENTRIES: &str = "/api/registers/{id}/entries";
pub const OUTGOING: &str = "/api/outgoing";
pub const OUTGOING_COUNTS: &str = "/api/outgoing/counts";
pub const OUTGOING_BATCH_REVIEW: &str = "/api/outgoing/batch-review";
pub const OUTGOING_ONE: &str = "/api/outgoing/{id}";
pub const OUTGOING_SUBMIT: &str = "/api/outgoing/{id}/submit";
pub const OUTGOING_REVIEW: &str = "/api/outgoing/{id}/review";
pub const OUTGOING_NEW_VERSION: &str = "/api/outgoing/{id}/new-version";
pub const OUTGOING_SIGN: &str = "/api/outgoing/{id}/sign";
pub const OUTGOING_RESERVATION: &str = "/api/outgoing/{id}/reservation";
pub const OUTGOING_ISSUE: &str = "/api/outgoing/{id}/issue";
pub const OUTGOING_RECALL: &str = "/api/outgoing/{id}/recall";
/// The bytes of one file of a document: `/api/outgoing/{id}/files/{file}`.
pub const OUTGOING_FILE: &str = "/api/outgoing/{id}/files/{file}";
pub const ARRIVALS: &str = "/api/arrivals";
pub const DELIVERY_RECALL_ANSWER: &str = "/api/deliveries/{id}/recall-answer";
// Incoming documents (văn bản đến), the handlers' work, the dashboard, delegation and handover.
pub const INCOMING: &str = "/api/incoming";
pub const INCOMING_COUNTS: &str = "/api/incoming/counts";
pub const INCOMING_PREFILL: &str = "/api/incoming/prefill";
pub const INCOMING_ONE: &str = "/api/incoming/{id}";
pub const INCOMING_VERIFY: &str = "/api/incoming/{id}/verification";
pub const INCOMING_ACCEPT: &str = "/api/incoming/{id}/accept";
pub const INCOMING_RETURN: &str = "/api/incoming/{id}/return";
pub const INCOMING_FORWARD: &str = "/api/incoming/{id}/forward";
pub const INCOMING_ASSIGN: &str = "/api/incoming/{id}/assign";
pub const INCOMING_RECALL_ANSWER: &str = "/api/incoming/{id}/recall-answer";
/// The bytes of one received file: `/api/incoming/{id}/files/{file}`.
pub const INCOMING_FILE: &str = "/api/incoming/{id}/files/{file}";
pub const QUEUE: &str = "/api/queue";
pub const ASSIGNMENT_ASSIGN: &str = "/api/assignments/{id}/assign";
pub const ASSIGNMENT_ACT: &str = "/api/assignments/{id}/act";
pub const ASSIGNMENT_URGE: &str = "/api/assignments/{id}/urge";
pub const DASHBOARD: &str = "/api/dashboard";
pub const DELEGATIONS: &str = "/api/delegations";
pub const DELEGATION: &str = "/api/delegations/{id}";
pub const USER_HANDOVER: &str = "/api/users/{id}/handover";
/// Server-sent events for the signed-in user.
pub const EVENTS: &str = "/api/events";
/// The OpenAPI 3.1 document of this API (no sign-in needed).
pub const OPENAPI: &str = "/api/openapi.json";

/// The path of one file of an outgoing document.
pub fn outgoing_file(id: i64, file: i64) -> String {
    format!("/api/outgoing/{id}/files/{file}")
}

/// The path of one received file.
pub fn incoming_file(id: i64, file: i64) -> String {
    format!("/api/incoming/{id}/files/{file}")
}

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
