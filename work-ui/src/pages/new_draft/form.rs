//! The draft form's state: its values as typed, kept in the tab and restored, and built into the request the
//! server validates again.

use leptos::prelude::*;
use shared::agency::AgencyCode;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::outgoing::{DraftRequest, ExternalRecipient, SigningCapacity, Subject};
use shared::text::OrganName;

use super::pickers::ExternalRow;
use super::placement;
use crate::components::form::{Errors, fields_of};
use crate::upload::Picked;

/// The form's values, as typed.
#[derive(Clone, Copy)]
pub(super) struct Form {
    pub(super) doc_type: RwSignal<String>,
    pub(super) subject: RwSignal<String>,
    pub(super) urgency: RwSignal<String>,
    pub(super) deadline: RwSignal<String>,
    pub(super) signer: RwSignal<String>,
    pub(super) capacity: RwSignal<String>,
    pub(super) register: RwSignal<String>,
    pub(super) internal: RwSignal<Vec<i64>>,
    pub(super) external: RwSignal<Vec<ExternalRow>>,
    pub(super) paper: RwSignal<String>,
    pub(super) reviewers: RwSignal<Vec<i64>>,
    pub(super) main: RwSignal<Option<Picked>>,
    pub(super) attachments: RwSignal<Vec<Picked>>,
    pub(super) answers: Option<i64>,
    pub(super) answers_incoming: Option<i64>,
    pub(super) boxes: placement::Boxes,
}

impl Form {
    /// The typed choices as JSON (read tracked, so an effect saves on every change): what this tab keeps while
    /// the official works, so leaving the page loses nothing (files are picked again).
    pub(super) fn snapshot(&self) -> String {
        let mut map = serde_json::Map::new();
        for (name, value) in self.typed() {
            map.insert(name.into(), value.get().into());
        }
        map.insert("internal".into(), serde_json::json!(self.internal.get()));
        map.insert("reviewers".into(), serde_json::json!(self.reviewers.get()));
        let external: Vec<(String, String)> = self
            .external
            .get()
            .iter()
            .map(|r| (r.code.get(), r.name.get()))
            .collect();
        map.insert("external".into(), serde_json::json!(external));
        serde_json::Value::Object(map).to_string()
    }

    pub(super) fn typed(&self) -> [(&'static str, RwSignal<String>); 8] {
        [
            ("doc_type", self.doc_type),
            ("subject", self.subject),
            ("urgency", self.urgency),
            ("deadline", self.deadline),
            ("signer", self.signer),
            ("capacity", self.capacity),
            ("register", self.register),
            ("paper", self.paper),
        ]
    }

    /// Puts back what `snapshot` kept (unknown ids are kept too: the pickers show only what they know).
    pub(super) fn restore(&self, json: &str) {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) else {
            return;
        };
        for (name, value) in self.typed() {
            if let Some(v) = map.get(name).and_then(|v| v.as_str()) {
                value.set(v.to_string());
            }
        }
        let ids = |name: &str| -> Vec<i64> {
            map.get(name)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default()
        };
        self.internal.set(ids("internal"));
        self.reviewers.set(ids("reviewers"));
        let external: Vec<(String, String)> = map
            .get("external")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        // Keys far above the picker's own counter, so rows added later never share one.
        self.external.set(
            external
                .into_iter()
                .zip(1_000_000u32..)
                .map(|((code, name), key)| ExternalRow {
                    key,
                    code: RwSignal::new(code),
                    name: RwSignal::new(name),
                })
                .collect(),
        );
    }

    /// The request, or the message of every field that is not right yet.
    pub(super) fn build(&self, drafter: i64) -> Result<DraftRequest, Errors> {
        let mut errors = Errors::new();
        let mut err = |field: &str, message: String| {
            errors.entry(field.to_string()).or_insert(message);
        };
        let doc_type = DocumentType::from_code(&self.doc_type.get_untracked());
        if doc_type.is_none() {
            err("doc_type", "Chọn loại văn bản.".into());
        }
        let subject = Subject::try_from(self.subject.get_untracked())
            .map_err(|e| err("subject", format!("Trích yếu: {e}")))
            .ok();
        let urgency = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == self.urgency.get_untracked());
        let deadline = match self.deadline.get_untracked().trim() {
            "" => None,
            d => CivilDate::parse(d)
                .map_err(|e| err("reply_deadline", e.to_string()))
                .ok(),
        };
        let signer = self.signer.get_untracked().parse::<i64>().ok();
        if signer.is_none() {
            err("signer_id", "Chọn người ký.".into());
        }
        let capacity = SigningCapacity::from_code(&self.capacity.get_untracked());
        let register = self.register.get_untracked().parse::<i64>().ok();
        if register.is_none() {
            err("register_id", "Chọn sổ văn bản đi.".into());
        }
        let mut external = Vec::new();
        for row in self.external.get_untracked() {
            let (code, name) = (row.code.get_untracked(), row.name.get_untracked());
            if code.trim().is_empty() && name.trim().is_empty() {
                continue;
            }
            match (AgencyCode::parse(code.trim()), OrganName::try_from(name)) {
                (Ok(code), Ok(name)) => external.push(ExternalRecipient { code, name }),
                (Err(e), _) => err("external_recipients", format!("{}: {e}", code.trim())),
                (_, Err(e)) => err("external_recipients", format!("Tên cơ quan: {e}")),
            }
        }
        let mut paper = Vec::new();
        for line in self.paper.get_untracked().lines() {
            if line.trim().is_empty() {
                continue;
            }
            match OrganName::try_from(line) {
                Ok(n) => paper.push(n),
                Err(e) => err("paper_recipients", format!("“{}”: {e}", line.trim())),
            }
        }
        let main = match self.main.get_untracked() {
            None => {
                err("main_file", "Chưa chọn tệp văn bản chính (PDF).".into());
                None
            }
            Some(p) => p.file_ref().map_err(|e| err("main_file", e.message())).ok(),
        };
        let mut attachments = Vec::new();
        for p in self.attachments.get_untracked() {
            match p.file_ref() {
                Ok(f) => attachments.push(f),
                Err(e) => err("attachments", e.message()),
            }
        }
        let (
            Some(doc_type),
            Some(subject),
            Some(urgency),
            Some(signer_id),
            Some(signing_capacity),
            Some(register_id),
            Some(main_file),
            true,
        ) = (
            doc_type,
            subject,
            urgency,
            signer,
            capacity,
            register,
            main,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let request = DraftRequest {
            doc_type,
            subject,
            urgency,
            reply_deadline: deadline,
            signer_id,
            signing_capacity,
            register_id,
            answers_delivery_id: self.answers,
            answers_incoming_id: self.answers_incoming,
            internal_recipients: self.internal.get_untracked(),
            external_recipients: external,
            paper_recipients: paper,
            confidentiality: None,
            reviewers: self.reviewers.get_untracked(),
            main_file,
            attachments,
            number_placement: self.boxes.placement(),
        };
        request.validate(drafter).map_err(|e| fields_of(&e))?;
        Ok(request)
    }
}
