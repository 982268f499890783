//! What the worker does for the page: hash, inspect, verify, render, manage keys, sign, fill the number and date.

use serde::{Deserialize, Serialize};
use shared::pdf::appearance::{DisplayRect, display_size};
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::document::{Document, Field, Page};
use shared::pdf::object::Object;
use shared::pdf::sign::{SignatureKind, SignatureRequest};
use shared::pdf::source::Src;
use shared::pdf::verify::{VerifyOptions, active_content, verify_document};
use shared::time::Timestamp;
use web_sys::FileReaderSync;

use crate::{Reply, Request, keys};

/// Slices of this size are read and hashed at a time: memory stays bounded whatever the file size.
const SLICE: f64 = 8.0 * 1024.0 * 1024.0;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn arg<'a>(args: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    args.get(key).filter(|v| !v.is_null())
}

fn file_of(request: &Request) -> Result<&web_sys::Blob, String> {
    request
        .file
        .as_ref()
        .ok_or_else(|| "Chưa chọn tệp.".to_string())
}

/// Reads a slice of a blob synchronously (workers may).
fn read_slice(blob: &web_sys::Blob, start: f64, end: f64) -> Result<js_sys::Uint8Array, String> {
    let slice = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| "Không đọc được tệp.".to_string())?;
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(&slice))
        .map_err(|_| "Không đọc được tệp (trình duyệt từ chối).".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer))
}

/// A `File` read on demand through `FileReaderSync`, with a small cache of 256 KiB blocks: the core asks for the
/// ranges it needs, so verifying or signing a 200 MB file never holds it whole.
struct BlobReader<'a> {
    blob: &'a web_sys::Blob,
    len: usize,
    cache: std::cell::RefCell<Vec<(usize, Vec<u8>)>>,
    /// Reports how much was read, so long operations (hashing the signed ranges) show progress.
    progress: Option<&'a Reply>,
    read: std::cell::Cell<usize>,
    reported: std::cell::Cell<usize>,
}

const BLOCK: usize = 256 * 1024;
const CACHED_BLOCKS: usize = 8;

impl<'a> BlobReader<'a> {
    fn new(blob: &'a web_sys::Blob) -> Self {
        Self {
            blob,
            len: blob.size() as usize,
            cache: std::cell::RefCell::new(Vec::new()),
            progress: None,
            read: std::cell::Cell::new(0),
            reported: std::cell::Cell::new(0),
        }
    }

    fn with_progress(blob: &'a web_sys::Blob, reply: &'a Reply) -> Self {
        Self {
            progress: Some(reply),
            ..Self::new(blob)
        }
    }

    fn read_direct(&self, offset: usize, buf: &mut [u8]) -> usize {
        let end = (offset + buf.len()).min(self.len);
        if offset >= end {
            return 0;
        }
        match read_slice(self.blob, offset as f64, end as f64) {
            Ok(array) => {
                let n = (array.length() as usize).min(buf.len());
                array.slice(0, n as u32).copy_to(&mut buf[..n]);
                let read = self.read.get() + n;
                self.read.set(read);
                // Every 4 MiB: the bar moves on a 200 MB file without flooding the page with messages.
                if let Some(reply) = self.progress
                    && read >= self.reported.get() + (4 << 20)
                {
                    self.reported.set(read);
                    reply.progress(read.min(self.len) as f64, self.len as f64);
                }
                n
            }
            Err(_) => 0,
        }
    }

    fn block(&self, index: usize) -> Vec<u8> {
        let mut cache = self.cache.borrow_mut();
        if let Some(pos) = cache.iter().position(|(i, _)| *i == index) {
            let hit = cache.remove(pos);
            let data = hit.1.clone();
            cache.push(hit);
            return data;
        }
        let start = index * BLOCK;
        let mut data = vec![0u8; BLOCK.min(self.len.saturating_sub(start))];
        let n = self.read_direct(start, &mut data);
        data.truncate(n);
        if cache.len() >= CACHED_BLOCKS {
            cache.remove(0);
        }
        cache.push((index, data.clone()));
        data
    }
}

impl shared::pdf::source::RandomRead for BlobReader<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn read_at(&self, offset: usize, buf: &mut [u8]) -> usize {
        if buf.len() > BLOCK {
            return self.read_direct(offset, buf);
        }
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done;
            let block = self.block(at / BLOCK);
            let within = at % BLOCK;
            if within >= block.len() {
                break;
            }
            let n = (block.len() - within).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&block[within..within + n]);
            done += n;
        }
        done
    }
}

/// The whole file, read in slices with progress (only the renderer needs it whole).
fn read_all(reply: &Reply, blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let size = blob.size();
    let mut out = Vec::with_capacity(size as usize);
    let mut at = 0.0;
    while at < size {
        let end = (at + SLICE).min(size);
        let chunk = read_slice(blob, at, end)?;
        let start = out.len();
        out.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut out[start..]);
        at = end;
        reply.progress(at, size);
    }
    Ok(out)
}

fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

#[derive(Serialize)]
struct HashResult {
    sha256: String,
    size: f64,
    millis: f64,
    engine: &'static str,
}

/// Files up to this size are hashed by WebCrypto in one buffer; larger ones stream through WASM.
const WEBCRYPTO_MAX: f64 = 128.0 * 1024.0 * 1024.0;

async fn webcrypto_sha256(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    use wasm_bindgen::JsCast;
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(blob))
        .map_err(|_| "Không đọc được tệp (trình duyệt từ chối).".to_string())?;
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let subtle = scope
        .crypto()
        .map_err(|_| "Trình duyệt không có WebCrypto.".to_string())?
        .subtle();
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &buffer)
        .map_err(|_| "WebCrypto không băm được tệp.".to_string())?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "WebCrypto không băm được tệp.".to_string())?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
}

#[derive(Serialize)]
struct PageInfo {
    width: f64,
    height: f64,
    rotate: i64,
}

/// A signed signature field that shows on a page: where (in displayed-page points, origin bottom left).
#[derive(Serialize)]
struct SignatureField {
    name: String,
    page: usize,
    /// `[x, y, width, height]` as displayed.
    rect: [f64; 4],
}

#[derive(Serialize)]
struct Inspection {
    pages: Vec<PageInfo>,
    signatures: usize,
    /// The visible signed signatures, oldest first (the order of the form's fields).
    signature_fields: Vec<SignatureField>,
    active_content: Vec<String>,
}

/// Maps a point of the page's user space to the page as displayed (the inverse of `display_to_user`).
fn user_to_display(page: &Page, ux: f64, uy: f64) -> (f64, f64) {
    let [x0, y0, x1, y1] = page.crop_box;
    match page.rotate {
        90 => (uy - y0, x1 - ux),
        180 => (x1 - ux, y1 - uy),
        270 => (y1 - uy, ux - x0),
        _ => (ux - x0, uy - y0),
    }
}

/// The visible rectangles of the signed signature fields: what the clerk's seal is placed against.
fn signature_fields(doc: &Document, pages: &[Page], fields: &[Field]) -> Vec<SignatureField> {
    let mut out = Vec::new();
    for f in fields
        .iter()
        .filter(|f| f.field_type.as_deref() == Some(b"Sig") && f.value.is_some())
    {
        for widget in &f.widgets {
            let dict = if *widget == f.id {
                f.dict.clone()
            } else {
                match doc.get_dict(*widget) {
                    Ok(d) => d,
                    Err(_) => continue,
                }
            };
            let Some(r) = dict
                .get(b"Rect")
                .and_then(Object::as_array)
                .filter(|a| a.len() == 4)
                .map(|a| {
                    a.iter()
                        .map(|o| o.as_number().unwrap_or(0.0))
                        .collect::<Vec<_>>()
                })
            else {
                continue;
            };
            let on_page = dict
                .get(b"P")
                .and_then(Object::as_ref)
                .and_then(|p| pages.iter().position(|pg| pg.id == p))
                .or_else(|| {
                    pages.iter().position(|pg| {
                        doc.lookup(&pg.dict, b"Annots")
                            .ok()
                            .flatten()
                            .and_then(|a| {
                                a.as_array()
                                    .map(|a| a.iter().any(|o| o.as_ref() == Some(*widget)))
                            })
                            .unwrap_or(false)
                    })
                });
            let Some(index) = on_page else { continue };
            let page = &pages[index];
            let (ax, ay) = user_to_display(page, r[0], r[1]);
            let (bx, by) = user_to_display(page, r[2], r[3]);
            let (w, h) = ((ax - bx).abs(), (ay - by).abs());
            // Invisible signatures have an empty rectangle.
            if w < 1.0 || h < 1.0 {
                continue;
            }
            out.push(SignatureField {
                name: f.name.clone(),
                page: index,
                rect: [ax.min(bx), ay.min(by), w, h],
            });
        }
    }
    out
}

#[derive(Deserialize)]
struct FillArgs {
    number: u32,
    notation: String,
    year: i32,
    month: u32,
    day: u32,
}

#[derive(Deserialize)]
struct SignArgs {
    key_id: String,
    #[serde(default)]
    pin: String,
    kind: String,
    page: usize,
    rect: Option<[f64; 4]>,
    text: Option<String>,
    #[serde(default)]
    pss: bool,
}

impl SignArgs {
    fn kind(&self) -> SignatureKind {
        match self.kind.as_str() {
            "seal" => SignatureKind::Seal,
            "attachment" => SignatureKind::Attachment,
            _ => SignatureKind::Signer,
        }
    }

    /// What the core lays out, for these arguments and this signer (the same for the preview and the signature).
    fn request(
        &self,
        image_png: Option<Vec<u8>>,
        signer_name: String,
        organization: Option<String>,
    ) -> SignatureRequest {
        SignatureRequest {
            kind: self.kind(),
            page: self.page,
            rect: self.rect.map(|[x, y, w, h]| DisplayRect { x, y, w, h }),
            image_png,
            text: self.text.clone(),
            signer_name,
            organization,
            time: now(),
        }
    }
}

pub async fn handle(reply: &Reply, request: Request) -> Result<(), String> {
    match request.op.as_str() {
        "hash" => {
            let blob = file_of(&request)?;
            let started = js_sys::Date::now();
            let size = blob.size();
            let engine = arg(&request.args, "engine")
                .and_then(|e| e.as_str())
                .unwrap_or("auto");
            // WebCrypto is native SHA-256 (several times faster than WASM) but wants the whole file in one buffer;
            // above WEBCRYPTO_MAX the streaming WASM hasher keeps memory bounded (docs/BENCHMARKS.md).
            if engine == "webcrypto" || (engine == "auto" && size <= WEBCRYPTO_MAX) {
                reply.progress(0.0, size);
                let digest = webcrypto_sha256(blob).await?;
                reply.progress(size, size);
                reply.ok(
                    &HashResult {
                        sha256: shared::hex(&digest),
                        size,
                        millis: js_sys::Date::now() - started,
                        engine: "webcrypto",
                    },
                    None,
                );
                return Ok(());
            }
            let mut hasher = shared::pdf::ByteRangeHasher::whole_file();
            let mut buf = vec![0u8; SLICE as usize];
            let mut at = 0.0;
            while at < size {
                let end = (at + SLICE).min(size);
                let chunk = read_slice(blob, at, end)?;
                let n = chunk.length() as usize;
                chunk.copy_to(&mut buf[..n]);
                hasher.update(&buf[..n]);
                at = end;
                reply.progress(at, size);
            }
            let digest = hasher.finish().map_err(err)?;
            reply.ok(
                &HashResult {
                    sha256: shared::hex(&digest),
                    size,
                    millis: js_sys::Date::now() - started,
                    engine: "wasm",
                },
                None,
            );
        }
        "inspect" => {
            let reader = BlobReader::new(file_of(&request)?);
            let src = Src::reader(&reader);
            let doc = Document::open(src).map_err(err)?;
            let all_pages = doc.pages().map_err(err)?;
            let fields = doc.fields().map_err(err)?;
            let signature_fields = signature_fields(&doc, &all_pages, &fields);
            let pages = all_pages
                .iter()
                .map(|p| {
                    let (width, height) = display_size(p);
                    PageInfo {
                        width,
                        height,
                        rotate: p.rotate,
                    }
                })
                .collect();
            let signatures = fields
                .iter()
                .filter(|f| f.field_type.as_deref() == Some(b"Sig") && f.value.is_some())
                .count();
            let active = active_content(src).map_err(err)?;
            reply.ok(
                &Inspection {
                    pages,
                    signatures,
                    signature_fields,
                    active_content: active,
                },
                None,
            );
        }
        "verify" => {
            let reader = BlobReader::with_progress(file_of(&request)?, reply);
            let mut options = VerifyOptions::default();
            if let Some(list) = arg(&request.args, "trust").and_then(|t| t.as_array()) {
                for pem in list.iter().filter_map(|p| p.as_str()) {
                    options
                        .trust_anchors
                        .extend(shared::pki::certs_from_pem_or_der(pem.as_bytes()).map_err(err)?);
                }
            }
            let reports = verify_document(Src::reader(&reader), &options).map_err(err)?;
            reply.ok(&reports, None);
        }
        "render" => {
            too_big_to_render(file_of(&request)?)?;
            let data = read_all(reply, file_of(&request)?)?;
            let page_index = arg(&request.args, "page")
                .and_then(|p| p.as_u64())
                .unwrap_or(0) as usize;
            let width_px = arg(&request.args, "width")
                .and_then(|w| w.as_f64())
                .unwrap_or(800.0) as f32;
            let (rgba, w, h) = render(data, page_index, width_px)?;
            reply.ok(&serde_json::json!({ "width": w, "height": h }), Some(&rgba));
        }
        "keys.list" => reply.ok(&keys::list().await?, None),
        "keys.delete" => {
            let id = arg(&request.args, "id")
                .and_then(|v| v.as_str())
                .ok_or("Thiếu mã khoá.")?;
            keys::delete(id).await?;
            reply.ok(&keys::list().await?, None);
        }
        "keys.import_p12" => {
            let bytes = request.bytes.as_ref().ok_or("Chưa chọn tệp PKCS#12.")?;
            let p12_pin = arg(&request.args, "p12_pin")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let pin = arg(&request.args, "pin")
                .and_then(|v| v.as_str())
                .ok_or("Thiếu mã PIN mới.")?;
            let (key, certs) = shared::pki::from_pkcs12(bytes, p12_pin).map_err(err)?;
            let label = shared::pki::subject_names(&certs[0]).0;
            let sealed = shared::keystore::seal(
                &key,
                &certs,
                &label,
                pin,
                shared::keystore::KdfParams::INTERACTIVE,
            )
            .map_err(err)?;
            keys::put(&sealed).await?;
            reply.ok(&keys::list().await?, None);
        }
        "keys.generate" => {
            let name = arg(&request.args, "name")
                .and_then(|v| v.as_str())
                .ok_or("Thiếu họ tên.")?;
            let org = arg(&request.args, "organization").and_then(|v| v.as_str());
            let pin = arg(&request.args, "pin")
                .and_then(|v| v.as_str())
                .ok_or("Thiếu mã PIN.")?;
            let key = shared::pki::generate_key().map_err(err)?;
            let csr = shared::keystore::certificate_request(&key, name, org).map_err(err)?;
            let sealed = shared::keystore::seal(
                &key,
                &[],
                name,
                pin,
                shared::keystore::KdfParams::INTERACTIVE,
            )
            .map_err(err)?;
            let id = keys::put(&sealed).await?;
            reply.ok(&serde_json::json!({ "id": id, "csr": csr }), None);
        }
        "keys.attach_certificate" => {
            let id = arg(&request.args, "id")
                .and_then(|v| v.as_str())
                .ok_or("Thiếu mã khoá.")?;
            let pem = arg(&request.args, "pem")
                .and_then(|v| v.as_str())
                .ok_or("Chưa có chứng thư số.")?;
            let chain = shared::pki::certs_from_pem_or_der(pem.as_bytes()).map_err(err)?;
            let mut sealed = keys::get(id).await?;
            sealed.attach_certificates(chain).map_err(err)?;
            keys::replace(id, &sealed).await?;
            reply.ok(&keys::list().await?, None);
        }
        "preview" => {
            // The final appearance on the page, without the key: lay out the signature (placeholder contents),
            // then render the page of the result.
            let args: SignArgs = serde_json::from_value(request.args.clone())
                .map_err(|e| format!("Yêu cầu sai: {e}"))?;
            let width_px = arg(&request.args, "width")
                .and_then(|w| w.as_f64())
                .unwrap_or(800.0) as f32;
            too_big_to_render(file_of(&request)?)?;
            let data = read_all(reply, file_of(&request)?)?;
            let sealed = keys::get(&args.key_id).await?;
            let certificates = sealed.certificates().map_err(err)?;
            let (signer_name, organization) = match certificates.first() {
                Some(c) => shared::pki::subject_names(c),
                None => (sealed.label.clone(), None),
            };
            let sign_request = args.request(request.bytes.clone(), signer_name, organization);
            // An attachment's appearance is always on page 1 (the core puts it there).
            let page = if sign_request.kind == SignatureKind::Attachment {
                0
            } else {
                args.page
            };
            let appended = {
                let doc = Document::open(&data).map_err(err)?;
                shared::pdf::sign::prepare(&doc, &sign_request, 4096)
                    .map_err(err)?
                    .appended
            };
            let mut combined = data;
            combined.extend_from_slice(&appended);
            let (rgba, w, h) = render(combined, page, width_px)?;
            reply.ok(&serde_json::json!({ "width": w, "height": h }), Some(&rgba));
        }
        "sign" => {
            let args: SignArgs = serde_json::from_value(request.args.clone())
                .map_err(|e| format!("Yêu cầu ký sai: {e}"))?;
            let blob = file_of(&request)?;
            let sealed = keys::get(&args.key_id).await?;
            let certificates = sealed.certificates().map_err(err)?;
            if certificates.is_empty() {
                return Err(shared::keystore::KeystoreError::NoCertificate.to_string());
            }
            let key = sealed.open(&args.pin).map_err(err)?;
            let (signer_name, organization) = shared::pki::subject_names(&certificates[0]);
            let signer = RsaSigner {
                key,
                certificates,
                padding: if args.pss {
                    Padding::Pss
                } else {
                    Padding::Pkcs1v15
                },
            };
            let sign_request = args.request(request.bytes.clone(), signer_name, organization);
            // Read on demand and hashed in chunks: the document is never held whole. Only the appended bytes travel
            // back; the page joins them to the File it already has (a Blob of two parts).
            let reader = BlobReader::with_progress(blob, reply);
            let appended = shared::pdf::sign::sign(Src::reader(&reader), &sign_request, &signer)
                .map_err(err)?;
            let size = reader.len + appended.len();
            reply.ok(&serde_json::json!({ "size": size }), Some(&appended));
        }
        "fill" => {
            // The number and date written into the reserved fields (an incremental update: the signer's signature
            // stays valid). Only the appended bytes travel back, as with "sign".
            let args: FillArgs = serde_json::from_value(request.args.clone())
                .map_err(|e| format!("Yêu cầu điền số sai: {e}"))?;
            let blob = file_of(&request)?;
            let data = read_all(reply, blob)?;
            let appended = shared::pdf::fill::fill_number(
                &data,
                args.number,
                &args.notation,
                (args.year, args.month, args.day),
            )
            .map_err(err)?;
            let size = data.len() + appended.len();
            reply.ok(&serde_json::json!({ "size": size }), Some(&appended));
        }
        // Diagnostics: how much WASM memory the worker holds (it never shrinks, so this is its peak).
        "memory" => {
            use wasm_bindgen::JsCast;
            let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
            let bytes = memory
                .buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length();
            reply.ok(&serde_json::json!({ "wasm_memory_bytes": bytes }), None);
        }
        other => return Err(format!("Thao tác không được hỗ trợ: {other}")),
    }
    Ok(())
}

/// The renderer needs the whole file in memory: above this size the page is not drawn (the placement box still
/// works on an outline of the page), so memory stays bounded whatever the document's size.
const RENDER_MAX: f64 = 64.0 * 1024.0 * 1024.0;

fn too_big_to_render(blob: &web_sys::Blob) -> Result<(), String> {
    if blob.size() > RENDER_MAX {
        return Err(format!(
            "TOO_BIG:Tệp {:.0} MB lớn hơn 64 MB nên không vẽ trước trang; khung vị trí vẫn dùng được trên khung trang.",
            blob.size() / 1_048_576.0
        ));
    }
    Ok(())
}

/// Renders one page (as displayed: rotation and crop box applied) to RGBA pixels `width_px` wide.
fn render(data: Vec<u8>, page_index: usize, width_px: f32) -> Result<(Vec<u8>, u16, u16), String> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::{PixmapSettings, RenderCache, RenderSettings};
    let pdf =
        Pdf::new(data).map_err(|_| "Trình hiển thị không mở được tệp PDF này.".to_string())?;
    let pages = pdf.pages();
    let page = pages.get(page_index).ok_or("Không có trang này.")?;
    let (w, _) = page.render_dimensions();
    let scale = (width_px / w.max(1.0)).clamp(0.05, 8.0);
    let cache = RenderCache::new();
    let pixmap = hayro::render(
        page,
        &cache,
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let (pw, ph) = (pixmap.width(), pixmap.height());
    Ok((pixmap.data_as_u8_slice().to_vec(), pw, ph))
}
