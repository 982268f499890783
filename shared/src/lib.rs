//! Domain types shared by the vanban server and the browser app.
//!
//! Everything here compiles for `wasm32-unknown-unknown` and natively: no IO, no async runtime. Validated
//! newtypes deserialize through `TryFrom` ("parse, don't validate"), so the very same rule runs in a browser
//! form and again on the server.

pub mod action;
pub mod agency;
pub mod api;
pub mod audit;
pub mod auth;
pub mod blob;
pub mod certificate;
pub mod civil_date;
pub mod client;
pub mod document;
pub mod error;
pub mod exchange;
pub mod health;
pub mod incoming;
#[cfg(feature = "crypto")]
pub mod keystore;
pub mod list_query;
pub mod live_event;
pub mod notification;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod outgoing;
pub mod pdf;
#[cfg(feature = "crypto")]
pub mod pki;
pub mod record_file;
pub mod remote_signing;
pub mod report;
pub mod revocation;
pub mod role;
pub mod search;
pub mod signature;
pub mod status;
pub mod text;
pub mod time;
pub mod user;
pub mod verification;
pub mod who_may;
pub mod worker_protocol;

pub use error::{ApiError, ErrorCode, FieldError};

/// Lower-case hex of bytes, the form every digest takes in the API, the database and on the command line.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
