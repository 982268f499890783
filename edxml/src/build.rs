//! Writing packets strictly and canonically: the VPCP SDK envelope, every element under the declared `edXML`
//! prefix, dates as `yyyy/MM/dd`, the elements the Bkav validator insists on present even when empty, attachments
//! as plain files (never zipped: the receiver wants the file, and zipping adds nothing to a PDF), base64 on one
//! line written straight into the output.

use std::fmt::Write as _;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::EdxmlError;
use crate::model::*;
use crate::parse::NAMESPACE;

/// Writes a packet of either kind.
pub fn build(packet: &Packet) -> Result<String, EdxmlError> {
    match packet {
        Packet::Document(d) => build_document(d),
        Packet::Status(s) => build_status(s),
    }
}

struct Xml {
    out: String,
}

impl Xml {
    fn new(capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self { out }
    }

    fn open(&mut self, name: &str) {
        let _ = write!(self.out, "<edXML:{name}>");
    }

    fn close(&mut self, name: &str) {
        let _ = write!(self.out, "</edXML:{name}>");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        if text.is_empty() {
            let _ = write!(self.out, "<edXML:{name}/>");
        } else {
            self.open(name);
            escape_into(&mut self.out, text);
            self.close(name);
        }
    }

    fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }

    /// Present even when empty (required tags of the Bkav validator).
    fn tag(&mut self, name: &str, text: Option<&str>) {
        self.leaf(name, text.unwrap_or(""));
    }
}

/// Text as XML character data. Characters XML 1.0 cannot carry (most C0 controls) become U+FFFD; a carriage
/// return is written as a reference so that a parser's line-end normalisation keeps it.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

fn required(value: &str, path: &str) -> Result<(), EdxmlError> {
    if value.trim().is_empty() {
        Err(EdxmlError::Missing(path.to_string()))
    } else {
        Ok(())
    }
}

fn organization(x: &mut Xml, name: &str, o: &Organization) {
    x.open(name);
    x.leaf("OrganId", &o.organ_id);
    x.opt("OrganizationInCharge", o.organization_in_charge.as_deref());
    x.leaf("OrganName", &o.organ_name);
    x.tag("OrganAdd", o.organ_add.as_deref());
    x.tag("Email", o.email.as_deref());
    x.tag("Telephone", o.telephone.as_deref());
    x.tag("Fax", o.fax.as_deref());
    x.tag("Website", o.website.as_deref());
    x.close(name);
}

fn staff(x: &mut Xml, s: &StaffInfo) {
    x.open("StaffInfo");
    x.tag("Department", s.department.as_deref());
    x.tag("Staff", s.staff.as_deref());
    x.tag("Mobile", s.mobile.as_deref());
    x.tag("Email", s.email.as_deref());
    x.close("StaffInfo");
}

fn response_for(x: &mut Xml, r: &ResponseFor) {
    x.open("ResponseFor");
    x.leaf("OrganId", &r.organ_id);
    x.leaf("Code", &r.code);
    x.opt(
        "PromulgationDate",
        r.promulgation_date.map(|d| d.to_string()).as_deref(),
    );
    x.leaf("DocumentId", &r.document_id);
    x.close("ResponseFor");
}

fn envelope_start(x: &mut Xml) {
    let _ = write!(x.out, "<edXML:edXML xmlns:edXML=\"{NAMESPACE}\">");
    x.open("edXMLEnvelope");
    x.open("edXMLHeader");
}

/// Writes a document packet; refuses one that lacks what QCVN 102 requires.
pub fn build_document(d: &DocumentPacket) -> Result<String, EdxmlError> {
    required(&d.from.organ_id, "MessageHeader/From/OrganId")?;
    if d.to.is_empty() {
        return Err(EdxmlError::Missing("MessageHeader/To".into()));
    }
    for (i, t) in d.to.iter().enumerate() {
        required(&t.organ_id, &format!("MessageHeader/To[{}]/OrganId", i + 1))?;
        if d.to[..i].iter().any(|o| o.organ_id == t.organ_id) {
            return Err(EdxmlError::Invalid {
                path: "MessageHeader/To/OrganId".into(),
                value: t.organ_id.clone(),
                expected: "mỗi cơ quan nhận chỉ một lần",
            });
        }
    }
    required(&d.code.code_number, "MessageHeader/Code/CodeNumber")?;
    required(&d.code.code_notation, "MessageHeader/Code/CodeNotation")?;
    required(&d.subject, "MessageHeader/Subject")?;
    required(&d.signer.full_name, "MessageHeader/SignerInfo/FullName")?;
    for a in &d.attachments {
        required(&a.content_id, "AttachmentEncoded/Attachment/ContentId")?;
    }
    let payload: usize = d.attachments.iter().map(|a| a.data.len() / 3 * 4 + 4).sum();
    let mut x = Xml::new(4096 + payload);
    envelope_start(&mut x);
    x.open("MessageHeader");
    organization(&mut x, "From", &d.from);
    for t in &d.to {
        organization(&mut x, "To", t);
    }
    x.opt("DocumentId", d.document_id.as_deref());
    x.open("Code");
    x.leaf("CodeNumber", &d.code.code_number);
    x.leaf("CodeNotation", &d.code.code_notation);
    x.close("Code");
    x.open("PromulgationInfo");
    x.tag("Place", d.promulgation.place.as_deref());
    x.leaf(
        "PromulgationDate",
        &d.promulgation.promulgation_date.to_string(),
    );
    x.close("PromulgationInfo");
    x.open("DocumentType");
    x.leaf("Type", &d.document_type.doc_type.to_string());
    x.opt(
        "TypeDetail",
        d.document_type
            .type_detail
            .map(|t| t.to_string())
            .as_deref(),
    );
    x.tag("TypeName", d.document_type.type_name.as_deref());
    x.close("DocumentType");
    x.leaf("Subject", &d.subject);
    x.tag("Content", d.content.as_deref());
    x.open("SignerInfo");
    x.tag("Competence", d.signer.competence.as_deref());
    x.tag("Position", d.signer.position.as_deref());
    x.leaf("FullName", &d.signer.full_name);
    x.close("SignerInfo");
    x.tag("DueDate", d.due_date.map(|t| t.to_string()).as_deref());
    x.open("ToPlaces");
    for p in &d.to_places {
        x.leaf("Place", p);
    }
    x.close("ToPlaces");
    let o = &d.other;
    x.open("OtherInfo");
    x.leaf("Priority", &o.priority.to_string());
    x.tag("SphereOfPromulgation", o.sphere_of_promulgation.as_deref());
    x.tag("TyperNotation", o.typer_notation.as_deref());
    x.opt(
        "PromulgationAmount",
        o.promulgation_amount.map(|n| n.to_string()).as_deref(),
    );
    x.tag(
        "PageAmount",
        o.page_amount.map(|n| n.to_string()).as_deref(),
    );
    x.opt("Direction", o.direction.map(|b| if b { "1" } else { "0" }));
    x.open("Appendixes");
    for a in &o.appendixes {
        x.leaf("Appendix", a);
    }
    x.close("Appendixes");
    x.close("OtherInfo");
    x.opt(
        "SteeringType",
        d.steering_type.map(|s| s.to_string()).as_deref(),
    );
    for r in &d.response_for {
        response_for(&mut x, r);
    }
    x.close("MessageHeader");
    x.open("TraceHeaderList");
    for t in &d.trace {
        x.open("TraceHeader");
        x.leaf("OrganId", &t.organ_id);
        x.leaf("Timestamp", &t.timestamp.to_string());
        x.close("TraceHeader");
    }
    if let Some(b) = &d.business {
        business(&mut x, b);
    }
    x.close("TraceHeaderList");
    x.close("edXMLHeader");
    x.open("edXMLBody");
    x.out.push_str("<edXML:edXMLManifest version=\"1.0\">");
    for a in &d.attachments {
        x.open("Reference");
        x.leaf("ContentId", &format!("cid:{}", a.content_id));
        x.leaf("ContentType", &a.content_type);
        x.tag("Description", a.description.as_deref());
        x.leaf("AttachmentName", &a.name);
        x.close("Reference");
    }
    for a in &d.external_attachments {
        x.open("Reference");
        x.leaf("ContentId", &format!("cid:{}", a.content_id));
        x.opt("ContentType", a.content_type.as_deref());
        x.opt("Description", a.description.as_deref());
        x.opt("AttachmentName", a.name.as_deref());
        x.close("Reference");
    }
    x.close("edXMLManifest");
    x.close("edXMLBody");
    x.close("edXMLEnvelope");
    x.open("AttachmentEncoded");
    for a in &d.attachments {
        x.open("Attachment");
        x.leaf("ContentId", &format!("cid:{}", a.content_id));
        x.leaf("AttachmentName", &a.name);
        x.tag("Description", a.description.as_deref());
        x.leaf("ContentType", &a.content_type);
        x.open("ContentTransferEncoded");
        STANDARD.encode_string(&a.data, &mut x.out);
        x.close("ContentTransferEncoded");
        x.close("Attachment");
    }
    x.close("AttachmentEncoded");
    x.close("edXML");
    Ok(x.out)
}

fn business(x: &mut Xml, b: &Business) {
    x.open("Bussiness");
    x.opt("DocumentId", b.document_id.as_deref());
    x.leaf("BussinessDocType", &b.action.code().to_string());
    x.opt("BussinessDocReason", b.reason.as_deref());
    x.opt("Paper", b.paper.map(|p| if p { "1" } else { "0" }));
    if let Some(s) = &b.staff {
        staff(x, s);
    }
    if let Some(u) = &b.update {
        x.open("BussinessDocumentInfo");
        x.leaf("DocumentInfo", if u.document_info { "1" } else { "0" });
        x.leaf(
            "DocumentReceiver",
            if u.document_receiver { "1" } else { "0" },
        );
        x.open("ReceiverList");
        for r in &u.receivers {
            x.open("Receiver");
            x.leaf("OrganId", &r.organ_id);
            x.leaf("ReceiverType", &r.receiver_type.to_string());
            x.close("Receiver");
        }
        x.close("ReceiverList");
        x.close("BussinessDocumentInfo");
    }
    if !b.replacements.is_empty() {
        x.open("ReplacementInfoList");
        for r in &b.replacements {
            x.open("ReplacementInfo");
            x.leaf("DocumentId", &r.document_id);
            x.open("OrganIdList");
            for o in &r.organ_ids {
                x.leaf("OrganId", o);
            }
            x.close("OrganIdList");
            x.close("ReplacementInfo");
        }
        x.close("ReplacementInfoList");
    }
    x.close("Bussiness");
}

/// Writes a status packet.
pub fn build_status(s: &StatusPacket) -> Result<String, EdxmlError> {
    required(&s.from.organ_id, "MessageHeader/From/OrganId")?;
    required(
        &s.response_for.document_id,
        "MessageHeader/ResponseFor/DocumentId",
    )?;
    if s.status == StatusCode::Rejected {
        // QĐ 28: a refusal says why.
        required(
            s.description.as_deref().unwrap_or(""),
            "MessageHeader/Description (lý do từ chối)",
        )?;
    }
    let mut x = Xml::new(2048);
    envelope_start(&mut x);
    x.open("MessageHeader");
    organization(&mut x, "From", &s.from);
    response_for(&mut x, &s.response_for);
    if let Some(st) = &s.staff {
        staff(&mut x, st);
    }
    x.leaf("StatusCode", s.status.code());
    x.opt("Description", s.description.as_deref());
    x.leaf("Timestamp", &s.timestamp.to_string());
    x.close("MessageHeader");
    x.close("edXMLHeader");
    x.close("edXMLEnvelope");
    x.close("edXML");
    Ok(x.out)
}
