//! The leader's assignment (Điều 16): ý kiến chỉ đạo, thời hạn xử lý, and who takes part — units and people,
//! each Chủ trì, Phối hợp or Để biết, exactly one Chủ trì. Built for a phone first: one target per line, the
//! three roles as big buttons, people and units added from a list. The same form assigns inside a unit (its
//! people only). The same `AssignRequest::validate` the server runs checks it first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::agency::UnitDto;
use shared::civil_date::CivilDate;
use shared::incoming::{AssignRequest, AssignTarget, Assignee, AssignmentRole, IncomingDto};
use shared::time::Timestamp;
use shared::user::UserDto;

use crate::api::{self, ClientError};
use crate::components::form::{Errors, fields_of};

/// Where the assignment goes: the document (the leader) or a unit assignment (its unit leader).
#[derive(Clone, Copy)]
pub enum AssignTo {
    Document(i64),
    Assignment(i64),
}

#[derive(Clone, PartialEq)]
struct Line {
    to: Assignee,
    name: String,
    role: RwSignal<AssignmentRole>,
}

fn person_label(u: &UserDto) -> String {
    match &u.position {
        Some(p) if !p.is_empty() => format!("{} — {p}, {}", u.full_name, u.unit.name),
        _ => format!("{} — {}", u.full_name, u.unit.name),
    }
}

#[component]
pub fn AssignForm(
    to: AssignTo,
    people: Vec<UserDto>,
    /// Units to assign to (none inside a unit).
    units: Vec<UnitDto>,
    on_done: Callback<IncomingDto>,
) -> impl IntoView {
    let instruction = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<Line>::new());
    let errors = RwSignal::new(Errors::new());
    let top = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let people = StoredValue::new(people);
    let units = StoredValue::new(units);
    let has_units = units.with_value(|u| !u.is_empty());

    let add = move |to: Assignee, name: String| {
        if lines.with_untracked(|l| l.iter().any(|x| x.to == to)) {
            return;
        }
        let role = if lines.with_untracked(|l| {
            l.iter()
                .any(|x| x.role.get_untracked() == AssignmentRole::Lead)
        }) {
            AssignmentRole::Cooperate
        } else {
            AssignmentRole::Lead
        };
        lines.update(|l| {
            l.push(Line {
                to,
                name,
                role: RwSignal::new(role),
            })
        });
        errors.update(|e| {
            e.remove("targets");
        });
    };
    let set_role = move |line: Line, role: AssignmentRole| {
        // Exactly one lead: choosing a new one makes the former lead co-operate.
        if role == AssignmentRole::Lead {
            for other in lines.get_untracked() {
                if other.to != line.to && other.role.get_untracked() == AssignmentRole::Lead {
                    other.role.set(AssignmentRole::Cooperate);
                }
            }
        }
        line.role.set(role);
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        top.set(None);
        let mut local = Errors::new();
        let due_date = match due.get_untracked().trim() {
            "" => None,
            d => match CivilDate::parse(d) {
                Ok(d) => Some(d),
                Err(e) => {
                    local.insert("due_date".into(), e.to_string());
                    None
                }
            },
        };
        let request = AssignRequest {
            instruction: Some(instruction.get_untracked()).filter(|s| !s.trim().is_empty()),
            due_date,
            targets: lines
                .get_untracked()
                .iter()
                .map(|l| AssignTarget {
                    role: l.role.get_untracked(),
                    to: l.to,
                })
                .collect(),
        };
        let today = CivilDate::of(Timestamp(js_sys::Date::now() as i64));
        if let Err(e) = request.validate(today) {
            for (k, v) in fields_of(&e) {
                local.entry(k).or_insert(v);
            }
        }
        if !local.is_empty() {
            errors.set(local);
            top.set(Some("Phân công chưa đủ; xem các ô được đánh dấu.".into()));
            return;
        }
        errors.set(Errors::new());
        busy.set(true);
        spawn_local(async move {
            let result = match to {
                AssignTo::Document(id) => api::assign_incoming(id, &request).await,
                AssignTo::Assignment(id) => api::assign_in_unit(id, &request).await,
            };
            busy.try_set(false);
            match result {
                Ok(d) => on_done.run(d),
                Err(e) => {
                    if let ClientError::Api(a) = &e {
                        errors.set(fields_of(a));
                    }
                    top.set(Some(e.message()));
                }
            }
        });
    };
    let error = move |field: &'static str| {
        move || {
            errors.with(|e| e.get(field).cloned()).map(|m| {
                view! { <p class="field-error" data-testid=format!("error-{field}")>{m}</p> }
            })
        }
    };

    view! {
        <form class="task assign-form" data-testid="assign-form" on:submit=submit>
            <h3>{match to { AssignTo::Document(_) => "Phân công xử lý", AssignTo::Assignment(_) => "Phân công trong đơn vị" }}</h3>
            <div class="field">
                <label for="assign-instruction">"Ý kiến chỉ đạo"</label>
                <textarea id="assign-instruction" rows="3" maxlength="2000" data-testid="assign-instruction"
                    placeholder="Giao … chủ trì, phối hợp với … tham mưu, báo cáo …"
                    prop:value=move || instruction.get()
                    on:input=move |ev| instruction.set(event_target_value(&ev))></textarea>
                {error("instruction")}
            </div>
            <div class="field">
                <label for="assign-due">"Thời hạn xử lý"</label>
                <input id="assign-due" type="date" data-testid="assign-due"
                    prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev)) />
                {error("due_date")}
            </div>
            <div class="field">
                <span class="field-label">"Nơi xử lý" <span class="req" aria-hidden="true">" *"</span></span>
                {move || lines.with(Vec::is_empty).then(|| view! {
                    <p class="hint">"Thêm đơn vị hoặc người bên dưới; người đầu tiên là chủ trì."</p>
                })}
                <ul class="assign-lines" data-testid="assign-targets">
                    <For each=move || lines.get() key=|l| l.to let:line>
                        <li class="assign-line" data-testid="assign-target">
                            <div class="assign-line-head">
                                <span class="assign-name">{line.name.clone()}</span>
                                <button type="button" class="icon-button" aria-label="Bỏ" data-testid="assign-remove"
                                    on:click={
                                        let to = line.to;
                                        move |_| lines.update(|l| l.retain(|x| x.to != to))
                                    }>"×"</button>
                            </div>
                            <div class="role-choice" role="radiogroup" aria-label="Vai trò">
                                {AssignmentRole::ALL.into_iter().map(|r| {
                                    let line = line.clone();
                                    let current = line.role;
                                    view! {
                                        <button type="button" role="radio"
                                            class="role-button" class:role-on=move || current.get() == r
                                            aria-checked=move || (current.get() == r).to_string()
                                            data-testid=format!("assign-role-{}", r.code())
                                            on:click=move |_| set_role(line.clone(), r)>
                                            {r.label()}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        </li>
                    </For>
                </ul>
                {error("targets")}
            </div>
            {has_units.then(|| view! {
                <div class="field">
                    <label for="assign-add-unit">"Thêm đơn vị"</label>
                    <select id="assign-add-unit" data-testid="assign-add-unit" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(u) = v.parse::<i64>().ok().and_then(|id| units.with_value(|l| l.iter().find(|u| u.id == id).cloned())) {
                            add(Assignee::Unit(u.id), u.name);
                        }
                        if let Some(t) = ev.target() {
                            use wasm_bindgen::JsCast;
                            if let Ok(s) = t.dyn_into::<web_sys::HtmlSelectElement>() { s.set_value(""); }
                        }
                    }>
                        <option value="">"— Chọn đơn vị —"</option>
                        {units.get_value().into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="assign-add-person">"Thêm người"</label>
                <select id="assign-add-person" data-testid="assign-add-person" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(u) = v.parse::<i64>().ok().and_then(|id| people.with_value(|l| l.iter().find(|u| u.id == id).cloned())) {
                        add(Assignee::User(u.id), u.full_name.clone());
                    }
                    if let Some(t) = ev.target() {
                        use wasm_bindgen::JsCast;
                        if let Ok(s) = t.dyn_into::<web_sys::HtmlSelectElement>() { s.set_value(""); }
                    }
                }>
                    <option value="">"— Chọn người —"</option>
                    {people.get_value().iter().map(|u| view! { <option value=u.id.to_string()>{person_label(u)}</option> }).collect_view()}
                </select>
            </div>
            {move || top.get().map(|m| view! { <div class="alert alert-error" role="alert" data-testid="assign-error">{m}</div> })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="assign-submit" disabled=move || busy.get()>
                {move || if busy.get() { "Đang phân công…" } else { "Phân công" }}
            </button>
        </form>
    }
}
