//! Search over every document a person may open (`GET /api/search`): the query's parameters, parsed once here so
//! the results page (which keeps them in its address) and the server agree, and the answer's shape.
//!
//! Parameters: `q` (the text, required, 1–200 characters after trimming), and optionally `direction`
//! (`outgoing` or `incoming`), `type`, `urgency`, `from`, `to`, `page`, `per_page` (as the lists read them, see
//! [`crate::list_query`]), `status` (a status code of either kind, or of the chosen direction) and `unit_id` (the
//! drafting unit of an outgoing document, the lead unit of an incoming one). Text is compared folded
//! ([`crate::text::fold_for_search`]): case and Vietnamese marks do not matter, `d` finds `đ`.

use serde::{Deserialize, Serialize};

use crate::list_query::{ListKind, ListQuery, ParamError, statuses};

/// The longest query accepted, in characters.
pub const MAX_QUERY: usize = 200;
/// Results per page when the address does not say.
pub const DEFAULT_PER_PAGE: u32 = 20;

/// Which register a result belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    /// Văn bản đi: opens at `/van-ban-di/{id}`.
    Outgoing,
    /// Văn bản đến: opens at `/van-ban-den/{id}`.
    Incoming,
}

impl SearchKind {
    pub const ALL: [SearchKind; 2] = [Self::Outgoing, Self::Incoming];

    pub fn code(self) -> &'static str {
        match self {
            Self::Outgoing => "outgoing",
            Self::Incoming => "incoming",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Vietnamese name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Outgoing => "Văn bản đi",
            Self::Incoming => "Văn bản đến",
        }
    }

    /// The page of the document in the app.
    pub fn href(self, id: i64) -> String {
        match self {
            Self::Outgoing => format!("/van-ban-di/{id}"),
            Self::Incoming => format!("/van-ban-den/{id}"),
        }
    }
}

impl TryFrom<String> for SearchKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_code(&s).ok_or_else(|| format!("unknown document kind {s}"))
    }
}

/// A parsed search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The text as typed (trimmed).
    pub q: String,
    /// Only outgoing or only incoming documents.
    pub direction: Option<SearchKind>,
    /// The unit: drafting unit (outgoing) or lead unit (incoming).
    pub unit_id: Option<i64>,
    /// Dates, type, urgency, status and page; its `unit`, `agency` and sort stay unset.
    pub list: ListQuery,
}

impl SearchQuery {
    /// The text folded as the index stores it.
    pub fn folded(&self) -> String {
        crate::text::fold_for_search(&self.q).trim().to_string()
    }

    /// Reads the decoded `(name, value)` pairs of an address; any unknown name or bad value is refused with a
    /// Vietnamese sentence.
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ParamError> {
        let err = |param: &str, message: &str| ParamError {
            param: param.to_string(),
            message: message.to_string(),
        };
        let mut q: Option<String> = None;
        let mut direction = None;
        let mut unit_id = None;
        let mut status: Option<String> = None;
        let mut per_page_given = false;
        let mut rest: Vec<(String, String)> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in pairs {
            let (key, value) = (k.as_ref(), v.as_ref().trim());
            match key {
                "q" | "direction" | "unit_id" | "status" => {
                    if seen.iter().any(|s| s == key) {
                        return Err(err(key, &format!("Tham số “{key}” chỉ được có một lần.")));
                    }
                    seen.push(key.to_string());
                }
                "sort" | "order" | "unit" | "agency" => {
                    return Err(err(
                        key,
                        &format!("Tham số “{key}” không dùng được khi tìm kiếm."),
                    ));
                }
                _ => {}
            }
            match key {
                "q" => q = Some(value.to_string()),
                "direction" if value.is_empty() => {}
                "direction" => {
                    direction = Some(SearchKind::from_code(value).ok_or_else(|| {
                        err(
                            "direction",
                            "Tham số “direction” phải là outgoing (văn bản đi) hoặc incoming (văn bản đến).",
                        )
                    })?)
                }
                "unit_id" if value.is_empty() => {}
                "unit_id" => {
                    unit_id = Some(value.parse::<i64>().ok().filter(|u| *u > 0).ok_or_else(
                        || err("unit_id", "Tham số “unit_id” phải là mã số của một đơn vị."),
                    )?)
                }
                "status" if value.is_empty() => {}
                "status" => status = Some(value.to_string()),
                _ => {
                    per_page_given |= key == "per_page";
                    rest.push((key.to_string(), value.to_string()));
                }
            }
        }
        let q = q.unwrap_or_default();
        if q.is_empty() {
            return Err(err("q", "Hãy nhập nội dung cần tìm (tham số “q”)."));
        }
        if q.chars().count() > MAX_QUERY {
            return Err(err(
                "q",
                &format!("Nội dung cần tìm dài quá {MAX_QUERY} ký tự."),
            ));
        }
        if q.chars().any(|c| c.is_control()) {
            return Err(err(
                "q",
                "Nội dung cần tìm có ký tự điều khiển không hợp lệ.",
            ));
        }
        let (mut list, _) = ListQuery::parse(ListKind::Outgoing, rest, &[])?;
        if !per_page_given {
            list.per_page = DEFAULT_PER_PAGE;
        }
        if let Some(s) = &status {
            let kinds: Vec<ListKind> = match direction {
                Some(SearchKind::Outgoing) => vec![ListKind::Outgoing],
                Some(SearchKind::Incoming) => vec![ListKind::Incoming],
                None => vec![ListKind::Outgoing, ListKind::Incoming],
            };
            if !kinds
                .into_iter()
                .any(|k| statuses(k).iter().any(|(c, _)| c == s))
            {
                return Err(err(
                    "status",
                    "Tham số “status”: trạng thái không tồn tại ở loại văn bản đã chọn.",
                ));
            }
        }
        list.status = status;
        let parsed = Self {
            q,
            direction,
            unit_id,
            list,
        };
        if parsed.folded().is_empty() {
            return Err(err("q", "Hãy nhập nội dung cần tìm (tham số “q”)."));
        }
        Ok(parsed)
    }

    /// The `(name, value)` pairs that say this search, defaults left out (the results page's address).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("q", self.q.clone())];
        if let Some(d) = self.direction {
            out.push(("direction", d.code().to_string()));
        }
        let mut list = self.list.clone();
        let per_page = list.per_page;
        list.per_page = crate::list_query::DEFAULT_PER_PAGE;
        for (k, v) in list.to_pairs() {
            out.push((k, v));
        }
        if per_page != DEFAULT_PER_PAGE {
            out.push(("per_page", per_page.to_string()));
        }
        if let Some(u) = self.unit_id {
            out.push(("unit_id", u.to_string()));
        }
        out
    }

    /// The address's query string (without `?`).
    pub fn to_query(&self) -> String {
        let pairs = self.to_pairs();
        crate::list_query::encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    }
}

/// Where the query was found in a shown field: characters `start..end` of the field (Unicode scalar values,
/// which for Vietnamese text in NFC are also UTF-16 units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchRange {
    pub start: usize,
    pub end: usize,
}

/// The matches in each shown field (empty when the query matched elsewhere: the signer, recipients,
/// instructions, record-file titles or the text of the files).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHighlights {
    pub number_text: Vec<MatchRange>,
    pub subject: Vec<MatchRange>,
    pub agency: Vec<MatchRange>,
}

impl SearchHighlights {
    /// The matches of folded `needle` in the three shown fields.
    pub fn of(needle: &str, number_text: Option<&str>, subject: &str, agency: &str) -> Self {
        let ranges = |s: &str| {
            crate::text::match_ranges(s, needle)
                .into_iter()
                .map(|(start, end)| MatchRange { start, end })
                .collect()
        };
        Self {
            number_text: number_text.map(ranges).unwrap_or_default(),
            subject: ranges(subject),
            agency: ranges(agency),
        }
    }
}

/// One document found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: i64,
    /// Số, ký hiệu (`12/QĐ-UBND`); none for an outgoing document not issued yet.
    pub number_text: Option<String>,
    /// Trích yếu.
    pub subject: String,
    /// The issuing agency (the sender, for an incoming document).
    pub agency: String,
    /// `YYYY-MM-DD` (Vietnam): the issue date of an outgoing document (its creation while a draft), the
    /// arrival of an incoming one. `from` and `to` filter on it.
    pub date: String,
    /// The status code of the document's kind (`issued`, `in_progress`…).
    pub status: String,
    /// The status as people read it.
    pub status_label: String,
    /// The query equals the document's number or number and notation (ranked first).
    pub exact_number: bool,
    pub highlights: SearchHighlights,
}

/// `GET /api/search`: one page of results, best first, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    pub items: Vec<SearchHit>,
    /// Every document that matches and the caller may open.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<SearchQuery, ParamError> {
        SearchQuery::parse(crate::list_query::decode_pairs(q))
    }

    #[test]
    fn a_search_reads_its_parameters_and_says_them_back() {
        let s = parse("q=quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh&direction=incoming&type=quyet_dinh&from=2026-01-01&to=2026-12-31&urgency=urgent&status=in_progress&unit_id=3&page=2").unwrap();
        assert_eq!(s.q, "quyết định");
        assert_eq!(s.folded(), "quyet dinh");
        assert_eq!(s.direction, Some(SearchKind::Incoming));
        assert_eq!(s.unit_id, Some(3));
        assert_eq!(s.list.page, 2);
        assert_eq!(s.list.per_page, DEFAULT_PER_PAGE);
        assert_eq!(s.list.status.as_deref(), Some("in_progress"));
        assert_eq!(parse(&s.to_query()).unwrap(), s);
    }

    #[test]
    fn bad_parameters_are_refused_in_vietnamese() {
        for (q, param) in [
            ("", "q"),
            ("q=++", "q"),
            ("q=a&direction=sideways", "direction"),
            ("q=a&type=XX", "type"),
            ("q=a&from=2026-02-30", "from"),
            ("q=a&from=2026-03-01&to=2026-02-01", "to"),
            ("q=a&urgency=soon", "urgency"),
            ("q=a&status=nope", "status"),
            ("q=a&direction=incoming&status=issued", "status"),
            ("q=a&unit_id=x", "unit_id"),
            ("q=a&page=0", "page"),
            ("q=a&sort=date", "sort"),
            ("q=a&whatever=1", "whatever"),
            ("q=a&q=b", "q"),
        ] {
            let e = parse(q).unwrap_err();
            assert_eq!(e.param, param, "{q}");
            assert!(!e.message.is_empty());
        }
        assert!(parse(&format!("q={}", "a".repeat(201))).is_err());
        // A status of either kind is accepted when no direction is chosen.
        assert!(parse("q=a&status=issued").is_ok());
        assert!(parse("q=a&status=in_progress").is_ok());
    }

    #[test]
    fn highlights_point_at_the_original_characters() {
        let h = SearchHighlights::of("qd", Some("12/QĐ-UBND"), "Quyết định", "Sở Nội vụ");
        assert_eq!(h.number_text, vec![MatchRange { start: 3, end: 5 }]);
        assert!(h.subject.is_empty());
    }
}
