//! The vanban server: HTTP API, persistence and command-line tools. `main.rs` is only the CLI.

pub mod access;
pub mod app;
pub mod archive;
pub mod assets;
pub mod auth;
pub mod blob;
pub mod config;
pub mod csc;
pub mod error;
pub mod exchange;
pub mod extract;
pub mod openapi;
pub mod password;
pub mod pki_dir;
pub mod print;
pub mod report_export;
pub mod revocation;
pub mod routes;
pub mod search_text;
pub mod seed;
pub mod signing;
pub mod store;
pub mod sweep;
pub mod tsa;
