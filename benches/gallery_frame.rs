//! The gallery and the single view on a 100,000-item project:
//!
//! 1. one grid frame with 200-odd tiles in view (1920×1080, 90-point tiles: 19
//!    columns by 11 or 12 rows), each with its thumbnail, three boxes, an image label and a
//!    proposals marker: building the UI and tessellating it (criterion; the target
//!    is under 8 ms);
//! 2. Next in the single view, the real app in an egui_kittest harness on
//!    camera-like 1920×1080 JPEGs: once the prefetch of the next image is done, in
//!    how many frames after the key press it is on screen, and how long that frame
//!    takes;
//! 3. the resident memory of the process with the 100k-item project open in the
//!    single view (Linux: VmRSS of /proc/self/status).

use criterion::{Criterion, criterion_group};
#[path = "common/cpu_time.rs"]
mod cpu_time;
use eframe::egui::{self, Key, Modifiers, Rect, Vec2, pos2};
use egui_kittest::Harness;
use shugu::model::{BBox, ClassId, Edit, LabelSchema, NewAnnotation, NewProposal, Shape};
use shugu::project::{NewItem, Project};
use shugu::ui::Startup;
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::gallery::Gallery;
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;
use std::path::Path;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const ITEMS: usize = 100_000;
/// Items with a real image file (the first rows of the grid, and the single view).
const WITH_FILES: usize = 240;
const WIDTH: f32 = 1920.0;
const HEIGHT: f32 = 1080.0;

fn camera_jpeg(path: &Path, seed: u32) {
    let img = image::RgbImage::from_fn(1920, 1080, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed)
            .wrapping_mul(2_246_822_519)
            >> 27;
        image::Rgb([
            (x / 8 + seed) as u8 ^ n as u8,
            (y / 5) as u8 ^ (n as u8 >> 1),
            ((x + y) / 12) as u8,
        ])
    });
    img.save(path).unwrap();
}

/// A project of 100k items (the first `WITH_FILES` with camera-like JPEGs), each
/// of the first thousand with three boxes, an image label and a proposal.
fn big_project(root: &Path) -> std::path::PathBuf {
    let images = root.join("images");
    std::fs::create_dir_all(&images).unwrap();
    for i in 0..WITH_FILES {
        camera_jpeg(&images.join(format!("{i:06}.jpg")), i as u32);
    }
    let dir = root.join("project");
    let mut schema = LabelSchema::with_classes(&["car", "行人", "bicycle"]);
    schema.add_image_label("day");
    let mut project = Project::create(&dir, "bench", &images, schema).unwrap();
    let items: Vec<NewItem> = (0..ITEMS)
        .map(|i| NewItem {
            rel_path: format!("{i:06}.jpg"),
            width: 1920,
            height: 1080,
            error: None,
        })
        .collect();
    let ids = project.add_items(&items).unwrap();
    let label = project.schema().image_labels[0].id;
    let mut annotations = Vec::new();
    let mut labels = Vec::new();
    let mut proposals = Vec::new();
    for (i, &item) in ids.iter().take(1_000).enumerate() {
        for k in 0..3 {
            let x = ((i * 97 + k * 400) % 1500) as f32;
            annotations.push(NewAnnotation {
                item,
                class: ClassId(k as i64 + 1),
                shape: Shape::Rect(BBox::from_xywh(x, 100.0 + k as f32 * 250.0, 300.0, 200.0)),
                group: None,
                attributes: Default::default(),
            });
        }
        labels.push(Edit::SetImageLabels {
            item,
            labels: vec![label],
        });
        proposals.push(NewProposal {
            item,
            class: ClassId(1),
            shape: Shape::Rect(BBox::from_xywh(50.0, 50.0, 100.0, 100.0)),
            score: 0.8,
            source: "bench".into(),
            attributes: Default::default(),
        });
    }
    project.apply(Edit::AddAnnotations(annotations)).unwrap();
    project.apply(Edit::Batch(labels)).unwrap();
    project.apply(Edit::AddProposals(proposals)).unwrap();
    dir
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(Rect::from_min_size(
            pos2(0.0, 0.0),
            Vec2::new(WIDTH, HEIGHT),
        )),
        ..Default::default()
    }
}

fn grid_frame(ctx: &egui::Context, gallery: &mut Gallery, project: &Project, shown: &[usize]) {
    let out = ctx.run_ui(raw_input(), |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            std::hint::black_box(gallery.show(ui, project, shown, true));
        });
    });
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
}

fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn app(root: &Path, project: &Path) -> Harness<'static, ShuguApp> {
    let settings_path = root.join("settings.ron");
    Settings {
        author: Some("bench".into()),
        language: Some(Language::English),
        ..Settings::default()
    }
    .save(&settings_path)
    .unwrap();
    let config = AppConfig {
        settings_path: Some(settings_path),
        keymap_path: Some(root.join("keymap.ron")),
        demo_projects: vec![],
        pg_environment: false,
    };
    let startup = Startup::Open(project.to_path_buf());
    let mut h = Harness::builder()
        .with_size(Vec2::new(WIDTH, HEIGHT))
        .with_max_steps(20)
        .build_eframe(move |cc| {
            ShuguApp::new(
                &cc.egui_ctx,
                config,
                Box::new(FakeDialogs::default()),
                startup,
            )
        });
    h.run();
    h
}

/// Steps frames until `ready` holds (at most ten seconds).
fn step_until(h: &mut Harness<ShuguApp>, ready: impl Fn(&mut ShuguApp) -> bool) {
    let start = Instant::now();
    while !ready(h.state_mut()) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the images never loaded"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn next_and_memory(root: &Path, project: &Path) {
    let mut h = app(root, project);
    let mut frames_to_show = Vec::new();
    let mut key_frame_ms = Vec::new();
    for _ in 0..10 {
        // The image on screen and its neighbours' prefetch are done.
        step_until(&mut h, |app| {
            app.workspace_mut()
                .is_some_and(|ws| ws.shown_image_ready() && ws.next_image_ready())
        });
        let before = h.state().workspace().and_then(|ws| ws.current);
        h.key_press_modifiers(Modifiers::NONE, Key::D);
        let started = Instant::now();
        h.step();
        key_frame_ms.push(started.elapsed().as_secs_f64() * 1e3);
        let mut frames = 1;
        while !h
            .state_mut()
            .workspace_mut()
            .is_some_and(|ws| ws.shown_image_ready())
        {
            h.step();
            frames += 1;
            assert!(frames < 1000, "the next image never showed");
        }
        assert_ne!(h.state().workspace().and_then(|ws| ws.current), before);
        frames_to_show.push(frames);
    }
    key_frame_ms.sort_by(f64::total_cmp);
    println!(
        "single view, Next with the prefetch done: the image is on screen {:?} frame(s) after the key press; that frame takes {:.2} ms (median of {}, max {:.2} ms)",
        frames_to_show,
        key_frame_ms[key_frame_ms.len() / 2],
        key_frame_ms.len(),
        key_frame_ms[key_frame_ms.len() - 1],
    );
    if let Some(mb) = resident_mb() {
        println!(
            "resident memory, {ITEMS}-item project open in the single view (10 images seen): {mb:.0} MB"
        );
    }
    drop(h);
}

/// Set to a folder holding `project/`: the process only opens the app there, steps
/// through images and reports (a fresh process, so the memory figure holds the app
/// alone, not the making of the project).
const OPEN_ONLY: &str = "SHUGU_GALLERY_BENCH_OPEN";

fn gallery_frame(c: &mut Criterion) {
    let root = tempfile::tempdir().unwrap();
    let dir = big_project(root.path());
    let exe = std::env::current_exe().unwrap();
    let status = std::process::Command::new(exe)
        .env(OPEN_ONLY, root.path())
        .status()
        .unwrap();
    assert!(status.success(), "the single-view run failed");

    let project = Project::open(&dir, shugu::project::Access::ReadOnly).unwrap();
    let shown: Vec<usize> = (0..project.items().len()).collect();
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);
    let mut gallery = Gallery::default();
    gallery.open = true;
    gallery.tile = 90.0;
    // Until every thumbnail in view is a texture (made into the cache on the way).
    let start = Instant::now();
    loop {
        grid_frame(&ctx, &mut gallery, &project, &shown);
        let all = gallery.tiles().len();
        if (all > 0 && gallery.thumbnails_ready() == all)
            || start.elapsed() > Duration::from_secs(60)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let tiles = gallery.tiles().len();
    println!(
        "grid: {tiles} tiles in view, {} with their thumbnail",
        gallery.thumbnails_ready()
    );
    let cpu = cpu_time::median_cpu_ms(31, || grid_frame(&ctx, &mut gallery, &project, &shown));
    println!("gallery frame, {tiles} tiles: median CPU time {cpu:.2} ms");
    c.bench_function(
        &format!(
            "gallery frame: {tiles} tiles with thumbnails, boxes, labels (build + tessellate)"
        ),
        |b| b.iter(|| grid_frame(&ctx, &mut gallery, &project, &shown)),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = gallery_frame
}

fn main() {
    if let Some(root) = std::env::var_os(OPEN_ONLY) {
        let root = std::path::PathBuf::from(root);
        next_and_memory(&root, &root.join("project"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
