//! The agency's storage on the administration's units tab (`/quan-tri/don-vi`): what its people stored against
//! its quota, and for a system administrator the form that sets the agency's own quota. It lives in the work
//! bundle (mounted into the admin tab like a work page) so the sign-in page does not carry it.

use leptos::prelude::*;
use shared::agency::{AgencyStorageDto, QuotaMb, SetStorageQuotaRequest};
use shared::role::Role;

use crate::api::{self, ClientError};
use crate::components::list_parts::{error_panel, loading};

const MIB: i64 = 1024 * 1024;

/// "1,2 GiB", "350 MiB": binary units, with the decimal comma Vietnamese writes.
pub fn size(bytes: i64) -> String {
    let mib = (bytes + MIB - 1) / MIB;
    if mib >= 1024 {
        let tenths = bytes * 10 / (1024 * MIB);
        format!("{},{} GiB", tenths / 10, tenths % 10)
    } else {
        format!("{mib} MiB")
    }
}

/// Share of the quota in use, 0–100 (a quota of nothing is full).
pub fn percent(s: &AgencyStorageDto) -> i64 {
    if s.quota_bytes > 0 {
        (s.used_bytes.saturating_mul(100) / s.quota_bytes).clamp(0, 100)
    } else {
        100
    }
}

/// What the quota field holds, in GiB: empty means "the server's default"; otherwise a whole number of GiB.
pub fn parse_quota_gib(text: &str) -> Result<Option<QuotaMb>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let gib: i64 = text.parse().map_err(|_| {
        "Nhập số GiB là số nguyên dương, hoặc để trống để dùng hạn mức mặc định.".to_string()
    })?;
    QuotaMb::try_from(gib.saturating_mul(1024))
        .map(Some)
        .map_err(|_| "Hạn mức phải từ 1 GiB đến 97.656 GiB.".to_string())
}

async fn load(agency: i64) -> Result<(AgencyStorageDto, bool), ClientError> {
    let me = api::session().await?.user;
    let storage = api::agency_storage(agency).await?;
    Ok((storage, me.has_role(Role::SystemAdmin)))
}

#[component]
pub fn AgencyStoragePage(agency: i64) -> impl IntoView {
    let data = LocalResource::new(move || load(agency));
    move || match data.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || data.refetch()),
        Some(Ok((storage, may_set))) => view! { <StorageCard agency storage may_set /> }.into_any(),
    }
}

#[component]
fn StorageCard(agency: i64, storage: AgencyStorageDto, may_set: bool) -> impl IntoView {
    let storage = RwSignal::new(storage);
    let field = RwSignal::new(
        storage
            .get_untracked()
            .quota_mb
            .filter(|mb| mb % 1024 == 0)
            .map(|mb| (mb / 1024).to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |quota: &Option<QuotaMb>| {
        let body = SetStorageQuotaRequest { quota_mb: *quota };
        async move { api::set_agency_quota(agency, &body).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            storage.set(s);
            error.set(None);
            saved.set(true);
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        match parse_quota_gib(&field.get_untracked()) {
            Ok(quota) => {
                error.set(None);
                save.dispatch(quota);
            }
            Err(m) => error.set(Some(m)),
        }
    };
    let usage = move || {
        let s = storage.get();
        format!(
            "{} / {} ({}%)",
            size(s.used_bytes),
            size(s.quota_bytes),
            percent(&s)
        )
    };
    let note = move || {
        let s = storage.get();
        match s.quota_mb {
            Some(mb) => format!("Hạn mức riêng của cơ quan: {}.", size(mb * MIB)),
            None => format!(
                "Hạn mức mặc định của hệ thống: {}.",
                size(s.default_quota_mb * MIB)
            ),
        }
    };
    view! {
        <section class="storage-card" data-testid="agency-storage">
            <div class="storage-head">
                <strong>"Dung lượng lưu trữ"</strong>
                <span data-testid="storage-usage">{usage}</span>
            </div>
            <div
                class="storage-bar"
                role="progressbar"
                aria-label="Dung lượng đã dùng"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent(&storage.get())
            >
                <div style=move || format!("width: {}%", percent(&storage.get()))></div>
            </div>
            <p class="hint" data-testid="storage-note">{note}</p>
            {may_set.then(|| view! {
                <form class="storage-form" on:submit=submit novalidate>
                    <label for="storage-quota">"Hạn mức riêng (GiB, để trống = mặc định)"</label>
                    <div class="storage-form-row">
                        <input
                            id="storage-quota"
                            type="text"
                            inputmode="numeric"
                            data-testid="storage-quota"
                            prop:value=move || field.get()
                            on:input=move |ev| field.set(event_target_value(&ev))
                        />
                        <button
                            type="submit"
                            class="btn btn-secondary"
                            data-testid="storage-quota-save"
                            disabled=move || save.pending().get()
                        >
                            "Lưu hạn mức"
                        </button>
                    </div>
                    {move || error.get().map(|m| view! {
                        <p class="field-error" role="alert" data-testid="storage-quota-error">{m}</p>
                    })}
                    {move || saved.get().then(|| view! {
                        <p class="hint" role="status" data-testid="storage-quota-saved">"Đã lưu hạn mức."</p>
                    })}
                </form>
            })}
        </section>
    }
}
