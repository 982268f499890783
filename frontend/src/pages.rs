//! One module per route.

pub mod admin;
pub mod change_password;
pub mod home;
pub mod login;
pub mod sections;
pub mod signed_in;
pub mod signing;
pub mod verify;
pub mod work;
