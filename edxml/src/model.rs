//! The two packets of QCVN 102:2016 as data: what a document packet (gói tin văn bản) and a status packet (gói tin
//! trạng thái) say, independent of how the XML spelled it. The JSON of these types is a contract of the CLI
//! (`vanban edxml parse --json` prints it, `vanban edxml build` reads it), so field names never change.

use serde::{Deserialize, Serialize};

use crate::date::{EdDate, EdDateTime};

/// One packet of either kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// One packet at a time is held (parsed, answered, dropped): boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Packet {
    /// A document: new, or a recall, update or replacement of one sent before (see [`Business`]).
    Document(DocumentPacket),
    /// What happened to a document at the receiver (or the sender's recall request).
    Status(StatusPacket),
}

/// An agency as `From` and `To` describe it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Mã định danh: `000.00.00.H62` (QCVN 102) or the QĐ 20/2020 form; kept as written.
    pub organ_id: String,
    /// Tên cơ quan.
    pub organ_name: String,
    /// The managing body (`OrganizationInCharge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_in_charge: Option<String>,
    /// Địa chỉ (`OrganAdd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organ_add: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// Số and ký hiệu.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    /// The số as written: usually digits, but systems send `07a` or `15-BS`, which are kept.
    pub code_number: String,
    /// The ký hiệu without the number: `VPCP-TTĐT`.
    pub code_notation: String,
}

/// Where and when it was promulgated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromulgationInfo {
    /// Địa danh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub promulgation_date: EdDate,
}

/// The document's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentType {
    /// `Type`: 1 administrative document, 2 legal normative document.
    #[serde(rename = "type")]
    pub doc_type: u8,
    /// `TypeDetail`: the code of the specific type, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_detail: Option<i64>,
    /// `TypeName`: "Công văn", "Quyết định"…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
}

/// Who signed and in which capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerInfo {
    /// "KT. CHỦ TỊCH", "TL. …", "TM. …".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    pub full_name: String,
}

/// `OtherInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherInfo {
    /// 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sphere_of_promulgation: Option<String>,
    /// Ký hiệu người đánh máy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typer_notation: Option<String>,
    /// Số bản phát hành.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promulgation_amount: Option<u32>,
    /// Số trang.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_amount: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<bool>,
    /// Phụ lục titles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appendixes: Vec<String>,
}

/// The document answered (văn bản phúc đáp), or the one a status is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFor {
    pub organ_id: String,
    /// Số, ký hiệu: `267/VPCP-TTĐT`.
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promulgation_date: Option<EdDate>,
    pub document_id: String,
}

/// One hop of the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceHeader {
    pub organ_id: String,
    pub timestamp: EdDateTime,
}

/// What the packet does to the document (`BussinessDocType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessAction {
    /// 0: a new document.
    New,
    /// 1: recall (thu hồi).
    Recall,
    /// 2: update of its metadata or recipients.
    Update,
    /// 3: it replaces earlier documents.
    Replace,
}

impl BusinessAction {
    pub fn code(self) -> u8 {
        match self {
            Self::New => 0,
            Self::Recall => 1,
            Self::Update => 2,
            Self::Replace => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::New,
            1 => Self::Recall,
            2 => Self::Update,
            3 => Self::Replace,
            _ => return None,
        })
    }

    /// What the action is called.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "văn bản mới",
            Self::Recall => "thu hồi",
            Self::Update => "cập nhật",
            Self::Replace => "thay thế",
        }
    }

    /// The reason text the SDK samples send when none is given.
    pub fn default_reason(self) -> &'static str {
        match self {
            Self::New => "Văn bản điện tử mới",
            Self::Recall => "Thu hồi văn bản điện tử",
            Self::Update => "Cập nhật văn bản điện tử",
            Self::Replace => "Văn bản thay thế",
        }
    }
}

/// The person behind a step (`StaffInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A recipient added or removed by an update (`ReceiverList/Receiver`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    pub organ_id: String,
    /// `ReceiverType` as sent (0 or 1).
    pub receiver_type: u8,
}

/// What an update changes (`BussinessDocumentInfo`, action 2 only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateInfo {
    /// The document's information changed.
    pub document_info: bool,
    /// Its recipient list changed.
    pub document_receiver: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receivers: Vec<Receiver>,
}

/// One replaced document and the agencies it was sent to (action 3 only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub document_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organ_ids: Vec<String>,
}

/// The business part of the trace (`Bussiness` or `Business`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Business {
    /// The document this action affects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    pub action: BusinessAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A paper original follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replacements: Vec<Replacement>,
}

/// A file carried in the packet. Files the sender zipped one by one (the VPCP SDK does) arrive here unzipped,
/// with the name and type of the file inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Without the `cid:` prefix.
    pub content_id: String,
    pub name: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The file's bytes (base64 in JSON).
    #[serde(with = "crate::b64")]
    pub data: Vec<u8>,
}

/// A file the manifest names but the XML does not carry (the SOAP/MIME flavour keeps files in MIME parts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalAttachment {
    pub content_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The document packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPacket {
    pub from: Organization,
    /// One or more receiving agencies, no organ id twice.
    pub to: Vec<Organization>,
    /// `<issuer>,<yyyy/MM/dd>,<số>/<ký hiệu>`, kept exactly as sent (it may embed an impossible date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    pub code: Code,
    pub promulgation: PromulgationInfo,
    pub document_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub signer: SignerInfo,
    /// Hạn trả lời.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<EdDate>,
    /// "Nơi nhận" lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_places: Vec<String>,
    #[serde(default)]
    pub other: OtherInfo,
    /// 0 none, 1 chỉ đạo, 2 chỉ đạo và yêu cầu báo cáo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steering_type: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_for: Vec<ResponseFor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceHeader>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<Business>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_attachments: Vec<ExternalAttachment>,
}

impl DocumentPacket {
    /// The DocumentId as sent, or the one QCVN 102 defines for it: `<From OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>`.
    pub fn effective_document_id(&self) -> String {
        self.document_id.clone().unwrap_or_else(|| {
            format!(
                "{},{},{}/{}",
                self.from.organ_id,
                self.promulgation.promulgation_date,
                self.code.code_number,
                self.code.code_notation
            )
        })
    }

    /// What the packet does: a new document unless its trace says otherwise.
    pub fn action(&self) -> BusinessAction {
        self.business
            .as_ref()
            .map_or(BusinessAction::New, |b| b.action)
    }
}

/// The status codes of QĐ 28/2018 as QCVN 102 carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusCode {
    /// 01 Đã đến.
    #[serde(rename = "01")]
    Arrived,
    /// 02 Từ chối tiếp nhận (a reason is required).
    #[serde(rename = "02")]
    Rejected,
    /// 03 Đã tiếp nhận.
    #[serde(rename = "03")]
    Accepted,
    /// 04 Phân công.
    #[serde(rename = "04")]
    Assigned,
    /// 05 Đang xử lý.
    #[serde(rename = "05")]
    Processing,
    /// 06 Hoàn thành.
    #[serde(rename = "06")]
    Finished,
    /// 13 Lấy lại / yêu cầu thu hồi, cập nhật (sent by the sender).
    #[serde(rename = "13")]
    RecallRequested,
    /// 15 Đồng ý cập nhật, lấy lại / thu hồi.
    #[serde(rename = "15")]
    RecallAccepted,
    /// 16 Từ chối cập nhật, lấy lại / thu hồi.
    #[serde(rename = "16")]
    RecallRefused,
}

impl StatusCode {
    pub const ALL: [StatusCode; 9] = [
        Self::Arrived,
        Self::Rejected,
        Self::Accepted,
        Self::Assigned,
        Self::Processing,
        Self::Finished,
        Self::RecallRequested,
        Self::RecallAccepted,
        Self::RecallRefused,
    ];

    /// The two digits on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Arrived => "01",
            Self::Rejected => "02",
            Self::Accepted => "03",
            Self::Assigned => "04",
            Self::Processing => "05",
            Self::Finished => "06",
            Self::RecallRequested => "13",
            Self::RecallAccepted => "15",
            Self::RecallRefused => "16",
        }
    }

    /// Reads `01`…`16`; also `1`, `5` (some systems drop the leading zero).
    pub fn from_code(text: &str) -> Option<Self> {
        let n: u8 = text.trim().parse().ok()?;
        Self::ALL
            .into_iter()
            .find(|c| c.code().parse::<u8>() == Ok(n))
    }

    /// The Vietnamese name of the status.
    pub fn label(self) -> &'static str {
        match self {
            Self::Arrived => "Đã đến",
            Self::Rejected => "Từ chối tiếp nhận",
            Self::Accepted => "Đã tiếp nhận",
            Self::Assigned => "Phân công",
            Self::Processing => "Đang xử lý",
            Self::Finished => "Hoàn thành",
            Self::RecallRequested => "Yêu cầu lấy lại, thu hồi",
            Self::RecallAccepted => "Đồng ý lấy lại, thu hồi",
            Self::RecallRefused => "Từ chối lấy lại, thu hồi",
        }
    }
}

/// The status packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPacket {
    /// Who sends the status (usually the receiving agency).
    pub from: Organization,
    /// The document it is about.
    pub response_for: ResponseFor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffInfo>,
    pub status: StatusCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub timestamp: EdDateTime,
}
