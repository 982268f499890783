//! The signer's signature on a document (to be written).
