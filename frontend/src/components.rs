//! Building blocks of the pages. Nothing here calls the API: data comes in through props, what people do goes
//! out through callbacks.

pub mod feedback;
pub mod search_box;
pub mod shell;
pub mod text_field;
pub mod toast;
