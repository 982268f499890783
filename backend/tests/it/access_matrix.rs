//! The authorization matrix: one table of endpoint × actor → expected answer, run against the real router on
//! SQLite and PostgreSQL, and rendered into docs/ACCESS.md so the rules stay readable by a person.
//!
//! The province holds three agencies: A (Sở Nội vụ) drafts and issues, B (UBND tỉnh, where the provincial
//! administrator sits) receives, C (Sở Tài chính) has nothing to do with either. Every row is tried by every
//! actor (23 columns) against real objects (a draft, a document in review, one awaiting signature, one awaiting
//! issue, one issued to B with its incoming copy assigned there, assignments, a delivery, a delegation, files,
//! registers, accounts) and against ids that never existed. A cell that expects a change gets an object of its
//! own, so cells do not depend on each other. Every wrong cell is collected and reported at the end, one line
//! each, naming the database, the row and the actor.
//!
//! `404` in a cell means "as if it did not exist": the answer must be 404, or the 403 the same person gets for
//! an id that never existed (a refusal by role alone, which says nothing about the object).
//!
//! `VANBAN_WRITE_ACCESS_MD=1 cargo test --test access_matrix` rewrites docs/ACCESS.md from the table.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::docs::{self, People, pki, sign, upload};
use crate::common::{Answer, Client, TestDb};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::agency::{AgencyCode, UnitKind};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::role::Role;
use tower::ServiceExt;
use vanban::store::{Actor, NewAgency, NewUser, UnitFields, UserFields};

// ---------------------------------------------------------------------------------------------------------
// Actors
// ---------------------------------------------------------------------------------------------------------

/// Who calls. A: the agency that owns the outgoing documents; B: the agency they are delivered to; C: an
/// agency with no part in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    Anon,
    Sys,
    AAdm,
    AClk,
    ALdr,
    AUl,
    AOff,
    Drafter,
    Reviewer,
    Signer,
    ADlg,
    BAdm,
    BClk,
    BLdr,
    BUl,
    BAsg,
    BOff,
    BDlg,
    CAdm,
    CClk,
    CLdr,
    CUl,
    COff,
}

use Who::*;

const ACTORS: [Who; 23] = [
    Anon, Sys, AAdm, AClk, ALdr, AUl, AOff, Drafter, Reviewer, Signer, ADlg, BAdm, BClk, BLdr, BUl,
    BAsg, BOff, BDlg, CAdm, CClk, CLdr, CUl, COff,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Agency {
    None,
    A,
    B,
    C,
}

impl Who {
    /// Column heading (docs/ACCESS.md explains each).
    fn label(self) -> &'static str {
        match self {
            Anon => "anon",
            Sys => "sys",
            AAdm => "A.adm",
            AClk => "A.clk",
            ALdr => "A.ldr",
            AUl => "A.ul",
            AOff => "A.off",
            Drafter => "drft",
            Reviewer => "rev",
            Signer => "sign",
            ADlg => "A.dlg",
            BAdm => "B.adm",
            BClk => "B.clk",
            BLdr => "B.ldr",
            BUl => "B.ul",
            BAsg => "B.asg",
            BOff => "B.off",
            BDlg => "B.dlg",
            CAdm => "C.adm",
            CClk => "C.clk",
            CLdr => "C.ldr",
            CUl => "C.ul",
            COff => "C.off",
        }
    }

    /// Who the column is, for docs/ACCESS.md.
    fn description(self) -> &'static str {
        match self {
            Anon => "not signed in",
            Sys => "system administrator (`system_admin` only; sits in B, the provincial office)",
            AAdm => "agency administrator of A",
            AClk => "clerk of A",
            ALdr => "agency leader of A who is not the signer",
            AUl => "unit leader of A, in the drafter's unit, not in the circuit",
            AOff => "official of A, in the drafter's unit, not in the circuit",
            Drafter => "the drafter (official of A)",
            Reviewer => "the reviewer (unit leader of A)",
            Signer => "the signer (agency leader of A)",
            ADlg => "unit leader of A holding the signer's delegation (with signing, KT.) today",
            BAdm => "agency administrator of B",
            BClk => "clerk of B",
            BLdr => "agency leader of B the incoming copy was forwarded to (its assigner)",
            BUl => "unit leader of B whose unit is assigned (co-operating) on the incoming copy",
            BAsg => "official of B assigned (lead) on the incoming copy",
            BOff => "official of B with no assignment on the incoming copy",
            BDlg => "unit leader of B holding B.ldr's delegation (assigning) today",
            CAdm => "agency administrator of C",
            CClk => "clerk of C",
            CLdr => "agency leader of C",
            CUl => "unit leader of C",
            COff => "official of C",
        }
    }

    fn username(self) -> Option<&'static str> {
        Some(match self {
            Anon => return None,
            Sys => "admin",
            AAdm => "quantri.snv",
            AClk => "vanthu.snv",
            ALdr => "pgd.snv",
            AUl => "tp2.snv",
            AOff => "cv2.snv",
            Drafter => "cv.snv",
            Reviewer => "tp.snv",
            Signer => "gd.snv",
            ADlg => "pp.snv",
            BAdm => "quantri.ubnd",
            BClk => "vanthu.ubnd",
            BLdr => "ct.ubnd",
            BUl => "tp.ubnd",
            BAsg => "cv2.ubnd",
            BOff => "cv.ubnd",
            BDlg => "pp.ubnd",
            CAdm => "quantri.stc",
            CClk => "vanthu.stc",
            CLdr => "gd.stc",
            CUl => "tp.stc",
            COff => "cv.stc",
        })
    }

    fn agency(self) -> Agency {
        match self {
            Anon => Agency::None,
            Sys | BAdm | BClk | BLdr | BUl | BAsg | BOff | BDlg => Agency::B,
            CAdm | CClk | CLdr | CUl | COff => Agency::C,
            _ => Agency::A,
        }
    }
}

const ADLG_NAME: &str = "Đặng Văn Phó";

// ---------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------

/// The object a row's `{id}` (and `{file}`) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum T {
    /// No id in the path.
    Nothing,
    /// An id that never existed.
    Huge,
    AgencyA,
    UnitA,
    UserAOff,
    UserSys,
    /// A fresh official of A (locked for `unlock`), one per cell.
    Account,
    LockedAccount,
    /// A fresh agency leader of A with one document awaiting their signature, one per cell.
    LeavingLeader,
    /// A fresh official of A with one open draft, one per cell.
    LeavingOfficial,
    ODraft,
    OReview,
    OSign,
    OIssue,
    OIssued,
    ODraftFile,
    OIssuedFile,
    /// The issued document with the file of its first (draft) version.
    OIssuedV1File,
    /// The draft with a file of C's draft.
    OForeignFile,
    CDraft,
    ICopy,
    ICopyFile,
    ICopyForeignFile,
    /// B's copy of a document, forwarded to B.ldr and not yet assigned.
    IFwd,
    /// An e-mail arrival at B, not yet registered.
    IArrived,
    /// An e-mail arrival at B, registered, not forwarded.
    IRegistered,
    /// B's copy of a document A recalled (recall pending).
    IRecalled,
    CIncoming,
    AsgLead,
    AsgUnit,
    DeliveryRecalled,
    DelegationA,
    RegAOut,
    RegBIn,
    /// An open record file of A opened by A's clerk, with the issued document in it.
    FileAOpen,
    /// A closed record file of A (the issued document in it).
    FileAClosed,
    /// An open record file of A without documents.
    FileAEmpty,
    /// A certificate registered to A.off by an administrator (a new one per cell that revokes it).
    CertAOff,
}

/// The body a row sends.
#[derive(Clone, Copy)]
enum B {
    None,
    Json(fn(&World, Who, i64) -> Value),
    /// The signer's (or the delegate's) signed file; anyone else sends a file that is not a signature.
    Sign,
    /// The clerk's numbered and sealed file; anyone else sends a file that is not one.
    Issue,
    /// A PDF upload (`PUT /api/blobs/{sha256}`).
    Upload,
    /// A PDF as the body (`POST /api/public/verify`).
    Pdf,
}

/// What else besides the status a cell checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Status,
    /// `+`/`-`: the object is (not) in `body[key][*][field]` (key "" = the body is the list).
    Listed(&'static str, &'static str),
    /// `+`/`-`: like `Listed`, for another object than the one in the path (a register's entry).
    Holds(&'static str, &'static str, T),
    /// `+`/`-`: the batch item succeeded (not).
    BatchOk,
    /// A 422 must be the answer for a file never uploaded (it must not tell that the file exists elsewhere).
    SameAsMissing,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fresh {
    /// The shared object (reads, and writes refused to everyone).
    Never,
    /// A new object for every cell that expects a success.
    OnSuccess,
    /// A new object for every cell.
    Always,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Special {
    None,
    /// A new client signs in (the row is the sign-in itself).
    Login,
    /// A second session of the actor signs out.
    Logout,
    /// The request goes without the CSRF header.
    NoCsrf,
    /// The row may take the system administrator's role away: restore it after each cell.
    RestoreSys,
    /// An event stream: only the status is read.
    Stream,
}

struct Row {
    section: &'static str,
    method: Method,
    path: &'static str,
    /// What the object is, shown beside the path.
    on: &'static str,
    target: T,
    body: B,
    fresh: Fresh,
    check: Check,
    special: Special,
    /// The rule of issue 12 this row proves, if any (named in failures and in docs/ACCESS.md).
    rule: &'static str,
    /// One token per actor, in `ACTORS` order: a status, `+`/`-` (200, listed or not), `.` (not tried).
    expect: &'static str,
}

impl Row {
    fn name(&self) -> String {
        format!("{} {} ({})", self.method, self.path, self.on)
    }
}

const fn row(
    section: &'static str,
    method: Method,
    path: &'static str,
    on: &'static str,
    target: T,
    expect: &'static str,
) -> Row {
    Row {
        section,
        method,
        path,
        on,
        target,
        body: B::None,
        fresh: Fresh::Never,
        check: Check::Status,
        special: Special::None,
        rule: "",
        expect,
    }
}

impl Row {
    const fn body(mut self, b: B) -> Self {
        self.body = b;
        self
    }
    const fn json(mut self, f: fn(&World, Who, i64) -> Value) -> Self {
        self.body = B::Json(f);
        self
    }
    const fn fresh(mut self, f: Fresh) -> Self {
        self.fresh = f;
        self
    }
    const fn listed(mut self, key: &'static str, field: &'static str) -> Self {
        self.check = Check::Listed(key, field);
        self
    }
    const fn check(mut self, c: Check) -> Self {
        self.check = c;
        self
    }
    const fn special(mut self, s: Special) -> Self {
        self.special = s;
        self
    }
    const fn rule(mut self, r: &'static str) -> Self {
        self.rule = r;
        self
    }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;

const HUGE: i64 = 9_000_000_001;

// Bodies. Each gets the world, the actor and the row's object id.
fn empty(_: &World, _: Who, _: i64) -> Value {
    json!({})
}
fn wrong_password(_: &World, _: Who, _: i64) -> Value {
    json!({"current_password": "không phải mật khẩu 1", "new_password": "Mật khẩu mới 2027 rất dài"})
}
fn new_unit(w: &World, _: Who, _: i64) -> Value {
    json!({"name": "Phòng thử", "short_name": format!("T{}", w.next()), "kind": "phong"})
}
fn mark_all_read(_: &World, _: Who, _: i64) -> Value {
    json!({"all": true})
}
fn exchange_peer(_: &World, _: Who, _: i64) -> Value {
    json!({"name": "Bộ Nội vụ", "kind": "vanban", "endpoint": "http://127.0.0.1:9", "key_id": "vl-bnv",
           "secret": "khóa bí mật dùng chung", "organ_ids": ["000.00.00.G09"], "enabled": true})
}
fn quota(_: &World, _: Who, _: i64) -> Value {
    json!({"quota_mb": 2048})
}
fn same_unit(_: &World, _: Who, _: i64) -> Value {
    json!({"name": "Phòng Tổ chức", "short_name": "TC", "kind": "phong"})
}
fn new_user(w: &World, _: Who, _: i64) -> Value {
    json!({"username": format!("moi{}.snv", w.next()), "full_name": "Người Mới", "unit_id": w.p.base.department_unit, "roles": ["official"]})
}
fn same_official(w: &World, _: Who, _: i64) -> Value {
    json!({"full_name": "Hồ Văn Cường", "unit_id": w.p.base.department_unit, "roles": ["official"]})
}
fn sys_demoted(w: &World, _: Who, _: i64) -> Value {
    json!({"full_name": "Quản trị tỉnh", "unit_id": w.p.base.province_office_unit, "roles": ["agency_admin"]})
}
fn handover_to_leader(w: &World, _: Who, _: i64) -> Value {
    json!({"to_user_id": w.id(ALdr)})
}
fn handover_to_admin(w: &World, _: Who, _: i64) -> Value {
    json!({"to_user_id": w.id(AAdm)})
}
fn handover_to_official(w: &World, _: Who, _: i64) -> Value {
    json!({"to_user_id": w.id(AOff)})
}
/// `PUT /api/outgoing/{id}` on A's draft: a new trích yếu, the rest as it was.
fn edit_draft(w: &World, _: Who, _: i64) -> Value {
    json!({
        "doc_type": "cong_van",
        "subject": "Về việc báo cáo biên chế công chức năm 2026",
        "urgency": "normal",
        "signer_id": w.id(Signer),
        "signing_capacity": "direct",
        "internal_recipients": [w.agency_b],
        "reviewers": [w.id(Reviewer)],
    })
}
fn draft_a_file(w: &World, who: Who, _: i64) -> Value {
    w.draft_for(who, &w.blob_a)
}
fn draft_c_file(w: &World, who: Who, _: i64) -> Value {
    w.draft_for(who, &w.blob_c)
}
fn draft_missing_file(w: &World, who: Who, _: i64) -> Value {
    w.draft_for(who, &w.blob_missing)
}
fn intake_a_file(w: &World, _: Who, _: i64) -> Value {
    intake(&w.blob_a)
}
fn intake_delivered_file(w: &World, _: Who, _: i64) -> Value {
    intake(&w.blob_issued)
}
fn prefill_a_file(w: &World, _: Who, _: i64) -> Value {
    json!({"sha256": w.blob_a})
}
fn version_a_file(w: &World, _: Who, _: i64) -> Value {
    json!({"main_file": {"sha256": w.blob_a, "name": "du-thao-2.pdf"}, "attachments": []})
}
fn version_c_file(w: &World, _: Who, _: i64) -> Value {
    json!({"main_file": {"sha256": w.blob_c, "name": "du-thao-2.pdf"}, "attachments": []})
}
fn approve(_: &World, _: Who, _: i64) -> Value {
    json!({"decision": "approve"})
}
fn return_to_drafter(_: &World, _: Who, _: i64) -> Value {
    json!({"decision": "return_to_drafter", "comment": "Sửa lại trích yếu."})
}
fn batch_approve(_: &World, _: Who, id: i64) -> Value {
    json!({"ids": [id], "review": {"decision": "approve"}})
}
fn recall_reason(_: &World, _: Who, _: i64) -> Value {
    json!({"reason": "Văn bản ban hành nhầm nơi nhận."})
}
fn refuse_recall(_: &World, _: Who, _: i64) -> Value {
    json!({"agree": false, "reason": "Văn bản đã được xử lý xong."})
}
fn accept_override(_: &World, _: Who, _: i64) -> Value {
    json!({"override_reason": "Văn bản gửi qua thư điện tử, không có chữ ký số."})
}
fn return_reason(_: &World, _: Who, _: i64) -> Value {
    json!({"reason": "Gửi nhầm cơ quan."})
}
fn forward_to_leader(w: &World, _: Who, _: i64) -> Value {
    json!({"leader_id": w.id(BLdr)})
}
fn assign_lead(w: &World, _: Who, _: i64) -> Value {
    json!({"due_date": in_days(7), "targets": [{"role": "lead", "to": {"kind": "user", "id": w.id(BAsg)}}]})
}
fn report(_: &World, _: Who, _: i64) -> Value {
    json!({"action": "report", "comment": "Đang tổng hợp số liệu."})
}
fn urge(_: &World, _: Who, _: i64) -> Value {
    json!({"message": "Đề nghị khẩn trương."})
}
fn delegate_from_self(w: &World, who: Who, _: i64) -> Value {
    let to = match who.agency() {
        Agency::A if who == ALdr => w.id(Signer),
        Agency::A => w.id(ALdr),
        Agency::B if who == BLdr => w.id(BDlg),
        Agency::B => w.id(BLdr),
        Agency::C if who == CLdr => w.id(CUl),
        _ => w.id(CLdr),
    };
    json!({"to_user_id": to, "starts_on": in_days(0), "ends_on": in_days(1)})
}
fn delegate_for_a_leader(w: &World, _: Who, _: i64) -> Value {
    json!({"from_user_id": w.id(ALdr), "to_user_id": w.id(AUl), "starts_on": in_days(0), "ends_on": in_days(1)})
}

/// A key request (CSR) of a key nobody holds yet: anyone may ask for a certificate for their own key.
fn remote_identifier(_: &World, _: Who, _: i64) -> Value {
    json!({ "user_id": "079080001234" })
}

fn remote_registration(_: &World, _: Who, _: i64) -> Value {
    json!({ "credential_id": "cred-1", "purpose": "register" })
}

fn key_request(w: &World, _: Who, _: i64) -> Value {
    json!({"csr": w.csr})
}
/// The certificate the CA issued for A.off's key request: theirs to present, nobody else's.
fn issued_for_a_off(w: &World, _: Who, _: i64) -> Value {
    json!({"certificate": w.issued_for_a_off})
}
/// A new certificate for A.off, from the trusted CA: one for each of the two administrators who may register
/// it (everyone else is refused before the certificate is read).
fn register_for_a_off(w: &World, who: Who, _: i64) -> Value {
    let by = if who == AAdm { "A.adm" } else { "sys" };
    let cert = pki().certificate(&format!("Cán bộ đăng ký bởi {by}"), CertRole::Person);
    json!({"certificate": shared::pki::cert_to_pem(&cert).unwrap(), "user_id": w.id(AOff)})
}
fn revoke_binding(_: &World, _: Who, _: i64) -> Value {
    json!({"reason": "Cán bộ chuyển công tác."})
}

fn new_record_file(_: &World, _: Who, _: i64) -> Value {
    json!({"title": "Hồ sơ thử quyền", "year": 2026, "retention_years": 10})
}
/// The issued document of A into the row's file.
fn file_the_issued(w: &World, _: Who, _: i64) -> Value {
    json!({"kind": "outgoing", "id": w.o[&T::OIssued].0})
}

fn intake(sha: &str) -> Value {
    json!({
        "channel": "email",
        "sender_name": "Sở Xây dựng",
        "code_text": "12/SXD-VP",
        "issued_date": in_days(-1),
        "doc_type": "cong_van",
        "subject": "Về việc góp ý dự thảo quy hoạch",
        "urgency": "normal",
        "main_file": {"sha256": sha, "name": "cv-12.pdf"},
    })
}

fn in_days(days: i64) -> String {
    shared::civil_date::CivilDate::of(shared::time::Timestamp(
        vanban::store::now_ms() + days * 24 * 3600 * 1000,
    ))
    .to_string()
}

const S_SESSION: &str = "Session and own account";
const S_AGENCIES: &str = "Agencies and units";
const S_ACCOUNTS: &str = "Accounts, handover and audit";
const S_FILES: &str = "Files (uploads, and referring to an upload by its SHA-256)";
const S_OUTGOING: &str = "Outgoing documents";
const S_DELIVERY: &str = "Arrivals and deliveries";
const S_INCOMING: &str = "Incoming documents and their work";
const S_DELEGATION: &str = "Delegations and the dashboard";
const S_REGISTERS: &str = "Registers and colleagues";
const S_LAST_ADMIN: &str = "The last system administrator";
const S_RECORD_FILES: &str = "Record files (hồ sơ)";
const S_REPORTS: &str = "The six-month report";
const S_PUBLIC: &str = "Public verification of printed copies (no sign-in)";
const S_EXCHANGE: &str = "Exchange between systems (HMAC of a configured peer, never a session)";
const S_CERTIFICATES: &str = "Certificates bound to accounts, and revocation";

/// The matrix. Columns, in order:
/// anon sys A.adm A.clk A.ldr A.ul A.off drft rev sign A.dlg B.adm B.clk B.ldr B.ul B.asg B.off B.dlg
/// C.adm C.clk C.ldr C.ul C.off
fn table() -> Vec<Row> {
    use T::*;
    vec![
        //   columns:  any sys Aad Acl Ald Aul Aof drf rev sgn Adl  Bad Bcl Bld Bul Bas Bof Bdl  Cad Ccl Cld Cul Cof
        row(S_SESSION, GET, "/api/health", "", Nothing,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_SESSION, POST, "/api/auth/login", "own account, right password", Nothing,
            ".   200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .special(Special::Login),
        row(S_SESSION, POST, "/api/auth/logout", "a second session", Nothing,
            "401 204 204 204 204 204 204 204 204 204 204  204 204 204 204 204 204 204  204 204 204 204 204")
            .special(Special::Logout),
        row(S_SESSION, GET, "/api/me", "", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_SESSION, POST, "/api/me/password", "wrong current password", Nothing,
            "401 422 422 422 422 422 422 422 422 422 422  422 422 422 422 422 422 422  422 422 422 422 422")
            .json(wrong_password),
        row(S_SESSION, GET, "/api/openapi.json", "", Nothing,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_SESSION, GET, "/api/pki/trust-anchors", "", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_SESSION, GET, "/api/events", "the stream opens (who hears what: see Live events)", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .special(Special::Stream),
        // Notifications: each person reads and marks only their own (proven in notifications.rs).
        row(S_SESSION, GET, "/api/notifications", "one's own", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_SESSION, POST, "/api/notifications/read", "one's own, all", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .json(mark_all_read),
        // Agencies and units are public to everyone signed in, so a refusal by scope may say 403.
        row(S_AGENCIES, GET, "/api/agencies", "", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_AGENCIES, GET, "/api/agencies/{id}/units", "A", AgencyA,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_AGENCIES, GET, "/api/agencies/{id}/units", "no such agency", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_AGENCIES, POST, "/api/agencies/{id}/units", "A, a new unit", AgencyA,
            "401 201 201 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403")
            .json(new_unit),
        row(S_AGENCIES, PUT, "/api/units/{id}", "a unit of A, same fields", UnitA,
            "401 200 200 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403")
            .json(same_unit),
        row(S_AGENCIES, PUT, "/api/units/{id}", "no such unit", Huge,
            "401 404 404 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(same_unit),
        row(S_AGENCIES, GET, "/api/agencies/{id}/storage", "A", AgencyA,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403"),
        row(S_AGENCIES, PUT, "/api/agencies/{id}/storage", "A, a quota of 2,048 MiB", AgencyA,
            "401 200 403 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(quota),
        // Accounts: an account of another agency does not exist for an agency administrator.
        row(S_ACCOUNTS, GET, "/api/users", "is A.off listed", UserAOff,
            "401 +   +   403 403 403 403 403 403 403 403  -   403 403 403 403 403 403  -   403 403 403 403")
            .listed("users", "id"),
        row(S_ACCOUNTS, POST, "/api/users", "a new official of A", Nothing,
            "401 201 201 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403")
            .json(new_user),
        row(S_ACCOUNTS, GET, "/api/users/{id}", "A.off", UserAOff,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403"),
        row(S_ACCOUNTS, GET, "/api/users/{id}", "no such account", Huge,
            "401 404 404 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403"),
        row(S_ACCOUNTS, PUT, "/api/users/{id}", "A.off, same fields", UserAOff,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(same_official),
        row(S_ACCOUNTS, POST, "/api/users/{id}/lock", "a fresh official of A", Account,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .fresh(Fresh::Always),
        row(S_ACCOUNTS, POST, "/api/users/{id}/unlock", "a fresh locked official of A", LockedAccount,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .fresh(Fresh::Always),
        row(S_ACCOUNTS, POST, "/api/users/{id}/reset-password", "a fresh official of A", Account,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .fresh(Fresh::Always),
        row(S_ACCOUNTS, POST, "/api/users/{id}/handover", "a leader's work to A.ldr (a leader)", LeavingLeader,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(handover_to_leader).fresh(Fresh::Always),
        row(S_ACCOUNTS, POST, "/api/users/{id}/handover", "a leader's work to A.adm (may not sign)", LeavingLeader,
            "401 422 422 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(handover_to_admin).fresh(Fresh::Always).rule("1"),
        row(S_ACCOUNTS, POST, "/api/users/{id}/handover", "a leader's work to A.off (may not sign)", LeavingLeader,
            "401 422 422 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(handover_to_official).fresh(Fresh::Always).rule("1"),
        row(S_ACCOUNTS, POST, "/api/users/{id}/handover", "an official's draft to A.adm (may not draft)", LeavingOfficial,
            "401 422 422 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(handover_to_admin).fresh(Fresh::Always).rule("1"),
        row(S_ACCOUNTS, POST, "/api/users/{id}/handover", "no such account", Huge,
            "401 404 404 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(handover_to_leader),
        row(S_ACCOUNTS, GET, "/api/audit", "are A's entries listed", AgencyA,
            "401 +   +   403 403 403 403 403 403 403 403  -   403 403 403 403 403 403  -   403 403 403 403")
            .listed("entries", "agency_id"),
        row(S_ACCOUNTS, GET, "/api/audit/export.csv?agency_id={id}", "A's entries as CSV", AgencyA,
            "401 200 200 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        // Files. Knowing a SHA-256 gives nothing: a file is referred to only by the agency that uploaded it or
        // received it through a delivery, and another agency's file is answered as if never uploaded.
        row(S_FILES, PUT, "/api/blobs/{sha256}", "a new PDF", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .body(B::Upload),
        row(S_FILES, PUT, "/api/blobs/{sha256}", "without the CSRF header", Nothing,
            "401 403 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403")
            .body(B::Upload).special(Special::NoCsrf),
        row(S_FILES, POST, "/api/outgoing", "a draft of A's upload", Nothing,
            "401 403 403 201 201 201 201 201 201 201 201  403 422 422 422 422 422 422  403 422 422 422 422")
            .json(draft_a_file).check(Check::SameAsMissing).rule("2"),
        row(S_FILES, POST, "/api/outgoing", "a draft of C's upload", Nothing,
            "401 403 403 422 422 422 422 422 422 422 422  403 422 422 422 422 422 422  403 201 201 201 201")
            .json(draft_c_file).check(Check::SameAsMissing).rule("2"),
        row(S_FILES, POST, "/api/outgoing", "a draft of a file never uploaded", Nothing,
            "401 403 403 422 422 422 422 422 422 422 422  403 422 422 422 422 422 422  403 422 422 422 422")
            .json(draft_missing_file).check(Check::SameAsMissing),
        row(S_FILES, POST, "/api/outgoing/{id}/new-version", "the draft, C's upload", ODraft,
            "401 404 404 403 403 404 404 422 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(version_c_file).check(Check::SameAsMissing).rule("2"),
        row(S_FILES, POST, "/api/incoming/prefill", "A's upload", Nothing,
            "401 403 403 200 403 403 403 403 403 403 403  403 422 403 403 403 403 403  403 422 403 403 403")
            .json(prefill_a_file).check(Check::SameAsMissing).rule("2"),
        row(S_FILES, POST, "/api/incoming", "an e-mail arrival of A's upload", Nothing,
            "401 403 403 201 403 403 403 403 403 403 403  403 422 403 403 403 403 403  403 422 403 403 403")
            .json(intake_a_file).check(Check::SameAsMissing).rule("2"),
        row(S_FILES, POST, "/api/incoming", "an e-mail arrival of the file B received", Nothing,
            "401 403 403 201 403 403 403 403 403 403 403  403 201 403 403 403 403 403  403 422 403 403 403")
            .json(intake_delivered_file).check(Check::SameAsMissing).rule("2"),
        // Outgoing documents: reading.
        row(S_OUTGOING, GET, "/api/outgoing?bucket=drafts", "is the draft listed", ODraft,
            "401 -   -   -   -   -   -   +   -   -   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/outgoing?bucket=to_review", "is the document in review listed", OReview,
            "401 -   -   -   -   -   -   -   +   -   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/outgoing?bucket=to_sign", "is the document awaiting signature listed", OSign,
            "401 -   -   -   -   -   -   -   -   +   +    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/outgoing?bucket=to_issue", "is the document awaiting issue listed", OIssue,
            "401 403 403 +   403 403 403 403 403 403 403  403 -   403 403 403 403 403  403 -   403 403 403")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/outgoing?bucket=issued", "is the issued document listed", OIssued,
            "401 -   -   +   +   -   -   +   +   +   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id").rule("list"),
        row(S_OUTGOING, GET, "/api/outgoing?bucket=mine&per_page=200", "is the draft listed", ODraft,
            "401 -   -   -   -   -   -   +   +   +   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/outgoing/counts", "", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        // Search finds what the person may open, of their own agency (store/search.rs; proven for every
        // document of the world by `run_search`).
        row(S_OUTGOING, GET, "/api/search?q=bien%20che%20nam&direction=outgoing&per_page=200", "is the draft found", ODraft,
            "401 -   -   +   +   -   -   +   +   +   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/search?q=bien%20che%20nam&direction=outgoing&per_page=200", "is the issued document found", OIssued,
            "401 -   -   +   +   -   -   +   +   +   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_OUTGOING, GET, "/api/search", "without q", Nothing,
            "401 400 400 400 400 400 400 400 400 400 400  400 400 400 400 400 400 400  400 400 400 400 400"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "a draft", ODraft,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "in review", OReview,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "awaiting signature", OSign,
            "401 404 404 200 200 404 404 200 200 200 200  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "awaiting issue", OIssue,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "issued to B", OIssued,
            "401 404 404 200 200 404 404 200 200 200 404  404 200 200 200 200 404 200  404 404 404 404 404")
            .rule("3"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "C's draft", CDraft,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 200 200 404 200"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}", "no such document", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        // The history as PDF: whoever may open the document.
        row(S_OUTGOING, GET, "/api/outgoing/{id}/history.pdf", "a draft", ODraft,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/history.pdf", "issued to B", OIssued,
            "401 404 404 200 200 404 404 200 200 200 404  404 200 200 200 200 404 200  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/history.pdf", "no such document", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/files/{file}", "the draft's file", ODraftFile,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/files/{file}", "the issued file", OIssuedFile,
            "401 404 404 200 200 404 404 200 200 200 404  404 200 200 200 200 404 200  404 404 404 404 404")
            .rule("3"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/files/{file}", "the issued document's first draft", OIssuedV1File,
            "401 404 404 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, GET, "/api/outgoing/{id}/files/{file}", "the draft with a file of C's draft", OForeignFile,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        // Outgoing documents: the circuit. A success is made on a fresh document.
        row(S_OUTGOING, POST, "/api/outgoing/{id}/submit", "a draft", ODraft,
            "401 404 404 403 403 404 404 200 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(empty).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/submit", "in review already", OReview,
            "401 404 404 403 403 404 404 409 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(empty),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/new-version", "a draft, A's upload", ODraft,
            "401 404 404 403 403 404 404 200 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(version_a_file).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, PUT, "/api/outgoing/{id}", "a draft, a new trích yếu", ODraft,
            "401 404 404 403 403 404 404 200 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(edit_draft).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, PUT, "/api/outgoing/{id}", "in review already", OReview,
            "401 404 404 403 403 404 404 409 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(edit_draft),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/review", "approve, in review", OReview,
            "401 404 404 403 403 404 404 403 200 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(approve).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/review", "return, awaiting signature", OSign,
            "401 404 404 403 403 404 404 403 403 200 403  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(return_to_drafter).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, POST, "/api/outgoing/batch-review", "approve the document in review: item ok?", OReview,
            "401 -   -   -   -   -   -   -   +   -   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .json(batch_approve).fresh(Fresh::OnSuccess).check(Check::BatchOk),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/sign", "awaiting signature", OSign,
            "401 404 404 403 403 404 404 403 403 200 200  404 404 404 404 404 404 404  404 404 404 404 404")
            .body(B::Sign).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/reservation", "awaiting issue", OIssue,
            "401 404 404 200 403 404 404 403 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(empty),
        row(S_OUTGOING, DELETE, "/api/outgoing/{id}/reservation", "awaiting issue", OIssue,
            "401 404 404 204 403 404 404 403 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/issue", "awaiting issue", OIssue,
            "401 404 404 200 403 404 404 403 403 403 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .body(B::Issue).fresh(Fresh::OnSuccess),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/recall", "issued to B", OIssued,
            "401 404 404 200 200 404 404 403 403 200 404  404 403 403 403 403 404 403  404 404 404 404 404")
            .json(recall_reason).fresh(Fresh::OnSuccess).rule("3"),
        row(S_OUTGOING, POST, "/api/outgoing/{id}/submit", "no such document", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(empty),
        // Arrivals and deliveries.
        row(S_DELIVERY, GET, "/api/arrivals", "is the issued document listed", OIssued,
            "401 403 403 -   -   403 403 403 403 -   403  403 +   +   403 403 403 403  403 -   -   403 403")
            .listed("items", "outgoing_id"),
        row(S_DELIVERY, POST, "/api/deliveries/{id}/recall-answer", "B's delivery of a recalled document", DeliveryRecalled,
            "401 404 404 404 404 404 404 404 404 404 404  404 204 403 404 404 404 404  404 404 404 404 404")
            .json(refuse_recall).fresh(Fresh::OnSuccess),
        // Only clerks answer a recall: anyone else is refused by role before any lookup, for every id.
        row(S_DELIVERY, POST, "/api/deliveries/{id}/recall-answer", "no such delivery", Huge,
            "401 403 403 404 403 403 403 403 403 403 403  403 404 403 403 403 403 403  403 404 403 403 403")
            .json(refuse_recall),
        // Incoming documents. The copy at B is seen by its clerks and agency leaders, the leader it was
        // forwarded to and their delegate today, its assignees, and the leaders of a unit assigned.
        row(S_INCOMING, GET, "/api/incoming?bucket=all", "is the copy listed", ICopy,
            "401 -   -   -   -   -   -   -   -   -   -    -   +   +   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/search?q=bien%20che%20nam&direction=incoming&per_page=200", "is the copy found", ICopy,
            "401 -   -   -   -   -   -   -   -   -   -    -   +   +   +   +   -   +    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/incoming?bucket=to_register", "is the e-mail arrival listed", IArrived,
            "401 403 403 -   403 403 403 403 403 403 403  403 +   403 403 403 403 403  403 -   403 403 403")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/incoming?bucket=to_assign", "is the forwarded copy listed", IFwd,
            "401 -   -   -   -   -   -   -   -   -   -    -   -   +   -   -   -   +    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/incoming?bucket=pending", "is the copy listed", ICopy,
            "401 -   -   -   -   -   -   -   -   -   -    -   -   -   -   +   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/queue", "is the copy listed", ICopy,
            "401 -   -   -   -   -   -   -   -   -   -    -   -   -   +   +   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_INCOMING, GET, "/api/incoming/counts", "", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_INCOMING, GET, "/api/incoming/{id}", "the copy at B, assigned", ICopy,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 200 200 200 404 200  404 404 404 404 404")
            .rule("3"),
        row(S_INCOMING, GET, "/api/incoming/{id}", "a copy forwarded to B.ldr", IFwd,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 200 404 404 404 200  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}", "C's e-mail arrival", CIncoming,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 200 200 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}", "no such document", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}/history.pdf", "the copy at B, assigned", ICopy,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 200 200 200 404 200  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}/history.pdf", "no such document", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}/verification", "the copy at B", ICopy,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 200 200 200 404 200  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}/files/{file}", "the copy's file", ICopyFile,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 200 200 200 404 200  404 404 404 404 404"),
        row(S_INCOMING, GET, "/api/incoming/{id}/files/{file}", "the copy with a file of C's arrival", ICopyForeignFile,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_INCOMING, POST, "/api/incoming/{id}/accept", "an e-mail arrival at B", IArrived,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 403 404 404 404 404  404 404 404 404 404")
            .json(accept_override).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/incoming/{id}/return", "an e-mail arrival at B", IArrived,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 403 404 404 404 404  404 404 404 404 404")
            .json(return_reason).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/incoming/{id}/forward", "a registered arrival at B", IRegistered,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 403 404 404 404 404  404 404 404 404 404")
            .json(forward_to_leader).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/incoming/{id}/assign", "a copy forwarded to B.ldr", IFwd,
            "401 404 404 404 404 404 404 404 404 404 404  404 403 200 404 404 404 200  404 404 404 404 404")
            .json(assign_lead).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/incoming/{id}/close", "the copy at B, assigned", ICopy,
            "401 404 404 404 404 404 404 404 404 404 404  404 403 200 403 403 404 200  404 404 404 404 404")
            .json(return_reason).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/incoming/{id}/recall-answer", "B's copy of a recalled document", IRecalled,
            "401 404 404 404 404 404 404 404 404 404 404  404 200 403 404 404 404 404  404 404 404 404 404")
            .json(refuse_recall).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/assignments/{id}/assign", "the unit's assignment", AsgUnit,
            "401 404 404 404 404 404 404 404 404 404 404  404 403 403 200 403 404 403  404 404 404 404 404")
            .json(assign_lead).fresh(Fresh::OnSuccess),
        row(S_INCOMING, POST, "/api/assignments/{id}/act", "report on the lead assignment", AsgLead,
            "401 404 404 404 404 404 404 404 404 404 404  404 403 403 403 200 404 403  404 404 404 404 404")
            .json(report),
        row(S_INCOMING, POST, "/api/assignments/{id}/urge", "the lead assignment", AsgLead,
            "401 404 404 404 404 404 404 404 404 404 404  404 403 200 403 403 404 403  404 404 404 404 404")
            .json(urge),
        row(S_INCOMING, POST, "/api/assignments/{id}/act", "no such assignment", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(report),
        // Delegations (of one's own agency: not secret inside it) and the dashboard.
        row(S_DELEGATION, GET, "/api/delegations", "is A's signing delegation listed", DelegationA,
            "401 -   +   -   +   -   -   -   -   +   +    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_DELEGATION, POST, "/api/delegations", "from oneself", Nothing,
            "401 422 422 422 201 201 422 422 201 201 201  422 422 201 201 422 422 201  422 422 201 201 422")
            .json(delegate_from_self),
        row(S_DELEGATION, POST, "/api/delegations", "for A.ldr", Nothing,
            "401 201 201 403 201 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(delegate_for_a_leader),
        row(S_DELEGATION, DELETE, "/api/delegations/{id}", "A's signing delegation", DelegationA,
            "401 204 204 403 403 403 403 403 403 204 403  404 404 404 404 404 404 404  404 404 404 404 404")
            .fresh(Fresh::OnSuccess),
        row(S_DELEGATION, DELETE, "/api/delegations/{id}", "no such delegation", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_DELEGATION, GET, "/api/dashboard", "", Nothing,
            "401 403 403 403 200 200 403 403 200 200 200  403 403 200 200 403 403 200  403 403 200 200 403"),
        // Registers: clerks, leaders and administrators see the whole register; an official sees the entries
        // of the documents they may open.
        row(S_REGISTERS, GET, "/api/registers", "is A's outgoing register listed", RegAOut,
            "401 -   +   +   +   +   +   +   +   +   +    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("", "id"),
        row(S_REGISTERS, GET, "/api/registers/{id}/entries", "A's outgoing register: is the issued document listed", RegAOut,
            "401 +   +   +   +   +   -   +   +   +   +    404 404 404 404 404 404 404  404 404 404 404 404")
            .check(Check::Holds("rows", "document_id", OIssued)).rule("6"),
        row(S_REGISTERS, GET, "/api/registers/{id}/entries", "B's incoming register: is the copy listed", RegBIn,
            "401 +   404 404 404 404 404 404 404 404 404  +   +   +   +   +   -   +    404 404 404 404 404")
            .check(Check::Holds("rows", "incoming_id", ICopy)).rule("6"),
        // The register as a file: the same people as the entries (an official gets their own lines only).
        row(S_REGISTERS, GET, "/api/registers/{id}/export?year=2026&format=pdf", "A's outgoing register", RegAOut,
            "401 200 200 200 200 200 200 200 200 200 200  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_REGISTERS, GET, "/api/registers/{id}/export?year=2026&format=xlsx", "B's incoming register", RegBIn,
            "401 200 404 404 404 404 404 404 404 404 404  200 200 200 200 200 200 200  404 404 404 404 404"),
        row(S_REGISTERS, GET, "/api/registers/{id}/export?year=2026&format=doc", "an unknown format", RegAOut,
            "401 400 400 400 400 400 400 400 400 400 400  400 400 400 400 400 400 400  400 400 400 400 400"),
        row(S_REGISTERS, GET, "/api/registers/{id}/export?year=2026&format=pdf", "no such register", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_REGISTERS, GET, "/api/registers/{id}/entries", "no such register", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_REGISTERS, GET, "/api/colleagues", "is A.off listed", UserAOff,
            "401 -   +   +   +   +   +   +   +   +   +    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("users", "id"),
        // Record files: the agency's catalogue is seen by all its people; who handles documents opens files
        // and files what they may open; the creator, clerks and leaders close; clerks and leaders hand over.
        row(S_RECORD_FILES, GET, "/api/record-files?year=2026", "is A's open file listed", FileAOpen,
            "401 -   +   +   +   +   +   +   +   +   +    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("items", "id"),
        row(S_RECORD_FILES, POST, "/api/record-files", "a new file", Nothing,
            "401 403 403 201 201 201 201 201 201 201 201  403 201 201 201 201 201 201  403 201 201 201 201")
            .json(new_record_file),
        row(S_RECORD_FILES, GET, "/api/record-files/{id}", "A's open file", FileAOpen,
            "401 404 200 200 200 200 200 200 200 200 200  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_RECORD_FILES, GET, "/api/record-files/{id}", "no such file", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_RECORD_FILES, POST, "/api/record-files/{id}/documents", "A's empty open file: the issued document", FileAEmpty,
            "401 404 403 200 200 404 404 200 200 200 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(file_the_issued).fresh(Fresh::OnSuccess),
        row(S_RECORD_FILES, POST, "/api/record-files/{id}/documents", "A's open file: the issued document again", FileAOpen,
            "401 404 403 409 409 404 404 409 409 409 404  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(file_the_issued),
        row(S_RECORD_FILES, DELETE, "/api/record-files/{id}/documents/{kind}/{doc}", "A's open file: the issued document", FileAOpen,
            "401 404 403 200 200 403 403 403 403 200 403  404 404 404 404 404 404 404  404 404 404 404 404")
            .fresh(Fresh::OnSuccess),
        row(S_RECORD_FILES, POST, "/api/record-files/{id}/close", "A's open file", FileAOpen,
            "401 404 403 200 200 403 403 403 403 200 403  404 404 404 404 404 404 404  404 404 404 404 404")
            .fresh(Fresh::OnSuccess),
        row(S_RECORD_FILES, POST, "/api/record-files/{id}/documents", "A's closed file", FileAClosed,
            "401 404 403 409 409 409 409 409 409 409 409  404 404 404 404 404 404 404  404 404 404 404 404")
            .json(file_the_issued),
        row(S_RECORD_FILES, GET, "/api/record-files/{id}/package", "A's closed file (the download hands it over)", FileAClosed,
            "401 404 403 200 200 403 403 403 403 200 403  404 404 404 404 404 404 404  404 404 404 404 404")
            .fresh(Fresh::OnSuccess),
        row(S_RECORD_FILES, GET, "/api/record-files/{id}/package", "A's open file", FileAOpen,
            "401 404 403 409 409 403 403 403 403 409 403  404 404 404 404 404 404 404  404 404 404 404 404"),
        // The six-month report: clerks, leaders and administrators read their own agency's; the system
        // administrator any agency's, or every agency's without agency_id; officials none.
        row(S_REPORTS, GET, "/api/reports/summary?from=2026-01-01&to=2026-12-31", "one's own agency (every agency for sys)", Nothing,
            "401 200 200 200 200 200 403 403 200 200 200  200 200 200 200 403 403 200  200 200 200 200 403"),
        row(S_REPORTS, GET, "/api/reports/summary?from=2026-01-01&to=2026-12-31&agency_id={id}", "agency A", AgencyA,
            "401 200 200 200 200 200 403 403 200 200 200  403 403 403 403 403 403 403  403 403 403 403 403"),
        row(S_REPORTS, GET, "/api/reports/summary?from=2026-01-01&to=2026-12-31&format=pdf&agency_id={id}", "agency A, as PDF", AgencyA,
            "401 200 200 200 200 200 403 403 200 200 200  403 403 403 403 403 403 403  403 403 403 403 403"),
        row(S_REPORTS, GET, "/api/reports/summary?from=2026-01-01&to=2026-12-31&format=xlsx", "one's own agency, as XLSX", Nothing,
            "401 200 200 200 200 200 403 403 200 200 200  200 200 200 200 403 403 200  200 200 200 200 403"),
        row(S_REPORTS, GET, "/api/reports/summary?from=2026-01-01&to=2026-12-31&agency_id={id}", "no such agency", Huge,
            "401 404 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        // Public verification (issue 15): anyone, signed in or not, with the code printed on a copy or with a
        // file; a code no document has is 404 for everyone alike.
        row(S_PUBLIC, GET, "/api/public/verify/{code}", "the issued document's code", OIssued,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_PUBLIC, GET, "/api/public/verify/{code}", "a code no document has", Huge,
            "404 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        row(S_PUBLIC, GET, "/api/public/verify/{code}/file", "the issued document's original", OIssued,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_PUBLIC, POST, "/api/public/verify", "a PDF that is not an original", Nothing,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .body(B::Pdf),
        // Exchange between systems (issue 16): a peer signs each request with its HMAC key; no session of
        // anyone, administrators included, opens the route (the signed cases are tests/it/exchange.rs).
        row(S_EXCHANGE, POST, "/api/exchange/packets", "a packet without the peer's HMAC headers", Nothing,
            "401 401 401 401 401 401 401 401 401 401 401  401 401 401 401 401 401 401  401 401 401 401 401"),
        // Its administration: the provincial administration only.
        row(S_EXCHANGE, GET, "/api/exchange/peers", "", Nothing,
            "401 200 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        row(S_EXCHANGE, PUT, "/api/exchange/peers", "a vanban peer reaching Bộ Nội vụ", Nothing,
            "401 200 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403")
            .json(exchange_peer),
        row(S_EXCHANGE, GET, "/api/exchange/queue", "", Nothing,
            "401 200 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        row(S_EXCHANGE, POST, "/api/exchange/outbox/{id}/retry", "no such packet", Huge,
            "401 404 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        // Certificates (issue 17): a person asks for and presents certificates of their own keys only; the
        // registry is administered by each agency's administrators for their agency (another agency's bindings
        // and accounts do not exist for them) and by the provincial administrator; the revocation sources are
        // the server's, the provincial administrator's; the demo CA's CRL is public.
        row(S_CERTIFICATES, GET, "/api/me/certificates", "is A.off's certificate listed", CertAOff,
            "401 -   -   -   -   -   +   -   -   -   -    -   -   -   -   -   -   -    -   -   -   -   -  ")
            .listed("certificates", "id"),
        row(S_CERTIFICATES, POST, "/api/me/certificate-requests", "a key request of one's own", Nothing,
            "401 201 201 201 201 201 201 201 201 201 201  201 201 201 201 201 201 201  201 201 201 201 201")
            .json(key_request),
        row(S_CERTIFICATES, POST, "/api/me/certificates", "the certificate issued for A.off's key request", Nothing,
            "401 422 422 422 422 422 201 422 422 422 422  422 422 422 422 422 422 422  422 422 422 422 422")
            .json(issued_for_a_off),
        row(S_CERTIFICATES, GET, "/api/admin/certificates", "is A.off's certificate listed", CertAOff,
            "401 +   +   403 403 403 403 403 403 403 403  -   403 403 403 403 403 403  -   403 403 403 403")
            .listed("", "id"),
        row(S_CERTIFICATES, POST, "/api/admin/certificates", "a new certificate for A.off", Nothing,
            "401 201 201 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(register_for_a_off),
        row(S_CERTIFICATES, POST, "/api/admin/certificates/{id}/revoke", "A.off's certificate", CertAOff,
            "401 200 200 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(revoke_binding).fresh(Fresh::OnSuccess),
        row(S_CERTIFICATES, POST, "/api/admin/certificates/{id}/revoke", "no such certificate", Huge,
            "401 404 404 403 403 403 403 403 403 403 403  404 403 403 403 403 403 403  404 403 403 403 403")
            .json(revoke_binding),
        row(S_CERTIFICATES, GET, "/api/admin/revocation-sources", "", Nothing,
            "401 200 403 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  403 403 403 403 403"),
        row(S_CERTIFICATES, GET, "/pki/ca.crl", "the demo CA's CRL", Nothing,
            "200 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        // Remote signing (issue 17): one's own identifier and requests only; the matrix's server has no provider,
        // so a request is a 409 for everyone, and another person's request (here: none) is a 404.
        row(S_CERTIFICATES, GET, "/api/me/remote-signing", "one's own provider settings", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200"),
        row(S_CERTIFICATES, PUT, "/api/me/remote-signing", "one's own identifier", Nothing,
            "401 200 200 200 200 200 200 200 200 200 200  200 200 200 200 200 200 200  200 200 200 200 200")
            .json(remote_identifier),
        row(S_CERTIFICATES, POST, "/api/me/remote-signing/signatures", "a registration, without a provider", Nothing,
            "401 409 409 409 409 409 409 409 409 409 409  409 409 409 409 409 409 409  409 409 409 409 409")
            .json(remote_registration),
        row(S_CERTIFICATES, GET, "/api/me/remote-signing/signatures/{id}", "no such request of one's own", Huge,
            "401 404 404 404 404 404 404 404 404 404 404  404 404 404 404 404 404 404  404 404 404 404 404"),
        // Last: these rows may take the system administrator's role away; it is restored after each cell.
        row(S_LAST_ADMIN, PUT, "/api/users/{id}", "sys: roles → agency_admin (the last system administrator)", UserSys,
            "401 409 404 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  404 403 403 403 403")
            .json(sys_demoted).special(Special::RestoreSys).rule("5"),
        row(S_LAST_ADMIN, POST, "/api/users/{id}/lock", "sys (the last system administrator)", UserSys,
            "401 409 404 403 403 403 403 403 403 403 403  403 403 403 403 403 403 403  404 403 403 403 403")
            .special(Special::RestoreSys).rule("5"),
    ]
}

fn tokens(expect: &str) -> Vec<&str> {
    expect.split_whitespace().collect()
}

// ---------------------------------------------------------------------------------------------------------
// Live events: (change, actor) → hears it?
// ---------------------------------------------------------------------------------------------------------

/// One change of a document's life and who hears of it: `yes` must, `no` must not (they would get 404 on the
/// document), `may` (they may open the document; hearing of it is not checked).
struct EventRow {
    change: &'static str,
    expect: &'static str,
}

fn event_table() -> Vec<EventRow> {
    vec![
        //                     any sys Aad Acl Ald Aul Aof drf rev sgn Adl  Bad Bcl Bld Bul Bas Bof Bdl  Cad Ccl Cld Cul Cof
        EventRow {
            change: "the drafter submits (to the reviewer)",
            expect: ".   no  no  may may no  no  may yes may no   no  no  no  no  no  no  no   no  no  no  no  no ",
        },
        EventRow {
            change: "the reviewer approves (to the signer)",
            expect: ".   no  no  may may no  no  may may yes may  no  no  no  no  no  no  no   no  no  no  no  no ",
        },
        EventRow {
            change: "the signer signs (to the clerks)",
            expect: ".   no  no  yes may no  no  may may may no   no  no  no  no  no  no  no   no  no  no  no  no ",
        },
        EventRow {
            change: "the clerk issues (arrives at B)",
            expect: ".   no  no  may may no  no  may may may no   no  yes may no  no  no  no   no  no  no  no  no ",
        },
        EventRow {
            change: "B's clerk registers and forwards to B.ldr",
            expect: ".   no  no  may may no  no  may may may no   no  may yes no  no  no  may  no  no  no  no  no ",
        },
        EventRow {
            change: "B.ldr assigns B.asg (lead) and B.ul's unit",
            expect: ".   no  no  may may no  no  may may may no   no  may may yes yes no  may  no  no  no  no  no ",
        },
        EventRow {
            change: "B.ldr urges B.asg",
            expect: ".   no  no  no  no  no  no  no  no  no  no   no  no  may no  yes no  no   no  no  no  no  no ",
        },
        EventRow {
            change: "A's clerk recalls it",
            expect: ".   no  no  may may no  no  may may may no   no  yes may may may no  may  no  no  no  no  no ",
        },
    ]
}

// ---------------------------------------------------------------------------------------------------------
// The world: people and objects, built once per database
// ---------------------------------------------------------------------------------------------------------

struct World {
    db: TestDb,
    app: axum::Router,
    p: People,
    agency_b: i64,
    agency_c: i64,
    unit_kt: i64,
    users: HashMap<Who, i64>,
    sessions: std::sync::Mutex<HashMap<Who, (String, String)>>,
    registers: HashMap<(Agency, &'static str), i64>,
    blob_a: String,
    blob_c: String,
    blob_b: String,
    blob_issued: String,
    /// The issued document's verification code.
    verification_code: String,
    blob_missing: String,
    o: HashMap<T, (i64, i64)>,
    counter: AtomicUsize,
    /// A key request (PEM) anyone may send.
    csr: String,
    /// The certificate (PEM) the CA issued for A.off's key request.
    issued_for_a_off: String,
    /// The demo CA's directory, whose CRL the server publishes.
    _ca_dir: tempfile::TempDir,
}

fn fast_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| vanban::auth::hash_password(crate::common::PASSWORD).unwrap())
        .clone()
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../shared/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

impl World {
    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    fn id(&self, who: Who) -> i64 {
        self.users[&who]
    }

    fn obj(&self, t: T) -> (i64, i64) {
        self.o[&t]
    }

    fn client(&self, who: Who) -> Client {
        let mut c = Client::with_app(self.app.clone());
        if let Some((cookie, csrf)) = self.sessions.lock().unwrap().get(&who) {
            c.cookie = Some(cookie.clone());
            c.csrf = Some(csrf.clone());
        }
        c
    }

    async fn login(&self, who: Who) {
        let mut c = Client::with_app(self.app.clone());
        c.login_ok(who.username().unwrap()).await;
        self.sessions
            .lock()
            .unwrap()
            .insert(who, (c.cookie.unwrap(), c.csrf.unwrap()));
    }

    /// A draft by `who` in their own agency, signed by its leader, to another agency.
    fn draft_for(&self, who: Who, sha: &str) -> Value {
        let (signer, to) = match who.agency() {
            Agency::B => (self.id(BLdr), self.p.base.department),
            Agency::C => (self.id(CLdr), self.p.base.department),
            _ => (self.id(Signer), self.agency_b),
        };
        let register = self
            .registers
            .get(&(who.agency(), "outgoing"))
            .copied()
            .unwrap_or(0);
        json!({
            "doc_type": "cong_van",
            "subject": "Về việc báo cáo tình hình biên chế năm 2026",
            "urgency": "normal",
            "signer_id": signer,
            "signing_capacity": "direct",
            "register_id": register,
            "internal_recipients": [to],
            "external_recipients": [],
            "paper_recipients": [],
            "reviewers": [],
            "main_file": {"sha256": sha, "name": "du-thao.pdf"},
        })
    }

    async fn new_draft(&self, reviewers: &[i64], signer: i64) -> Value {
        let mut body = docs::draft_body(&self.p, &self.blob_a, reviewers);
        body["signer_id"] = json!(signer);
        body["internal_recipients"] = json!([self.agency_b]);
        self.client(Drafter)
            .post("/api/outgoing", body)
            .await
            .expect(StatusCode::CREATED)
            .body
    }

    async fn draft(&self) -> i64 {
        self.new_draft(&[self.id(Reviewer)], self.id(Signer)).await["id"]
            .as_i64()
            .unwrap()
    }

    async fn submit(&self, id: i64) {
        self.client(Drafter)
            .post(&format!("/api/outgoing/{id}/submit"), json!({}))
            .await
            .expect(StatusCode::OK);
    }

    async fn in_review(&self) -> i64 {
        let id = self.draft().await;
        self.submit(id).await;
        id
    }

    async fn awaiting_signature(&self) -> i64 {
        let id = self.in_review().await;
        self.client(Reviewer)
            .post(
                &format!("/api/outgoing/{id}/review"),
                approve(self, Reviewer, id),
            )
            .await
            .expect(StatusCode::OK);
        id
    }

    /// The body of a signature of the latest version by `who` (uploaded by them).
    async fn signed_body(&self, id: i64, who: Who) -> Value {
        let mut c = self.client(who);
        let doc = c
            .get(&format!("/api/outgoing/{id}"))
            .await
            .expect(StatusCode::OK)
            .body;
        let draft = docs::latest_main(&mut c, &doc).await;
        let name = if who == ADlg {
            ADLG_NAME
        } else {
            docs::LEADER_NAME
        };
        let signed = sign(
            &draft,
            &pki().signer(name, CertRole::Person),
            SignatureKind::Signer,
            None,
        );
        let sha = upload(&mut c, &signed).await;
        json!({"main_sha256": sha})
    }

    async fn awaiting_issue(&self) -> i64 {
        let id = self.awaiting_signature().await;
        let body = self.signed_body(id, Signer).await;
        self.client(Signer)
            .post(&format!("/api/outgoing/{id}/sign"), body)
            .await
            .expect(StatusCode::OK);
        id
    }

    /// Reserves a number and uploads the numbered, sealed file, as the clerk's browser does.
    async fn issue_body(&self, id: i64) -> Value {
        let mut clerk = self.client(AClk);
        let doc = clerk
            .get(&format!("/api/outgoing/{id}"))
            .await
            .expect(StatusCode::OK)
            .body;
        let reservation = clerk
            .post(&format!("/api/outgoing/{id}/reservation"), json!({}))
            .await
            .expect(StatusCode::OK)
            .body;
        let signed = docs::latest_main(&mut clerk, &doc).await;
        let sealed = docs::number_and_seal(
            &signed,
            &reservation,
            &pki().signer(docs::DEPT_NAME, CertRole::Seal),
        );
        json!({"main_sha256": upload(&mut clerk, &sealed).await})
    }

    /// A document issued to B; answers (outgoing id, B's copy).
    async fn issued(&self) -> (i64, i64) {
        let id = self.awaiting_issue().await;
        let body = self.issue_body(id).await;
        self.client(AClk)
            .post(&format!("/api/outgoing/{id}/issue"), body)
            .await
            .expect(StatusCode::OK);
        (id, self.newest_arrival().await)
    }

    async fn newest_arrival(&self) -> i64 {
        let list = self
            .client(BClk)
            .get("/api/incoming?bucket=to_register")
            .await
            .expect(StatusCode::OK)
            .body;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .max()
            .unwrap()
    }

    async fn recalled(&self) -> (i64, i64) {
        let (id, copy) = self.issued().await;
        self.client(AClk)
            .post(
                &format!("/api/outgoing/{id}/recall"),
                recall_reason(self, AClk, id),
            )
            .await
            .expect(StatusCode::OK);
        (id, copy)
    }

    async fn delivery_to_b(&self, outgoing: i64) -> i64 {
        let doc = self
            .client(AClk)
            .get(&format!("/api/outgoing/{outgoing}"))
            .await
            .expect(StatusCode::OK)
            .body;
        doc["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["recipient_agency_id"] == json!(self.agency_b))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// An e-mail arrival at B (status `arrived`).
    async fn arrival(&self) -> i64 {
        self.client(BClk)
            .post("/api/incoming", intake(&self.blob_b))
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_i64()
            .unwrap()
    }

    async fn accept(&self, id: i64, forward: bool) {
        let mut body = accept_override(self, BClk, id);
        if forward {
            body["forward_to"] = json!(self.id(BLdr));
        }
        self.client(BClk)
            .post(&format!("/api/incoming/{id}/accept"), body)
            .await
            .expect(StatusCode::OK);
    }

    /// Assigns `id` (forwarded to B.ldr): lead B.asg, co-operating B.ul's unit. Answers (lead, unit) ids.
    async fn assign(&self, id: i64) -> (i64, i64) {
        let doc = self
            .client(BLdr)
            .post(
                &format!("/api/incoming/{id}/assign"),
                json!({"due_date": in_days(7), "targets": [
                    {"role": "lead", "to": {"kind": "user", "id": self.id(BAsg)}},
                    {"role": "cooperate", "to": {"kind": "unit", "id": self.unit_kt}},
                ]}),
            )
            .await
            .expect(StatusCode::OK)
            .body;
        let find = |role: &str| {
            doc["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["role"] == role)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        (find("lead"), find("cooperate"))
    }

    fn first_file(doc: &Value) -> i64 {
        doc["versions"][0]["files"][0]["id"].as_i64().unwrap()
    }

    fn last_file(doc: &Value) -> i64 {
        doc["versions"].as_array().unwrap().last().unwrap()["files"][0]["id"]
            .as_i64()
            .unwrap()
    }

    async fn outgoing(&self, who: Who, id: i64) -> Value {
        self.client(who)
            .get(&format!("/api/outgoing/{id}"))
            .await
            .expect(StatusCode::OK)
            .body
    }

    async fn incoming(&self, who: Who, id: i64) -> Value {
        self.client(who)
            .get(&format!("/api/incoming/{id}"))
            .await
            .expect(StatusCode::OK)
            .body
    }

    async fn account(&self, locked: bool) -> i64 {
        let n = self.next();
        let user = self
            .db
            .store
            .create_user(
                &Actor::default(),
                new_user_record(
                    &format!("tam{n}.snv"),
                    "Người Tạm",
                    self.p.base.department_unit,
                    Role::Official,
                ),
            )
            .await
            .unwrap();
        if locked {
            self.db
                .store
                .set_user_locked(&Actor::default(), user.id, true)
                .await
                .unwrap();
        }
        user.id
    }

    /// A new agency leader of A with one document awaiting their signature: (leader, document).
    async fn leaving_leader(&self) -> (i64, i64) {
        let n = self.next();
        let leader = self
            .db
            .store
            .create_user(
                &Actor::default(),
                new_user_record(
                    &format!("ld{n}.snv"),
                    "Lãnh Đạo Tạm",
                    self.p.base.department_office_unit,
                    Role::AgencyLeader,
                ),
            )
            .await
            .unwrap()
            .id;
        let id = self.new_draft(&[], leader).await["id"].as_i64().unwrap();
        self.submit(id).await;
        (leader, id)
    }

    /// A new official of A with one open draft of their own: (official, document).
    async fn leaving_official(&self) -> (i64, i64) {
        let n = self.next();
        let name = format!("lo{n}.snv");
        let official = self
            .db
            .store
            .create_user(
                &Actor::default(),
                new_user_record(
                    &name,
                    "Chuyên Viên Tạm",
                    self.p.base.department_unit,
                    Role::Official,
                ),
            )
            .await
            .unwrap()
            .id;
        let mut c = Client::with_app(self.app.clone());
        c.login_ok(&name).await;
        let doc = c
            .post("/api/outgoing", self.draft_for(Drafter, &self.blob_a))
            .await
            .expect(StatusCode::CREATED)
            .body;
        (official, doc["id"].as_i64().unwrap())
    }

    /// An open record file of A without documents.
    async fn empty_record_file_a(&self) -> i64 {
        self.client(AClk)
            .post(
                "/api/record-files",
                json!({"title": "Hồ sơ trống của A", "year": 2026, "retention_years": 5}),
            )
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_i64()
            .unwrap()
    }

    /// A record file of A opened by its clerk with the issued document in it; closed when `closed`.
    async fn record_file_a(&self, closed: bool) -> i64 {
        let mut clerk = self.client(AClk);
        let file = clerk
            .post(
                "/api/record-files",
                json!({"title": "Hồ sơ của A", "year": 2026, "retention_years": 0}),
            )
            .await
            .expect(StatusCode::CREATED)
            .body;
        let id = file["id"].as_i64().unwrap();
        clerk
            .post(
                &format!("/api/record-files/{id}/documents"),
                json!({"kind": "outgoing", "id": self.o[&T::OIssued].0}),
            )
            .await
            .expect(StatusCode::OK);
        if closed {
            clerk
                .post(&format!("/api/record-files/{id}/close"), json!({}))
                .await
                .expect(StatusCode::OK);
        }
        id
    }

    /// A new certificate registered to A.off by an administrator: its id.
    async fn certificate_of_a_off(&self) -> i64 {
        let cert = pki().certificate(&format!("Cán bộ A số {}", self.next()), CertRole::Person);
        self.client(AAdm)
            .post(
                shared::api::ADMIN_CERTIFICATES,
                json!({"certificate": shared::pki::cert_to_pem(&cert).unwrap(), "user_id": self.id(AOff)}),
            )
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_i64()
            .unwrap()
    }

    async fn delegation_a(&self) -> i64 {
        let list = self
            .client(Signer)
            .post(
                "/api/delegations",
                json!({"to_user_id": self.id(ADlg), "starts_on": in_days(0), "ends_on": in_days(30),
                       "signing": "kt", "reason": "Đi công tác"}),
            )
            .await
            .expect(StatusCode::CREATED)
            .body;
        list["items"][0]["id"].as_i64().unwrap()
    }

    /// A fresh object of kind `t` for one cell.
    async fn fresh(&self, t: T) -> (i64, i64) {
        use T::*;
        match t {
            Account => (self.account(false).await, 0),
            LockedAccount => (self.account(true).await, 0),
            LeavingLeader => self.leaving_leader().await,
            LeavingOfficial => self.leaving_official().await,
            ODraft => (self.draft().await, 0),
            OReview => (self.in_review().await, 0),
            OSign => (self.awaiting_signature().await, 0),
            OIssue => (self.awaiting_issue().await, 0),
            OIssued => (self.issued().await.0, 0),
            DeliveryRecalled => {
                let (id, _) = self.recalled().await;
                (self.delivery_to_b(id).await, 0)
            }
            IRecalled => (self.recalled().await.1, 0),
            IArrived => (self.arrival().await, 0),
            IRegistered => {
                let id = self.arrival().await;
                self.accept(id, false).await;
                (id, 0)
            }
            IFwd => {
                let id = self.arrival().await;
                self.accept(id, true).await;
                (id, 0)
            }
            AsgUnit | AsgLead => {
                let id = self.arrival().await;
                self.accept(id, true).await;
                let (lead, unit) = self.assign(id).await;
                (if t == AsgLead { lead } else { unit }, 0)
            }
            // An arrival assigned like the copy (lead B.asg, B.ul's unit co-operating), in progress.
            ICopy => {
                let id = self.arrival().await;
                self.accept(id, true).await;
                self.assign(id).await;
                (id, 0)
            }
            DelegationA => (self.delegation_a().await, 0),
            FileAOpen => (self.record_file_a(false).await, self.o[&T::OIssued].0),
            FileAClosed => (self.record_file_a(true).await, 0),
            FileAEmpty => (self.empty_record_file_a().await, 0),
            CertAOff => (self.certificate_of_a_off().await, 0),
            other => panic!("no fresh {other:?}"),
        }
    }

    async fn build(db: TestDb) -> World {
        let store = db.store.clone();
        let p = docs::people(store.as_ref()).await;
        // Every actor calls from one address: the public routes' rate limit is not what this table tests.
        let mut config = docs::config();
        config.verify_limits.per_window = i64::MAX;
        let ca_dir = tempfile::tempdir().unwrap();
        pki().write_ca_dir(ca_dir.path());
        config.ca_dir = Some(ca_dir.path().to_path_buf());
        let app = crate::common::app(store.clone(), config);
        let sys = Actor::default();
        let unit = |agency: i64, name: &str, short: &str, kind| {
            let store = store.clone();
            let (name, short) = (name.to_string(), short.to_string());
            async move {
                store
                    .create_unit(
                        &Actor::default(),
                        agency,
                        UnitFields {
                            name,
                            short_name: short,
                            kind,
                        },
                    )
                    .await
                    .unwrap()
                    .id
            }
        };
        let agency_b = p.base.province;
        let agency_c = store
            .create_agency(
                &sys,
                NewAgency {
                    code: AgencyCode::parse("000.00.03.H62").unwrap(),
                    name: "Sở Tài chính".into(),
                    short_name: "STC".into(),
                    parent_id: Some(agency_b),
                },
            )
            .await
            .unwrap()
            .id;
        let unit_kt = unit(agency_b, "Phòng Kinh tế", "KT", UnitKind::Phong).await;
        let unit_th = unit(agency_b, "Phòng Tổng hợp", "TH", UnitKind::Phong).await;
        let c_office = unit(agency_c, "Văn phòng", "VP", UnitKind::VanPhong).await;
        let c_unit = unit(agency_c, "Phòng Ngân sách", "NS", UnitKind::Phong).await;
        let (a_office, a_unit, b_office) = (
            p.base.department_office_unit,
            p.base.department_unit,
            p.base.province_office_unit,
        );
        let mut users = HashMap::from([
            (Sys, p.base.admin),
            (AAdm, p.base.dept_admin),
            (AClk, p.base.dept_clerk),
            (Drafter, p.base.dept_official),
            (Reviewer, p.unit_leader),
            (Signer, p.leader),
            (BClk, p.province_clerk),
            (BOff, p.base.province_official),
        ]);
        let extra: [(Who, &str, i64, Role); 14] = [
            (ALdr, "Trịnh Văn Đức", a_office, Role::AgencyLeader),
            (AUl, "Mai Thị Lan", a_unit, Role::UnitLeader),
            (AOff, "Hồ Văn Cường", a_unit, Role::Official),
            (ADlg, ADLG_NAME, a_office, Role::UnitLeader),
            (BAdm, "Quách Văn Trị", b_office, Role::AgencyAdmin),
            (BLdr, "Nguyễn Văn Chánh", b_office, Role::AgencyLeader),
            (BUl, "Lâm Thị Trưởng", unit_kt, Role::UnitLeader),
            (BAsg, "Đỗ Văn Hai", unit_kt, Role::Official),
            (BDlg, "Kiều Văn Tổng", unit_th, Role::UnitLeader),
            (CAdm, "Võ Văn Tài", c_office, Role::AgencyAdmin),
            (CClk, "Lý Thị Chính", c_office, Role::Clerk),
            (CLdr, "Tạ Văn Giám", c_office, Role::AgencyLeader),
            (CUl, "Phùng Thị Sách", c_unit, Role::UnitLeader),
            (COff, "Châu Văn Ngân", c_unit, Role::Official),
        ];
        for (who, name, unit, role) in extra {
            let id = store
                .create_user(
                    &sys,
                    new_user_record(who.username().unwrap(), name, unit, role),
                )
                .await
                .unwrap()
                .id;
            users.insert(who, id);
        }
        // The delegate signs with a certificate registered to them (the signer's is registered by `people`).
        docs::register(
            &store,
            vanban::store::certificates::Owner::User(users[&ADlg]),
            ADLG_NAME,
            CertRole::Person,
        )
        .await;
        let mut registers = HashMap::new();
        for (agency, key) in [
            (p.base.department, Agency::A),
            (agency_b, Agency::B),
            (agency_c, Agency::C),
        ] {
            for r in store.list_registers(agency).await.unwrap() {
                let dir = if r.direction == "outgoing" {
                    "outgoing"
                } else {
                    "incoming"
                };
                registers.entry((key, dir)).or_insert(r.id);
            }
        }
        let mut w = World {
            db,
            app,
            p,
            agency_b,
            agency_c,
            unit_kt,
            users,
            sessions: Default::default(),
            registers,
            blob_a: String::new(),
            blob_c: String::new(),
            blob_b: String::new(),
            blob_issued: String::new(),
            verification_code: String::new(),
            blob_missing: docs::sha256(b"never uploaded anywhere"),
            o: HashMap::new(),
            counter: AtomicUsize::new(0),
            csr: String::new(),
            issued_for_a_off: String::new(),
            _ca_dir: ca_dir,
        };
        for who in ACTORS {
            if who != Anon {
                w.login(who).await;
            }
        }
        w.blob_a = upload(&mut w.client(Drafter), &docs::draft_pdf()).await;
        w.blob_c = upload(&mut w.client(COff), &corpus("gs-pdfwrite-1.3.pdf")).await;
        w.blob_b = upload(&mut w.client(BClk), &corpus("rotated-270.pdf")).await;

        // The delegations in force today: the signer's (with signing) and B's leader's (assigning).
        let delegation_a = w.delegation_a().await;
        w.client(BLdr)
            .post(
                "/api/delegations",
                json!({"to_user_id": w.id(BDlg), "starts_on": in_days(0), "ends_on": in_days(30)}),
            )
            .await
            .expect(StatusCode::CREATED);

        let o_draft = w.draft().await;
        let o_review = w.in_review().await;
        let o_sign = w.awaiting_signature().await;
        let o_issue = w.awaiting_issue().await;
        let (o_issued, i_copy) = w.issued().await;
        w.accept(i_copy, true).await;
        let (asg_lead, asg_unit) = w.assign(i_copy).await;
        let (o_recalled, i_recalled) = w.recalled().await;
        let delivery = w.delivery_to_b(o_recalled).await;
        let i_fwd = w.fresh(T::IFwd).await.0;
        let i_arrived = w.arrival().await;
        let i_registered = w.fresh(T::IRegistered).await.0;

        let c_draft = w
            .client(COff)
            .post("/api/outgoing", w.draft_for(COff, &w.blob_c))
            .await
            .expect(StatusCode::CREATED)
            .body;
        let c_incoming = w
            .client(CClk)
            .post(
                "/api/incoming",
                intake(&upload(&mut w.client(CClk), &corpus("rotated-180.pdf")).await),
            )
            .await
            .expect(StatusCode::CREATED)
            .body;

        let draft_doc = w.outgoing(Drafter, o_draft).await;
        let issued_doc = w.outgoing(AClk, o_issued).await;
        let copy_doc = w.incoming(BClk, i_copy).await;
        w.blob_issued =
            issued_doc["versions"].as_array().unwrap().last().unwrap()["files"][0]["sha256"]
                .as_str()
                .unwrap()
                .to_string();
        w.verification_code = issued_doc["verification_code"]
            .as_str()
            .expect("the issued document's verification code")
            .to_string();
        let c_draft_file = Self::first_file(&c_draft);
        let c_incoming_file = c_incoming["files"][0]["id"].as_i64().unwrap();
        let copy_file = copy_doc["files"][0]["id"].as_i64().unwrap();

        use T::*;
        w.o = HashMap::from([
            (Nothing, (0, 0)),
            (Huge, (HUGE, HUGE)),
            (AgencyA, (w.p.base.department, 0)),
            (UnitA, (w.p.base.department_unit, 0)),
            (UserAOff, (w.id(AOff), 0)),
            (UserSys, (w.id(Sys), 0)),
            (ODraft, (o_draft, 0)),
            (OReview, (o_review, 0)),
            (OSign, (o_sign, 0)),
            (OIssue, (o_issue, 0)),
            (OIssued, (o_issued, 0)),
            (ODraftFile, (o_draft, Self::first_file(&draft_doc))),
            (OIssuedFile, (o_issued, Self::last_file(&issued_doc))),
            (OIssuedV1File, (o_issued, Self::first_file(&issued_doc))),
            (OForeignFile, (o_draft, c_draft_file)),
            (CDraft, (c_draft["id"].as_i64().unwrap(), 0)),
            (ICopy, (i_copy, 0)),
            (ICopyFile, (i_copy, copy_file)),
            (ICopyForeignFile, (i_copy, c_incoming_file)),
            (IFwd, (i_fwd, 0)),
            (IArrived, (i_arrived, 0)),
            (IRegistered, (i_registered, 0)),
            (IRecalled, (i_recalled, 0)),
            (CIncoming, (c_incoming["id"].as_i64().unwrap(), 0)),
            (AsgLead, (asg_lead, 0)),
            (AsgUnit, (asg_unit, 0)),
            (DeliveryRecalled, (delivery, 0)),
            (DelegationA, (delegation_a, 0)),
            (RegAOut, (w.registers[&(Agency::A, "outgoing")], 0)),
            (RegBIn, (w.registers[&(Agency::B, "incoming")], 0)),
        ]);
        let file_open = w.record_file_a(false).await;
        let file_closed = w.record_file_a(true).await;
        w.o.insert(FileAOpen, (file_open, o_issued));
        w.o.insert(FileAClosed, (file_closed, 0));
        let file_empty = w.empty_record_file_a().await;
        w.o.insert(FileAEmpty, (file_empty, 0));
        let cert_a_off = w.certificate_of_a_off().await;
        w.o.insert(CertAOff, (cert_a_off, 0));
        let anyones = shared::pki::generate_key().unwrap();
        w.csr = shared::keystore::certificate_request(&anyones, "Ai cũng được", None).unwrap();
        let a_offs = shared::pki::generate_key().unwrap();
        let a_off_csr = shared::keystore::certificate_request(&a_offs, "Cán bộ A", None).unwrap();
        w.client(AOff)
            .post(
                shared::api::ME_CERTIFICATE_REQUESTS,
                json!({ "csr": a_off_csr }),
            )
            .await
            .expect(StatusCode::CREATED);
        w.issued_for_a_off =
            shared::pki::cert_to_pem(&pki().issue_for_csr(&a_off_csr, 7_000_001)).unwrap();
        let _ = w.agency_c;
        w
    }
}

fn new_user_record(username: &str, name: &str, unit_id: i64, role: Role) -> NewUser {
    NewUser {
        username: username.into(),
        fields: UserFields {
            full_name: name.into(),
            position: None,
            email: None,
            phone: None,
            unit_id,
            roles: vec![role],
        },
        password_hash: fast_hash(),
        must_change_password: false,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Running the cells
// ---------------------------------------------------------------------------------------------------------

fn is_success(tok: &str) -> bool {
    tok == "+" || tok.starts_with('2')
}

fn fill(path: &str, id: i64, file: i64) -> String {
    path.replace("{id}", &id.to_string())
        .replace("{file}", &file.to_string())
        .replace("{doc}", &file.to_string())
        .replace("{kind}", "outgoing")
}

/// Sends the row's request as `who` on object (`id`, `file`); answers the answer and, for lists, whether the
/// object was listed.
async fn send(w: &World, r: &Row, who: Who, id: i64, file: i64) -> (Answer, Option<bool>) {
    let mut c = w.client(who);
    if r.special == Special::NoCsrf {
        c.csrf = None;
    }
    // A code no document has for the id that never existed, else the issued document's.
    let code = if id == HUGE {
        "7K3M-Q9XD-2FHB"
    } else {
        w.verification_code.as_str()
    };
    let path = fill(r.path, id, file).replace("{code}", code);
    let answer = match (r.special, r.body) {
        (Special::Stream, _) => {
            let mut req = Request::builder()
                .method(Method::GET)
                .uri(path.as_str())
                .header(header::HOST, "vanban.test");
            if let Some(cookie) = &c.cookie {
                req = req.header(header::COOKIE, format!("vanban_session={cookie}"));
            }
            let mut req = req.body(Body::empty()).unwrap();
            req.extensions_mut().insert(ConnectInfo(c.addr));
            let resp = w.app.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = if status.is_success() {
                Value::Null
            } else {
                let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice(&bytes).unwrap_or(Value::Null)
            };
            Answer {
                status,
                headers,
                body,
            }
        }
        (Special::Login, _) => {
            let mut fresh = Client::with_app(w.app.clone());
            fresh
                .login(who.username().unwrap(), crate::common::PASSWORD)
                .await
        }
        (Special::Logout, _) => {
            let mut second = Client::with_app(w.app.clone());
            if let Some(name) = who.username() {
                second.login_ok(name).await;
            }
            second.post(&path, json!({})).await
        }
        (_, B::Upload) => {
            let bytes = [
                corpus("rotated-90.pdf"),
                format!("\n% {}\n", w.next()).into_bytes(),
            ]
            .concat();
            let sha = docs::sha256(&bytes);
            c.raw(
                Method::PUT,
                &path.replace("{sha256}", &sha),
                bytes,
                &[("content-type", "application/pdf")],
            )
            .await
        }
        (_, B::Sign) => {
            let body = if matches!(who, Signer | ADlg) && id != HUGE {
                w.signed_body(id, who).await
            } else {
                json!({"main_sha256": w.blob_a})
            };
            c.send(r.method.clone(), &path, Some(body)).await
        }
        (_, B::Issue) => {
            let body = if who == AClk && id != HUGE {
                w.issue_body(id).await
            } else {
                json!({"main_sha256": w.blob_a})
            };
            c.send(r.method.clone(), &path, Some(body)).await
        }
        (_, B::Pdf) => {
            c.raw(
                r.method.clone(),
                &path,
                corpus("rotated-90.pdf"),
                &[("content-type", "application/pdf")],
            )
            .await
        }
        (_, B::Json(f)) => c.send(r.method.clone(), &path, Some(f(w, who, id))).await,
        (_, B::None) => c.send(r.method.clone(), &path, None).await,
    };
    let listed = match r.check {
        Check::Holds(key, field, object) if answer.status == StatusCode::OK => {
            let want = w.obj(object).0;
            Some(
                answer.body[key]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|i| i[field] == json!(want))),
            )
        }
        Check::Listed(key, field) if answer.status == StatusCode::OK => {
            let list = if key.is_empty() {
                &answer.body
            } else {
                &answer.body[key]
            };
            Some(
                list.as_array()
                    .is_some_and(|l| l.iter().any(|i| i[field] == json!(id))),
            )
        }
        Check::BatchOk if answer.status == StatusCode::OK => {
            Some(answer.body["results"][0]["ok"] == json!(true))
        }
        _ => None,
    };
    (answer, listed)
}

fn token_of(answer: &Answer, listed: Option<bool>) -> String {
    match listed {
        Some(true) => "+".into(),
        Some(false) => "-".into(),
        None => answer.status.as_u16().to_string(),
    }
}

/// A wrong cell.
/// What a group of wrong cells means.
fn cause(tag: &str) -> &'static str {
    match tag {
        "1" => "rule 1: a handover gives work to an account whose roles may not do it",
        "2" => "rule 2: an upload of another agency is accepted by its SHA-256",
        "3" => {
            "rule 3: people of the recipient agency without access to its copy read the document"
        }
        "4" => "rule 4: a live event reaches someone who would get 404 on the document",
        "5" => "rule 5: the last system administrator loses the role",
        "6" => "rule 6: an official sees register entries of documents they may not open",
        "list" => "a list shows a document the caller may not open",
        "hid" => {
            "an object the caller may not see answers otherwise than an id that never existed (status)"
        }
        "words" => {
            "an object the caller may not see answers otherwise than an id that never existed (words)"
        }
        _ => "the answer differs from the table",
    }
}

struct Miss {
    row: String,
    rule: &'static str,
    who: Who,
    expected: String,
    got: String,
    detail: String,
}

async fn run_cell(w: &World, r: &Row, who: Who, tok: &str) -> Option<Miss> {
    let fresh = match r.fresh {
        Fresh::Never => false,
        Fresh::OnSuccess => is_success(tok),
        Fresh::Always => true,
    };
    let (id, file) = if fresh {
        w.fresh(r.target).await
    } else {
        w.obj(r.target)
    };
    let (answer, listed) = send(w, r, who, id, file).await;
    let got = token_of(&answer, listed);
    let mut ok = got == tok;
    let mut tag = r.rule;
    let mut detail = answer.body["message"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(90)
        .collect::<String>();
    if tok == "404" && (got == "403" || got == "404") && ![T::Nothing, T::Huge].contains(&r.target)
    {
        // Hidden means answered exactly as an id that never existed: the same status (a refusal by role
        // alone may be 403, since it says nothing about the object) and, for a document, the same words.
        let (never, _) = send(w, r, who, HUGE, HUGE).await;
        let same_words =
            r.path.contains("{file}") || never.body["message"] == answer.body["message"];
        ok = never.status == answer.status && same_words;
        if !ok {
            tag = if never.status == answer.status {
                "words"
            } else {
                "hid"
            };
            detail = format!(
                "{detail}; a never-existing id: {} {}",
                never.status.as_u16(),
                never.body["message"].as_str().unwrap_or_default()
            );
        }
    }
    if !ok && r.rule == "1" && tok == "422" && got == "200" {
        // Rule 1 also holds when the handover answers 200 but the work stays where it was: the receiver must
        // have no action on the leaving person's document.
        let receiver = match r.body {
            B::Json(f) => f(w, who, id)["to_user_id"].as_i64().unwrap_or(0),
            _ => 0,
        };
        let receiver = ACTORS
            .into_iter()
            .find(|a| *a != Anon && w.id(*a) == receiver);
        if let Some(receiver) = receiver {
            let view = w
                .client(receiver)
                .get(&format!("/api/outgoing/{file}"))
                .await;
            let actions = if view.status == StatusCode::OK {
                view.body["actions"].to_string()
            } else {
                "[]".to_string()
            };
            ok = actions == "[]";
            detail = format!("the receiver's actions on the document now: {actions}");
        }
    }
    if ok && r.check == Check::SameAsMissing && tok == "422" {
        let message = answer.body["message"].as_str().unwrap_or("");
        ok = message.contains("chưa được tải lên");
    }
    if ok && !answer.status.is_success() && answer.body["code"].as_str().is_none() {
        ok = false;
    }
    if r.special == Special::RestoreSys {
        restore_sys(w).await;
    }
    (!ok).then(|| Miss {
        row: r.name(),
        rule: tag,
        who,
        expected: tok.to_string(),
        got,
        detail,
    })
}

async fn restore_sys(w: &World) {
    let store = &w.db.store;
    let sys = w.id(Sys);
    let before = store.get_user(sys).await.unwrap();
    if before.roles != vec![Role::SystemAdmin] || before.locked {
        store
            .update_user(
                &Actor::default(),
                sys,
                UserFields {
                    full_name: "Quản trị tỉnh".into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: w.p.base.province_office_unit,
                    roles: vec![Role::SystemAdmin],
                },
            )
            .await
            .unwrap();
        store
            .set_user_locked(&Actor::default(), sys, false)
            .await
            .unwrap();
        w.login(Sys).await;
    }
}

/// Every cell of the matrix; answers the wrong ones and how many cells ran.
async fn run_matrix(w: &World) -> (Vec<Miss>, usize) {
    let mut misses = Vec::new();
    let mut cells = 0;
    for r in table() {
        let toks = tokens(r.expect);
        for (who, tok) in ACTORS.into_iter().zip(toks) {
            if tok == "." {
                continue;
            }
            cells += 1;
            if let Some(m) = run_cell(w, &r, who, tok).await {
                misses.push(m);
            }
        }
    }
    (misses, cells)
}

// ---------------------------------------------------------------------------------------------------------
// Live events
// ---------------------------------------------------------------------------------------------------------

struct Stream {
    body: Body,
    buf: String,
}

async fn subscribe(w: &World, who: Who) -> Stream {
    let (cookie, _) = w.sessions.lock().unwrap()[&who].clone();
    let mut req = Request::builder()
        .method(Method::GET)
        .uri("/api/events")
        .header(header::HOST, "vanban.test")
        .header(header::COOKIE, format!("vanban_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(
        "192.0.2.10:50000".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let resp = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    Stream {
        body: resp.into_body(),
        buf: String::new(),
    }
}

impl Stream {
    /// The notices heard until `quiet` passes without one (`first` for the first one: PostgreSQL's
    /// notifications come back through the listener, later than the request that caused them).
    async fn drain(&mut self, first: Duration, quiet: Duration) -> Vec<Value> {
        let mut wait = first;
        while let Ok(Some(Ok(frame))) = tokio::time::timeout(wait, self.body.frame()).await {
            wait = quiet;
            if let Ok(data) = frame.into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&data));
            }
        }
        let mut out = Vec::new();
        while let Some(end) = self.buf.find("\n\n") {
            let block: String = self.buf.drain(..end + 2).collect();
            for line in block.lines() {
                if let Some(data) = line.strip_prefix("data:")
                    && let Ok(v) = serde_json::from_str::<Value>(data.trim())
                {
                    out.push(v);
                }
            }
        }
        out
    }
}

/// Runs the document's life, one change per row, and answers the wrong (change, actor) cells.
async fn run_events(w: &World, label: &str) -> (Vec<Miss>, usize) {
    let (first, quiet) = if label == "postgres" {
        (Duration::from_millis(1500), Duration::from_millis(400))
    } else {
        (Duration::from_millis(300), Duration::from_millis(150))
    };
    let mut streams = Vec::new();
    for who in ACTORS.into_iter().skip(1) {
        streams.push((who, subscribe(w, who).await));
    }
    let table = event_table();
    let mut misses = Vec::new();
    let mut cells = 0;
    let mut doc = 0;
    let mut copy = 0;
    let mut asg = 0;
    for (step, er) in table.iter().enumerate() {
        match step {
            0 => {
                doc = w.draft().await;
                w.submit(doc).await;
            }
            1 => {
                w.client(Reviewer)
                    .post(
                        &format!("/api/outgoing/{doc}/review"),
                        approve(w, Reviewer, doc),
                    )
                    .await
                    .expect(StatusCode::OK);
            }
            2 => {
                let body = w.signed_body(doc, Signer).await;
                w.client(Signer)
                    .post(&format!("/api/outgoing/{doc}/sign"), body)
                    .await
                    .expect(StatusCode::OK);
            }
            3 => {
                let body = w.issue_body(doc).await;
                w.client(AClk)
                    .post(&format!("/api/outgoing/{doc}/issue"), body)
                    .await
                    .expect(StatusCode::OK);
                copy = w.newest_arrival().await;
            }
            4 => w.accept(copy, true).await,
            5 => asg = w.assign(copy).await.0,
            6 => {
                w.client(BLdr)
                    .post(&format!("/api/assignments/{asg}/urge"), urge(w, BLdr, asg))
                    .await
                    .expect(StatusCode::OK);
            }
            _ => {
                w.client(AClk)
                    .post(
                        &format!("/api/outgoing/{doc}/recall"),
                        recall_reason(w, AClk, doc),
                    )
                    .await
                    .expect(StatusCode::OK);
            }
        }
        let heard =
            futures_util::future::join_all(streams.iter_mut().map(|(_, s)| s.drain(first, quiet)))
                .await;
        let toks = tokens(er.expect);
        for ((who, _), notices) in streams.iter().zip(heard) {
            let tok = toks[ACTORS.iter().position(|a| a == who).unwrap()];
            if tok == "may" || tok == "." {
                continue;
            }
            cells += 1;
            let about: Vec<&Value> = notices
                .iter()
                .filter(|n| {
                    n["outgoing_id"] == json!(doc) || (copy != 0 && n["incoming_id"] == json!(copy))
                })
                .collect();
            let got = if about.is_empty() { "no" } else { "yes" };
            if got != tok {
                misses.push(Miss {
                    row: format!("live event: {}", er.change),
                    rule: "4",
                    who: *who,
                    expected: tok.to_string(),
                    got: got.to_string(),
                    detail: about
                        .first()
                        .map(|n| format!("{} {}", n["kind"], n["text"]))
                        .unwrap_or_default(),
                });
            }
        }
    }
    (misses, cells)
}

// ---------------------------------------------------------------------------------------------------------
// The scenario, on both databases
// ---------------------------------------------------------------------------------------------------------

/// The search's visibility (SQL in `store/search.rs`) against the access module's answers: for every actor,
/// the documents of the world their agency issued or received that open with `GET` (200) are exactly the hits
/// of a search matching every document, `total` counts exactly them, and every hit of a narrower search
/// opens. Run on the world as built, before the cells add objects of their own.
async fn run_search(w: &World) -> (Vec<Miss>, usize) {
    let mut misses = Vec::new();
    let mut cells = 0;
    let miss = |who: Who, q: &str, expected: String, got: String, detail: String| Miss {
        row: format!("GET /api/search?q={q}"),
        rule: "",
        who,
        expected,
        got,
        detail,
    };
    for who in ACTORS {
        if who == Anon {
            continue;
        }
        let mut c = w.client(who);
        let me = c.get("/api/me").await.expect(StatusCode::OK).body;
        let agency = me["user"]["agency"]["id"].as_i64().unwrap();
        // What opens for this person, of their own agency's documents.
        let mut opens: Vec<(String, i64)> = Vec::new();
        for (kind, path) in [("outgoing", "/api/outgoing"), ("incoming", "/api/incoming")] {
            for id in 1..=40 {
                let a = c.get(&format!("{path}/{id}")).await;
                if a.status == StatusCode::OK && a.body["agency_id"].as_i64() == Some(agency) {
                    opens.push((kind.to_string(), id));
                }
            }
        }
        opens.sort();
        for q in ["v", "ve%20viec", "V%E1%BB%81%20vi%E1%BB%87c"] {
            cells += 1;
            let mut found: Vec<(String, i64)> = Vec::new();
            let mut total = None;
            for page in 1..=5 {
                let a = c
                    .get(&format!("/api/search?q={q}&per_page=5&page={page}"))
                    .await;
                if a.status != StatusCode::OK {
                    misses.push(miss(
                        who,
                        q,
                        "200".into(),
                        a.status.as_u16().to_string(),
                        a.body.to_string(),
                    ));
                    break;
                }
                total = a.body["total"].as_i64();
                let items = a.body["items"].as_array().unwrap().clone();
                if items.is_empty() {
                    break;
                }
                for h in items {
                    found.push((
                        h["kind"].as_str().unwrap().to_string(),
                        h["id"].as_i64().unwrap(),
                    ));
                }
            }
            found.sort();
            if found != opens {
                misses.push(miss(
                    who,
                    q,
                    format!("{opens:?}"),
                    format!("{found:?}"),
                    "hits ≠ the documents that open".into(),
                ));
            }
            if total != Some(opens.len() as i64) {
                misses.push(miss(
                    who,
                    q,
                    opens.len().to_string(),
                    format!("{total:?}"),
                    "total".into(),
                ));
            }
        }
        // A narrower search (a number, the FTS path on SQLite): every hit opens.
        for q in ["12/SXD-VP", "bien%20che%20nam%202026", "quy%20hoach"] {
            cells += 1;
            let a = c.get(&format!("/api/search?q={q}&per_page=200")).await;
            let items = a.body["items"].as_array().cloned().unwrap_or_default();
            if a.body["total"].as_i64() != Some(items.len() as i64) {
                misses.push(miss(
                    who,
                    q,
                    items.len().to_string(),
                    a.body["total"].to_string(),
                    "total".into(),
                ));
            }
            for h in items {
                let path = format!("/api/{}/{}", h["kind"].as_str().unwrap(), h["id"]);
                let got = c.get(&path).await.status;
                if got != StatusCode::OK {
                    misses.push(miss(
                        who,
                        q,
                        "200".into(),
                        got.as_u16().to_string(),
                        format!("GET {path}"),
                    ));
                }
            }
        }
    }
    (misses, cells)
}

async fn every_cell_of_the_authorization_matrix_answers_as_the_table_says(db: TestDb) {
    let label = db.kind.name();
    let started = std::time::Instant::now();
    let w = World::build(db).await;
    let built = started.elapsed();
    let (search_misses, search_cells) = run_search(&w).await;
    eprintln!(
        "[{label}] search: {search_cells} actor × query cells; {} wrong",
        search_misses.len()
    );
    let (mut misses, cells) = run_matrix(&w).await;
    misses.extend(search_misses);
    let cells = cells + search_cells;
    let matrix = started.elapsed() - built;
    let (event_misses, event_cells) = run_events(&w, label).await;
    misses.extend(event_misses);
    eprintln!(
        "[{label}] world built in {built:.1?}; {cells} matrix cells in {matrix:.1?}; {event_cells} live-event cells; {} wrong",
        misses.len()
    );
    misses.sort_by(|a, b| (a.rule, &a.row).cmp(&(b.rule, &b.row)));
    let report = misses
        .iter()
        .map(|m| {
            format!(
                "[{label}] {:<5} {} × {}: expected {}, got {}{}",
                match m.rule {
                    "" => "-".to_string(),
                    r if r.len() == 1 => format!("r{r}"),
                    r => r.to_string(),
                },
                m.row,
                m.who.label(),
                m.expected,
                m.got,
                if m.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", m.detail)
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut causes: Vec<(&str, usize)> = Vec::new();
    for m in &misses {
        match causes.iter_mut().find(|(t, _)| *t == m.rule) {
            Some((_, n)) => *n += 1,
            None => causes.push((m.rule, 1)),
        }
    }
    let summary = causes
        .iter()
        .map(|(t, n)| format!("[{label}] {n:>4} × {t:<5} {}", cause(t)))
        .collect::<Vec<_>>()
        .join("\n");
    let report = format!("{summary}\n\n{report}");
    let World { db, .. } = w;
    db.finish().await;
    assert!(
        misses.is_empty(),
        "{} of {} cells answer otherwise than docs/ACCESS.md says:\n{report}",
        misses.len(),
        cells + event_cells
    );
}

on_both_databases!(every_cell_of_the_authorization_matrix_answers_as_the_table_says);

// ---------------------------------------------------------------------------------------------------------
// docs/ACCESS.md, rendered from the tables
// ---------------------------------------------------------------------------------------------------------

fn render() -> String {
    let mut out = String::new();
    out.push_str(INTRO);
    out.push_str("\n## Who the columns are\n\n| column | who |\n| --- | --- |\n");
    for who in ACTORS {
        out.push_str(&format!("| `{}` | {} |\n", who.label(), who.description()));
    }
    let header = {
        let mut h = String::from("| endpoint | object |");
        let mut sep = String::from("| --- | --- |");
        for who in ACTORS {
            h.push_str(&format!(" {} |", who.label()));
            sep.push_str(" :-: |");
        }
        format!("{h} rule |\n{sep} --- |\n")
    };
    let mut section = "";
    for r in table() {
        if r.section != section {
            section = r.section;
            out.push_str(&format!("\n## {section}\n\n{header}"));
        }
        out.push_str(&format!(
            "| `{} {}` | {} |",
            r.method,
            r.path,
            if r.on.is_empty() { "" } else { r.on }
        ));
        for tok in tokens(r.expect) {
            let cell = match tok {
                "." => "—",
                "+" => "✓",
                "-" => "✗",
                t => t,
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push_str(&format!(
            " {} |\n",
            if r.rule.is_empty() { "" } else { r.rule }
        ));
    }
    out.push_str("\n## Live events\n\nWho hears each change of one document's life on `GET /api/events`: **yes** must, \
                   **no** must not (they would get 404 on the document), *may* (they may open it; not checked).\n\n");
    let mut h = String::from("| change |");
    let mut sep = String::from("| --- |");
    for who in ACTORS.into_iter().skip(1) {
        h.push_str(&format!(" {} |", who.label()));
        sep.push_str(" :-: |");
    }
    out.push_str(&format!("{h}\n{sep}\n"));
    for er in event_table() {
        out.push_str(&format!("| {} |", er.change));
        for tok in tokens(er.expect).into_iter().skip(1) {
            let cell = match tok {
                "yes" => "**yes**",
                "may" => "*may*",
                t => t,
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_row_of_the_table_has_one_answer_per_actor() {
    for r in table() {
        let toks = tokens(r.expect);
        assert_eq!(
            toks.len(),
            ACTORS.len(),
            "{}: {} answers",
            r.name(),
            toks.len()
        );
        for t in toks {
            assert!(
                [
                    ".", "+", "-", "200", "201", "204", "400", "401", "403", "404", "409", "422"
                ]
                .contains(&t),
                "{}: unknown answer {t}",
                r.name()
            );
        }
    }
    for e in event_table() {
        assert_eq!(tokens(e.expect).len(), ACTORS.len(), "{}", e.change);
    }
}

#[test]
fn docs_access_md_is_the_table_rendered() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/ACCESS.md");
    let rendered = render();
    if std::env::var("VANBAN_WRITE_ACCESS_MD").is_ok_and(|v| v == "1") {
        std::fs::write(path, &rendered).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/ACCESS.md differs from the table in backend/tests/it/access_matrix.rs. The table is the source: \
         change it there, then run `VANBAN_WRITE_ACCESS_MD=1 cargo test -p backend --test it access_matrix:: \
         docs_access_md` and commit docs/ACCESS.md."
    );
}

const INTRO: &str = r#"# Who may see and do what

This file is generated from the table in `backend/tests/it/access_matrix.rs`, which runs every cell against the
real router on SQLite and PostgreSQL. Do not edit it by hand: change the table, then run
`VANBAN_WRITE_ACCESS_MD=1 cargo test -p backend --test it access_matrix::docs_access_md`.

## The rules

- **Not signed in**: `401` everywhere except `GET /api/health` and sign-in.
- **Another agency's objects do not exist** for you: documents, files, assignments, deliveries, delegations,
  registers and accounts of another agency answer `404`, exactly as an id that never existed. Agencies and
  units are public to everyone signed in, so a refusal by administrative scope there may say `403`. The
  provincial system administrator manages the accounts and units of every agency and reads every register,
  but is not a reader of documents.
- **`404` versus `403`**: an object you may not see answers `404`, whether it belongs to another agency or to
  your own; `403` is for an object you may see but not act on now (it is not your turn, or not your role), or
  for an action your role may never take whatever the id (then a never-existing id answers `403` too, which
  tells nothing). A cell `404` passes with that `403` only when a never-existing id gets the same `403`.
- **Outgoing documents** are seen by their drafter, reviewers and signer, the clerks and agency leaders of the
  agency, and whoever holds the signer's signing delegation today while the document waits for signature.
  Once issued, a recipient agency sees the issued version **only through its incoming copy**: the people who may
  open that copy may open the document and its issued files; nobody else there (rule 3).
- **Incoming copies** are seen by the receiving agency's clerks and agency leaders, the leader it was forwarded
  to and whoever holds that leader's delegation today, everyone with an assignment on it, and the unit leaders of
  a unit assigned.
- **Files**: knowing a SHA-256 gives nothing. An upload may be referred to (draft, new version, e-mail or paper
  arrival, prefill) only by the agency that uploaded it or received it through a delivery; for anyone else the
  answer is the one for a file never uploaded (rule 2). Bytes are read only through a document one may see.
- **Handover** gives work only to an account whose roles may do it: a leader's documents awaiting signature go
  to no administrator and no official, an official's drafts to no administrator (rule 1). The table says `422`
  (refused, naming `to_user_id`); a `200` after which the receiver has no action on that document passes too.
- **Live events** reach only people who may open the document (rule 4); the person the work now waits for must
  hear of it.
- **The last system administrator** cannot lose the role, by changing roles or by locking (rule 5).
- **Registers**: clerks, leaders (agency and unit) and administrators see the whole register of their agency;
  an official sees only the entries of documents they may open (rule 6).
- **Record files** (hồ sơ) are the agency's: everyone of the agency sees its catalogue and files, nobody else
  (`404`). Whoever handles documents opens files and files into any open file the documents they may open; the
  file's creator and the agency's clerks and leaders arrange and close it; clerks and agency leaders hand it
  over (download its package). A closed or handed-over file refuses every change with `409`.
- **The six-month report** (Điều 24): clerks, leaders (agency and unit) and agency administrators read their own
  agency's (another agency's is `403`: nothing there is hidden by `404`, only not theirs to read); the system
  administrator reads any agency's, or every agency's without `agency_id`; officials get `403`.
- **Certificates** (issue 17): everyone signed in asks for a certificate for a key of their own and presents
  the certificate issued for it; a certificate for someone else's key request is refused (`422`), and
  `/api/me/certificates` lists one's own only. Bindings are registered and revoked by the agency's
  administrators for their own agency (another agency's accounts and bindings answer `404`) and by the system
  administrator; the revocation sources are the server's, so the system administrator's alone. The demo CA's
  CRL (`/pki/ca.crl`) is public, like any CRL distribution point. Remote signing settings and requests are
  one's own: another person's request answers `404`.
- **Lists** show only what the caller may open.

Readings the table makes where the rules leave room: a unit leader counts as a leader for the registers;
delegations of one's own agency are not secret inside it (a wrong revoker gets `403`, not `404`); the provincial
system administrator, who sits in B, is not a reader of B's documents (rule 3 names who is); a hidden object is
answered with the same words as an id that never existed, not only the same status.

The column `rule` names the rule of issue 12 a row proves (`list`: a list shows only what one may open).
For a list, `✓` means the answer is 200 and the object is in it (for a batch, its item succeeded), `✗` that the
answer is 200 and the object is not in it; `—` that the cell is not tried.
"#;

#[test]
fn every_route_of_the_router_has_a_row() {
    // The router is built from `vanban::app::api_routes()`; a new route needs its row in the table.
    let table = table();
    let missing: Vec<String> = vanban::app::api_routes()
        .iter()
        .filter(|r| {
            !table
                .iter()
                .any(|row| row.method == r.method && row.path.split('?').next() == Some(r.path))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
}
