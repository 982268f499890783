//! Filters, sort and page of a document list (`GET /api/outgoing`, `GET /api/incoming`, `GET /api/dashboard`),
//! parsed once here so the browser (which keeps them in the page's address) and the server agree on every
//! name, value and refusal.
//!
//! Parameters (all optional): `from`, `to` (`YYYY-MM-DD`, the day in Vietnam, both included), `type` (a
//! document type code), `urgency` (an urgency code), `agency` (incoming and the dashboard: part of the issuing
//! agency's name), `unit` (outgoing: the drafting unit's id), `status` (a document status code of the list's
//! kind), `sort` (`date`, `deadline`, `number`), `order` (`asc`, `desc`), `page` (from 1), `per_page` (1–200,
//! default 50). An empty value is the same as no value.

use crate::civil_date::CivilDate;
use crate::document::{DocumentType, Urgency};
use crate::incoming::IncomingStatus;
use crate::outgoing::OutgoingStatus;
use crate::time::Timestamp;

/// Lines per page when the address does not say.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// The most lines one page may hold.
pub const MAX_PER_PAGE: u32 = 200;
/// The highest page number accepted (keeps the offset far from overflowing).
pub const MAX_PAGE: u32 = 100_000;

/// Which list the parameters are for: it decides which statuses exist and whether `agency` or `unit` filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Outgoing documents: `unit` filters by drafting unit; statuses are [`OutgoingStatus`].
    Outgoing,
    /// Incoming documents: `agency` filters by issuing agency; statuses are [`IncomingStatus`].
    Incoming,
    /// The dashboard's drill-down (incoming work): `agency` filters; `unit` and `user` choose the drill-down.
    Dashboard,
}

/// What a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// The document's date: arrival for incoming, last change for outgoing, assignment for the dashboard.
    Date,
    /// The deadline (documents without one last).
    Deadline,
    /// The number: số đến for incoming, số of the issued document for outgoing (without one last).
    Number,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [Self::Date, Self::Deadline, Self::Number];

    pub fn code(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Deadline => "deadline",
            Self::Number => "number",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Date => "Ngày",
            Self::Deadline => "Hạn",
            Self::Number => "Số",
        }
    }

    /// The order a sort starts in when the address names none: newest first, nearest deadline first, highest
    /// number first.
    pub fn default_order(self) -> SortOrder {
        match self {
            Self::Deadline => SortOrder::Asc,
            Self::Date | Self::Number => SortOrder::Desc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn code(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "asc" => Some(Self::Asc),
            "desc" => Some(Self::Desc),
            _ => None,
        }
    }

    pub fn flip(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// A refused parameter: its name and the sentence people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl ParamError {
    fn new(param: &str, message: impl Into<String>) -> Self {
        Self {
            param: param.to_string(),
            message: message.into(),
        }
    }
}

/// The filters, sort and page of one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub from: Option<CivilDate>,
    pub to: Option<CivilDate>,
    pub doc_type: Option<DocumentType>,
    pub urgency: Option<Urgency>,
    /// Part of the issuing agency's name (incoming, dashboard).
    pub agency: Option<String>,
    /// The drafting unit (outgoing).
    pub unit: Option<i64>,
    /// A status code valid for the list's kind.
    pub status: Option<String>,
    /// `None`: the bucket's own order (most pressing first).
    pub sort: Option<SortKey>,
    pub order: Option<SortOrder>,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            doc_type: None,
            urgency: None,
            agency: None,
            unit: None,
            status: None,
            sort: None,
            order: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// The statuses a list of this kind can filter by: code and label.
pub fn statuses(kind: ListKind) -> Vec<(&'static str, &'static str)> {
    match kind {
        ListKind::Outgoing => OutgoingStatus::ALL
            .into_iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        ListKind::Incoming | ListKind::Dashboard => IncomingStatus::ALL
            .into_iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
    }
}

impl ListQuery {
    /// Reads the decoded `(name, value)` pairs of an address. Names in `route_keys` belong to the route (the
    /// bucket, the drill-down) and are handed back untouched; any other unknown name is refused.
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        kind: ListKind,
        pairs: impl IntoIterator<Item = (K, V)>,
        route_keys: &[&str],
    ) -> Result<(Self, Vec<(String, String)>), ParamError> {
        let mut q = Self::default();
        let mut route = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in pairs {
            let (key, value) = (k.as_ref(), v.as_ref().trim());
            if route_keys.contains(&key) {
                route.push((key.to_string(), value.to_string()));
                continue;
            }
            if seen.iter().any(|s| s == key) {
                return Err(ParamError::new(
                    key,
                    format!("Tham số “{key}” chỉ được có một lần."),
                ));
            }
            seen.push(key.to_string());
            let known = match key {
                "from" | "to" | "type" | "urgency" | "status" | "sort" | "order" | "page"
                | "per_page" => true,
                "agency" => kind != ListKind::Outgoing,
                "unit" => kind == ListKind::Outgoing,
                _ => false,
            };
            if !known {
                return Err(ParamError::new(
                    key,
                    format!("Tham số “{key}” không dùng được ở danh sách này."),
                ));
            }
            if value.is_empty() {
                continue;
            }
            match key {
                "from" | "to" => {
                    let d = CivilDate::parse(value).map_err(|_| {
                        ParamError::new(
                            key,
                            format!(
                                "Tham số “{key}” phải là một ngày có thật, dạng năm-tháng-ngày (vd. 2026-12-31)."
                            ),
                        )
                    })?;
                    if key == "from" {
                        q.from = Some(d);
                    } else {
                        q.to = Some(d);
                    }
                }
                "type" => {
                    q.doc_type = Some(DocumentType::from_code(value).ok_or_else(|| {
                        ParamError::new("type", "Tham số “type”: loại văn bản không tồn tại.")
                    })?)
                }
                "urgency" => {
                    q.urgency = Some(
                        Urgency::ALL
                            .into_iter()
                            .find(|u| urgency_code(*u) == value)
                            .ok_or_else(|| {
                                ParamError::new(
                                    "urgency",
                                    "Tham số “urgency” phải là normal, urgent, very_urgent hoặc immediate.",
                                )
                            })?,
                    )
                }
                "agency" => {
                    if value.chars().count() > 200 {
                        return Err(ParamError::new(
                            "agency",
                            "Tham số “agency” dài quá 200 ký tự.",
                        ));
                    }
                    q.agency = Some(value.to_string());
                }
                "unit" => {
                    q.unit = Some(value.parse::<i64>().ok().filter(|u| *u > 0).ok_or_else(
                        || ParamError::new("unit", "Tham số “unit” phải là mã số của một đơn vị."),
                    )?)
                }
                "status" => {
                    if !statuses(kind).iter().any(|(c, _)| *c == value) {
                        return Err(ParamError::new(
                            "status",
                            "Tham số “status”: trạng thái không tồn tại ở danh sách này.",
                        ));
                    }
                    q.status = Some(value.to_string());
                }
                "sort" => {
                    q.sort = Some(SortKey::from_code(value).ok_or_else(|| {
                        ParamError::new(
                            "sort",
                            "Tham số “sort” phải là date, deadline hoặc number.",
                        )
                    })?)
                }
                "order" => {
                    q.order = Some(SortOrder::from_code(value).ok_or_else(|| {
                        ParamError::new("order", "Tham số “order” phải là asc hoặc desc.")
                    })?)
                }
                "page" => {
                    q.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| {
                            ParamError::new(
                                "page",
                                format!("Tham số “page” phải là số trang từ 1 đến {MAX_PAGE}."),
                            )
                        })?
                }
                _ => {
                    q.per_page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| {
                            ParamError::new(
                                "per_page",
                                format!(
                                    "Tham số “per_page” phải là số dòng mỗi trang, từ 1 đến {MAX_PER_PAGE}."
                                ),
                            )
                        })?
                }
            }
        }
        if let (Some(f), Some(t)) = (q.from, q.to)
            && t < f
        {
            return Err(ParamError::new(
                "to",
                "Tham số “to”: ngày cuối phải bằng hoặc sau ngày đầu (“from”).",
            ));
        }
        if q.order.is_some() && q.sort.is_none() {
            return Err(ParamError::new(
                "order",
                "Tham số “order” cần đi cùng “sort”.",
            ));
        }
        Ok((q, route))
    }

    /// The `(name, value)` pairs that say this query, defaults left out, in a fixed order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(d) = self.from {
            out.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("to", d.to_string()));
        }
        if let Some(t) = self.doc_type {
            out.push(("type", t.code().to_string()));
        }
        if let Some(u) = self.urgency {
            out.push(("urgency", urgency_code(u).to_string()));
        }
        if let Some(a) = &self.agency {
            out.push(("agency", a.clone()));
        }
        if let Some(u) = self.unit {
            out.push(("unit", u.to_string()));
        }
        if let Some(s) = &self.status {
            out.push(("status", s.clone()));
        }
        if let Some(s) = self.sort {
            out.push(("sort", s.code().to_string()));
            if let Some(o) = self.order {
                out.push(("order", o.code().to_string()));
            }
        }
        if self.page != 1 {
            out.push(("page", self.page.to_string()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.push(("per_page", self.per_page.to_string()));
        }
        out
    }

    /// The pairs percent-encoded and joined with `&` (no leading `?`; empty for the default query).
    pub fn to_query(&self) -> String {
        encode_pairs(self.to_pairs().iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// How many filters are set (the count on the phone's "Bộ lọc" button; sort and page are not filters).
    pub fn active_filters(&self) -> usize {
        [
            self.from.is_some(),
            self.to.is_some(),
            self.doc_type.is_some(),
            self.urgency.is_some(),
            self.agency.is_some(),
            self.unit.is_some(),
            self.status.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }

    /// The order in effect when sorted.
    pub fn effective_order(&self) -> Option<SortOrder> {
        self.sort
            .map(|s| self.order.unwrap_or_else(|| s.default_order()))
    }

    /// Rows skipped before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    /// The first instant of `from` in Vietnam, ms.
    pub fn from_ms(&self) -> Option<i64> {
        self.from.map(day_start_ms)
    }

    /// The first instant after `to` in Vietnam, ms (the range is `[from_ms, to_end_ms)`).
    pub fn to_end_ms(&self) -> Option<i64> {
        self.to.map(|d| day_start_ms(d) + 86_400_000)
    }
}

/// Serde default of a response's `page`.
pub fn first_page() -> u32 {
    1
}

/// Serde default of a response's `per_page`.
pub fn default_per_page() -> u32 {
    DEFAULT_PER_PAGE
}

/// How many pages `total` lines fill (at least one).
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per = i64::from(per_page.max(1));
    u32::try_from(((total.max(0) + per - 1) / per).max(1)).unwrap_or(u32::MAX)
}

/// The wire code of an urgency (its serde name).
pub fn urgency_code(u: Urgency) -> &'static str {
    match u {
        Urgency::Normal => "normal",
        Urgency::Urgent => "urgent",
        Urgency::VeryUrgent => "very_urgent",
        Urgency::Immediate => "immediate",
    }
}

fn day_start_ms(d: CivilDate) -> i64 {
    Timestamp::parse_iso(&format!("{d}T00:00:00+07:00"))
        .map(|t| t.0)
        .unwrap_or(0)
}

/// `application/x-www-form-urlencoded` encoding of pairs (UTF-8, space as `+`).
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&mut out, k);
        out.push('=');
        encode_into(&mut out, v);
    }
    out
}

fn encode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// Decodes an `application/x-www-form-urlencoded` string (with or without a leading `?`) into pairs; bytes that
/// do not form UTF-8 are replaced.
pub fn decode_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: ListKind, q: &str) -> Result<ListQuery, ParamError> {
        ListQuery::parse(kind, decode_pairs(q), &["bucket"]).map(|(q, _)| q)
    }

    #[test]
    fn a_query_written_to_the_address_reads_back_the_same() {
        let q = parse(
            ListKind::Incoming,
            "from=2026-01-01&to=2026-12-31&type=cong_van&urgency=very_urgent&agency=S%E1%BB%9F+T%C3%A0i+ch%C3%ADnh&status=in_progress&sort=deadline&order=desc&page=3&per_page=20",
        )
        .unwrap();
        assert_eq!(q.agency.as_deref(), Some("Sở Tài chính"));
        assert_eq!(q.doc_type, Some(DocumentType::CongVan));
        assert_eq!(q.sort, Some(SortKey::Deadline));
        assert_eq!(q.offset(), 40);
        assert_eq!(q.active_filters(), 6);
        assert_eq!(parse(ListKind::Incoming, &q.to_query()).unwrap(), q);
    }

    #[test]
    fn empty_values_are_no_filter_and_the_default_query_is_empty() {
        let q = parse(ListKind::Outgoing, "bucket=mine&from=&unit=&sort=").unwrap();
        assert_eq!(q, ListQuery::default());
        assert_eq!(q.to_query(), "");
    }

    #[test]
    fn each_bad_value_is_refused_naming_its_parameter() {
        for (kind, q, param) in [
            (ListKind::Outgoing, "from=2026-02-30", "from"),
            (ListKind::Outgoing, "to=31/12/2026", "to"),
            (ListKind::Outgoing, "from=2026-05-02&to=2026-05-01", "to"),
            (ListKind::Outgoing, "type=giay_phep", "type"),
            (ListKind::Outgoing, "urgency=khan", "urgency"),
            (ListKind::Outgoing, "status=in_progress", "status"),
            (ListKind::Incoming, "status=awaiting_signature", "status"),
            (ListKind::Outgoing, "sort=subject", "sort"),
            (ListKind::Outgoing, "sort=date&order=up", "order"),
            (ListKind::Outgoing, "order=asc", "order"),
            (ListKind::Outgoing, "page=0", "page"),
            (ListKind::Outgoing, "page=abc", "page"),
            (ListKind::Outgoing, "per_page=201", "per_page"),
            (ListKind::Outgoing, "unit=-3", "unit"),
            (ListKind::Outgoing, "agency=UBND", "agency"),
            (ListKind::Incoming, "unit=3", "unit"),
            (ListKind::Incoming, "page=1&page=2", "page"),
            (ListKind::Incoming, "colour=red", "colour"),
        ] {
            let e = parse(kind, q).expect_err(q);
            assert_eq!(e.param, param, "{q}");
            assert!(e.message.contains(param), "{q}: {}", e.message);
        }
    }

    #[test]
    fn the_date_range_covers_whole_days_in_vietnam() {
        let q = parse(ListKind::Incoming, "from=2026-12-04&to=2026-12-04").unwrap();
        let start = Timestamp::parse_iso("2026-12-03T17:00:00Z").unwrap().0;
        assert_eq!(q.from_ms(), Some(start));
        assert_eq!(q.to_end_ms(), Some(start + 86_400_000));
    }

    #[test]
    fn pages_round_up_and_never_fall_below_one() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(501, 50), 11);
    }

    #[test]
    fn percent_decoding_tolerates_broken_escapes() {
        assert_eq!(
            decode_pairs("?a=%zz&b=%4&c=100%25"),
            vec![
                ("a".to_string(), "%zz".to_string()),
                ("b".to_string(), "%4".to_string()),
                ("c".to_string(), "100%".to_string())
            ]
        );
    }
}
