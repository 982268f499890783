//! What the server demands of a signed revision a browser uploads. Keys never reach the server, so it trusts
//! nothing the browser says: the upload must be the exact previous bytes plus appended revisions, every new
//! signature must verify, chain to a configured trust anchor, be unrevoked and come from a certificate registered
//! to the expected account or agency ([`ExpectedSigner`]: the certificate registry, issue 17; the common name is
//! shown, never trusted), and earlier signatures must stay valid with at most form filling after them.

use shared::pdf::diff::Modification;
use shared::pdf::verify::{
    ChainStatus, RevocationStatus, SignatureReport, VerifyOptions, verify_document,
};

use crate::store::outgoing::VerifiedSignature;

/// Why an upload was refused, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl Refusal {
    fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
}

/// The verification options of the server: its configured trust anchors.
pub fn options(trust_anchors: &[String]) -> VerifyOptions {
    options_with(trust_anchors, &[])
}

/// The verification options with the CRLs the server holds (`Store::latest_crls`, fetched by the sweep); see
/// [`options_for`] for a check that also weighs the OCSP responses held.
pub fn options_with(trust_anchors: &[String], crls: &[Vec<u8>]) -> VerifyOptions {
    let mut anchors = Vec::new();
    for pem in trust_anchors {
        // Anchors were checked at start-up; a bad one cannot appear here.
        anchors.extend(shared::pki::certs_from_pem_or_der(pem.as_bytes()).unwrap_or_default());
    }
    VerifyOptions {
        trust_anchors: anchors,
        // Each was checked against a trust anchor before it was kept.
        crls: crls
            .iter()
            .filter_map(|der| shared::pdf::revocation::parse_crl(der))
            .collect(),
        ocsps: Vec::new(),
    }
}

/// The verification options for checking `files`: the trust anchors, the latest CRL of every issuer the server
/// holds (`Store::latest_crls`), and the OCSP responses it holds about the certificates the files' signatures
/// carry (`Store::ocsp_responses_about`; the sweep asks the responders). A file that does not open adds none.
pub async fn options_for(
    store: &crate::store::Store,
    trust_anchors: &[String],
    files: &[&[u8]],
) -> crate::store::StoreResult<VerifyOptions> {
    let mut options = options_with(trust_anchors, &store.latest_crls().await?);
    options.ocsps = held_ocsps(store, files).await?;
    Ok(options)
}

/// The OCSP responses the server holds about the certificates the signatures of `files` carry.
pub async fn held_ocsps(
    store: &crate::store::Store,
    files: &[&[u8]],
) -> crate::store::StoreResult<Vec<Vec<u8>>> {
    let mut certs = Vec::new();
    for file in files {
        for c in shared::pdf::ltv::certificates_in(*file).unwrap_or_default() {
            if !certs.contains(&c) {
                certs.push(c);
            }
        }
    }
    if certs.is_empty() {
        return Ok(Vec::new());
    }
    store.ocsp_responses_about(&certs).await
}

/// Whose signature a step expects: a person's account (the signer, or the person acting under a valid
/// delegation) or an agency (its seal), with the fingerprints of the certificates bound to it now.
#[derive(Debug, Clone)]
pub struct ExpectedSigner {
    /// The account's full name or the agency's name, for messages.
    pub name: String,
    pub agency: bool,
    /// Hex SHA-256 of every certificate actively registered to the account or agency.
    pub certificates: Vec<String>,
}

/// The one rule of who signed: the signature's certificate is registered to the expected account or agency.
/// The name in the certificate only helps people read the refusal.
fn check_registered(report: &SignatureReport, expected: &ExpectedSigner) -> Result<(), Refusal> {
    if expected
        .certificates
        .iter()
        .any(|c| c == &report.certificate_sha256)
    {
        return Ok(());
    }
    let whose = if expected.agency {
        format!("cơ quan {}", expected.name)
    } else {
        format!("tài khoản của {}", expected.name)
    };
    let same_name_hint = if same_name(&report.signer, &expected.name) {
        " Trùng tên trên chứng thư không đủ để xác định người ký."
    } else {
        ""
    };
    Err(Refusal::new(format!(
        "Chứng thư số dùng để ký (mang tên \"{}\", số hiệu {}, do {} cấp) chưa được đăng ký cho {whose}, nên chữ ký không được chấp nhận.{same_name_hint} Hãy ký bằng chứng thư số đã đăng ký, hoặc nhờ quản trị đăng ký chứng thư này (Quản trị → Chứng thư số).",
        report.signer, report.serial, report.issuer
    )))
}

/// Names compare as people read them: NFC, case and surrounding spaces ignored.
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| shared::text::nfc(s.trim()).to_lowercase();
    norm(a) == norm(b)
}

/// Refuses PDFs with content that must not be issued (Điều 22.2).
pub fn refuse_active_content(pdf: &[u8]) -> Result<(), Refusal> {
    let found = shared::pdf::active::active_content(pdf)
        .map_err(|e| Refusal::new(format!("Không đọc được tệp PDF: {e}")))?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(format!(
            "Tệp PDF có nội dung chủ động không được phép phát hành (Điều 22.2 Quy chế): {}. Hãy xuất lại PDF không có các thành phần này.",
            found.join(", ")
        )))
    }
}

/// A file's signatures, verified once: every check of the file (the workflow step's own rules, what recipients
/// are shown) reads these reports instead of verifying again. Verifying is the cost of a signing step.
pub struct Verified<'a> {
    pub bytes: &'a [u8],
    pub reports: Result<Vec<SignatureReport>, String>,
}

impl<'a> Verified<'a> {
    pub fn new(bytes: &'a [u8], options: &VerifyOptions) -> Self {
        Self {
            bytes,
            reports: verify_document(bytes, options).map_err(|e| e.to_string()),
        }
    }
}

/// The signatures of `new`, split into those already in `previous` and those added, after checking that
/// `new` is `previous` plus appended bytes.
fn split_revisions(
    previous: &[u8],
    new: &Verified,
) -> Result<(Vec<SignatureReport>, Vec<SignatureReport>), Refusal> {
    let bytes = new.bytes;
    if bytes.len() <= previous.len() || !bytes.starts_with(previous) {
        return Err(Refusal::new(
            "Tệp tải lên không phải là văn bản trước đó cộng thêm chữ ký: nội dung đã có bị thay đổi. Hãy ký lại trên bản hiện hành.",
        ));
    }
    refuse_active_content(bytes)?;
    let reports = new
        .reports
        .clone()
        .map_err(|e| Refusal::new(format!("Không kiểm tra được chữ ký trong tệp: {e}")))?;
    let prev_len = previous.len() as i64;
    Ok(reports
        .into_iter()
        .partition(|r| match r.byte_range.as_slice() {
            [_, _, c, d] => c + d <= prev_len,
            _ => false,
        }))
}

/// Checks the one new signature: intact, whole file, trusted chain, not revoked, nothing after it.
fn check_new(report: &SignatureReport, who: &str) -> Result<(), Refusal> {
    if !report.valid || !report.integrity {
        return Err(Refusal::new(format!(
            "Chữ ký số của {who} không hợp lệ: {}",
            report.problems.join("; ")
        )));
    }
    if !report.covers_whole_document || report.modification != Modification::None {
        return Err(Refusal::new(format!(
            "Chữ ký số của {who} không bao trùm toàn bộ tệp tải lên (có nội dung thêm vào sau chữ ký)."
        )));
    }
    match report.chain_status {
        ChainStatus::Trusted => {}
        ChainStatus::Expired => {
            return Err(Refusal::new(format!(
                "Chứng thư số của {who} đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký."
            )));
        }
        _ => {
            return Err(Refusal::new(format!(
                "Chứng thư số của {who} không do tổ chức cung cấp dịch vụ chứng thực được hệ thống tin cậy cấp."
            )));
        }
    }
    if report.revocation_status == RevocationStatus::Revoked {
        return Err(Refusal::new(match &report.revocation {
            Some(r) => format!("Chứng thư số của {who}: {}", r.sentence()),
            None => format!("Chứng thư số của {who} đã bị thu hồi."),
        }));
    }
    if report.timestamp.as_ref().is_some_and(|t| !t.valid) {
        return Err(Refusal::new(format!(
            "Dấu thời gian kèm chữ ký số của {who} không hợp lệ: {}",
            report.problems.join("; ")
        )));
    }
    Ok(())
}

/// The byte range of the accepted signature `field` of `new` when it still needs a signature timestamp (it
/// has none; one it brought was checked by [`check_new`]).
pub fn needs_timestamp(new: &Verified, field: &str) -> Option<Vec<i64>> {
    new.reports
        .as_ref()
        .ok()?
        .iter()
        .find(|r| r.field == field && r.timestamp.is_none())
        .map(|r| r.byte_range.clone())
}

/// Earlier signatures must still verify, with nothing beyond `allowed` after them.
fn check_earlier(reports: &[SignatureReport], allowed: Modification) -> Result<(), Refusal> {
    for r in reports {
        let ok_change = match allowed {
            Modification::None => r.modification == Modification::None,
            _ => r.modification != Modification::Other,
        };
        if !r.valid || !ok_change {
            return Err(Refusal::new(format!(
                "Chữ ký đã có của {} không còn hợp lệ sau lần ký này: {}",
                r.signer,
                if r.problems.is_empty() {
                    "văn bản bị sửa ngoài phạm vi cho phép".to_string()
                } else {
                    r.problems.join("; ")
                }
            )));
        }
    }
    Ok(())
}

fn record(report: &SignatureReport, file_sha256: &str, kind: &'static str) -> VerifiedSignature {
    VerifiedSignature {
        file_sha256: file_sha256.to_string(),
        field: report.field.clone(),
        kind,
        signer: report.signer.clone(),
        serial: report.serial.clone(),
        issuer: report.issuer.clone(),
        signing_time: report.signing_time.clone(),
    }
}

fn exactly_one(added: Vec<SignatureReport>, what: &str) -> Result<SignatureReport, Refusal> {
    let n = added.len();
    let mut added = added.into_iter();
    match (added.next(), n) {
        (Some(r), 1) => Ok(r),
        (_, 0) => Err(Refusal::new(format!("Tệp tải lên không có {what} mới."))),
        _ => Err(Refusal::new(format!(
            "Tệp tải lên có {n} chữ ký mới; chỉ được thêm {what}."
        ))),
    }
}

/// The signer's step: `new` = the draft plus the signature of the person `signer` (the account signing: the
/// expected signer or the person acting under their delegation).
pub fn check_signer_revision(
    previous: &[u8],
    new: &Verified,
    new_sha256: &str,
    signer: &ExpectedSigner,
) -> Result<VerifiedSignature, Refusal> {
    let (earlier, added) = split_revisions(previous, new)?;
    check_earlier(&earlier, Modification::None)?;
    let sig = exactly_one(added, "chữ ký của người ký")?;
    check_new(&sig, "người ký")?;
    check_registered(&sig, signer)?;
    Ok(record(&sig, new_sha256, "signer"))
}

/// What the issuing step must find in the main file.
pub struct IssueExpectation<'a> {
    /// The issuing agency, whose seal certificate must be registered to it.
    pub agency: &'a ExpectedSigner,
    pub number_text: &'a str,
    pub date_text: &'a str,
    /// The verification code of the reservation (issue 15).
    pub verification_code: &'a str,
}

/// Whether the signed file has the verification stamp's field (every draft since issue 15; a draft reserved
/// before has only the number and date fields, and is issued without a printed code).
fn has_stamp_field(previous: &[u8]) -> bool {
    shared::pdf::document::Document::open(previous)
        .and_then(|d| d.fields())
        .is_ok_and(|fields| {
            fields
                .iter()
                .any(|f| f.name == shared::pdf::stamp::VERIFICATION_FIELD)
        })
}

/// The clerk's step on the main file: `new` = the signed version + the number and date filled into the
/// reserved fields + the agency's seal signature.
pub fn check_issued_main(
    previous: &[u8],
    new: &Verified,
    new_sha256: &str,
    expect: &IssueExpectation,
) -> Result<Vec<VerifiedSignature>, Refusal> {
    let (earlier, added) = split_revisions(previous, new)?;
    if earlier.is_empty() {
        return Err(Refusal::new(
            "Văn bản chưa có chữ ký của người có thẩm quyền.",
        ));
    }
    check_earlier(&earlier, Modification::FormFilling)?;
    let seal = exactly_one(added, "chữ ký số của cơ quan (con dấu)")?;
    check_new(&seal, "cơ quan")?;
    check_registered(&seal, expect.agency)?;
    // The fields filled after the signer's signature are exactly the number and date this issue holds.
    let filled = &earlier[0].filled_fields;
    let value = |name: &str| {
        filled
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if value(shared::pdf::fill::NUMBER_FIELD) != Some(expect.number_text) {
        return Err(Refusal::new(format!(
            "Số điền vào văn bản ({}) khác số được cấp ({}).",
            value(shared::pdf::fill::NUMBER_FIELD).unwrap_or("trống"),
            expect.number_text
        )));
    }
    if value(shared::pdf::fill::DATE_FIELD) != Some(expect.date_text) {
        return Err(Refusal::new(format!(
            "Ngày điền vào văn bản ({}) khác ngày ban hành ({}).",
            value(shared::pdf::fill::DATE_FIELD).unwrap_or("trống"),
            expect.date_text
        )));
    }
    // The verification code is the stamp field's value, filled in the same revision as the number, so the
    // seal covers it; the appearance drawn from it is the field's only appearance.
    let stamp = value(shared::pdf::stamp::VERIFICATION_FIELD);
    if stamp != Some(expect.verification_code) && (stamp.is_some() || has_stamp_field(previous)) {
        return Err(Refusal::new(match stamp {
            None => format!(
                "Văn bản chưa in mã xác minh {} và mã QR cùng với số; hãy lấy số lại và đóng dấu lại trên trình duyệt (hoặc dùng vanban pdf fill-number --code).",
                expect.verification_code
            ),
            Some(found) => format!(
                "Mã xác minh in trên văn bản ({found}) khác mã của lần lấy số này ({}).",
                expect.verification_code
            ),
        }));
    }
    let mut out: Vec<VerifiedSignature> = earlier
        .iter()
        .map(|r| record(r, new_sha256, "signer"))
        .collect();
    out.push(record(&seal, new_sha256, "seal"));
    Ok(out)
}

/// The clerk's step on a separate attachment: the attachment plus one agency signature.
pub fn check_signed_attachment(
    previous: &[u8],
    new: &Verified,
    new_sha256: &str,
    agency: &ExpectedSigner,
) -> Result<VerifiedSignature, Refusal> {
    let (earlier, added) = split_revisions(previous, new)?;
    check_earlier(&earlier, Modification::FormFilling)?;
    let sig = exactly_one(added, "chữ ký số của cơ quan")?;
    check_new(&sig, "cơ quan")?;
    check_registered(&sig, agency)?;
    Ok(record(&sig, new_sha256, "attachment"))
}

/// The server's check of a received file (Điều 12.2): every signature intact, trusted and unrevoked with
/// nothing but form filling after it, the page count, and — for the main document when the issuing agency is
/// known — a signature of that agency. Nothing is refused here: the clerk sees the verdict and decides.
pub fn check_received(
    name: &str,
    sha256: &str,
    file: &Verified,
    issuing_agency: Option<&str>,
) -> shared::incoming::FileCheck {
    let bytes = file.bytes;
    let mut check = shared::incoming::FileCheck {
        name: name.to_string(),
        sha256: sha256.to_string(),
        pages: None,
        signatures: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    match shared::pdf::document::Document::open(bytes).and_then(|d| d.pages()) {
        Ok(pages) => check.pages = u32::try_from(pages.len()).ok(),
        Err(e) => {
            check.problems.push(format!("Không đọc được tệp PDF: {e}"));
            return check;
        }
    }
    let reports = match &file.reports {
        Ok(r) => r,
        Err(e) => {
            check
                .problems
                .push(format!("Không kiểm tra được chữ ký: {e}"));
            return check;
        }
    };
    if reports.is_empty() {
        check.problems.push("Tệp không có chữ ký số.".into());
    }
    for r in reports {
        let mut problems = r.problems.clone();
        if !r.ok && problems.is_empty() {
            problems.push("Chữ ký không hợp lệ.".into());
        }
        check.signatures.push(shared::incoming::SignatureCheck {
            field: r.field.clone(),
            signer: r.signer.clone(),
            organization: r.organization.clone(),
            issuer: r.issuer.clone(),
            signing_time: r.signing_time.clone(),
            ok: r.ok,
            problems,
            timestamp: r.timestamp.clone(),
            level: r.level,
            document_timestamp: r.document_timestamp,
            revocation: r.revocation.clone(),
        });
    }
    if let Some(agency) = issuing_agency
        && !reports.is_empty()
        && !reports.iter().any(|r| {
            r.ok && (same_name(&r.signer, agency)
                || r.organization
                    .as_deref()
                    .is_some_and(|o| same_name(o, agency)))
        })
    {
        check.problems.push(format!(
            "Không có chữ ký số hợp lệ của cơ quan ban hành ({agency})."
        ));
    }
    check
}

/// The verdict on everything that arrived: ok when no file has a problem and no signature failed.
pub fn received_verdict(
    files: Vec<shared::incoming::FileCheck>,
    now: shared::time::Timestamp,
) -> shared::incoming::VerificationDto {
    let ok = files
        .iter()
        .all(|f| f.problems.is_empty() && f.signatures.iter().all(|s| s.ok));
    shared::incoming::VerificationDto {
        ok,
        checked_at: now,
        files,
    }
}
