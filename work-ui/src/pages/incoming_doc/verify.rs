//! The check of what arrived (Điều 12.2–12.3): for each received file, the server's verdict (kept from
//! registration, or asked again with "Kiểm tra lại trên máy chủ") beside this browser's own verification in the
//! worker, against the same trust anchors; then declared attachments and pages against what was received.
//! A failed signature shows red on either side.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::incoming::{FileCheck, IncomingDto, VerificationDto};
use shared::worker_protocol::SignatureCheck;

use crate::components::{ReportCard, level};
use crate::signing::blob_at;
use crate::{api, worker};

/// What this browser found in one file.
#[derive(Clone)]
enum Local {
    Checking,
    Done(Vec<SignatureCheck>),
    Failed(ClientError),
}

async fn verify_here(url: String, trust: shared::pdf::TrustAnchorsResponse) -> Local {
    let result = async {
        let blob = blob_at(&url).await?;
        worker::verify(&blob, trust, None).await
    }
    .await;
    match result {
        Ok(r) => Local::Done(r),
        Err(e) => Local::Failed(e),
    }
}

fn server_file(check: Option<FileCheck>) -> impl IntoView {
    let Some(f) = check else {
        return view! { <p class="muted">"Máy chủ chưa kiểm tra tệp này."</p> }.into_any();
    };
    let none = f.signatures.is_empty();
    view! {
        <ul class="sig-lines" data-testid="server-signatures">
            {f.signatures.into_iter().map(|s| {
                let class = if s.ok { "sig-line sig-ok" } else { "sig-line sig-bad" };
                view! {
                    <li class=class data-testid="server-signature" data-ok=s.ok.to_string()>
                        <strong>{if s.ok { "✓ Hợp lệ" } else { "✗ Không hợp lệ" }}</strong>
                        " — " {s.signer.clone()}
                        {s.organization.clone().map(|o| format!(" ({o})"))}
                        {s.signing_time.clone().map(|t| view! { <div class="cell-sub">{format!("Ký lúc {t} (theo thiết bị của người ký)")}</div> })}
                        <div class="cell-sub" data-testid="server-signature-timestamp" data-level=s.level.as_str()>
                            {shared::signature::time_sentence(s.timestamp.as_ref(), s.level, s.document_timestamp)}
                        </div>
                        {s.revocation.as_ref().map(|r| {
                            let when = if r.after_signing { "after" } else { "before" };
                            view! {
                                <div class="cell-sub" data-testid="server-signature-revocation" data-revoked=when>
                                    {r.sentence()}
                                </div>
                            }
                        })}
                        {(!s.problems.is_empty()).then(|| view! {
                            <ul class="sig-problems">{s.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        })}
                    </li>
                }
            }).collect_view()}
            {none.then(|| view! { <li class="sig-line sig-bad">"Không có chữ ký số."</li> })}
        </ul>
        {(!f.problems.is_empty()).then(|| view! {
            <ul class="sig-problems" data-testid="server-problems">{f.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        })}
        {(!f.warnings.is_empty()).then(|| view! {
            <ul class="sig-warnings" data-testid="server-warnings">{f.warnings.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        })}
    }
    .into_any()
}

fn local_file(state: Option<Local>) -> AnyView {
    match state {
        None | Some(Local::Checking) => view! {
            <p class="loading"><span class="spinner"></span>"Đang kiểm tra trên máy này…"</p>
        }
        .into_any(),
        Some(Local::Failed(e)) => view! {
            <p class="sig-line sig-bad" data-testid="local-error">{format!("Không kiểm tra được: {e}")}</p>
        }
        .into_any(),
        Some(Local::Done(reports)) if reports.is_empty() => view! {
            <p class="sig-line sig-bad" data-testid="local-signature" data-level="bad">"Không có chữ ký số."</p>
        }
        .into_any(),
        Some(Local::Done(reports)) => view! {
            <ul class="sig-lines">
                {reports.into_iter().map(|r| {
                    let (class, verdict) = level(&r);
                    let mark = if class == "ok" { "✓" } else if class == "bad" { "✗" } else { "!" };
                    view! {
                        <li class=format!("sig-line sig-{class}") data-testid="local-signature" data-level=class>
                            <details>
                                <summary>
                                    <strong>{format!("{mark} {verdict}")}</strong>
                                    " — " {r.signer.clone()}
                                </summary>
                                <ReportCard report=r />
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

/// The verification panel of an incoming document.
#[component]
pub fn VerificationPanel(doc: IncomingDto) -> impl IntoView {
    let id = doc.id;
    let server = RwSignal::new(doc.verification.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let files = doc.files.clone();
    let local: Vec<RwSignal<Option<Local>>> = files.iter().map(|_| RwSignal::new(None)).collect();
    {
        let urls: Vec<String> = files
            .iter()
            .map(|f| shared::api::incoming_file(id, f.id))
            .collect();
        let local = local.clone();
        spawn_local(async move {
            let trust = api::trust_anchors().await;
            for (url, slot) in urls.into_iter().zip(local) {
                slot.try_set(Some(Local::Checking));
                let r = verify_here(url, trust.clone()).await;
                if slot.try_set(Some(r)).is_some() {
                    // The panel is gone.
                    return;
                }
            }
        });
    }
    let recheck = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let r = api::incoming_verification(id).await;
            busy.try_set(false);
            match r {
                Ok(v) => {
                    server.try_set(Some(v));
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };
    let verdict = move || {
        server.get().map(|v: VerificationDto| {
            let (class, text) = if v.ok {
                ("alert alert-ok", "Máy chủ: mọi chữ ký hợp lệ, văn bản chính có chữ ký của cơ quan ban hành.")
            } else {
                ("alert alert-error", "Máy chủ: có chữ ký không hợp lệ hoặc tệp cần xem lại.")
            };
            view! {
                <div class=class role="status" data-testid="verification-verdict" data-ok=v.ok.to_string()>
                    <p>{text}</p>
                    <p class="cell-sub">{format!("Kiểm tra lúc {}", v.checked_at.to_display_vn())}</p>
                </div>
            }
        })
    };
    view! {
        <section class="doc-section verify-section" data-testid="verification-panel">
            <div class="section-head">
                <h2>"Kiểm tra chữ ký số"</h2>
                <button type="button" class="btn btn-secondary btn-small" data-testid="verify-server"
                    disabled=move || busy.get() on:click=recheck>
                    {move || if busy.get() { "Đang kiểm tra…" } else { "Kiểm tra lại trên máy chủ" }}
                </button>
            </div>
            {verdict}
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            <div class="verify-files">
                {files.into_iter().zip(local).map(|(f, slot)| {
                    let name = f.name.clone();
                    let sha = f.sha256.clone();
                    view! {
                        <article class="verify-file" data-testid="verify-file">
                            <h3>
                                {if f.position == 0 { "Văn bản chính: " } else { "Tệp kèm theo: " }}
                                <span class="file-name">{name.clone()}</span>
                            </h3>
                            <div class="verify-cols">
                                <div>
                                    <h4>"Máy chủ"</h4>
                                    {move || {
                                        let check = server.with(|v| v.as_ref().and_then(|v| {
                                            v.files.iter().find(|c| c.sha256 == sha).cloned()
                                        }));
                                        server_file(check)
                                    }}
                                </div>
                                <div data-testid="local-verification">
                                    <h4>"Trình duyệt này"</h4>
                                    {move || local_file(slot.get())}
                                </div>
                            </div>
                        </article>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

/// Điều 12.3: what the sender declared (attachments, pages) against what was received.
#[component]
pub fn CountCheck(doc: IncomingDto) -> impl IntoView {
    let attachments = doc.files.len().saturating_sub(1) as u32;
    let pages: Option<u32> = doc.files.iter().map(|f| f.pages).sum();
    let line =
        |label: &'static str, declared: Option<u32>, got: Option<u32>, testid: &'static str| {
            let (class, text) = match (declared, got) {
                (None, Some(g)) => (
                    "check-line",
                    format!("{label}: nhận {g} (bên gửi không ghi số lượng)"),
                ),
                (None, None) => ("check-line", format!("{label}: không xác định")),
                (Some(d), Some(g)) if d == g => (
                    "check-line check-ok",
                    format!("✓ {label}: ghi {d}, nhận đủ {g}"),
                ),
                (Some(d), Some(g)) => (
                    "check-line check-bad",
                    format!("✗ {label}: ghi {d}, nhận {g}"),
                ),
                (Some(d), None) => (
                    "check-line check-bad",
                    format!("? {label}: ghi {d}, không đếm được"),
                ),
            };
            view! { <li class=class data-testid=testid>{text}</li> }
        };
    view! {
        <section class="doc-section" data-testid="count-check">
            <h2>"Số lượng tệp, trang (Điều 12.3)"</h2>
            <ul class="check-lines">
                {line("Tệp kèm theo", doc.declared_attachments, Some(attachments), "check-attachments")}
                {line("Tổng số trang", doc.declared_pages, pages, "check-pages")}
            </ul>
            <ul class="received-files">
                {doc.files.iter().map(|f| view! {
                    <li>
                        <a href=shared::api::incoming_file(doc.id, f.id) target="_blank" rel="noopener" data-testid="incoming-file">{f.name.clone()}</a>
                        <span class="muted">{format!(
                            " — {}{}",
                            if f.position == 0 { "văn bản chính" } else { "kèm theo" },
                            f.pages.map(|p| format!(", {p} trang")).unwrap_or_default()
                        )}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
