//! Live events: what the server announces after a change commits (to every instance sharing the database) and
//! what `GET /api/events` sends each browser concerned.

use serde::{Deserialize, Serialize};

/// A live event (server-sent, `GET /api/events`): something changed for the caller's agency or for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// `outgoing` (a document of this agency changed), `delivery` (a recipient's status changed),
    /// `arrival` (a document arrived or was recalled), `task` (something waits for this user), `incoming` (a
    /// received document changed), `urge` (a leader urges this user).
    pub kind: String,
    pub outgoing_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_id: Option<i64>,
    /// The incoming document concerned (`kind` `incoming`, `task`, `urge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_id: Option<i64>,
    /// Agencies whose people should hear it.
    pub agencies: Vec<i64>,
    /// Users who should hear it (whatever their agency).
    #[serde(default)]
    pub users: Vec<i64>,
    /// Who made the change (their own pages refresh, but they get no notification of it).
    #[serde(default)]
    pub actor: Option<i64>,
    /// A line a notification can show.
    pub text: String,
    /// What the step told particular people (the sentence of their stored notification), shown to them instead
    /// of `text`.
    #[serde(default)]
    pub personal: Vec<(i64, String)>,
}

/// What `GET /api/events` sends a browser for one [`LiveEvent`]: enough to know what to refetch and a line to
/// show, never who else it concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveNotice {
    /// What changed (also the SSE event name).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::live_kind))]
    pub kind: String,
    /// The outgoing document concerned (0 when none).
    pub outgoing_id: i64,
    /// The delivery concerned (`delivery`, `arrival`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_id: Option<i64>,
    /// The incoming document concerned (`incoming`, `task`, `urge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_id: Option<i64>,
    /// A line a notification can show; empty for a refresh-only event.
    pub text: String,
    /// The change is the user's own doing: refresh, but do not notify.
    #[serde(default)]
    pub own: bool,
}

impl LiveNotice {
    /// The notice of `e` for the user `user_id`.
    pub fn of(e: &LiveEvent, user_id: i64) -> Self {
        Self {
            kind: e.kind.clone(),
            outgoing_id: e.outgoing_id,
            delivery_id: e.delivery_id,
            incoming_id: e.incoming_id,
            text: e
                .personal
                .iter()
                .find(|(u, _)| *u == user_id)
                .map_or_else(|| e.text.clone(), |(_, t)| t.clone()),
            own: e.actor == Some(user_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_marked_own_only_for_whoever_made_the_change() {
        let e = LiveEvent {
            personal: Vec::new(),
            kind: "task".into(),
            outgoing_id: 7,
            delivery_id: None,
            incoming_id: None,
            agencies: vec![1],
            users: vec![2, 3],
            actor: Some(3),
            text: "x".into(),
        };
        assert!(!LiveNotice::of(&e, 2).own);
        assert!(LiveNotice::of(&e, 3).own);
    }

    #[test]
    fn a_person_told_something_particular_reads_it_and_the_others_read_the_common_line() {
        let e = LiveEvent {
            personal: vec![(2, "Dự thảo bị trả lại: thiếu số liệu — X".into())],
            kind: "task".into(),
            outgoing_id: 7,
            delivery_id: None,
            incoming_id: None,
            agencies: vec![1],
            users: vec![2, 4],
            actor: Some(3),
            text: "Dự thảo đã được xử lý: X".into(),
        };
        assert_eq!(
            LiveNotice::of(&e, 2).text,
            "Dự thảo bị trả lại: thiếu số liệu — X"
        );
        assert_eq!(LiveNotice::of(&e, 4).text, "Dự thảo đã được xử lý: X");
    }
}
