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

use shugu::infer::catalog::{ModelEntry, ModelFiles, ModelKind};
use shugu::infer::runtime::RuntimeOptions;
use shugu::infer::{ImageInput, LoadedImage, load_image, open_predictor};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

#[path = "common/ocr_pages.rs"]
mod ocr_pages;

use ocr_pages::ensure_images;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn main() {
    let library = ocr_pages::onnxruntime_library();
    let models = ocr_pages::ocr_models();
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
        None => ensure_images(&ocr_pages::bench_dir(), ocr_pages::IMAGES),
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
