//! The start screen opens a demo project; broken images are listed and refuse
//! boxes; a second window on the same project is read-only.

use crate::common;
use crate::common::gui::{app_config, start};
use eframe::egui::{self, Event, Modifiers, PointerButton, Vec2};
use egui_kittest::kittest::{NodeT, Queryable};
use shugu::ui::Startup;
use shugu::ui::app::AppConfig;
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;
use std::path::{Path, PathBuf};

fn config(dir: &Path, demos: Vec<PathBuf>) -> AppConfig {
    app_config(dir, "bob", Language::English, demos)
}

#[test]
fn start_screen_opens_a_demo_project() {
    let f = common::image_project(
        &[("a.png", 64, 48), ("b.png", 64, 48)],
        &["car"],
        &[],
        false,
    );
    let mut h = start(
        config(f.root.path(), vec![f.project.clone()]),
        Startup::StartScreen,
    );
    assert!(h.state().workspace().is_none());
    h.get_by_label("project").click();
    h.run();
    let ws = h.state().workspace().expect("the demo opened");
    assert_eq!(ws.project.items().len(), 2);
    // It is now a recent project, saved in the settings file.
    let (saved, _) = Settings::load(&f.root.path().join("settings.ron"));
    assert_eq!(saved.recent_projects.len(), 1);
}

/// Scans the fixture's image folder again (for files added to it), then
/// starts the app on its project.
fn rescan_and_start(
    f: &common::Fixture,
) -> egui_kittest::Harness<'static, shugu::ui::app::ShuguApp> {
    let mut project =
        shugu::project::Project::open(&f.project, shugu::project::Access::ReadWrite).unwrap();
    shugu::jobs::scan::BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .unwrap();
    drop(project);
    start(
        config(f.root.path(), vec![]),
        Startup::Open(f.project.clone()),
    )
}

#[test]
fn broken_images_are_listed_and_refuse_boxes() {
    let f = common::image_project(&[("good.png", 100, 80)], &["car"], &[], false);
    // Files the scan will find broken: a text file named .png, and an empty .jpg.
    std::fs::write(f.images.join("fake.png"), "not an image").unwrap();
    std::fs::write(f.images.join("empty.jpg"), b"").unwrap();
    let mut h = rescan_and_start(&f);
    for name in ["good.png", "fake.png", "empty.jpg"] {
        h.get_by_label(name);
    }
    h.get_by_label("fake.png").click();
    h.run();
    let ws = h.state().workspace().unwrap();
    let item = ws.current_item().unwrap().clone();
    assert_eq!(item.rel_path, "fake.png");
    let error = item
        .error
        .clone()
        .expect("the broken file carries its error");
    assert!(error.contains("fake.png"), "{error}");

    // Dragging on the canvas of a broken item makes no box.
    let rect = ws.canvas.rect;
    let (a, b) = (rect.center(), rect.center() + Vec2::new(80.0, 60.0));
    h.event(Event::PointerMoved(a));
    h.event(Event::PointerButton {
        pos: a,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run();
    h.event(Event::PointerMoved(b));
    h.run();
    h.event(Event::PointerButton {
        pos: b,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    let ws = h.state().workspace().unwrap();
    assert!(ws.project.annotations(item.id).unwrap().is_empty());
    assert!(ws.project.all_annotations().unwrap().is_empty());
}

#[test]
fn a_second_window_on_the_same_project_is_read_only() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let first =
        shugu::project::Project::open(&f.project, shugu::project::Access::ReadWrite).unwrap();
    let h = start(
        config(f.root.path(), vec![]),
        Startup::Open(f.project.clone()),
    );
    let ws = h.state().workspace().unwrap();
    assert!(ws.project.is_read_only());
    h.get_by_label_contains("Read-only");
    drop(first);
}

#[test]
fn first_start_asks_for_the_annotator_name_and_keeps_it() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let settings_path = f.root.path().join("settings.ron");
    Settings {
        language: Some(Language::English),
        ..Settings::default()
    }
    .save(&settings_path)
    .unwrap();
    let config = AppConfig {
        settings_path: Some(settings_path.clone()),
        keymap_path: Some(f.root.path().join("keymap.ron")),
        demo_projects: vec![],
        pg_environment: false,
    };
    let mut h = start(config, Startup::Open(f.project.clone()));
    let field = h
        .get_all_by_label("Your name (saved as the author of your annotations):")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .expect("the name field");
    field.focus();
    field.type_text("王芳");
    h.run();
    h.get_by_label("Continue").click();
    h.run();
    let (saved, _) = Settings::load(&settings_path);
    assert_eq!(saved.author.as_deref(), Some("王芳"));
    assert_eq!(h.state().workspace().unwrap().project.author(), "王芳");
}

/// The text shapes of the last frame whose text is `text`: where they were
/// drawn, and in how many rows.
fn drawn_text(
    h: &egui_kittest::Harness<shugu::ui::app::ShuguApp>,
    text: &str,
) -> Vec<(egui::Rect, usize)> {
    h.output()
        .shapes
        .iter()
        .filter_map(|clipped| match &clipped.shape {
            egui::epaint::Shape::Text(t) if t.galley.text() == text => Some((
                t.galley.rect.translate(t.pos.to_vec2()),
                t.galley.rows.len(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_long_error_in_place_of_the_image_wraps_inside_the_canvas() {
    let f = common::image_project(&[("good.png", 100, 80)], &["car"], &[], false);
    let folder = f.images.join("2024 summer holiday, West Lake/phone backup");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("IMG_20240718_093015_panorama.png"),
        crate::media_fixtures::png_bomb(50_000, 50_000),
    )
    .unwrap();
    let mut h = rescan_and_start(&f);
    h.set_size(Vec2::new(1000.0, 700.0));
    let ws = h.state_mut().workspace_mut().unwrap();
    let bomb = ws
        .project
        .items()
        .iter()
        .position(|i| i.rel_path.ends_with("panorama.png"))
        .unwrap();
    ws.go_to(bomb);
    h.run();
    let ws = h.state().workspace().unwrap();
    let message = ws.current_item().unwrap().error.clone().unwrap();
    assert!(message.contains("decompression bomb"), "{message}");
    let drawn = drawn_text(&h, &message);
    assert_eq!(drawn.len(), 1, "the message is drawn once, whole");
    let (rect, rows) = drawn[0];
    let canvas = ws.canvas.rect;
    assert!(
        canvas.contains_rect(rect),
        "{rect:?} is not inside the canvas {canvas:?}"
    );
    assert!(rows > 1, "one row, {rows}");
}
