//! Every operation of the API, grouped by resource, with who may call and the answers peculiar to it.

use serde_json::json;
use shared::api;
use utoipa::ToSchema;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Schema};

use shared::agency::{AgencyDto, CreateUnitRequest, UnitDto};
use shared::audit::AuditListResponse;
use shared::auth::{ChangePasswordRequest, LoginRequest, SessionResponse};
use shared::health::HealthResponse;
use shared::incoming::{
    AcceptRequest, AssignRequest, DashboardDto, DelegationListResponse, DelegationRequest,
    ForwardRequest, HandlerActionRequest, HandoverRequest, HandoverResult, IncomingBucket,
    IncomingCounts, IncomingDto, IncomingListResponse, IncomingRegisterResponse,
    NewIncomingRequest, PrefillDto, PrefillRequest, QueueResponse, ReturnRequest, UrgeRequest,
    VerificationDto,
};
use shared::outgoing::{
    ArrivalListResponse, BatchResponse, BatchReviewRequest, DraftRequest, IssueRequest,
    NewVersionRequest, NumberReservation, OutgoingBucket, OutgoingCounts, OutgoingDto,
    OutgoingListResponse, OutgoingRegisterResponse, RecallAnswerRequest, RecallRequest,
    RegisterDto, ReviewRequest, SignRequest,
};
use shared::pdf::TrustAnchorsResponse;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};

use super::operation::{Op, delete, get, integer, json_response, pdf, post, put};

/// Every operation of the API.
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
        get(api::AUDIT, "audit", "The audit log, newest first")
            .who("an administrator; an agency administrator sees only their agency")
            .query("agency_id", false, integer().into(), "Only this agency.")
            .query(
                "limit",
                false,
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(200))
                    .default(Some(50.into()))
                    .into(),
                "How many entries (clamped to 1–200; default 50).",
            )
            .query(
                "before_seq",
                false,
                integer().into(),
                "Entries before this `seq` (the next page).",
            )
            .ok::<AuditListResponse>(200, "The entries.")
            .err(403, "`forbidden`: not an administrator, or another agency's `agency_id`"),
        // Signatures and files.
        get(api::TRUST_ANCHORS, "pki", "The CA certificates the province trusts")
            .who("signed in")
            .describe(
                "Every `*.pem` of `VANBAN_TRUST_DIR` (default `DATA_DIR/trust`); the browser's verifier uses them.",
            )
            .ok::<TrustAnchorsResponse>(200, "PEM certificates."),
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
        // Outgoing documents.
        get(api::OUTGOING, "outgoing", "A list (bucket) of outgoing documents")
            .who("signed in; `to_issue` only for clerks")
            .query_of::<OutgoingBucket>("bucket", true, bucket_text)
            .ok::<OutgoingListResponse>(200, "Newest change first, at most 500.")
            .err(403, "`forbidden`: `to_issue` for someone who is not a clerk"),
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
        get(api::OUTGOING_FILE, "outgoing", "The bytes of one file of a version")
            .who("who may see the document (recipients: the issued version's files only)")
            .answer(200, file_answer()),
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
        // Incoming documents.
        get(api::INCOMING, "incoming", "A list (bucket) of incoming documents")
            .who("signed in; `to_register` only for clerks; `all` lists documents for clerks and agency leaders only (empty for others)")
            .query_of::<IncomingBucket>("bucket", false, "Which list (default `pending`).")
            .ok::<IncomingListResponse>(200, "At most 500 items; `more` when the bucket holds more.")
            .err(403, "`forbidden`: `to_register` for someone who is not a clerk")
            .err(422, "`validation` on `bucket`: unknown bucket"),
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
        get(api::INCOMING_VERIFY, "incoming", "Verify the received files again, now")
            .who("who may see the document")
            .ok::<VerificationDto>(200, "The verdict."),
        get(api::INCOMING_FILE, "incoming", "The bytes of one received file")
            .who("who may see the document")
            .answer(200, file_answer()),
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
        get(api::DASHBOARD, "dashboard", "The leader's view of the backlog")
            .who("agency leaders (the agency) and unit leaders (their unit)")
            .query("unit", false, integer().into(), "Drill down into one unit's open work.")
            .query("user", false, integer().into(), "Drill down into one person's open work.")
            .ok::<DashboardDto>(200, "The dashboard.")
            .err(403, "`forbidden`: not a leader, or a unit leader asking for another unit"),
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
    ]
}

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
