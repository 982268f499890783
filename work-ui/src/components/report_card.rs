//! The verdict on one signature as a person reads it: green, amber or red, who signed, with which
//! certificate, and whether the document changed after signing.

use leptos::prelude::*;
use shared::worker_protocol::{Modification, RevocationStatus, SignatureCheck};

/// Green when fully good; red when broken, modified beyond form filling or revoked; amber otherwise.
pub fn level(r: &SignatureCheck) -> (&'static str, &'static str) {
    if r.ok {
        ("ok", "Hợp lệ")
    } else if !r.valid
        || r.modification == Modification::Other
        || r.revocation_status == RevocationStatus::Revoked
    {
        ("bad", "Không hợp lệ")
    } else {
        ("warn", "Cần lưu ý")
    }
}

fn modification_text(r: &SignatureCheck) -> String {
    match r.modification {
        Modification::None => "Không có: văn bản giữ nguyên như lúc ký.".into(),
        Modification::FormFilling => {
            let filled: Vec<String> = r
                .filled_fields
                .iter()
                .map(|(k, v)| format!("{k} = “{v}”"))
                .collect();
            if filled.is_empty() {
                "Chỉ có thêm chữ ký số sau chữ ký này (được phép).".into()
            } else {
                format!(
                    "Chỉ điền số, ngày văn bản hoặc ký thêm (được phép): {}.",
                    filled.join("; ")
                )
            }
        }
        Modification::Other => {
            "Văn bản đã bị sửa sau khi ký: chữ ký này không còn bảo đảm nội dung bạn đang xem."
                .into()
        }
    }
}

#[component]
pub fn ReportCard(report: SignatureCheck) -> impl IntoView {
    let (class, verdict) = level(&report);
    let revocation = report.revocation_status.label();
    let modification_code = match report.modification {
        Modification::None => "none",
        Modification::FormFilling => "form_filling",
        Modification::Other => "other",
    };
    view! {
        <article class=format!("sig-card sig-{class}") data-testid="signature-card" data-level=class>
            <header>
                <strong class="sig-verdict" data-testid="signature-verdict">{verdict}</strong>
                <span class="sig-field">{report.field.clone()}</span>
            </header>
            <dl>
                <dt>"Người ký"</dt>
                <dd data-testid="signature-signer">{report.signer.clone()}</dd>
                <dt>"Cơ quan"</dt>
                <dd>{report.organization.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Thời điểm ký"</dt>
                <dd>
                    {report
                        .signing_time
                        .clone()
                        .map(|t| format!("{t} (theo thiết bị của người ký)"))
                        .unwrap_or_else(|| "không ghi".into())}
                </dd>
                <dt>"Dấu thời gian"</dt>
                <dd data-testid="signature-timestamp" data-level=report.level.as_str()>
                    {shared::signature::time_sentence(report.timestamp.as_ref(), report.level, report.document_timestamp)}
                </dd>
                <dt>"Chứng thư số"</dt>
                <dd>{format!("Do {} cấp: {}; {}", report.issuer, report.chain_status.label(), revocation)}</dd>
                {report.revocation.as_ref().map(|r| {
                    let when = if r.after_signing { "after" } else { "before" };
                    view! {
                        <dt>"Thu hồi"</dt>
                        <dd data-testid="signature-revocation" data-revoked=when>{r.sentence()}</dd>
                    }
                })}
                <dt>"Số sê-ri chứng thư"</dt>
                <dd data-testid="signature-serial">{report.serial.clone()}</dd>
                <dt>"Toàn vẹn"</dt>
                <dd>
                    {if report.valid {
                        "Nội dung được ký không thay đổi; chữ ký khớp khóa của người ký."
                    } else {
                        "Chữ ký hỏng hoặc nội dung được ký đã bị thay đổi."
                    }}
                </dd>
                <dt>"Sửa đổi sau khi ký"</dt>
                <dd data-testid="signature-modification" data-modification=modification_code>
                    {modification_text(&report)}
                </dd>
                <dt>"Phạm vi"</dt>
                <dd>
                    {if report.covers_whole_document {
                        "Chữ ký bao toàn bộ tệp."
                    } else {
                        "Chữ ký bao một phiên bản trước của tệp; phần sau đã được kiểm tra ở mục trên."
                    }}
                </dd>
                <dt>"Thuật toán"</dt>
                <dd>{report.algorithm.clone()}</dd>
            </dl>
            {(!report.problems.is_empty())
                .then(|| {
                    view! {
                        <ul class="sig-problems">
                            {report.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                        </ul>
                    }
                })}
        </article>
    }
}
