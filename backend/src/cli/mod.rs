//! The command-line tools: `vanban pki`, `vanban pdf` and `vanban edxml` (no database), `vanban tsa serve` (the
//! demo time-stamping authority), `vanban csc serve` (the demo remote signing provider) and `vanban bench` (benchmark data).

pub mod bench;
pub mod csc;
pub mod edxml;
pub mod pdf;
pub mod pki;
pub mod tsa;
