//! The command-line tools that need no database: `vanban pki` and `vanban pdf`.

pub mod pdf;
pub mod pki;
