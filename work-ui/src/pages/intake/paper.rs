//! A paper document's scan (Điều 12.1): the format checks the server makes (PDF ≥ 1.4, refused below; colour
//! scans of at least 200 dpi, warned below), and the agency signature the clerk applies top right of page 1
//! with the agency seal key — the same worker call the clerk's issue step uses for separate attachments.

use leptos::prelude::*;
use shared::client::ClientError;
use shared::incoming::PrefillDto;
use shared::worker_protocol::{KeySummary, SignOptions, SignatureKind};

use crate::components::{Busy, KeyPicker, NoKeyNotice, progress_of, set_busy};
use crate::pages::document::issue::is_seal_of;
use crate::signing::{load_keys, upload};
use crate::{files, worker};

/// The lowest resolution a scan should have (Điều 12.1).
const MIN_DPI: u32 = 200;

/// What the server will say about the scan, from the prefill answer.
#[component]
pub fn ScanChecks(found: PrefillDto) -> impl IntoView {
    let version = found.pdf_version.clone();
    let old = version.as_deref().is_some_and(|v| {
        let mut parts = v.split('.');
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        (major, minor) < (1, 4)
    });
    view! {
        <ul class="scan-checks" data-testid="scan-checks">
            {version.map(|v| if old {
                view! { <li class="check-bad" data-testid="scan-version" data-ok="false">{format!("✗ PDF phiên bản {v}: cần từ 1.4 trở lên, máy chủ sẽ từ chối. Hãy quét lại.")}</li> }.into_any()
            } else {
                view! { <li class="check-ok" data-testid="scan-version" data-ok="true">{format!("✓ PDF phiên bản {v}")}</li> }.into_any()
            })}
            {match found.min_dpi {
                Some(d) if d < MIN_DPI => view! {
                    <li class="alert alert-warning" data-testid="scan-dpi" data-ok="false">
                        {format!("Độ phân giải thấp nhất {d} dpi, dưới {MIN_DPI} dpi quy định: bản quét có thể khó đọc. Nên quét lại ở {MIN_DPI} dpi trở lên, màu.")}
                    </li>
                }.into_any(),
                Some(d) => view! { <li class="check-ok" data-testid="scan-dpi" data-ok="true">{format!("✓ Độ phân giải thấp nhất {d} dpi")}</li> }.into_any(),
                None => view! { <li class="muted" data-testid="scan-dpi">"Không đọc được độ phân giải ảnh quét."</li> }.into_any(),
            }}
            {found.pages.map(|p| view! { <li class="muted">{format!("{p} trang")}</li> })}
        </ul>
    }
}

/// The seal key chosen for the scan and its PIN.
#[derive(Clone, Copy)]
pub struct Seal {
    pub keys: RwSignal<Vec<KeySummary>>,
    pub key_id: RwSignal<String>,
    pub loaded: RwSignal<bool>,
    pub pin: RwSignal<String>,
}

impl Seal {
    /// Reads this browser's keys and picks the agency's seal.
    pub fn load(agency: String, error: RwSignal<Option<String>>) -> Self {
        let seal = Self {
            keys: RwSignal::new(Vec::new()),
            key_id: RwSignal::new(String::new()),
            loaded: RwSignal::new(false),
            pin: RwSignal::new(String::new()),
        };
        load_keys(seal.keys, seal.key_id, seal.loaded, error, move |k| {
            is_seal_of(k, &agency)
        });
        seal
    }
}

/// Key choice and PIN for the agency signature on the scan.
#[component]
pub fn SealFields(seal: Seal) -> impl IntoView {
    let has_key = move || seal.keys.with(|k| k.iter().any(|k| k.has_certificate));
    view! {
        <div class="paper-seal" data-testid="paper-seal">
            <p class="hint">
                "Văn bản giấy: trước khi lưu, hệ thống ký số của cơ quan lên bản quét (góc trên bên phải trang 1, "
                "kèm tên cơ quan và thời điểm ký) bằng khóa con dấu trên máy này."
            </p>
            {move || (seal.loaded.get() && !has_key()).then(|| view! { <NoKeyNotice what="khóa con dấu (chữ ký số) của cơ quan" /> })}
            <KeyPicker keys=seal.keys key_id=seal.key_id label="Khóa con dấu của cơ quan" testid="intake-seal-key" />
            <div class="field">
                <label for="intake-seal-pin">"Mã PIN của khóa con dấu"</label>
                <input id="intake-seal-pin" type="password" inputmode="numeric" autocomplete="off"
                    data-testid="intake-seal-pin" bind:value=seal.pin />
            </div>
        </div>
    }
}

/// Signs `scan` with the agency seal (top right of page 1, the agency's name and the time) and uploads the
/// signed file; returns its SHA-256.
pub async fn seal_and_upload(
    scan: &web_sys::Blob,
    seal: Seal,
    agency: &str,
    busy: Busy,
) -> Result<String, ClientError> {
    set_busy(busy, "Đang mở khóa con dấu và ký số bản quét…");
    let options = SignOptions {
        key_id: seal.key_id.get_untracked(),
        pin: seal.pin.get_untracked(),
        kind: SignatureKind::Attachment,
        page: 0,
        rect: None,
        text: Some(agency.to_string()),
        pss: false,
    };
    let appended = worker::sign(
        scan,
        options,
        None,
        Some(progress_of(busy, "Đang ký số bản quét…")),
    )
    .await?;
    let signed = files::blob_appended(scan, &appended.bytes)?;
    upload(&signed, busy, "bản quét đã ký").await
}
