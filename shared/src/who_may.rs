//! Who may take a step, by role and place: one rule for the server (which decides) and the browser (whose
//! pickers offer only people the server will accept). A person is seen as a [`Member`]: agency, unit, roles and
//! whether the account is locked.

use crate::role::Role;
use crate::user::UserDto;

/// What the rules look at in a person.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub id: i64,
    pub agency_id: i64,
    pub unit_id: i64,
    pub roles: &'a [Role],
    pub locked: bool,
}

impl<'a> From<&'a UserDto> for Member<'a> {
    fn from(u: &'a UserDto) -> Self {
        Self {
            id: u.id,
            agency_id: u.agency.id,
            unit_id: u.unit.id,
            roles: &u.roles,
            locked: u.locked,
        }
    }
}

impl Member<'_> {
    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A reviewer of a draft (Điều 11: the draft goes up through the drafting unit's leader and the agency's
/// leaders): a leader of the drafter's agency, or a leader of the drafter's own unit; not the drafter.
pub fn may_review(candidate: Member, drafter: Member) -> bool {
    !candidate.locked
        && candidate.id != drafter.id
        && candidate.agency_id == drafter.agency_id
        && (candidate.has(Role::AgencyLeader)
            || (candidate.has(Role::UnitLeader) && candidate.unit_id == drafter.unit_id))
}

/// The signer of an agency's document: one of its leaders (agency or unit leaders; a unit leader signs
/// "TL."/"TUQ." or under a delegation).
pub fn may_sign(candidate: Member, agency_id: i64) -> bool {
    !candidate.locked
        && candidate.agency_id == agency_id
        && (candidate.has(Role::AgencyLeader) || candidate.has(Role::UnitLeader))
}

/// Someone incoming work can be assigned to (Điều 16–17): a person who handles documents — an official or a
/// leader of the agency; not a clerk or an administrator who holds no handling role.
pub fn may_handle(candidate: Member, agency_id: i64) -> bool {
    !candidate.locked
        && candidate.agency_id == agency_id
        && (candidate.has(Role::Official)
            || candidate.has(Role::UnitLeader)
            || candidate.has(Role::AgencyLeader))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: i64, agency_id: i64, unit_id: i64, roles: &[Role]) -> Member<'_> {
        Member {
            id,
            agency_id,
            unit_id,
            roles,
            locked: false,
        }
    }

    #[test]
    fn reviewers_are_the_leaders_of_the_drafters_unit_or_agency() {
        let drafter = m(1, 10, 100, &[Role::Official]);
        assert!(may_review(m(2, 10, 100, &[Role::UnitLeader]), drafter));
        assert!(may_review(m(3, 10, 101, &[Role::AgencyLeader]), drafter));
        assert!(
            !may_review(m(4, 10, 101, &[Role::UnitLeader]), drafter),
            "another unit's leader"
        );
        assert!(
            !may_review(m(5, 10, 100, &[Role::Official]), drafter),
            "a colleague"
        );
        assert!(!may_review(m(6, 10, 100, &[Role::Clerk]), drafter));
        assert!(
            !may_review(m(7, 11, 100, &[Role::AgencyLeader]), drafter),
            "another agency"
        );
        let leader = m(1, 10, 100, &[Role::UnitLeader]);
        assert!(!may_review(leader, leader), "not oneself");
        let locked = Member {
            locked: true,
            ..m(8, 10, 100, &[Role::AgencyLeader])
        };
        assert!(!may_review(locked, drafter));
    }

    #[test]
    fn signers_are_leaders_and_handlers_are_not_clerks_or_administrators() {
        assert!(may_sign(m(1, 10, 100, &[Role::AgencyLeader]), 10));
        assert!(may_sign(m(1, 10, 100, &[Role::UnitLeader]), 10));
        assert!(!may_sign(m(1, 10, 100, &[Role::Official]), 10));
        assert!(!may_sign(m(1, 11, 100, &[Role::AgencyLeader]), 10));
        assert!(may_handle(m(1, 10, 100, &[Role::Official]), 10));
        assert!(may_handle(
            m(1, 10, 100, &[Role::Official, Role::Clerk]),
            10
        ));
        assert!(!may_handle(m(1, 10, 100, &[Role::Clerk]), 10));
        assert!(!may_handle(m(1, 10, 100, &[Role::AgencyAdmin]), 10));
        assert!(!may_handle(m(1, 10, 100, &[Role::Official]), 11));
    }
}
