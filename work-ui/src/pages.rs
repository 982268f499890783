//! One module per page the app mounts: the document workflow pages (Điều 11: văn bản đi; Điều 12: văn bản
//! đến; the register, the dashboard, delegations, handover), the administration's accounts and units tabs
//! (with the agency's storage) and `/ky-so`.

pub mod admin;
pub mod agency_storage;
pub mod dashboard;
pub mod delegations;
pub mod document;
pub mod handover;
pub mod incoming_doc;
pub mod incoming_list;
pub mod intake;
pub mod new_draft;
pub mod notifications;
pub mod outgoing_list;
pub mod record_files;
pub mod register;
pub mod report;
pub mod search;
pub mod signing;
