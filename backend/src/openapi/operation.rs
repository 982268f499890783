//! One operation of the document being described: who may call, parameters, body, answers; the answers
//! every operation shares (401, 403, 404, 500) are added by [`Op::build`] from the path and the method.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Schema};

use super::{CSRF, SESSION};

pub(super) type Schemas = Vec<(String, RefOr<Schema>)>;

/// A reference to `T`'s component, collecting `T` and what it refers to into `schemas`.
pub(super) fn reference<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let name = T::name().into_owned();
    schemas.push((name.clone(), T::schema()));
    T::schemas(schemas);
    RefOr::Ref(Ref::from_schema_name(name))
}

pub(super) fn integer() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .into()
}

pub(super) fn pdf() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type("application/pdf")
        .description(Some("The bytes of a PDF file."))
        .into()
}

/// One operation being described.
pub(super) struct Op {
    pub(super) method: HttpMethod,
    pub(super) path: &'static str,
    tag: &'static str,
    summary: &'static str,
    description: Vec<String>,
    signed_in: bool,
    /// `/api/me`, its password and sign-out answer while a password change is pending.
    before_password_change: bool,
    params: Vec<Parameter>,
    body: Option<utoipa::openapi::request_body::RequestBody>,
    answers: BTreeMap<u16, utoipa::openapi::Response>,
    errors: BTreeMap<u16, Vec<String>>,
    schemas: Schemas,
}

pub(super) fn op(
    method: HttpMethod,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
) -> Op {
    Op {
        method,
        path,
        tag,
        summary,
        description: Vec::new(),
        signed_in: true,
        before_password_change: false,
        params: Vec::new(),
        body: None,
        answers: BTreeMap::new(),
        errors: BTreeMap::new(),
        schemas: Vec::new(),
    }
}

pub(super) fn get(path: &'static str, tag: &'static str, summary: &'static str) -> Op {
    op(HttpMethod::Get, path, tag, summary)
}
pub(super) fn post(path: &'static str, tag: &'static str, summary: &'static str) -> Op {
    op(HttpMethod::Post, path, tag, summary)
}
pub(super) fn put(path: &'static str, tag: &'static str, summary: &'static str) -> Op {
    op(HttpMethod::Put, path, tag, summary)
}
pub(super) fn delete(path: &'static str, tag: &'static str, summary: &'static str) -> Op {
    op(HttpMethod::Delete, path, tag, summary)
}

impl Op {
    pub(super) fn is_write(&self) -> bool {
        !matches!(self.method, HttpMethod::Get | HttpMethod::Head)
    }

    /// Who may call (the first paragraph of the description).
    pub(super) fn who(mut self, who: &str) -> Self {
        self.description.insert(0, format!("**Who:** {who}."));
        self
    }

    pub(super) fn describe(mut self, text: &str) -> Self {
        self.description.push(text.to_string());
        self
    }

    /// No session needed.
    pub(super) fn public(mut self) -> Self {
        self.signed_in = false;
        self
    }

    pub(super) fn before_password_change(mut self) -> Self {
        self.before_password_change = true;
        self
    }

    pub(super) fn query(
        mut self,
        name: &str,
        required: bool,
        schema: RefOr<Schema>,
        text: &str,
    ) -> Self {
        self.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .description(Some(text))
                .schema(Some(schema))
                .build(),
        );
        if !self.errors.contains_key(&400) {
            self.err(
                400,
                "`bad_request`: a query parameter is malformed or unknown",
            )
        } else {
            self
        }
    }

    pub(super) fn query_of<T: ToSchema>(mut self, name: &str, required: bool, text: &str) -> Self {
        let schema = reference::<T>(&mut self.schemas);
        self.query(name, required, schema, text)
    }

    /// A raw PDF body (`application/pdf`).
    pub(super) fn pdf_body(mut self, text: &str) -> Self {
        self.body = Some(
            RequestBodyBuilder::new()
                .description(Some(text))
                .required(Some(Required::True))
                .content(
                    "application/pdf",
                    ContentBuilder::new().schema(Some(pdf())).build(),
                )
                .build(),
        );
        self
    }

    /// An XML body (an edXML packet of QCVN 102:2016).
    pub(super) fn xml_body(mut self, text: &str) -> Self {
        self.body = Some(
            RequestBodyBuilder::new()
                .description(Some(text))
                .required(Some(Required::True))
                .content(
                    "application/xml",
                    ContentBuilder::new()
                        .schema(Some(Schema::from(
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .content_media_type("application/xml")
                                .description(Some("An edXML packet (QCVN 102:2016).")),
                        )))
                        .build(),
                )
                .build(),
        );
        self
    }

    /// A JSON body of type `T` (unknown fields are refused).
    pub(super) fn json<T: ToSchema>(mut self) -> Self {
        let schema = reference::<T>(&mut self.schemas);
        self.body = Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(schema)).build(),
                )
                .build(),
        );
        self.err(
            400,
            "`bad_request`: not `application/json`, malformed JSON, a missing or unknown field, a wrong type \
             or an unknown enum value (`fields` names the field)",
        )
        .err(
            413,
            "`payload_too_large`: the body is over 64 KiB",
        )
        .err(
            422,
            "`validation`: a value breaks a rule of its type (length, format, date…); `fields` names it",
        )
    }

    /// A JSON body of type `T` with an example (which must parse as a `T`: checked in debug builds, so the
    /// tests catch an example that drifted from its type).
    pub(super) fn json_example<T: ToSchema + DeserializeOwned>(self, example: Value) -> Self {
        debug_assert!(
            serde_json::from_value::<T>(example.clone()).is_ok(),
            "the example body of {} does not parse as {}",
            self.path,
            T::name()
        );
        let mut op = self.json::<T>();
        if let Some(content) = op
            .body
            .as_mut()
            .and_then(|b| b.content.get_mut("application/json"))
        {
            content.example = Some(example);
        }
        op
    }

    /// The operation takes no body (one sent is ignored).
    pub(super) fn no_body(self) -> Self {
        self.describe("Takes **no body**; one sent is ignored.")
    }

    pub(super) fn answer(mut self, status: u16, response: utoipa::openapi::Response) -> Self {
        self.answers.insert(status, response);
        self
    }

    /// A JSON answer of type `T`.
    pub(super) fn ok<T: ToSchema>(mut self, status: u16, text: &str) -> Self {
        let schema = reference::<T>(&mut self.schemas);
        self.answer(status, json_response(text, schema))
    }

    /// A JSON array of `T`.
    pub(super) fn ok_list<T: ToSchema>(mut self, status: u16, text: &str) -> Self {
        let item = reference::<T>(&mut self.schemas);
        let list = ArrayBuilder::new().items(item).build();
        self.answer(status, json_response(text, Schema::Array(list).into()))
    }

    pub(super) fn no_content(self, text: &str) -> Self {
        self.answer(204, ResponseBuilder::new().description(text).build())
    }

    /// A reason for an error answer (the default ones are added by [`Op::build`]).
    pub(super) fn err(mut self, status: u16, reason: &str) -> Self {
        self.errors
            .entry(status)
            .or_default()
            .push(reason.to_string());
        self
    }

    pub(super) fn build(mut self, error_schema: &RefOr<Schema>) -> (Operation, Schemas) {
        let path_params: Vec<&str> = self
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for name in &path_params {
            let (schema, text): (RefOr<Schema>, &str) = match *name {
                "sha256" => (
                    shared::openapi::sha256().into(),
                    "Lower-case hex SHA-256 of the file's bytes.",
                ),
                "file" => (integer().into(), "The file's id (`FileDto.id`)."),
                "kind" => (
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(["outgoing", "incoming"]))
                        .build()
                        .into(),
                    "Which kind of document: `outgoing` or `incoming`.",
                ),
                "doc" => (integer().into(), "The outgoing or incoming document's id."),
                "code" => (
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .examples([serde_json::json!("7K3M-Q9XD-2FHB")])
                        .build()
                        .into(),
                    "The verification code printed on the copy: 12 characters of Crockford base 32, any case, \
                     hyphens optional.",
                ),
                _ => (integer().into(), "The numeric id."),
            };
            self.params.insert(
                0,
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(text))
                    .schema(Some(schema))
                    .build(),
            );
        }
        if path_params.contains(&"code") {
            self = self.err(
                404,
                "`not_found`: no issued document has this code, or it is malformed (the same answer)",
            );
        } else if path_params.iter().any(|p| *p != "sha256") {
            self = self.err(
                404,
                "`not_found`: an id is not an integer, or there is no such object, or the caller may not \
                 see it (the same answer, so ids reveal nothing)",
            );
        }
        if self.signed_in {
            self = self.err(
                401,
                "`unauthenticated`: no session cookie, or the session ended",
            );
            if !self.before_password_change {
                self = self.err(
                    403,
                    "`password_change_required`: the account must change its password first",
                );
            }
        }
        if self.is_write() {
            if self.signed_in {
                self = self.err(
                    403,
                    "`forbidden`: the `X-CSRF-Token` header is missing or wrong",
                );
            }
            self = self.err(403, "`forbidden`: the request's `Origin` is another site");
        }
        self = self.err(
            500,
            "`internal`: a server fault; details only in the server log",
        );

        let mut responses = utoipa::openapi::ResponsesBuilder::new();
        for (status, r) in std::mem::take(&mut self.answers) {
            responses = responses.response(status.to_string(), r);
        }
        for (status, reasons) in &self.errors {
            let mut text = reasons.join("; ");
            if *status == 429 {
                text.push_str(" (the `Retry-After` header gives the seconds to wait)");
            }
            responses = responses.response(
                status.to_string(),
                json_response(&format!("{}.", text), error_schema.clone()),
            );
        }
        let is_write = self.is_write();
        let mut builder = OperationBuilder::new()
            .tag(self.tag)
            .summary(Some(self.summary))
            .description(Some(self.description.join("\n\n")))
            .operation_id(Some(operation_id(&self.method, self.path)))
            .parameters(Some(self.params))
            .request_body(self.body)
            .responses(responses.build());
        if self.signed_in {
            let requirement = SecurityRequirement::new(SESSION, Vec::<String>::new());
            builder = builder.security(if is_write {
                requirement.add(CSRF, Vec::<String>::new())
            } else {
                requirement
            });
        }
        (builder.build(), self.schemas)
    }
}

pub(super) fn json_response(text: &str, schema: RefOr<Schema>) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(text)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}

/// `get_api_outgoing_id_files_file` and so on: stable and unique per method and path.
pub(super) fn operation_id(method: &HttpMethod, path: &str) -> String {
    let method = match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Delete => "delete",
        HttpMethod::Patch => "patch",
        HttpMethod::Head => "head",
        HttpMethod::Options => "options",
        HttpMethod::Trace => "trace",
    };
    let path: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut id = format!("{method}_{path}");
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    id.trim_end_matches('_').to_string()
}
