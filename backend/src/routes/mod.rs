//! HTTP handlers, one module per resource. A handler extracts, parses, makes one store call and returns a DTO.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod events;
pub mod health;
pub mod incoming;
pub mod me;
pub mod outgoing;
pub mod registers;
pub mod users;

/// The most lines a document list answers (the registers hold the rest).
pub const LIST_LIMIT: i64 = 500;

/// Cuts a list read with `LIST_LIMIT + 1` rows back to `LIST_LIMIT`, saying whether the bucket held more.
pub fn capped<T>(mut items: Vec<T>) -> (Vec<T>, bool) {
    let more = items.len() > LIST_LIMIT as usize;
    items.truncate(LIST_LIMIT as usize);
    (items, more)
}
