//! Route paths of the JSON API, shared by the server router and the browser client.
//! Paths with `{id}` take a numeric id; use [`path`] to fill it in.

pub const HEALTH: &str = "/api/health";
/// Outside the JSON API, for proxies and monitoring: the process answers.
pub const HEALTH_LIVE: &str = "/health/live";
/// The instance can serve (database and blob store answer, not draining); 503 otherwise.
pub const HEALTH_READY: &str = "/health/ready";
/// Prometheus metrics: loopback, or with the bearer token `VANBAN_METRICS_TOKEN`.
pub const METRICS: &str = "/metrics";
pub const LOGIN: &str = "/api/auth/login";
pub const LOGOUT: &str = "/api/auth/logout";
pub const ME: &str = "/api/me";
pub const ME_PASSWORD: &str = "/api/me/password";
pub const AGENCIES: &str = "/api/agencies";
pub const AGENCY_UNITS: &str = "/api/agencies/{id}/units";
pub const AGENCY_STORAGE: &str = "/api/agencies/{id}/storage";
pub const UNIT: &str = "/api/units/{id}";
pub const USERS: &str = "/api/users";
pub const USER: &str = "/api/users/{id}";
pub const USER_LOCK: &str = "/api/users/{id}/lock";
pub const USER_UNLOCK: &str = "/api/users/{id}/unlock";
pub const USER_RESET_PASSWORD: &str = "/api/users/{id}/reset-password";
pub const AUDIT: &str = "/api/audit";
/// `GET`: the audit entries the same filters as [`AUDIT`] keep, all of them, as CSV (UTF-8 with BOM).
pub const AUDIT_EXPORT: &str = "/api/audit/export.csv";
/// `GET`: the signed-in person's registered certificates and key requests; `POST` a certificate a CA issued
/// for one of their requests (issue 17).
pub const ME_CERTIFICATES: &str = "/api/me/certificates";
/// `POST` the PKCS#10 request of a key generated in the browser: its certificate will be bound to the account.
pub const ME_CERTIFICATE_REQUESTS: &str = "/api/me/certificate-requests";
/// `GET` the remote signing provider and the person's credentials there; `PUT` their identifier at it.
pub const ME_REMOTE_SIGNING: &str = "/api/me/remote-signing";
/// `POST` a request to the remote signing provider (a hash to sign, or a registration): 202, then poll.
pub const ME_REMOTE_SIGNATURES: &str = "/api/me/remote-signing/signatures";
/// `GET` how a remote signing request stands.
pub const ME_REMOTE_SIGNATURE: &str = "/api/me/remote-signing/signatures/{id}";
/// `GET` registered certificates, `POST` register one to a person or an agency (administrators).
pub const ADMIN_CERTIFICATES: &str = "/api/admin/certificates";
/// `POST` end a certificate's binding (administrators).
pub const ADMIN_CERTIFICATE_REVOKE: &str = "/api/admin/certificates/{id}/revoke";
/// `GET` the revocation sources (CRL distribution points, CRL files, OCSP responders) and their last fetch.
pub const ADMIN_REVOCATION_SOURCES: &str = "/api/admin/revocation-sources";
/// `GET` (no sign-in, outside the JSON API): the CRL of the CA this server keeps (DER).
pub const CA_CRL: &str = "/pki/ca.crl";
/// The certificates of the CAs whose signatures the province trusts (PEM).
pub const TRUST_ANCHORS: &str = "/api/pki/trust-anchors";

/// `PUT` the raw bytes of a file named by its SHA-256 (content-addressed upload).
pub const BLOB: &str = "/api/blobs/{sha256}";
/// People of the caller's agency (to pick reviewers and signers).
pub const COLLEAGUES: &str = "/api/colleagues";
pub const REGISTERS: &str = "/api/registers";
pub const REGISTER_ENTRIES: &str = "/api/registers/{id}/entries";
/// `GET ?year=YYYY&format=pdf|xlsx[&from=&to=]`: the register in the NĐ 30 Phụ lục IV layout as a file.
pub const REGISTER_EXPORT: &str = "/api/registers/{id}/export";
pub const OUTGOING: &str = "/api/outgoing";
pub const OUTGOING_COUNTS: &str = "/api/outgoing/counts";
pub const OUTGOING_BATCH_REVIEW: &str = "/api/outgoing/batch-review";
pub const OUTGOING_ONE: &str = "/api/outgoing/{id}";
/// `GET`: the document's audited history as a PDF listing each audit-chain entry's hash.
pub const OUTGOING_HISTORY_PDF: &str = "/api/outgoing/{id}/history.pdf";
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
/// `GET`: the document's audited history as a PDF listing each audit-chain entry's hash.
pub const INCOMING_HISTORY_PDF: &str = "/api/incoming/{id}/history.pdf";
pub const INCOMING_VERIFY: &str = "/api/incoming/{id}/verification";
pub const INCOMING_ACCEPT: &str = "/api/incoming/{id}/accept";
pub const INCOMING_RETURN: &str = "/api/incoming/{id}/return";
pub const INCOMING_FORWARD: &str = "/api/incoming/{id}/forward";
pub const INCOMING_ASSIGN: &str = "/api/incoming/{id}/assign";
/// Kết thúc xử lý: the leader closes the handling explicitly, with a reason.
pub const INCOMING_CLOSE: &str = "/api/incoming/{id}/close";
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
/// `GET ?q=…`: every document the caller may open that matches (see `shared::search`).
pub const SEARCH: &str = "/api/search";
/// The six-month report (Điều 24, 25.4): `?from=&to=&format=json|pdf|xlsx&agency_id=`.
pub const REPORTS_SUMMARY: &str = "/api/reports/summary";
/// The agency's record files (hồ sơ): `GET ?year=` the catalogue, `POST` a new file.
pub const RECORD_FILES: &str = "/api/record-files";
pub const RECORD_FILE: &str = "/api/record-files/{id}";
/// `POST` a document into the file (or move it there).
pub const RECORD_FILE_DOCUMENTS: &str = "/api/record-files/{id}/documents";
/// `DELETE` a document from an open file (`kind`: `outgoing` or `incoming`).
pub const RECORD_FILE_DOCUMENT: &str = "/api/record-files/{id}/documents/{kind}/{doc}";
pub const RECORD_FILE_CLOSE: &str = "/api/record-files/{id}/close";
/// `GET` the archive package (ZIP); the first download of a closed file records its hand-over.
pub const RECORD_FILE_PACKAGE: &str = "/api/record-files/{id}/package";
/// Server-sent events for the signed-in user.
pub const EVENTS: &str = "/api/events";
pub const NOTIFICATIONS: &str = "/api/notifications";
/// `POST` an edXML packet from a peer system (HMAC-signed, no session; issue 16).
pub const EXCHANGE_PACKETS: &str = "/api/exchange/packets";
/// `GET` the exchange's peers, `PUT` one (system administrators).
pub const EXCHANGE_PEERS: &str = "/api/exchange/peers";
/// `GET` the latest packets sent and received (system administrators).
pub const EXCHANGE_QUEUE: &str = "/api/exchange/queue";
/// `POST` send an outbox packet again now (system administrators).
pub const EXCHANGE_RETRY: &str = "/api/exchange/outbox/{id}/retry";

/// The retry route of one outbox packet.
pub fn exchange_retry(id: i64) -> String {
    format!("/api/exchange/outbox/{id}/retry")
}
pub const NOTIFICATIONS_READ: &str = "/api/notifications/read";
/// The OpenAPI 3.1 document of this API (no sign-in needed).
pub const OPENAPI: &str = "/api/openapi.json";
/// `POST` a PDF (no sign-in): is it byte for byte an issued original? (issue 15)
pub const PUBLIC_VERIFY: &str = "/api/public/verify";
/// `GET` what the verification code printed on a copy says (no sign-in).
pub const PUBLIC_VERIFY_CODE: &str = "/api/public/verify/{code}";
/// `GET` the issued original of a verification code (no sign-in).
pub const PUBLIC_VERIFY_FILE: &str = "/api/public/verify/{code}/file";

/// The path of a code's original file.
pub fn public_verify_file(code: &str) -> String {
    format!("/api/public/verify/{code}/file")
}

/// The path of what a code says.
pub fn public_verify_code(code: &str) -> String {
    format!("/api/public/verify/{code}")
}

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
/// A cookie readable by the page, holding no secret (`1`), set beside the session cookie and cleared with it:
/// it tells the app a session may exist, so a visitor who never signed in is not sent to `GET /api/me` for
/// an expected `401` (which browsers log as an error).
pub const SIGNED_IN_HINT_COOKIE: &str = "vanban_signed_in";

/// Fills the `{id}` placeholder of a route path.
pub fn path(template: &str, id: i64) -> String {
    template.replace("{id}", &id.to_string())
}

/// The address of one remote signing request.
pub fn me_remote_signature(id: i64) -> String {
    ME_REMOTE_SIGNATURE.replace("{id}", &id.to_string())
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
