//! OpenAPI schemas (feature `openapi`, enabled by the server only, which publishes `/api/openapi.json`) of the
//! types whose wire form differs from their Rust shape: validated newtypes travel as strings with a format, a
//! pattern or a length, and a few `String` fields carry a closed set of codes. Every other DTO derives
//! `utoipa::ToSchema` beside its serde derives, so the document follows the types.

use std::borrow::Cow;

use utoipa::openapi::schema::{
    ArrayBuilder, ArrayItems, KnownFormat, Object, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::agency::{AgencyCode, ShortName};
use crate::civil_date::CivilDate;
use crate::text::Line;
use crate::time::Timestamp;
use crate::user::{Email, NewPassword, Phone, Username};

/// A string schema with a description and an example.
fn string(description: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .examples([example])
}

/// A string that is one of `values`.
fn codes(description: &str, values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().copied()))
        .build()
}

/// Implements `ToSchema` (a named component) for a type whose schema is `$schema`.
macro_rules! named_schema {
    ($ty:ty, $schema:expr) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                let object: Object = $schema;
                object.into()
            }
        }
        impl ToSchema for $ty {}
    };
}

named_schema!(
    AgencyCode,
    string(
        "Mã định danh of an agency: QCVN 102:2016 (`000.00.00.H62`, level 1 on the right) or QĐ 20/2020 \
         (`H62.05.01`, level 1 on the left); upper-case letters, digits and dots, at most 35 characters.",
        "000.00.31.H60",
    )
    .min_length(Some(3))
    .max_length(Some(35))
    .pattern(Some(
        r"^(?:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}|[A-Z][0-9]{2}(?:\.[A-Z0-9]+)*)$"
    ))
    .build()
);

named_schema!(
    ShortName,
    string(
        "Tên viết tắt: 1–15 letters (Vietnamese included, `Đ`) and digits, no spaces or dashes.",
        "TCBC",
    )
    .min_length(Some(1))
    .max_length(Some(15))
    .build()
);

named_schema!(
    CivilDate,
    string(
        "A calendar day in Vietnam, `YYYY-MM-DD` (a real date, years 1900–9999).",
        "2026-12-31",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
    .pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    .build()
);

named_schema!(
    Timestamp,
    string(
        "An instant, ISO 8601 / RFC 3339. The server always answers in Vietnam time to the second \
         (`+07:00`); it accepts any offset or `Z`, with optional fractions of a second.",
        "2026-11-26T12:33:00+07:00",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
    .build()
);

named_schema!(
    Username,
    string(
        "Sign-in name: 3–50 of `a–z 0–9 . _ -`, starting with a letter; compared case-insensitively and \
         stored in lower case.",
        "nguyen.van.a",
    )
    .min_length(Some(3))
    .max_length(Some(50))
    .pattern(Some(r"^[A-Za-z][A-Za-z0-9._-]*$"))
    .build()
);

named_schema!(
    NewPassword,
    string(
        "A new password: 10–128 characters with at least one letter and one digit.",
        "doi-mat-khau-2026",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
    .min_length(Some(NewPassword::MIN))
    .max_length(Some(NewPassword::MAX))
    .build()
);

named_schema!(
    Email,
    string(
        "An e-mail address: one `@`, a dotted domain, no spaces, at most 254 characters.",
        "vanthu@sonoivu.gov.vn",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
    .max_length(Some(254))
    .build()
);

named_schema!(
    Phone,
    string(
        "A phone number: 8–15 digits, optionally after `+`; spaces and dots are accepted and dropped.",
        "+84912345678",
    )
    .max_length(Some(40))
    .build()
);

impl<const MAX: usize> PartialSchema for Line<MAX> {
    fn schema() -> RefOr<Schema> {
        string(
            &format!(
                "One line of text, 1–{MAX} characters (counted in Unicode characters): stored in NFC, \
                 trimmed, no control characters or line breaks."
            ),
            "Về việc ban hành quy chế làm việc",
        )
        .min_length(Some(1))
        .max_length(Some(MAX))
        .build()
        .into()
    }
}

impl<const MAX: usize> ToSchema for Line<MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Line{MAX}"))
    }
}

/// Lower-case hex SHA-256 of a file's bytes (how every file is named).
pub fn sha256() -> Object {
    string(
        "Lower-case hex SHA-256 of the file's bytes (64 digits).",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    )
    .pattern(Some("^[0-9a-f]{64}$"))
    .min_length(Some(64))
    .max_length(Some(64))
    .build()
}

/// A list of file names by SHA-256.
pub fn sha256_list() -> ArrayBuilder {
    ArrayBuilder::new().items(ArrayItems::RefOrSchema(Box::new(sha256().into())))
}

/// `VersionDto.kind`.
pub fn version_kind() -> Object {
    codes(
        "`draft`: a version the drafter uploaded (v1, v2…, number and date fields reserved); `signed`: the \
         signer's signed revision; `issued`: numbered, dated and sealed by the clerk — what recipients \
         receive. In every version the file at `position` 0 is the main document.",
        &["draft", "signed", "issued"],
    )
}

/// `RegisterDto.direction`.
pub fn register_direction() -> Object {
    codes(
        "Which register: of outgoing (sổ văn bản đi) or incoming (sổ văn bản đến) documents.",
        &["outgoing", "incoming"],
    )
}

fn action_list(description: &str, values: &[&str]) -> ArrayBuilder {
    ArrayBuilder::new()
        .description(Some(description))
        .items(ArrayItems::RefOrSchema(Box::new(
            codes("An action.", values).into(),
        )))
}

/// `IncomingDto.assignment_actions`: `[[assignment id, [action…]]…]`.
pub fn assignment_actions() -> ArrayBuilder {
    let pair = ArrayBuilder::new()
        .description(Some("`[assignment id, [action…]]`"))
        .items(ArrayItems::False)
        .prefix_items([
            Schema::from(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .build(),
            ),
            Schema::from(
                action_list(
                    "What the caller may do with it.",
                    &crate::action::AssignmentAction::ALL
                        .iter()
                        .map(|a| a.code())
                        .collect::<Vec<_>>(),
                )
                .build(),
            ),
        ])
        .min_items(Some(2))
        .max_items(Some(2));
    ArrayBuilder::new()
        .description(Some(
            "Per assignment of the document, what the caller may do with it.",
        ))
        .items(ArrayItems::RefOrSchema(Box::new(pair.build().into())))
}

/// The values `HistoryEntry.action` takes in an outgoing document's history.
pub const OUTGOING_HISTORY_ACTIONS: &[&str] = &[
    "created",
    "submitted",
    "approved",
    "approved_to_signer",
    "returned_previous",
    "returned_drafter",
    "forwarded",
    "new_version",
    "edited",
    "signed",
    "issued",
    "recalled",
    "recall_agreed",
    "recall_refused",
    "recipient_returned",
];

/// The values `HistoryEntry.action` takes in an incoming document's history.
pub const INCOMING_HISTORY_ACTIONS: &[&str] = &[
    "arrived",
    "registered_by_hand",
    "accepted",
    "accepted_despite",
    "returned",
    "forwarded",
    "assigned",
    "assigned_in_unit",
    "noted",
    "reported",
    "filed",
    "reply_drafted",
    "completed",
    "closed",
    "urged",
    "handed_over",
    "recall_requested",
    "recall_agreed",
    "recall_refused",
];

/// `HistoryEntry.action`.
pub fn history_action() -> Object {
    let list = |codes: &[&str]| {
        codes
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    string(
        &format!(
            "Stable code of what happened; `label` says it in Vietnamese (show `label` for a code the client \
             does not know). Outgoing documents: {}. Incoming documents: {}.",
            list(OUTGOING_HISTORY_ACTIONS),
            list(INCOMING_HISTORY_ACTIONS)
        ),
        "submitted",
    )
    .build()
}

/// `AuditEntryDto.action`.
pub fn audit_action() -> Object {
    let labels: Vec<String> = crate::audit::ACTIONS
        .iter()
        .map(|(code, label)| format!("`{code}` ({label})"))
        .collect();
    let codes_only: Vec<&str> = crate::audit::ACTIONS.iter().map(|(c, _)| *c).collect();
    codes(
        &format!(
            "Stable code of the audited action, with the Vietnamese name the audit page shows: {}.",
            labels.join(", ")
        ),
        &codes_only,
    )
}

/// `LiveNotice.kind`, which is also the SSE event name.
pub fn live_kind() -> Object {
    codes(
        "`outgoing` (a document of this agency changed), `delivery` (a recipient's status changed), \
         `arrival` (a document arrived or was recalled), `task` (something waits for this user), \
         `incoming` (a received document changed), `urge` (a leader urges this user).",
        &[
            "outgoing", "delivery", "arrival", "task", "incoming", "urge",
        ],
    )
}

/// `HealthResponse.database`.
pub fn database_kind() -> Object {
    codes("The database the server runs on.", &["sqlite", "postgres"])
}

/// `HealthResponse.status`.
pub fn health_status() -> Object {
    codes("Always `ok` when the server answers.", &["ok"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: PartialSchema>() -> serde_json::Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    #[test]
    fn newtypes_are_strings_with_their_rules() {
        assert_eq!(json::<CivilDate>()["format"], "date");
        assert_eq!(json::<Timestamp>()["format"], "date-time");
        assert_eq!(json::<Line<500>>()["maxLength"], 500);
        assert_eq!(<Line<42> as ToSchema>::name(), "Line42");
        let code = json::<AgencyCode>();
        assert_eq!(code["type"], "string");
        assert_eq!(code["maxLength"], 35);
    }
}
