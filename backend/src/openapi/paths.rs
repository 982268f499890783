//! Every operation of the API, grouped by resource, with who may call and the answers peculiar to it.

use serde_json::json;
use shared::api;
use utoipa::ToSchema;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Schema};

use shared::agency::{
    AgencyDto, AgencyStorageDto, CreateUnitRequest, SetStorageQuotaRequest, UnitDto,
};
use shared::audit::AuditListResponse;
use shared::auth::{ChangePasswordRequest, LoginRequest, SessionResponse};
use shared::certificate::{
    CertificateDto, CertificateRequestBody, CertificateRequestDto, MyCertificatesResponse,
    PresentCertificateRequest, RegisterCertificateRequest, RevocationSourceDto,
    RevokeBindingRequest,
};
use shared::exchange::{
    ExchangePacketsResponse, OutboxItemDto, PacketReceipt, PeerDto, SavePeerRequest,
};
use shared::health::HealthResponse;
use shared::incoming::{
    AcceptRequest, AssignRequest, DashboardDto, DelegationListResponse, DelegationRequest,
    ForwardRequest, HandlerActionRequest, HandoverRequest, HandoverResult, IncomingBucket,
    IncomingCounts, IncomingDto, IncomingListResponse, IncomingRegisterResponse,
    NewIncomingRequest, PrefillDto, PrefillRequest, QueueResponse, ReturnRequest, UrgeRequest,
    VerificationDto,
};
use shared::notification::{MarkNotificationsReadRequest, NotificationListResponse};
use shared::outgoing::{
    ArrivalListResponse, BatchResponse, BatchReviewRequest, DraftRequest, EditDraftRequest,
    IssueRequest, NewVersionRequest, NumberReservation, OutgoingBucket, OutgoingCounts,
    OutgoingDto, OutgoingListResponse, OutgoingRegisterResponse, RecallAnswerRequest,
    RecallRequest, RegisterDto, ReviewRequest, SignRequest,
};
use shared::pdf::TrustAnchorsResponse;
use shared::remote_signing::{
    RemoteSignatureDto, RemoteSignatureRequest, RemoteSigningDto, RemoteSigningIdRequest,
};
use shared::report::SummaryReport;
use shared::search::SearchResponse;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};
use shared::verification::PublicVerification;

use shared::list_query::ListKind;

use super::operation::{Op, delete, get, integer, json_response, pdf, post, put};

/// The refusals of a list's parameters.
const LIST_ERRORS: &str = "`validation` on the parameter named: an unknown bucket or parameter, a parameter given twice, \
    a date that is not `YYYY-MM-DD` or `to` before `from`, an unknown type, urgency, status, sort or order, \
    `order` without `sort`, `page` outside 1–100000, `per_page` outside 1–200";

/// The filters, sort and page every document list takes (shared::list_query).
fn list_params(op: Op, kind: ListKind) -> Op {
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let date = || {
        text().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
    };
    let codes = |values: Vec<&'static str>| text().enum_values(Some(values)).into();
    let statuses: Vec<&'static str> = shared::list_query::statuses(kind)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let (date_text, number_text) = match kind {
        ListKind::Outgoing => ("last change", "the issued number (year, number)"),
        ListKind::Incoming => ("arrival", "the số đến (year, number)"),
        ListKind::Dashboard => ("assignment", "the số đến (year, number)"),
    };
    let mut op = op
        .query(
            "from",
            false,
            date().into(),
            &format!("First day (Vietnam) of the {date_text} date, included."),
        )
        .query(
            "to",
            false,
            date().into(),
            &format!("Last day (Vietnam) of the {date_text} date, included; not before `from`."),
        )
        .query_of::<shared::document::DocumentType>("type", false, "Document type.")
        .query_of::<shared::document::Urgency>("urgency", false, "Urgency.")
        .query("status", false, codes(statuses), "The document's status.");
    op = match kind {
        ListKind::Outgoing => op.query("unit", false, integer().into(), "The drafting unit's id."),
        _ => op.query(
            "agency",
            false,
            text().max_length(Some(200)).into(),
            "Part of the issuing agency's name (letters compared without case for ASCII).",
        ),
    };
    op.query(
        "sort",
        false,
        codes(vec!["date", "deadline", "number"]),
        &format!("`date` ({date_text}), `deadline` (none last) or `number` ({number_text}, none last); without it, the list's own order."),
    )
    .query("order", false, codes(vec!["asc", "desc"]), "With `sort` only; default `desc` for date and number, `asc` for deadline.")
    .query("page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100_000)).into(), "Page, from 1 (default 1).")
    .query("per_page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)).into(), "Lines per page (default 50, at most 200).")
}

/// The parameters of `GET /api/search` (shared::search::SearchQuery).
fn search_params(op: Op) -> Op {
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let date = || {
        text().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
    };
    let mut statuses: Vec<&'static str> = shared::list_query::statuses(ListKind::Outgoing)
        .into_iter()
        .chain(shared::list_query::statuses(ListKind::Incoming))
        .map(|(c, _)| c)
        .collect();
    statuses.dedup();
    op.query("q", true, text().min_length(Some(1)).max_length(Some(200)).into(), "The text to find (case and Vietnamese marks do not matter).")
        .query("direction", false, text().enum_values(Some(vec!["outgoing", "incoming"])).into(), "Only outgoing or only incoming documents.")
        .query("from", false, date().into(), "First day (Vietnam) of the document's date (issued, or created while a draft; arrival for incoming), included.")
        .query("to", false, date().into(), "Last day (Vietnam) of that date, included; not before `from`.")
        .query_of::<shared::document::DocumentType>("type", false, "Document type.")
        .query_of::<shared::document::Urgency>("urgency", false, "Urgency.")
        .query("status", false, text().enum_values(Some(statuses)).into(), "A status code of either kind (of the chosen `direction` when one is given).")
        .query("unit_id", false, integer().into(), "The drafting unit (outgoing) or the lead unit (incoming).")
        .query("page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100_000)).into(), "Page, from 1 (default 1).")
        .query("per_page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)).into(), "Results per page (default 20, at most 200).")
}

/// Every operation of the API.
/// The filters `GET /api/audit` and its CSV export share (`shared::audit::AuditQuery`).
fn audit_filters(op: Op) -> Op {
    let actions: Vec<&str> = shared::audit::ACTIONS
        .iter()
        .chain(shared::audit::ACTION_FAMILIES)
        .map(|(c, _)| *c)
        .collect();
    let codes = |values: Vec<&'static str>| -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values))
            .into()
    };
    op.who("an administrator; an agency administrator sees only their agency")
        .query("agency_id", false, integer().into(), "Only this agency (an agency administrator: their own only).")
        .query("actor_id", false, integer().into(), "Only what this account did.")
        .query("actor", false, ObjectBuilder::new().schema_type(Type::String).max_length(Some(200)).into(), "Part of the acting person's name or username, without regard to accents or case.")
        .query("action", false, codes(actions), "One action code, or a family (`outgoing`, `incoming`, `auth`, `user`, `unit`, `agency`, `delegation`) for all its codes.")
        .query("target", false, ObjectBuilder::new().schema_type(Type::String).into(), "Exactly this target, e.g. `outgoing:12`, `incoming:7`, `user:3`.")
        .query("document", false, ObjectBuilder::new().schema_type(Type::String).max_length(Some(200)).into(), "Part of a document's number or subject (entries on documents only; ASCII letters without regard to case).")
        .query("from", false, ObjectBuilder::new().schema_type(Type::String).format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date))).into(), "From this day in Vietnam (`YYYY-MM-DD`), included.")
        .query("to", false, ObjectBuilder::new().schema_type(Type::String).format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date))).into(), "Up to this day in Vietnam (`YYYY-MM-DD`), included.")
        .query("before_seq", false, integer().into(), "Only entries older than this `seq`.")
}

pub(super) fn operations() -> Vec<Op> {
    let bucket_text = "Which list.";
    vec![
        // Health and the document itself.
        get(api::HEALTH, "health", "Liveness, database kind and schema version")
            .public()
            .who("anyone")
            .ok::<HealthResponse>(200, "The server is up."),
        get(api::OPENAPI, "health", "This OpenAPI 3.1 document")
            .public()
            .who("anyone")
            .answer(
                200,
                ResponseBuilder::new()
                    .description("The document.")
                    .content("application/json", ContentBuilder::new().build())
                    .build(),
            ),
        // Authentication.
        post(api::LOGIN, "auth", "Sign in")
            .public()
            .who("anyone (when the browser sends an `Origin`, it must be this site)")
            .describe(
                "Sets the cookie `vanban_session` (HttpOnly, SameSite=Strict, Path=/, Secure over TLS). The \
                 answer's `csrf_token` goes into the `X-CSRF-Token` header of every later write. When \
                 `user.must_change_password` is true, only `/api/me`, `/api/me/password` and \
                 `/api/auth/logout` answer until the password is changed.",
            )
            .json_example::<LoginRequest>(json!({"username": "vanthu.ubnd", "password": "…"}))
            .answer(
                200,
                json_response_with_cookie::<SessionResponse>("Signed in; the session cookie is set."),
            )
            .err(
                401,
                "`unauthenticated`: \"Tên đăng nhập hoặc mật khẩu không đúng.\" (the same for an unknown name \
                 and a wrong password)",
            )
            .err(403, "`forbidden`: the account is locked")
            .err(
                429,
                "`rate_limited`: 5 failures for one account or 20 from one client address within 15 minutes",
            ),
        post(api::LOGOUT, "auth", "Sign out")
            .before_password_change()
            .who("signed in")
            .no_body()
            .no_content("The session is deleted and the cookie cleared."),
        get(api::ME, "auth", "Who is signed in, and the session's CSRF token")
            .before_password_change()
            .who("signed in")
            .ok::<SessionResponse>(200, "The session's user and CSRF token."),
        post(api::ME_PASSWORD, "auth", "Change one's own password")
            .before_password_change()
            .who("signed in")
            .describe("The account's other sessions end.")
            .json::<ChangePasswordRequest>()
            .no_content("Changed.")
            .err(
                422,
                "`validation` on `current_password` (wrong) or `new_password` (10–128 characters with letters \
                 and digits, different from the current one)",
            ),
        // Agencies and units.
        get(api::AGENCIES, "agencies", "Every agency of the province")
            .who("signed in")
            .ok_list::<AgencyDto>(200, "The agencies."),
        get(api::AGENCY_UNITS, "agencies", "The units of an agency")
            .who("signed in")
            .ok_list::<UnitDto>(200, "The units."),
        post(api::AGENCY_UNITS, "agencies", "Create a unit")
            .who("an administrator of that agency (`agency_admin`) or `system_admin`")
            .json::<CreateUnitRequest>()
            .ok::<UnitDto>(201, "Created.")
            .err(403, "`forbidden`: not an administrator of this agency")
            .err(409, "`conflict` on `short_name`: taken by another unit of the agency"),
        get(api::AGENCY_STORAGE, "agencies", "An agency's storage: used bytes and quota")
            .who("an administrator of that agency (`agency_admin`) or `system_admin`")
            .ok::<AgencyStorageDto>(200, "The storage.")
            .err(403, "`forbidden`: not an administrator")
            .err(404, "`not_found`: no such agency, or another agency for an agency administrator"),
        put(api::AGENCY_STORAGE, "agencies", "Set an agency's storage quota")
            .who("`system_admin`")
            .json::<SetStorageQuotaRequest>()
            .ok::<AgencyStorageDto>(200, "The storage with the new quota.")
            .err(403, "`forbidden`: not a system administrator")
            .err(404, "`not_found`: no such agency")
            .err(422, "`validation` on `quota_mb`: outside 1–100,000,000"),
        put(api::UNIT, "agencies", "Rename a unit or change its kind")
            .who("an administrator of the unit's agency")
            .json::<CreateUnitRequest>()
            .ok::<UnitDto>(200, "Updated.")
            .err(403, "`forbidden`: not an administrator of the unit's agency")
            .err(409, "`conflict` on `short_name`: taken by another unit of the agency"),
        // Accounts.
        get(api::USERS, "users", "Search accounts")
            .who("an administrator; an agency administrator sees only their agency")
            .query(
                "agency_id",
                false,
                integer().into(),
                "Only this agency (an agency administrator may give only their own).",
            )
            .query(
                "q",
                false,
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(100))
                    .into(),
                "Search text (name, username), at most 100 characters.",
            )
            .ok::<UserListResponse>(200, "The accounts (at most 1000).")
            .err(403, "`forbidden`: not an administrator, or another agency's `agency_id`")
            .err(422, "`validation` on `q`: over 100 characters"),
        post(api::USERS, "users", "Create an account")
            .who("an administrator of the unit's agency")
            .describe("The temporary password is shown once; the user must change it at first sign-in.")
            .json::<CreateUserRequest>()
            .ok::<TemporaryPasswordResponse>(201, "Created.")
            .err(
                403,
                "`forbidden`: not an administrator of the unit's agency, or granting `system_admin` without \
                 being one",
            )
            .err(409, "`conflict` on `username`: taken")
            .err(422, "`validation` on `roles` (none) or `unit_id` (no such unit)"),
        get(api::USER, "users", "One account")
            .who("an administrator of the account's agency")
            .ok::<UserDto>(200, "The account.")
            .err(403, "`forbidden`: another agency's account"),
        put(api::USER, "users", "Change an account (all fields replaced)")
            .who("an administrator of the account's agency")
            .json::<UpdateUserRequest>()
            .ok::<UserDto>(200, "Updated.")
            .err(403, "`forbidden`: another agency's account, or granting `system_admin` without being one")
            .err(409, "`conflict`: an administrator taking away their own administrator role")
            .err(422, "`validation` on `roles` (none) or `unit_id` (no such unit)"),
        post(api::USER_LOCK, "users", "Lock an account (its sessions end)")
            .who("an administrator of the account's agency")
            .no_body()
            .ok::<UserDto>(200, "Locked.")
            .err(403, "`forbidden`: another agency's account")
            .err(409, "`conflict`: an administrator locking themselves"),
        post(api::USER_UNLOCK, "users", "Unlock an account")
            .who("an administrator of the account's agency")
            .no_body()
            .ok::<UserDto>(200, "Unlocked.")
            .err(403, "`forbidden`: another agency's account"),
        post(api::USER_RESET_PASSWORD, "users", "Give an account a new temporary password")
            .who("an administrator of the account's agency")
            .describe("The account's sessions end; it must change the password at next sign-in.")
            .no_body()
            .ok::<TemporaryPasswordResponse>(200, "The temporary password, shown once.")
            .err(403, "`forbidden`: another agency's account"),
        post(api::USER_HANDOVER, "users", "Bàn giao: move an account's open work to another")
            .who("an agency administrator (own agency) or a system administrator")
            .describe(
                "Open assignments, documents waiting for its assignment, its open drafts, pending review \
                 steps and documents awaiting its signature move to `to_user_id` (an active account of the \
                 same agency), in one audited step (`user.handover`).",
            )
            .json::<HandoverRequest>()
            .ok::<HandoverResult>(200, "How many of each moved.")
            .err(403, "`forbidden`: not an administrator of the account's agency")
            .err(422, "`validation`: the other account is not an active account of the same agency; `reason` over 500 characters"),
        // Audit.
        audit_filters(get(api::AUDIT, "audit", "The audit log, newest first, a page at a time"))
            .describe(
                "Each entry carries `actor_name` (the account's name today) and `sentence`, the entry read as a \
                 Vietnamese sentence with the names of people and documents.",
            )
            .query("page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100_000)).into(), "Page, from 1 (default 1).")
            .query("per_page", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)).into(), "Entries per page (default 50, at most 200).")
            .query("limit", false, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)).into(), "The same as `per_page` (older clients).")
            .ok::<AuditListResponse>(200, "The page of entries and how many the filters keep.")
            .err(403, "`forbidden`: not an administrator, or another agency's `agency_id`")
            .err(422, "`validation`: a bad parameter, named in `fields`"),
        audit_filters(get(api::AUDIT_EXPORT, "audit", "The audit log as CSV"))
            .describe(
                "Every entry the filters keep (no paging), newest first, as `text/csv; charset=utf-8` with a \
                 byte-order mark, CRLF line ends and RFC 4180 quoting; a cell starting with `=`, `+`, `-` or `@` \
                 gets a leading apostrophe so a spreadsheet never runs it. Columns: Số thứ tự, Thời gian (ISO 8601, \
                 +07:00), Người thực hiện, Tên đăng nhập, Thao tác, Mã thao tác, Nội dung (the sentence), Đối tượng, \
                 Tên đối tượng, Chi tiết (JSON), Địa chỉ máy, Mã băm.",
            )
            .answer(
                200,
                ResponseBuilder::new()
                    .description("The CSV file (`Content-Disposition: attachment`).")
                    .content(
                        "text/csv",
                        ContentBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                            .build(),
                    )
                    .build(),
            )
            .err(403, "`forbidden`: not an administrator, or another agency's `agency_id`")
            .err(422, "`validation`: a bad parameter, named in `fields`"),
        // Signatures and files.
        get(api::TRUST_ANCHORS, "pki", "The CA certificates the province trusts")
            .who("signed in")
            .describe(
                "Every `*.pem` of `VANBAN_TRUST_DIR` (default `DATA_DIR/trust`); the browser's verifier uses them.",
            )
            .ok::<TrustAnchorsResponse>(200, "PEM certificates."),
        get(api::ME_CERTIFICATES, "certificates", "My certificates and key requests")
            .who("signed in")
            .describe(
                "The certificates registered to the signed-in account (active and revoked bindings, newest first) \
                 and the key requests (CSRs) it sent. Only a certificate registered to the account signing is \
                 accepted on a document; the names in a certificate are shown, never trusted.",
            )
            .ok::<MyCertificatesResponse>(200, "Certificates and requests."),
        post(api::ME_CERTIFICATE_REQUESTS, "certificates", "Send the key request (CSR) of a key made in the browser")
            .who("signed in")
            .describe(
                "The PKCS#10 request (PEM) must be signed by the key it carries (proof of possession, RSA). The \
                 certificate a CA issues for that key can then be presented with `POST /api/me/certificates` and \
                 is bound to this account. Sending the same key again returns the same request. Audited as \
                 `certificate.request`.",
            )
            .json::<CertificateRequestBody>()
            .ok::<CertificateRequestDto>(201, "The request, recorded.")
            .err(422, "`validation` on `csr`: not a PKCS#10 request, not RSA, not signed by its own key, or over 64 KB"),
        post(api::ME_CERTIFICATES, "certificates", "Present the certificate issued for my key request")
            .who("signed in")
            .describe(
                "A certificate (PEM or base64 DER) for the public key of one of the account's key requests, chaining \
                 to a trust anchor now, is bound to the account (source `csr`). Audited as `certificate.bind`.",
            )
            .json::<PresentCertificateRequest>()
            .ok::<CertificateDto>(201, "Bound to the signed-in account.")
            .err(422, "`validation` on `certificate`: unreadable, untrusted or expired, for a key the account never requested, or already registered (to anyone, or registered before and revoked)"),
        get(api::ME_REMOTE_SIGNING, "remote-signing", "The remote signing provider and my credentials there")
            .who("signed in")
            .describe(
                "Remote signing (ký số từ xa) through the provider's CSC API v2 (`VANBAN_CSC_URL`): `configured`, the \
                 provider's name, the person's identifier there and their credentials (certificate chains, and \
                 whether each is registered to the account). A provider that does not answer is reported in \
                 `problem`, not as an error.",
            )
            .ok::<RemoteSigningDto>(200, "The provider and the credentials."),
        put(api::ME_REMOTE_SIGNING, "remote-signing", "Set my identifier at the remote signing provider")
            .who("signed in")
            .describe("Up to 64 characters among `A–Z a–z 0–9 . _ @ + -` (often the citizen ID number); empty clears it. Audited as `remote_signing.identifier`.")
            .json::<RemoteSigningIdRequest>()
            .ok::<RemoteSigningDto>(200, "The provider and the credentials found with the identifier.")
            .err(422, "`validation` on `user_id`: over 64 characters or another character"),
        post(api::ME_REMOTE_SIGNATURES, "remote-signing", "Ask the remote signing provider to sign")
            .who("signed in")
            .describe(
                "`purpose: sign`: the SHA-256 (64 hex digits) of a signature the browser laid out, with what the \
                 phone shows; `purpose: register`: the server's challenge, which once signed binds the credential's \
                 certificate to the account (`certificate.bind`, source `remote`). The provider asks the person \
                 on its app; poll `GET /api/me/remote-signing/signatures/{id}` until the status is not `pending`.",
            )
            .json::<RemoteSignatureRequest>()
            .ok::<RemoteSignatureDto>(202, "Recorded, pending the person's approval.")
            .err(409, "`conflict`: no provider configured, or 3 requests already wait for approval")
            .err(422, "`validation` on `hash`, `description` or `credential_id` (no identifier set, or not the person's credential)")
            .err(503, "`unavailable`: the provider cannot be reached"),
        get(api::ME_REMOTE_SIGNATURE, "remote-signing", "How a remote signing request stands")
            .who("the person who asked")
            .describe("`pending`, `signed` (with the signature value), `refused`, `expired` or `failed` (with the reason).")
            .ok::<RemoteSignatureDto>(200, "The request.")
            .err(404, "`not_found`: no such request of the signed-in person"),
        get(api::ADMIN_CERTIFICATES, "certificates", "Registered certificates")
            .who("`system_admin` (every agency), `agency_admin` (their agency)")
            .describe("Newest first; filtered by account (`user_id`) and agency (`agency_id`: its seal and its people's certificates).")
            .query_of::<i64>("user_id", false, "Only this account's certificates.")
            .query_of::<i64>("agency_id", false, "Only this agency's (an agency administrator always sees their own).")
            .ok::<Vec<CertificateDto>>(200, "The certificates.")
            .err(403, "`forbidden`: not an administrator, or another agency"),
        post(api::ADMIN_CERTIFICATES, "certificates", "Register a certificate to a person or an agency")
            .who("`system_admin`, `agency_admin` (accounts and seal of their agency)")
            .describe(
                "Exactly one of `user_id` (a person's signing certificate) and `agency_id` (the agency's seal \
                 certificate). The certificate (PEM or base64 DER) must chain to a trust anchor now. Audited as \
                 `certificate.bind` (source `admin`).",
            )
            .json::<RegisterCertificateRequest>()
            .ok::<CertificateDto>(201, "Registered, active.")
            .err(403, "`forbidden`: not an administrator, or an owner of another agency")
            .err(404, "`not_found`: no such account or agency")
            .err(422, "`validation` on `user_id` (not exactly one owner) or `certificate` (unreadable, untrusted, expired, or already registered to anyone, or registered before and revoked)"),
        post(api::ADMIN_CERTIFICATE_REVOKE, "certificates", "End a certificate's binding")
            .who("`system_admin`, `agency_admin` (their agency's bindings)")
            .describe(
                "The certificate no longer signs for its owner: later uploads signed with it are refused (422). \
                 Signatures accepted before stay recorded. Audited as `certificate.revoke` with the reason.",
            )
            .json::<RevokeBindingRequest>()
            .ok::<CertificateDto>(200, "The binding, now `revoked`.")
            .err(403, "`forbidden`: not an administrator, or another agency")
            .err(404, "`not_found`: no such certificate")
            .err(409, "`conflict`: revoked already")
            .err(422, "`validation` on `reason`: empty or over 500 characters"),
        get(api::ADMIN_REVOCATION_SOURCES, "certificates", "Revocation sources and their last fetch")
            .who("`system_admin`, `agency_admin`")
            .describe(
                "Every CRL distribution point (from registered certificates and `VANBAN_CRL_URLS`), CRL file \
                 (`VANBAN_CRL_FILES`) the sweep reads, with its last attempt, last success, last error and the \
                 nextUpdate of its CRL; `stale` when the last attempt failed or the CRL is past its nextUpdate.",
            )
            .ok::<Vec<RevocationSourceDto>>(200, "The sources.")
            .err(403, "`forbidden`: not an administrator"),
        put(api::BLOB, "files", "Upload a file, named by its SHA-256")
            .who("signed in")
            .describe(
                "Body: the raw bytes, `Content-Type: application/pdf`, up to 300 MiB. The server hashes \
                 while it stores and keeps the file only if the bytes hash to the name. Uploading the same \
                 bytes twice is harmless. Nobody reads a blob directly; documents refer to it by SHA-256.",
            )
            .answer(200, blob_answer())
            .err(400, "`bad_request`: the name is not a lower-case hex SHA-256, or the content type is not `application/pdf`")
            .err(413, "`payload_too_large`: over 300 MiB")
            .err(422, "`validation` on `sha256`: the bytes do not hash to the name"),
        get(api::COLLEAGUES, "users", "The people of the caller's agency")
            .who("signed in")
            .describe(
                "The unlocked accounts of the caller's agency, to pick reviewers, signers, delegates and \
                 assignees. Each is a `UserDto` with `email`, `phone` and `last_login_at` always null.",
            )
            .ok::<UserListResponse>(200, "The colleagues."),
        // Registers.
        get(api::REGISTERS, "registers", "The registers of the caller's agency")
            .who("signed in")
            .ok_list::<RegisterDto>(200, "Every agency has \"Sổ văn bản đi\" and \"Sổ văn bản đến\"."),
        get(api::REGISTER_ENTRIES, "registers", "The entries of a register for a year")
            .who("the register's agency (system administrators: any)")
            .query(
                "year",
                false,
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(2000))
                    .maximum(Some(9999))
                    .into(),
                "The year (default: this year in Vietnam).",
            )
            .answer(200, register_answer())
            .err(422, "`validation` on `year`: outside 2000–9999"),
        get(api::REGISTER_EXPORT, "registers", "The register as a PDF or XLSX file (NĐ 30 Phụ lục IV)")
            .who("whoever may read the register's entries, with the same lines (officials: only their own)")
            .describe(
                "The 10 columns of the register, the values of `GET /api/registers/{id}/entries`. PDF: A4 landscape, \
                 cover, the table with its header on every page, closing page (count, from–to numbers, date, \
                 signature line), \"Trang k/N\". XLSX: title, frozen header rows, one row per line, numbers as \
                 numbers and dates as dates. `Content-Disposition: attachment` with an ASCII `filename` \
                 (`so-van-ban-di-2026.pdf`) and the Vietnamese `filename*`.",
            )
            .query("year", true, ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(2000)).maximum(Some(9999)).into(), "The register's year (4 digits).")
            .query("format", true, ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["pdf", "xlsx"])).into(), "`pdf` or `xlsx`.")
            .query("from", false, date_schema(), "First day (`YYYY-MM-DD`, within `year`), included.")
            .query("to", false, date_schema(), "Last day (`YYYY-MM-DD`, within `year`), included.")
            .answer(200, export_answer("The register (`Content-Disposition: attachment`).", true))
            .err(400, "`bad_request` naming the parameter in `fields`: `year` missing or not 4 digits from 2000, `format` neither `pdf` nor `xlsx`, a bad date or one outside `year`, `to` before `from`, an unknown or repeated parameter")
            .err(404, "`not_found`: no such register, or another agency's"),
        // Outgoing documents.
        list_params(
            get(api::OUTGOING, "outgoing", "A list (bucket) of outgoing documents")
                .who("signed in; `to_issue` only for clerks")
                .query_of::<OutgoingBucket>("bucket", true, bucket_text),
            ListKind::Outgoing,
        )
        .ok::<OutgoingListResponse>(
            200,
            "One page, newest change first unless `sort` says otherwise; `total` counts the bucket under the filters.",
        )
        .err(403, "`forbidden`: `to_issue` for someone who is not a clerk")
        .err(422, LIST_ERRORS),
        post(api::OUTGOING, "outgoing", "Create a draft")
            .who("an official, unit leader, agency leader or clerk (not administrators)")
            .describe(
                "The main file must be an uploaded PDF without active content; the server reserves the \
                 number and date fields (`vb_so`, `vb_ngay`) at `number_placement` (default: NĐ 30 layout) in \
                 a new revision, which is version 1.",
            )
            .json_example::<DraftRequest>(json!({
                "doc_type": "quyet_dinh",
                "subject": "Về việc ban hành Quy chế làm việc",
                "urgency": "normal",
                "reply_deadline": null,
                "signer_id": 12,
                "signing_capacity": "kt",
                "register_id": 3,
                "internal_recipients": [5, 7],
                "external_recipients": [{"code": "000.00.00.G22", "name": "Bộ Nội vụ"}],
                "paper_recipients": ["Lưu: VT"],
                "reviewers": [9],
                "main_file": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "name": "quyet-dinh.pdf"},
                "attachments": [],
                "number_placement": {"page": 0, "number": [70.0, 714.0, 210.0, 18.0], "date": [297.5, 714.0, 247.5, 18.0]}
            }))
            .ok::<OutgoingDto>(201, "Created.")
            .err(403, "`forbidden`: an administrator")
            .err(
                422,
                "`validation` with `fields`: no recipient, duplicates, drafter or signer among reviewers, a \
                 signer who is not a leader of the agency, another agency's register, a `confidentiality` \
                 mark, a file not uploaded, not a PDF or with JavaScript/launch/submit actions, embedded files \
                 or XFA",
            ),
        get(api::OUTGOING_COUNTS, "outgoing", "Counters for the navigation")
            .who("signed in")
            .ok::<OutgoingCounts>(200, "`to_issue` and `arrived` count for clerks only."),
        post(api::OUTGOING_BATCH_REVIEW, "outgoing", "The same review decision on up to 100 documents")
            .who("signed in (each document is checked on its own)")
            .json::<BatchReviewRequest>()
            .ok::<BatchResponse>(200, "One result per id; one failure does not stop the others.")
            .err(422, "`validation` on `ids` (1–100) or on the review (a return without a comment)"),
        get(api::OUTGOING_ONE, "outgoing", "One outgoing document")
            .who("who may see it: drafter, reviewers, signer, the agency's clerks and leaders, and once issued the recipient agencies")
            .ok::<OutgoingDto>(200, "The document with its circuit, versions, history, deliveries and `actions`."),
        post(api::OUTGOING_SUBMIT, "outgoing", "Submit a draft into the circuit")
            .who("the drafter, while `draft` or `returned`")
            .describe("To the step that returned it, else the first reviewer, else the signer.")
            .no_body()
            .ok::<OutgoingDto>(200, "Submitted.")
            .err(403, "`forbidden`: not the drafter")
            .err(409, "`conflict`: not `draft` or `returned`"),
        put(api::OUTGOING_ONE, "outgoing", "Change a draft's metadata before (re)submitting it")
            .who("the drafter, while `draft` or `returned`")
            .describe("Trích yếu, type, recipients, reviewers, signer, signing capacity, urgency and deadline, checked by the same rules as a new draft. Each change is a history entry `edited` (\"Đổi trích yếu: «cũ» → «mới»\"); a reviewer who returned it and stays among the reviewers gets it back on resubmission.")
            .json::<EditDraftRequest>()
            .ok::<OutgoingDto>(200, "The document with its new metadata.")
            .err(403, "`forbidden`: not the drafter")
            .err(409, "`conflict`: in review, awaiting signature or beyond")
            .err(422, "`validation`: a field as on `POST /api/outgoing` (recipients, reviewers, signer, confidentiality)"),
        post(api::OUTGOING_NEW_VERSION, "outgoing", "Upload corrected files as a new version")
            .who("the drafter, while `draft` or `returned`")
            .json::<NewVersionRequest>()
            .ok::<OutgoingDto>(200, "The new `draft` version (number and date fields reserved again).")
            .err(403, "`forbidden`: not the drafter")
            .err(409, "`conflict`: already submitted")
            .err(422, "`validation`: more than 50 attachments, a comment over 2000 characters, a file refused as on creation"),
        post(api::OUTGOING_REVIEW, "outgoing", "A reviewer's decision (or the signer's return)")
            .who("the reviewer of the current step, or the signer while `awaiting_signature` (who may only return)")
            .json_example::<ReviewRequest>(json!({"decision": "return_to_drafter", "comment": "Sửa lại điều 3."}))
            .ok::<OutgoingDto>(200, "Decided.")
            .err(403, "`forbidden`: the document is not with the caller")
            .err(409, "`conflict`: the document is in another state")
            .err(422, "`validation`: returning without a `comment`, `forward` without `forward_to`"),
        post(api::OUTGOING_SIGN, "outgoing", "Record the signer's signed revision")
            .who("the signer (or a signing delegate in force), while `awaiting_signature`")
            .describe(
                "`main_sha256` names the signed file, uploaded first. The server accepts only the exact \
                 previous bytes plus appended revisions adding one intact signature covering the whole file, \
                 chaining to a trust anchor, unrevoked, whose certificate's common name is the signer's full \
                 name. The document goes to `awaiting_issue` with a `signed` version.",
            )
            .json::<SignRequest>()
            .ok::<OutgoingDto>(200, "Signed.")
            .err(403, "`forbidden`: not the signer")
            .err(409, "`conflict`: not `awaiting_signature`")
            .err(422, "`validation` with the reason the signed file is refused"),
        post(api::OUTGOING_RESERVATION, "outgoing", "Hold the next number of the register (15 minutes)")
            .who("a clerk of the agency, while `awaiting_issue`")
            .describe("Asking again renews the hold.")
            .no_body()
            .ok::<NumberReservation>(200, "The number and date to fill in exactly as given.")
            .err(403, "`forbidden`: not a clerk of the agency")
            .err(409, "`conflict`: the document is not signed yet (or already issued)"),
        delete(api::OUTGOING_RESERVATION, "outgoing", "Give the held number back")
            .who("a clerk of the agency")
            .no_content("Released; the number goes to the next document first.")
            .err(403, "`forbidden`: not a clerk of the agency"),
        post(api::OUTGOING_ISSUE, "outgoing", "Issue: numbered, sealed, delivered")
            .who("a clerk of the agency, while `awaiting_issue`, holding a number")
            .describe(
                "`main_sha256`: the signed version plus the number and date filled exactly as reserved plus \
                 one seal signature of the agency; `attachments`: each signed-version attachment plus one \
                 agency signature, in order. In one transaction: the register entry, the `issued` version, \
                 the deliveries (internal recipients arrive at once), the history and the audit entry. On \
                 any refusal nothing is recorded and the held number is released.",
            )
            .json_example::<IssueRequest>(json!({
                "main_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "attachments": []
            }))
            .ok::<OutgoingDto>(200, "Issued.")
            .err(403, "`forbidden`: not a clerk of the agency")
            .err(409, "`conflict`: no held number (or it expired and went to another document), or not `awaiting_issue`; `conflict` on `number`: the number was taken")
            .err(422, "`validation` with the reason a file is refused"),
        post(api::OUTGOING_RECALL, "outgoing", "Recall an issued document")
            .who("a clerk or agency leader of the issuing agency, or the signer, while `issued`")
            .describe("Every internal delivery moves to `recall_requested` (13); status `recalled`.")
            .json::<RecallRequest>()
            .ok::<OutgoingDto>(200, "Recalled.")
            .err(403, "`forbidden`: someone else")
            .err(409, "`conflict`: not `issued`")
            .err(422, "`validation` on `reason`: 1–1000 characters"),
        get(api::OUTGOING_HISTORY_PDF, "outgoing", "The document's audited history as a PDF")
            .who("who may see the document")
            .describe(HISTORY_PDF)
            .answer(200, export_answer("The history (`Content-Disposition: attachment`).", false))
            .err(404, "`not_found`: no such document, or one the caller may not see"),
        ranges(
            get(api::OUTGOING_FILE, "outgoing", "The bytes of one file of a version")
                .who("who may see the document (recipients: the issued version's files only)")
                .answer(200, file_answer()),
        ),
        // Arrivals.
        get(api::ARRIVALS, "arrivals", "Documents issued to the caller's agency")
            .who("clerks and agency leaders")
            .ok::<ArrivalListResponse>(200, "Newest first (at most 500); recalls agreed (15) are no longer listed.")
            .err(403, "`forbidden`: neither clerk nor agency leader"),
        post(api::DELIVERY_RECALL_ANSWER, "arrivals", "Answer a recall request (by delivery)")
            .who("a clerk of the recipient agency")
            .json_example::<RecallAnswerRequest>(json!({"agree": false, "reason": "Văn bản đã được phân công xử lý."}))
            .no_content("The delivery moves to `recall_agreed` (15) or `recall_refused` (16).")
            .err(403, "`forbidden`: not a clerk of the recipient agency")
            .err(409, "`conflict`: no recall is pending")
            .err(422, "`validation` on `reason`: required to refuse, at most 1000 characters"),
        // Search.
        search_params(
            get(api::SEARCH, "search", "Search every document the caller may open")
                .who("signed in: finds only documents the caller may open (`GET /api/outgoing/{id}` or `GET /api/incoming/{id}` answers 200), and counts only those")
                .describe(
                    "Matches the text anywhere in the number and notation, trích yếu, issuing agency, signer, \
                     recipients, instructions and handling comments, record-file titles and the text layer of the \
                     files, ignoring case and Vietnamese marks (`quyet dinh` finds `Quyết định`, `d` finds `đ`). \
                     Covers the documents of the caller's agency: those it issued and those it received. Order: \
                     an exact number (`12` or `12/QĐ-UBND`) first, then matches in the trích yếu, then the rest; \
                     newest first within each.",
                ),
        )
        .ok::<SearchResponse>(200, "One page of results, best first; `total` counts every match the caller may open.")
        .err(400, "`bad_request` on the parameter named: `q` missing, blank or over 200 characters, an unknown parameter or one given twice, a bad `direction`, date, `to` before `from`, unknown `type`, `urgency` or `status` (for the chosen direction), `unit_id` not a positive integer, `page` outside 1–100000, `per_page` outside 1–200"),
        // Incoming documents.
        list_params(
            get(api::INCOMING, "incoming", "A list (bucket) of incoming documents")
                .who("signed in; `to_register` only for clerks; `all` lists documents for clerks and agency leaders only (empty for others)")
                .query_of::<IncomingBucket>("bucket", false, "Which list (default `pending`)."),
            ListKind::Incoming,
        )
        .ok::<IncomingListResponse>(
            200,
            "One page, most pressing first unless `sort` says otherwise; `total` counts the bucket under the filters.",
        )
        .err(403, "`forbidden`: `to_register` for someone who is not a clerk")
        .err(422, LIST_ERRORS),
        post(api::INCOMING, "incoming", "Register a document received by e-mail, on paper or from the exchange")
            .who("a clerk")
            .describe(
                "The server reads every file and records its verdict (`verification`). A paper scan below \
                 PDF 1.4 is refused; below 200 dpi it gets a warning.",
            )
            .json_example::<NewIncomingRequest>(json!({
                "channel": "email",
                "sender_name": "Sở Tài chính tỉnh Vĩnh Long",
                "sender_code": "000.00.08.H62",
                "code_text": "15/STC-QLNS",
                "issued_date": "2026-11-20",
                "doc_type": "cong_van",
                "subject": "Về việc lập dự toán ngân sách năm 2027",
                "urgency": "urgent",
                "signer_name": "Trần Văn B",
                "reply_deadline": "2026-12-05",
                "main_file": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "name": "cv-15.pdf"},
                "attachments": []
            }))
            .ok::<IncomingDto>(201, "Registered as `arrived` (chờ vào sổ).")
            .err(403, "`forbidden`: not a clerk")
            .err(
                422,
                "`validation`: `channel` `system`, `issued_date` after today, a bad `sender_code`, \
                 `backfilled_arrival` in the future or over a year ago, a file not uploaded or not a readable \
                 PDF, more than 50 attachments, `note` over 500 characters",
            ),
        get(api::INCOMING_COUNTS, "incoming", "Counters for the navigation")
            .who("signed in")
            .ok::<IncomingCounts>(200, "The counters."),
        post(api::INCOMING_PREFILL, "incoming", "Suggest metadata from an uploaded PDF's text layer")
            .who("a clerk")
            .json::<PrefillRequest>()
            .ok::<PrefillDto>(200, "What the text layer suggests; every field may be null.")
            .err(403, "`forbidden`: not a clerk")
            .err(422, "`validation` on `sha256`: not uploaded, or not a readable PDF"),
        get(api::INCOMING_ONE, "incoming", "One incoming document")
            .who(
                "the clerks and agency leaders of the receiving agency, the leader it was forwarded to (and \
                 whoever holds that leader's delegation today), everyone with an assignment on it, and the \
                 leaders of a unit it was assigned to",
            )
            .ok::<IncomingDto>(200, "The document."),
        get(api::INCOMING_HISTORY_PDF, "incoming", "The document's audited history as a PDF")
            .who("who may see the document")
            .describe(HISTORY_PDF)
            .answer(200, export_answer("The history (`Content-Disposition: attachment`).", false))
            .err(404, "`not_found`: no such document, or one the caller may not see"),
        get(api::INCOMING_VERIFY, "incoming", "Verify the received files again, now")
            .who("who may see the document")
            .ok::<VerificationDto>(200, "The verdict."),
        ranges(
            get(api::INCOMING_FILE, "incoming", "The bytes of one received file")
                .who("who may see the document")
                .answer(200, file_answer()),
        ),
        post(api::INCOMING_ACCEPT, "incoming", "Vào sổ: give the next số đến")
            .who("a clerk of the receiving agency")
            .describe("With `forward_to` (an agency leader) it is forwarded in the same step.")
            .json_example::<AcceptRequest>(json!({"forward_to": 12}))
            .ok::<IncomingDto>(200, "Registered.")
            .err(403, "`forbidden`: not a clerk")
            .err(409, "`conflict`: no longer waiting, or the sender's recall is pending")
            .err(422, "`validation` on `override_reason`: required when verification failed"),
        post(api::INCOMING_RETURN, "incoming", "Trả lại: refuse it back to the sender")
            .who("a clerk of the receiving agency")
            .json::<ReturnRequest>()
            .ok::<IncomingDto>(200, "Returned; the sender sees `rejected` (02) with the reason.")
            .err(403, "`forbidden`: not a clerk")
            .err(409, "`conflict`: not `arrived`")
            .err(422, "`validation` on `reason`: 1–1000 characters"),
        post(api::INCOMING_CLOSE, "incoming", "Kết thúc xử lý: close the handling with a reason")
            .who("the leader who assigned it, their delegate today, or an agency leader of the receiving agency")
            .describe("For when the lead or a co-operating part will not finish: the document is completed, the sender sees 06, the reason is in the history (`closed`) and the audit log (`incoming.close`).")
            .json::<ReturnRequest>()
            .ok::<IncomingDto>(200, "Completed; the sender sees `completed` (06).")
            .err(403, "`forbidden`: not the assigning leader, their delegate or an agency leader")
            .err(409, "`conflict`: not `in_progress`")
            .err(422, "`validation` on `reason`: 1–1000 characters"),
        post(api::INCOMING_FORWARD, "incoming", "Trình: forward to an agency leader")
            .who("a clerk of the receiving agency")
            .json::<ForwardRequest>()
            .ok::<IncomingDto>(200, "Forwarded (`to_assign`).")
            .err(403, "`forbidden`: not a clerk")
            .err(409, "`conflict`: not `registered` or `to_assign`")
            .err(422, "`validation`: `leader_id` is not an agency leader of the agency; `comment` over 2000 characters"),
        post(api::INCOMING_ASSIGN, "incoming", "Phân công: assign the document")
            .who("the leader it waits with, or whoever holds that leader's delegation today")
            .json_example::<AssignRequest>(json!({
                "instruction": "Phòng Tổ chức chủ trì, báo cáo trước ngày 10.",
                "due_date": "2026-12-10",
                "targets": [
                    {"role": "lead", "to": {"kind": "unit", "id": 4}},
                    {"role": "cooperate", "to": {"kind": "user", "id": 21}},
                    {"role": "inform", "to": {"kind": "user", "id": 22}}
                ]
            }))
            .ok::<IncomingDto>(200, "Assigned (`in_progress`).")
            .err(403, "`forbidden`: someone else (the message says when a delegation exists but is not in force today)")
            .err(409, "`conflict`: not `to_assign`")
            .err(422, "`validation`: not exactly one lead, someone twice, a deadline in the past, a unit or person of another agency"),
        post(api::INCOMING_RECALL_ANSWER, "incoming", "Answer the sender's recall request (by incoming document)")
            .who("a clerk of the receiving agency")
            .describe("Agreeing withdraws the copy and closes its open work.")
            .json::<RecallAnswerRequest>()
            .ok::<IncomingDto>(200, "Answered; the sender sees `recall_agreed` (15) or `recall_refused` (16).")
            .err(403, "`forbidden`: not a clerk")
            .err(409, "`conflict`: no recall is pending")
            .err(422, "`validation` on `reason`: required to refuse, at most 1000 characters"),
        get(api::QUEUE, "incoming", "The caller's open work, most pressing first")
            .who("signed in")
            .ok::<QueueResponse>(200, "Deadline first (none last), then urgency."),
        // Assignments.
        post(api::ASSIGNMENT_ASSIGN, "assignments", "Assign inside a unit")
            .who("a leader of the unit the assignment went to")
            .describe("People of that unit only; once per unit assignment. The deadline is inherited when not given.")
            .json::<AssignRequest>()
            .ok::<IncomingDto>(200, "Assigned.")
            .err(403, "`forbidden`: not a leader of that unit")
            .err(409, "`conflict`: already assigned inside the unit")
            .err(422, "`validation`: as for assigning the document; people outside the unit"),
        post(api::ASSIGNMENT_ACT, "assignments", "A handler's action on an assignment")
            .who("the assignee (for a unit assignment: its unit leaders)")
            .json_example::<HandlerActionRequest>(json!({"action": "report", "comment": "Đã dự thảo văn bản trả lời."}))
            .ok::<IncomingDto>(200, "Recorded.")
            .err(403, "`forbidden`: not the assignee")
            .err(409, "`conflict`: the assignment is done, or the document is not in progress")
            .err(422, "`validation`: `report` without `comment`, `file` without `record_file`, texts too long"),
        post(api::ASSIGNMENT_URGE, "assignments", "Đôn đốc: urge the handler")
            .who("an agency leader, the assigner (or the leader they assigned for), or the unit leader for assignments inside the unit")
            .json::<UrgeRequest>()
            .ok::<IncomingDto>(200, "The handler gets an `urge` event; the history records it.")
            .err(403, "`forbidden`: someone else")
            .err(409, "`conflict`: the work is done")
            .err(422, "`validation` on `message`: over 500 characters"),
        list_params(
            get(api::DASHBOARD, "dashboard", "The leader's view of the backlog")
                .who("agency leaders (the agency) and unit leaders (their unit)")
                .query("unit", false, integer().into(), "Drill down into one unit's open work.")
                .query("user", false, integer().into(), "Drill down into one person's open work."),
            ListKind::Dashboard,
        )
        .ok::<DashboardDto>(200, "The dashboard; drilled down, `oldest` is one page of the open work and `drill_total` counts it under the filters.")
        .err(403, "`forbidden`: not a leader, or a unit leader asking for another unit")
        .err(422, LIST_ERRORS),
        // Reports.
        get(api::REPORTS_SUMMARY, "reports", "The six-month report on sending and receiving documents (Điều 24, 25.4)")
            .who("clerks, agency and unit leaders and agency administrators: their agency; the provincial administrator: any agency, or every agency without `agency_id`")
            .describe(
                "Documents issued (outgoing, by `issued_at`) and arrived (incoming, by `received_at`) in the period, \
                 by form, type and channel, the signed ratio, and the handling of the assignments made in the period \
                 per unit (per agency over every agency). docs/API.md defines every number.",
            )
            .query("from", true, date_schema(), "First day of the period in Vietnam (`YYYY-MM-DD`), included.")
            .query("to", true, date_schema(), "Last day of the period, included; at most 366 days after `from` counting both.")
            .query("format", false, ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["json", "pdf", "xlsx"])).into(), "`json` (default), `pdf` or `xlsx`: the same numbers.")
            .query("agency_id", false, integer().into(), "The agency (the caller's own unless the provincial administrator; omitted by the provincial administrator: every agency).")
            .ok::<SummaryReport>(200, "The report.")
            .answer(200, report_answer())
            .err(400, "`bad_request` naming the parameter in `fields`: `from` or `to` missing or not a real `YYYY-MM-DD` date, `to` before `from`, a period over 366 days, an unknown `format`, a non-numeric `agency_id`, an unknown or repeated parameter")
            .err(403, "`forbidden`: an official, or another agency's `agency_id` for anyone but the provincial administrator")
            .err(404, "`not_found`: `agency_id` names no agency"),
        // Delegations.
        get(api::DELEGATIONS, "delegations", "Delegations")
            .who("signed in: leaders and administrators see the agency's, others those from or to them")
            .ok::<DelegationListResponse>(200, "The delegations."),
        post(api::DELEGATIONS, "delegations", "Delegate assigning (and optionally signing) for a period")
            .who("a leader for themselves, or an administrator for a leader")
            .describe("The delegate must be a leader of the same agency; signing only from an agency leader. Audited (`delegation.create`).")
            .json_example::<DelegationRequest>(json!({"to_user_id": 14, "starts_on": "2026-12-01", "ends_on": "2026-12-05", "signing": "kt", "reason": "Đi công tác"}))
            .ok::<DelegationListResponse>(201, "Created; the list as `GET` answers it.")
            .err(403, "`forbidden`: neither the leader nor an administrator")
            .err(422, "`validation`: `ends_on` before `starts_on` or already past, delegating to oneself, `signing` other than `kt`/`tuq`, a delegate who is not a leader"),
        delete(api::DELEGATION, "delegations", "Revoke a delegation at once")
            .who("the delegator, its creator or an administrator")
            .no_content("Revoked (`delegation.revoke`).")
            .err(403, "`forbidden`: someone else")
            .err(409, "`conflict`: already revoked"),
        // Record files (hồ sơ).
        get(api::RECORD_FILES, "record_files", "The agency's file catalogue of a year")
            .who("signed in: the caller's agency")
            .query("year", false, integer().into(), "The year (2000–9999); default this year, or every year when `state` is given alone.")
            .query("state", false, ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["open", "closed", "handed_over"])).into(), "Only files in this state.")
            .ok::<shared::record_file::RecordFileListResponse>(200, "The files by year (newest first) and ordinal; `due_for_handover` counts the agency's closed files due for hand-over.")
            .err(422, "`validation`: `year` outside 2000–9999 or an unknown `state`"),
        post(api::RECORD_FILES, "record_files", "Open a record file with the next code of the agency's year")
            .who("officials, unit and agency leaders, clerks")
            .describe("The code is `OrganId.year.NN` (and `.MARK` with `notation`): NN the next ordinal of the agency's catalogue of that year, unique and without gaps. Audited (`record_file.create`).")
            .json_example::<shared::record_file::CreateRecordFileRequest>(json!({"title": "Hồ sơ tổ chức hội nghị tổng kết năm 2026", "year": 2026, "retention_years": 0}))
            .ok::<shared::record_file::RecordFileDto>(201, "Created, `state: open`.")
            .err(403, "`forbidden`: an administrator without another role")
            .err(422, "`validation` naming the field: empty or long `title`, `year` outside 2000–9999, `retention_years` outside 0–100, a bad `notation`"),
        get(api::RECORD_FILE, "record_files", "A record file with its documents in order")
            .who("the file's agency")
            .ok::<shared::record_file::RecordFileDetailResponse>(200, "The file and the documents in it the caller may open; `hidden_documents` counts the others."),
        post(api::RECORD_FILE_DOCUMENTS, "record_files", "File a document (or move one within the file)")
            .who("`add`: the agency's people who file documents, for a document they may open; choosing `position` (or moving) needs `arrange`: the creator, clerks, agency leaders")
            .describe("An issued outgoing document or a registered incoming one of the file's agency. Without `position` it goes last; with it, the others move down. Audited (`record_file.add` / `record_file.move`).")
            .json_example::<shared::record_file::RecordFileDocumentRequest>(json!({"kind": "outgoing", "id": 12}))
            .ok::<shared::record_file::RecordFileDto>(200, "The file after the change.")
            .err(403, "`forbidden`: not allowed to add, or to arrange")
            .err(409, "`conflict` with the reason: the file is closed or handed over, the document is already in it, a draft or an unregistered incoming document")
            .err(422, "`validation`: a document of another agency (`id`), `position` below 1"),
        delete(api::RECORD_FILE_DOCUMENT, "record_files", "Take a document out of an open file")
            .who("the file's creator, the agency's clerks and leaders")
            .ok::<shared::record_file::RecordFileDto>(200, "The file; the documents after it moved up. Audited (`record_file.remove`).")
            .err(403, "`forbidden`: someone else")
            .err(409, "`conflict`: the file is closed or handed over"),
        post(api::RECORD_FILE_CLOSE, "record_files", "Close a record file")
            .who("the file's creator, the agency's clerks and leaders")
            .describe("Nothing more is added; due for hand-over one year later, when the agency's clerks are told (once). Audited (`record_file.close`).")
            .no_body()
            .ok::<shared::record_file::RecordFileDto>(200, "The file, `state: closed`.")
            .err(403, "`forbidden`: someone else")
            .err(409, "`conflict`: already closed or handed over"),
        get(api::RECORD_FILE_PACKAGE, "record_files", "The archive package (ZIP); the first download hands the file over")
            .who("the agency's clerks and leaders")
            .describe("Stored ZIP, streamed: every signed original byte for byte under `van-ban/`, `ho-so.json` and `ho-so.xml` (NĐ 30 Phụ lục VI metadata), `muc-luc.txt`, `bien-ban-giao-nhan.pdf`, and last `manifest-sha256.txt` (`sha256sum` format, every other entry). The first download of a closed file records the hand-over (`record_file.handover`); the file is read-only after.")
            .answer(200, zip_answer())
            .err(403, "`forbidden`: neither clerk nor agency leader")
            .err(409, "`conflict`: the file is still open"),
        // Live events.
        get(api::EVENTS, "events", "Server-sent events for the caller")
            .who("signed in")
            .describe(
                "`text/event-stream`: one event per change that concerns the caller. The event name is the \
                 notice's `kind` (`task`, `arrival`, `delivery`, `outgoing`, `incoming`, `urge`), or `resync` \
                 (data `{}`: refetch everything, some events were missed); the data is a `LiveNotice` as JSON. \
                 A keep-alive comment every 20 seconds.",
            )
            .answer(200, events_answer()),
        // Notifications (the bell).
        get(api::NOTIFICATIONS, "notifications", "The caller's notifications, newest first")
            .who("signed in (each person sees only their own)")
            .describe(
                "At most 50 per answer; `before` (an id) pages further back. `unread` counts all the caller's \
                 unread notifications. Each workflow step writes its notifications in its own transaction: \
                 `Văn bản mới chờ ký: …`, `Dự thảo mới chờ duyệt: …`, `Đã duyệt, chờ ký: …`, \
                 `Dự thảo bị trả lại: <lý do> — …`, `Văn bản được giao xử lý: …` and so on; whoever acted is not \
                 told of their own doing.",
            )
            .query("before", false, integer().into(), "Only notifications with a smaller id (paging).")
            .query("limit", false, integer().into(), "At most this many items, 0–50 (default 50); 0 for the unread count alone.")
            .err(422, "`validation` on `limit`: outside 0–50")
            .ok::<NotificationListResponse>(200, "The notifications and the unread count."),
        post(api::NOTIFICATIONS_READ, "notifications", "Mark notifications read")
            .who("signed in")
            .describe("Ids of other people's notifications (or unknown ids) change nothing.")
            .json::<MarkNotificationsReadRequest>()
            .ok::<NotificationListResponse>(200, "The first page of notifications after the change.")
            .err(422, "`validation` on `ids`: more than 1,000 ids"),
        // Public verification of printed copies (issue 15).
        get(api::PUBLIC_VERIFY_CODE, "public", "What the verification code printed on a copy says")
            .public()
            .who("anyone, without signing in")
            .describe(VERIFY_LIMIT)
            .ok::<PublicVerification>(200, "The issued document of the code: `authentic` unless it was recalled (`recalled`: true, no `download`).")
            .err(429, "`rate_limited`: too many public verification requests from this address"),
        get(api::PUBLIC_VERIFY_FILE, "public", "The issued original of a verification code")
            .public()
            .who("anyone, without signing in")
            .describe(VERIFY_LIMIT)
            .answer(200, file_answer())
            .answer(206, range_answer())
            .err(416, RANGE_PAST_THE_END)
            .err(503, BLOB_UNAVAILABLE)
            .err(404, "`not_found`: the document was recalled (its original is no longer handed out)")
            .err(429, "`rate_limited`: too many public verification requests from this address"),
        post(api::PUBLIC_VERIFY, "public", "Is this PDF an issued original?")
            .public()
            .who("anyone, without signing in (when the browser sends an `Origin`, it must be this site)")
            .describe(
                "`authentic` is true only when the body is byte for byte the main file of a document issued \
                 on this system (found by its SHA-256) and every signature in it verifies now; for any other \
                 file every other field is empty (`null`, `[]`). A recalled original answers `authentic: \
                 false, recalled: true` with its facts.",
            )
            .describe(VERIFY_LIMIT)
            .pdf_body("The PDF to check, up to 300 MiB.")
            .ok::<PublicVerification>(200, "The verdict.")
            .err(400, "`bad_request`: the content type is not `application/pdf`")
            .err(413, "`payload_too_large`: over 300 MiB")
            .err(429, "`rate_limited`: too many public verification requests from this address"),
        // The exchange between systems (issue 16).
        post(api::EXCHANGE_PACKETS, "exchange", "Receive an edXML packet from a peer system")
            .public()
            .who("a configured, enabled peer system: no session; the request carries `X-Vanban-Key` (the peer's key id), \
                  `X-Vanban-Timestamp` (seconds since the epoch) and `X-Vanban-Signature` (lower-case hex \
                  HMAC-SHA256 with the peer's secret over the timestamp, a `.`, and the body)")
            .describe(
                "A document packet becomes an incoming document, waiting for the clerks, in every agency of this \
                 system its `To` list names (channel `exchange`; status 01 goes back at once); a status packet moves \
                 the delivery of a document this system sent to the agency that sent it. A packet is applied once: \
                 the same DocumentId, action, status code and sending agency again answers `duplicate: true` and \
                 changes nothing. The timestamp must be within 5 minutes of the server's clock.",
            )
            .xml_body("The edXML packet (document or status), up to 300 MiB.")
            .ok::<PacketReceipt>(200, "Acknowledged: the sender marks the packet delivered.")
            .err(400, "`bad_request`: not an edXML packet, or a recall/update/replace packet (not handled yet), or a document packet without files")
            .err(401, "`unauthenticated`: a header is missing, the key id is unknown or disabled, the timestamp is more than 5 minutes off, or the signature does not match")
            .err(413, "`payload_too_large`: over 300 MiB")
            .err(422, "`validation` on `packet`: no agency of the `To` list is on this system, or the status is about a document not sent to that agency through this peer"),
        get(api::EXCHANGE_PEERS, "exchange", "The peers of the exchange")
            .who("`system_admin`")
            .describe("Every peer by name, with the organ ids it reaches; the shared secret is never shown.")
            .ok::<Vec<PeerDto>>(200, "The peers.")
            .err(403, "`forbidden`: not a system administrator"),
        put(api::EXCHANGE_PEERS, "exchange", "Create or replace a peer of the exchange")
            .who("`system_admin`")
            .describe(
                "The peer named `name` is created, or replaced whole (kind, endpoint, key id, secret, organ ids, \
                 enabled). Audited as `exchange.peer_save` (without the secret).",
            )
            .json::<SavePeerRequest>()
            .ok::<PeerDto>(200, "The peer as saved.")
            .err(403, "`forbidden`: not a system administrator")
            .err(422, "`validation` on `name`, `endpoint`, `key_id` (empty or too long), `secret` (under 16 characters), `endpoint` (not http(s):// for vanban and axis, not an absolute directory for folder), `organ_ids` (not an organ id, twice, or already another peer's), `key_id` (another peer's)"),
        get(api::EXCHANGE_QUEUE, "exchange", "The latest packets sent and received")
            .who("`system_admin`")
            .describe("The latest 100 rows of the outbox and of the inbox, newest first, with each packet's state, attempts and last error.")
            .ok::<ExchangePacketsResponse>(200, "The packets.")
            .err(403, "`forbidden`: not a system administrator"),
        post(api::EXCHANGE_RETRY, "exchange", "Send an outbox packet again now")
            .who("`system_admin`")
            .describe("A pending or failed packet becomes due now (its attempts are kept); the next delivery pass sends it. Audited as `exchange.retry`.")
            .ok::<OutboxItemDto>(200, "The packet, pending and due now.")
            .err(403, "`forbidden`: not a system administrator")
            .err(404, "`not_found`: no such packet")
            .err(409, "`conflict`: the packet was delivered already"),
    ]
}

/// The rate limit of the public routes, in the words of every one of them.
const VERIFY_LIMIT: &str = "Every request of the three public verification routes counts against the caller's \
    address: 30 per 10 minutes (then `429` with `Retry-After`).";

fn json_response_with_cookie<T: ToSchema>(text: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(text)
        .header(
            "Set-Cookie",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some(
                    "`vanban_session=…; HttpOnly; SameSite=Strict; Path=/` (and `Secure` over TLS).",
                ))
                .build(),
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name(T::name()))))
                .build(),
        )
        .build()
}

fn blob_answer() -> utoipa::openapi::Response {
    let body = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("sha256", shared::openapi::sha256())
        .required("sha256")
        .property("size", integer())
        .required("size")
        .description(Some("The stored file: its name and its size in bytes."));
    json_response("Stored.", Schema::Object(body.build()).into())
}

const RANGE_PAST_THE_END: &str = "`range_not_satisfiable`: the range starts at or past the end of the file (`Content-Range: bytes */SIZE`)";
const BLOB_UNAVAILABLE: &str =
    "`unavailable`: the file store cannot be reached (`Retry-After: 30`); nothing was changed";

/// A file download's answers to `Range` (one `bytes=` range) and an unreachable file store.
fn ranges(op: Op) -> Op {
    op.answer(206, range_answer())
        .err(416, RANGE_PAST_THE_END)
        .err(503, BLOB_UNAVAILABLE)
}

fn range_answer() -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(
            "One range of the file's bytes, for `Range: bytes=A-B`, `bytes=A-` or `bytes=-N` (several ranges, another unit or a malformed header get the whole file, `200`).",
        )
        .header(
            "Content-Range",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("`bytes A-B/SIZE`".to_string()))
                .build(),
        )
        .content(
            "application/pdf",
            ContentBuilder::new().schema(Some(pdf())).build(),
        )
        .build()
}

fn file_answer() -> utoipa::openapi::Response {
    let text = |t: &str| {
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(t.to_string()))
            .build()
    };
    ResponseBuilder::new()
        .description("The file's bytes.")
        .header(
            "Content-Disposition",
            text("`inline` with the file name (`filename` and `filename*`)."),
        )
        .header("ETag", text("The file's SHA-256, quoted."))
        .content(
            "application/pdf",
            ContentBuilder::new().schema(Some(pdf())).build(),
        )
        .build()
}

/// What the history PDFs list, for both kinds of document.
const HISTORY_PDF: &str = "Every audit-log entry about the document, oldest first: sequence number, time, actor, the \
    person acted for under a delegation, the sentence, and the entry's SHA-256 hash in full. `vanban audit verify \
    --entries FILE` (FILE: the PDF's text, e.g. from `pdftotext`) says for each hash whether the chain holds it.";

/// A server-made file: a PDF, or (`xlsx`) a PDF or a workbook.
fn export_answer(text: &str, xlsx: bool) -> utoipa::openapi::Response {
    let mut r = ResponseBuilder::new().description(text).content(
        "application/pdf",
        ContentBuilder::new().schema(Some(pdf())).build(),
    );
    if xlsx {
        let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r = r.content(
            media,
            ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .content_media_type(media)
                        .build(),
                ))
                .build(),
        );
    }
    r.build()
}

/// A `YYYY-MM-DD` date parameter.
fn date_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .into()
}

/// The report as JSON, PDF or XLSX, as `format` asks.
fn report_answer() -> utoipa::openapi::Response {
    let file = |media: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type(media)
            .description(Some(
                "The file's bytes (`Content-Disposition: attachment`).",
            ))
            .build()
    };
    ResponseBuilder::new()
        .description("`SummaryReport` as JSON; with `format=pdf` an A4 PDF, with `format=xlsx` a workbook (sheets Tổng hợp, Theo loại, Xử lý) of the same numbers.")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("SummaryReport")))
                .build(),
        )
        .content("application/pdf", ContentBuilder::new().schema(Some(pdf())).build())
        .content(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ContentBuilder::new()
                .schema(Some(file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
                .build(),
        )
        .build()
}

fn register_answer() -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(
            "`OutgoingRegisterResponse` for a register whose `direction` is `outgoing`, \
             `IncomingRegisterResponse` for `incoming`.",
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(
                    OneOfBuilder::new()
                        .item(Ref::from_schema_name(OutgoingRegisterResponse::name()))
                        .item(Ref::from_schema_name(IncomingRegisterResponse::name())),
                ))
                .build(),
        )
        .build()
}

fn events_answer() -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description("The event stream; each event's data is a `LiveNotice`.")
        .content(
            "text/event-stream",
            ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some(
                            "Events `event: <kind>` / `data: <LiveNotice as JSON>`.",
                        )),
                ))
                .build(),
        )
        .build()
}

/// A ZIP download (the record file's archive package).
fn zip_answer() -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(
            "The package (`Content-Disposition: attachment; filename=\"ho-so-<code>.zip\"`).",
        )
        .content(
            "application/zip",
            ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .content_media_type("application/zip"),
                ))
                .build(),
        )
        .build()
}
