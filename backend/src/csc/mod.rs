//! Remote signing (ký số từ xa) through the Cloud Signature Consortium API v2.
//!
//! - [`wire`]: the CSC request and answer bodies this product uses, shared by the client and the demo service.
//! - [`client`]: vanban's side: sign in with the agency's client credentials, list a person's credentials,
//!   ask for their approval (`credentials/authorize`, polling `credentials/authorizeCheck` when the provider
//!   answers 202) and for the signature (`signatures/signHash`).
//! - [`relay`]: a request's life on the server: recorded pending, driven in the background by the instance
//!   that took it, answered to any instance from the database.
//! - [`service`]: `vanban csc serve`, a small conforming provider over demo keys with a page that plays the
//!   provider's phone app (approve or refuse), so `make run` and the tests have a real counterpart.

pub mod client;
pub mod relay;
pub mod service;
pub mod wire;

/// The base URL of CSC calls joined with a method name (`credentials/list`).
pub fn method_url(base: &str, method: &str) -> String {
    format!("{}/{method}", base.trim_end_matches('/'))
}
