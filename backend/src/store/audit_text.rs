//! The audit log read as Vietnamese sentences with the names of people and documents ("Lê Văn Hùng đã ký văn
//! bản 12/QĐ-SNV «Quyết định về …»"), written when entries are read: the page and the CSV export say the same.

use serde_json::Value;
use shared::audit::AuditEntryDto;

/// The sentence of one entry.
pub(crate) fn sentence(e: &AuditEntryDto) -> String {
    let details: Value = serde_json::from_str(&e.details).unwrap_or(Value::Null);
    let text = |key: &str| {
        details
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let who = match (&e.actor_name, e.actor_id, e.actor_username.as_deref()) {
        (Some(name), _, _) => name.clone(),
        // The demo province is written by `vanban seed-demo`, not by a person.
        (None, None, Some(crate::seed::SEED_ACTOR)) => "Hệ thống (dữ liệu mẫu)".to_string(),
        (None, _, Some(username)) => username.to_string(),
        (None, _, None) => "Hệ thống".to_string(),
    };
    let typed = e.actor_username.clone().unwrap_or_default();
    // The document: its number (when it has one) and its subject in guillemets.
    let doc = {
        let subject = e
            .target_name
            .as_deref()
            .map(|s| format!("«{s}»"))
            .unwrap_or_else(|| e.target.clone().unwrap_or_default());
        match text("number") {
            Some(n) => format!("{n} {subject}"),
            None => subject,
        }
    };
    // An account, unit or agency by the name it had then.
    let named = |kind: &str| match (&e.target_name, &e.target) {
        (Some(n), _) => format!("{kind} {n}"),
        (None, Some(t)) => format!(
            "{kind} #{}",
            t.split_once(':').map(|(_, id)| id).unwrap_or(t)
        ),
        (None, None) => kind.to_string(),
    };
    let why = |key: &str| text(key).map(|r| format!(": {r}")).unwrap_or_default();
    let what = match e.action.as_str() {
        "auth.login" => "đã đăng nhập".to_string(),
        "auth.login_failed" => {
            return format!("Đăng nhập thất bại với tên đăng nhập «{typed}»");
        }
        "auth.login_throttled" => {
            return format!("Đăng nhập với tên đăng nhập «{typed}» bị tạm hoãn vì sai nhiều lần");
        }
        "auth.logout" => "đã đăng xuất".to_string(),
        "auth.password_change" => "đã đổi mật khẩu".to_string(),
        "user.create" => format!("đã tạo {}", named("tài khoản")),
        "user.update" => format!("đã sửa {}", named("tài khoản")),
        "user.lock" => format!("đã khóa {}", named("tài khoản")),
        "user.unlock" => format!("đã mở khóa {}", named("tài khoản")),
        "user.password_reset" => format!("đã đặt lại mật khẩu của {}", named("tài khoản")),
        "user.grant_system_admin" => {
            format!("đã cấp quyền quản trị hệ thống cho {}", named("tài khoản"))
        }
        "user.handover" => format!(
            "đã bàn giao công việc của {} cho {}",
            e.target_name.clone().unwrap_or_default(),
            text("to_name").unwrap_or_default()
        ),
        "unit.create" => format!("đã tạo {}", named("đơn vị")),
        "unit.update" => format!("đã sửa {}", named("đơn vị")),
        "agency.create" => format!("đã tạo {}", named("cơ quan")),
        "agency.quota" => format!("đã đặt hạn mức lưu trữ của {}", named("cơ quan")),
        "record_file.create" => format!("đã lập hồ sơ {}", file_named(e, &text)),
        "record_file.add" => format!(
            "đã đưa văn bản {} vào hồ sơ {}",
            text("document").unwrap_or_default(),
            file_named(e, &text)
        ),
        "record_file.move" => format!(
            "đã chuyển văn bản {} đến vị trí {} trong hồ sơ {}",
            text("document").unwrap_or_default(),
            details.get("position").and_then(Value::as_i64).unwrap_or(0),
            file_named(e, &text)
        ),
        "record_file.remove" => format!(
            "đã rút văn bản {} khỏi hồ sơ {}",
            text("document").unwrap_or_default(),
            file_named(e, &text)
        ),
        "record_file.close" => format!("đã đóng hồ sơ {}", file_named(e, &text)),
        "record_file.handover" => format!("đã nộp lưu hồ sơ {}", file_named(e, &text)),
        "certificate.request" => "đã gửi yêu cầu cấp chứng thư số cho khóa ký của mình".to_string(),
        "certificate.bind" => format!(
            "đã đăng ký chứng thư số «{}» (số hiệu {}) cho {}",
            text("subject").unwrap_or_default(),
            text("serial").unwrap_or_default(),
            e.target_name.clone().unwrap_or_default()
        ),
        "certificate.revoke" => format!(
            "đã thu hồi đăng ký chứng thư số «{}» (số hiệu {}) của {}{}",
            text("subject").unwrap_or_default(),
            text("serial").unwrap_or_default(),
            e.target_name.clone().unwrap_or_default(),
            why("reason")
        ),
        "delegation.create" => format!("đã ủy quyền công việc của {}", named("tài khoản")),
        "delegation.revoke" => format!("đã thu hồi ủy quyền của {}", named("tài khoản")),
        "outgoing.create" => format!("đã tạo dự thảo {doc}"),
        "outgoing.edit" => format!("đã sửa thông tin dự thảo {doc}"),
        "outgoing.new_version" => match details.get("version").and_then(Value::as_i64) {
            Some(v) => format!("đã cập nhật dự thảo {doc} (phiên bản {v})"),
            None => format!("đã cập nhật dự thảo {doc}"),
        },
        "outgoing.submit" => {
            if details.get("resubmitted").and_then(Value::as_bool) == Some(true) {
                format!("đã trình lại dự thảo {doc}")
            } else {
                format!("đã trình dự thảo {doc}")
            }
        }
        "outgoing.approve" => format!("đã duyệt dự thảo {doc}"),
        "outgoing.return" => format!("đã trả lại dự thảo {doc}{}", why("comment")),
        "outgoing.forward" => format!("đã chuyển tiếp dự thảo {doc}"),
        "outgoing.sign" => format!("đã ký văn bản {doc}"),
        "outgoing.number_reserve" => format!(
            "đã giữ số {} cho văn bản {doc}",
            text("number_text").unwrap_or_default()
        ),
        "outgoing.number_release" => format!("đã trả lại số đã giữ của văn bản {doc}"),
        "outgoing.issue" => format!("đã phát hành văn bản {doc}"),
        "outgoing.archive_timestamp" => {
            format!("đã gia hạn dấu thời gian lưu trữ (PAdES B-LTA) cho văn bản {doc}")
        }
        "outgoing.recall" => format!("đã thu hồi văn bản {doc}{}", why("reason")),
        "outgoing.recall_answer" | "incoming.recall_answer" => {
            if details.get("agree").and_then(Value::as_bool) == Some(true) {
                format!("đã đồng ý thu hồi văn bản {doc}")
            } else {
                format!("đã từ chối thu hồi văn bản {doc}{}", why("reason"))
            }
        }
        "incoming.create" => format!("đã tiếp nhận văn bản đến {doc}"),
        "incoming.exchange_arrival" => format!("đã chuyển đến văn bản {doc}"),
        "incoming.exchange_recall" => format!("đã yêu cầu thu hồi văn bản {doc}{}", why("reason")),
        "incoming.exchange_update" => format!("đã cập nhật thông tin văn bản {doc}"),
        "incoming.exchange_replaced" => format!("đã thay thế văn bản {doc} bằng văn bản khác"),
        "incoming.accept" => match details.get("arrival_number").and_then(Value::as_i64) {
            Some(n) => format!("đã vào sổ văn bản đến {doc} (số đến {n})"),
            None => format!("đã vào sổ văn bản đến {doc}"),
        },
        "incoming.return" => format!("đã trả lại nơi gửi văn bản đến {doc}{}", why("reason")),
        "incoming.forward" => format!("đã trình lãnh đạo văn bản đến {doc}"),
        "incoming.assign" => format!("đã phân công xử lý văn bản đến {doc}"),
        "incoming.assign_in_unit" => format!("đã phân công trong đơn vị văn bản đến {doc}"),
        "incoming.note" => format!("đã ghi nhận đã đọc văn bản đến {doc}"),
        "incoming.report" => format!("đã báo cáo kết quả xử lý văn bản đến {doc}"),
        "incoming.file" => format!("đã đưa vào hồ sơ văn bản đến {doc}"),
        "incoming.complete" => format!("đã hoàn thành xử lý văn bản đến {doc}"),
        "incoming.urge" => format!("đã đôn đốc xử lý văn bản đến {doc}"),
        "incoming.close" => format!("đã kết thúc xử lý văn bản đến {doc}{}", why("reason")),
        other => format!(
            "{} {}",
            shared::audit::action_label(other).to_lowercase(),
            e.target_name
                .clone()
                .or_else(|| e.target.clone())
                .unwrap_or_default()
        )
        .trim_end()
        .to_string(),
    };
    format!("{who} {what}")
}

/// A record file as an entry names it: its code and its title as they were then.
fn file_named(e: &AuditEntryDto, text: &dyn Fn(&str) -> Option<String>) -> String {
    let title = e
        .target_name
        .as_deref()
        .map(|t| format!(" «{t}»"))
        .unwrap_or_default();
    format!("{}{title}", text("code").unwrap_or_default())
}
