//! The six-month report on sending and receiving electronic documents (Điều 24 and 25.4 of the regulation):
//! its query (period, agency, format) and its numbers — documents by form, type and channel, the signed
//! ratio, and handling on time or overdue per unit. docs/API.md defines every number; the page, the PDF and
//! the spreadsheet show exactly these.

use serde::{Deserialize, Serialize};

use crate::civil_date::CivilDate;
use crate::document::DocumentType;
use crate::incoming::IncomingChannel;
use crate::time::Timestamp;

/// The longest period a report covers, in days (a leap year).
pub const MAX_REPORT_DAYS: i64 = 366;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The first instant of a day in Vietnam (00:00 +07:00), in milliseconds.
pub fn day_start_ms(d: CivilDate) -> i64 {
    Timestamp::parse_iso(&format!("{d}T00:00:00+07:00"))
        .map(|t| t.0)
        .unwrap_or(0)
}

/// The file a report is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Json,
    Pdf,
    Xlsx,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [Self::Json, Self::Pdf, Self::Xlsx];

    pub fn code(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Pdf => "pdf",
            Self::Xlsx => "xlsx",
        }
    }
}

/// `GET /api/reports/summary?from=&to=&format=&agency_id=`, parsed. The period is `from..=to`, days in Vietnam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuery {
    pub from: CivilDate,
    pub to: CivilDate,
    pub format: ReportFormat,
    /// One agency; `None` means the caller's own, or every agency for the provincial administrator.
    pub agency_id: Option<i64>,
}

/// Why a report's query was refused: the parameter and a Vietnamese sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQueryError {
    pub param: &'static str,
    pub message: String,
}

impl ReportQuery {
    /// Parses the address's pairs. Both dates are required; the period is at most [`MAX_REPORT_DAYS`] days.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ReportQueryError> {
        let err = |param: &'static str, message: &str| ReportQueryError {
            param,
            message: message.to_string(),
        };
        let (mut from, mut to, mut format, mut agency_id) = (None, None, None, None);
        for (k, v) in pairs {
            let seen = match k.as_str() {
                "from" => from.replace(v.as_str()).is_some(),
                "to" => to.replace(v.as_str()).is_some(),
                "format" => format.replace(v.as_str()).is_some(),
                "agency_id" => agency_id.replace(v.as_str()).is_some(),
                _ => return Err(err("query", &format!("Tham số không được hỗ trợ: {k}."))),
            };
            if seen {
                return Err(err("query", &format!("Tham số {k} được đưa hai lần.")));
            }
        }
        let date = |param: &'static str, v: Option<&str>, name: &str| {
            let v = v.ok_or_else(|| err(param, &format!("Thiếu {name} của kỳ báo cáo.")))?;
            CivilDate::parse(v).map_err(|m| err(param, &format!("{name} không hợp lệ: {m}")))
        };
        let from = date("from", from, "Ngày bắt đầu")?;
        let to = date("to", to, "Ngày kết thúc")?;
        if to < from {
            return Err(err("to", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."));
        }
        if (day_start_ms(to) - day_start_ms(from)) / DAY_MS + 1 > MAX_REPORT_DAYS {
            return Err(err(
                "to",
                "Kỳ báo cáo dài nhất là một năm (366 ngày); hãy chọn kỳ ngắn hơn.",
            ));
        }
        let format = match format {
            None => ReportFormat::Json,
            Some(f) => ReportFormat::ALL
                .into_iter()
                .find(|x| x.code() == f)
                .ok_or_else(|| err("format", "Định dạng phải là json, pdf hoặc xlsx."))?,
        };
        let agency_id = match agency_id {
            None | Some("") => None,
            Some(a) => Some(
                a.parse::<i64>()
                    .ok()
                    .filter(|a| *a > 0)
                    .ok_or_else(|| err("agency_id", "Mã cơ quan không hợp lệ."))?,
            ),
        };
        Ok(Self {
            from,
            to,
            format,
            agency_id,
        })
    }

    /// The pairs of the address, in the order [`ReportQuery::parse`] reads them.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("from", self.from.to_string()),
            ("to", self.to.to_string()),
            ("format", self.format.code().to_string()),
        ];
        if let Some(a) = self.agency_id {
            out.push(("agency_id", a.to_string()));
        }
        out
    }

    /// The period as instants: from 00:00 of `from` (included) to 00:00 after `to` (excluded), Vietnam time.
    pub fn bounds_ms(&self) -> (i64, i64) {
        (day_start_ms(self.from), day_start_ms(self.to) + DAY_MS)
    }
}

/// The six-month half a day falls in: 01/01–30/06 or 01/07–31/12 (Điều 24.1: reports in June and December).
pub fn half_of(d: CivilDate) -> (CivilDate, CivilDate) {
    let date = |month, day| CivilDate {
        year: d.year,
        month,
        day,
    };
    if d.month <= 6 {
        (date(1, 1), date(6, 30))
    } else {
        (date(7, 1), date(12, 31))
    }
}

/// `part / whole`, rounded to four decimals; 0 when `whole` is 0.
pub fn ratio(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

/// A ratio as people read it: `66,7 %` (one decimal, a decimal comma).
pub fn percent_text(r: f64) -> String {
    format!("{:.1} %", r * 100.0).replace('.', ",")
}

/// The form of a document (hình thức, Điều 8.2 and 24.2a), decided from what the store knows: how it arrived
/// and the server's verdict on its signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Điện tử, có ký số: electronic with valid digital signatures of its issuer (Điều 8.2a–b).
    Signed,
    /// Số hóa từ bản giấy: received on paper, scanned and signed by the receiving agency (Điều 8.2c, 12.5).
    Scanned,
    /// Bản giấy: received on paper, whose scan carries no valid signature of the receiving agency.
    Paper,
    /// Điện tử, không có chữ ký số hợp lệ: electronic without a valid signature of its issuer.
    Unsigned,
}

impl DocumentForm {
    pub const ALL: [DocumentForm; 4] = [Self::Signed, Self::Scanned, Self::Paper, Self::Unsigned];

    pub fn code(self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::Scanned => "scanned",
            Self::Paper => "paper",
            Self::Unsigned => "unsigned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Signed => "Điện tử có ký số",
            Self::Scanned => "Số hóa từ bản giấy",
            Self::Paper => "Bản giấy",
            Self::Unsigned => "Điện tử không có chữ ký hợp lệ",
        }
    }
}

/// How many documents had one form, and their share of the direction's documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormCount {
    pub form: DocumentForm,
    pub count: i64,
    /// `count / total`, rounded to four decimals (0 when there is no document).
    pub ratio: f64,
}

/// How many went one way (phương thức), and their share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelCount {
    /// `system` (on this system), `exchange` (liên thông, through the axis), `email`, `paper`.
    pub channel: IncomingChannel,
    pub count: i64,
    /// `count` over the sum of the four counts, rounded to four decimals.
    pub ratio: f64,
}

/// The numbers of one direction (văn bản đi or đến) in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectionSummary {
    /// Documents counted (outgoing: issued in the period; incoming: arrived in the period).
    pub total: i64,
    /// The four forms, in the order of [`DocumentForm::ALL`]; they add up to `total`.
    pub forms: Vec<FormCount>,
    /// Documents with a valid digital signature (`signed` + `scanned`).
    pub signed: i64,
    /// `signed / total`, rounded to four decimals.
    pub signed_ratio: f64,
    /// The four channels in the order of `IncomingChannel::ALL` (outgoing: recipients, one per delivery;
    /// incoming: documents).
    pub channels: Vec<ChannelCount>,
    /// Outgoing: of `total`, recalled since; incoming: of `total`, returned to the sender (từ chối).
    pub withdrawn: i64,
}

/// Documents of one type in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypeCount {
    pub doc_type: DocumentType,
    pub outgoing: i64,
    pub incoming: i64,
}

/// Handling of the work assigned in the period to one unit (or, across agencies, one agency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlingRow {
    /// The unit's id (the agency's, in a report over every agency; 0 on the total line).
    pub id: i64,
    pub name: String,
    /// Assignments counted (lead and co-operating, as the assigning leader made them).
    pub assigned: i64,
    /// Finished by the end of their deadline day.
    pub on_time: i64,
    /// Finished after it.
    pub late: i64,
    /// Not finished, and the deadline has passed.
    pub overdue_open: i64,
    /// Not finished, the deadline not passed yet (or none).
    pub open: i64,
    /// Finished, without a deadline.
    pub done_no_deadline: i64,
    /// `on_time / (on_time + late + overdue_open)`, rounded to four decimals.
    pub on_time_ratio: f64,
}

impl HandlingRow {
    /// An empty line for `id`, `name`.
    pub fn new(id: i64, name: String) -> Self {
        Self {
            id,
            name,
            assigned: 0,
            on_time: 0,
            late: 0,
            overdue_open: 0,
            open: 0,
            done_no_deadline: 0,
            on_time_ratio: 0.0,
        }
    }

    /// Adds `other`'s counts and recomputes the ratio.
    pub fn add(&mut self, other: &HandlingRow) {
        self.assigned += other.assigned;
        self.on_time += other.on_time;
        self.late += other.late;
        self.overdue_open += other.overdue_open;
        self.open += other.open;
        self.done_no_deadline += other.done_no_deadline;
        self.finish();
    }

    /// Computes `on_time_ratio` from the counts.
    pub fn finish(&mut self) {
        self.on_time_ratio = ratio(self.on_time, self.on_time + self.late + self.overdue_open);
    }
}

/// The agency a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportAgency {
    pub id: i64,
    pub name: String,
}

/// `GET /api/reports/summary?format=json`: the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryReport {
    /// First day of the period (Vietnam), included.
    pub from: CivilDate,
    /// Last day of the period, included.
    pub to: CivilDate,
    /// The agency reported on; `null` for every agency of the province.
    pub agency: Option<ReportAgency>,
    /// When the numbers were read (open work is overdue as of this instant).
    pub generated_at: Timestamp,
    pub outgoing: DirectionSummary,
    pub incoming: DirectionSummary,
    /// Every type with at least one document in either direction, the most frequent first.
    pub by_type: Vec<TypeCount>,
    /// One line per unit (per agency in a report over every agency) with assigned work, the most assigned
    /// first.
    pub handling: Vec<HandlingRow>,
    /// The sum of `handling`.
    pub handling_total: HandlingRow,
}

impl SummaryReport {
    /// The report's title line: "Báo cáo gửi, nhận văn bản điện tử từ 01/01/2026 đến 30/06/2026".
    pub fn period_text(&self) -> String {
        format!("từ {} đến {}", self.from.display(), self.to.display())
    }

    /// Who the report covers, as a heading says it.
    pub fn agency_text(&self) -> String {
        self.agency.as_ref().map_or_else(
            || "Tất cả cơ quan trong tỉnh".to_string(),
            |a| a.name.clone(),
        )
    }
}

/// How a channel reads in the report (for outgoing documents it is how a recipient was sent the document).
pub fn channel_label(c: IncomingChannel) -> &'static str {
    match c {
        IncomingChannel::System => "Trên hệ thống",
        IncomingChannel::Exchange => "Liên thông (trục)",
        IncomingChannel::Email => "Thư điện tử",
        IncomingChannel::Paper => "Bản giấy",
    }
}

/// One line of the summary table both files print: a label, the outgoing and incoming counts and, where the
/// line is a share, their ratios.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    pub label: String,
    pub outgoing: i64,
    pub outgoing_ratio: Option<f64>,
    pub incoming: i64,
    pub incoming_ratio: Option<f64>,
}

impl SummaryReport {
    /// The summary table: totals, the four forms, signed, the four channels, withdrawn.
    pub fn summary_lines(&self) -> Vec<SummaryLine> {
        let (o, i) = (&self.outgoing, &self.incoming);
        let line =
            |label: String, on: i64, or: Option<f64>, inn: i64, ir: Option<f64>| SummaryLine {
                label,
                outgoing: on,
                outgoing_ratio: or,
                incoming: inn,
                incoming_ratio: ir,
            };
        let mut out = vec![line("Tổng số văn bản".into(), o.total, None, i.total, None)];
        for (fo, fi) in o.forms.iter().zip(&i.forms) {
            out.push(line(
                format!("Hình thức: {}", fo.form.label()),
                fo.count,
                Some(fo.ratio),
                fi.count,
                Some(fi.ratio),
            ));
        }
        out.push(line(
            "Có chữ ký số hợp lệ".into(),
            o.signed,
            Some(o.signed_ratio),
            i.signed,
            Some(i.signed_ratio),
        ));
        for (co, ci) in o.channels.iter().zip(&i.channels) {
            out.push(line(
                format!("Phương thức: {}", channel_label(co.channel)),
                co.count,
                Some(co.ratio),
                ci.count,
                Some(ci.ratio),
            ));
        }
        out.push(line(
            "Đã thu hồi (đi) / trả lại (đến)".into(),
            o.withdrawn,
            None,
            i.withdrawn,
            None,
        ));
        out
    }
}

/// The heading of the handling table's first column.
pub fn handling_group_label(report: &SummaryReport) -> &'static str {
    if report.agency.is_some() {
        "Đơn vị"
    } else {
        "Cơ quan"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_half_year_parses_and_its_bounds_are_vietnam_midnights() {
        let q =
            ReportQuery::parse(&pairs(&[("from", "2026-01-01"), ("to", "2026-06-30")])).unwrap();
        assert_eq!(q.format, ReportFormat::Json);
        let (a, b) = q.bounds_ms();
        assert_eq!(Timestamp(a).to_iso_vn(), "2026-01-01T00:00:00+07:00");
        assert_eq!(Timestamp(b).to_iso_vn(), "2026-07-01T00:00:00+07:00");
        let back = ReportQuery::parse(
            &q.to_pairs()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert_eq!(back, q);
    }

    #[test]
    fn bad_dates_reversed_and_too_long_periods_are_refused_naming_the_parameter() {
        let refused = |p: &[(&str, &str)]| ReportQuery::parse(&pairs(p)).unwrap_err().param;
        assert_eq!(refused(&[("to", "2026-06-30")]), "from");
        assert_eq!(
            refused(&[("from", "2026-02-30"), ("to", "2026-06-30")]),
            "from"
        );
        assert_eq!(
            refused(&[("from", "2026-07-01"), ("to", "2026-06-30")]),
            "to"
        );
        assert_eq!(
            refused(&[("from", "2024-01-01"), ("to", "2025-01-01")]),
            "to"
        );
        assert!(
            ReportQuery::parse(&pairs(&[("from", "2024-01-01"), ("to", "2024-12-31")])).is_ok()
        );
        assert_eq!(
            refused(&[
                ("from", "2026-01-01"),
                ("to", "2026-01-02"),
                ("format", "doc")
            ]),
            "format"
        );
        assert_eq!(
            refused(&[
                ("from", "2026-01-01"),
                ("to", "2026-01-02"),
                ("agency_id", "x")
            ]),
            "agency_id"
        );
        assert_eq!(
            refused(&[("from", "2026-01-01"), ("to", "2026-01-02"), ("page", "1")]),
            "query"
        );
    }

    #[test]
    fn the_halves_of_the_year() {
        let d = |m, day| CivilDate {
            year: 2026,
            month: m,
            day,
        };
        assert_eq!(half_of(d(3, 15)), (d(1, 1), d(6, 30)));
        assert_eq!(half_of(d(6, 30)), (d(1, 1), d(6, 30)));
        assert_eq!(half_of(d(7, 1)), (d(7, 1), d(12, 31)));
        assert_eq!(ratio(2, 3), 0.6667);
        assert_eq!(ratio(1, 0), 0.0);
        assert_eq!(percent_text(0.6667), "66,7 %");
    }
}
