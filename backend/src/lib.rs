//! The vanban server: HTTP API, persistence and command-line tools. `main.rs` is only the CLI.

pub mod access;
pub mod app;
pub mod assets;
pub mod auth;
pub mod blob;
pub mod config;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod signing;
pub mod store;
