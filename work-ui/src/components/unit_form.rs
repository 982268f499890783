//! The unit form (đơn vị: phòng, ban, trung tâm…), for a new unit and for editing one.

use leptos::prelude::*;
use shared::agency::{CreateUnitRequest, ShortName, UnitDto, UnitKind};
use shared::text::OrganName;

use super::dialog::FormActions;
use super::text_field::{FormError, TextField};
use crate::api::ClientError;

/// The unit form. `initial` is `None` for a new unit.
#[component]
pub fn UnitForm(
    initial: Option<UnitDto>,
    pending: Signal<bool>,
    server_error: Signal<Option<ClientError>>,
    on_submit: Callback<CreateUnitRequest>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let is_new = initial.is_none();
    let name = RwSignal::new(initial.as_ref().map(|u| u.name.clone()).unwrap_or_default());
    let short = RwSignal::new(
        initial
            .as_ref()
            .map(|u| u.short_name.clone())
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(initial.as_ref().map(|u| u.kind).unwrap_or(UnitKind::Phong));
    let name_error = RwSignal::new(None::<String>);
    let short_error = RwSignal::new(None::<String>);

    let field_message = move |own: RwSignal<Option<String>>, field: &'static str| {
        Signal::derive(move || {
            own.get()
                .or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.field(field))))
        })
    };
    let general_error =
        Signal::derive(move || server_error.with(|e| e.as_ref().map(ClientError::message)));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let parsed_name = OrganName::try_from(name.get_untracked().as_str());
        let parsed_short = ShortName::parse(&short.get_untracked());
        name_error.set(parsed_name.as_ref().err().map(ToString::to_string));
        short_error.set(parsed_short.as_ref().err().map(ToString::to_string));
        if let (Ok(name), Ok(short_name)) = (parsed_name, parsed_short) {
            on_submit.run(CreateUnitRequest {
                name,
                short_name,
                kind: kind.get_untracked(),
            });
        }
    };

    let kind_options = UnitKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.code() selected=move || kind.get() == k>
                    {k.label()}
                </option>
            }
        })
        .collect_view();

    view! {
        <form class="form" on:submit=submit novalidate>
            <TextField
                id="unit-name"
                label="Tên đơn vị"
                required=true
                testid="unit-form-name"
                value=name
                error=field_message(name_error, "name")
            />
            <div class="field-row">
                <TextField
                    id="unit-short"
                    label="Tên viết tắt"
                    required=true
                    autocapitalize="characters"
                    hint="Dùng trong ký hiệu văn bản, vd. VP, TCCB."
                    testid="unit-form-short"
                    value=short
                    error=field_message(short_error, "short_name")
                />
                <div class="field">
                    <label for="unit-kind">"Loại đơn vị"</label>
                    <select
                        id="unit-kind"
                        data-testid="unit-form-kind"
                        on:change=move |ev| {
                            if let Some(k) = UnitKind::from_code(&event_target_value(&ev)) {
                                kind.set(k);
                            }
                        }
                    >
                        {kind_options}
                    </select>
                </div>
            </div>
            <FormError message=general_error testid="unit-form-error" />
            <FormActions
                pending=pending
                is_new=is_new
                create_label="Thêm đơn vị"
                submit_testid="unit-form-submit"
                on_cancel=on_cancel
            />
        </form>
    }
}
