//! The metadata of a record file and its documents, named as NĐ 30 Phụ lục VI names them (`FileCode`, `Title`,
//! `Maintenance`, `Creator`, `StartDate`, `EndDate`, `DocTotal`; per document `DocOrdinal`, `TypeName`,
//! `CodeNumber`, `CodeNotation`, `IssuedDate`, `OrganName`, `Subject`, `SignerInfo`, `To`, `Priority`, `DueDate`,
//! `ArrivalDate`, `ArrivalNumber`, `TraceHeaderList`), as JSON and as XML, and the table of contents (mục lục
//! văn bản trong hồ sơ) as plain text. A field the system does not know is left out rather than guessed.

use serde_json::{Value, json};
use shared::record_file::{DocumentKind, retention_label};

use crate::store::record_files::{PackageDocument, PackageFacts};

fn date(d: Option<shared::civil_date::CivilDate>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

fn document(facts: &PackageFacts, d: &PackageDocument) -> Value {
    let outgoing = d.doc.kind == DocumentKind::Outgoing;
    let files: Vec<Value> = d
        .doc
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({
                "Path": super::original_path(d.doc.position, outgoing, d.doc.id, i, &f.name),
                "Name": f.name,
                "Sha256": f.sha256,
                "Size": f.size,
            })
        })
        .collect();
    let mut v = json!({
        "FileCode": file_code(facts),
        "DocOrdinal": d.doc.position,
        "Kind": if outgoing { "Văn bản đi" } else { "Văn bản đến" },
        "TypeName": d.doc.type_name,
        "CodeNumber": d.code_number,
        "CodeNotation": d.code_notation,
        "IssuedDate": date(d.doc.date),
        "OrganName": d.doc.organ_name,
        "Subject": d.doc.subject,
        "Language": "Tiếng Việt",
        "SignerInfo": {"Position": d.signer_position, "FullName": d.doc.signer},
        "Priority": d.urgency,
        "DueDate": d.due_date,
        "Files": files,
    });
    if outgoing {
        v["To"] = json!(d.recipients);
    } else {
        v["ArrivalDate"] = date(d.arrival_date);
        v["ArrivalNumber"] = json!(d.doc.arrival_number);
        v["TraceHeaderList"] = json!(d.instruction);
    }
    strip_nulls(v)
}

fn file_code(facts: &PackageFacts) -> Value {
    json!({
        "OrganId": facts.organ_id,
        "FileCatalog": facts.file.year,
        "FileNotation": facts.file.notation,
    })
}

/// The file's metadata as a JSON value.
pub fn value(facts: &PackageFacts) -> Value {
    let f = &facts.file;
    strip_nulls(json!({
        "FileCode": file_code(facts),
        "Code": f.code,
        "Title": f.title,
        "Maintenance": retention_label(f.retention_years),
        "RetentionYears": f.retention_years,
        "Creator": f.creator.full_name,
        "Language": "Tiếng Việt",
        "StartDate": date(f.start_date),
        "EndDate": date(f.end_date),
        "DocTotal": facts.documents.len(),
        "OrganName": facts.organ_name,
        "State": f.state.label(),
        "ClosedAt": f.closed_at.map(|t| t.to_iso_vn()),
        "HandedOverAt": f.handed_over_at.map(|t| t.to_iso_vn()),
        "HandedOverBy": f.handed_over_by.as_ref().map(|p| p.full_name.clone()),
        "Documents": facts.documents.iter().map(|d| document(facts, d)).collect::<Vec<_>>(),
    }))
}

/// `ho-so.json`.
pub fn json(facts: &PackageFacts) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&value(facts)).unwrap_or_default();
    out.push(b'\n');
    out
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// `ho-so.xml`: the same tree as the JSON, an element per field (arrays repeat their element: `Document`,
/// `File`, `Organ`).
pub fn xml(facts: &PackageFacts) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(&mut out, "RecordFile", &value(facts), 0);
    out
}

fn element(out: &mut String, name: &str, v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(map) => {
            out.push_str(&format!("{pad}<{name}>\n"));
            for (k, v) in map {
                element(out, k, v, depth + 1);
            }
            out.push_str(&format!("{pad}</{name}>\n"));
        }
        Value::Array(items) => {
            let item = match name {
                "Documents" => "Document",
                "Files" => "File",
                "To" => "Organ",
                _ => "Item",
            };
            out.push_str(&format!("{pad}<{name}>\n"));
            for v in items {
                element(out, item, v, depth + 1);
            }
            out.push_str(&format!("{pad}</{name}>\n"));
        }
        Value::String(s) => out.push_str(&format!("{pad}<{name}>{}</{name}>\n", escape(s))),
        Value::Null => {}
        other => out.push_str(&format!("{pad}<{name}>{other}</{name}>\n")),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `muc-luc.txt`: the table of contents of the documents in the file and the entries of the package.
pub fn table_of_contents(facts: &PackageFacts) -> String {
    let f = &facts.file;
    let mut out = String::new();
    out.push_str(&format!("{}\n", facts.organ_name.to_uppercase()));
    out.push_str("MỤC LỤC VĂN BẢN TRONG HỒ SƠ\n\n");
    out.push_str(&format!("Mã hồ sơ: {}\n", f.code));
    out.push_str(&format!("Tiêu đề: {}\n", f.title));
    out.push_str(&format!(
        "Thời hạn bảo quản: {}\n",
        retention_label(f.retention_years)
    ));
    out.push_str(&format!("Người lập: {}\n", f.creator.full_name));
    out.push_str(&format!(
        "Thời gian: {} – {}\n",
        f.start_date.map(|d| d.display()).unwrap_or_default(),
        f.end_date.map(|d| d.display()).unwrap_or_default()
    ));
    out.push_str(&format!("Tổng số văn bản: {}\n\n", facts.documents.len()));
    for d in &facts.documents {
        out.push_str(&format!(
            "{}. {} | {} | {} | {} — {}\n",
            d.doc.position,
            d.doc.number_text.as_deref().unwrap_or("(không số)"),
            d.doc.date.map(|d| d.display()).unwrap_or_default(),
            d.doc.organ_name,
            d.doc.type_name,
            d.doc.subject
        ));
        let outgoing = d.doc.kind == DocumentKind::Outgoing;
        for (i, file) in d.doc.files.iter().enumerate() {
            out.push_str(&format!(
                "    {} ({})\n",
                super::original_path(d.doc.position, outgoing, d.doc.id, i, &file.name),
                file.name
            ));
        }
    }
    out.push_str("\nCÁC TỆP KHÁC TRONG GÓI\n");
    out.push_str(
        "    ho-so.json, ho-so.xml: thông tin hồ sơ và văn bản (NĐ 30/2020, Phụ lục VI)\n",
    );
    out.push_str("    muc-luc.txt: mục lục này\n");
    out.push_str("    bien-ban-giao-nhan.pdf: biên bản giao nhận hồ sơ\n");
    out.push_str(&format!(
        "    {}: mã băm SHA-256 của mọi tệp khác (kiểm tra: sha256sum -c {})\n",
        super::MANIFEST,
        super::MANIFEST
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
