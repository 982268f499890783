//! One module per page the app mounts: the document workflow pages (Điều 11: văn bản đi; Điều 12: văn bản
//! đến; the register, the dashboard, delegations, handover) and `/ky-so`.

pub mod dashboard;
pub mod delegations;
pub mod document;
pub mod handover;
pub mod incoming_doc;
pub mod incoming_list;
pub mod intake;
pub mod new_draft;
pub mod outgoing_list;
pub mod register;
pub mod signing;
