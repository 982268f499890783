//! Drawing a page with hayro (pure Rust; see docs/ARCHITECTURE.md for why this renderer).

use shared::worker_protocol::WorkerError;

/// The renderer needs the whole file in memory: above this size the page is not drawn (the placement box still
/// works on an outline of the page), so memory stays bounded whatever the document's size.
const RENDER_MAX: f64 = 64.0 * 1024.0 * 1024.0;

pub fn too_big_to_render(blob: &web_sys::Blob) -> Result<(), WorkerError> {
    if blob.size() > RENDER_MAX {
        return Err(WorkerError::TooBigToRender {
            megabytes: blob.size() / 1_048_576.0,
        });
    }
    Ok(())
}

/// Renders one page (as displayed: rotation and crop box applied) to RGBA pixels `width_px` wide.
pub fn render(
    data: Vec<u8>,
    page_index: usize,
    width_px: f32,
) -> Result<(Vec<u8>, u16, u16), WorkerError> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::{PixmapSettings, RenderCache, RenderSettings};
    let pdf = Pdf::new(data).map_err(|_| WorkerError::Unrenderable)?;
    let pages = pdf.pages();
    let page = pages.get(page_index).ok_or(WorkerError::NoSuchPage)?;
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
