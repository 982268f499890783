//! A packet that arrived (over HTTP or in a folder), from an authenticated peer: parsed, checked against the
//! inbox, its files stored and verified with the same code as any electronic arrival (`signing::check_received`),
//! then applied in one store call.

use std::sync::Arc;

use crate::blob::BlobStore;
use crate::store::Store;
use crate::store::exchange::{ArrivedDocument, ArrivedStatus, PeerRow, Receipt};

/// Why a packet could not be taken; the sentence goes back to the sender.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// The packet is wrong and will stay wrong (400 / 422): the sender should not retry.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed here; the sender retries.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    /// The file store cannot be reached now (503): the sender retries later.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

impl From<crate::blob::BlobError> for ReceiveError {
    fn from(e: crate::blob::BlobError) -> Self {
        match e {
            crate::blob::BlobError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::store::StoreError> for ReceiveError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// Receives one packet from `peer`.
pub async fn receive_packet(
    store: &Store,
    blobs: &Arc<dyn BlobStore>,
    trust_anchors: &[String],
    peer: &PeerRow,
    bytes: &[u8],
) -> Result<Receipt, ReceiveError> {
    let packet = edxml::parse(bytes)
        .map_err(|e| ReceiveError::Invalid(format!("Gói tin edXML không hợp lệ: {e}")))?;
    match packet {
        edxml::Packet::Status(s) => {
            let status =
                shared::status::DeliveryStatus::from_code(s.status.code()).ok_or_else(|| {
                    ReceiveError::Invalid(format!(
                        "Mã trạng thái {} không được hỗ trợ.",
                        s.status.code()
                    ))
                })?;
            Ok(store
                .receive_status(
                    peer,
                    &ArrivedStatus {
                        document_id: s.response_for.document_id.clone(),
                        from_code: s.from.organ_id.clone(),
                        status,
                        description: s.description.clone(),
                    },
                )
                .await?)
        }
        edxml::Packet::Document(d) => {
            let facts = super::packets::arrived_facts(&d);
            let action = d.action();
            // The document an action is about: the trace's own DocumentId, else the header's.
            let target = d
                .business
                .as_ref()
                .and_then(|b| b.document_id.clone())
                .filter(|id| !id.trim().is_empty())
                .unwrap_or_else(|| facts.document_id.clone());
            let reason = d.business.as_ref().and_then(|b| b.reason.clone());
            match action {
                edxml::BusinessAction::Recall => {
                    return Ok(store
                        .receive_recall(peer, &target, &d.from.organ_id, reason.as_deref())
                        .await?);
                }
                edxml::BusinessAction::Update => {
                    // Each update is its own packet: its digest keeps a redelivery apart from a later update.
                    let key = shared::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
                    return Ok(store
                        .receive_update(
                            peer,
                            &target,
                            &key[..16],
                            &d.from.organ_id,
                            &facts,
                            reason.as_deref(),
                        )
                        .await?);
                }
                edxml::BusinessAction::New | edxml::BusinessAction::Replace => {}
            }
            let code = i64::from(action.code());
            if store
                .packet_received(&facts.document_id, code, "", &d.from.organ_id)
                .await?
            {
                return Ok(Receipt::Duplicate);
            }
            if d.attachments.is_empty() {
                return Err(ReceiveError::Invalid(
                    "Gói tin không kèm tệp văn bản nào.".into(),
                ));
            }
            // A replacement withdraws the documents it names for the agencies it names (all when none).
            let ours: Vec<String> = d.to.iter().map(|o| o.organ_id.clone()).collect();
            let replaces: Vec<String> = d
                .business
                .as_ref()
                .filter(|_| action == edxml::BusinessAction::Replace)
                .map(|b| {
                    b.replacements
                        .iter()
                        .filter(|r| {
                            r.organ_ids.is_empty() || r.organ_ids.iter().any(|o| ours.contains(o))
                        })
                        .map(|r| r.document_id.clone())
                        .collect()
                })
                .unwrap_or_default();
            let (verification, files, texts) = store_and_check(
                store,
                blobs,
                trust_anchors,
                &d.from.organ_name,
                d.attachments,
            )
            .await?;
            Ok(store
                .receive_document(
                    peer,
                    &ArrivedDocument {
                        facts,
                        from_code: d.from.organ_id.clone(),
                        from_name: d.from.organ_name.clone(),
                        action: code,
                        to: ours,
                        files,
                        texts,
                        verification,
                        replaces,
                    },
                )
                .await?)
        }
    }
}

/// The verdict on the files, the files, and the folded text of those whose text is not known yet.
type Checked = (
    shared::incoming::VerificationDto,
    Vec<crate::store::NewFile>,
    Vec<(String, String)>,
);

/// Stores each attachment as a blob and checks it as an electronic arrival is checked (signatures against the
/// trust anchors, the issuing agency's seal on the main file, active content), and keeps its text for search.
async fn store_and_check(
    store: &Store,
    blobs: &Arc<dyn BlobStore>,
    trust_anchors: &[String],
    issuer: &str,
    attachments: Vec<edxml::Attachment>,
) -> Result<Checked, ReceiveError> {
    let files: Vec<&[u8]> = attachments.iter().map(|a| &a.data[..]).collect();
    let options = Arc::new(
        crate::signing::options_for(store, trust_anchors, &files)
            .await
            .map_err(|e| ReceiveError::Internal(e.into()))?,
    );
    let mut checks = Vec::new();
    let mut files = Vec::new();
    let mut texts = Vec::new();
    for (i, a) in attachments.into_iter().enumerate() {
        let mut reader: &[u8] = &a.data;
        let stored = blobs.put(&mut reader, None).await?;
        let (options, issuer, name, sha) = (
            options.clone(),
            issuer.to_string(),
            a.name.clone(),
            stored.sha256.clone(),
        );
        let size = a.data.len() as i64;
        let known_text = store.has_blob_text(&stored.sha256).await?;
        let (check, text) = tokio::task::spawn_blocking(move || {
            let verified = crate::signing::Verified::new(&a.data, &options);
            let mut check = crate::signing::check_received(
                &name,
                &sha,
                &verified,
                (i == 0).then_some(issuer.as_str()),
            );
            if let Ok(found) = shared::pdf::active::active_content(a.data.as_slice())
                && !found.is_empty()
            {
                check.warnings.push(format!(
                    "Tệp có nội dung chủ động ({}); không mở các thành phần này.",
                    found.join(", ")
                ));
            }
            let text = (!known_text).then(|| crate::search_text::folded_text(&a.data));
            (check, text)
        })
        .await
        .map_err(|e| ReceiveError::Internal(e.into()))?;
        if let Some(text) = text {
            texts.push((stored.sha256.clone(), text));
        }
        checks.push(check);
        files.push(crate::store::NewFile {
            name: a.name,
            sha256: stored.sha256,
            size,
        });
    }
    Ok((
        crate::signing::received_verdict(checks, shared::time::Timestamp(crate::store::now_ms())),
        files,
        texts,
    ))
}
