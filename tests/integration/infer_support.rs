//! What the model tests share: the ONNX Runtime library and the PP-OCR models
//! from the test virtualenv (`tests/run-all.sh` installs `onnxruntime` and
//! `rapidocr-onnxruntime` into it), and text rendered with the bundled font.

use image::RgbImage;
use shugu::infer::runtime::{OnnxModel, Runtime, RuntimeOptions};
use shugu::model::BBox;
use std::path::Path;

#[path = "../common/render_text.rs"]
mod render_text;
pub use crate::common::models::{onnxruntime_capi, rapidocr_models};

pub fn runtime_options() -> RuntimeOptions {
    RuntimeOptions {
        library: Some(onnxruntime_capi()),
        ..RuntimeOptions::default()
    }
}

pub fn runtime() -> &'static Runtime {
    Runtime::get(&runtime_options()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn open(path: &Path) -> OnnxModel {
    runtime()
        .open(path, &runtime_options())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Draws `text` with the bundled font; returns the box around the ink.
pub fn draw_text(image: &mut RgbImage, text: &str, x: f32, y: f32, size: f32) -> BBox {
    let bytes = render_text::font_bytes();
    let font = ab_glyph::FontRef::try_from_slice(&bytes).expect("the bundled font parses");
    render_text::draw_text(&font, image, text, x, y, size)
}
