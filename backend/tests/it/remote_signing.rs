//! Remote signing (ký số từ xa) end to end against a CSC API v2 provider: the router of `vanban csc serve`,
//! served on a loopback port, with its phone page driven over HTTP as a person would tap it. The leader
//! registers the credential (approved on the phone), signs a document with a key the server never sees (the
//! hash laid out here as the browser's worker does, the value from the provider), and the server accepts it
//! with the same checks as any signature. A refused and a timed-out approval end the request with the reason
//! and leave the document as it was; an unreachable provider is a 503; another person's request is a 404.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::outgoing::{OutgoingStatus, SignRequest};
use shared::pdf::appearance::DisplayRect;
use shared::pdf::sign::{ExternalSignature, SignatureKind, SignatureRequest};
use shared::pki::CertRole;
use shared::remote_signing::{RemoteSignatureDto, RemoteSignatureStatus, RemoteSigningDto};
use shared::time::Timestamp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vanban::csc::service::{Credential, Provider, router};

use crate::common::Client;
use crate::common::TestDb;
use crate::common::docs::{self, LEADER_NAME, pki};

/// The leader's identifier at the provider (a citizen ID number).
const LEADER_ID: &str = "079080001234";

struct TestProvider {
    addr: std::net::SocketAddr,
}

/// The demo provider with one credential for the leader: a key of the test CA that is not the leader's
/// browser key (same name on the certificate, another key).
async fn start_provider() -> TestProvider {
    let provider = Arc::new(Provider::new(
        "Ký số từ xa thử nghiệm".into(),
        "vanban-it".into(),
        "bí-mật".into(),
        vec![Credential {
            id: "cred-leader".into(),
            user_id: LEADER_ID.into(),
            signer: pki().namesake("csc", LEADER_NAME, CertRole::Person),
        }],
        Duration::from_secs(60),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router(provider)).await.unwrap();
    });
    TestProvider { addr }
}

impl TestProvider {
    fn config(&self, approval: Duration) -> vanban::csc::client::Provider {
        vanban::csc::client::Provider {
            url: format!("http://{}/csc/v2", self.addr),
            client_id: Some("vanban-it".into()),
            client_secret: Some("bí-mật".into()),
            name: None,
            approval,
        }
    }

    /// One plain HTTP/1.1 exchange with the provider: status and body.
    async fn http(&self, method: &str, path: &str) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        s.write_all(
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        let mut reply = Vec::new();
        s.read_to_end(&mut reply).await.unwrap();
        let text = String::from_utf8_lossy(&reply).to_string();
        let status = text[9..12].parse().unwrap();
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// What waits on the leader's phone, once it appears.
    async fn wait_on_phone(&self) -> Value {
        for _ in 0..100 {
            let (_, body) = self
                .http("GET", &format!("/phone/{LEADER_ID}/pending"))
                .await;
            let list: Value = serde_json::from_str(&body).unwrap();
            if let Some(first) = list.as_array().and_then(|l| l.first()) {
                return first.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no request reached the phone");
    }

    /// The person taps Approve or Refuse on the phone page.
    async fn tap(&self, decision: &str) -> Value {
        let item = self.wait_on_phone().await;
        let page = self.http("GET", &format!("/phone/{LEADER_ID}")).await.1;
        assert!(
            page.contains("Đồng ý ký") && page.contains("Từ chối"),
            "{page}"
        );
        let handle = item["handle"].as_str().unwrap();
        let (status, _) = self
            .http("POST", &format!("/phone/approvals/{handle}/{decision}"))
            .await;
        assert_eq!(
            status, 303,
            "the phone page answers a tap with the list again"
        );
        item
    }
}

async fn remote(client: &mut Client) -> RemoteSigningDto {
    client
        .send_json::<RemoteSigningDto>(Method::GET, shared::api::ME_REMOTE_SIGNING, Value::Null)
        .await
        .good()
}

async fn ask(client: &mut Client, body: Value) -> crate::common::api::Response<RemoteSignatureDto> {
    client
        .send_json::<RemoteSignatureDto>(Method::POST, shared::api::ME_REMOTE_SIGNATURES, body)
        .await
}

/// Polls a request until it is no longer pending.
async fn outcome(client: &mut Client, id: i64) -> RemoteSignatureDto {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let r: RemoteSignatureDto = client
            .send_json(
                Method::GET,
                &shared::api::me_remote_signature(id),
                Value::Null,
            )
            .await
            .good();
        if r.status != RemoteSignatureStatus::Pending || Instant::now() > until {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The leader's browser: the signature laid out for the credential's chain over the document's main file.
fn layout(draft: &[u8], chain: &[String]) -> ExternalSignature {
    let certificates = shared::pki::certs_from_base64(chain).expect("a readable chain");
    let request = SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: Some(DisplayRect {
            x: 330.0,
            y: 120.0,
            w: 150.0,
            h: 70.0,
        }),
        image_png: None,
        text: None,
        signer_name: LEADER_NAME.into(),
        organization: None,
        time: Timestamp(vanban::store::now_ms()),
    };
    ExternalSignature::begin(draft, &request, certificates).unwrap()
}

async fn a_leader_registers_and_signs_remotely_and_refusals_and_timeouts_change_nothing(
    db: TestDb,
) {
    let p = docs::people(db.store.as_ref()).await;
    let provider = start_provider().await;
    let mut config = docs::config();
    config.remote_signing = Some(provider.config(Duration::from_secs(20)));
    let app = crate::common::app(db.store.clone(), config.clone());
    let mut leader = docs::client(&app, "gd.snv").await;

    // Before the identifier: the provider is named, no credential yet.
    let r = remote(&mut leader).await;
    assert!(r.configured);
    assert_eq!(r.provider.as_deref(), Some("Ký số từ xa thử nghiệm"));
    assert!(r.user_id.is_none() && r.credentials.is_empty());
    let e = ask(
        &mut leader,
        json!({ "credential_id": "cred-leader", "purpose": "register" }),
    )
    .await
    .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("mã định danh"), "{}", e.message);
    for bad in ["có khoảng trắng", &"9".repeat(65), "\u{202e}079", "a\u{0}b"] {
        leader
            .send_json::<Value>(
                Method::PUT,
                shared::api::ME_REMOTE_SIGNING,
                json!({ "user_id": bad }),
            )
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r: RemoteSigningDto = leader
        .send_json(
            Method::PUT,
            shared::api::ME_REMOTE_SIGNING,
            json!({ "user_id": LEADER_ID }),
        )
        .await
        .good();
    assert_eq!(r.user_id.as_deref(), Some(LEADER_ID));
    assert_eq!(r.credentials.len(), 1, "{r:?}");
    let credential = r.credentials[0].clone();
    assert_eq!(credential.subject, LEADER_NAME);
    assert!(!credential.registered);

    let id = docs::awaiting_signature(&app, &p, false).await;
    let doc = leader.outgoing(id).await.good();
    let draft = docs::main_file_of(&mut leader, &doc).await;

    // Registration: the server's challenge, approved on the phone; the certificate is then bound.
    let pending = ask(
        &mut leader,
        json!({ "credential_id": "cred-leader", "purpose": "register" }),
    )
    .await
    .expecting(StatusCode::ACCEPTED)
    .good();
    assert_eq!(pending.status, RemoteSignatureStatus::Pending);
    let shown = provider.tap("approve").await;
    assert!(
        shown["description"]
            .as_str()
            .unwrap()
            .contains("Đăng ký chứng thư số"),
        "{shown}"
    );
    let done = outcome(&mut leader, pending.id).await;
    assert_eq!(done.status, RemoteSignatureStatus::Signed, "{done:?}");
    assert!(done.certificate_id.is_some());
    assert!(remote(&mut leader).await.credentials[0].registered);
    let mine = leader
        .send_json::<shared::certificate::MyCertificatesResponse>(
            Method::GET,
            shared::api::ME_CERTIFICATES,
            Value::Null,
        )
        .await
        .good();
    assert!(
        mine.certificates
            .iter()
            .any(|c| c.source == shared::certificate::BindingSource::Remote),
        "{mine:?}"
    );

    // Signing: the hash of the layout goes to the phone with the document's subject; the value comes back.
    let external = layout(&draft, &credential.certificates);
    let hash = shared::hex(&external.hash_to_sign().unwrap());
    let pending = ask(
        &mut leader,
        json!({ "credential_id": "cred-leader", "purpose": "sign", "hash": hash,
                "description": "Ký văn bản: Báo cáo thử" }),
    )
    .await
    .expecting(StatusCode::ACCEPTED)
    .good();
    let shown = provider.tap("approve").await;
    assert_eq!(shown["description"], "Ký văn bản: Báo cáo thử");
    let done = outcome(&mut leader, pending.id).await;
    assert_eq!(done.status, RemoteSignatureStatus::Signed, "{done:?}");
    let value = shared::pki::base64_decode(done.signature.as_deref().unwrap()).unwrap();
    let signed = [draft.clone(), external.finish(&value).unwrap()].concat();
    let sha = docs::upload(&mut leader, &signed).await;
    let after = leader
        .sign(id, &SignRequest { main_sha256: sha })
        .await
        .good();
    assert_ne!(after.status, OutgoingStatus::AwaitingSignature);

    // Refused on the phone: the request ends refused, with the reason; nothing else changes.
    let id2 = docs::awaiting_signature(&app, &p, false).await;
    let pending = ask(
        &mut leader,
        json!({ "credential_id": "cred-leader", "purpose": "sign", "hash": "ab".repeat(32) }),
    )
    .await
    .expecting(StatusCode::ACCEPTED)
    .good();
    provider.tap("refuse").await;
    let done = outcome(&mut leader, pending.id).await;
    assert_eq!(done.status, RemoteSignatureStatus::Refused, "{done:?}");
    assert!(done.signature.is_none());
    assert!(
        done.message.as_deref().unwrap().contains("từ chối"),
        "{done:?}"
    );
    assert_eq!(
        leader.outgoing(id2).await.good().status,
        OutgoingStatus::AwaitingSignature
    );

    // Nobody approves within the server's window (2 s here): expired, whatever the provider's own window.
    let mut short = config.clone();
    short.remote_signing = Some(provider.config(Duration::from_secs(2)));
    let app_short = crate::common::app(db.store.clone(), short);
    let mut leader_short = docs::client(&app_short, "gd.snv").await;
    let pending = ask(
        &mut leader_short,
        json!({ "credential_id": "cred-leader", "purpose": "sign", "hash": "cd".repeat(32) }),
    )
    .await
    .expecting(StatusCode::ACCEPTED)
    .good();
    provider.wait_on_phone().await;
    let done = outcome(&mut leader_short, pending.id).await;
    assert_eq!(done.status, RemoteSignatureStatus::Expired, "{done:?}");
    assert!(
        done.message.as_deref().unwrap().contains("Hết thời gian"),
        "{done:?}"
    );

    // Someone else cannot read the leader's request.
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let e = clerk
        .send_json::<Value>(
            Method::GET,
            &shared::api::me_remote_signature(pending.id),
            Value::Null,
        )
        .await
        .refused(StatusCode::NOT_FOUND);
    assert!(e.message.contains("Không tìm thấy"), "{}", e.message);
    // A hash that is not SHA-256, and a credential that is not the person's, are refused before the phone.
    ask(
        &mut leader,
        json!({ "credential_id": "cred-leader", "purpose": "sign", "hash": "abc" }),
    )
    .await
    .refused(StatusCode::UNPROCESSABLE_ENTITY);
    ask(
        &mut leader,
        json!({ "credential_id": "cred-other", "purpose": "register" }),
    )
    .await
    .refused(StatusCode::UNPROCESSABLE_ENTITY);
    db.finish().await;
}

async fn an_unreachable_or_absent_provider_is_a_clear_refusal(db: TestDb) {
    docs::people(db.store.as_ref()).await;
    // No provider configured: the keys page says so; a request is a 409.
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut leader = docs::client(&app, "gd.snv").await;
    assert!(!remote(&mut leader).await.configured);
    ask(
        &mut leader,
        json!({ "credential_id": "x", "purpose": "register" }),
    )
    .await
    .refused(StatusCode::CONFLICT);

    // A provider that does not answer: the credentials' problem is reported, a request is a 503.
    let mut config = docs::config();
    config.remote_signing = Some(vanban::csc::client::Provider {
        url: format!(
            "http://127.0.0.1:{}/csc/v2",
            crate::common::server::free_port()
        ),
        client_id: None,
        client_secret: None,
        name: Some("Nhà cung cấp A".into()),
        approval: Duration::from_secs(5),
    });
    let app = crate::common::app(db.store.clone(), config);
    let mut leader = docs::client(&app, "gd.snv").await;
    let r: RemoteSigningDto = leader
        .send_json(
            Method::PUT,
            shared::api::ME_REMOTE_SIGNING,
            json!({ "user_id": LEADER_ID }),
        )
        .await
        .good();
    assert!(
        r.problem.as_deref().unwrap().contains("Không kết nối được"),
        "{r:?}"
    );
    let e = ask(
        &mut leader,
        json!({ "credential_id": "x", "purpose": "register" }),
    )
    .await
    .refused(StatusCode::SERVICE_UNAVAILABLE);
    assert!(e.message.contains("ký số từ xa"), "{}", e.message);
    db.finish().await;
}

crate::on_both_databases!(
    a_leader_registers_and_signs_remotely_and_refusals_and_timeouts_change_nothing,
    an_unreachable_or_absent_provider_is_a_clear_refusal,
);
