//! Delivery on the system: an issued document's incoming copy for each recipient agency, made inside the issuing
//! transaction (the recipients' work then never touches the sender's rows except through delivery statuses).

use crate::store::Store;

impl Store {
    /// Each internal recipient's copy: an incoming document waiting for its clerk, with the sender's
    /// metadata (edXML header), the issued files and the server's verdict on them.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn deliver_incoming(
        tx: &mut crate::store::sql::Tx,
        d: &crate::store::outgoing::DocRow,
        id: i64,
        version: i64,
        clerk: i64,
        issue: &crate::store::outgoing::IssueRecord,
        now: i64,
    ) -> crate::store::StoreResult<()> {
        let issued_date =
            shared::civil_date::CivilDate::of(shared::time::Timestamp(now)).to_string();
        let signer = issue
            .signatures
            .iter()
            .find(|s| s.kind == "signer")
            .map(|s| s.signer.clone());
        let pages = issue
            .verification
            .files
            .first()
            .and_then(|f| f.pages)
            .map(i64::from);
        let verification = serde_json::to_string(&issue.verification)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let urgency = crate::store::common::urgency_of(&d.urgency)?;
        crate::store::sql::query(
            "INSERT INTO incoming_documents (agency_id, channel, status, delivery_id, outgoing_id, sender_agency_id, sender_name, \
             sender_code, code_text, issued_date, doc_type, subject, urgency, urgency_rank, signer_name, reply_deadline, \
             declared_attachments, declared_pages, received_at, backfilled, verification, verification_ok, register_id, \
             created_by, created_at, updated_at) \
             SELECT dl.recipient_agency_id, 'system', 'arrived', dl.id, $1, $2, a.name, a.code, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, \
             (SELECT r.id FROM registers r WHERE r.agency_id = dl.recipient_agency_id AND r.direction = 'incoming' ORDER BY r.id LIMIT 1), \
             $17, $13, $13 \
             FROM deliveries dl JOIN agencies a ON a.id = $2 WHERE dl.outgoing_id = $1 AND dl.channel = 'internal' ORDER BY dl.position",
        )
        .bind(id)
        .bind(d.agency_id)
        .bind(&issue.number_text)
        .bind(issued_date)
        .bind(&d.doc_type)
        .bind(&d.subject)
        .bind(&d.urgency)
        .bind(shared::incoming::urgency_rank(urgency))
        .bind(signer)
        .bind(&d.reply_deadline)
        .bind(issue.files.len() as i64 - 1)
        .bind(pages)
        .bind(now)
        .bind(false)
        .bind(verification)
        .bind(issue.verification.ok)
        .bind(clerk)
        .execute(&mut **tx)
        .await?;
        crate::store::sql::query(
            "INSERT INTO incoming_files (incoming_id, position, name, sha256, size) \
             SELECT i.id, f.position, f.name, f.sha256, f.size FROM incoming_documents i \
             JOIN document_files f ON f.document_id = i.outgoing_id AND f.version = $2 \
             WHERE i.outgoing_id = $1 AND i.channel = 'system'",
        )
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        // Each recipient agency now holds the issued files (it may reference them by hash, e.g. in a reply).
        crate::store::sql::query(
            "INSERT INTO blob_holders (sha256, agency_id) SELECT f.sha256, i.agency_id FROM incoming_files f \
             JOIN incoming_documents i ON i.id = f.incoming_id WHERE i.outgoing_id = $1 AND i.channel = 'system' \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        crate::store::sql::query(
            "INSERT INTO incoming_history (incoming_id, at, actor_id, action, comment) \
             SELECT id, $2, $3, 'arrived', $4 FROM incoming_documents WHERE outgoing_id = $1 AND channel = 'system'",
        )
        .bind(id)
        .bind(now)
        .bind(clerk)
        .bind(shared::incoming::IncomingChannel::System.label())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
