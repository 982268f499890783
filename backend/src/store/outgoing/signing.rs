//! Signatures the server verified: the signer's on a document awaiting signature, and the records of every
//! signature an issued version carries.

use crate::store::Store;

impl Store {
    /// Records the signer's verified signed revision: a new version, and the document goes to the clerks.
    /// `previous_sha256` is the main file the verification started from; a stale one is refused.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn record_signature(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        previous_sha256: &str,
        file: crate::store::common::NewFile,
        signature: crate::store::outgoing::VerifiedSignature,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        // Signing for an absent signer takes a delegation in force today that covers signing; the
        // document then carries its mark (KT. or TUQ.) and the history names both people.
        let mut on_behalf_of = None;
        if d.signer_id != user.id {
            match Self::delegation_in(&mut tx, d.signer_id, user.id).await? {
                Some((_, Some(mark))) => {
                    on_behalf_of = Some(d.signer_id);
                    crate::store::sql::query(
                        "UPDATE outgoing_documents SET signing_capacity = $1 WHERE id = $2",
                    )
                    .bind(mark)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                _ => {
                    return Err(crate::store::StoreError::Forbidden(
                        "Chỉ người được trình ký (hoặc người được ủy quyền ký còn hiệu lực) mới ký được văn bản này.",
                    ));
                }
            }
        }
        if d.status != shared::outgoing::OutgoingStatus::AwaitingSignature {
            return Err(crate::store::StoreError::State(
                "Văn bản không ở bước chờ ký.",
            ));
        }
        let mut files = Self::files_of_version(&mut tx, id, d.version).await?;
        if files.first().map(|f| f.1.as_str()) != Some(previous_sha256) {
            return Err(crate::store::StoreError::State(
                "Văn bản vừa có phiên bản mới; hãy mở lại và ký phiên bản đó.",
            ));
        }
        let version = d.version + 1;
        files[0] = (files[0].0.clone(), file.sha256.clone(), file.size);
        let new_files: Vec<_> = files
            .into_iter()
            .map(|(name, sha256, size)| crate::store::common::NewFile { name, sha256, size })
            .collect();
        Self::insert_files(&mut tx, id, version, "signed", &new_files, user.id).await?;
        Self::insert_signature(&mut tx, id, &signature).await?;
        crate::store::sql::query("UPDATE outgoing_documents SET version = $1, status = 'awaiting_issue', current_step = NULL, updated_at = $2 WHERE id = $3")
            .bind(version)
            .bind(crate::store::now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let for_whom = match on_behalf_of {
            Some(absent) => {
                let (name,): (String,) =
                    crate::store::sql::query_as("SELECT full_name FROM users WHERE id = $1")
                        .bind(absent)
                        .fetch_one(&mut *tx)
                        .await?;
                Some(format!("Ký thay {name} (theo ủy quyền)"))
            }
            None => None,
        };
        Self::history(
            &mut tx,
            id,
            user.id,
            "signed",
            for_whom.as_deref(),
            Some(version),
        )
        .await?;
        if let Some(absent) = on_behalf_of {
            crate::store::sql::query("UPDATE document_history SET on_behalf_of = $1 WHERE id = (SELECT MAX(id) FROM document_history WHERE document_id = $2)")
                .bind(absent)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Self::audit_document(
            &mut tx,
            user,
            "outgoing.sign",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"sha256": file.sha256, "signer": signature.signer, "serial": signature.serial, "on_behalf_of": on_behalf_of}),
        )
        .await?;
        let mut notes = crate::store::notifications::Notes::outgoing(id);
        notes.tell(d.drafter_id, format!("Đã ký, chờ phát hành: {}", d.subject));
        for clerk in Self::agency_clerks(&mut tx, d.agency_id).await? {
            notes.tell(
                clerk,
                format!("Văn bản đã ký, chờ phát hành: {}", d.subject),
            );
        }
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "task".into(),
                outgoing_id: id,
                delivery_id: None,
                incoming_id: None,
                agencies: vec![d.agency_id],
                users: vec![d.drafter_id],
                actor: Some(user.id),
                text: format!("Văn bản đã ký, chờ phát hành: {}", d.subject),
            },
            &notes,
        )
        .await;
        Ok(())
    }

    pub(crate) fn check_issuer(
        clerk: &shared::user::UserDto,
        d: &crate::store::outgoing::DocRow,
    ) -> crate::store::StoreResult<()> {
        if d.agency_id != clerk.agency.id {
            // Another agency's document does not exist for this caller.
            return Err(crate::store::StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư của cơ quan ban hành mới cấp số và phát hành được.",
            ));
        }
        if d.status != shared::outgoing::OutgoingStatus::AwaitingIssue {
            return Err(crate::store::StoreError::State(
                "Chỉ phát hành được văn bản đã được ký số và đang chờ phát hành.",
            ));
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_signature(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        s: &crate::store::outgoing::VerifiedSignature,
    ) -> crate::store::StoreResult<()> {
        crate::store::sql::query(
            "INSERT INTO signatures (document_id, file_sha256, field, kind, signer, serial, issuer, signing_time, verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(doc)
        .bind(&s.file_sha256)
        .bind(&s.field)
        .bind(s.kind)
        .bind(&s.signer)
        .bind(&s.serial)
        .bind(&s.issuer)
        .bind(&s.signing_time)
        .bind(crate::store::now_ms())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
