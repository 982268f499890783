//! HTTP handlers, one module per resource. A handler extracts, parses, makes one store call and returns a DTO.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod certificates;
pub mod events;
pub mod exchange;
pub mod file_response;
pub mod health;
pub mod incoming;
pub mod me;
pub mod notifications;
pub mod ops;
pub mod outgoing;
pub mod printouts;
pub mod record_files;
pub mod registers;
pub mod remote_signing;
pub mod reports;
pub mod search;
pub mod users;
pub mod verify;

/// The filters, sort and page of a document list from the raw query of its address, and the pairs named in
/// `route_keys` (the bucket, the drill-down) for the route itself. A bad value is a 422 naming its parameter.
pub fn list_query(
    kind: shared::list_query::ListKind,
    raw: Option<&str>,
    route_keys: &[&str],
) -> Result<(shared::list_query::ListQuery, Vec<(String, String)>), crate::error::AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| crate::error::AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))?;
    shared::list_query::ListQuery::parse(kind, pairs, route_keys)
        .map_err(|e| crate::error::AppError::field(&e.param, e.message))
}

/// The most lines the handler's queue answers (the lists page instead).
pub const LIST_LIMIT: i64 = 500;
