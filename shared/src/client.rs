//! What a browser client makes of a failed request: one error type for both WASM bundles (the app and the
//! work bundle), always with a Vietnamese sentence to show, so no failure ends in a blank page. Requests to the
//! server, to the signing worker and to the browser itself (reading a chosen file) fail the same way.

use crate::worker_protocol::WorkerError;
use crate::{ApiError, ErrorCode};

/// Shown when the request never got an answer.
pub const NETWORK_MESSAGE: &str = "Không kết nối được máy chủ. Vui lòng thử lại.";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// No answer: the network is down or the server is not running.
    Network,
    /// The server answered with the API's error shape.
    Api(ApiError),
    /// The server answered with something that is not the API's error shape (e.g. a proxy error page).
    Unreadable(u16),
    /// The signing worker did not start or stopped answering.
    WorkerUnavailable,
    /// The signing worker could not do what was asked.
    Worker(WorkerError),
    /// The browser could not read a chosen file.
    FileUnreadable,
    /// The browser could not make a file (to download or to hand to the worker).
    FileNotCreated,
    /// A check made in the page before anything was sent, with its sentence (e.g. "Văn bản chưa có tệp.").
    Invalid(String),
}

impl ClientError {
    /// The sentence to show to people.
    pub fn message(&self) -> String {
        match self {
            Self::Network => NETWORK_MESSAGE.to_string(),
            Self::Api(e) => e.message.clone(),
            Self::Unreadable(status) => {
                format!("Máy chủ trả lời không đúng dạng (mã {status}). Vui lòng thử lại sau.")
            }
            Self::WorkerUnavailable => {
                "Bộ ký số không khởi động được trong trình duyệt này. Vui lòng tải lại trang."
                    .into()
            }
            Self::Worker(e) => e.to_string(),
            Self::FileUnreadable => "Không đọc được tệp.".into(),
            Self::FileNotCreated => "Trình duyệt không tạo được tệp.".into(),
            Self::Invalid(message) => message.clone(),
        }
    }

    /// The server's message for one field of the request, if it named that field.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Api(e) => e.message_for(name).map(str::to_string),
            _ => None,
        }
    }

    /// The server's error code, if the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(e) => Some(e.code),
            _ => None,
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ClientError {}

impl From<WorkerError> for ClientError {
    fn from(e: WorkerError) -> Self {
        Self::Worker(e)
    }
}

impl From<&str> for ClientError {
    /// A page-side check's sentence.
    fn from(message: &str) -> Self {
        Self::Invalid(message.to_string())
    }
}

pub type ApiResult<T> = Result<T, ClientError>;
