//! What is wrong with a packet, named so that the sender's operator can find it.

/// Why a packet could not be read. Every message names the element (as a path from the root, local names) and is
/// in Vietnamese, because it ends up in the exchange admin page and in the status sent back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdxmlError {
    /// Not XML at all, or cut off.
    #[error("gói tin không phải XML hợp lệ: {0}")]
    NotXml(String),
    /// XML, but neither a document nor a status packet.
    #[error("không phải gói tin edXML: không có phần tử MessageHeader (hoặc Status)")]
    NotEdxml,
    /// A required element is missing or empty.
    #[error("thiếu phần tử bắt buộc {0}")]
    Missing(String),
    /// An element's text cannot be read as what it must be.
    #[error("giá trị không hợp lệ ở {path}: {value:?} ({expected})")]
    Invalid {
        path: String,
        value: String,
        expected: &'static str,
    },
    /// An attachment cannot be decoded.
    #[error("tệp đính kèm {content_id} không đọc được: {reason}")]
    Attachment { content_id: String, reason: String },
}
