//! Reading packets as real systems write them. Elements are found by local name, whatever their prefix or
//! namespace (the SDK flavour, the SOAP flavour, hand-made packets with an undeclared `edXML:` prefix); both
//! `Bussiness*` (VPCP SDK) and `Business*` (Bkav) spellings; empty optional elements are absent; dates in either
//! order; attachments base64 with or without line breaks, zipped one by one or plain. What is required and missing
//! is named by its path.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use roxmltree::{Document, Node, ParsingOptions};

use crate::date::{EdDate, EdDateTime};
use crate::error::EdxmlError;
use crate::model::*;
use crate::unzip;

/// The namespace of QCVN 102:2016.
pub const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

/// Base64 as senders write it: padding or not.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Reads a document or a status packet.
pub fn parse(bytes: &[u8]) -> Result<Packet, EdxmlError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| EdxmlError::NotXml(format!("không phải UTF-8 (byte {})", e.valid_up_to())))?;
    let owned;
    let doc = match Document::parse_with_options(text, options()) {
        Ok(d) => d,
        Err(_) => {
            // Packets that use `edXML:` (or `SOAP-ENV:`…) without declaring it are common; declare them and try
            // again. Anything else is reported as the parser saw it.
            owned = declare_prefixes(text)?;
            Document::parse_with_options(&owned, options())
                .map_err(|e| EdxmlError::NotXml(e.to_string()))?
        }
    };
    let root = doc.root_element();
    let header = root
        .descendants()
        .find(|n| is(n, &["MessageHeader"]))
        .or_else(|| {
            root.descendants()
                .find(|n| is(n, &["Status"]) && child(n, &["StatusCode"]).is_some())
        })
        .ok_or(EdxmlError::NotEdxml)?;
    if child(&header, &["StatusCode"]).is_some() {
        Ok(Packet::Status(status(&header)?))
    } else {
        Ok(Packet::Document(document(&root, &header)?))
    }
}

fn options() -> ParsingOptions {
    // No DTD: nothing in a packet needs one, and entity tricks stay out.
    ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    }
}

/// Adds a declaration for every prefix the root element's subtree uses but never declares.
fn declare_prefixes(text: &str) -> Result<String, EdxmlError> {
    let mut fixed = text.to_string();
    for _ in 0..8 {
        match Document::parse_with_options(&fixed, options()) {
            Ok(_) => return Ok(fixed),
            Err(roxmltree::Error::UnknownNamespace(prefix, _)) => {
                let uri = if prefix.eq_ignore_ascii_case("edxml") {
                    NAMESPACE.to_string()
                } else {
                    format!("urn:vanban:undeclared:{prefix}")
                };
                let at = root_name_end(&fixed)
                    .ok_or_else(|| EdxmlError::NotXml("không có phần tử gốc".into()))?;
                fixed.insert_str(at, &format!(" xmlns:{prefix}=\"{uri}\""));
            }
            Err(e) => return Err(EdxmlError::NotXml(e.to_string())),
        }
    }
    Err(EdxmlError::NotXml(
        "quá nhiều tiền tố không khai báo".into(),
    ))
}

/// Where the root element's name ends (to insert attributes after it).
fn root_name_end(text: &str) -> Option<usize> {
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            let next = *b.get(i + 1)?;
            if next == b'?' || next == b'!' {
                // Declarations, comments: skip to their end.
                let close = if text[i..].starts_with("<!--") {
                    "-->"
                } else {
                    ">"
                };
                i += text[i..].find(close)? + close.len();
                continue;
            }
            let name_len =
                text[i + 1..].find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(i + 1 + name_len);
        }
        i += 1;
    }
    None
}

fn is(n: &Node, names: &[&str]) -> bool {
    n.is_element() && names.contains(&n.tag_name().name())
}

fn child<'a, 'i>(n: &Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is(c, names))
}

fn children<'a, 'i>(
    n: &Node<'a, 'i>,
    names: &'static [&'static str],
) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| is(c, names))
}

/// An element's text, trimmed; `None` when absent or empty.
fn text_of(n: &Node) -> Option<String> {
    let mut s = String::new();
    for d in n.descendants().filter(|d| d.is_text()) {
        s.push_str(d.text().unwrap_or(""));
    }
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Context for error paths.
struct At<'a, 'i> {
    node: Node<'a, 'i>,
    path: String,
}

impl<'a, 'i> At<'a, 'i> {
    fn new(node: Node<'a, 'i>, path: &str) -> Self {
        Self {
            node,
            path: path.to_string(),
        }
    }

    fn el(&self, names: &[&str]) -> Option<At<'a, 'i>> {
        child(&self.node, names).map(|node| At {
            node,
            path: format!("{}/{}", self.path, names[0]),
        })
    }

    fn req_el(&self, names: &[&str]) -> Result<At<'a, 'i>, EdxmlError> {
        self.el(names)
            .ok_or_else(|| EdxmlError::Missing(format!("{}/{}", self.path, names[0])))
    }

    fn opt(&self, names: &[&str]) -> Option<String> {
        child(&self.node, names).and_then(|n| text_of(&n))
    }

    fn req(&self, names: &[&str]) -> Result<String, EdxmlError> {
        self.opt(names)
            .ok_or_else(|| EdxmlError::Missing(format!("{}/{}", self.path, names[0])))
    }

    fn invalid(&self, name: &str, value: String, expected: &'static str) -> EdxmlError {
        EdxmlError::Invalid {
            path: format!("{}/{}", self.path, name),
            value,
            expected,
        }
    }

    fn opt_num<T: std::str::FromStr>(
        &self,
        names: &[&str],
        expected: &'static str,
    ) -> Result<Option<T>, EdxmlError> {
        match self.opt(names) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| self.invalid(names[0], v, expected)),
        }
    }

    fn opt_bool(&self, names: &[&str]) -> Result<Option<bool>, EdxmlError> {
        match self.opt(names).as_deref() {
            None => Ok(None),
            Some("1") | Some("true") | Some("True") => Ok(Some(true)),
            Some("0") | Some("false") | Some("False") => Ok(Some(false)),
            Some(v) => Err(self.invalid(names[0], v.to_string(), "0 hoặc 1")),
        }
    }

    fn opt_date(&self, names: &[&str]) -> Result<Option<EdDate>, EdxmlError> {
        match self.opt(names) {
            None => Ok(None),
            Some(v) => EdDate::parse(&v)
                .map(Some)
                .ok_or_else(|| self.invalid(names[0], v, "ngày yyyy/MM/dd")),
        }
    }

    fn req_date(&self, names: &[&str]) -> Result<EdDate, EdxmlError> {
        self.opt_date(names)?
            .ok_or_else(|| EdxmlError::Missing(format!("{}/{}", self.path, names[0])))
    }

    fn req_timestamp(&self, names: &[&str]) -> Result<EdDateTime, EdxmlError> {
        let v = self.req(names)?;
        EdDateTime::parse(&v)
            .ok_or_else(|| self.invalid(names[0], v, "thời điểm yyyy/MM/dd HH:mm:ss"))
    }
}

fn organization(at: &At) -> Result<Organization, EdxmlError> {
    Ok(Organization {
        organ_id: at.req(&["OrganId"])?,
        organ_name: at.opt(&["OrganName"]).unwrap_or_default(),
        organization_in_charge: at.opt(&["OrganizationInCharge"]),
        organ_add: at.opt(&["OrganAdd"]),
        email: at.opt(&["Email"]),
        telephone: at.opt(&["Telephone"]),
        fax: at.opt(&["Fax"]),
        website: at.opt(&["Website"]),
    })
}

fn staff(at: &At) -> Option<StaffInfo> {
    let s = StaffInfo {
        department: at.opt(&["Department"]),
        staff: at.opt(&["Staff"]),
        mobile: at.opt(&["Mobile"]),
        email: at.opt(&["Email"]),
    };
    (s != StaffInfo::default()).then_some(s)
}

fn response_for(at: &At) -> Result<Option<ResponseFor>, EdxmlError> {
    if text_of(&at.node).is_none() {
        return Ok(None);
    }
    Ok(Some(ResponseFor {
        organ_id: at.opt(&["OrganId"]).unwrap_or_default(),
        code: at.opt(&["Code"]).unwrap_or_default(),
        promulgation_date: at.opt_date(&["PromulgationDate"])?,
        document_id: at.req(&["DocumentId"])?,
    }))
}

fn status(header: &Node) -> Result<StatusPacket, EdxmlError> {
    let h = At::new(*header, header.tag_name().name());
    let code = h.req(&["StatusCode"])?;
    Ok(StatusPacket {
        from: organization(&h.req_el(&["From"])?)?,
        response_for: response_for(&h.req_el(&["ResponseFor"])?)?
            .ok_or_else(|| EdxmlError::Missing(format!("{}/ResponseFor/DocumentId", h.path)))?,
        staff: h.el(&["StaffInfo"]).as_ref().and_then(staff),
        status: StatusCode::from_code(&code)
            .ok_or_else(|| h.invalid("StatusCode", code, "01–06, 13, 15 hoặc 16"))?,
        description: h.opt(&["Description"]),
        timestamp: h.req_timestamp(&["Timestamp"])?,
    })
}

fn document(root: &Node, header: &Node) -> Result<DocumentPacket, EdxmlError> {
    let h = At::new(*header, "MessageHeader");
    let from = organization(&h.req_el(&["From"])?)?;
    let mut to = Vec::new();
    for (i, n) in children(header, &["To"]).enumerate() {
        let org = organization(&At::new(n, &format!("MessageHeader/To[{}]", i + 1)))?;
        if to.iter().any(|o: &Organization| o.organ_id == org.organ_id) {
            return Err(h.invalid("To/OrganId", org.organ_id, "mỗi cơ quan nhận chỉ một lần"));
        }
        to.push(org);
    }
    if to.is_empty() {
        return Err(EdxmlError::Missing("MessageHeader/To".into()));
    }
    let code = h.req_el(&["Code"])?;
    let promulgation = h.req_el(&["PromulgationInfo"])?;
    let doc_type = h.req_el(&["DocumentType"])?;
    let type_code = doc_type.req(&["Type"])?;
    let signer = h.req_el(&["SignerInfo"])?;
    let other = h.el(&["OtherInfo"]);
    let other = match other {
        None => OtherInfo::default(),
        Some(o) => OtherInfo {
            priority: o.opt_num(&["Priority"], "số 0–4")?.unwrap_or(0),
            sphere_of_promulgation: o.opt(&["SphereOfPromulgation"]),
            typer_notation: o.opt(&["TyperNotation"]),
            promulgation_amount: o.opt_num(&["PromulgationAmount"], "số nguyên không âm")?,
            page_amount: o.opt_num(&["PageAmount"], "số nguyên không âm")?,
            direction: o.opt_bool(&["Direction"])?,
            appendixes: o
                .el(&["Appendixes"])
                .map(|a| {
                    children(&a.node, &["Appendix"])
                        .filter_map(|n| text_of(&n))
                        .collect()
                })
                .unwrap_or_default(),
        },
    };
    let mut response = Vec::new();
    for n in children(header, &["ResponseFor"]) {
        if let Some(r) = response_for(&At::new(n, "MessageHeader/ResponseFor"))? {
            response.push(r);
        }
    }
    let (trace, business) = trace_list(root)?;
    let (attachments, external_attachments) = attachments(root)?;
    Ok(DocumentPacket {
        from,
        to,
        document_id: h.opt(&["DocumentId"]),
        code: Code {
            code_number: code.req(&["CodeNumber"])?,
            code_notation: code.req(&["CodeNotation"])?,
        },
        promulgation: PromulgationInfo {
            place: promulgation.opt(&["Place"]),
            promulgation_date: promulgation.req_date(&["PromulgationDate"])?,
        },
        document_type: DocumentType {
            doc_type: type_code
                .parse()
                .map_err(|_| doc_type.invalid("Type", type_code.clone(), "1 hoặc 2"))?,
            type_detail: doc_type.opt_num(&["TypeDetail"], "số nguyên")?,
            type_name: doc_type.opt(&["TypeName"]),
        },
        subject: h.req(&["Subject"])?,
        content: h.opt(&["Content"]),
        signer: SignerInfo {
            competence: signer.opt(&["Competence"]),
            position: signer.opt(&["Position"]),
            full_name: signer.req(&["FullName"])?,
        },
        due_date: h.opt_date(&["DueDate"])?,
        to_places: h
            .el(&["ToPlaces"])
            .map(|p| {
                children(&p.node, &["Place"])
                    .filter_map(|n| text_of(&n))
                    .collect()
            })
            .unwrap_or_default(),
        other,
        steering_type: h.opt_num(&["SteeringType"], "0, 1 hoặc 2")?,
        response_for: response,
        trace,
        business,
        attachments,
        external_attachments,
    })
}

const BUSINESS: &[&str] = &["Bussiness", "Business"];

fn trace_list(root: &Node) -> Result<(Vec<TraceHeader>, Option<Business>), EdxmlError> {
    let Some(list) = root.descendants().find(|n| is(n, &["TraceHeaderList"])) else {
        return Ok((Vec::new(), None));
    };
    let mut trace = Vec::new();
    for n in children(&list, &["TraceHeader"]) {
        let t = At::new(n, "TraceHeaderList/TraceHeader");
        if text_of(&n).is_none() {
            continue;
        }
        trace.push(TraceHeader {
            organ_id: t.req(&["OrganId"])?,
            timestamp: t.req_timestamp(&["Timestamp"])?,
        });
    }
    let Some(b) = child(&list, BUSINESS) else {
        return Ok((trace, None));
    };
    let b = At::new(b, "TraceHeaderList/Bussiness");
    let action = match b.opt(&["BussinessDocType", "BusinessDocType"]) {
        None => BusinessAction::New,
        Some(v) => v
            .parse::<u8>()
            .ok()
            .and_then(BusinessAction::from_code)
            .ok_or_else(|| b.invalid("BussinessDocType", v, "0, 1, 2 hoặc 3"))?,
    };
    let update = match b.el(&["BussinessDocumentInfo", "BusinessDocumentInfo"]) {
        None => None,
        Some(u) if text_of(&u.node).is_none() => None,
        Some(u) => {
            let mut receivers = Vec::new();
            if let Some(list) = u.el(&["ReceiverList"]) {
                for n in children(&list.node, &["Receiver"]) {
                    let r = At::new(n, "BussinessDocumentInfo/ReceiverList/Receiver");
                    receivers.push(Receiver {
                        organ_id: r.req(&["OrganId"])?,
                        receiver_type: r.opt_num(&["ReceiverType"], "0 hoặc 1")?.unwrap_or(0),
                    });
                }
            }
            Some(UpdateInfo {
                document_info: u.opt_bool(&["DocumentInfo"])?.unwrap_or(false),
                document_receiver: u.opt_bool(&["DocumentReceiver"])?.unwrap_or(false),
                receivers,
            })
        }
    };
    let mut replacements = Vec::new();
    if let Some(list) = b.el(&["ReplacementInfoList"]) {
        for n in children(&list.node, &["ReplacementInfo"]) {
            let r = At::new(n, "ReplacementInfoList/ReplacementInfo");
            replacements.push(Replacement {
                document_id: r.req(&["DocumentId"])?,
                organ_ids: r
                    .el(&["OrganIdList"])
                    .map(|l| {
                        children(&l.node, &["OrganId"])
                            .filter_map(|n| text_of(&n))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    Ok((
        trace,
        Some(Business {
            document_id: b.opt(&["DocumentId"]),
            action,
            reason: b.opt(&["BussinessDocReason", "BusinessDocReason"]),
            paper: b.opt_bool(&["Paper"])?,
            staff: b.el(&["StaffInfo"]).as_ref().and_then(staff),
            update,
            replacements,
        }),
    ))
}

fn strip_cid(s: &str) -> String {
    s.trim()
        .strip_prefix("cid:")
        .unwrap_or(s.trim())
        .to_string()
}

fn is_zip_type(t: &str) -> bool {
    matches!(
        t.trim().to_ascii_lowercase().as_str(),
        "application/zip" | "application/x-zip-compressed" | "application/x-zip"
    )
}

/// The MIME type of a file by its name, for a file taken out of its zip.
pub fn content_type_of(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn attachments(root: &Node) -> Result<(Vec<Attachment>, Vec<ExternalAttachment>), EdxmlError> {
    // The manifest: one Reference per file (the SOAP flavour writes the cid in xlink:href, the type in xlink:type).
    let mut refs: Vec<ExternalAttachment> = Vec::new();
    if let Some(manifest) = root
        .descendants()
        .find(|n| is(n, &["edXMLManifest", "Manifest"]))
    {
        for r in children(&manifest, &["Reference"]) {
            let at = At::new(r, "edXMLManifest/Reference");
            let href = r
                .attributes()
                .find(|a| a.name() == "href")
                .map(|a| a.value().to_string());
            let Some(cid) = at.opt(&["ContentId"]).or(href) else {
                return Err(EdxmlError::Missing(
                    "edXMLManifest/Reference/ContentId".into(),
                ));
            };
            refs.push(ExternalAttachment {
                content_id: strip_cid(&cid),
                name: at.opt(&["AttachmentName"]),
                content_type: at.opt(&["ContentType"]).or_else(|| {
                    r.attributes()
                        .find(|a| a.name() == "type")
                        .map(|a| a.value().to_string())
                }),
                description: at.opt(&["Description"]),
            });
        }
    }
    let mut files = Vec::new();
    if let Some(encoded) = root.descendants().find(|n| is(n, &["AttachmentEncoded"])) {
        for a in children(&encoded, &["Attachment"]) {
            let at = At::new(a, "AttachmentEncoded/Attachment");
            let content_id = strip_cid(&at.req(&["ContentId"])?);
            let listed = refs
                .iter()
                .position(|r| r.content_id == content_id)
                .map(|i| refs.remove(i));
            let name = at
                .opt(&["AttachmentName"])
                .or_else(|| listed.as_ref().and_then(|r| r.name.clone()))
                .unwrap_or_else(|| content_id.clone());
            let declared = at
                .opt(&["ContentType"])
                .or_else(|| listed.as_ref().and_then(|r| r.content_type.clone()))
                .unwrap_or_else(|| content_type_of(&name).to_string());
            let description = at
                .opt(&["Description"])
                .or_else(|| listed.and_then(|r| r.description));
            let payload = child(&a, &["ContentTransferEncoded"]).ok_or_else(|| {
                EdxmlError::Missing(format!(
                    "AttachmentEncoded/Attachment[{content_id}]/ContentTransferEncoded"
                ))
            })?;
            let data = decode_base64(&payload, &content_id)?;
            let (name, content_type, data) =
                if is_zip_type(&declared) && !name.to_ascii_lowercase().ends_with(".zip") {
                    match unzip::single_entry(&data) {
                        Ok(Some((inner, file))) => {
                            let name = if name == content_id { inner } else { name };
                            let ty = content_type_of(&name).to_string();
                            (name, ty, file)
                        }
                        Ok(None) => (name, declared, data),
                        Err(reason) => return Err(EdxmlError::Attachment { content_id, reason }),
                    }
                } else {
                    (name, declared, data)
                };
            files.push(Attachment {
                content_id,
                name,
                content_type,
                description,
                data,
            });
        }
    }
    Ok((files, refs))
}

/// Decodes the base64 text of an element once, straight into the file's bytes; line breaks and spaces (which
/// many senders insert every 76 characters) are skipped without copying the text when there are none.
fn decode_base64(node: &Node, content_id: &str) -> Result<Vec<u8>, EdxmlError> {
    let bad = |e: base64::DecodeError| EdxmlError::Attachment {
        content_id: content_id.to_string(),
        reason: format!("base64 không hợp lệ ({e})"),
    };
    let texts: Vec<&str> = node
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    if let [one] = texts.as_slice() {
        let t = one.trim();
        if !t.bytes().any(|b| b.is_ascii_whitespace()) {
            return LENIENT.decode(t).map_err(bad);
        }
    }
    let compact: Vec<u8> = texts
        .iter()
        .flat_map(|t| t.bytes())
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    LENIENT.decode(&compact).map_err(bad)
}
