//! edXML packets of QCVN 102:2016 (the document axis between agencies' systems): the document packet and the
//! status packet as data ([`model`]), written strictly and canonically ([`build`]) and read as tolerantly as
//! the systems on the axis require ([`parse`]). No IO: the exchange module of the server moves the bytes.
//!
//! `parse(build(x)) == x` for every packet `build` accepts (property-tested), and the JSON of the model is the
//! CLI's contract (`vanban edxml parse --json`, `vanban edxml build`).

mod b64;
pub mod build;
pub mod date;
pub mod error;
pub mod model;
pub mod parse;
pub mod unzip;

pub use build::{build, build_document, build_status};
pub use date::{EdDate, EdDateTime};
pub use error::EdxmlError;
pub use model::*;
pub use parse::{NAMESPACE, parse};
