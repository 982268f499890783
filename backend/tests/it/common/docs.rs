//! Test support for the document workflows: a throwaway CA with people's and agencies' signing keys, the
//! browser's part of signing done with the shared signing core (as the worker does it), and a province with
//! the roles an outgoing document passes through.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::Value;
use shared::agency::AgencyCode;
use shared::certificate::BindingSource;
use shared::document::{DocumentType, Urgency};
use shared::outgoing::{
    DraftRequest, ExternalRecipient, FileRef, IssueRequest, NumberReservation, OutgoingDto,
    ReviewDecision, ReviewRequest, SignRequest, SigningCapacity,
};
use shared::pdf::appearance::DisplayRect;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::sign::{SignatureKind, SignatureRequest};
use shared::pki::CertRole;
use shared::role::Role;
use shared::time::Timestamp;
use vanban::config::Config;
use vanban::store::certificates::{Owner, ParsedCertificate};
use vanban::store::{Actor, NewUser, Store, UserFields};

use super::api::Response;
use super::{Client, Fixture};

/// The CA the test servers trust, and keys issued by it (RSA key generation is slow: made once per name).
pub struct Pki {
    pub ca_cert: x509_cert::Certificate,
    ca_key: rsa::PrivateKey,
    keys: Mutex<HashMap<String, (rsa::PrivateKey, x509_cert::Certificate)>>,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let key = shared::pki::generate_key().unwrap();
        let cert = shared::pki::issue_certificate(
            CertRole::RootCa,
            shared::pki::name("CA thử nghiệm", Some("Kiểm thử")).unwrap(),
            &key,
            None,
            1,
            Duration::from_secs(3600 * 24 * 365),
        )
        .unwrap();
        Pki {
            ca_cert: cert,
            ca_key: key,
            keys: Mutex::new(HashMap::new()),
        }
    })
}

impl Pki {
    /// A CRL of the test CA listing nobody, valid for a week.
    pub fn empty_crl(&self) -> x509_cert::crl::CertificateList {
        shared::pki::build_crl(
            &self.ca_cert,
            &self.ca_key,
            &[],
            1,
            Duration::from_secs(7 * 24 * 3600),
        )
        .unwrap()
    }

    pub fn ca_pem(&self) -> String {
        shared::pki::cert_to_pem(&self.ca_cert).unwrap()
    }

    /// A second key and certificate for `common_name`, kept under `tag`: another person of the same name.
    pub fn namesake(&self, tag: &str, common_name: &str, role: CertRole) -> RsaSigner {
        self.signer(&format!("{common_name}\u{0}{tag}"), role)
    }

    /// A certificate for the key of a PKCS#10 request, from the test CA (what the agency CA does).
    pub fn issue_for_csr(&self, csr: &str, serial: u64) -> x509_cert::Certificate {
        shared::pki::issue_for_csr(
            CertRole::Person,
            csr,
            (&self.ca_cert, &self.ca_key),
            serial,
            Duration::from_secs(3600 * 24 * 30),
        )
        .unwrap()
    }

    /// Lays out `dir` as `vanban pki init-ca` does for the test CA (nothing revoked yet), so a server with
    /// `ca_dir` publishes its CRL.
    pub fn write_ca_dir(&self, dir: &std::path::Path) {
        std::fs::write(dir.join("ca.pem"), self.ca_pem()).unwrap();
        std::fs::write(
            dir.join("ca-key.pem"),
            shared::pki::key_to_pem(&self.ca_key).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join("serial"), "100\n").unwrap();
        std::fs::write(dir.join("crlnumber"), "1\n").unwrap();
        std::fs::write(dir.join("index.tsv"), "").unwrap();
    }

    /// A CRL of the test CA listing `entries`.
    pub fn crl(&self, entries: &[shared::pki::CrlEntry], number: u64) -> Vec<u8> {
        let list = shared::pki::build_crl_with_reasons(
            &self.ca_cert,
            &self.ca_key,
            entries,
            number,
            Duration::from_secs(24 * 3600),
        )
        .unwrap();
        shared::pki::crl_to_der(&list).unwrap()
    }

    /// The certificate of [`Pki::signer`] for `common_name`.
    pub fn certificate(&self, common_name: &str, role: CertRole) -> x509_cert::Certificate {
        self.signer(common_name, role).certificates[0].clone()
    }

    /// A signer whose certificate names `common_name` (a person, or an agency for its seal).
    pub fn signer(&self, common_name: &str, role: CertRole) -> RsaSigner {
        let mut keys = self.keys.lock().unwrap();
        let n = keys.len() as u64 + 2;
        let (key, cert) = keys
            .entry(format!("{common_name}/{role:?}"))
            .or_insert_with(|| {
                let key = shared::pki::generate_key().unwrap();
                let cert = shared::pki::issue_certificate(
                    role,
                    shared::pki::name(common_name.split('\u{0}').next().unwrap(), Some("Kiểm thử"))
                        .unwrap(),
                    &key,
                    Some((&self.ca_cert, &self.ca_key)),
                    n,
                    Duration::from_secs(3600 * 24 * 30),
                )
                .unwrap();
                (key, cert)
            })
            .clone();
        RsaSigner {
            key,
            certificates: vec![cert, self.ca_cert.clone()],
            padding: Padding::Pkcs1v15,
        }
    }
}

/// Registers the test certificate of `common_name` to `owner` (as an administrator would).
pub async fn register(store: &Store, owner: Owner, common_name: &str, role: CertRole) {
    let cert = pki().certificate(common_name, role);
    let parsed =
        ParsedCertificate::parse(shared::pki::cert_to_pem(&cert).unwrap().as_bytes()).unwrap();
    store
        .bind_certificate(&Actor::default(), &parsed, owner, BindingSource::Admin)
        .await
        .unwrap();
}

/// A server configuration that trusts the test CA.
pub fn config() -> Config {
    Config {
        trust_anchors: vec![pki().ca_pem()],
        ..Config::default()
    }
}

/// A small real PDF (Ghostscript output) used as the draft.
pub fn draft_pdf() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap()
}

/// A second, different PDF used as an attachment.
pub fn attachment_pdf() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/corpus/rotated-90.pdf"
    ))
    .unwrap()
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../shared/tests/assets/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    shared::hex(&sha2::Sha256::digest(bytes))
}

/// `original` + the appended revision carrying a signature of `kind` by `signer`.
pub fn sign(
    original: &[u8],
    signer: &RsaSigner,
    kind: SignatureKind,
    text: Option<String>,
) -> Vec<u8> {
    let request = SignatureRequest {
        kind,
        page: 0,
        rect: Some(DisplayRect {
            x: 330.0,
            y: 120.0,
            w: 150.0,
            h: 70.0,
        }),
        image_png: match kind {
            SignatureKind::Seal => Some(asset("con-dau-demo.png")),
            SignatureKind::Signer => Some(asset("chu-ky-demo.png")),
            SignatureKind::Attachment => None,
        },
        text,
        signer_name: "kiểm thử".into(),
        organization: None,
        time: Timestamp(vanban::store::now_ms()),
    };
    let appended = shared::pdf::sign::sign(original, &request, signer).unwrap();
    [original, &appended].concat()
}

/// What the clerk's browser does at issue: fill the number, the date and the verification stamp of the
/// reservation, then apply the agency's seal.
pub fn fill_and_seal(
    signed: &[u8],
    reservation: &NumberReservation,
    agency_seal: &RsaSigner,
) -> Vec<u8> {
    let stamp = shared::pdf::stamp::Stamp {
        code: reservation.verification_code.clone(),
        url: reservation.verification_url.clone(),
    };
    fill_and_seal_with(signed, reservation, Some(&stamp), agency_seal)
}

/// [`fill_and_seal`] with another stamp, or none (what an outdated browser would do).
pub fn fill_and_seal_with(
    signed: &[u8],
    reservation: &NumberReservation,
    stamp: Option<&shared::pdf::stamp::Stamp>,
    agency_seal: &RsaSigner,
) -> Vec<u8> {
    let date = reservation.date;
    let filled = shared::pdf::fill::fill_number(
        signed,
        reservation.number,
        &reservation.notation,
        (date.year, date.month, date.day),
        stamp,
    )
    .unwrap();
    let numbered = [signed, &filled].concat();
    sign(&numbered, agency_seal, SignatureKind::Seal, None)
}

/// [`fill_and_seal`] for a reservation read as raw JSON.
pub fn number_and_seal(signed: &[u8], reservation: &Value, agency_seal: &RsaSigner) -> Vec<u8> {
    let reservation: NumberReservation =
        serde_json::from_value(reservation.clone()).expect("a number reservation");
    fill_and_seal(signed, &reservation, agency_seal)
}

/// The people of a document's journey, on top of the base fixture: in the department (Sở Nội vụ) a unit
/// leader, an agency leader and a second clerk; in the province a clerk who receives.
#[derive(Debug, Clone, Copy)]
pub struct People {
    pub base: Fixture,
    pub unit_leader: i64,
    pub leader: i64,
    pub clerk2: i64,
    pub province_clerk: i64,
    pub dept_register: i64,
}

pub const LEADER_NAME: &str = "Lê Văn Hùng";
pub const DEPT_NAME: &str = "Sở Nội vụ";

pub async fn people(store: &Store) -> People {
    let base = super::fixture(store).await;
    let sys = Actor::default();
    let mk = |username: &str, name: &str, unit_id: i64, roles: Vec<Role>| NewUser {
        username: username.into(),
        fields: UserFields {
            full_name: name.into(),
            position: None,
            email: None,
            phone: None,
            unit_id,
            roles,
        },
        password_hash: vanban::auth::hash_password(super::PASSWORD).unwrap(),
        must_change_password: false,
    };
    let unit_leader = store
        .create_user(
            &sys,
            mk(
                "tp.snv",
                "Phan Thị Thanh Thảo",
                base.department_unit,
                vec![Role::UnitLeader],
            ),
        )
        .await
        .unwrap()
        .id;
    let leader = store
        .create_user(
            &sys,
            mk(
                "gd.snv",
                LEADER_NAME,
                base.department_office_unit,
                vec![Role::AgencyLeader],
            ),
        )
        .await
        .unwrap()
        .id;
    let clerk2 = store
        .create_user(
            &sys,
            mk(
                "vanthu2.snv",
                "Võ Thị Hai",
                base.department_office_unit,
                vec![Role::Clerk],
            ),
        )
        .await
        .unwrap()
        .id;
    let province_clerk = store
        .create_user(
            &sys,
            mk(
                "vanthu.ubnd",
                "Huỳnh Thị Mỹ Linh",
                base.province_office_unit,
                vec![Role::Clerk],
            ),
        )
        .await
        .unwrap()
        .id;
    let dept_register = store
        .list_registers(base.department)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.direction == "outgoing")
        .unwrap()
        .id;
    // The certificate registry: the people who sign and the department's seal own their test certificates.
    register(
        store,
        Owner::User(unit_leader),
        "Phan Thị Thanh Thảo",
        CertRole::Person,
    )
    .await;
    register(store, Owner::User(leader), LEADER_NAME, CertRole::Person).await;
    register(
        store,
        Owner::Agency(base.department),
        DEPT_NAME,
        CertRole::Seal,
    )
    .await;
    People {
        base,
        unit_leader,
        leader,
        clerk2,
        province_clerk,
        dept_register,
    }
}

/// Uploads bytes as a content-addressed blob; returns the SHA-256.
pub async fn upload(client: &mut Client, bytes: &[u8]) -> String {
    let sha = sha256(bytes);
    client.put_blob(&sha, bytes).await.good();
    sha
}

/// A draft from the department to the province, reviewed by `reviewers`, signed by the leader (KT.).
pub fn draft_request(p: &People, main_sha: &str, reviewers: &[i64]) -> DraftRequest {
    DraftRequest {
        doc_type: DocumentType::CongVan,
        subject: "Về việc báo cáo tình hình biên chế năm 2026"
            .try_into()
            .unwrap(),
        urgency: Urgency::Urgent,
        reply_deadline: None,
        signer_id: p.leader,
        signing_capacity: SigningCapacity::Kt,
        register_id: p.dept_register,
        answers_delivery_id: None,
        answers_incoming_id: None,
        internal_recipients: vec![p.base.province],
        external_recipients: vec![ExternalRecipient {
            code: AgencyCode::parse("000.00.00.G09").unwrap(),
            name: "Bộ Nội vụ".try_into().unwrap(),
        }],
        paper_recipients: vec!["Lưu: VT, TC".try_into().unwrap()],
        confidentiality: None,
        reviewers: reviewers.to_vec(),
        main_file: file_ref(main_sha, "cong-van-bien-che.pdf"),
        attachments: vec![],
        number_placement: None,
    }
}

/// [`draft_request`] as raw JSON, for the tests that edit the body field by field.
pub fn draft_body(p: &People, main_sha: &str, reviewers: &[i64]) -> Value {
    serde_json::to_value(draft_request(p, main_sha, reviewers)).unwrap()
}

/// An uploaded file as a request names it.
pub fn file_ref(sha256: &str, name: &str) -> FileRef {
    FileRef {
        sha256: sha256.into(),
        name: name.try_into().unwrap(),
    }
}

/// The bytes of the latest main file of a document.
pub async fn main_file_of(client: &mut Client, doc: &OutgoingDto) -> Vec<u8> {
    let file = doc.versions.last().unwrap().files[0].id;
    let (status, bytes) = client.outgoing_file(doc.id, file).await;
    assert_eq!(status, StatusCode::OK);
    bytes
}

/// The bytes of the latest main file of a document read as raw JSON.
pub async fn latest_main(client: &mut Client, doc: &Value) -> Vec<u8> {
    let id = doc["id"].as_i64().unwrap();
    let file = doc["versions"].as_array().unwrap().last().unwrap()["files"][0]["id"]
        .as_i64()
        .unwrap();
    let (status, bytes) = client.download(&shared::api::outgoing_file(id, file)).await;
    assert_eq!(status, StatusCode::OK);
    bytes
}

/// Drafts (by cv.snv, reviewed by the unit leader when `reviewed`), submits, approves: the document waits for
/// the leader's signature. Returns its id.
pub async fn awaiting_signature(app: &axum::Router, p: &People, reviewed: bool) -> i64 {
    let mut official = client(app, "cv.snv").await;
    let main = upload(&mut official, &draft_pdf()).await;
    let reviewers = if reviewed {
        vec![p.unit_leader]
    } else {
        vec![]
    };
    let id = official
        .create_outgoing(&draft_request(p, &main, &reviewers))
        .await
        .good()
        .id;
    official.submit(id).await.good();
    if reviewed {
        let mut tp = client(app, "tp.snv").await;
        tp.review(
            id,
            &ReviewRequest {
                decision: ReviewDecision::Approve,
                comment: None,
                forward_to: None,
            },
        )
        .await
        .good();
    }
    id
}

/// Signs as the leader in "the browser" and uploads; the server's answer to the signature.
pub async fn leader_signature(app: &axum::Router, id: i64) -> Response<OutgoingDto> {
    let mut leader = client(app, "gd.snv").await;
    let doc = leader.outgoing(id).await.good();
    let draft = main_file_of(&mut leader, &doc).await;
    let signed = sign(
        &draft,
        &pki().signer(LEADER_NAME, CertRole::Person),
        SignatureKind::Signer,
        None,
    );
    let sha = upload(&mut leader, &signed).await;
    leader.sign(id, &SignRequest { main_sha256: sha }).await
}

/// [`leader_signature`], asserting it was accepted; the document after it, as raw JSON.
pub async fn leader_signs(app: &axum::Router, id: i64) -> Value {
    leader_signature(app, id)
        .await
        .raw()
        .expect(StatusCode::OK)
        .body
}

/// The clerk's issue: reserve, fill and seal in "the browser", upload, issue. Returns the answer.
pub async fn issue_as_clerk(clerk: &mut Client, id: i64) -> Response<OutgoingDto> {
    let doc = clerk.outgoing(id).await.good();
    let reservation = clerk.reserve_number(id).await.good();
    let signed = main_file_of(clerk, &doc).await;
    let sealed = fill_and_seal(
        &signed,
        &reservation,
        &pki().signer(DEPT_NAME, CertRole::Seal),
    );
    let sha = upload(clerk, &sealed).await;
    clerk
        .issue(
            id,
            &IssueRequest {
                main_sha256: sha,
                attachments: vec![],
            },
        )
        .await
}

/// [`issue_as_clerk`], answering the raw answer.
pub async fn clerk_issues(clerk: &mut Client, id: i64) -> super::Answer {
    issue_as_clerk(clerk, id).await.raw()
}

/// A client of `app` signed in as `username`.
pub async fn client(app: &axum::Router, username: &str) -> Client {
    let mut c = Client::with_app(app.clone());
    c.login_ok(username).await;
    c
}
