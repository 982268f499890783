//! The choosers of the draft form: agencies on the system (search and tick), recipients outside it (code and
//! name rows), and the reviewers in order (add, move up or down, remove).

use leptos::prelude::*;
use shared::agency::AgencyDto;
use shared::text::fold_for_search;
use shared::user::UserDto;

/// A recipient outside the system as typed: agency code and name.
#[derive(Debug, Clone, Copy)]
pub struct ExternalRow {
    pub key: u32,
    pub code: RwSignal<String>,
    pub name: RwSignal<String>,
}

/// Agencies of the province on this system (own agency excluded), ticked into `chosen`.
#[component]
pub fn AgencyPicker(agencies: Vec<AgencyDto>, chosen: RwSignal<Vec<i64>>) -> impl IntoView {
    let agencies = StoredValue::new(agencies);
    let query = RwSignal::new(String::new());
    let name_of = move |id: i64| {
        agencies.with_value(|a| {
            a.iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        })
    };
    let matching = move || {
        let q = fold_for_search(query.get().trim());
        agencies.with_value(|all| {
            all.iter()
                .filter(|a| {
                    q.is_empty()
                        || fold_for_search(&a.name).contains(&q)
                        || fold_for_search(&a.short_name).contains(&q)
                        || a.code.as_str().to_lowercase().contains(&q)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let toggle = move |id: i64| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|x| *x == id) {
                c.remove(i);
            } else {
                c.push(id);
            }
        })
    };
    view! {
        <div class="picker">
            <ul class="chips" data-testid="internal-chosen">
                {move || {
                    chosen
                        .get()
                        .into_iter()
                        .map(|id| {
                            view! {
                                <li class="chip chip-removable">
                                    <span>{name_of(id)}</span>
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label="Bỏ nơi nhận"
                                        data-testid="internal-remove"
                                        on:click=move |_| toggle(id)
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <input
                type="search"
                class="picker-search"
                placeholder="Tìm cơ quan theo tên hoặc mã…"
                aria-label="Tìm cơ quan nhận"
                data-testid="internal-search"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="picker-list" data-testid="internal-options">
                {move || {
                    let list = matching();
                    if list.is_empty() {
                        return view! { <li class="picker-empty">"Không có cơ quan nào khớp."</li> }
                            .into_any();
                    }
                    list.into_iter()
                        .map(|a| {
                            let id = a.id;
                            view! {
                                <li>
                                    <label class="check picker-option">
                                        <input
                                            type="checkbox"
                                            data-testid="internal-option"
                                            data-code=a.code.as_str().to_string()
                                            prop:checked=move || chosen.with(|c| c.contains(&id))
                                            on:change=move |_| toggle(id)
                                        />
                                        <span>{a.name.clone()}</span>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </div>
    }
}

/// Rows of agency code and name for recipients reached through the national axis.
#[component]
pub fn ExternalRows(rows: RwSignal<Vec<ExternalRow>>) -> impl IntoView {
    let next = StoredValue::new(0u32);
    let add = move |_| {
        let key = next.get_value() + 1;
        next.set_value(key);
        rows.update(|r| {
            r.push(ExternalRow {
                key,
                code: RwSignal::new(String::new()),
                name: RwSignal::new(String::new()),
            })
        });
    };
    view! {
        <div class="external-rows">
            <For each=move || rows.get() key=|r| r.key let:row>
                <div class="external-row" data-testid="external-row">
                    <input
                        type="text"
                        class="code-input"
                        placeholder="Mã định danh (vd. 000.00.00.H01)"
                        aria-label="Mã định danh"
                        data-testid="external-code"
                        prop:value=move || row.code.get()
                        on:input=move |ev| row.code.set(event_target_value(&ev))
                    />
                    <input
                        type="text"
                        placeholder="Tên cơ quan"
                        aria-label="Tên cơ quan"
                        data-testid="external-name"
                        prop:value=move || row.name.get()
                        on:input=move |ev| row.name.set(event_target_value(&ev))
                    />
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Bỏ dòng này"
                        data-testid="external-remove"
                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))
                    >
                        "×"
                    </button>
                </div>
            </For>
            <button type="button" class="btn btn-secondary btn-small" data-testid="external-add" on:click=add>
                "+ Thêm nơi nhận ngoài hệ thống"
            </button>
        </div>
    }
}

/// The reviewers in order, chosen among `people`.
#[component]
pub fn ReviewerPicker(
    people: Vec<UserDto>,
    chosen: RwSignal<Vec<i64>>,
    /// Who may not review (the drafter, the signer).
    excluded: Signal<Vec<i64>>,
) -> impl IntoView {
    let people = StoredValue::new(people);
    let pick = RwSignal::new(String::new());
    let label_of = move |id: i64| {
        people.with_value(|p| {
            p.iter()
                .find(|u| u.id == id)
                .map(person_label)
                .unwrap_or_default()
        })
    };
    let add = move |_| {
        if let Ok(id) = pick.get_untracked().parse::<i64>() {
            chosen.update(|c| {
                if !c.contains(&id) {
                    c.push(id)
                }
            });
        }
        pick.set(String::new());
    };
    let step = move |i: usize, delta: isize| {
        chosen.update(|c| {
            let j = i as isize + delta;
            if j >= 0 && (j as usize) < c.len() {
                c.swap(i, j as usize);
            }
        })
    };
    view! {
        <div class="reviewers">
            <ol class="reviewer-list" data-testid="reviewer-list">
                {move || {
                    let list = chosen.get();
                    let n = list.len();
                    list.into_iter()
                        .enumerate()
                        .map(|(i, id)| {
                            view! {
                                <li class="reviewer" data-testid="reviewer-item">
                                    <span class="reviewer-name">{label_of(id)}</span>
                                    <span class="reviewer-actions">
                                        <button type="button" class="icon-button" aria-label="Lên trên" data-testid="reviewer-up"
                                            prop:disabled=i == 0 on:click=move |_| step(i, -1)>"↑"</button>
                                        <button type="button" class="icon-button" aria-label="Xuống dưới" data-testid="reviewer-down"
                                            prop:disabled=i + 1 == n on:click=move |_| step(i, 1)>"↓"</button>
                                        <button type="button" class="icon-button" aria-label="Bỏ người duyệt" data-testid="reviewer-remove"
                                            on:click=move |_| chosen.update(|c| { c.remove(i); })>"×"</button>
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <div class="field-inline reviewer-add">
                <select
                    aria-label="Chọn người duyệt"
                    data-testid="reviewer-select"
                    prop:value=move || pick.get()
                    on:change=move |ev| pick.set(event_target_value(&ev))
                >
                    <option value="">"— Chọn người duyệt —"</option>
                    {move || {
                        let skip = excluded.get();
                        let taken = chosen.get();
                        people
                            .with_value(|p| {
                                p.iter()
                                    .filter(|u| !skip.contains(&u.id) && !taken.contains(&u.id))
                                    .map(|u| view! { <option value=u.id.to_string()>{person_label(u)}</option> })
                                    .collect_view()
                            })
                    }}
                </select>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="reviewer-add"
                    prop:disabled=move || pick.with(String::is_empty)
                    on:click=add
                >
                    "Thêm"
                </button>
            </div>
        </div>
    }
}

/// "Nguyễn Văn A — Trưởng phòng".
pub fn person_label(u: &UserDto) -> String {
    match &u.position {
        Some(p) if !p.is_empty() => format!("{} — {p}", u.full_name),
        _ => u.full_name.clone(),
    }
}
