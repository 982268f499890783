//! The six-month report as files: a spreadsheet ([`xlsx`], rust_xlsxwriter) and a PDF ([`pdf`], the print
//! module), each carrying exactly the numbers of the JSON answer (`shared::report::SummaryReport`).

mod pdf;
mod xlsx;

pub use pdf::pdf;
pub use xlsx::xlsx;
