//! The six-month report (Điều 24, 25.4): documents issued and received in a period by form, type and channel,
//! and the handling of the work assigned in it, per unit — a few grouped passes, each a scan of one agency's
//! rows in the period by index (or of every agency's, for the provincial office).

use shared::document::DocumentType;
use shared::incoming::IncomingChannel;
use shared::report::{
    ChannelCount, DirectionSummary, DocumentForm, FormCount, HandlingRow, ReportAgency,
    SummaryReport, TypeCount, ratio,
};

use crate::store::{Store, StoreError, StoreResult};

/// What the report covers: one agency or every agency, and the period as instants (`start` included, `end`
/// excluded).
#[derive(Debug, Clone, Copy)]
pub struct ReportScope {
    pub agency: Option<i64>,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// One group of documents: type, form, withdrawn (recalled or returned), and how many.
#[derive(sqlx::FromRow)]
struct DocGroup {
    doc_type: String,
    form: String,
    withdrawn: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct ChannelGroup {
    channel: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct HandlingGroup {
    gid: i64,
    name: Option<String>,
    assigned: i64,
    on_time: i64,
    late: i64,
    overdue_open: i64,
    open: i64,
    done_no_deadline: i64,
}

fn form_of(code: &str) -> StoreResult<DocumentForm> {
    DocumentForm::ALL
        .into_iter()
        .find(|f| f.code() == code)
        .ok_or_else(|| crate::store::common::corrupt("form"))
}

fn type_of(code: &str) -> StoreResult<DocumentType> {
    DocumentType::from_code(code).ok_or_else(|| crate::store::common::corrupt("doc_type"))
}

/// Adds up one direction's groups: forms, the signed ratio, withdrawn, and the per-type counts into `types`.
fn direction(
    groups: &[DocGroup],
    channels: Vec<(IncomingChannel, i64)>,
    types: &mut Vec<(DocumentType, i64, i64)>,
    outgoing: bool,
) -> StoreResult<DirectionSummary> {
    let mut forms: Vec<(DocumentForm, i64)> = DocumentForm::ALL.iter().map(|f| (*f, 0)).collect();
    let (mut total, mut withdrawn) = (0, 0);
    for g in groups {
        let form = form_of(&g.form)?;
        if let Some(f) = forms.iter_mut().find(|(f, _)| *f == form) {
            f.1 += g.n;
        }
        total += g.n;
        if g.withdrawn == "y" {
            withdrawn += g.n;
        }
        let t = type_of(&g.doc_type)?;
        let line = match types.iter_mut().find(|(x, _, _)| *x == t) {
            Some(line) => line,
            None => {
                types.push((t, 0, 0));
                types.last_mut().expect("just pushed")
            }
        };
        if outgoing {
            line.1 += g.n;
        } else {
            line.2 += g.n;
        }
    }
    let count = |form| forms.iter().find(|(f, _)| *f == form).map_or(0, |x| x.1);
    let signed = count(DocumentForm::Signed) + count(DocumentForm::Scanned);
    let channel_total: i64 = channels.iter().map(|c| c.1).sum();
    Ok(DirectionSummary {
        total,
        forms: forms
            .iter()
            .map(|(form, n)| FormCount {
                form: *form,
                count: *n,
                ratio: ratio(*n, total),
            })
            .collect(),
        signed,
        signed_ratio: ratio(signed, total),
        channels: channels
            .into_iter()
            .map(|(channel, n)| ChannelCount {
                channel,
                count: n,
                ratio: ratio(n, channel_total),
            })
            .collect(),
        withdrawn,
    })
}

impl Store {
    /// The report of `scope` as of `now` (open work whose deadline passed before `now` is overdue).
    #[tracing::instrument(skip_all, fields(agency = ?scope.agency))]
    pub async fn summary_report(
        &self,
        scope: ReportScope,
        from: shared::civil_date::CivilDate,
        to: shared::civil_date::CivilDate,
        now: i64,
    ) -> StoreResult<SummaryReport> {
        let agency = match scope.agency {
            Some(id) => {
                let (name,): (String,) =
                    crate::store::sql::query_as("SELECT name FROM agencies WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                Some(ReportAgency { id, name })
            }
            None => None,
        };
        // Every statement takes $1 = the agency (0 and an always-true test for every agency), $2..$3 the period.
        let of_agency = |column: &str| match scope.agency {
            Some(_) => format!("{column} = $1"),
            None => "$1 = $1".to_string(),
        };
        let a = scope.agency.unwrap_or(0);

        // Outgoing: issued in the period (recalled since included); signed when the store holds a verified
        // signature of it (every document issued here: the signer's and the seal, checked at issue).
        let outgoing_groups: Vec<DocGroup> = crate::store::sql::query_as(format!(
            "SELECT x.doc_type, x.form, x.withdrawn, COUNT(*) AS n FROM (SELECT o.doc_type, \
             CASE WHEN EXISTS (SELECT 1 FROM signatures s WHERE s.document_id = o.id) THEN 'signed' ELSE 'unsigned' END AS form, \
             CASE WHEN o.status = 'recalled' THEN 'y' ELSE 'n' END AS withdrawn \
             FROM outgoing_documents o WHERE {} AND o.status IN ('issued', 'recalled') \
             AND o.issued_at >= $2 AND o.issued_at < $3) x GROUP BY x.doc_type, x.form, x.withdrawn",
            of_agency("o.agency_id")
        ))
        .bind(a)
        .bind(scope.start_ms)
        .bind(scope.end_ms)
        .fetch_all(&self.pool)
        .await?;
        // Outgoing channels: one per recipient (delivery) of those documents.
        let outgoing_channels: Vec<ChannelGroup> = crate::store::sql::query_as(format!(
            "SELECT d.channel, COUNT(*) AS n FROM deliveries d JOIN outgoing_documents o ON o.id = d.outgoing_id \
             WHERE {} AND o.status IN ('issued', 'recalled') AND o.issued_at >= $2 AND o.issued_at < $3 \
             GROUP BY d.channel",
            of_agency("o.agency_id")
        ))
        .bind(a)
        .bind(scope.start_ms)
        .bind(scope.end_ms)
        .fetch_all(&self.pool)
        .await?;
        // Incoming: arrived in the period (the real arrival time when backfilled), whatever happened since.
        let incoming_groups: Vec<DocGroup> = crate::store::sql::query_as(format!(
            "SELECT x.doc_type, x.form, x.withdrawn, COUNT(*) AS n FROM (SELECT i.doc_type, \
             CASE WHEN i.channel = 'paper' THEN (CASE WHEN i.verification_ok THEN 'scanned' ELSE 'paper' END) \
             ELSE (CASE WHEN i.verification_ok THEN 'signed' ELSE 'unsigned' END) END AS form, \
             CASE WHEN i.status = 'returned' THEN 'y' ELSE 'n' END AS withdrawn \
             FROM incoming_documents i WHERE {} AND i.received_at >= $2 AND i.received_at < $3) x \
             GROUP BY x.doc_type, x.form, x.withdrawn",
            of_agency("i.agency_id")
        ))
        .bind(a)
        .bind(scope.start_ms)
        .bind(scope.end_ms)
        .fetch_all(&self.pool)
        .await?;
        let incoming_channels: Vec<ChannelGroup> = crate::store::sql::query_as(format!(
            "SELECT i.channel, COUNT(*) AS n FROM incoming_documents i \
             WHERE {} AND i.received_at >= $2 AND i.received_at < $3 GROUP BY i.channel",
            of_agency("i.agency_id")
        ))
        .bind(a)
        .bind(scope.start_ms)
        .bind(scope.end_ms)
        .fetch_all(&self.pool)
        .await?;

        let mut types: Vec<(DocumentType, i64, i64)> = Vec::new();
        let channels = |groups: &[ChannelGroup], outgoing: bool| -> Vec<(IncomingChannel, i64)> {
            IncomingChannel::ALL
                .into_iter()
                .map(|c| {
                    // A delivery's channel is internal / external / paper; an arrival's is the channel itself.
                    let code = match (outgoing, c) {
                        (true, IncomingChannel::System) => "internal",
                        (true, IncomingChannel::Exchange) => "external",
                        (true, IncomingChannel::Email) => "email",
                        (_, c) => c.code(),
                    };
                    let n = groups
                        .iter()
                        .filter(|g| g.channel == code)
                        .map(|g| g.n)
                        .sum();
                    (c, n)
                })
                .collect()
        };
        let outgoing = direction(
            &outgoing_groups,
            channels(&outgoing_channels, true),
            &mut types,
            true,
        )?;
        let incoming = direction(
            &incoming_groups,
            channels(&incoming_channels, false),
            &mut types,
            false,
        )?;
        types.sort_by_key(|(t, o, i)| (std::cmp::Reverse(o + i), t.code()));

        // Handling: the assignments the assigning leader made in the period (a unit's own sub-assignments are
        // its inner detail and not counted again), lead and co-operating; for information is not work.
        let (group, name) = match scope.agency {
            Some(_) => ("a.unit_id", "(SELECT name FROM units WHERE id = g.gid)"),
            None => (
                "a.agency_id",
                "(SELECT name FROM agencies WHERE id = g.gid)",
            ),
        };
        let handling_groups: Vec<HandlingGroup> = crate::store::sql::query_as(format!(
            "SELECT g.gid, {name} AS name, g.assigned, g.on_time, g.late, g.overdue_open, g.open, g.done_no_deadline \
             FROM (SELECT {group} AS gid, COUNT(*) AS assigned, \
             SUM(CASE WHEN a.state = 'done' AND a.due_at IS NOT NULL AND COALESCE(a.done_at, a.due_at) <= a.due_at THEN 1 ELSE 0 END) AS on_time, \
             SUM(CASE WHEN a.state = 'done' AND a.due_at IS NOT NULL AND COALESCE(a.done_at, a.due_at) > a.due_at THEN 1 ELSE 0 END) AS late, \
             SUM(CASE WHEN a.state <> 'done' AND a.due_at IS NOT NULL AND a.due_at < $4 THEN 1 ELSE 0 END) AS overdue_open, \
             SUM(CASE WHEN a.state <> 'done' AND (a.due_at IS NULL OR a.due_at >= $4) THEN 1 ELSE 0 END) AS open, \
             SUM(CASE WHEN a.state = 'done' AND a.due_at IS NULL THEN 1 ELSE 0 END) AS done_no_deadline \
             FROM assignments a WHERE {} AND a.parent_id IS NULL AND a.role <> 'inform' \
             AND a.created_at >= $2 AND a.created_at < $3 GROUP BY {group}) g",
            of_agency("a.agency_id")
        ))
        .bind(a)
        .bind(scope.start_ms)
        .bind(scope.end_ms)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut handling: Vec<HandlingRow> = handling_groups
            .into_iter()
            .map(|g| {
                let mut row = HandlingRow {
                    id: g.gid,
                    name: g.name.unwrap_or_default(),
                    assigned: g.assigned,
                    on_time: g.on_time,
                    late: g.late,
                    overdue_open: g.overdue_open,
                    open: g.open,
                    done_no_deadline: g.done_no_deadline,
                    on_time_ratio: 0.0,
                };
                row.finish();
                row
            })
            .collect();
        handling.sort_by(|x, y| {
            y.assigned
                .cmp(&x.assigned)
                .then_with(|| x.name.cmp(&y.name))
        });
        let mut handling_total = HandlingRow::new(0, "Tổng cộng".into());
        for row in &handling {
            handling_total.add(row);
        }
        handling_total.finish();

        Ok(SummaryReport {
            from,
            to,
            agency,
            generated_at: shared::time::Timestamp(now),
            outgoing,
            incoming,
            by_type: types
                .into_iter()
                .map(|(doc_type, outgoing, incoming)| TypeCount {
                    doc_type,
                    outgoing,
                    incoming,
                })
                .collect(),
            handling,
            handling_total,
        })
    }
}
