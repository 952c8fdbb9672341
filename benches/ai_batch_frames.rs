//! The GUI's frame time while an AI batch runs: the real app (`ShuguApp`, no
//! kittest) over a project of 40 OCR pages, PP-OCRv4 det + rec chosen in its
//! model list; frames are built and tessellated as eframe would (the GPU
//! upload is not included) first with nothing running, then while the batch
//! runs on its worker threads and each finished page's proposals are stored
//! on the UI thread. Prints the median, 95th percentile and worst frame of
//! each, side by side; the budget is 16 ms (60 Hz).
//!
//! ONNX Runtime and the models are found as `benches/ocr_predict.rs` finds
//! them (`SHUGU_PYTHON`, `SHUGU_ORT_LIB`, `SHUGU_OCR_MODELS`).

use eframe::egui;
use shugu::infer::catalog::{MODEL_LIST_VERSION, ModelEntry, ModelFiles, ModelKind, ModelList};
use shugu::jobs::predict::ItemFilter;
use shugu::jobs::scan::BackgroundScan;
use shugu::model::LabelSchema;
use shugu::project::Project;
use shugu::ui::Startup;
use shugu::ui::ai_assist::{AiRequest, MODEL_LIST_FILE};
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::settings::Settings;
use std::time::{Duration, Instant};

#[path = "common/ocr_pages.rs"]
mod ocr_pages;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const PAGES: usize = 40;
const IDLE_FRAMES: usize = 120;

fn raw_input(t: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1400.0, 900.0),
        )),
        time: Some(t),
        ..Default::default()
    }
}

/// Builds and tessellates one frame; returns how long it took.
fn frame(ctx: &egui::Context, app: &mut ShuguApp, started: Instant) -> Duration {
    let t = Instant::now();
    let out = ctx.run_ui(raw_input(started.elapsed().as_secs_f64()), |ui| {
        app.frame(ui)
    });
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
    t.elapsed()
}

fn summary(label: &str, mut frames: Vec<Duration>) {
    frames.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| frames[((frames.len() - 1) as f64 * q).round() as usize];
    let over = frames.iter().filter(|d| ms(**d) > 16.0).count();
    println!(
        "{label:<28} {:>5} frames: median {:>6.2} ms, p95 {:>6.2} ms, p99 {:>6.2} ms, worst {:>6.2} ms; {over} over 16 ms",
        frames.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(frames[frames.len() - 1])
    );
}

fn main() {
    let (Some(library), Some(models)) = (ocr_pages::onnxruntime_library(), ocr_pages::ocr_models())
    else {
        eprintln!("set SHUGU_PYTHON (a Python with onnxruntime and rapidocr-onnxruntime)");
        std::process::exit(2);
    };
    let pages = ocr_pages::bench_dir().with_file_name("ocr-40");
    ocr_pages::ensure_images(&pages, PAGES);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let project_dir = tmp.path().join("project");
    let mut project =
        Project::create(&project_dir, "frames", &pages, LabelSchema::default()).expect("project");
    BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .expect("scan");
    drop(project);
    let settings_path = tmp.path().join("settings.ron");
    Settings {
        author: Some("bench".into()),
        onnxruntime_library: Some(library),
        ai_model: Some("PP-OCRv4".into()),
        ..Settings::default()
    }
    .save(&settings_path)
    .expect("settings");
    ModelList {
        version: MODEL_LIST_VERSION,
        models: vec![ModelEntry {
            name: "PP-OCRv4".into(),
            kind: ModelKind::Ocr,
            files: ModelFiles {
                model: Some(models.join("ch_PP-OCRv4_det_infer.onnx")),
                rec: Some(models.join("ch_PP-OCRv4_rec_infer.onnx")),
                dictionary: None,
            },
            ..ModelEntry::default()
        }],
    }
    .save(&tmp.path().join(MODEL_LIST_FILE))
    .expect("model list");
    let config = AppConfig {
        settings_path: Some(settings_path),
        keymap_path: Some(tmp.path().join("keymap.ron")),
        demo_projects: vec![],
        pg_environment: false,
    };
    let ctx = egui::Context::default();
    let mut app = ShuguApp::new(
        &ctx,
        config,
        Box::new(FakeDialogs::default()),
        Startup::Open(project_dir),
    );
    let started = Instant::now();
    // Settle: the first page decoded and shown.
    for _ in 0..60 {
        frame(&ctx, &mut app, started);
        std::thread::sleep(Duration::from_millis(5));
    }
    let idle: Vec<Duration> = (0..IDLE_FRAMES)
        .map(|_| {
            let d = frame(&ctx, &mut app, started);
            std::thread::sleep(Duration::from_millis(16));
            d
        })
        .collect();
    app.ai_request(AiRequest::RunBatch(ItemFilter::All));
    assert!(
        app.ai.is_running(),
        "the batch did not start: {:?}",
        app.notice
    );
    let batch_started = Instant::now();
    let mut busy = Vec::new();
    while app.ai.is_running() {
        busy.push(frame(&ctx, &mut app, started));
        // As eframe paces frames at 60 Hz.
        std::thread::sleep(Duration::from_millis(16));
    }
    let took = batch_started.elapsed();
    println!(
        "batch: {PAGES} pages in {:.1} s; {}",
        took.as_secs_f64(),
        app.notice.as_deref().unwrap_or("").replace('\n', "; ")
    );
    summary("idle (no batch)", idle);
    summary("while the batch runs", busy);
}
