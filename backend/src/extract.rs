//! Request extractors that answer every malformed input with the one error shape, in Vietnamese:
//! JSON bodies (content type, size, syntax, types, unknown and missing fields, field rules), query strings
//! and numeric path ids.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shared::{ApiError, ErrorCode, FieldError};

use crate::error::AppError;

/// Largest JSON body any endpoint accepts.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON body, parsed into `T` with every field rule of the shared crate applied.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::BadRequest(
                "Dữ liệu phải được gửi dưới dạng JSON (Content-Type: application/json).".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge("Dữ liệu gửi lên quá lớn.")
            } else {
                AppError::BadRequest("Không đọc được dữ liệu gửi lên.".into())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the field at fault in Vietnamese.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        json_error(&path, &inner)
    })?;
    // `{…} xx` is not one JSON value: what follows the value (other than whitespace) is refused, not ignored.
    de.end().map_err(|_| {
        AppError::BadRequest("Dữ liệu JSON không hợp lệ: có dữ liệu thừa sau giá trị JSON.".into())
    })?;
    Ok(value)
}

fn json_error(path: &str, e: &serde_json::Error) -> AppError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            AppError::BadRequest("Dữ liệu JSON không hợp lệ (sai cú pháp hoặc bị cắt cụt).".into())
        }
        Category::Data => {
            // serde's own messages are in English and start with a known phrase; anything else is the
            // Vietnamese message of a shared-crate rule (a validated newtype refusing the value).
            let raw = e.to_string();
            let msg = raw.split(" at line ").next().unwrap_or(&raw).to_string();
            let field = match path {
                "." | "" => String::new(),
                p => p.to_string(),
            };
            let join = |name: String| {
                if field.is_empty() {
                    name
                } else {
                    format!("{field}.{name}")
                }
            };
            let (code, field, message) = if msg.starts_with("unknown field") {
                // The path already ends at the unknown field.
                let name = between_backticks(&msg).unwrap_or_default();
                (
                    ErrorCode::BadRequest,
                    field.clone(),
                    format!("Trường không được hỗ trợ: {name}."),
                )
            } else if msg.starts_with("missing field") {
                let name = between_backticks(&msg).unwrap_or_default();
                (
                    ErrorCode::BadRequest,
                    join(name.clone()),
                    format!("Thiếu trường bắt buộc: {name}."),
                )
            } else if msg.starts_with("invalid type") {
                let m = format!("Sai kiểu dữ liệu ở trường {}.", display_field(&field));
                (ErrorCode::BadRequest, field, m)
            } else if msg.starts_with("unknown variant") || msg.starts_with("invalid value") {
                let m = format!("Giá trị không hợp lệ ở trường {}.", display_field(&field));
                (ErrorCode::BadRequest, field, m)
            } else if ["invalid length", "duplicate field", "expected"]
                .iter()
                .any(|p| msg.starts_with(p))
            {
                let m = format!("Dữ liệu không hợp lệ ở trường {}.", display_field(&field));
                (ErrorCode::BadRequest, field, m)
            } else {
                (ErrorCode::Validation, field, msg)
            };
            let fields = if field.is_empty() {
                vec![]
            } else {
                vec![FieldError {
                    field,
                    message: message.clone(),
                }]
            };
            let err = ApiError {
                code,
                message,
                fields,
            };
            match code {
                ErrorCode::Validation => AppError::Validation(err),
                _ => AppError::BadRequestFields(err),
            }
        }
    }
}

fn display_field(field: &str) -> String {
    if field.is_empty() {
        "gốc".to_string()
    } else {
        field.to_string()
    }
}

fn between_backticks(s: &str) -> Option<String> {
    let start = s.find('`')? + 1;
    let end = s[start..].find('`')? + start;
    Some(s[start..end].to_string())
}

/// A query string parsed into `T`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|_| AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))
    }
}

/// The numeric `{id}` of a path.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(id) = axum::extract::Path::<i64>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("Đường dẫn không hợp lệ: mã số phải là số nguyên."))?;
        Ok(IdPath(id))
    }
}
