//! Digital signatures in the browser: the client of the signing worker and the `/ky-so` page.

pub mod page;
pub mod worker;
