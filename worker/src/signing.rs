//! What the signing worker does for the page, one function per [`WorkerRequest`]: hash, verify, preview, sign,
//! fill the number and date, remote signatures, and manage the keys. Inspecting and drawing are the render
//! worker's ([`crate::pages`]).

use shared::pdf::appearance::DisplayRect;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::document::Document;
use shared::pdf::sign::SignatureRequest;
use shared::pdf::source::Src;
use shared::pdf::verify::{VerifyOptions, verify_document};
use shared::time::Timestamp;
use shared::worker_protocol::{
    Appended, FillNumber, GeneratedKey, HashEngine, HashResult, SignOptions, SignatureCheck,
    SignatureKind, WorkerError, WorkerReply, WorkerRequest,
};
use web_sys::FileReaderSync;

use crate::reader::{BlobReader, SLICE, read_all, read_slice};
use crate::render::too_big_to_render;
use crate::{Answer, Posted, Reply, core, external, keys, memory, not_here, render_worker};

/// Runs one request of the signing worker.
pub async fn run(reply: &Reply, posted: Posted) -> Result<Answer, WorkerError> {
    let file = || posted.file.as_ref().ok_or(WorkerError::NoFile);
    let image = posted.bytes.clone();
    match posted.request? {
        WorkerRequest::Hash { engine } => hash(reply, file()?, engine).await,
        WorkerRequest::Verify { trust, crls } => check_signatures(reply, file()?, &trust, &crls),
        WorkerRequest::Preview {
            sign,
            width,
            certificates,
        } => preview(reply, file()?, &sign, &certificates, image, width).await,
        WorkerRequest::BeginExternal { sign, certificates } => {
            external::begin(reply, file()?, &sign, &certificates, image)
        }
        WorkerRequest::FinishExternal { signature } => external::finish(&signature),
        WorkerRequest::Sign(options) => sign(reply, file()?, &options, image).await,
        WorkerRequest::Fill(number) => fill(reply, file()?, &number),
        WorkerRequest::ListKeys => Ok(WorkerReply::Keys(keys::list().await?).into()),
        WorkerRequest::DeleteKey { id } => {
            keys::delete(&id).await?;
            Ok(WorkerReply::Keys(keys::list().await?).into())
        }
        WorkerRequest::ImportP12 { p12_pin, pin } => {
            import_p12(posted.bytes.as_deref(), &p12_pin, &pin).await
        }
        WorkerRequest::GenerateKey {
            name,
            organization,
            pin,
        } => generate_key(&name, organization.as_deref(), &pin).await,
        WorkerRequest::AttachCertificate { id, pem } => attach_certificate(&id, &pem).await,
        WorkerRequest::Memory => Ok(memory().into()),
        other @ (WorkerRequest::Inspect | WorkerRequest::Render { .. }) => {
            Err(not_here(&other, "Bộ ký số"))
        }
    }
}

fn keystore(e: shared::keystore::KeystoreError) -> WorkerError {
    match e {
        shared::keystore::KeystoreError::WrongPin => WorkerError::WrongPin,
        other => core(other),
    }
}

pub(crate) fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// Files up to this size are hashed by WebCrypto in one buffer; larger ones stream through WASM.
const WEBCRYPTO_MAX: f64 = 128.0 * 1024.0 * 1024.0;

async fn webcrypto_sha256(blob: &web_sys::Blob) -> Result<Vec<u8>, WorkerError> {
    use wasm_bindgen::JsCast;
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(blob))
        .map_err(|_| WorkerError::Unreadable)?;
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let subtle = scope.crypto().map_err(|_| WorkerError::WebCrypto)?.subtle();
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &buffer)
        .map_err(|_| WorkerError::WebCrypto)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| WorkerError::WebCrypto)?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
}

async fn hash(
    reply: &Reply,
    blob: &web_sys::Blob,
    engine: HashEngine,
) -> Result<Answer, WorkerError> {
    let started = js_sys::Date::now();
    let size = blob.size();
    // WebCrypto is native SHA-256 (several times faster than WASM) but wants the whole file in one buffer;
    // above WEBCRYPTO_MAX the streaming WASM hasher keeps memory bounded (docs/BENCHMARKS.md).
    if engine == HashEngine::WebCrypto || (engine == HashEngine::Auto && size <= WEBCRYPTO_MAX) {
        reply.progress(0.0, size);
        let digest = webcrypto_sha256(blob).await?;
        reply.progress(size, size);
        return Ok(WorkerReply::Hashed(HashResult {
            sha256: shared::hex(&digest),
            size,
            millis: js_sys::Date::now() - started,
            engine: "webcrypto".into(),
        })
        .into());
    }
    let mut hasher = shared::pdf::ByteRangeHasher::whole_file();
    let mut buf = vec![0u8; SLICE as usize];
    let mut at = 0.0;
    while at < size {
        let end = (at + SLICE).min(size);
        let chunk = read_slice(blob, at, end)?;
        let n = chunk.length() as usize;
        chunk.copy_to(&mut buf[..n]);
        hasher.update(&buf[..n]);
        at = end;
        reply.progress(at, size);
    }
    let digest = hasher.finish().map_err(core)?;
    Ok(WorkerReply::Hashed(HashResult {
        sha256: shared::hex(&digest),
        size,
        millis: js_sys::Date::now() - started,
        engine: "wasm".into(),
    })
    .into())
}

fn check_signatures(
    reply: &Reply,
    blob: &web_sys::Blob,
    trust: &[String],
    crls: &[String],
) -> Result<Answer, WorkerError> {
    let reader = BlobReader::with_progress(blob, reply);
    let mut options = VerifyOptions::default();
    for pem in trust {
        options
            .trust_anchors
            .extend(shared::pki::certs_from_pem_or_der(pem.as_bytes()).map_err(core)?);
    }
    // A CRL that does not read is left out: revocation is then "unknown", never a false "good".
    options.crls.extend(
        crls.iter()
            .filter_map(|pem| shared::pki::crl_from_pem_or_der(pem.as_bytes()).ok()),
    );
    let reports = verify_document(Src::reader(&reader), &options).map_err(core)?;
    Ok(WorkerReply::Verified(reports.into_iter().map(SignatureCheck::from).collect()).into())
}

/// What the core lays out for these options and this signer (the same for the preview and the signature).
pub(crate) fn signature_request(
    options: &SignOptions,
    image_png: Option<Vec<u8>>,
    signer_name: String,
    organization: Option<String>,
) -> SignatureRequest {
    use shared::pdf::sign::SignatureKind as Core;
    SignatureRequest {
        kind: match options.kind {
            SignatureKind::Signer => Core::Signer,
            SignatureKind::Seal => Core::Seal,
            SignatureKind::Attachment => Core::Attachment,
        },
        page: options.page,
        rect: options.rect.map(|[x, y, w, h]| DisplayRect { x, y, w, h }),
        image_png,
        text: options.text.clone(),
        signer_name,
        organization,
        time: now(),
    }
}

/// The final appearance on the page, without the key: lay out the signature (placeholder contents), then
/// have the render worker draw the page of the result (hayro lives there only).
async fn preview(
    reply: &Reply,
    blob: &web_sys::Blob,
    options: &SignOptions,
    remote: &[String],
    image: Option<Vec<u8>>,
    width: f64,
) -> Result<Answer, WorkerError> {
    too_big_to_render(blob)?;
    let data = read_all(reply, blob)?;
    let (signer_name, organization) = if remote.is_empty() {
        let sealed = keys::get(&options.key_id).await?;
        let certificates = sealed.certificates().map_err(keystore)?;
        match certificates.first() {
            Some(c) => shared::pki::subject_names(c),
            None => (sealed.label.clone(), None),
        }
    } else {
        let chain = external::certificates(remote)?;
        shared::pki::subject_names(&chain[0])
    };
    let request = signature_request(options, image, signer_name, organization);
    // An attachment's appearance is always on page 1 (the core puts it there).
    let page = if options.kind == SignatureKind::Attachment {
        0
    } else {
        options.page
    };
    let appended = {
        let doc = Document::open(&data).map_err(core)?;
        shared::pdf::sign::prepare(&doc, &request, 4096)
            .map_err(core)?
            .appended
    };
    render_worker::render(&[&data, &appended], page, width).await
}

async fn sign(
    reply: &Reply,
    blob: &web_sys::Blob,
    options: &SignOptions,
    image: Option<Vec<u8>>,
) -> Result<Answer, WorkerError> {
    let sealed = keys::get(&options.key_id).await?;
    let certificates = sealed.certificates().map_err(keystore)?;
    if certificates.is_empty() {
        return Err(keystore(shared::keystore::KeystoreError::NoCertificate));
    }
    let key = sealed.open(&options.pin).map_err(keystore)?;
    let (signer_name, organization) = shared::pki::subject_names(&certificates[0]);
    let signer = RsaSigner {
        key,
        certificates,
        padding: if options.pss {
            Padding::Pss
        } else {
            Padding::Pkcs1v15
        },
    };
    let request = signature_request(options, image, signer_name, organization);
    // Read on demand and hashed in chunks: the document is never held whole. Only the appended bytes travel
    // back; the page joins them to the File it already has (a Blob of two parts).
    let reader = BlobReader::with_progress(blob, reply);
    let appended =
        shared::pdf::sign::sign(Src::reader(&reader), &request, &signer).map_err(core)?;
    let size = (reader.len + appended.len()) as f64;
    Ok(Answer {
        reply: WorkerReply::Appended(Appended { size }),
        bytes: Some(appended),
    })
}

/// The number and date written into the reserved fields (an incremental update: the signer's signature stays
/// valid). Only the appended bytes travel back, as with [`sign`].
fn fill(reply: &Reply, blob: &web_sys::Blob, number: &FillNumber) -> Result<Answer, WorkerError> {
    let data = read_all(reply, blob)?;
    let stamp = number
        .verification
        .as_ref()
        .map(|v| shared::pdf::stamp::Stamp {
            code: v.code.clone(),
            url: v.url.clone(),
        });
    let appended = shared::pdf::fill::fill_number(
        &data,
        number.number,
        &number.notation,
        (number.year, number.month, number.day),
        stamp.as_ref(),
    )
    .map_err(core)?;
    let size = (data.len() + appended.len()) as f64;
    Ok(Answer {
        reply: WorkerReply::Appended(Appended { size }),
        bytes: Some(appended),
    })
}

async fn import_p12(bytes: Option<&[u8]>, p12_pin: &str, pin: &str) -> Result<Answer, WorkerError> {
    let bytes = bytes.ok_or(WorkerError::NoKeyFile)?;
    let (key, certs) = shared::pki::from_pkcs12(bytes, p12_pin).map_err(core)?;
    let label = shared::pki::subject_names(&certs[0]).0;
    let sealed = shared::keystore::seal(
        &key,
        &certs,
        &label,
        pin,
        shared::keystore::KdfParams::INTERACTIVE,
    )
    .map_err(keystore)?;
    keys::put(&sealed).await?;
    Ok(WorkerReply::Keys(keys::list().await?).into())
}

async fn generate_key(
    name: &str,
    organization: Option<&str>,
    pin: &str,
) -> Result<Answer, WorkerError> {
    let key = shared::pki::generate_key().map_err(core)?;
    let csr = shared::keystore::certificate_request(&key, name, organization).map_err(keystore)?;
    let sealed = shared::keystore::seal(
        &key,
        &[],
        name,
        pin,
        shared::keystore::KdfParams::INTERACTIVE,
    )
    .map_err(keystore)?;
    let id = keys::put(&sealed).await?;
    Ok(WorkerReply::KeyGenerated(GeneratedKey { id, csr }).into())
}

async fn attach_certificate(id: &str, pem: &str) -> Result<Answer, WorkerError> {
    let chain = shared::pki::certs_from_pem_or_der(pem.as_bytes()).map_err(core)?;
    let mut sealed = keys::get(id).await?;
    sealed.attach_certificates(chain).map_err(keystore)?;
    keys::replace(id, &sealed).await?;
    Ok(WorkerReply::Keys(keys::list().await?).into())
}
