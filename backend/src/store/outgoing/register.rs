//! The outgoing register (sổ văn bản đi): one line per issued number, in the NĐ 30 columns.

use crate::store::Store;

impl Store {
    /// The outgoing register's lines for a year, by number; with `only_for`, only the lines of documents that
    /// person took part in (drafted, reviewed, signed or acted on), for someone who may not see the whole
    /// register (see [`crate::access::sees_whole_register`]).
    #[tracing::instrument(skip_all, fields(register_id = register_id, year = year))]
    pub async fn outgoing_register(
        &self,
        register_id: i64,
        year: i32,
        only_for: Option<i64>,
    ) -> crate::store::StoreResult<Vec<shared::outgoing::OutgoingRegisterRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            document_id: i64,
            number: i64,
            number_text: String,
            issued_at: i64,
            doc_type: String,
            subject: String,
            signer: String,
            paper_recipients: String,
            unit_name: String,
            drafter: String,
            recall_reason: Option<String>,
        }
        let rows: Vec<Row> = crate::store::sql::query_as(
            "SELECT e.document_id, e.number, d.number_text, d.issued_at, d.doc_type, d.subject, \
             s.full_name AS signer, d.paper_recipients, un.name AS unit_name, dr.full_name AS drafter, d.recall_reason \
             FROM register_entries e JOIN outgoing_documents d ON d.id = e.document_id \
             JOIN users s ON s.id = d.signer_id JOIN users dr ON dr.id = d.drafter_id JOIN units un ON un.id = d.unit_id \
             WHERE e.register_id = $1 AND e.year = $2 AND ($3 IS NULL OR d.drafter_id = $3 OR d.signer_id = $3 \
             OR EXISTS (SELECT 1 FROM review_steps s WHERE s.document_id = d.id AND s.reviewer_id = $3) \
             OR EXISTS (SELECT 1 FROM document_history h WHERE h.document_id = d.id AND h.actor_id = $3)) \
             ORDER BY e.number",
        )
        .bind(register_id)
        .bind(i64::from(year))
        .bind(only_for)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let deliveries: Vec<(String, Option<String>, Option<String>)> =
                crate::store::sql::query_as(
                    "SELECT dl.recipient_name, dl.status, \
                 (SELECT u.full_name FROM delivery_events ev JOIN users u ON u.id = ev.actor_id \
                  WHERE ev.delivery_id = dl.id AND ev.status = '03' ORDER BY ev.id LIMIT 1) \
                 FROM deliveries dl WHERE dl.outgoing_id = $1 ORDER BY dl.position",
                )
                .bind(r.document_id)
                .fetch_all(&self.pool)
                .await?;
            let doc_type = crate::store::common::doc_type_of(&r.doc_type)?;
            let received_by: Vec<String> = deliveries
                .iter()
                .filter_map(|(name, _, by)| by.as_ref().map(|b| format!("{b} ({name})")))
                .collect();
            let paper: Vec<String> = serde_json::from_str(&r.paper_recipients).unwrap_or_default();
            let copies = deliveries.len() as i64 + 1;
            out.push(shared::outgoing::OutgoingRegisterRow {
                document_id: r.document_id,
                number_text: r.number_text,
                number: r.number,
                date: shared::civil_date::CivilDate::of(shared::time::Timestamp(r.issued_at)),
                type_and_subject: format!("{} {}", doc_type.name(), r.subject),
                signer: r.signer,
                recipients: deliveries
                    .iter()
                    .map(|d| d.0.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                file_copy: format!("{} ({}); Lưu: VT", r.unit_name, r.drafter),
                copies,
                sent_at: shared::time::Timestamp(r.issued_at),
                received_by: received_by.join("; "),
                note: match r.recall_reason {
                    Some(reason) => format!("Đã thu hồi: {reason}"),
                    None if !paper.is_empty() => format!("Gửi bản giấy: {}", paper.len()),
                    None => String::new(),
                },
            });
        }
        Ok(out)
    }
}
