//! The backend's integration tests, as one test binary (one link instead of one per file): API tests through
//! the real router, the store conformance suite, the authorization matrix, the CLI, the PDF judges and the
//! concurrency tests, each scenario on SQLite and on PostgreSQL where it touches the store. `common` holds the
//! fixtures and the typed client every module uses.
//!
//! Run one module with a filter: `cargo test -p backend --test it access_matrix::`.

#[macro_use]
mod common;

mod access_matrix;
mod access_rules;
mod api_admin;
mod api_auth;
mod api_bad_input;
mod api_incoming;
mod api_outgoing;
mod api_static;
mod audit_log;
mod bench_incoming;
mod bench_scale;
mod bench_search;
mod blob_store;
mod certificates;
mod cli;
mod cli_edxml;
mod crash;
mod exchange;
mod exchange_chaos;
mod intermediate_ocsp;
mod issue_concurrency;
mod lists;
mod long_term;
mod notifications;
mod ocsp_only;
mod openapi;
mod ops;
mod pdf_judges;
mod print_layout;
mod printouts;
mod record_files;
mod remote_signing;
mod reports;
mod s3_deployment;
mod search;
mod seed_demo;
mod sign_in;
mod storage;
mod store_conformance;
mod timestamps;
mod verification;
mod wire;
