//! This instance's facts as edXML packets and back: the document packet of an issued document, the status
//! packet of a step on a document that came by exchange, and what an arrived document packet says in the
//! incoming workflow's terms. No IO; the `edxml` crate writes and reads the XML.

use edxml::{
    Attachment, Code, DocumentPacket, EdDate, EdDateTime, Organization, OtherInfo,
    PromulgationInfo, ResponseFor, SignerInfo, StatusCode, StatusPacket,
};
use shared::document::{DocumentType, Urgency};
use shared::time::Timestamp;

/// The time of Vietnam as edXML writes it (packets carry no zone).
pub fn ed_datetime(ms: i64) -> EdDateTime {
    let c = Timestamp(ms).vn_civil();
    EdDateTime {
        date: EdDate {
            year: c.year as u16,
            month: c.month as u8,
            day: c.day as u8,
        },
        hour: c.hour as u8,
        minute: c.minute as u8,
        second: c.second as u8,
    }
}

/// QCVN 102's DocumentId of a document this instance issued: `<OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>`.
pub fn document_id(organ_id: &str, issued_at_ms: i64, number_text: &str) -> String {
    format!(
        "{organ_id},{},{number_text}",
        ed_datetime(issued_at_ms).date
    )
}

/// An issued document as the exchange sends it.
#[derive(Debug, Clone)]
pub struct IssuedFacts {
    pub organ_id: String,
    pub organ_name: String,
    pub number_text: String,
    pub issued_at: i64,
    pub doc_type: String,
    pub subject: String,
    pub urgency: String,
    pub reply_deadline: Option<String>,
    pub signer_name: String,
    pub signer_position: Option<String>,
    /// The issued version's files, the main document first: (name, SHA-256).
    pub files: Vec<(String, String)>,
}

/// The document packet for the recipients `to` (code, name), with the files' bytes in the order of `facts.files`.
pub fn document_packet(
    facts: &IssuedFacts,
    to: &[(String, String)],
    files: Vec<Vec<u8>>,
) -> DocumentPacket {
    let (number, notation) = facts
        .number_text
        .split_once('/')
        .unwrap_or((facts.number_text.as_str(), ""));
    let doc_type = DocumentType::from_code(&facts.doc_type);
    let urgency = crate::store::common::urgency_of(&facts.urgency).unwrap_or(Urgency::Normal);
    DocumentPacket {
        from: Organization {
            organ_id: facts.organ_id.clone(),
            organ_name: facts.organ_name.clone(),
            ..Default::default()
        },
        to: to
            .iter()
            .map(|(code, name)| Organization {
                organ_id: code.clone(),
                organ_name: name.clone(),
                ..Default::default()
            })
            .collect(),
        document_id: Some(document_id(
            &facts.organ_id,
            facts.issued_at,
            &facts.number_text,
        )),
        code: Code {
            code_number: number.to_string(),
            code_notation: notation.to_string(),
        },
        promulgation: PromulgationInfo {
            place: None,
            promulgation_date: ed_datetime(facts.issued_at).date,
        },
        document_type: edxml::DocumentType {
            doc_type: 1,
            type_detail: None,
            type_name: doc_type.map(|t| t.name().to_string()),
        },
        subject: facts.subject.clone(),
        content: None,
        signer: SignerInfo {
            competence: None,
            position: facts.signer_position.clone(),
            full_name: facts.signer_name.clone(),
        },
        due_date: facts.reply_deadline.as_deref().and_then(EdDate::parse),
        to_places: Vec::new(),
        other: OtherInfo {
            priority: urgency.edxml_priority(),
            page_amount: None,
            ..Default::default()
        },
        steering_type: None,
        response_for: Vec::new(),
        trace: Vec::new(),
        business: None,
        attachments: facts
            .files
            .iter()
            .zip(files)
            .enumerate()
            .map(|(i, ((name, _), data))| Attachment {
                content_id: format!("cid:{}", i + 1),
                name: name.clone(),
                content_type: "application/pdf".into(),
                description: None,
                data,
            })
            .collect(),
        external_attachments: Vec::new(),
    }
}

/// The recall packet (business action 1) of an issued document for the recipients `to`: the document's header,
/// no files, and the trace naming the document and the reason.
pub fn recall_packet(facts: &IssuedFacts, to: &[(String, String)], reason: &str) -> DocumentPacket {
    let mut packet = document_packet(facts, to, Vec::new());
    packet.business = Some(edxml::Business {
        document_id: packet.document_id.clone(),
        action: edxml::BusinessAction::Recall,
        reason: Some(reason.to_string()),
        paper: Some(false),
        staff: None,
        update: None,
        replacements: Vec::new(),
    });
    packet
}

/// The document a status is about, as the receiver knows it.
#[derive(Debug, Clone)]
pub struct StatusFacts {
    /// The agency that sends the status (the receiving agency), code and name.
    pub from: (String, String),
    /// The sender of the document, its số/ký hiệu, date (`YYYY-MM-DD`) and DocumentId.
    pub sender_code: String,
    pub code_text: String,
    pub issued_date: String,
    pub document_id: String,
}

/// The status packet, written as XML.
pub fn status_xml(
    facts: &StatusFacts,
    status: StatusCode,
    description: Option<&str>,
    now_ms: i64,
) -> Result<String, edxml::EdxmlError> {
    edxml::build_status(&StatusPacket {
        from: Organization {
            organ_id: facts.from.0.clone(),
            organ_name: facts.from.1.clone(),
            ..Default::default()
        },
        response_for: ResponseFor {
            organ_id: facts.sender_code.clone(),
            code: facts.code_text.clone(),
            promulgation_date: EdDate::parse(&facts.issued_date),
            document_id: facts.document_id.clone(),
        },
        staff: None,
        status,
        description: Some(
            description
                .map(str::to_string)
                .unwrap_or_else(|| status.label().to_string()),
        ),
        timestamp: ed_datetime(now_ms),
    })
}

/// What an arrived document packet says in the incoming workflow's terms.
#[derive(Debug, Clone)]
pub struct ArrivedFacts {
    pub document_id: String,
    pub code_text: String,
    /// `YYYY-MM-DD`.
    pub issued_date: String,
    /// A `shared::document::DocumentType` code (Công văn when the packet names no known type).
    pub doc_type: String,
    pub subject: String,
    pub urgency: Urgency,
    pub signer_name: Option<String>,
    pub reply_deadline: Option<String>,
}

/// Reads the metadata of a document packet.
pub fn arrived_facts(p: &DocumentPacket) -> ArrivedFacts {
    let date = |d: EdDate| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    let doc_type = p
        .document_type
        .type_name
        .as_deref()
        .and_then(|name| {
            DocumentType::ALL
                .iter()
                .copied()
                .find(|t| t.name().to_lowercase() == name.trim().to_lowercase())
        })
        .unwrap_or(DocumentType::CongVan);
    let code_text = if p.code.code_notation.is_empty() {
        p.code.code_number.clone()
    } else {
        format!("{}/{}", p.code.code_number, p.code.code_notation)
    };
    ArrivedFacts {
        document_id: p.effective_document_id(),
        code_text,
        issued_date: date(p.promulgation.promulgation_date),
        doc_type: doc_type.code().to_string(),
        subject: p.subject.clone(),
        // Priority 4 (hỏa tốc hẹn giờ) is legacy: NĐ 30 knows hỏa tốc.
        urgency: Urgency::ALL[usize::from(p.other.priority.min(3))],
        signer_name: Some(p.signer.full_name.clone()).filter(|n| !n.trim().is_empty()),
        reply_deadline: p.due_date.map(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> IssuedFacts {
        IssuedFacts {
            organ_id: "000.00.01.H62".into(),
            organ_name: "Sở Nội vụ".into(),
            number_text: "15/SNV-TCCB".into(),
            // 2026-03-01 23:30 in Vietnam is still 1 March there.
            issued_at: 1_772_382_600_000,
            doc_type: "cong_van".into(),
            subject: "Về việc báo cáo".into(),
            urgency: "urgent".into(),
            reply_deadline: Some("2026-03-15".into()),
            signer_name: "Lê Văn Hùng".into(),
            signer_position: Some("Phó Giám đốc".into()),
            files: vec![("cv.pdf".into(), "ab".into())],
        }
    }

    #[test]
    fn an_issued_document_reads_back_as_the_same_facts_after_a_round_trip_through_xml() {
        let f = facts();
        let p = document_packet(
            &f,
            &[("000.00.00.G09".into(), "Bộ Nội vụ".into())],
            vec![b"%PDF-1.7".to_vec()],
        );
        let xml = edxml::build_document(&p).unwrap();
        let edxml::Packet::Document(back) = edxml::parse(xml.as_bytes()).unwrap() else {
            panic!("a document packet")
        };
        let a = arrived_facts(&back);
        assert_eq!(a.document_id, "000.00.01.H62,2026/03/01,15/SNV-TCCB");
        assert_eq!(a.code_text, "15/SNV-TCCB");
        assert_eq!(a.issued_date, "2026-03-01");
        assert_eq!(a.doc_type, "cong_van");
        assert_eq!(a.urgency, Urgency::Urgent);
        assert_eq!(a.reply_deadline.as_deref(), Some("2026-03-15"));
        assert_eq!(back.attachments[0].data, b"%PDF-1.7");
    }
}
