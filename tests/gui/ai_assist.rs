//! The AI menu in the real UI, with the real PP-OCRv4 models of the
//! `rapidocr-onnxruntime` wheel: add the model file, run it on the current
//! image from the menu, accept its line by key (the box keeps its `text`, the
//! model is recorded), then a batch run over the list, cancelled part way,
//! keeping what finished.

use crate::common;
use crate::common::gui::{click_image, start_allowing_missing_glyphs};
use crate::common::models::{onnxruntime_capi, rapidocr_models};
use crate::media_fixtures::jpeg_bytes;
use eframe::egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use image::RgbImage;
use shugu::model::{AttrValue, LabelSchema};
use shugu::ui::Startup;
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;
use std::time::{Duration, Instant};

#[path = "../common/render_text.rs"]
mod render_text;

const LINE: &str = "数谷标注工具Shugu2024";
const IMAGES: usize = 8;
const MODEL: &str = "ch_PP-OCRv4_det_infer";

/// Steps frames until `done` holds (loading ONNX Runtime and the models takes
/// a while in a debug build).
fn wait_until(h: &mut Harness<ShuguApp>, what: &str, done: impl Fn(&ShuguApp) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        h.step();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what} never happened; notice: {:?}", h.state().notice);
}

fn has_text(attributes: &shugu::model::Attributes) -> bool {
    attributes.get("text") == Some(&AttrValue::Text(LINE.into()))
}

#[test]
fn run_the_model_from_the_menu_accept_by_key_then_cancel_a_batch() {
    let root = tempfile::tempdir().unwrap();
    let images = root.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let font_bytes = render_text::font_bytes();
    let font = ab_glyph::FontRef::try_from_slice(&font_bytes).unwrap();
    let mut image = RgbImage::from_pixel(720, 200, image::Rgb([255, 255, 255]));
    let ink = render_text::draw_text(&font, &mut image, LINE, 60.0, 110.0, 44.0);
    let jpeg = jpeg_bytes(&image, 95);
    for i in 0..IMAGES {
        std::fs::write(images.join(format!("line{i}.jpg")), &jpeg).unwrap();
    }
    let project = root.path().join("project");
    common::scanned_project(&project, &images, LabelSchema::default());

    let settings_path = root.path().join("settings.ron");
    Settings {
        author: Some("小王".into()),
        language: Some(Language::English),
        onnxruntime_library: Some(onnxruntime_capi()),
        ..Settings::default()
    }
    .save(&settings_path)
    .unwrap();
    let config = AppConfig {
        settings_path: Some(settings_path),
        keymap_path: Some(root.path().join("keymap.ron")),
        demo_projects: vec![],
        pg_environment: false,
    };
    let det = rapidocr_models().join("ch_PP-OCRv4_det_infer.onnx");
    let dialogs = FakeDialogs {
        files: vec![det],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(project.clone()), dialogs);

    // AI → Add a model file: the detection model, its recognition model found beside it.
    h.get_by_label("AI").click();
    h.run();
    h.get_by_label("Add a model file…").click();
    h.run();
    let models = &h.state().ai.models.models;
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].name, MODEL);
    assert!(models[0].files.rec.is_some(), "{:?}", models[0].files);
    assert!(root.path().join("models.ron").is_file(), "the list is kept");

    // AI → Run on this image.
    h.get_by_label("AI").click();
    h.run();
    h.get_by_label_contains("Run on this image").click();
    wait_until(&mut h, "the run on the current image", |app| {
        app.notice.is_some() && !app.ai.is_running()
    });
    let notice = h.state_mut().notice.take().unwrap();
    assert!(
        notice.contains(&format!("from {MODEL} on 1 images")),
        "{notice}"
    );
    h.run();
    let (first, line) = {
        let ws = h.state().workspace().unwrap();
        let first = ws.current_item().unwrap().id;
        let proposals = ws.project.proposals(first).unwrap();
        let line = proposals
            .iter()
            .find(|p| has_text(&p.attributes))
            .cloned()
            .unwrap_or_else(|| panic!("no proposal reads {LINE:?}: {proposals:?}"));
        (first, line)
    };
    assert_eq!(line.source, MODEL);
    assert!(
        line.shape
            .iou(&shugu::model::Shape::Rect(ink))
            .is_some_and(|iou| iou >= 0.5),
        "{:?} over {ink:?}",
        line.shape
    );

    // Select it on the canvas and accept it by key.
    let [x, y, w, hgt] = line.bounds().to_xywh();
    click_image(&mut h, x + w / 2.0, y + hgt / 2.0);
    assert_eq!(
        h.state().workspace().unwrap().selected_proposal,
        Some(line.id)
    );
    h.key_press(Key::E);
    h.run();
    {
        let ws = h.state().workspace().unwrap();
        let boxes = ws.project.annotations(first).unwrap();
        assert_eq!(boxes.len(), 1);
        assert_eq!(boxes[0].shape, line.shape);
        assert!(has_text(&boxes[0].attributes), "{:?}", boxes[0].attributes);
        assert_eq!(boxes[0].provenance.author, "小王");
        let origin = ws.project.annotation_origin(boxes[0].id).unwrap().unwrap();
        assert_eq!(origin.source, MODEL);
    }

    // AI → Run on the listed items → Unlabelled: the other images. Cancel
    // once the first is stored.
    h.get_by_label("AI").click();
    h.run();
    h.get_by_label("Run on the listed items").click();
    h.run();
    h.get_by_label("Unlabelled (no annotations or proposals)")
        .click();
    wait_until(&mut h, "a first batch result", |app| {
        app.ai.progress().is_some_and(|(done, _)| done >= 1)
    });
    assert_eq!(
        h.state().ai.progress().map(|(_, total)| total),
        Some(IMAGES - 1)
    );
    h.get_by_label("Cancel the run").click();
    wait_until(&mut h, "the batch's end", |app| !app.ai.is_running());
    let notice = h.state_mut().notice.take().unwrap();
    assert!(notice.contains("Cancelled after"), "{notice}");
    let ws = h.state().workspace().unwrap();
    let proposed: Vec<_> = ws
        .project
        .items()
        .iter()
        .filter(|it| it.id != first)
        .filter(|it| !ws.project.proposals(it.id).unwrap().is_empty())
        .collect();
    assert!(
        !proposed.is_empty() && proposed.len() < IMAGES - 1,
        "kept {} of {}: {notice}",
        proposed.len(),
        IMAGES - 1
    );
    for item in proposed {
        let proposals = ws.project.proposals(item.id).unwrap();
        assert!(
            proposals
                .iter()
                .any(|p| has_text(&p.attributes) && p.source == MODEL),
            "{}: {proposals:?}",
            item.rel_path
        );
    }
}
