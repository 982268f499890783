//! The incoming register (sổ văn bản đến): one line per số đến.

use crate::store::Store;

impl Store {
    /// The incoming register's lines for a year, by số đến; with `only_for`, only the lines of documents that
    /// person was assigned or forwarded (see [`crate::access::sees_whole_register`]).
    #[tracing::instrument(skip_all, fields(register_id = register_id, year = year))]
    pub async fn incoming_register(
        &self,
        register_id: i64,
        year: i32,
        only_for: Option<i64>,
    ) -> crate::store::StoreResult<Vec<shared::incoming::IncomingRegisterRow>> {
        #[derive(sqlx::FromRow)]
        struct RegRow {
            id: i64,
            received_at: i64,
            arrival_number: i64,
            sender_name: String,
            code_text: String,
            issued_date: String,
            doc_type: String,
            subject: String,
            forwarded_at: Option<i64>,
            assigned_at: Option<i64>,
            registered_by: Option<String>,
            channel: String,
            backfilled: bool,
            note: Option<String>,
            override_reason: Option<String>,
        }
        let rows: Vec<RegRow> = crate::store::sql::query_as(
            "SELECT i.id, i.received_at, i.arrival_number, i.sender_name, i.code_text, i.issued_date, i.doc_type, i.subject, \
             i.forwarded_at, i.assigned_at, u.full_name AS registered_by, i.channel, i.backfilled, i.note, i.override_reason \
             FROM incoming_documents i LEFT JOIN users u ON u.id = i.registered_by \
             WHERE i.register_id = $1 AND i.arrival_year = $2 AND i.arrival_number IS NOT NULL \
             AND ($3 IS NULL OR i.assigner_id = $3 \
             OR EXISTS (SELECT 1 FROM assignments a WHERE a.incoming_id = i.id AND a.user_id = $3)) \
             ORDER BY i.arrival_number",
        )
        .bind(register_id)
        .bind(i64::from(year))
        .bind(only_for)
        .fetch_all(&self.pool)
        .await?;
        let targets: Vec<(i64, String, String)> = crate::store::sql::query_as(
            "SELECT a.incoming_id, a.role, COALESCE(u.full_name, un.name) FROM assignments a \
             JOIN incoming_documents i ON i.id = a.incoming_id JOIN units un ON un.id = a.unit_id \
             LEFT JOIN users u ON u.id = a.user_id \
             WHERE i.register_id = $1 AND i.arrival_year = $2 AND a.parent_id IS NULL ORDER BY a.id",
        )
        .bind(register_id)
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        let mut by_doc: std::collections::HashMap<
            i64,
            Vec<(shared::incoming::AssignmentRole, String)>,
        > = Default::default();
        for (doc, role, name) in targets {
            if let Some(role) = shared::incoming::AssignmentRole::from_code(&role) {
                by_doc.entry(doc).or_default().push((role, name));
            }
        }
        rows.into_iter()
            .map(|r| {
                let channel = shared::incoming::IncomingChannel::from_code(&r.channel)
                    .ok_or_else(|| crate::store::incoming::corrupt("channel"))?;
                let mut note = vec![channel.label().to_string()];
                if r.backfilled {
                    note.push("Nhập bù sau sự cố".into());
                }
                if let Some(o) = r.override_reason {
                    note.push(format!("Vào sổ dù chữ ký không hợp lệ: {o}"));
                }
                if let Some(n) = r.note {
                    note.push(n);
                }
                Ok(shared::incoming::IncomingRegisterRow {
                    incoming_id: r.id,
                    received_at: shared::time::Timestamp(r.received_at),
                    arrival_number: r.arrival_number,
                    sender_name: r.sender_name,
                    code_text: r.code_text,
                    issued_date: crate::store::incoming::civil(&r.issued_date)?,
                    doc_type: crate::store::common::doc_type_of(&r.doc_type)?,
                    subject: r.subject,
                    recipients: by_doc
                        .get(&r.id)
                        .map(|t| crate::store::incoming::targets_line(t))
                        .unwrap_or_default(),
                    forwarded_at: r
                        .assigned_at
                        .or(r.forwarded_at)
                        .map(shared::time::Timestamp),
                    received_by: r.registered_by,
                    note: note.join(". "),
                    channel,
                    backfilled: r.backfilled,
                })
            })
            .collect()
    }
}
