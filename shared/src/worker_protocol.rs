//! The messages between the pages and the signing web worker (`worker/`), typed on both sides.
//!
//! The page posts `{id, request, file?, bytes?}`: `request` is a [`WorkerRequest`] as JSON text, `file` the
//! `Blob` the operation reads (in slices, so a 200 MB file never crosses whole), `bytes` a small `Uint8Array`
//! (a PKCS#12 file, a signature image). The worker answers `{id, message, bytes?}`: `message` is a
//! [`WorkerMessage`] as JSON text and `bytes` a transferred buffer (pixels of a page, the bytes a signature
//! appends). Id 0 is the worker's [`WorkerMessage::Ready`]. Key material never appears here: the worker keeps
//! the sealed keys and only [`KeySummary`] leaves it.

use serde::{Deserialize, Serialize};

/// One operation the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WorkerRequest {
    /// SHA-256 of the file (the name it is uploaded under). Answer: [`WorkerReply::Hashed`].
    Hash {
        #[serde(default)]
        engine: HashEngine,
    },
    /// Pages, signatures and active content of the PDF file. Answer: [`WorkerReply::Inspected`].
    Inspect,
    /// Checks every signature of the PDF file against these trust anchors (PEM), and revocation at the signing
    /// time against these CRLs (PEM). Answer: [`WorkerReply::Verified`].
    Verify {
        trust: Vec<String>,
        #[serde(default)]
        crls: Vec<String>,
    },
    /// Draws one page (from 0) `width` device pixels wide. Answer: [`WorkerReply::Rendered`] with RGBA pixels.
    Render { page: usize, width: f64 },
    /// Draws the page as it will look once signed (no key is opened: the contents are a placeholder); the image
    /// PNG travels as `bytes`. With `certificates` (a remote credential's chain, base64 DER), the names come from
    /// them instead of a key of this browser. Answer: [`WorkerReply::Rendered`].
    Preview {
        sign: SignOptions,
        width: f64,
        #[serde(default)]
        certificates: Vec<String>,
    },
    /// Lays out a signature whose key a remote signing service holds (`certificates`: its chain, base64 DER,
    /// the signer's first) and hashes it; the worker keeps the layout for [`WorkerRequest::FinishExternal`].
    /// `sign.key_id` and `sign.pin` are ignored; the image PNG travels as `bytes`. Answer:
    /// [`WorkerReply::ExternalHash`].
    BeginExternal {
        sign: SignOptions,
        certificates: Vec<String>,
    },
    /// Puts the service's signature value (base64, RSA PKCS#1 v1.5 over the hash) into the layout of the last
    /// [`WorkerRequest::BeginExternal`]; a value that does not verify is refused. Answer:
    /// [`WorkerReply::Appended`].
    FinishExternal { signature: String },
    /// Signs the PDF file with a key of this browser; the image PNG travels as `bytes`. Answer:
    /// [`WorkerReply::Appended`] with the bytes to append to the file.
    Sign(SignOptions),
    /// Writes the number and date into the reserved fields (an incremental update). Answer:
    /// [`WorkerReply::Appended`].
    Fill(FillNumber),
    /// The keys kept in this browser. Answer: [`WorkerReply::Keys`].
    ListKeys,
    /// Forgets a key. Answer: [`WorkerReply::Keys`].
    DeleteKey { id: String },
    /// Imports the PKCS#12 file in `bytes`, sealed under a new PIN. Answer: [`WorkerReply::Keys`].
    ImportP12 { p12_pin: String, pin: String },
    /// Makes a key pair and a certificate request. Answer: [`WorkerReply::KeyGenerated`].
    GenerateKey {
        name: String,
        organization: Option<String>,
        pin: String,
    },
    /// Attaches the certificate chain (PEM) the CA issued for a key. Answer: [`WorkerReply::Keys`].
    AttachCertificate { id: String, pem: String },
    /// Diagnostics: the worker's WASM memory. Answer: [`WorkerReply::Memory`].
    Memory,
}

/// How to hash: WebCrypto is native and fast but wants the whole file in one buffer; WASM streams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashEngine {
    /// WebCrypto up to 128 MB, WASM above.
    #[default]
    Auto,
    #[serde(rename = "webcrypto")]
    WebCrypto,
    Wasm,
}

/// Which of the three NĐ 30 signature appearances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// The competent person's signature (blue image).
    #[default]
    Signer,
    /// The agency's seal (red image over the left third of the signer's).
    Seal,
    /// On an attachment: top right of page 1, no image.
    Attachment,
}

/// What to sign with and where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignOptions {
    pub key_id: String,
    /// The key's PIN; empty for a preview.
    #[serde(default)]
    pub pin: String,
    pub kind: SignatureKind,
    /// Page index from 0.
    pub page: usize,
    /// `[x, y, width, height]` in points of the page as displayed, origin bottom left; `None`: invisible (or,
    /// for an attachment, the core's own place).
    pub rect: Option<[f64; 4]>,
    /// Lines under the image (the KT./TL. line); for an attachment, the main document's number and notation.
    pub text: Option<String>,
    /// RSASSA-PSS instead of PKCS#1 v1.5.
    #[serde(default)]
    pub pss: bool,
}

/// The number and date an issued document carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillNumber {
    pub number: u32,
    pub notation: String,
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The verification code of the reservation and the address its QR code holds, drawn into the field the
    /// draft reserved for them (issue 15).
    #[serde(default)]
    pub verification: Option<VerificationStamp>,
}

/// The verification code (`XXXX-XXXX-XXXX`) and its address (`{origin}/xac-minh/{code}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationStamp {
    pub code: String,
    pub url: String,
}

/// One message from the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum WorkerMessage {
    /// The worker has started (id 0).
    Ready,
    /// How far a long operation is (bytes read of the file).
    Progress { done: f64, total: f64 },
    /// The operation finished.
    Reply(WorkerReply),
    /// The operation failed.
    Failed(WorkerError),
}

/// The answer to a [`WorkerRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", content = "body", rename_all = "snake_case")]
pub enum WorkerReply {
    Hashed(HashResult),
    Inspected(Inspection),
    Verified(Vec<SignatureCheck>),
    /// RGBA pixels of this size travel as `bytes`.
    Rendered(Pixels),
    /// The bytes to append to the file travel as `bytes`.
    Appended(Appended),
    Keys(Vec<KeySummary>),
    KeyGenerated(GeneratedKey),
    /// What the remote signing service must sign: SHA-256 of the signed attributes, lower-case hex.
    ExternalHash {
        hash: String,
    },
    Memory(MemoryUse),
}

/// A file's SHA-256 and how it was computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashResult {
    /// Lower-case hex.
    pub sha256: String,
    pub size: f64,
    pub millis: f64,
    /// `webcrypto` or `wasm`.
    pub engine: String,
}

/// A page as displayed (rotation and crop box applied), in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageSize {
    pub width: f64,
    pub height: f64,
    /// The page's `/Rotate` (0, 90, 180, 270).
    #[serde(default)]
    pub rotate: i64,
}

/// A visible signed signature of the file: on which page and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureField {
    pub name: String,
    pub page: usize,
    /// `[x, y, width, height]` as displayed, origin bottom left.
    pub rect: [f64; 4],
}

/// What the worker reads from a PDF before signing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub pages: Vec<PageSize>,
    /// Signed signature fields, visible or not.
    pub signatures: usize,
    /// The visible signed signatures, oldest first.
    pub signature_fields: Vec<SignatureField>,
    /// JavaScript, launch actions, embedded files…: refused when issuing.
    pub active_content: Vec<String>,
}

/// The size of a rendered page in device pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
}

/// An incremental update: only the appended bytes travel back, the page joins them to the file it has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Appended {
    /// The size of the whole updated file.
    pub size: f64,
}

/// A new key and its certificate request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedKey {
    pub id: String,
    /// PKCS#10, PEM: what the user sends to the CA.
    pub csr: String,
}

/// The worker's WASM memory (it never shrinks, so this is its peak).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    pub wasm_memory_bytes: f64,
}

/// A key kept sealed in this browser, as the worker describes it (never the private part).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySummary {
    pub id: String,
    pub label: String,
    pub has_certificate: bool,
    pub organization: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub valid_until: Option<String>,
}

/// The verdict on one signature (the signing core's `SignatureReport`, as the pages show it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureCheck {
    /// The signature field's name.
    pub field: String,
    pub signer: String,
    pub organization: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub signing_time: Option<String>,
    pub algorithm: String,
    pub covers_whole_document: bool,
    pub modification: Modification,
    /// Text fields filled after signing, with their values.
    pub filled_fields: Vec<(String, String)>,
    pub chain_status: ChainStatus,
    pub revocation_status: RevocationStatus,
    /// Intact and cryptographically correct, whatever the trust.
    pub valid: bool,
    /// Fully good: valid, trusted, not revoked, at most form filling after it, its timestamp (if any) valid.
    pub ok: bool,
    /// Why it is not fully good, in Vietnamese.
    pub problems: Vec<String>,
    /// The signature timestamp, when the signature carries one.
    pub timestamp: Option<crate::signature::SignatureTimestamp>,
    /// The PAdES baseline level reached.
    pub level: crate::signature::SignatureLevel,
    /// A document timestamp (an archive timestamp over the file), not a person's or an agency's signature.
    #[serde(default)]
    pub document_timestamp: bool,
    /// When a revocation list lists the signer's certificate: when and why, and whether after the signing time.
    #[serde(default)]
    pub revocation: Option<crate::revocation::Revocation>,
}

/// What changed in the file after a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modification {
    None,
    /// Only the number and date filled in, or more signatures added.
    FormFilling,
    Other,
}

/// Whether the signer's certificate chains to a trust anchor of the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    Trusted,
    Untrusted,
    /// A certificate was not valid at signing time.
    Expired,
    /// A certificate's signature or constraints are wrong.
    Invalid,
}

/// Whether the signer's certificate was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationStatus {
    Good,
    Revoked,
    /// CRLs were given but none from the signer's issuer.
    Unknown,
    NotChecked,
}

impl Modification {
    /// In a sentence's middle, as the verification panel and `vanban pdf verify` say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "không có",
            Self::FormFilling => "chỉ điền số, ngày văn bản hoặc ký thêm (được phép)",
            Self::Other => "có sửa đổi khác (chữ ký không còn bảo đảm nội dung)",
        }
    }
}

impl ChainStatus {
    /// What the certificate is, as the verification panel and `vanban pdf verify` say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Trusted => "được cấp bởi tổ chức chứng thực mà tỉnh tin cậy",
            Self::Expired => "đã hết hạn hoặc chưa có hiệu lực vào thời điểm ký",
            Self::Invalid => "không hợp lệ (chữ ký của tổ chức cấp sai hoặc không dùng để ký)",
            Self::Untrusted => "không thuộc tổ chức chứng thực mà tỉnh tin cậy",
        }
    }
}

impl RevocationStatus {
    /// The certificate's revocation, as the verification panel and `vanban pdf verify` say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Good => "chưa bị thu hồi (theo danh sách thu hồi)",
            Self::Revoked => "ĐÃ BỊ THU HỒI",
            Self::Unknown => "không có danh sách thu hồi của tổ chức cấp",
            Self::NotChecked => "chưa kiểm tra tình trạng thu hồi",
        }
    }
}

/// The core verifier's verdict as the pages and the command line show it.
#[cfg(feature = "crypto")]
impl From<crate::pdf::verify::SignatureReport> for SignatureCheck {
    fn from(r: crate::pdf::verify::SignatureReport) -> Self {
        use crate::pdf::diff::Modification as Core;
        use crate::pdf::verify;
        Self {
            field: r.field,
            signer: r.signer,
            organization: r.organization,
            issuer: r.issuer,
            serial: r.serial,
            signing_time: r.signing_time,
            algorithm: r.algorithm,
            covers_whole_document: r.covers_whole_document,
            modification: match r.modification {
                Core::None => Modification::None,
                Core::FormFilling => Modification::FormFilling,
                Core::Other => Modification::Other,
            },
            filled_fields: r.filled_fields,
            chain_status: match r.chain_status {
                verify::ChainStatus::Trusted => ChainStatus::Trusted,
                verify::ChainStatus::Untrusted => ChainStatus::Untrusted,
                verify::ChainStatus::Expired => ChainStatus::Expired,
                verify::ChainStatus::Invalid => ChainStatus::Invalid,
            },
            revocation_status: match r.revocation_status {
                verify::RevocationStatus::Good => RevocationStatus::Good,
                verify::RevocationStatus::Revoked => RevocationStatus::Revoked,
                verify::RevocationStatus::Unknown => RevocationStatus::Unknown,
                verify::RevocationStatus::NotChecked => RevocationStatus::NotChecked,
            },
            valid: r.valid,
            ok: r.ok,
            problems: r.problems,
            timestamp: r.timestamp,
            level: r.level,
            document_timestamp: r.document_timestamp,
            revocation: r.revocation,
        }
    }
}

/// Why the worker could not do what was asked; every variant says it in Vietnamese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum WorkerError {
    /// The renderer needs the whole file in memory; above 64 MB the page is not drawn (the placement box still
    /// works on an outline of the page).
    #[error(
        "Tệp {megabytes:.0} MB lớn hơn 64 MB nên không vẽ trước trang; khung vị trí vẫn dùng được trên khung trang."
    )]
    TooBigToRender { megabytes: f64 },
    /// The operation needs a file and none came with it.
    #[error("Chưa chọn tệp.")]
    NoFile,
    /// Importing needs the PKCS#12 file's bytes.
    #[error("Chưa chọn tệp PKCS#12.")]
    NoKeyFile,
    /// The browser refused to read the file.
    #[error("Không đọc được tệp (trình duyệt từ chối).")]
    Unreadable,
    /// WebCrypto is missing or failed.
    #[error("WebCrypto không băm được tệp.")]
    WebCrypto,
    /// IndexedDB is missing or refused (private browsing may block it).
    #[error(
        "Không truy cập được kho khóa của trình duyệt (IndexedDB); chế độ duyệt riêng tư có thể chặn nó."
    )]
    KeyStoreUnavailable,
    /// No key with this id in this browser.
    #[error("Không tìm thấy khóa này trên máy.")]
    KeyNotFound,
    /// The PIN does not open the key.
    #[error("Mã PIN không đúng.")]
    WrongPin,
    /// The renderer cannot open the file.
    #[error("Trình hiển thị không mở được tệp PDF này.")]
    Unrenderable,
    /// The page index is past the last page.
    #[error("Không có trang này.")]
    NoSuchPage,
    /// The request could not be read (a page and a worker of different versions).
    #[error("Yêu cầu gửi bộ ký số sai: {0}")]
    BadRequest(String),
    /// The signing core refused (the PDF, the certificate, the key store): its own Vietnamese sentence.
    #[error("{0}")]
    Core(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_travels_as_json_tagged_by_its_operation() {
        let request = WorkerRequest::Render {
            page: 2,
            width: 720.0,
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"op":"render","page":2,"width":720.0}"#);
        assert_eq!(
            serde_json::from_str::<WorkerRequest>(&json).unwrap(),
            request
        );
    }

    #[test]
    fn a_failure_comes_back_as_the_same_error_with_its_vietnamese_sentence() {
        let message = WorkerMessage::Failed(WorkerError::TooBigToRender { megabytes: 80.0 });
        let json = serde_json::to_string(&message).unwrap();
        let back: WorkerMessage = serde_json::from_str(&json).unwrap();
        assert_eq!(back, message);
        let WorkerMessage::Failed(e) = back else {
            unreachable!()
        };
        assert!(e.to_string().starts_with("Tệp 80 MB lớn hơn 64 MB"));
    }

    #[test]
    fn sign_options_default_the_pin_and_padding_when_absent() {
        let options: SignOptions = serde_json::from_str(
            r#"{"key_id":"k","kind":"seal","page":0,"rect":[1.0,2.0,3.0,4.0],"text":null}"#,
        )
        .unwrap();
        assert_eq!(options.kind, SignatureKind::Seal);
        assert!(options.pin.is_empty() && !options.pss);
    }

    #[test]
    fn a_reply_names_its_kind() {
        let reply = WorkerMessage::Reply(WorkerReply::Appended(Appended { size: 10.0 }));
        let json = serde_json::to_string(&reply).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"reply","body":{"reply":"appended","body":{"size":10.0}}}"#
        );
    }
}
