//! Remote signing (ký số từ xa) in the worker: lay out the signature for a credential's certificate and hash
//! it, keep the layout while the person approves on their phone, then put the service's signature value in.
//! Only one remote signature is prepared at a time (one signing panel per page).

use std::cell::RefCell;

use shared::pdf::sign::ExternalSignature;
use shared::pdf::source::Src;
use shared::worker_protocol::{Appended, SignOptions, WorkerError, WorkerReply};

use crate::core;
use crate::reader::BlobReader;
use crate::signing::signature_request;
use crate::{Answer, Reply};

thread_local! {
    /// The layout waiting for the service's signature, and the size of the file it appends to.
    static PENDING: RefCell<Option<(ExternalSignature, usize)>> = const { RefCell::new(None) };
}

/// The credential's chain from base64 DER, the signer's first.
pub fn certificates(encoded: &[String]) -> Result<Vec<shared::pki::X509Certificate>, WorkerError> {
    let chain = shared::pki::certs_from_base64(encoded)
        .ok_or_else(|| core("chứng thư số của dịch vụ ký số từ xa không đọc được"))?;
    if chain.is_empty() {
        return Err(core("dịch vụ ký số từ xa không trả về chứng thư số"));
    }
    Ok(chain)
}

pub fn begin(
    reply: &Reply,
    blob: &web_sys::Blob,
    options: &SignOptions,
    encoded: &[String],
    image: Option<Vec<u8>>,
) -> Result<Answer, WorkerError> {
    let chain = certificates(encoded)?;
    let (signer_name, organization) = shared::pki::subject_names(&chain[0]);
    let request = signature_request(options, image, signer_name, organization);
    let reader = BlobReader::with_progress(blob, reply);
    let external = ExternalSignature::begin(Src::reader(&reader), &request, chain).map_err(core)?;
    let hash = external.hash_to_sign().map_err(core)?;
    PENDING.with(|p| *p.borrow_mut() = Some((external, reader.len)));
    Ok(WorkerReply::ExternalHash {
        hash: shared::hex(&hash),
    }
    .into())
}

pub fn finish(signature: &str) -> Result<Answer, WorkerError> {
    let (external, len) = PENDING
        .with(|p| p.borrow_mut().take())
        .ok_or_else(|| core("chưa chuẩn bị chữ ký nào để hoàn tất; hãy ký lại"))?;
    let value = shared::pki::base64_decode(signature)
        .ok_or(())
        .map_err(|_| core("chữ ký dịch vụ ký số từ xa trả về không phải base64"))?;
    let appended = external.finish(&value).map_err(core)?;
    Ok(Answer {
        reply: WorkerReply::Appended(Appended {
            size: (len + appended.len()) as f64,
        }),
        bytes: Some(appended),
    })
}
