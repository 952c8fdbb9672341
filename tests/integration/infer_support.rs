//! What the model tests share: the ONNX Runtime library and the PP-OCR models
//! from the test virtualenv (`tests/run-all.sh` installs `onnxruntime` and
//! `rapidocr-onnxruntime` into it), and text rendered with the bundled font.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::RgbImage;
use shugu::infer::runtime::{OnnxModel, Runtime, RuntimeOptions};
use shugu::model::BBox;
use std::path::{Path, PathBuf};
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

/// The bundled CJK font.
pub fn font_bytes() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-GB2312.otf");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Draws `text` in black on `image` with its baseline at (`x`, `y`), `size` px;
/// returns the box around the ink.
pub fn draw_text(image: &mut RgbImage, text: &str, x: f32, y: f32, size: f32) -> BBox {
    let bytes = font_bytes();
    let font = FontRef::try_from_slice(&bytes).expect("the bundled font parses");
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
