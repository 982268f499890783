//! `/uy-quyen`: delegations (ủy quyền, Điều 16.4, 20.1). A leader who will be away hands their assigning — and,
//! if chosen, signing under KT. or TUQ. — to another leader for a span of days; an administrator can do it for
//! a leader. The list shows every delegation the caller may see, which are in force, and lets the leader who
//! delegated (or the administrator) revoke one.

mod form;

use leptos::prelude::*;
use shared::auth::SessionResponse;
use shared::civil_date::CivilDate;
use shared::incoming::DelegationDto;
use shared::role::Role;
use shared::time::Timestamp;
use shared::user::UserDto;

use crate::api::{self, ClientError};
use crate::components::list_parts::{error_panel, loading};
use form::DelegationForm;

fn today() -> CivilDate {
    CivilDate::of(Timestamp(js_sys::Date::now() as i64))
}

fn is_leader(u: &UserDto) -> bool {
    u.has_role(Role::AgencyLeader) || u.has_role(Role::UnitLeader)
}

fn is_admin(u: &UserDto) -> bool {
    u.has_role(Role::AgencyAdmin) || u.has_role(Role::SystemAdmin)
}

/// Who is signed in and the leaders of their agency.
async fn load() -> Result<(UserDto, Vec<UserDto>), ClientError> {
    let SessionResponse { user, .. } = api::session().await?;
    let mut leaders = api::colleagues().await?.users;
    leaders.retain(is_leader);
    Ok((user, leaders))
}

#[component]
pub fn DelegationsPage() -> impl IntoView {
    let who = LocalResource::new(load);
    view! {
        <section class="page work-page delegations-page" data-testid="delegations-page">
            <header class="page-header">
                <h1>"Ủy quyền"</h1>
                <p class="muted">
                    "Khi vắng mặt, lãnh đạo ủy quyền cho lãnh đạo khác phân công văn bản đến — và nếu chọn, ký văn bản — trong một khoảng thời gian. Mọi việc làm theo ủy quyền đều ghi rõ trong luồng xử lý."
                </p>
            </header>
            {move || match who.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || who.refetch()),
                Some(Ok((me, leaders))) => view! { <Delegations me leaders /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Delegations(me: UserDto, leaders: Vec<UserDto>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        api::delegations()
    });
    // The list a creation answered with replaces the fetched one until the next refetch.
    let fresh = RwSignal::new(None::<Vec<DelegationDto>>);
    let may_create = is_leader(&me) || is_admin(&me);
    let form_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let on_created = Callback::new(move |items: Vec<DelegationDto>| {
        fresh.set(Some(items));
        form_open.set(false);
        notice.set(Some("Đã tạo ủy quyền.".into()));
    });
    let on_revoked = Callback::new(move |()| {
        fresh.set(None);
        notice.set(Some("Đã thu hồi ủy quyền.".into()));
        version.update(|v| *v += 1);
    });

    let me_id = me.id;
    let admin = is_admin(&me);
    let items = move || match (fresh.get(), list.get()) {
        (Some(items), _) => Some(Ok(items)),
        (None, Some(r)) => Some(r.map(|l| l.items)),
        (None, None) => None,
    };
    let body = move || match items() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || list.refetch()),
        Some(Ok(items)) if items.is_empty() => view! {
            <p class="empty" data-testid="delegations-empty">"Chưa có ủy quyền nào."</p>
        }
        .into_any(),
        Some(Ok(items)) => view! {
            <ul class="delegation-list" data-testid="delegation-list">
                {items
                    .into_iter()
                    .map(|d| {
                        let may_revoke = admin || d.from.id == me_id || d.created_by.id == me_id;
                        view! { <DelegationCard d may_revoke on_revoked /> }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    let me = StoredValue::new(me);
    let leaders = StoredValue::new(leaders);
    view! {
        {may_create
            .then(|| {
                view! {
                    <div class="toolbar">
                        <button
                            type="button"
                            class="btn btn-primary"
                            data-testid="delegation-new"
                            aria-expanded=move || form_open.get().to_string()
                            on:click=move |_| {
                                notice.set(None);
                                form_open.update(|o| *o = !*o);
                            }
                        >
                            "+ Tạo ủy quyền"
                        </button>
                    </div>
                }
            })}
        {move || {
            notice
                .get()
                .map(|m| {
                    view! {
                        <div class="alert alert-info" role="status" data-testid="delegation-notice">
                            {m}
                        </div>
                    }
                })
        }}
        <Show when=move || form_open.get()>
            <DelegationForm
                me=me.get_value()
                leaders=leaders.get_value()
                on_created
                on_cancel=Callback::new(move |()| form_open.set(false))
            />
        </Show>
        {body}
    }
}

/// What a delegation's state is today.
fn state_of(d: &DelegationDto) -> (&'static str, String) {
    if let Some(t) = d.revoked_at {
        return (
            "status status-locked",
            format!("Đã thu hồi {}", CivilDate::of(t).display()),
        );
    }
    if d.active {
        return ("status status-active", "Đang hiệu lực".into());
    }
    if d.starts_on > today() {
        ("status status-pending", "Chưa đến ngày".into())
    } else {
        ("status status-ended", "Đã hết hạn".into())
    }
}

#[component]
fn DelegationCard(d: DelegationDto, may_revoke: bool, on_revoked: Callback<()>) -> impl IntoView {
    let id = d.id;
    let (class, state) = state_of(&d);
    let confirming = RwSignal::new(false);
    let revoke = Action::new_local(move |_: &()| api::revoke_delegation(id));
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => on_revoked.run(()),
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let ended = d.revoked_at.is_some() || d.ends_on < today();
    let mark = d.signing.map(|s| s.mark());
    let person = |name: String, position: Option<String>| {
        view! {
            <span class="dl-person">
                <strong>{name}</strong>
                <span class="cell-sub">{position.unwrap_or_default()}</span>
            </span>
        }
    };
    view! {
        <li class="delegation" class:delegation-active=d.active data-testid="delegation" data-id=id data-active=d.active.to_string()>
            <div class="dl-head">
                <span class=class data-testid="delegation-state">{state}</span>
                {mark
                    .map(|m| {
                        view! {
                            <span class="chip dl-mark" data-testid="delegation-mark" title="Ủy quyền cả ký văn bản">
                                {format!("Ký {m}")}
                            </span>
                        }
                    })}
            </div>
            <div class="dl-people">
                {person(d.from.full_name, d.from.position)}
                <span class="dl-arrow" aria-label="ủy quyền cho">"→"</span>
                {person(d.to.full_name, d.to.position)}
            </div>
            <p class="dl-dates" data-testid="delegation-dates">
                {format!("Từ {} đến {}", d.starts_on.display(), d.ends_on.display())}
            </p>
            <p class="dl-scope muted">
                {match mark {
                    Some(m) => format!("Phân công văn bản đến và ký văn bản ({m})"),
                    None => "Phân công văn bản đến".into(),
                }}
            </p>
            {d.reason.map(|r| view! { <p class="dl-reason">{format!("Lý do: {r}")}</p> })}
            <p class="cell-sub">
                {format!("Tạo bởi {} lúc {}", d.created_by.full_name, d.created_at.to_display_vn())}
            </p>
            {(may_revoke && !ended)
                .then(|| {
                    view! {
                        <div class="dl-actions">
                            <Show
                                when=move || confirming.get()
                                fallback=move || {
                                    view! {
                                        <button
                                            type="button"
                                            class="btn btn-small btn-danger-outline"
                                            data-testid="delegation-revoke"
                                            on:click=move |_| {
                                                error.set(None);
                                                confirming.set(true);
                                            }
                                        >
                                            "Thu hồi"
                                        </button>
                                    }
                                }
                            >
                                <div class="confirm-inline" role="group" data-testid="delegation-revoke-confirm">
                                    <span>"Thu hồi ủy quyền này? Người được ủy quyền sẽ không còn phân công, ký thay từ bây giờ."</span>
                                    <div class="row-actions">
                                        <button type="button" class="btn btn-small btn-ghost" on:click=move |_| confirming.set(false)>
                                            "Không"
                                        </button>
                                        <button
                                            type="button"
                                            class="btn btn-small btn-danger"
                                            data-testid="delegation-revoke-yes"
                                            prop:disabled=move || revoke.pending().get()
                                            on:click=move |_| {
                                                revoke.dispatch(());
                                            }
                                        >
                                            {move || if revoke.pending().get() { "Đang thu hồi…" } else { "Thu hồi" }}
                                        </button>
                                    </div>
                                </div>
                            </Show>
                            {move || {
                                error
                                    .get()
                                    .map(|m| view! { <p class="field-error" role="alert" data-testid="delegation-revoke-error">{m}</p> })
                            }}
                        </div>
                    }
                })}
        </li>
    }
}
