//! The clerk's issue (to be written).
