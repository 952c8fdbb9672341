//! Media hot paths, measured against the image crate itself.
//!
//! - `decode_1080p_jpeg/image_open_to_rgba8`: the bare decode, `image::open(..).to_rgba8()`.
//! - `decode_1080p_jpeg/decode_for_display_to_texture`: what the app does to show an
//!   image — limits, truncation check, orientation, conversion to a `ColorImage` and
//!   `Context::load_texture`. Acceptance: within 1.5× of the bare decode.
//! - `folder_100k/scan_to_first_image`: opening a folder of 100 000 images until the first
//!   one is decoded (the scan is cancelled then).
//!
//! Fixtures are generated once into `target/bench-data/` and reused: a 1920×1080 photo-like
//! JPEG (quality 90) and 100 000 8×8 JPEGs in one flat folder (the worst case for a sorted
//! walk: the whole listing is read before the first entry is returned).

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use rayon::prelude::*;
use shugu::media::{ScanEvent, decode_for_display, scan_folder};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const FOLDER_FILES: usize = 100_000;

fn bench_data() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// Smooth gradients and shapes with mild sensor-like noise: compresses like a photo
/// (~300-500 KB at quality 90), unlike pure noise or flat colour.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut state: u32 = 0x9E37_79B9;
    RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 13) as i32 - 6;
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let (dx, dy) = (fx - 0.6, fy - 0.4);
        let disc = if dx * dx + dy * dy < 0.04 { 90.0 } else { 0.0 };
        let stripes = ((x / 40 + y / 40) % 2) as f32 * 25.0;
        let channel = |v: f32| (v as i32 + noise).clamp(0, 255) as u8;
        Rgb([
            channel(255.0 * fx + disc),
            channel(200.0 * fy + stripes),
            channel(120.0 + 100.0 * (fx * 9.0).sin() * fy),
        ])
    })
}

fn encode_jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .expect("encoding a bench JPEG");
    out
}

fn photo_1080p() -> PathBuf {
    let path = bench_data().join("photo-1920x1080-q90.jpg");
    if !path.exists() {
        std::fs::create_dir_all(bench_data()).expect("creating target/bench-data");
        std::fs::write(&path, encode_jpeg(&photo(1920, 1080), 90)).expect("writing photo");
    }
    path
}

/// 100k tiny JPEGs, created once; a marker file records that the set is complete.
fn folder_100k() -> PathBuf {
    let dir = bench_data().join("folder100k");
    let marker = dir.join(".complete");
    if !marker.exists() {
        std::fs::create_dir_all(&dir).expect("creating the 100k folder");
        eprintln!(
            "generating {FOLDER_FILES} files in {} (once)…",
            dir.display()
        );
        let tiny = encode_jpeg(&photo(8, 8), 90);
        (0..FOLDER_FILES).into_par_iter().for_each(|i| {
            std::fs::write(dir.join(format!("img_{i:06}.jpg")), &tiny).expect("writing");
        });
        std::fs::write(&marker, b"").expect("writing marker");
    }
    dir
}

fn decode_1080p(c: &mut Criterion) {
    let path = photo_1080p();
    let ctx = egui::Context::default();
    let mut group = c.benchmark_group("decode_1080p_jpeg");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("image_open_to_rgba8", |b| {
        b.iter(|| {
            let image = image::open(&path).expect("decode");
            black_box(image.to_rgba8())
        });
    });
    group.bench_function("decode_for_display_to_texture", |b| {
        b.iter(|| {
            let decoded = decode_for_display(&path, 16_384).expect("decode");
            let texture = ctx.load_texture("bench", decoded.image, egui::TextureOptions::LINEAR);
            black_box(texture.size());
            drop(texture);
            // What the renderer does every frame: take the pending uploads. Without it the
            // context would hoard every image ever uploaded (no frame ever runs here).
            black_box(ctx.tex_manager().write().take_delta())
        });
    });
    group.finish();
}

fn open_big_folder(c: &mut Criterion) {
    let dir = folder_100k();
    let mut group = c.benchmark_group("folder_100k");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("scan_to_first_image", |b| {
        b.iter(|| {
            let mut first = None;
            let _ = scan_folder(&dir, 512, |event| {
                if let ScanEvent::Batch(files) = event
                    && let Some(file) = files.first()
                {
                    first = decode_for_display(&dir.join(&file.rel_path), 16_384).ok();
                }
                false // cancel: only the time to the first image matters here
            });
            black_box(first.expect("the first image decodes"))
        });
    });
    group.finish();
}

criterion_group!(benches, decode_1080p, open_big_folder);
criterion_main!(benches);
