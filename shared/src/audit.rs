//! The append-only, hash-chained audit log: who did what, when, from which address.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// One entry of the audit log as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryDto {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened.
    pub at: Timestamp,
    /// The account that acted (`None` for a failed sign-in with an unknown name, or the system itself).
    pub actor_id: Option<i64>,
    /// The name typed or the account's username, as it was at that moment.
    pub actor_username: Option<String>,
    /// The agency the action concerns, when there is one.
    pub agency_id: Option<i64>,
    /// A stable action code, e.g. `user.create`, `auth.login_failed`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::audit_action))]
    pub action: String,
    /// What was acted on, e.g. `user:17`.
    pub target: Option<String>,
    /// A readable name of what was acted on, as it was then (username, unit or agency name).
    pub target_name: Option<String>,
    /// Details as JSON text (never secrets).
    pub details: String,
    /// The client address the request came from.
    pub client_addr: Option<String>,
    /// Hex SHA-256 of this entry chained to the previous one.
    pub hash: String,
    /// The acting account's full name today (read beside the entry, not part of the chain).
    #[serde(default)]
    pub actor_name: Option<String>,
    /// The entry as a Vietnamese sentence with the names of people and documents, e.g. "Lê Văn Hùng đã ký văn
    /// bản 12/QĐ-SNV «Quyết định về …»" (written by the server when reading, not part of the chain).
    #[serde(default)]
    pub sentence: String,
}

/// `GET /api/audit` answer, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditListResponse {
    pub entries: Vec<AuditEntryDto>,
    /// How many entries match the filters (all pages).
    #[serde(default)]
    pub total: i64,
    /// The page answered, from 1.
    #[serde(default = "crate::list_query::first_page")]
    pub page: u32,
    /// Entries per page.
    #[serde(default = "crate::list_query::default_per_page")]
    pub per_page: u32,
}

/// Every action code the log writes, with its Vietnamese name, in the order the audit page offers them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("outgoing.create", "Tạo dự thảo"),
    ("outgoing.new_version", "Cập nhật dự thảo"),
    ("outgoing.edit", "Sửa thông tin dự thảo"),
    ("outgoing.submit", "Trình duyệt"),
    ("outgoing.approve", "Duyệt dự thảo"),
    ("outgoing.return", "Trả lại dự thảo"),
    ("outgoing.forward", "Chuyển tiếp dự thảo"),
    ("outgoing.sign", "Ký số"),
    ("outgoing.number_reserve", "Giữ số"),
    ("outgoing.number_release", "Trả số đã giữ"),
    ("outgoing.issue", "Phát hành"),
    (
        "outgoing.archive_timestamp",
        "Gia hạn dấu thời gian lưu trữ",
    ),
    ("outgoing.recall", "Thu hồi văn bản đi"),
    (
        "outgoing.recall_answer",
        "Trả lời yêu cầu thu hồi (văn bản đi)",
    ),
    ("incoming.create", "Tiếp nhận văn bản đến"),
    (
        "incoming.exchange_arrival",
        "Văn bản đến qua trục liên thông",
    ),
    (
        "incoming.exchange_recall",
        "Nơi gửi yêu cầu thu hồi qua trục liên thông",
    ),
    (
        "incoming.exchange_update",
        "Nơi gửi cập nhật văn bản qua trục liên thông",
    ),
    (
        "incoming.exchange_replaced",
        "Văn bản đến được thay thế qua trục liên thông",
    ),
    ("exchange.peer_save", "Lưu kết nối liên thông"),
    ("exchange.retry", "Gửi lại gói tin liên thông"),
    ("incoming.accept", "Vào sổ văn bản đến"),
    ("incoming.return", "Trả lại văn bản đến"),
    ("incoming.forward", "Trình lãnh đạo"),
    ("incoming.assign", "Phân công xử lý"),
    ("incoming.assign_in_unit", "Phân công trong đơn vị"),
    ("incoming.note", "Ghi nhận đã đọc"),
    ("incoming.report", "Báo cáo kết quả"),
    ("incoming.file", "Đưa vào hồ sơ"),
    ("incoming.complete", "Hoàn thành xử lý"),
    ("incoming.urge", "Đôn đốc"),
    ("incoming.close", "Kết thúc xử lý"),
    ("incoming.recall_answer", "Trả lời yêu cầu thu hồi"),
    ("record_file.create", "Lập hồ sơ"),
    ("record_file.add", "Đưa văn bản vào hồ sơ"),
    ("record_file.move", "Sắp xếp văn bản trong hồ sơ"),
    ("record_file.remove", "Rút văn bản khỏi hồ sơ"),
    ("record_file.close", "Đóng hồ sơ"),
    ("record_file.handover", "Nộp lưu hồ sơ"),
    ("delegation.create", "Ủy quyền"),
    ("delegation.revoke", "Thu hồi ủy quyền"),
    ("user.handover", "Bàn giao công việc"),
    ("auth.login", "Đăng nhập"),
    ("auth.login_failed", "Đăng nhập thất bại"),
    ("auth.login_throttled", "Đăng nhập bị tạm hoãn"),
    ("auth.logout", "Đăng xuất"),
    ("auth.password_change", "Đổi mật khẩu"),
    ("user.create", "Tạo tài khoản"),
    ("user.update", "Sửa tài khoản"),
    ("user.lock", "Khóa tài khoản"),
    ("user.unlock", "Mở khóa tài khoản"),
    ("user.password_reset", "Đặt lại mật khẩu"),
    ("user.grant_system_admin", "Cấp quyền quản trị hệ thống"),
    ("unit.create", "Tạo đơn vị"),
    ("unit.update", "Sửa đơn vị"),
    ("agency.create", "Tạo cơ quan"),
    ("agency.quota", "Đặt hạn mức lưu trữ"),
];

/// Families of actions the `action` filter also takes (every code starting with `<family>.`), with their names.
pub const ACTION_FAMILIES: &[(&str, &str)] = &[
    ("outgoing", "Mọi thao tác trên văn bản đi"),
    ("incoming", "Mọi thao tác trên văn bản đến"),
    ("auth", "Mọi thao tác đăng nhập"),
    ("user", "Mọi thao tác trên tài khoản"),
    ("unit", "Mọi thao tác trên đơn vị"),
    ("agency", "Mọi thao tác trên cơ quan"),
    ("delegation", "Mọi thao tác ủy quyền"),
    ("record_file", "Mọi thao tác trên hồ sơ"),
];

/// The Vietnamese name of an action code (the code itself when it is not known).
pub fn action_label(code: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

/// Lines per page of the audit log when the address does not say.
pub const DEFAULT_PER_PAGE: u32 = 50;

/// The filters and page of `GET /api/audit` and `GET /api/audit/export.csv`, parsed once here so the browser
/// (which keeps them in the page's address and builds the CSV link) and the server agree.
///
/// Parameters (all optional; an empty value is no value): `agency_id`, `actor_id` (an account), `actor` (part
/// of the acting person's name or username, without regard to accents or case), `action` (an action code of
/// [`ACTIONS`] or a family of [`ACTION_FAMILIES`]), `target` (exactly, e.g. `outgoing:12`, `record_file:3`), `document` (part of a
/// document's number or subject, ASCII letters without regard to case), `from`, `to` (`YYYY-MM-DD`, the day in
/// Vietnam, both included), `page` (from 1), `per_page` (1–200, default 50; `limit` is the same), `before_seq`
/// (only entries older than this sequence number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub agency_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub document: Option<String>,
    pub from: Option<crate::civil_date::CivilDate>,
    pub to: Option<crate::civil_date::CivilDate>,
    pub before_seq: Option<i64>,
    pub page: u32,
    pub per_page: u32,
}

impl Default for AuditQuery {
    fn default() -> Self {
        Self {
            agency_id: None,
            actor_id: None,
            actor: None,
            action: None,
            target: None,
            document: None,
            from: None,
            to: None,
            before_seq: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

fn refuse(param: &str, message: impl Into<String>) -> crate::list_query::ParamError {
    crate::list_query::ParamError {
        param: param.to_string(),
        message: message.into(),
    }
}

impl AuditQuery {
    /// Reads the decoded `(name, value)` pairs of an address; an unknown name or a bad value is refused with
    /// its name.
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, crate::list_query::ParamError> {
        let mut q = Self::default();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in pairs {
            let (key, value) = (k.as_ref(), v.as_ref().trim());
            if seen.iter().any(|s| s == key) {
                return Err(refuse(key, format!("Tham số “{key}” chỉ được có một lần.")));
            }
            seen.push(key.to_string());
            let id = |name: &str| {
                value.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| {
                    refuse(name, format!("Tham số “{name}” phải là một mã số dương."))
                })
            };
            let text = |name: &str| {
                if value.chars().count() > 200 {
                    Err(refuse(name, format!("Tham số “{name}” dài quá 200 ký tự.")))
                } else {
                    Ok(value.to_string())
                }
            };
            if !matches!(
                key,
                "agency_id"
                    | "actor_id"
                    | "actor"
                    | "action"
                    | "target"
                    | "document"
                    | "from"
                    | "to"
                    | "before_seq"
                    | "page"
                    | "per_page"
                    | "limit"
            ) {
                return Err(refuse(
                    key,
                    format!("Tham số “{key}” không dùng được ở nhật ký."),
                ));
            }
            if value.is_empty() {
                continue;
            }
            match key {
                "agency_id" => q.agency_id = Some(id(key)?),
                "actor_id" => q.actor_id = Some(id(key)?),
                "before_seq" => q.before_seq = Some(id(key)?),
                "actor" => q.actor = Some(text(key)?),
                "document" => q.document = Some(text(key)?),
                "target" => {
                    let ok = value.split_once(':').is_some_and(|(kind, id)| {
                        !kind.is_empty()
                            && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                            && id.parse::<i64>().is_ok()
                    });
                    if !ok {
                        return Err(refuse(
                            "target",
                            "Tham số “target” phải có dạng loại:mã số, vd. outgoing:12.",
                        ));
                    }
                    q.target = Some(value.to_string());
                }
                "action" => {
                    let known = ACTIONS.iter().any(|(c, _)| *c == value)
                        || ACTION_FAMILIES.iter().any(|(c, _)| *c == value);
                    if !known {
                        return Err(refuse(
                            "action",
                            "Tham số “action”: không có thao tác này trong nhật ký.",
                        ));
                    }
                    q.action = Some(value.to_string());
                }
                "from" | "to" => {
                    let d = crate::civil_date::CivilDate::parse(value).map_err(|_| {
                        refuse(
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
                "page" => {
                    q.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=crate::list_query::MAX_PAGE).contains(p))
                        .ok_or_else(|| {
                            refuse(
                                "page",
                                format!(
                                    "Tham số “page” phải là số trang từ 1 đến {}.",
                                    crate::list_query::MAX_PAGE
                                ),
                            )
                        })?
                }
                _ => {
                    if seen.iter().any(|s| s == "per_page") && seen.iter().any(|s| s == "limit") {
                        return Err(refuse(key, "Chỉ dùng một trong “per_page” và “limit”."));
                    }
                    q.per_page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=crate::list_query::MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| {
                            refuse(
                                key,
                                format!(
                                    "Tham số “{key}” phải là số dòng mỗi trang, từ 1 đến {}.",
                                    crate::list_query::MAX_PER_PAGE
                                ),
                            )
                        })?
                }
            }
        }
        if let (Some(f), Some(t)) = (q.from, q.to)
            && t < f
        {
            return Err(refuse(
                "to",
                "Tham số “to”: ngày cuối phải bằng hoặc sau ngày đầu (“from”).",
            ));
        }
        Ok(q)
    }

    /// The `(name, value)` pairs that say this query's filters (page and size included only when `paged`).
    pub fn to_pairs(&self, paged: bool) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                out.push((k, v));
            }
        };
        push("agency_id", self.agency_id.map(|v| v.to_string()));
        push("actor_id", self.actor_id.map(|v| v.to_string()));
        push("actor", self.actor.clone());
        push("action", self.action.clone());
        push("target", self.target.clone());
        push("document", self.document.clone());
        push("from", self.from.map(|d| d.to_string()));
        push("to", self.to.map(|d| d.to_string()));
        push("before_seq", self.before_seq.map(|v| v.to_string()));
        if paged {
            push("page", (self.page != 1).then(|| self.page.to_string()));
            push(
                "per_page",
                (self.per_page != DEFAULT_PER_PAGE).then(|| self.per_page.to_string()),
            );
        }
        out
    }

    /// The pairs percent-encoded and joined with `&` (no leading `?`).
    pub fn to_query(&self, paged: bool) -> String {
        crate::list_query::encode_pairs(self.to_pairs(paged).iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// Entries skipped before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    /// The first instant of `from` in Vietnam, ms.
    pub fn from_ms(&self) -> Option<i64> {
        self.from.map(day_start_ms)
    }

    /// The first instant after `to` in Vietnam, ms.
    pub fn to_end_ms(&self) -> Option<i64> {
        self.to.map(|d| day_start_ms(d) + 86_400_000)
    }
}

fn day_start_ms(d: crate::civil_date::CivilDate) -> i64 {
    Timestamp::parse_iso(&format!("{d}T00:00:00+07:00"))
        .map(|t| t.0)
        .unwrap_or(0)
}

/// The columns of `GET /api/audit/export.csv`, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "Số thứ tự",
    "Thời gian",
    "Người thực hiện",
    "Tên đăng nhập",
    "Thao tác",
    "Mã thao tác",
    "Nội dung",
    "Đối tượng",
    "Tên đối tượng",
    "Chi tiết",
    "Địa chỉ máy",
    "Mã băm",
];

/// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, with quotes doubled; a cell that
/// a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a
/// leading apostrophe first.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One CSV line of cells, ended by CRLF.
pub fn csv_line<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut line = cells
        .into_iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_code_has_one_vietnamese_name() {
        for (i, (code, label)) in ACTIONS.iter().enumerate() {
            assert!(code.contains('.'), "{code}");
            assert!(!label.is_empty());
            assert!(
                !ACTIONS[i + 1..].iter().any(|(c, _)| c == code),
                "{code} twice"
            );
            assert_eq!(action_label(code), *label);
        }
        assert_eq!(action_label("khong.co"), "khong.co");
    }

    #[test]
    fn a_cell_that_would_run_as_a_formula_is_defused_and_quoting_follows_rfc_4180() {
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+84"), "'+84");
        assert_eq!(csv_cell("-3"), "'-3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("nói \"không\""), "\"nói \"\"không\"\"\"");
        assert_eq!(csv_cell("dòng 1\ndòng 2"), "\"dòng 1\ndòng 2\"");
        assert_eq!(csv_cell("=a,b"), "\"'=a,b\"");
        assert_eq!(csv_line(["a", "b c"]), "a,b c\r\n");
    }

    #[test]
    fn the_query_reads_what_it_writes_and_names_a_bad_parameter() {
        let pairs = [
            ("actor", "Hùng"),
            ("action", "outgoing.sign"),
            ("document", "12/QĐ"),
            ("from", "2026-12-01"),
            ("to", "2026-12-31"),
            ("page", "2"),
        ];
        let q = AuditQuery::parse(pairs).unwrap();
        assert_eq!(q.action.as_deref(), Some("outgoing.sign"));
        assert_eq!(q.page, 2);
        let again = AuditQuery::parse(crate::list_query::decode_pairs(&q.to_query(true))).unwrap();
        assert_eq!(again, q);
        assert!(!q.to_query(false).contains("page"));
        assert_eq!(
            AuditQuery::parse([("action", "outgoing")])
                .unwrap()
                .action
                .as_deref(),
            Some("outgoing")
        );
        for (k, v) in [
            ("action", "outgoing.fly"),
            ("from", "2026-02-30"),
            ("per_page", "0"),
            ("target", "outgoing"),
            ("actor_id", "x"),
            ("nope", "1"),
        ] {
            assert_eq!(AuditQuery::parse([(k, v)]).unwrap_err().param, k);
        }
        let err = AuditQuery::parse([("from", "2026-12-02"), ("to", "2026-12-01")]).unwrap_err();
        assert_eq!(err.param, "to");
    }
}
