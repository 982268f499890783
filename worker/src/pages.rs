//! What the render worker does for the page: inspect a file (its pages, signature fields and active content,
//! with the core's PDF reader) and draw a page (hayro). A document page needs only these, so its first visit
//! downloads this worker and not the signing core.

use shared::pdf::active::active_content;
use shared::pdf::appearance::display_size;
use shared::pdf::document::Document;
use shared::pdf::source::Src;
use shared::worker_protocol::{
    Inspection, PageSize, Pixels, WorkerError, WorkerReply, WorkerRequest,
};

use crate::reader::{BlobReader, read_all};
use crate::render::{render, too_big_to_render};
use crate::{Answer, Posted, Reply, core, fields, memory, not_here};

/// Runs one request of the render worker.
pub fn run(reply: &Reply, posted: Posted) -> Result<Answer, WorkerError> {
    let file = || posted.file.as_ref().ok_or(WorkerError::NoFile);
    match posted.request? {
        WorkerRequest::Inspect => inspect(file()?),
        WorkerRequest::Render { page, width } => render_page(reply, file()?, page, width),
        WorkerRequest::Memory => Ok(memory().into()),
        other => Err(not_here(&other, "Bộ hiển thị trang")),
    }
}

fn inspect(blob: &web_sys::Blob) -> Result<Answer, WorkerError> {
    let reader = BlobReader::new(blob);
    let src = Src::reader(&reader);
    let doc = Document::open(src).map_err(core)?;
    let all_pages = doc.pages().map_err(core)?;
    let form_fields = doc.fields().map_err(core)?;
    let signature_fields = fields::signature_fields(&doc, &all_pages, &form_fields);
    let pages = all_pages
        .iter()
        .map(|p| {
            let (width, height) = display_size(p);
            PageSize {
                width,
                height,
                rotate: p.rotate,
            }
        })
        .collect();
    let signatures = form_fields
        .iter()
        .filter(|f| f.field_type.as_deref() == Some(b"Sig") && f.value.is_some())
        .count();
    let active = active_content(src).map_err(core)?;
    Ok(WorkerReply::Inspected(Inspection {
        pages,
        signatures,
        signature_fields,
        active_content: active,
    })
    .into())
}

fn render_page(
    reply: &Reply,
    blob: &web_sys::Blob,
    page: usize,
    width: f64,
) -> Result<Answer, WorkerError> {
    too_big_to_render(blob)?;
    let data = read_all(reply, blob)?;
    let (rgba, w, h) = render(data, page, width as f32)?;
    Ok(Answer {
        reply: WorkerReply::Rendered(Pixels {
            width: w.into(),
            height: h.into(),
        }),
        bytes: Some(rgba),
    })
}
