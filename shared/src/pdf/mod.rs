//! The PDF core: what the browser and the server both do with PDF files. Pure code over byte slices: callers
//! read the file (a `File` in the browser, a file on disk on the server) and feed it in chunks, so a 200 MB
//! document is never copied in memory.
//!
//! With the `crypto` feature: reading PDFs ([`document`]), incremental updates ([`update`]), PAdES signing
//! ([`sign`]) with RFC 3161 signature timestamps ([`tsp`] the protocol, [`timestamp`] tokens in signatures), form filling after signing ([`fill`]), long-term validation data and document timestamps (PAdES B-LT/B-LTA, [`ltv`]) and verification with modification analysis ([`verify`]); the scan for active content that must never be
//! issued ([`active`]);
//! the text layer of pages and documents ([`text`], fonts in [`fontinfo`] and [`encoding`]), the box a page's
//! content covers ([`bbox`]) and the metadata an incoming document's PDF suggests ([`prefill`]).

pub mod byte_range;

pub use byte_range::{ByteRange, ByteRangeError, ByteRangeHasher};

/// `GET /api/pki/trust-anchors`: the trust anchors for verifying signatures and the CRLs the server holds, PEM.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustAnchorsResponse {
    /// PEM certificates of the trusted CAs.
    pub anchors: Vec<String>,
    /// PEM CRLs the server holds for them (the latest of each issuer), so the browser's verifier judges
    /// revocation at the signing time as the server does.
    #[serde(default)]
    pub crls: Vec<String>,
}

#[cfg(feature = "crypto")]
pub mod active;
#[cfg(feature = "crypto")]
pub mod algorithms;
#[cfg(feature = "crypto")]
pub mod appearance;
#[cfg(feature = "crypto")]
pub mod bbox;
#[cfg(feature = "crypto")]
pub mod ber;
#[cfg(feature = "crypto")]
pub mod chain;
#[cfg(feature = "crypto")]
pub mod cms;
#[cfg(feature = "crypto")]
pub mod content;
#[cfg(feature = "crypto")]
pub mod diff;
#[cfg(feature = "crypto")]
pub mod document;
#[cfg(feature = "crypto")]
pub mod encoding;
#[cfg(feature = "crypto")]
pub mod error;
#[cfg(feature = "crypto")]
pub mod fill;
#[cfg(feature = "crypto")]
pub mod filter;
#[cfg(feature = "crypto")]
pub mod font;
#[cfg(feature = "crypto")]
pub mod fontinfo;
#[cfg(feature = "crypto")]
pub mod ltv;
#[cfg(feature = "crypto")]
pub mod nd30;
#[cfg(feature = "crypto")]
pub mod object;
#[cfg(feature = "crypto")]
pub mod ocsp;
#[cfg(feature = "crypto")]
pub mod parse;
#[cfg(feature = "crypto")]
pub mod prefill;
#[cfg(feature = "crypto")]
pub mod revocation;
#[cfg(feature = "crypto")]
pub mod sign;
#[cfg(feature = "crypto")]
pub mod source;
#[cfg(feature = "crypto")]
pub mod stamp;
#[cfg(all(test, feature = "crypto"))]
mod test_pdf;
#[cfg(feature = "crypto")]
pub mod text;
#[cfg(feature = "crypto")]
pub mod timestamp;
#[cfg(feature = "crypto")]
pub mod tsp;
#[cfg(feature = "crypto")]
pub mod update;
#[cfg(feature = "crypto")]
pub mod verify;
#[cfg(feature = "crypto")]
pub mod xmp;

#[cfg(feature = "crypto")]
pub use error::{PdfError, PdfResult};
