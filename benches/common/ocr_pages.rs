//! The OCR benchmarks' pages: 1280×720 JPEGs of Chinese and Latin lines drawn
//! with the bundled font, written once under the target folder; and the paths
//! the test Python gives (ONNX Runtime's library, the PP-OCR models).
#![allow(dead_code)]

use ab_glyph::FontRef;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../tests/common/render_text.rs"]
mod render_text;

pub const IMAGES: usize = 200;
const PHRASES: &[&str] = &[
    "数谷标注 Shugu 2024",
    "智能标注：模型预标注，人工校对",
    "Invoice No. 20240517-0042",
    "北京市海淀区中关村大街27号",
    "Total: ¥1,234.56 (含税)",
    "PP-OCRv4 text detection",
    "请于三个工作日内完成审核",
    "Batch 7 / Line 3: OK",
];

pub fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data").join("ocr-200")
}

/// `count` pages of 6 to 9 lines each, written once.
pub fn ensure_images(dir: &Path, count: usize) -> Vec<PathBuf> {
    let paths: Vec<PathBuf> = (0..count)
        .map(|i| dir.join(format!("page-{i:03}.jpg")))
        .collect();
    if paths.iter().all(|p| p.is_file()) {
        return paths;
    }
    std::fs::create_dir_all(dir).expect("bench folder");
    let bytes = render_text::font_bytes();
    let font = FontRef::try_from_slice(&bytes).expect("font parses");
    for (i, path) in paths.iter().enumerate() {
        let mut page = RgbImage::from_pixel(1280, 720, Rgb([250, 248, 240]));
        for line in 0..6 + i % 4 {
            let text = PHRASES[(i + line * 3) % PHRASES.len()];
            let size = 28.0 + ((i * 7 + line * 5) % 16) as f32;
            let x = 40.0 + ((i * 13 + line * 29) % 200) as f32;
            render_text::draw_text(&font, &mut page, text, x, 80.0 + line as f32 * 70.0, size);
        }
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&page)
            .expect("encode");
        std::fs::write(path, out).expect("write page");
    }
    paths
}

pub fn python_path(code: &str) -> Option<PathBuf> {
    let python = std::env::var_os("SHUGU_PYTHON")?;
    let out = Command::new(python).args(["-c", code]).output().ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The onnxruntime wheel's `capi` folder (`SHUGU_ORT_LIB` wins).
pub fn onnxruntime_library() -> Option<PathBuf> {
    std::env::var_os("SHUGU_ORT_LIB").map(PathBuf::from).or_else(|| {
        python_path("import importlib.util as u, os; print(os.path.join(u.find_spec('onnxruntime').submodule_search_locations[0], 'capi'))")
    })
}

/// The rapidocr wheel's models folder (`SHUGU_OCR_MODELS` wins).
pub fn ocr_models() -> Option<PathBuf> {
    std::env::var_os("SHUGU_OCR_MODELS").map(PathBuf::from).or_else(|| {
        python_path("import importlib.util as u, os; print(os.path.join(u.find_spec('rapidocr_onnxruntime').submodule_search_locations[0], 'models'))")
    })
}
