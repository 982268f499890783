//! Record files (hồ sơ, Điều 14; NĐ 30 Phụ lục V): the agency's catalogue per year, the documents filed into
//! each file in order, closing, the reminder when a closed file is due for hand-over, and the hand-over itself.
//! A file's code takes the next ordinal of its agency and year from `record_file_counters` under that row's
//! lock, so codes are unique and without gaps however many people create files at once.

use shared::civil_date::CivilDate;
use shared::record_file::{
    CreateRecordFileRequest, DocumentKind, RecordFileDocumentDto, RecordFileDto,
    RecordFileOriginal, RecordFileState, handover_due, notation,
};
use shared::time::Timestamp;
use shared::user::UserDto;

use super::common::person;
use super::notifications::Notes;
use super::sql::{self, Tx};
use super::{AuditEvent, Store, StoreError, StoreResult, now_ms};

/// A record file with the agency it belongs to (which the DTO does not carry).
#[derive(Debug, Clone)]
pub struct RecordFile {
    pub agency_id: i64,
    pub file: RecordFileDto,
}

/// A filed document with what the archive package says of it beyond the catalogue line (NĐ 30 Phụ lục VI).
#[derive(Debug, Clone)]
pub struct PackageDocument {
    pub doc: RecordFileDocumentDto,
    /// Số (`CodeNumber`) and ký hiệu (`CodeNotation`) split at the first `/`.
    pub code_number: Option<String>,
    pub code_notation: Option<String>,
    /// Chức vụ of the signer, if known.
    pub signer_position: Option<String>,
    /// Độ khẩn (Vietnamese label).
    pub urgency: String,
    /// Hạn trả lời / thời hạn giải quyết.
    pub due_date: Option<String>,
    /// Nơi nhận (outgoing).
    pub recipients: Vec<String>,
    /// Ngày đến (incoming).
    pub arrival_date: Option<CivilDate>,
    /// Ý kiến chỉ đạo (incoming).
    pub instruction: Option<String>,
}

/// Everything an archive package is made of.
#[derive(Debug, Clone)]
pub struct PackageFacts {
    pub file: RecordFileDto,
    /// Mã định danh cơ quan (`OrganId`) and its name.
    pub organ_id: String,
    pub organ_name: String,
    pub documents: Vec<PackageDocument>,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    agency_id: i64,
    year: i64,
    ordinal: i64,
    notation: String,
    code: String,
    title: String,
    retention_years: i64,
    creator_id: i64,
    creator_name: String,
    creator_position: Option<String>,
    #[sqlx(try_from = "String")]
    state: RecordFileState,
    created_at: i64,
    closed_at: Option<i64>,
    handed_over_at: Option<i64>,
    handed_over_by: Option<i64>,
    handed_over_name: Option<String>,
    handed_over_position: Option<String>,
    document_count: i64,
}

const FILE_SELECT: &str = "SELECT f.id, f.agency_id, f.year, f.ordinal, f.notation, f.code, f.title, \
     f.retention_years, f.creator_id, c.full_name AS creator_name, c.position AS creator_position, f.state, \
     f.created_at, f.closed_at, f.handed_over_at, f.handed_over_by, h.full_name AS handed_over_name, \
     h.position AS handed_over_position, \
     (SELECT COUNT(*) FROM record_file_documents d WHERE d.file_id = f.id) AS document_count \
     FROM record_files f JOIN users c ON c.id = f.creator_id LEFT JOIN users h ON h.id = f.handed_over_by ";

impl FileRow {
    fn into_file(self, dates: (Option<CivilDate>, Option<CivilDate>), now: i64) -> RecordFile {
        let due = self
            .closed_at
            .map(|at| handover_due(CivilDate::of(Timestamp(at))));
        let today = CivilDate::of(Timestamp(now));
        RecordFile {
            agency_id: self.agency_id,
            file: RecordFileDto {
                id: self.id,
                code: self.code,
                notation: self.notation,
                ordinal: self.ordinal,
                year: self.year as i32,
                title: self.title,
                retention_years: self.retention_years as i32,
                creator: person(self.creator_id, self.creator_name, self.creator_position),
                start_date: dates.0,
                end_date: dates.1,
                document_count: self.document_count,
                state: self.state,
                created_at: Timestamp(self.created_at),
                closed_at: self.closed_at.map(Timestamp),
                handover_due: due,
                overdue_for_handover: self.state == RecordFileState::Closed
                    && due.is_some_and(|d| d <= today),
                handed_over_at: self.handed_over_at.map(Timestamp),
                handed_over_by: match (self.handed_over_by, self.handed_over_name) {
                    (Some(id), Some(name)) => Some(person(id, name, self.handed_over_position)),
                    _ => None,
                },
                actions: Vec::new(),
            },
        }
    }
}

/// One filed document as read for the catalogue and the package.
#[derive(sqlx::FromRow)]
struct DocRow {
    position: i64,
    outgoing_id: Option<i64>,
    incoming_id: Option<i64>,
    added_by: i64,
    added_name: String,
    added_position: Option<String>,
    added_at: i64,
    number_text: Option<String>,
    /// `YYYY-MM-DD` (incoming) or empty.
    issued_date: Option<String>,
    /// The issue instant (outgoing).
    issued_at: Option<i64>,
    doc_type: String,
    subject: String,
    organ_name: String,
    signer: Option<String>,
    signer_position: Option<String>,
    urgency: String,
    due_date: Option<String>,
    arrival_number: Option<i64>,
    received_at: Option<i64>,
    instruction: Option<String>,
}

// Both halves name the same columns, so one list of documents reads in position order.
const DOC_SELECT: &str = "SELECT d.position, d.outgoing_id, d.incoming_id, d.added_by, a.full_name AS added_name, \
     a.position AS added_position, d.added_at, o.number_text, NULL AS issued_date, o.issued_at, o.doc_type, \
     o.subject, ag.name AS organ_name, s.full_name AS signer, s.position AS signer_position, o.urgency, \
     o.reply_deadline AS due_date, NULL AS arrival_number, NULL AS received_at, NULL AS instruction \
     FROM record_file_documents d JOIN users a ON a.id = d.added_by \
     JOIN outgoing_documents o ON o.id = d.outgoing_id JOIN agencies ag ON ag.id = o.agency_id \
     JOIN users s ON s.id = o.signer_id WHERE d.file_id = $1 \
     UNION ALL \
     SELECT d.position, d.outgoing_id, d.incoming_id, d.added_by, a.full_name, a.position, d.added_at, \
     i.code_text, i.issued_date, NULL, i.doc_type, i.subject, i.sender_name, i.signer_name, NULL, i.urgency, \
     i.due_date, i.arrival_number, i.received_at, i.instruction \
     FROM record_file_documents d JOIN users a ON a.id = d.added_by \
     JOIN incoming_documents i ON i.id = d.incoming_id WHERE d.file_id = $1 \
     ORDER BY 1";

impl DocRow {
    fn date(&self) -> Option<CivilDate> {
        match self.issued_at {
            Some(at) => Some(CivilDate::of(Timestamp(at))),
            None => self
                .issued_date
                .as_deref()
                .and_then(|d| CivilDate::parse(d).ok()),
        }
    }

    fn kind_and_id(&self) -> StoreResult<(DocumentKind, i64)> {
        match (self.outgoing_id, self.incoming_id) {
            (Some(id), None) => Ok((DocumentKind::Outgoing, id)),
            (None, Some(id)) => Ok((DocumentKind::Incoming, id)),
            _ => Err(super::common::corrupt("record file document")),
        }
    }
}

impl Store {
    /// Opens a new file in the caller's agency's catalogue of `req.year`, with the next ordinal of that year.
    #[tracing::instrument(skip_all, fields(user_id = user.id, year = req.year))]
    pub async fn create_record_file(
        &self,
        user: &UserDto,
        req: &CreateRecordFileRequest,
    ) -> StoreResult<RecordFile> {
        let mut tx = self.begin_write().await?;
        let agency = user.agency.id;
        let (ordinal,): (i64,) = sql::query_as(
            "INSERT INTO record_file_counters (agency_id, year, high) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_id, year) DO UPDATE SET high = record_file_counters.high + 1 RETURNING high",
        )
        .bind(agency)
        .bind(i64::from(req.year))
        .fetch_one(&mut *tx)
        .await?;
        let (organ_id,): (String,) = sql::query_as("SELECT code FROM agencies WHERE id = $1")
            .bind(agency)
            .fetch_one(&mut *tx)
            .await?;
        let notation = notation(ordinal, req.notation.as_deref());
        let code = format!("{organ_id}.{}.{notation}", req.year);
        let (id,): (i64,) = sql::query_as(
            "INSERT INTO record_files (agency_id, year, ordinal, notation, code, title, retention_years, \
             creator_id, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) RETURNING id",
        )
        .bind(agency)
        .bind(i64::from(req.year))
        .bind(ordinal)
        .bind(&notation)
        .bind(&code)
        .bind(req.title.as_str())
        .bind(i64::from(req.retention_years))
        .bind(user.id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let file = Self::file_in(&mut tx, id).await?;
        Self::audit_record_file(
            &mut tx,
            user,
            "record_file.create",
            &file,
            serde_json::json!({
                "retention_years": req.retention_years,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// The catalogue of an agency: one year's files by ordinal, or (`year` absent) every year's, newest year
    /// first; only those in `state` when given.
    #[tracing::instrument(skip_all, fields(agency_id = agency_id, year = year))]
    pub async fn record_files(
        &self,
        agency_id: i64,
        year: Option<i32>,
        state: Option<RecordFileState>,
    ) -> StoreResult<Vec<RecordFile>> {
        let rows: Vec<FileRow> = sql::query_as(format!(
            "{FILE_SELECT}WHERE f.agency_id = $1 AND ($2 = 0 OR f.year = $2) AND ($3 = '' OR f.state = $3) \
             ORDER BY f.year DESC, f.ordinal"
        ))
        .bind(agency_id)
        .bind(year.map_or(0, i64::from))
        .bind(state.map_or("", |s| s.code()))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let dates = self.file_dates(row.id).await?;
            out.push(row.into_file(dates, now_ms()));
        }
        Ok(out)
    }

    /// How many closed files of the agency are due for hand-over on `now` (one year after closing).
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn record_files_due(&self, agency_id: i64, now: i64) -> StoreResult<i64> {
        let rows: Vec<(i64,)> = sql::query_as(
            "SELECT closed_at FROM record_files WHERE agency_id = $1 AND state = 'closed' AND closed_at IS NOT NULL",
        )
        .bind(agency_id)
        .fetch_all(&self.pool)
        .await?;
        let today = CivilDate::of(Timestamp(now));
        Ok(rows
            .iter()
            .filter(|(at,)| handover_due(CivilDate::of(Timestamp(*at))) <= today)
            .count() as i64)
    }

    /// One file, or `NotFound`.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn record_file(&self, id: i64) -> StoreResult<RecordFile> {
        let row: FileRow = sql::query_as(format!("{FILE_SELECT}WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let dates = self.file_dates(id).await?;
        Ok(row.into_file(dates, now_ms()))
    }

    /// The documents of a file in order, with the metadata the package records.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn record_file_documents(&self, id: i64) -> StoreResult<Vec<PackageDocument>> {
        let rows: Vec<DocRow> = sql::query_as(DOC_SELECT)
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (kind, doc_id) = row.kind_and_id()?;
            let files = self.originals(kind, doc_id).await?;
            let recipients = match kind {
                DocumentKind::Outgoing => sql::query_as::<(String,)>(
                    "SELECT recipient_name FROM deliveries WHERE outgoing_id = $1 ORDER BY position",
                )
                .bind(doc_id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|r| r.0)
                .collect(),
                DocumentKind::Incoming => Vec::new(),
            };
            let date = row.date();
            let (code_number, code_notation) = match row.number_text.as_deref() {
                Some(t) => match t.split_once('/') {
                    Some((n, k)) => (Some(n.to_string()), Some(k.to_string())),
                    None => (Some(t.to_string()), None),
                },
                None => (None, None),
            };
            let type_name = shared::document::DocumentType::from_code(&row.doc_type)
                .map(|t| t.name().to_string())
                .unwrap_or(row.doc_type.clone());
            let urgency = super::common::urgency_of(&row.urgency)
                .map(|u| u.label().to_string())
                .unwrap_or(row.urgency.clone());
            out.push(PackageDocument {
                code_number,
                code_notation,
                signer_position: row.signer_position.clone(),
                urgency,
                due_date: row.due_date.clone(),
                recipients,
                arrival_date: row.received_at.map(|at| CivilDate::of(Timestamp(at))),
                instruction: row.instruction.clone(),
                doc: RecordFileDocumentDto {
                    position: row.position,
                    kind,
                    id: doc_id,
                    number_text: row.number_text,
                    date,
                    type_name,
                    subject: row.subject,
                    organ_name: row.organ_name,
                    signer: row.signer,
                    arrival_number: row.arrival_number,
                    files,
                    added_by: person(row.added_by, row.added_name, row.added_position),
                    added_at: Timestamp(row.added_at),
                },
            });
        }
        Ok(out)
    }

    /// What the package of a file is made of.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn record_file_package(&self, id: i64) -> StoreResult<PackageFacts> {
        let file = self.record_file(id).await?;
        let (organ_id, organ_name): (String, String) =
            sql::query_as("SELECT code, name FROM agencies WHERE id = $1")
                .bind(file.agency_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(PackageFacts {
            file: file.file,
            organ_id,
            organ_name,
            documents: self.record_file_documents(id).await?,
        })
    }

    /// Adds a document (already checked: of the file's agency, one the caller may open) to an open file at
    /// `position` (the end when absent), or moves it there when it is already in the file.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id, doc = doc_id))]
    pub async fn file_document(
        &self,
        user: &UserDto,
        id: i64,
        kind: DocumentKind,
        doc_id: i64,
        position: Option<i64>,
    ) -> StoreResult<RecordFile> {
        let mut tx = self.begin_write().await?;
        let file = Self::lock_open_file(&mut tx, id).await?;
        let doc_name = Self::fileable(&mut tx, file.agency_id, kind, doc_id).await?;
        let column = column_of(kind);
        let current: Option<(i64,)> = sql::query_as(format!(
            "SELECT position FROM record_file_documents WHERE file_id = $1 AND {column} = $2"
        ))
        .bind(id)
        .bind(doc_id)
        .fetch_optional(&mut *tx)
        .await?;
        let count = file.file.document_count;
        let action = match (current, position) {
            (Some(_), None) => {
                return Err(StoreError::State("Văn bản này đã có trong hồ sơ."));
            }
            (Some((from,)), Some(to)) => {
                let to = to.clamp(1, count);
                // Park it at 0 while the others shift, so no two rows ever share a position mid-way.
                Self::set_position(&mut tx, id, column, doc_id, 0).await?;
                if to < from {
                    sql::query(
                        "UPDATE record_file_documents SET position = position + 1 \
                         WHERE file_id = $1 AND position >= $2 AND position < $3",
                    )
                    .bind(id)
                    .bind(to)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                } else if to > from {
                    sql::query(
                        "UPDATE record_file_documents SET position = position - 1 \
                         WHERE file_id = $1 AND position > $2 AND position <= $3",
                    )
                    .bind(id)
                    .bind(from)
                    .bind(to)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::set_position(&mut tx, id, column, doc_id, to).await?;
                serde_json::json!({"position": to})
            }
            (None, position) => {
                let to = position.unwrap_or(count + 1).clamp(1, count + 1);
                sql::query(
                    "UPDATE record_file_documents SET position = position + 1 \
                     WHERE file_id = $1 AND position >= $2",
                )
                .bind(id)
                .bind(to)
                .execute(&mut *tx)
                .await?;
                sql::query(format!(
                    "INSERT INTO record_file_documents (file_id, position, {column}, added_by, added_at) \
                     VALUES ($1, $2, $3, $4, $5)"
                ))
                .bind(id)
                .bind(to)
                .bind(doc_id)
                .bind(user.id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
                serde_json::json!({"position": to, "added": true})
            }
        };
        let added = action.get("added").is_some();
        let mut details = serde_json::json!({
            "kind": kind.code(), "id": doc_id, "document": doc_name,
        });
        details["position"] = action["position"].clone();
        let code = if added {
            "record_file.add"
        } else {
            "record_file.move"
        };
        // The document is found by the titles of the files it is in (search).
        Self::reindex_document(&mut tx, search_kind(kind), doc_id).await?;
        Self::audit_record_file(&mut tx, user, code, &file, details).await?;
        let file = Self::file_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Takes a document out of an open file; the ones after it move up.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id, doc = doc_id))]
    pub async fn unfile_document(
        &self,
        user: &UserDto,
        id: i64,
        kind: DocumentKind,
        doc_id: i64,
    ) -> StoreResult<RecordFile> {
        let mut tx = self.begin_write().await?;
        let file = Self::lock_open_file(&mut tx, id).await?;
        let column = column_of(kind);
        let (position,): (i64,) = sql::query_as(format!(
            "DELETE FROM record_file_documents WHERE file_id = $1 AND {column} = $2 RETURNING position"
        ))
        .bind(id)
        .bind(doc_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        sql::query(
            "UPDATE record_file_documents SET position = position - 1 WHERE file_id = $1 AND position > $2",
        )
        .bind(id)
        .bind(position)
        .execute(&mut *tx)
        .await?;
        let doc_name = Self::document_name(&mut tx, kind, doc_id).await?;
        Self::reindex_document(&mut tx, search_kind(kind), doc_id).await?;
        Self::audit_record_file(
            &mut tx,
            user,
            "record_file.remove",
            &file,
            serde_json::json!({"kind": kind.code(), "id": doc_id, "document": doc_name}),
        )
        .await?;
        let file = Self::file_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Closes an open file: nothing more is added; it is due for hand-over one year later.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn close_record_file(&self, user: &UserDto, id: i64) -> StoreResult<RecordFile> {
        let mut tx = self.begin_write().await?;
        let file = Self::lock_open_file(&mut tx, id).await?;
        sql::query(
            "UPDATE record_files SET state = 'closed', closed_at = $1, closed_by = $2 WHERE id = $3",
        )
        .bind(now_ms())
        .bind(user.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::audit_record_file(
            &mut tx,
            user,
            "record_file.close",
            &file,
            serde_json::json!({}),
        )
        .await?;
        let file = Self::file_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Records the hand-over of a closed file to the agency archive (it becomes read-only); a file already
    /// handed over stays as it is. `State` for an open file.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn hand_over_record_file(&self, user: &UserDto, id: i64) -> StoreResult<RecordFile> {
        let mut tx = self.begin_write().await?;
        let file = Self::lock_file(&mut tx, id).await?;
        match file.file.state {
            RecordFileState::Open => {
                return Err(StoreError::State(
                    "Hồ sơ đang mở: đóng hồ sơ trước khi nộp lưu.",
                ));
            }
            RecordFileState::HandedOver => return Ok(file),
            RecordFileState::Closed => {}
        }
        sql::query(
            "UPDATE record_files SET state = 'handed_over', handed_over_at = $1, handed_over_by = $2 \
             WHERE id = $3",
        )
        .bind(now_ms())
        .bind(user.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::audit_record_file(
            &mut tx,
            user,
            "record_file.handover",
            &file,
            serde_json::json!({"documents": file.file.document_count}),
        )
        .await?;
        let file = Self::file_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Tells the clerks of each agency, once per file, that a closed file is due for hand-over on `now`
    /// (Điều 14; the system must alert when files are due, NĐ 30 Phụ lục VI). Run by the hourly sweep;
    /// running it again tells nobody twice. How many files it reminded of.
    #[tracing::instrument(skip_all)]
    pub async fn remind_due_record_files(&self, now: i64) -> StoreResult<usize> {
        // Only files closed at least 364 days ago can be due (the exact civil rule, one calendar year after the
        // day of closing in Vietnam, is checked below).
        let horizon = now - 364 * 24 * 3600 * 1000;
        let candidates: Vec<(i64, i64)> = sql::query_as(
            "SELECT id, closed_at FROM record_files \
             WHERE state = 'closed' AND due_reminded_at IS NULL AND closed_at <= $1",
        )
        .bind(horizon)
        .fetch_all(&self.pool)
        .await?;
        let today = CivilDate::of(Timestamp(now));
        let mut reminded = 0;
        for (id, closed_at) in candidates {
            if handover_due(CivilDate::of(Timestamp(closed_at))) > today {
                continue;
            }
            let mut tx = self.begin_write().await?;
            // Whoever marks it first tells the clerks; another instance finds nothing to mark.
            let marked: Option<(i64, String, String)> = sql::query_as(
                "UPDATE record_files SET due_reminded_at = $1 \
                 WHERE id = $2 AND state = 'closed' AND due_reminded_at IS NULL \
                 RETURNING agency_id, code, title",
            )
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((agency, code, title)) = marked else {
                continue;
            };
            let clerks = Self::agency_clerks(&mut tx, agency).await?;
            let notes = Notes::default().telling(
                &clerks,
                &format!("Hồ sơ {code} «{title}» đã đến hạn nộp lưu vào lưu trữ cơ quan."),
            );
            Self::notify(&mut tx, 0, &notes).await?;
            tx.commit().await?;
            self.announce_noted(
                shared::live_event::LiveEvent {
                    personal: Vec::new(),
                    kind: "record_file".into(),
                    outgoing_id: 0,
                    delivery_id: None,
                    incoming_id: None,
                    agencies: vec![],
                    users: vec![],
                    actor: None,
                    text: "Có hồ sơ đến hạn nộp lưu.".into(),
                },
                &notes,
            )
            .await;
            reminded += 1;
        }
        Ok(reminded)
    }

    // Helpers inside the transactions above.

    async fn file_in(tx: &mut Tx, id: i64) -> StoreResult<RecordFile> {
        let row: FileRow = sql::query_as(format!("{FILE_SELECT}WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let dates = Self::file_dates_in(&mut **tx, id).await?;
        Ok(row.into_file(dates, now_ms()))
    }

    /// Locks the file's row for the rest of the transaction and reads it.
    async fn lock_file(tx: &mut Tx, id: i64) -> StoreResult<RecordFile> {
        let done = sql::query("UPDATE record_files SET state = state WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::file_in(tx, id).await
    }

    /// [`Store::lock_file`], refusing a file that is no longer open.
    async fn lock_open_file(tx: &mut Tx, id: i64) -> StoreResult<RecordFile> {
        let file = Self::lock_file(tx, id).await?;
        match file.file.state {
            RecordFileState::Open => Ok(file),
            RecordFileState::Closed => Err(StoreError::State(
                "Hồ sơ đã đóng: không thêm, bớt hay sắp xếp văn bản được nữa.",
            )),
            RecordFileState::HandedOver => Err(StoreError::State(
                "Hồ sơ đã nộp lưu: chỉ còn đọc, không thay đổi được.",
            )),
        }
    }

    /// Checks that a document can be filed in a file of `agency` and names it for the log: an outgoing
    /// document issued by that agency, or an incoming one registered there.
    async fn fileable(
        tx: &mut Tx,
        agency: i64,
        kind: DocumentKind,
        doc_id: i64,
    ) -> StoreResult<String> {
        let row: Option<(i64, Option<String>, String, bool)> = match kind {
            DocumentKind::Outgoing => {
                sql::query_as(
                    "SELECT agency_id, number_text, subject, status IN ('issued', 'recalled') \
                     FROM outgoing_documents WHERE id = $1",
                )
                .bind(doc_id)
                .fetch_optional(&mut **tx)
                .await?
            }
            DocumentKind::Incoming => {
                sql::query_as(
                    "SELECT agency_id, code_text, subject, arrival_number IS NOT NULL \
                     FROM incoming_documents WHERE id = $1",
                )
                .bind(doc_id)
                .fetch_optional(&mut **tx)
                .await?
            }
        };
        let (doc_agency, number, subject, ready) = row.ok_or(StoreError::NotFound)?;
        if doc_agency != agency {
            return Err(StoreError::Field(
                "id",
                "Chỉ đưa vào hồ sơ văn bản đi hoặc văn bản đến của chính cơ quan.",
            ));
        }
        if !ready {
            return Err(StoreError::State(match kind {
                DocumentKind::Outgoing => "Chỉ đưa vào hồ sơ văn bản đi đã phát hành.",
                DocumentKind::Incoming => "Chỉ đưa vào hồ sơ văn bản đến đã vào sổ.",
            }));
        }
        Ok(doc_label(number, subject))
    }

    async fn document_name(tx: &mut Tx, kind: DocumentKind, doc_id: i64) -> StoreResult<String> {
        let sql = match kind {
            DocumentKind::Outgoing => {
                "SELECT number_text, subject FROM outgoing_documents WHERE id = $1"
            }
            DocumentKind::Incoming => {
                "SELECT code_text, subject FROM incoming_documents WHERE id = $1"
            }
        };
        let (number, subject): (Option<String>, String) =
            sql::query_as(sql).bind(doc_id).fetch_one(&mut **tx).await?;
        Ok(doc_label(number, subject))
    }

    async fn set_position(
        tx: &mut Tx,
        id: i64,
        column: &str,
        doc_id: i64,
        position: i64,
    ) -> StoreResult<()> {
        sql::query(format!(
            "UPDATE record_file_documents SET position = $1 WHERE file_id = $2 AND {column} = $3"
        ))
        .bind(position)
        .bind(id)
        .bind(doc_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The earliest and latest dates of a file's documents (`StartDate`, `EndDate`).
    async fn file_dates(&self, id: i64) -> StoreResult<(Option<CivilDate>, Option<CivilDate>)> {
        Self::file_dates_in(&self.pool, id).await
    }

    async fn file_dates_in<'c>(
        executor: impl Into<sql::Executor<'c>>,
        id: i64,
    ) -> StoreResult<(Option<CivilDate>, Option<CivilDate>)> {
        let rows: Vec<(Option<i64>, Option<String>)> = sql::query_as(
            "SELECT o.issued_at, NULL FROM record_file_documents d JOIN outgoing_documents o ON o.id = d.outgoing_id \
             WHERE d.file_id = $1 \
             UNION ALL SELECT NULL, i.issued_date FROM record_file_documents d \
             JOIN incoming_documents i ON i.id = d.incoming_id WHERE d.file_id = $1",
        )
        .bind(id)
        .fetch_all(executor)
        .await?;
        let dates: Vec<CivilDate> = rows
            .into_iter()
            .filter_map(|(at, date)| match (at, date) {
                (Some(at), _) => Some(CivilDate::of(Timestamp(at))),
                (None, Some(d)) => CivilDate::parse(&d).ok(),
                _ => None,
            })
            .collect();
        Ok((dates.iter().min().copied(), dates.iter().max().copied()))
    }

    /// The signed originals of a document: an outgoing document's issued files (its last issued version), an
    /// incoming one's received files.
    async fn originals(&self, kind: DocumentKind, id: i64) -> StoreResult<Vec<RecordFileOriginal>> {
        let rows: Vec<(String, String, i64)> = match kind {
            DocumentKind::Outgoing => {
                sql::query_as(
                    "SELECT name, sha256, size FROM document_files WHERE document_id = $1 AND kind = 'issued' \
                     AND version = (SELECT MAX(version) FROM document_files WHERE document_id = $1 AND kind = 'issued') \
                     ORDER BY position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
            }
            DocumentKind::Incoming => {
                sql::query_as(
                    "SELECT name, sha256, size FROM incoming_files WHERE incoming_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(name, sha256, size)| RecordFileOriginal { name, sha256, size })
            .collect())
    }

    /// The audit entry of a step on a file: target `record_file:<id>`, its title as the target's name, its
    /// code in the details.
    async fn audit_record_file(
        tx: &mut Tx,
        user: &UserDto,
        action: &'static str,
        file: &RecordFile,
        details: serde_json::Value,
    ) -> StoreResult<()> {
        let mut details = details;
        details["code"] = serde_json::Value::String(file.file.code.clone());
        Self::append_audit(
            tx,
            AuditEvent {
                actor: &Self::audit_actor(user),
                agency_id: Some(file.agency_id),
                action,
                target: Some(format!("record_file:{}", file.file.id)),
                target_name: Some(file.file.title.clone()),
                details,
            },
        )
        .await
    }
}

fn search_kind(kind: DocumentKind) -> shared::search::SearchKind {
    match kind {
        DocumentKind::Outgoing => shared::search::SearchKind::Outgoing,
        DocumentKind::Incoming => shared::search::SearchKind::Incoming,
    }
}

fn column_of(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Outgoing => "outgoing_id",
        DocumentKind::Incoming => "incoming_id",
    }
}

fn doc_label(number: Option<String>, subject: String) -> String {
    match number.filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} «{subject}»"),
        None => format!("«{subject}»"),
    }
}
