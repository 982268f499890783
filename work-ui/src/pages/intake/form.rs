//! The intake form's state: its values as typed, kept in the tab and restored, filled from what the main
//! file's text layer says, and built into the request the server validates again.

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{IncomingChannel, NewIncomingRequest, PrefillDto};
use shared::time::Timestamp;

use super::CHANNELS;
use crate::components::form::{Errors, fields_of};
use crate::upload::Picked;

/// The form's values, as typed.
#[derive(Clone, Copy)]
pub(super) struct Form {
    pub(super) channel: RwSignal<IncomingChannel>,
    pub(super) sender_name: RwSignal<String>,
    pub(super) sender_code: RwSignal<String>,
    pub(super) code_text: RwSignal<String>,
    pub(super) issued_date: RwSignal<String>,
    pub(super) doc_type: RwSignal<String>,
    pub(super) subject: RwSignal<String>,
    pub(super) urgency: RwSignal<String>,
    pub(super) signer_name: RwSignal<String>,
    pub(super) reply_deadline: RwSignal<String>,
    pub(super) declared_attachments: RwSignal<String>,
    pub(super) declared_pages: RwSignal<String>,
    pub(super) backfilled: RwSignal<bool>,
    pub(super) arrival: RwSignal<String>,
    pub(super) note: RwSignal<String>,
    pub(super) main: RwSignal<Option<Picked>>,
    pub(super) attachments: RwSignal<Vec<Picked>>,
}

fn optional(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked().trim().to_string()).filter(|t| !t.is_empty())
}

impl Form {
    pub(super) fn new() -> Self {
        Self {
            channel: RwSignal::new(IncomingChannel::Email),
            sender_name: RwSignal::new(String::new()),
            sender_code: RwSignal::new(String::new()),
            code_text: RwSignal::new(String::new()),
            issued_date: RwSignal::new(String::new()),
            doc_type: RwSignal::new(DocumentType::CongVan.code().into()),
            subject: RwSignal::new(String::new()),
            urgency: RwSignal::new(format!("{:?}", Urgency::Normal)),
            signer_name: RwSignal::new(String::new()),
            reply_deadline: RwSignal::new(String::new()),
            declared_attachments: RwSignal::new(String::new()),
            declared_pages: RwSignal::new(String::new()),
            backfilled: RwSignal::new(false),
            arrival: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
            main: RwSignal::new(None),
            attachments: RwSignal::new(Vec::new()),
        }
    }

    /// The typed fields by name: what this tab keeps while the clerk works, so leaving the page by mistake
    /// loses nothing (files are not kept: they are picked again).
    pub(super) fn typed(&self) -> [(&'static str, RwSignal<String>); 13] {
        [
            ("sender_name", self.sender_name),
            ("sender_code", self.sender_code),
            ("code_text", self.code_text),
            ("issued_date", self.issued_date),
            ("doc_type", self.doc_type),
            ("subject", self.subject),
            ("urgency", self.urgency),
            ("signer_name", self.signer_name),
            ("reply_deadline", self.reply_deadline),
            ("declared_attachments", self.declared_attachments),
            ("declared_pages", self.declared_pages),
            ("arrival", self.arrival),
            ("note", self.note),
        ]
    }

    /// The typed values as JSON (read tracked, so an effect saves on every change).
    pub(super) fn snapshot(&self) -> String {
        let mut map = serde_json::Map::new();
        for (name, value) in self.typed() {
            map.insert(name.into(), value.get().into());
        }
        map.insert("channel".into(), self.channel.get().code().into());
        map.insert("backfilled".into(), self.backfilled.get().into());
        serde_json::Value::Object(map).to_string()
    }

    /// Puts back what `snapshot` kept.
    pub(super) fn restore(&self, json: &str) {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) else {
            return;
        };
        for (name, value) in self.typed() {
            if let Some(v) = map.get(name).and_then(|v| v.as_str()) {
                value.set(v.to_string());
            }
        }
        if let Some(c) = map
            .get("channel")
            .and_then(|c| c.as_str())
            .and_then(IncomingChannel::from_code)
            .filter(|c| CHANNELS.contains(c))
        {
            self.channel.set(c);
        }
        self.backfilled
            .set(map.get("backfilled").and_then(|b| b.as_bool()) == Some(true));
    }

    /// Fills the fields still empty from what the text layer suggested; says whether any text was filled.
    pub(super) fn prefill(&self, p: &PrefillDto) -> bool {
        let mut filled = false;
        let mut put = |field: RwSignal<String>, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.trim().is_empty())
                && field.with_untracked(|f| f.trim().is_empty())
            {
                field.set(v);
                filled = true;
            }
        };
        put(self.sender_name, p.sender_name.clone());
        put(self.code_text, p.code_text.clone());
        put(self.issued_date, p.issued_date.map(|d| d.to_string()));
        put(self.subject, p.subject.clone());
        put(self.signer_name, p.signer_name.clone());

        if let Some(t) = p.doc_type
            && self.doc_type.get_untracked() == DocumentType::CongVan.code()
            && t != DocumentType::CongVan
        {
            self.doc_type.set(t.code().into());
            filled = true;
        }
        // The page count is what was received, not what was read: filled in, but no reason for the note.
        if let Some(n) = p.pages
            && self.declared_pages.with_untracked(|f| f.trim().is_empty())
        {
            self.declared_pages.set(n.to_string());
        }
        filled
    }

    /// The request with `main_sha` as the main file (the sealed scan for paper), or every field's message.
    pub(super) fn build(&self, main_sha: Option<String>) -> Result<NewIncomingRequest, Errors> {
        let mut errors = Errors::new();
        let mut err = |field: &str, message: String| {
            errors.entry(field.to_string()).or_insert(message);
        };
        let sender_name = self
            .sender_name
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("sender_name", format!("Cơ quan gửi: {e}")))
            .ok();
        let code_text = self
            .code_text
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("code_text", format!("Số, ký hiệu: {e}")))
            .ok();
        let issued_date = CivilDate::parse(self.issued_date.get_untracked().trim())
            .map_err(|e| err("issued_date", e.to_string()))
            .ok();
        let doc_type = DocumentType::from_code(&self.doc_type.get_untracked());
        if doc_type.is_none() {
            err("doc_type", "Chọn loại văn bản.".into());
        }
        let subject = self
            .subject
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("subject", format!("Trích yếu: {e}")))
            .ok();
        let urgency = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == self.urgency.get_untracked());
        let signer_name = match optional(self.signer_name) {
            None => None,
            Some(s) => s
                .as_str()
                .try_into()
                .map_err(|e| err("signer_name", format!("Người ký: {e}")))
                .ok(),
        };
        let reply_deadline = match optional(self.reply_deadline) {
            None => None,
            Some(d) => CivilDate::parse(&d)
                .map_err(|e| err("reply_deadline", e.to_string()))
                .ok(),
        };
        let mut count = |field: &'static str, s: RwSignal<String>| match optional(s) {
            None => None,
            Some(n) => n
                .parse::<u32>()
                .map_err(|_| err(field, "Nhập một số nguyên không âm.".into()))
                .ok(),
        };
        let declared_attachments = count("declared_attachments", self.declared_attachments);
        let declared_pages = count("declared_pages", self.declared_pages);
        let backfilled_arrival = if self.backfilled.get_untracked() {
            match optional(self.arrival) {
                None => {
                    err(
                        "backfilled_arrival",
                        "Nhập ngày giờ văn bản đến thực tế.".into(),
                    );
                    None
                }
                // `datetime-local` gives `2026-11-26T08:30`: a time in Vietnam.
                Some(t) => {
                    let iso = if t.len() == 16 {
                        format!("{t}:00+07:00")
                    } else {
                        format!("{t}+07:00")
                    };
                    Timestamp::parse_iso(&iso)
                        .map_err(|_| err("backfilled_arrival", "Ngày giờ không hợp lệ.".into()))
                        .ok()
                }
            }
        } else {
            None
        };
        let main = match self.main.get_untracked() {
            None => {
                err("main_file", "Chưa chọn tệp văn bản (PDF).".into());
                None
            }
            Some(p) => match p.file_ref() {
                Ok(mut f) => {
                    if let Some(sha) = main_sha {
                        f.sha256 = sha;
                    }
                    Some(f)
                }
                Err(e) => {
                    err("main_file", e.message());
                    None
                }
            },
        };
        let mut attachments = Vec::new();
        for p in self.attachments.get_untracked() {
            match p.file_ref() {
                Ok(f) => attachments.push(f),
                Err(e) => err("attachments", e.message()),
            }
        }
        let (
            Some(sender_name),
            Some(code_text),
            Some(issued_date),
            Some(doc_type),
            Some(subject),
            Some(urgency),
            Some(main_file),
            true,
        ) = (
            sender_name,
            code_text,
            issued_date,
            doc_type,
            subject,
            urgency,
            main,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let request = NewIncomingRequest {
            channel: self.channel.get_untracked(),
            sender_name,
            sender_code: optional(self.sender_code),
            code_text,
            issued_date,
            doc_type,
            subject,
            urgency,
            signer_name,
            reply_deadline,
            declared_attachments,
            declared_pages,
            main_file,
            attachments,
            backfilled_arrival,
            note: optional(self.note),
        };
        request
            .validate(Timestamp(js_sys::Date::now() as i64))
            .map_err(|e| fields_of(&e))?;
        Ok(request)
    }
}
