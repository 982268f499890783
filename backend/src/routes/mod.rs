//! HTTP handlers, one module per resource. A handler extracts, parses, makes one store call and returns a DTO.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod events;
pub mod health;
pub mod incoming;
pub mod me;
pub mod outgoing;
pub mod registers;
pub mod users;

use shared::role::Role;
use shared::user::UserDto;

use crate::error::AppError;

/// Which agencies an administrator manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminScope {
    /// The provincial administrator: every agency.
    All,
    /// An agency administrator: this agency only.
    Agency(i64),
}

impl AdminScope {
    /// The scope of `user`, or 403 when they administer nothing.
    pub fn of(user: &UserDto) -> Result<Self, AppError> {
        if user.has_role(Role::SystemAdmin) {
            Ok(Self::All)
        } else if user.has_role(Role::AgencyAdmin) {
            Ok(Self::Agency(user.agency.id))
        } else {
            Err(AppError::forbidden(
                "Chức năng này chỉ dành cho quản trị viên.",
            ))
        }
    }

    /// 403 unless the scope covers `agency_id`.
    pub fn check(self, agency_id: i64) -> Result<(), AppError> {
        match self {
            Self::All => Ok(()),
            Self::Agency(own) if own == agency_id => Ok(()),
            Self::Agency(_) => Err(AppError::forbidden(
                "Bạn chỉ quản trị được tài khoản và đơn vị của cơ quan mình.",
            )),
        }
    }

    /// The agency filter for listings: an agency admin always sees their own agency.
    pub fn agency_filter(self, asked: Option<i64>) -> Result<Option<i64>, AppError> {
        match (self, asked) {
            (Self::All, asked) => Ok(asked),
            (Self::Agency(own), None) => Ok(Some(own)),
            (Self::Agency(own), Some(a)) => {
                self.check(a)?;
                Ok(Some(own))
            }
        }
    }
}

/// The most lines a document list answers (the registers hold the rest).
pub const LIST_LIMIT: i64 = 500;

/// Cuts a list read with `LIST_LIMIT + 1` rows back to `LIST_LIMIT`, saying whether the bucket held more.
pub fn capped<T>(mut items: Vec<T>) -> (Vec<T>, bool) {
    let more = items.len() > LIST_LIMIT as usize;
    items.truncate(LIST_LIMIT as usize);
    (items, more)
}
