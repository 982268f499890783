//! Roles (vai trò) a user can hold; a user holds one or more (Điều 15, 18, 20, 25.3 of the regulation).

use serde::{Deserialize, Serialize};

/// A role. The stable code (`snake_case`) is what the database and the API carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống: the provincial administrator, who manages every agency.
    SystemAdmin,
    /// Quản trị: administrator of one agency.
    AgencyAdmin,
    /// Văn thư: clerk; registers, numbers, seals and issues documents.
    Clerk,
    /// Lãnh đạo cơ quan: agency leader; assigns, approves, signs.
    AgencyLeader,
    /// Lãnh đạo đơn vị: unit leader; reviews drafts, assigns inside the unit.
    UnitLeader,
    /// Chuyên viên: official; drafts and handles documents.
    Official,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::SystemAdmin,
        Self::AgencyAdmin,
        Self::Clerk,
        Self::AgencyLeader,
        Self::UnitLeader,
        Self::Official,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::SystemAdmin => "system_admin",
            Self::AgencyAdmin => "agency_admin",
            Self::Clerk => "clerk",
            Self::AgencyLeader => "agency_leader",
            Self::UnitLeader => "unit_leader",
            Self::Official => "official",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The Vietnamese name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::SystemAdmin => "Quản trị hệ thống",
            Self::AgencyAdmin => "Quản trị",
            Self::Clerk => "Văn thư",
            Self::AgencyLeader => "Lãnh đạo cơ quan",
            Self::UnitLeader => "Lãnh đạo đơn vị",
            Self::Official => "Chuyên viên",
        }
    }

    /// Whether this role administers accounts (of one agency, or of all).
    pub fn is_admin(self) -> bool {
        matches!(self, Self::SystemAdmin | Self::AgencyAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.code())
            );
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
