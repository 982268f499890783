//! Trusted time (RFC 3161, PAdES B-T). `client` asks a time-stamping authority for a token over a signature's
//! value (one round trip); `service` is the HTTP face of `vanban tsa serve`, the demo province's own TSA;
//! `stamp` puts a token into a signature a browser uploaded, in place. Long-term validation (B-LT, B-LTA):
//! `ltv` appends the validation data and a document timestamp to issued files and renews it in the archive.

pub mod client;
pub mod ltv;
pub mod service;
pub mod stamp;
