//! `/quan-tri/lien-thong`: the exchange between systems (issue 16), for system administrators: the peers (add
//! or replace one), the latest packets sent with their state, attempts and last error ("Thử lại" sends one
//! again now), and the latest packets received.

use leptos::prelude::*;
use shared::exchange::{InboxItemDto, OutboxItemDto, PeerDto};

use super::{Admin, with_admin};
use crate::api::admin as calls;
use crate::components::list_parts::{error_panel, loading};

#[component]
pub fn ExchangePage() -> impl IntoView {
    with_admin(|admin| view! { <ExchangeTab admin /> }.into_any())
}

fn state_label(state: &str) -> &'static str {
    match state {
        "pending" => "Chờ gửi",
        "delivered" => "Đã nhận",
        "failed" => "Bị từ chối",
        "accepted" => "Đã nhận",
        "refused" => "Từ chối",
        _ => "Không rõ",
    }
}

fn kind_label(kind: &str) -> &'static str {
    if kind == "status" {
        "Trạng thái"
    } else {
        "Văn bản"
    }
}

#[component]
fn ExchangeTab(admin: Admin) -> impl IntoView {
    if !admin.system {
        return view! {
            <div class="alert alert-error" role="alert">
                "Chỉ quản trị hệ thống mới quản lý kết nối liên thông."
            </div>
        }
        .into_any();
    }
    let version = RwSignal::new(0u32);
    let peers = LocalResource::new(move || {
        version.track();
        calls::exchange_peers()
    });
    let queue = LocalResource::new(move || {
        version.track();
        calls::exchange_queue()
    });
    let retry = Action::new_local(move |id: &i64| calls::retry_packet(*id));
    Effect::new(move |_| {
        if let Some(Ok(_)) = retry.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let retry_error = move || {
        retry.value().get().and_then(Result::err).map(|e| {
            view! { <div class="alert alert-error" role="alert">{e.message()}</div> }
        })
    };

    // The peer form: all fields as the administrator types them; the server checks each one.
    let (name, kind, endpoint, key_id, secret, organs, enabled) = (
        RwSignal::new(String::new()),
        RwSignal::new("vanban".to_string()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(true),
    );
    let save = Action::new_local(move |(): &()| {
        let body = serde_json::json!({
            "name": name.get_untracked().trim(),
            "kind": kind.get_untracked(),
            "endpoint": endpoint.get_untracked().trim(),
            "key_id": key_id.get_untracked().trim(),
            // Left empty when changing a peer: the server keeps its secret.
            "secret": Some(secret.get_untracked()).filter(|s| !s.is_empty()),
            "organ_ids": organs
                .get_untracked()
                .split([',', ' ', '\n'])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
            "enabled": enabled.get_untracked(),
        });
        async move { calls::save_peer(&body).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            secret.set(String::new());
            version.update(|v| *v += 1);
        }
    });
    let save_message = move || {
        match save.value().get() {
        Some(Ok(p)) => Some(
            view! { <div class="alert alert-success" role="status">{format!("Đã lưu kết nối {}.", p.name)}</div> }
                .into_any(),
        ),
        Some(Err(e)) => Some(
            view! { <div class="alert alert-error" role="alert" data-testid="peer-error">{e.message()}</div> }
                .into_any(),
        ),
        None => None,
    }
    };

    let edit = move |p: PeerDto| {
        name.set(p.name);
        kind.set(p.kind.code().to_string());
        endpoint.set(p.endpoint);
        key_id.set(p.key_id);
        organs.set(p.organ_ids.join(", "));
        enabled.set(p.enabled);
        secret.set(String::new());
    };
    let peer_row = move |p: PeerDto| {
        let chosen = p.clone();
        view! {
            <tr data-testid="peer-row">
                <td data-label="Tên"><strong>{p.name.clone()}</strong></td>
                <td data-label="Loại"><code>{p.kind.code()}</code></td>
                <td data-label="Địa chỉ" class="wrap">{p.endpoint.clone()}</td>
                <td data-label="Mã định danh">{p.organ_ids.join(", ")}</td>
                <td data-label="Trạng thái">{if p.enabled { "Đang bật" } else { "Đang tắt" }}</td>
                <td class="actions-cell">
                    <button type="button" class="btn btn-small btn-secondary" on:click=move |_| edit(chosen.clone())>
                        "Sửa"
                    </button>
                </td>
            </tr>
        }
    };
    let peer_list = move || match peers.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || peers.refetch()),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty">"Chưa có kết nối liên thông nào."</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <div class="table-wrap">
                <table class="data-table responsive">
                    <thead>
                        <tr>
                            <th>"Tên"</th>
                            <th>"Loại"</th>
                            <th>"Địa chỉ"</th>
                            <th>"Mã định danh"</th>
                            <th>"Trạng thái"</th>
                            <th><span class="sr-only">"Thao tác"</span></th>
                        </tr>
                    </thead>
                    <tbody>{list.into_iter().map(peer_row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
    };

    let outbox_row = move |x: OutboxItemDto| {
        let id = x.id;
        let retriable = x.state != "delivered";
        view! {
            <tr data-testid="outbox-row" data-state=x.state.clone()>
                <td data-label="Nơi nhận">{x.peer.clone()}</td>
                <td data-label="Gói tin">
                    {kind_label(&x.kind)} {x.status_code.clone().map(|c| format!(" {c}"))}
                    <div class="muted small">{x.document_id.clone()}</div>
                </td>
                <td data-label="Tình trạng">{state_label(&x.state)}</td>
                <td data-label="Số lần gửi" class="num">{x.attempts}</td>
                <td data-label="Lần tới" class="nowrap">
                    {if retriable { x.next_attempt_at.to_display_vn() } else { String::new() }}
                </td>
                <td data-label="Lỗi gần nhất" class="wrap">{x.last_error.clone().unwrap_or_default()}</td>
                <td class="actions-cell">
                    <Show when=move || retriable>
                        <button
                            type="button"
                            class="btn btn-small btn-secondary"
                            data-testid=format!("outbox-retry-{id}")
                            prop:disabled=move || retry.pending().get()
                            on:click=move |_| {
                                retry.dispatch(id);
                            }
                        >
                            "Thử lại"
                        </button>
                    </Show>
                </td>
            </tr>
        }
    };
    let inbox_row = |x: InboxItemDto| {
        view! {
            <tr data-testid="inbox-row">
                <td data-label="Từ">{x.peer.clone()} " (" {x.from_organ.clone()} ")"</td>
                <td data-label="Gói tin">
                    {kind_label(&x.kind)} {x.status_code.clone().map(|c| format!(" {c}"))}
                    <div class="muted small">{x.document_id.clone()}</div>
                </td>
                <td data-label="Tình trạng">{state_label(&x.state)}</td>
                <td data-label="Lý do" class="wrap">{x.error.clone().unwrap_or_default()}</td>
                <td data-label="Lúc nhận" class="nowrap">{x.received_at.to_display_vn()}</td>
            </tr>
        }
    };
    let packets = move || match queue.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || queue.refetch()),
        Some(Ok(q)) => view! {
            <h2>"Gói tin gửi đi"</h2>
            {if q.outbox.is_empty() {
                view! { <p class="empty">"Chưa gửi gói tin nào."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table responsive">
                            <thead>
                                <tr>
                                    <th>"Nơi nhận"</th>
                                    <th>"Gói tin"</th>
                                    <th>"Tình trạng"</th>
                                    <th class="num">"Số lần gửi"</th>
                                    <th>"Lần tới"</th>
                                    <th>"Lỗi gần nhất"</th>
                                    <th><span class="sr-only">"Thao tác"</span></th>
                                </tr>
                            </thead>
                            <tbody>{q.outbox.into_iter().map(outbox_row).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <h2>"Gói tin nhận được"</h2>
            {if q.inbox.is_empty() {
                view! { <p class="empty">"Chưa nhận gói tin nào."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table responsive">
                            <thead>
                                <tr>
                                    <th>"Từ"</th>
                                    <th>"Gói tin"</th>
                                    <th>"Tình trạng"</th>
                                    <th>"Lý do"</th>
                                    <th>"Lúc nhận"</th>
                                </tr>
                            </thead>
                            <tbody>{q.inbox.into_iter().map(inbox_row).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        }
        .into_any(),
    };

    let field = |label: &'static str,
                 testid: &'static str,
                 value: RwSignal<String>,
                 kind_attr: &'static str| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type=kind_attr
                    data-testid=testid
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <h2>"Kết nối liên thông"</h2>
        <p class="muted">
            "Mỗi kết nối là một hệ thống nhận và gửi văn bản với tỉnh: một hệ thống vanban khác, trục liên thông quốc gia hoặc một thư mục trao đổi. "
            "Văn bản phát hành tới cơ quan có mã định danh thuộc một kết nối được gửi qua kết nối đó."
        </p>
        {peer_list}
        <h3>"Thêm hoặc sửa kết nối"</h3>
        <p class="muted small">"Lưu với tên đã có sẽ thay kết nối đó."</p>
        <form
            class="form-grid"
            data-testid="peer-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(());
            }
        >
            {field("Tên kết nối", "peer-name", name, "text")}
            <label class="field">
                <span>"Loại"</span>
                <select
                    data-testid="peer-kind"
                    prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))
                >
                    <option value="vanban">"Hệ thống vanban khác"</option>
                    <option value="axis">"Trục liên thông quốc gia"</option>
                    <option value="folder">"Thư mục trao đổi"</option>
                </select>
            </label>
            {field("Địa chỉ hoặc thư mục", "peer-endpoint", endpoint, "text")}
            {field("Mã khóa", "peer-key-id", key_id, "text")}
            {field("Khóa bí mật (ít nhất 16 ký tự; để trống khi sửa để giữ khóa cũ)", "peer-secret", secret, "password")}
            {field("Mã định danh các cơ quan (cách nhau bởi dấu phẩy)", "peer-organs", organs, "text")}
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="peer-enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                <span>"Đang bật"</span>
            </label>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="peer-save" prop:disabled=move || save.pending().get()>
                    "Lưu kết nối"
                </button>
            </div>
        </form>
        {save_message}
        {retry_error}
        {packets}
    }
    .into_any()
}
