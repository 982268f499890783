//! Who may see what and do what: every access decision of the server, in one place.
//!
//! The rules are pure functions of the person (`UserDto`: agency, unit, roles) and facts about the object that
//! the store gathered (participants, assignments, delegations, which agency holds a file). Handlers read
//! extract → access check → one store call → DTO; the store's transactions call the same functions when they
//! re-check under a row lock, so a button shown and an action allowed never disagree. `docs/ACCESS.md` shows
//! the rules as a table, generated from the authorization matrix in the tests (`tests/it/access_matrix.rs`).
//!
//! An object the caller may not see is answered 404, as if it did not exist, so ids cannot be probed; a
//! visible object the caller may not act on is answered 403 with the reason.

use shared::action::{AssignmentAction, IncomingAction, OutgoingAction};
use shared::incoming::{AssignmentRole, IncomingStatus};
use shared::live_event::LiveEvent;
use shared::outgoing::{OutgoingDto, OutgoingStatus, SigningCapacity};
use shared::role::Role;
use shared::user::UserDto;

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// Clerks and agency leaders see every document of their agency (Điều 11–12: they register and direct it).
pub fn is_agency_staff(user: &UserDto, agency_id: i64) -> bool {
    user.agency.id == agency_id && (user.has_role(Role::Clerk) || user.has_role(Role::AgencyLeader))
}

// ---------------------------------------------------------------------------------------------------------
// Files

/// Whether `user` may reference the blob `sha256` (in a draft, a new version, an intake, a prefill): only
/// when their agency holds it (uploaded it, or received it through a delivery). Knowing the hash is not enough.
pub async fn may_reference_blob(state: &AppState, user: &UserDto, sha256: &str) -> AppResult<bool> {
    Ok(state
        .store
        .held_blob_size(sha256, user.agency.id)
        .await?
        .is_some())
}

// ---------------------------------------------------------------------------------------------------------
// Outgoing documents

/// Roles that draft documents (administrators manage accounts, not documents).
pub const DRAFTING_ROLES: [Role; 4] = [
    Role::Official,
    Role::UnitLeader,
    Role::AgencyLeader,
    Role::Clerk,
];
/// Roles that review a draft in the circuit.
pub const REVIEWING_ROLES: [Role; 3] = [Role::Official, Role::UnitLeader, Role::AgencyLeader];
/// Roles that handle incoming documents assigned to them.
pub const HANDLING_ROLES: [Role; 3] = [Role::Official, Role::UnitLeader, Role::AgencyLeader];
/// Roles that sign a document (a leader of the agency or of a unit).
pub const SIGNING_ROLES: [Role; 2] = [Role::AgencyLeader, Role::UnitLeader];

/// 403 unless `user` drafts documents.
pub fn may_draft(user: &UserDto) -> AppResult<()> {
    if DRAFTING_ROLES.iter().any(|r| user.has_role(*r)) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Tài khoản quản trị không soạn thảo văn bản.",
        ))
    }
}

/// How much of an outgoing document a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutgoingView {
    /// Its circuit, versions, history and every delivery: participants, and the agency's clerks and leaders.
    Whole,
    /// What was issued to their agency: a recipient agency's people who may open its incoming copy there.
    AsRecipient,
}

/// Facts about a document and a person that the decision needs beyond the document itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutgoingFacts {
    /// The mark under which the person may sign today for the absent signer (an active delegation covering
    /// signing, Điều 16.4).
    pub signs_as: Option<SigningCapacity>,
    /// The document was delivered to the person's agency and they may open its incoming copy there.
    pub sees_incoming_copy: bool,
}

/// Whether and how much `user` sees `doc`; `None` means 404.
pub fn outgoing_view(
    user: &UserDto,
    doc: &OutgoingDto,
    facts: &OutgoingFacts,
) -> Option<OutgoingView> {
    // Whoever acted on it (a delegate who signed, a reviewer forwarded to) keeps seeing it.
    let participant = facts.signs_as.is_some()
        || doc.history.iter().any(|h| h.actor.id == user.id)
        || doc.drafter.id == user.id
        || doc.signer.id == user.id
        || doc.steps.iter().any(|s| s.reviewer.id == user.id);
    if participant || is_agency_staff(user, doc.agency_id) {
        return Some(OutgoingView::Whole);
    }
    let issued = matches!(
        doc.status,
        OutgoingStatus::Issued | OutgoingStatus::Recalled
    );
    (issued && facts.sees_incoming_copy).then_some(OutgoingView::AsRecipient)
}

/// Cuts what a recipient sees down to what was issued to its agency: not the drafts, the circuit or other
/// recipients' deliveries.
pub fn redact_for_recipient(doc: &mut OutgoingDto, user: &UserDto) {
    doc.versions.retain(|v| v.kind == "issued");
    doc.steps.clear();
    doc.history
        .retain(|h| h.action == "issued" || h.action == "recalled");
    doc.deliveries
        .retain(|d| d.recipient_agency_id == Some(user.agency.id));
}

/// What `user` may do with `doc` now (the buttons the page shows; the store enforces the same rules).
pub fn outgoing_actions(
    user: &UserDto,
    doc: &OutgoingDto,
    facts: &OutgoingFacts,
) -> Vec<OutgoingAction> {
    use OutgoingAction as A;
    let own_agency = doc.agency_id == user.agency.id;
    let holder = doc
        .current_step
        .and_then(|p| doc.steps.iter().find(|s| s.position == p))
        .map(|s| s.reviewer.id);
    let mut out = match doc.status {
        OutgoingStatus::Draft | OutgoingStatus::Returned
            if may_edit_draft(user.id, doc.drafter.id, doc.status).is_ok() =>
        {
            vec![A::Submit, A::NewVersion, A::Edit]
        }
        OutgoingStatus::InReview if holder == Some(user.id) => vec![A::Review],
        OutgoingStatus::AwaitingSignature if doc.signer.id == user.id => vec![A::Sign, A::Return],
        OutgoingStatus::AwaitingIssue if own_agency && user.has_role(Role::Clerk) => vec![A::Issue],
        OutgoingStatus::Issued
            if own_agency
                && (user.has_role(Role::Clerk)
                    || user.has_role(Role::AgencyLeader)
                    || doc.signer.id == user.id) =>
        {
            vec![A::Recall]
        }
        _ => Vec::new(),
    };
    if facts.signs_as.is_some() && doc.status == OutgoingStatus::AwaitingSignature {
        out.push(A::Sign);
    }
    out
}

/// The drafter alone changes a draft or a returned document (its metadata, `PUT /api/outgoing/{id}`, or its
/// files, a new version): 403 for anyone else, 409 once it is in review, awaiting signature or beyond.
pub fn may_edit_draft(
    user_id: i64,
    drafter_id: i64,
    status: OutgoingStatus,
) -> Result<(), crate::store::StoreError> {
    if user_id != drafter_id {
        return Err(crate::store::StoreError::Forbidden(
            "Chỉ người soạn thảo mới sửa được dự thảo.",
        ));
    }
    if !matches!(status, OutgoingStatus::Draft | OutgoingStatus::Returned) {
        return Err(crate::store::StoreError::State(
            "Dự thảo đang được duyệt hoặc ký; chỉ sửa được khi còn là dự thảo hoặc bị trả lại.",
        ));
    }
    Ok(())
}

/// 403 unless `user` is a clerk of the issuing agency; 409 unless the document waits to be issued.
pub fn may_issue(user: &UserDto, doc: &OutgoingDto) -> AppResult<()> {
    if doc.agency_id != user.agency.id || !user.has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư của cơ quan ban hành mới phát hành được.",
        ));
    }
    if doc.status != OutgoingStatus::AwaitingIssue {
        return Err(AppError::Conflict(
            "Chỉ phát hành được văn bản đã được ký số và đang chờ phát hành.".into(),
        ));
    }
    Ok(())
}

/// Loads an outgoing document as `user` may see it (redacted for a recipient, with their actions and the mark
/// they sign under), or 404.
pub async fn outgoing(state: &AppState, user: &UserDto, id: i64) -> AppResult<OutgoingDto> {
    // A document the caller may not see is answered exactly as one that does not exist.
    let not_found = || -> AppError { crate::store::StoreError::NotFound.into() };
    let mut doc = state.store.get_outgoing(id).await?;
    let signs_as = if doc.status == OutgoingStatus::AwaitingSignature && doc.signer.id != user.id {
        state
            .store
            .active_delegation(doc.signer.id, user.id)
            .await?
            .and_then(|(_, mark)| mark)
    } else {
        None
    };
    let mut facts = OutgoingFacts {
        signs_as,
        sees_incoming_copy: false,
    };
    if doc.agency_id != user.agency.id
        && matches!(
            doc.status,
            OutgoingStatus::Issued | OutgoingStatus::Recalled
        )
    {
        facts.sees_incoming_copy = state.store.sees_incoming_copy(user, id).await?;
    }
    let view = outgoing_view(user, &doc, &facts).ok_or_else(not_found)?;
    if view == OutgoingView::AsRecipient {
        redact_for_recipient(&mut doc, user);
    }
    doc.actions = outgoing_actions(user, &doc, &facts);
    doc.signs_as = facts.signs_as;
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------------------
// Incoming documents

/// Facts about one incoming document and a person of the receiving agency.
#[derive(Debug, Clone, Copy, Default)]
pub struct IncomingFacts {
    /// The agency that received it.
    pub agency_id: i64,
    /// The leader it was forwarded to (who assigns it).
    pub assigner_id: Option<i64>,
    /// The person has (or had) an assignment on it, or leads a unit that has one.
    pub has_assignment: bool,
    /// The person holds an active delegation from the leader it was forwarded to.
    pub delegate_of_assigner: bool,
}

/// Whether `user` may open an incoming document (and the outgoing document and files it is a copy of): the
/// receiving agency's clerks and leaders, the leader it was forwarded to and their active delegates, and the
/// people (or unit leaders) it was assigned to. Everyone else gets 404.
pub fn sees_incoming(user: &UserDto, f: &IncomingFacts) -> bool {
    if f.agency_id != user.agency.id {
        return false;
    }
    is_agency_staff(user, f.agency_id)
        || f.assigner_id == Some(user.id)
        || f.has_assignment
        || f.delegate_of_assigner
}

/// 404, exactly as for a document that does not exist, unless `user` may open the incoming document `id`.
/// Writes check it first, so a person who may not see a document cannot learn from a 403 that it exists.
pub async fn incoming(state: &AppState, user: &UserDto, id: i64) -> AppResult<()> {
    if state.store.sees_incoming(user, id).await? {
        Ok(())
    } else {
        Err(crate::store::StoreError::NotFound.into())
    }
}

/// The id of the incoming document an assignment belongs to, if `user` may see it (404 otherwise, as for an
/// assignment that does not exist).
pub async fn incoming_of_assignment(
    state: &AppState,
    user: &UserDto,
    assignment_id: i64,
) -> AppResult<i64> {
    let doc = state.store.assignment_document(assignment_id).await?;
    incoming(state, user, doc).await?;
    Ok(doc)
}

/// 403, for any id, unless `user` is a clerk: refusing by role before any lookup tells nothing about which ids
/// exist.
pub fn require_clerk(user: &UserDto, refusal: &'static str) -> AppResult<()> {
    if user.has_role(Role::Clerk) {
        Ok(())
    } else {
        Err(AppError::forbidden(refusal))
    }
}

/// What `user` may do with an incoming document as a whole.
pub fn incoming_actions(
    user: &UserDto,
    f: &IncomingFacts,
    status: IncomingStatus,
    recall_pending: bool,
) -> Vec<IncomingAction> {
    use IncomingAction as A;
    let clerk = user.has_role(Role::Clerk) && user.agency.id == f.agency_id;
    let mut out = Vec::new();
    if clerk && status == IncomingStatus::Arrived && !recall_pending {
        out.extend([A::Accept, A::Return]);
    }
    if clerk
        && matches!(
            status,
            IncomingStatus::Registered | IncomingStatus::ToAssign
        )
    {
        out.push(A::Forward);
    }
    if clerk && recall_pending {
        out.push(A::AnswerRecall);
    }
    if status == IncomingStatus::ToAssign
        && (f.assigner_id == Some(user.id) || f.delegate_of_assigner)
    {
        out.push(A::Assign);
    }
    if status == IncomingStatus::InProgress && may_close_incoming(user, f) {
        out.push(A::Close);
    }
    out
}

/// Who may close an incoming document's handling explicitly (with a reason) before every lead and co-operating
/// part has finished: the leader who assigned it, their delegate, or a leader of the receiving agency.
pub fn may_close_incoming(user: &UserDto, f: &IncomingFacts) -> bool {
    user.agency.id == f.agency_id
        && (f.assigner_id == Some(user.id)
            || f.delegate_of_assigner
            || user.has_role(Role::AgencyLeader))
}

/// One assignment as the action rules see it.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentFacts {
    pub role: AssignmentRole,
    /// `None` when it is assigned to a unit as a whole (its leaders hold it).
    pub user_id: Option<i64>,
    pub unit_id: i64,
    /// Assigned further inside a unit (by a unit leader).
    pub has_parent: bool,
    pub assigned_by: i64,
    pub on_behalf_of: Option<i64>,
    pub done: bool,
}

/// What `user` may do with one assignment of a document of `agency_id` whose handling is `open`.
pub fn assignment_actions(
    user: &UserDto,
    agency_id: i64,
    open: bool,
    a: &AssignmentFacts,
) -> Vec<AssignmentAction> {
    use AssignmentAction as A;
    let unit_leader = user.has_role(Role::UnitLeader);
    let agency_leader = user.has_role(Role::AgencyLeader) && agency_id == user.agency.id;
    let mine = a.user_id == Some(user.id)
        || (a.user_id.is_none() && a.unit_id == user.unit.id && unit_leader);
    let mut out = Vec::new();
    if mine && !a.done && open {
        if a.user_id.is_none() {
            out.push(A::Assign);
        }
        if a.role == AssignmentRole::Inform {
            out.extend([A::Note, A::File]);
        } else {
            out.extend([A::Reply, A::Report, A::File, A::Complete]);
        }
    }
    let may_urge = agency_leader
        || a.assigned_by == user.id
        || a.on_behalf_of == Some(user.id)
        || (a.has_parent && unit_leader && a.unit_id == user.unit.id);
    if !mine && !a.done && open && may_urge && a.role != AssignmentRole::Inform {
        out.push(A::Urge);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Registers, arrivals, live events, accounts

/// Clerks, leaders and administrators see a whole register of their agency; anyone else sees only the lines of
/// documents they may open.
pub fn sees_whole_register(user: &UserDto) -> bool {
    [
        Role::Clerk,
        Role::AgencyLeader,
        Role::UnitLeader,
        Role::AgencyAdmin,
        Role::SystemAdmin,
    ]
    .iter()
    .any(|r| user.has_role(*r))
}

/// Whether `user` may open the register `agency_id` keeps (404 otherwise).
pub fn may_open_register(user: &UserDto, agency_id: i64) -> bool {
    agency_id == user.agency.id || user.has_role(Role::SystemAdmin)
}

/// 403 unless `user` may list what arrived at their agency (the sender's view of deliveries).
pub fn may_list_arrivals(user: &UserDto) -> AppResult<()> {
    if user.has_role(Role::Clerk) || user.has_role(Role::AgencyLeader) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Chỉ văn thư và lãnh đạo cơ quan xem được văn bản đến của cơ quan.",
        ))
    }
}

/// 403 unless `user` may configure the exchange between systems and see its packets: the provincial
/// administration (system administrators) only, since a peer speaks for every agency it reaches.
pub fn may_administer_exchange(user: &UserDto) -> AppResult<()> {
    if user.has_role(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Chỉ quản trị hệ thống mới quản lý kết nối liên thông.",
        ))
    }
}

/// 403 unless `user` may see where the server reads revocation data and how its fetches went: the sources
/// are the server's (its trust anchors' distribution points, its files), so the provincial administration's.
pub fn may_see_revocation_sources(user: &UserDto) -> AppResult<()> {
    if user.has_role(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Chỉ quản trị hệ thống mới xem được nguồn dữ liệu thu hồi chứng thư số của máy chủ.",
        ))
    }
}

/// Whether a live event reaches `user`: the people it names (participants, assignees, the person a task
/// waits with), and the clerks and leaders of the agencies it names, who see every document of their agency.
/// Never an official merely of the same agency, who may not open the document.
pub fn hears(user: &UserDto, event: &LiveEvent) -> bool {
    event.users.contains(&user.id)
        || (event.agencies.contains(&user.agency.id) && is_agency_staff(user, user.agency.id))
}

/// Which roles an account must hold to take over each kind of open work in a handover, with the sentence a
/// refusal shows: a handover never gives anyone an action their roles would not allow.
pub fn handover_requirements() -> [(&'static str, &'static [Role], &'static str); 5] {
    [
        (
            "assignments",
            &HANDLING_ROLES,
            "Người nhận không xử lý văn bản được (tài khoản quản trị) nên không nhận được việc được giao.",
        ),
        (
            "drafts",
            &DRAFTING_ROLES,
            "Người nhận không soạn thảo văn bản được (tài khoản quản trị) nên không nhận được dự thảo.",
        ),
        (
            "reviews",
            &REVIEWING_ROLES,
            "Người nhận không có vai trò duyệt văn bản nên không nhận được bước duyệt.",
        ),
        (
            "signatures",
            &SIGNING_ROLES,
            "Người nhận không phải lãnh đạo nên không nhận được văn bản chờ ký.",
        ),
        (
            "assigning",
            &[Role::AgencyLeader, Role::UnitLeader],
            "Người nhận không phải lãnh đạo nên không nhận được văn bản chờ phân công.",
        ),
    ]
}

/// Which agencies an administrator manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminScope {
    /// The provincial administrator: every agency.
    All,
    /// An agency administrator: this agency only.
    Agency(i64),
}

impl AdminScope {
    /// The scope of `user`, or 403 when they administer nothing.
    pub fn of(user: &UserDto) -> Result<Self, AppError> {
        if user.has_role(Role::SystemAdmin) {
            Ok(Self::All)
        } else if user.has_role(Role::AgencyAdmin) {
            Ok(Self::Agency(user.agency.id))
        } else {
            Err(AppError::forbidden(
                "Chức năng này chỉ dành cho quản trị viên.",
            ))
        }
    }

    /// 403 unless the scope covers `agency_id`.
    pub fn check(self, agency_id: i64) -> Result<(), AppError> {
        match self {
            Self::All => Ok(()),
            Self::Agency(own) if own == agency_id => Ok(()),
            Self::Agency(_) => Err(AppError::forbidden(
                "Bạn chỉ quản trị được tài khoản và đơn vị của cơ quan mình.",
            )),
        }
    }

    /// 404, exactly as for an account that does not exist, unless the scope covers `agency_id`: an
    /// administrator cannot learn which ids exist in other agencies.
    pub fn reveal(self, agency_id: i64) -> Result<(), AppError> {
        match self {
            Self::Agency(own) if own != agency_id => Err(crate::store::StoreError::NotFound.into()),
            _ => Ok(()),
        }
    }

    /// The agency filter for listings: an agency admin always sees their own agency.
    pub fn agency_filter(self, asked: Option<i64>) -> Result<Option<i64>, AppError> {
        match (self, asked) {
            (Self::All, asked) => Ok(asked),
            (Self::Agency(own), None) => Ok(Some(own)),
            (Self::Agency(own), Some(a)) => {
                self.check(a)?;
                Ok(Some(own))
            }
        }
    }
}

/// Whether `user` may receive work of the kind named in [`handover_requirements`].
pub fn may_take_over(user: &UserDto, roles: &[Role]) -> bool {
    roles.iter().any(|r| user.has_role(*r))
}

// ---------------------------------------------------------------------------------------------------------
// Reports

/// Roles that read their agency's six-month report (Điều 24): the clerks who keep the registers, the leaders
/// who answer for the numbers, the agency's administrators.
pub const REPORTING_ROLES: [Role; 5] = [
    Role::Clerk,
    Role::AgencyLeader,
    Role::UnitLeader,
    Role::AgencyAdmin,
    Role::SystemAdmin,
];

/// Which agency's report `user` gets when asking for `asked` (`None`: every agency). The provincial
/// administrator (Điều 25.4: the provincial office's statistics) reads any agency, or every agency when none is
/// named; the others read their own agency only (403 for another), officials none (403).
pub fn report_agency(user: &UserDto, asked: Option<i64>) -> AppResult<Option<i64>> {
    if user.has_role(Role::SystemAdmin) {
        return Ok(asked);
    }
    if !REPORTING_ROLES.iter().any(|r| user.has_role(*r)) {
        return Err(AppError::forbidden(
            "Chỉ lãnh đạo, văn thư và quản trị xem được báo cáo thống kê.",
        ));
    }
    match asked {
        Some(a) if a != user.agency.id => Err(AppError::forbidden(
            "Bạn chỉ xem được báo cáo của cơ quan mình.",
        )),
        _ => Ok(Some(user.agency.id)),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Record files (hồ sơ, Điều 14)

/// Whether `user` sees a record file of `agency_id`: everyone of that agency (the catalogue is the agency's);
/// anyone else gets 404.
pub fn sees_record_file(user: &UserDto, agency_id: i64) -> bool {
    user.agency.id == agency_id
}

/// Clerks and leaders of the agency manage its files: arrange any file, close it, hand it over.
pub fn manages_record_files(user: &UserDto, agency_id: i64) -> bool {
    is_agency_staff(user, agency_id)
}

/// 403 unless `user` may open files (the roles that handle documents; administrators manage accounts).
pub fn may_create_record_file(user: &UserDto) -> AppResult<()> {
    if DRAFTING_ROLES.iter().any(|r| user.has_role(*r)) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Tài khoản quản trị không lập hồ sơ; hồ sơ do người xử lý công việc lập.",
        ))
    }
}

/// What `user` may do with a file they see, by its state: anyone who files documents adds to an open file;
/// its creator and the agency's clerks and leaders arrange and close it; clerks and leaders hand it over.
pub fn record_file_actions(
    user: &UserDto,
    agency_id: i64,
    file: &shared::record_file::RecordFileDto,
) -> Vec<shared::record_file::RecordFileAction> {
    use shared::record_file::{RecordFileAction as A, RecordFileState as S};
    if !sees_record_file(user, agency_id) || may_create_record_file(user).is_err() {
        return Vec::new();
    }
    let manager = manages_record_files(user, agency_id);
    let owner = manager || file.creator.id == user.id;
    match file.state {
        S::Open if owner => vec![A::Add, A::Arrange, A::Close],
        S::Open => vec![A::Add],
        S::Closed | S::HandedOver if manager => vec![A::HandOver],
        _ => Vec::new(),
    }
}

/// 403 with the reason unless `user` may do `action` to the file (which they see).
pub fn may_on_record_file(
    user: &UserDto,
    agency_id: i64,
    file: &shared::record_file::RecordFileDto,
    action: shared::record_file::RecordFileAction,
) -> AppResult<()> {
    use shared::record_file::{RecordFileAction as A, RecordFileState as S};
    if record_file_actions(user, agency_id, file).contains(&action) {
        return Ok(());
    }
    // An account that files nothing (an administrator) is refused for its role, whatever the file's state.
    if may_create_record_file(user).is_err() {
        return Err(AppError::forbidden(
            "Tài khoản quản trị chỉ xem danh mục hồ sơ, không thay đổi được hồ sơ.",
        ));
    }
    // A file that is no longer open refuses every change for that reason, whoever asks (409).
    match (file.state, action) {
        (S::Closed, A::Add | A::Arrange | A::Close) => Err(AppError::Conflict(
            "Hồ sơ đã đóng: không thêm, bớt hay sắp xếp văn bản được nữa.".into(),
        )),
        (S::HandedOver, A::Add | A::Arrange | A::Close) => Err(AppError::Conflict(
            "Hồ sơ đã nộp lưu: chỉ còn đọc, không thay đổi được.".into(),
        )),
        (S::Open, A::HandOver) if manages_record_files(user, agency_id) => Err(AppError::Conflict(
            "Hồ sơ đang mở: đóng hồ sơ trước khi nộp lưu.".into(),
        )),
        (_, A::HandOver) => Err(AppError::forbidden(
            "Chỉ văn thư và lãnh đạo cơ quan nộp lưu được hồ sơ.",
        )),
        _ => Err(AppError::forbidden(
            "Chỉ người lập hồ sơ, văn thư và lãnh đạo cơ quan mới sắp xếp, rút văn bản hay đóng được hồ sơ.",
        )),
    }
}

/// Loads a record file `user` sees (404 otherwise, as for one that does not exist), with their actions.
pub async fn record_file(
    state: &AppState,
    user: &UserDto,
    id: i64,
) -> AppResult<crate::store::record_files::RecordFile> {
    let mut f = state.store.record_file(id).await?;
    if !sees_record_file(user, f.agency_id) {
        return Err(crate::store::StoreError::NotFound.into());
    }
    f.file.actions = record_file_actions(user, f.agency_id, &f.file);
    Ok(f)
}

/// 404 unless `user` may open the document (and so file it, or see it listed in a file).
pub async fn may_open_document(
    state: &AppState,
    user: &UserDto,
    kind: shared::record_file::DocumentKind,
    id: i64,
) -> AppResult<()> {
    match kind {
        shared::record_file::DocumentKind::Outgoing => outgoing(state, user, id).await.map(|_| ()),
        shared::record_file::DocumentKind::Incoming => incoming(state, user, id).await,
    }
}
