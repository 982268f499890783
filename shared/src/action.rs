//! What a person may do with a document now: the buttons a page shows. The server decides them (in its access
//! module) with the same rules it enforces when the action is attempted; on the wire each is a snake_case name.

use serde::{Deserialize, Serialize};

/// Defines an action enum with its wire names, and comparison with a name (`doc.actions.iter().any(|a| a == "sign")`).
macro_rules! actions {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant,)*
        }

        impl $name {
            /// Every action, in the order a page lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The wire name.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.code() == other
            }
        }
    };
}

actions!(
    /// What the caller may do with an outgoing document (`OutgoingDto::actions`).
    OutgoingAction {
        /// The drafter sends the draft (or a returned one) into the circuit.
        Submit = "submit",
        /// The drafter uploads a new version of a draft or a returned document.
        NewVersion = "new_version",
        /// The drafter changes the metadata of a draft or a returned document (`PUT /api/outgoing/{id}`).
        Edit = "edit",
        /// The reviewer holding the current step approves, forwards or returns it.
        Review = "review",
        /// The signer (or their delegate for signing) signs.
        Sign = "sign",
        /// The signer returns it to the drafter instead of signing.
        Return = "return",
        /// The agency's clerk numbers, seals and issues it.
        Issue = "issue",
        /// The clerk, the agency leader or the signer asks the recipients to give it back.
        Recall = "recall",
    }
);

actions!(
    /// What the caller may do with an incoming document as a whole (`IncomingDto::actions`).
    IncomingAction {
        /// The clerk accepts it into the incoming register (gives it its số đến).
        Accept = "accept",
        /// The clerk returns it to the sender with a reason.
        Return = "return",
        /// The clerk forwards it to a leader to assign.
        Forward = "forward",
        /// The leader it waits with (or their delegate) assigns it.
        Assign = "assign",
        /// The clerk answers the sender's recall request.
        AnswerRecall = "answer_recall",
        /// The assigning leader (or an agency leader) closes the handling explicitly, with a reason, although a
        /// lead or a co-operating part has not finished (Điều 12–20).
        Close = "close",
    }
);

actions!(
    /// What the caller may do with one assignment (`IncomingDto::assignment_actions`).
    AssignmentAction {
        /// A unit leader assigns unit-wide work further, to people of the unit.
        Assign = "assign",
        /// The handler drafts a reply linked to the document.
        Reply = "reply",
        /// The handler reports progress.
        Report = "report",
        /// The handler files the document (adds it to a record).
        File = "file",
        /// The handler completes the work.
        Complete = "complete",
        /// Someone informed notes that they read it.
        Note = "note",
        /// A leader above the handler urges them.
        Urge = "urge",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_travel_as_their_snake_case_names() {
        assert_eq!(
            serde_json::to_string(&OutgoingAction::NewVersion).unwrap(),
            "\"new_version\""
        );
        assert_eq!(
            serde_json::from_str::<IncomingAction>("\"answer_recall\"").unwrap(),
            IncomingAction::AnswerRecall
        );
        for a in AssignmentAction::ALL {
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
        assert!(OutgoingAction::Sign == *"sign");
        assert_eq!(
            serde_json::from_str::<OutgoingAction>("\"edit\"").unwrap(),
            OutgoingAction::Edit
        );
        assert!(serde_json::from_str::<OutgoingAction>("\"delete\"").is_err());
    }
}
