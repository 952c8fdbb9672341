//! What the model tests share: the ONNX Runtime library and the PP-OCR models
//! from the test virtualenv (`tests/run-all.sh` installs `onnxruntime` and
//! `rapidocr-onnxruntime` into it), and text rendered with the bundled font.

use image::RgbImage;
use shugu::infer::runtime::{OnnxModel, Runtime, RuntimeOptions};
use shugu::model::BBox;
use std::path::{Path, PathBuf};

#[path = "../common/render_text.rs"]
mod render_text;
use std::process::Command;

/// A path the test Python prints (`SHUGU_PYTHON`, as `run-all.sh` sets it).
fn python_path(code: &str) -> PathBuf {
    let python = crate::common::cli::python();
    let out = Command::new(&python)
        .args(["-c", code])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python:?} ({e}); run tests/run-all.sh or set SHUGU_PYTHON")
        });
    assert!(
        out.status.success(),
        "{python:?} lacks a package the model tests need (tests/run-all.sh installs \
         onnxruntime and rapidocr-onnxruntime):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The `onnxruntime` wheel's `capi` folder, where its library is.
pub fn onnxruntime_capi() -> PathBuf {
    python_path(
        "import onnxruntime, os; print(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi'))",
    )
}

/// The models folder of the `rapidocr-onnxruntime` wheel (found without importing
/// it: `run-all.sh` installs it without its dependencies).
pub fn rapidocr_models() -> PathBuf {
    python_path(
        "import importlib.util as u, os; spec = u.find_spec('rapidocr_onnxruntime'); \
         print(os.path.join(spec.submodule_search_locations[0], 'models'))",
    )
}

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
