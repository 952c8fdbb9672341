//! OCR over a folder: PP-OCRv4 detection + recognition (the `rapidocr-onnxruntime`
//! wheel's models) on 200 generated 1280×720 JPEGs of Chinese and Latin lines,
//! as `shugu predict` will run it: one thread decodes (through `media`, EXIF
//! applied) ahead of the predictor, which keeps its two sessions for the whole
//! run and reads lines in batches of 6. `benches/compare_ocr.sh` runs it beside
//! `rapidocr_onnxruntime` on the same folder.
//!
//! The library and models: `ORT_DYLIB_PATH` (or `SHUGU_ORT_LIB`) and
//! `SHUGU_OCR_MODELS` (a folder with `ch_PP-OCRv4_{det,rec}_infer.onnx`), else
//! found through `SHUGU_PYTHON`'s wheels as the tests do. Images go to
//! `target/bench-data/ocr-200/` once; `SHUGU_OCR_IMAGES` names another folder.

use ab_glyph::FontRef;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use shugu::infer::catalog::{ModelEntry, ModelFiles, ModelKind};
use shugu::infer::runtime::RuntimeOptions;
use shugu::infer::{ImageInput, LoadedImage, load_image, open_predictor};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Instant;

#[path = "../tests/common/render_text.rs"]
mod render_text;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 200;
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

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data").join("ocr-200")
}

/// 200 pages of 6 to 9 lines each, written once.
fn ensure_images(dir: &Path) -> Vec<PathBuf> {
    let paths: Vec<PathBuf> = (0..IMAGES)
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

fn python_path(code: &str) -> Option<PathBuf> {
    let python = std::env::var_os("SHUGU_PYTHON")?;
    let out = Command::new(python).args(["-c", code]).output().ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn main() {
    let library = std::env::var_os("SHUGU_ORT_LIB").map(PathBuf::from).or_else(|| {
        python_path("import importlib.util as u, os; print(os.path.join(u.find_spec('onnxruntime').submodule_search_locations[0], 'capi'))")
    });
    let models = std::env::var_os("SHUGU_OCR_MODELS").map(PathBuf::from).or_else(|| {
        python_path("import importlib.util as u, os; print(os.path.join(u.find_spec('rapidocr_onnxruntime').submodule_search_locations[0], 'models'))")
    });
    let Some(models) = models else {
        eprintln!(
            "set SHUGU_PYTHON (a Python with onnxruntime and rapidocr-onnxruntime) or SHUGU_OCR_MODELS"
        );
        std::process::exit(2);
    };
    let folder = std::env::var_os("SHUGU_OCR_IMAGES").map(PathBuf::from);
    let paths = match &folder {
        Some(dir) => {
            let mut p: Vec<PathBuf> = std::fs::read_dir(dir)
                .expect("image folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| shugu::media::is_image_path(p))
                .collect();
            p.sort();
            p
        }
        None => ensure_images(&bench_dir()),
    };
    println!(
        "images: {}",
        paths
            .first()
            .and_then(|p| p.parent())
            .map_or(String::new(), |d| d.display().to_string())
    );
    let entry = ModelEntry {
        name: "PP-OCRv4".into(),
        kind: ModelKind::Ocr,
        files: ModelFiles {
            model: Some(models.join("ch_PP-OCRv4_det_infer.onnx")),
            rec: Some(models.join("ch_PP-OCRv4_rec_infer.onnx")),
            dictionary: None,
        },
        ..ModelEntry::default()
    };
    let options = RuntimeOptions {
        library,
        ..RuntimeOptions::default()
    };
    let started = Instant::now();
    let mut predictor = open_predictor(&entry, &options).unwrap_or_else(|e| panic!("{e}"));
    let opened = started.elapsed();
    let max_side = predictor.max_side();
    // Decoding runs a few images ahead on its own thread.
    let (tx, rx) = mpsc::sync_channel::<(PathBuf, LoadedImage)>(4);
    let to_decode = paths.clone();
    let decoder = std::thread::spawn(move || {
        for path in to_decode {
            match load_image(&path, max_side) {
                Ok(img) => {
                    if tx.send((path, img)).is_err() {
                        break;
                    }
                }
                Err(e) => eprintln!("{e}"),
            }
        }
    });
    let (mut lines, mut chars) = (0usize, 0usize);
    for (path, img) in rx {
        let input = ImageInput {
            path: &path,
            key: "",
            pixels: Some(&img.pixels),
            width: img.width,
            height: img.height,
        };
        let p = predictor.predict(&input).unwrap_or_else(|e| panic!("{e}"));
        lines += p.objects.len();
        chars += p
            .objects
            .iter()
            .filter_map(|o| o.text())
            .map(|t| t.chars().count())
            .sum::<usize>();
    }
    decoder.join().expect("decoder thread");
    let total = started.elapsed();
    println!(
        "shugu ocr {} images: {:.2} s ({:.2} images/s; models opened in {:.2} s), {lines} lines, {chars} characters",
        paths.len(),
        total.as_secs_f64(),
        paths.len() as f64 / total.as_secs_f64(),
        opened.as_secs_f64()
    );
}
