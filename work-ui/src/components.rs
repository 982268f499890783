//! Pieces of the pages that do no IO of their own: they show what they are given and report what the person
//! did through signals.

pub mod busy_bar;
pub mod dialog;
pub mod form;
pub mod image_picker;
pub mod key_picker;
pub mod list_filters;
pub mod list_parts;
pub mod placement_box;
pub mod report_card;
pub mod text_field;
pub mod unit_form;
pub mod user_form;

pub use busy_bar::{Busy, BusyBar, progress_of, set_busy};
pub use image_picker::ImagePicker;
pub use key_picker::{KeyPicker, NoKeyNotice};
pub use placement_box::{PlacementBox, Rect};
pub use report_card::{ReportCard, level};
