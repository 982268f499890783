//! Why a PDF could not be read, signed or filled. Messages are Vietnamese: they reach officials as they are.

/// A PDF operation that failed, with a message an official can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PdfError {
    #[error("Tệp không phải là PDF (thiếu phần đầu %PDF-).")]
    NotPdf,
    #[error("Tệp PDF bị hỏng ({0}); hãy xuất lại tệp từ phần mềm soạn thảo.")]
    Malformed(String),
    #[error("Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi thử lại.")]
    Encrypted,
    #[error(
        "Tệp PDF quá lớn hoặc quá phức tạp để kiểm tra an toàn ({0}); hãy xuất lại tệp gọn hơn."
    )]
    TooComplex(String),
    #[error("Tệp PDF dùng tính năng chưa được hỗ trợ: {0}.")]
    Unsupported(String),
    #[error("Không thể ký: {0}")]
    Signing(String),
    #[error("Vị trí không hợp lệ: {0}")]
    Placement(String),
    #[error("Không thể điền số, ngày văn bản: {0}")]
    Filling(String),
    /// The validation data (DSS) or the document timestamp could not be added (PAdES B-LT/B-LTA).
    #[error("Không lập được dữ liệu kiểm tra dài hạn: {0}")]
    LongTerm(String),
}

impl PdfError {
    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        Self::Malformed(what.into())
    }
}

pub type PdfResult<T> = Result<T, PdfError>;
