//! The command-line tools: `vanban pki` and `vanban pdf` (no database), and `vanban bench` (benchmark data).

pub mod bench;
pub mod pdf;
pub mod pki;
