//! The recipients' side of delivery, as the sender's system sees it: what arrived at an agency.

use crate::store::Store;

impl Store {
    /// Documents delivered to `agency_id` (arrived, under recall, or answered).
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn list_arrivals(
        &self,
        agency_id: i64,
        limit: i64,
    ) -> crate::store::StoreResult<Vec<shared::outgoing::ArrivalDto>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            delivery_id: i64,
            outgoing_id: i64,
            sender: String,
            number_text: Option<String>,
            doc_type: String,
            subject: String,
            urgency: String,
            issued_at: Option<i64>,
            status: String,
            status_at: i64,
            recall_reason: Option<String>,
            version: i64,
        }
        let rows: Vec<Row> = crate::store::sql::query_as(
            "SELECT dl.id AS delivery_id, d.id AS outgoing_id, a.name AS sender, d.number_text, d.doc_type, d.subject, \
             d.urgency, d.issued_at, dl.status, dl.status_at, d.recall_reason, d.version \
             FROM deliveries dl JOIN outgoing_documents d ON d.id = dl.outgoing_id JOIN agencies a ON a.id = d.agency_id \
             WHERE dl.recipient_agency_id = $1 AND dl.channel = 'internal' AND dl.status IS NOT NULL AND dl.status <> '15' \
             ORDER BY dl.status_at DESC LIMIT $2",
        )
        .bind(agency_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let files: Vec<(i64, String, String, i64, i64)> = crate::store::sql::query_as(
                "SELECT f.id, f.name, f.sha256, f.size, f.position FROM document_files f WHERE f.document_id = $1 \
                 AND f.kind = 'issued' AND f.version = $2 ORDER BY f.position",
            )
            .bind(r.outgoing_id)
            .bind(r.version)
            .fetch_all(&self.pool)
            .await?;
            out.push(shared::outgoing::ArrivalDto {
                delivery_id: r.delivery_id,
                outgoing_id: r.outgoing_id,
                sender_agency: r.sender,
                number_text: r.number_text.unwrap_or_default(),
                doc_type: crate::store::common::doc_type_of(&r.doc_type)?,
                subject: r.subject,
                urgency: crate::store::common::urgency_of(&r.urgency)?,
                issued_at: shared::time::Timestamp(r.issued_at.unwrap_or(0)),
                status: shared::status::DeliveryStatus::from_code(&r.status)
                    .ok_or_else(|| crate::store::outgoing::corrupt("delivery status"))?,
                status_at: shared::time::Timestamp(r.status_at),
                recall_reason: r.recall_reason,
                files: files
                    .into_iter()
                    .map(
                        |(id, name, sha256, size, position)| shared::outgoing::FileDto {
                            id,
                            name,
                            sha256,
                            size,
                            position,
                        },
                    )
                    .collect(),
            });
        }
        Ok(out)
    }
}
