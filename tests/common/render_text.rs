//! Text drawn with the bundled CJK font (`ab_glyph`), for the OCR tests and the
//! OCR benchmark (which includes this file by path).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::RgbImage;
use shugu::model::BBox;
use std::path::Path;

/// The bundled CJK font's bytes.
pub fn font_bytes() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-GB2312.otf");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Draws `text` in black on `image` with its baseline at (`x`, `y`), `size` px;
/// returns the box around the ink (pixels at least half covered).
pub fn draw_text(
    font: &FontRef<'_>,
    image: &mut RgbImage,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
) -> BBox {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let mut caret = x;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for c in text.chars() {
        let id = font.glyph_id(c);
        assert!(
            c == ' ' || id.0 != 0,
            "the bundled font has no glyph for {c:?}"
        );
        let glyph = id.with_scale_and_position(scale, point(caret, y));
        caret += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let b = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let (px, py) = (
                b.min.x as i64 + i64::from(gx),
                b.min.y as i64 + i64::from(gy),
            );
            if coverage <= 0.0
                || px < 0
                || py < 0
                || px >= i64::from(image.width())
                || py >= i64::from(image.height())
            {
                return;
            }
            let p = image.get_pixel_mut(px as u32, py as u32);
            for v in p.0.iter_mut() {
                *v = (f32::from(*v) * (1.0 - coverage.min(1.0))) as u8;
            }
            if coverage > 0.5 {
                x0 = x0.min(px as f32);
                y0 = y0.min(py as f32);
                x1 = x1.max(px as f32 + 1.0);
                y1 = y1.max(py as f32 + 1.0);
            }
        });
    }
    BBox::from_corners([x0, y0], [x1, y1])
}
