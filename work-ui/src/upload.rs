//! Files chosen in a work form (a new draft, a document received by e-mail or on paper): read, checked to be
//! PDF, named by their SHA-256 (WebCrypto, in the page) and uploaded to the content-addressed store
//! (`PUT /api/blobs/{sha256}`) with a progress bar; the drop zone and the file line with its progress. A file
//! is only usable in the form once the server has it; the document itself is created after, so a failed
//! upload leaves nothing half-saved.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::outgoing::FileRef;
use shared::{ApiError, api};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use shared::client::ClientError;

/// Where one chosen file stands.
#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    Reading,
    Uploading(f64),
    /// On the server under this SHA-256.
    Done(String),
    Failed(ClientError),
}

/// A file the user chose, on its way to the server.
#[derive(Debug, Clone, Copy)]
pub struct Picked {
    pub key: u32,
    pub name: StoredValue<String>,
    pub size: f64,
    pub state: RwSignal<FileState>,
    /// What the browser's check of the file found that the server will refuse (active content, a damaged
    /// file), said while drafting so the official can export the PDF again before submitting.
    pub warning: RwSignal<Option<String>>,
    file: StoredValue<web_sys::File, LocalStorage>,
}

impl Picked {
    /// Starts reading, hashing and uploading `file`.
    pub fn start(key: u32, file: web_sys::File) -> Self {
        let picked = Self {
            key,
            name: StoredValue::new(file.name()),
            size: file.size(),
            state: RwSignal::new(FileState::Reading),
            warning: RwSignal::new(None),
            file: StoredValue::new_local(file),
        };
        picked.retry();
        picked
    }

    /// The chosen file, for reading its pages.
    pub fn blob(&self) -> Option<web_sys::Blob> {
        self.file.try_get_value().map(|f| f.into())
    }

    /// Runs (again) the whole upload of this file.
    pub fn retry(self) {
        let Some(file) = self.file.try_get_value() else {
            return;
        };
        self.state.set(FileState::Reading);
        self.warning.set(None);
        spawn_local(async move {
            let outcome = upload(&file, self.state).await;
            let uploaded = outcome.is_ok();
            self.state.try_set(match outcome {
                Ok(sha256) => FileState::Done(sha256),
                Err(message) => FileState::Failed(message),
            });
            if uploaded {
                // The same scan the server decides with (shared::pdf::active), run in the worker.
                let blob: web_sys::Blob = file.into();
                let warning = match crate::worker::inspect(&blob).await {
                    Ok(i) if i.active_content.is_empty() => None,
                    Ok(i) => Some(format!(
                        "Tệp có nội dung chủ động ({}), sẽ bị từ chối (Điều 22.2 Quy chế). Hãy xuất lại PDF không có các thành phần này.",
                        i.active_content.join(", ")
                    )),
                    Err(e) => Some(format!("Tệp sẽ bị từ chối: {}", e.message())),
                };
                self.warning.try_set(warning);
            }
        });
    }

    /// The reference the draft carries, once uploaded with a valid name.
    pub fn file_ref(&self) -> Result<FileRef, ClientError> {
        let name = self.name.get_value();
        match self.state.get_untracked() {
            FileState::Done(sha256) => Ok(FileRef {
                sha256,
                name: name
                    .as_str()
                    .try_into()
                    .map_err(|e| ClientError::Invalid(format!("Tên tệp “{name}”: {e}")))?,
            }),
            FileState::Failed(_) => Err(ClientError::Invalid(format!(
                "Tệp “{name}” chưa tải lên được."
            ))),
            _ => Err(ClientError::Invalid(format!(
                "Tệp “{name}” đang tải lên, hãy chờ xong."
            ))),
        }
    }
}

/// Size for people: `1,2 MB`, `350 KB`.
pub fn human_size(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{:.1} MB", bytes / 1_048_576.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes / 1024.0).ceil())
    }
}

/// The largest file the server accepts (`PUT /api/blobs`), checked before reading a byte.
const MAX_UPLOAD: f64 = 300.0 * 1024.0 * 1024.0;

async fn upload(file: &web_sys::File, state: RwSignal<FileState>) -> Result<String, ClientError> {
    if file.size() > MAX_UPLOAD {
        return Err(ClientError::from(
            "Tệp quá lớn: mỗi tệp tối đa 300 MiB. Hãy giảm độ phân giải bản quét hoặc tách thành nhiều tệp.",
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ClientError::FileUnreadable)?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let mut head = [0u8; 5];
    if bytes.length() >= 5 {
        bytes.subarray(0, 5).copy_to(&mut head);
    }
    if &head != b"%PDF-" {
        return Err(ClientError::from(
            "Tệp này không phải PDF: chỉ nhận văn bản dạng PDF.",
        ));
    }
    let sha256 = sha256_hex(&bytes).await?;
    state.try_set(FileState::Uploading(0.0));
    put_blob(&sha256, file, move |f| {
        state.try_set(FileState::Uploading(f));
    })
    .await?;
    Ok(sha256)
}

/// Lower-case hex SHA-256 of `bytes` (WebCrypto).
async fn sha256_hex(bytes: &js_sys::Uint8Array) -> Result<String, ClientError> {
    let no_hash = |_| {
        ClientError::from("Trình duyệt không tính được mã băm SHA-256 (cần mở trang qua HTTPS).")
    };
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or(())
        .map_err(no_hash)?;
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", bytes)
        .map_err(|_| no_hash(()))?;
    let digest = JsFuture::from(promise).await.map_err(|_| no_hash(()))?;
    Ok(js_sys::Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// `PUT /api/blobs/{sha256}` with `XMLHttpRequest`, the one browser API that reports upload progress.
async fn put_blob(
    sha256: &str,
    file: &web_sys::File,
    progress: impl Fn(f64) + 'static,
) -> Result<(), ClientError> {
    let csrf = crate::api::session().await?.csrf_token;
    let network = |_| ClientError::Network;
    let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
    xhr.open_with_async("PUT", &api::BLOB.replace("{sha256}", sha256), true)
        .map_err(network)?;
    xhr.set_request_header(api::CSRF_HEADER, &csrf)
        .map_err(network)?;
    xhr.set_request_header("content-type", "application/pdf")
        .map_err(network)?;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(e.loaded() / e.total());
            }
        });
    xhr.upload()
        .map_err(network)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // Settles when the request ends, whichever way (load, error, abort, timeout).
    let ended = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    xhr.send_with_opt_blob(Some(file)).map_err(network)?;
    let _ = JsFuture::from(ended).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    match status {
        0 => Err(ClientError::Network),
        200..=299 => Ok(()),
        _ => {
            let text = xhr.response_text().ok().flatten().unwrap_or_default();
            match serde_json::from_str::<ApiError>(&text) {
                Ok(e) => Err(ClientError::Api(e)),
                Err(_) if status == 413 => Err(ClientError::Api(ApiError::new(
                    shared::ErrorCode::Validation,
                    "Tệp quá lớn để tải lên.",
                ))),
                Err(_) => Err(ClientError::Unreadable(status)),
            }
        }
    }
}

/// A zone to drop PDF files on, with a button that opens the file picker.
#[component]
pub fn DropZone(
    multiple: bool,
    testid: &'static str,
    on_files: Callback<Vec<web_sys::File>>,
) -> impl IntoView {
    let over = RwSignal::new(false);
    let take = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if !files.is_empty() {
            on_files.run(if multiple {
                files
            } else {
                files.into_iter().take(1).collect()
            });
        }
    };
    view! {
        <label
            class="drop-zone"
            class:drop-over=move || over.get()
            data-testid=testid
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(false);
                take(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <input
                type="file"
                accept="application/pdf,.pdf"
                multiple=multiple
                class="sr-only"
                data-testid=format!("{testid}-input")
                on:change=move |ev| {
                    let input: Option<web_sys::HtmlInputElement> = ev
                        .target()
                        .and_then(|t| t.dyn_into().ok());
                    if let Some(input) = input {
                        take(input.files());
                        input.set_value("");
                    }
                }
            />
            <span class="drop-text">
                {if multiple { "Kéo thả các tệp PDF vào đây, hoặc " } else { "Kéo thả tệp PDF vào đây, hoặc " }}
                <span class="drop-pick">"chọn tệp"</span>
            </span>
        </label>
    }
}

/// One chosen file: name, size, progress or result, and remove (and retry after a failure).
#[component]
pub fn FileItem(picked: Picked, on_remove: Callback<()>) -> impl IntoView {
    let state = picked.state;
    view! {
        <div class="file-item" data-testid="file-item" data-state=move || match state.get() {
            FileState::Done(_) => "done",
            FileState::Failed(_) => "failed",
            _ => "busy",
        }>
            <div class="file-head">
                <span class="file-name">{picked.name.get_value()}</span>
                <span class="file-size">{human_size(picked.size)}</span>
                <button type="button" class="icon-button" aria-label="Bỏ tệp này" data-testid="file-remove"
                    on:click=move |_| on_remove.run(())>"×"</button>
            </div>
            {move || match state.get() {
                FileState::Reading => view! { <p class="file-status">"Đang đọc và tính mã băm…"</p> }.into_any(),
                FileState::Uploading(f) => view! {
                    <div class="file-status">
                        <progress max="1" value=f.to_string() data-testid="upload-progress"></progress>
                        <span>{format!("Đang tải lên {}%", (f * 100.0).round())}</span>
                    </div>
                }.into_any(),
                FileState::Done(_) => match picked.warning.get() {
                    None => view! { <p class="file-status file-ok">"Đã tải lên"</p> }.into_any(),
                    Some(w) => view! {
                        <p class="file-status file-bad" role="alert" data-testid="file-warning">{w}</p>
                    }.into_any(),
                },
                FileState::Failed(m) => view! {
                    <div class="file-status file-bad" role="alert">
                        <span>{m.message()}</span>
                        <button type="button" class="btn btn-small btn-secondary" data-testid="file-retry"
                            on:click=move |_| picked.retry()>"Thử lại"</button>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// The main file and the attachments of a form: a drop zone and a picker each, and each file's progress.
#[component]
pub fn FilePickers(
    main: RwSignal<Option<Picked>>,
    attachments: RwSignal<Vec<Picked>>,
    errors: RwSignal<crate::components::form::Errors>,
    #[prop(into)] main_label: Signal<&'static str>,
    #[prop(default = "main-drop")] main_testid: &'static str,
    #[prop(default = "attachment-drop")] attachment_testid: &'static str,
) -> impl IntoView {
    let next = StoredValue::new(0u32);
    // A file's signals belong to the form, not to the drop zone that received it (which goes away).
    let owner = Owner::current().expect("a component has an owner");
    let start = move |owner: &Owner, file: web_sys::File| {
        let key = next.get_value() + 1;
        next.set_value(key);
        owner.with(|| Picked::start(key, file))
    };
    let main_owner = owner.clone();
    let on_main = Callback::new(move |files: Vec<web_sys::File>| {
        if let Some(f) = files.into_iter().next() {
            main.set(Some(start(&main_owner, f)));
            errors.update(|e| {
                e.remove("main_file");
            });
        }
    });
    let on_attachments = Callback::new(move |files: Vec<web_sys::File>| {
        let picked: Vec<Picked> = files.into_iter().map(|f| start(&owner, f)).collect();
        attachments.update(|a| a.extend(picked));
        errors.update(|e| {
            e.remove("attachments");
        });
    });
    let error = move |field: &'static str| {
        move || {
            errors.with(|e| e.get(field).cloned()).map(|m| {
                view! { <p class="field-error" data-testid=format!("error-{field}")>{m}</p> }
            })
        }
    };
    view! {
        <div class="field">
            <span class="field-label">{move || main_label.get()} <span class="req" aria-hidden="true">" *"</span></span>
            {move || match main.get() {
                Some(p) => view! { <FileItem picked=p on_remove=Callback::new(move |()| main.set(None)) /> }.into_any(),
                None => view! { <DropZone multiple=false testid=main_testid on_files=on_main /> }.into_any(),
            }}
            {error("main_file")}
        </div>
        <div class="field">
            <span class="field-label">"Phụ lục, tài liệu kèm theo (PDF)"</span>
            <For each=move || attachments.get() key=|p| p.key let:p>
                <FileItem picked=p on_remove=Callback::new(move |()| attachments.update(|a| a.retain(|x| x.key != p.key))) />
            </For>
            <DropZone multiple=true testid=attachment_testid on_files=on_attachments />
            {error("attachments")}
        </div>
    }
}
