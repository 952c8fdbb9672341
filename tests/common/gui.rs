//! The real app in an egui_kittest harness, with its settings in a test folder.

use eframe::egui::{Event, Modifiers, PointerButton, Pos2, Vec2, pos2};
use egui_kittest::Harness;
use shugu::ui::Startup;
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;
use std::path::{Path, PathBuf};

/// Settings and keymap files in `dir`, with an author already given so the
/// first-start prompt doesn't cover the UI.
pub fn app_config(dir: &Path, author: &str, language: Language, demos: Vec<PathBuf>) -> AppConfig {
    let settings_path = dir.join("settings.ron");
    Settings {
        author: Some(author.into()),
        language: Some(language),
        ..Settings::default()
    }
    .save(&settings_path)
    .unwrap();
    AppConfig {
        settings_path: Some(settings_path),
        keymap_path: Some(dir.join("keymap.ron")),
        demo_projects: demos,
        pg_environment: false,
    }
}

/// The app in a 1280×800 window, after its first frames have settled. A
/// character without a glyph in the bundled fonts fails the test.
pub fn start(config: AppConfig, startup: Startup) -> Harness<'static, ShuguApp> {
    start_with(Harness::builder(), config, startup, FakeDialogs::default())
}

/// Like [`start`], for texts with characters beyond the bundled fonts (CJK
/// Extension B, Han characters outside GB2312), which draw as boxes of their
/// own width; file dialogs
/// answer from `dialogs`.
pub fn start_allowing_missing_glyphs(
    config: AppConfig,
    startup: Startup,
    dialogs: FakeDialogs,
) -> Harness<'static, ShuguApp> {
    start_with(
        Harness::builder().allow_missing_glyphs(),
        config,
        startup,
        dialogs,
    )
}

fn start_with(
    builder: egui_kittest::HarnessBuilder<ShuguApp>,
    config: AppConfig,
    startup: Startup,
    dialogs: FakeDialogs,
) -> Harness<'static, ShuguApp> {
    // Images decode on worker threads and ask for a repaint when they are
    // ready, so the UI may take a few more frames to settle than the default 4.
    let mut h = builder
        .with_size(Vec2::new(1280.0, 800.0))
        .with_max_steps(20)
        .build_eframe(move |cc| ShuguApp::new(&cc.egui_ctx, config, Box::new(dialogs), startup));
    h.run();
    h
}

/// The app opened on `f`'s project, with its settings in `f`'s folder and
/// `alice` the author.
pub fn open_app(f: &crate::common::Fixture) -> Harness<'static, ShuguApp> {
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    start(config, Startup::Open(f.project.clone()))
}

/// Presses a key with `modifiers` and lets the app settle.
pub fn press(h: &mut Harness<ShuguApp>, modifiers: Modifiers, key: eframe::egui::Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Steps frames until `done` holds: work on a worker thread shows a progress
/// window or spinner that repaints every frame, so `run()` would not settle.
pub fn wait_for(h: &mut Harness<ShuguApp>, done: impl Fn(&ShuguApp) -> bool) {
    for _ in 0..500 {
        h.step();
        if done(h.state()) {
            h.step();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the worker did not finish; notice: {:?}", h.state().notice);
}

/// The screen position of an image point on the canvas.
pub fn image_point(h: &Harness<ShuguApp>, x: f32, y: f32) -> Pos2 {
    let ws = h.state().workspace().unwrap();
    ws.canvas.view.image_to_screen(ws.canvas.rect, pos2(x, y))
}

/// Drags with the primary button between two image points.
pub fn drag_on_image(h: &mut Harness<ShuguApp>, from: (f32, f32), to: (f32, f32)) {
    let (from, to) = (image_point(h, from.0, from.1), image_point(h, to.0, to.1));
    h.event(Event::PointerMoved(from));
    h.run();
    primary_button(h, from, true);
    for i in 1..=5 {
        let t = i as f32 / 5.0;
        h.event(Event::PointerMoved(from + (to - from) * t));
        h.run();
    }
    primary_button(h, to, false);
}

/// Presses or releases the primary button at `pos`.
pub fn primary_button<State>(h: &mut Harness<State>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.run();
}

/// The boundary before char `index` of a text project's document.
fn char_boundary(h: &Harness<ShuguApp>, index: usize) -> Pos2 {
    let ws = h.state().workspace().unwrap();
    let r = ws
        .text
        .caret_rect(index)
        .unwrap_or_else(|| panic!("char {index} is not on screen"));
    pos2(r.left(), r.center().y)
}

/// Drags from the boundary before char `from` to the one before char `to`.
pub fn select_chars(h: &mut Harness<ShuguApp>, from: usize, to: usize) {
    let (a, b) = (char_boundary(h, from), char_boundary(h, to));
    h.event(Event::PointerMoved(a));
    h.run();
    primary_button(h, a, true);
    let detour = a + Vec2::new(0.0, 12.0);
    for i in 0..=4 {
        h.event(Event::PointerMoved(
            detour + (b - detour) * (i as f32 / 4.0),
        ));
        h.run();
    }
    primary_button(h, b, false);
}

/// A primary click at an image point of the canvas.
pub fn click_image(h: &mut Harness<ShuguApp>, x: f32, y: f32) {
    let p = image_point(h, x, y);
    h.event(Event::PointerMoved(p));
    h.run();
    for pressed in [true, false] {
        primary_button(h, p, pressed);
    }
}

/// Opens File and, for an item named "Import …" or "Export …", the Import
/// or Export submenu it is in.
pub fn open_file_menu_for(h: &mut Harness<ShuguApp>, item: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label("File").click();
    h.run();
    for submenu in ["Import", "Export"] {
        if item.starts_with(submenu) {
            h.get_by_label(submenu).click();
            h.run();
        }
    }
}

/// Clicks File → `item` and waits for the notice the job ends with; returns
/// it and clears it.
pub fn file_menu_job(h: &mut Harness<ShuguApp>, item: &str) -> String {
    use egui_kittest::kittest::Queryable;
    open_file_menu_for(h, item);
    h.get_by_label(item).click();
    wait_for(h, |app| app.notice.is_some());
    h.state_mut().notice.take().unwrap_or_default()
}

/// The open project's boxes, as the app sees them.
pub fn app_boxes(h: &Harness<ShuguApp>) -> Vec<shugu::model::Annotation> {
    h.state()
        .workspace()
        .unwrap()
        .project
        .all_annotations()
        .unwrap()
}

/// Whether no item of the open project has an image label.
pub fn app_has_no_image_labels(h: &Harness<ShuguApp>) -> bool {
    let project = &h.state().workspace().unwrap().project;
    let labels = project.all_image_labels().unwrap();
    labels.iter().all(|(_, l)| l.is_empty())
}

/// Undoes the last edit through the workspace, as Ctrl+Z does.
pub fn undo_in_app(h: &mut Harness<ShuguApp>) {
    h.state_mut().workspace_mut().unwrap().undo();
    h.run();
}

/// Clicks File → `item`, waits for the question about classes the project
/// lacks, checks it names `classes` (e.g. `car (2)`), clicks `answer` and
/// waits for the notice, which it returns.
pub fn file_menu_job_answering(
    h: &mut Harness<ShuguApp>,
    item: &str,
    classes: &str,
    answer: &str,
) -> String {
    use egui_kittest::kittest::Queryable;
    open_file_menu_for(h, item);
    h.get_by_label(item).click();
    wait_for(h, ShuguApp::asks_about_unknown_classes);
    h.get_by_label_contains(classes);
    h.get_by_label(answer).click();
    wait_for(h, |app| app.notice.is_some());
    h.state_mut().notice.take().unwrap_or_default()
}

/// A copy of the dataset fixture `fixture` in `tmp/dataset`, a project over
/// its images (`images`, relative to the copy) with `schema`, and the app
/// opened on it as alice, with the file dialogs `dialogs` makes from the
/// copy's path. Returns the copy's path and the app.
pub fn app_over_dataset_copy(
    tmp: &Path,
    fixture: &Path,
    images: &str,
    schema: shugu::model::LabelSchema,
    dialogs: impl FnOnce(&Path) -> FakeDialogs,
) -> (PathBuf, Harness<'static, ShuguApp>) {
    let dataset = tmp.join("dataset");
    super::cli::copy_dir(fixture, &dataset);
    let project_dir = tmp.join("project");
    super::scanned_project(&project_dir, &dataset.join(images), schema);
    let config = app_config(tmp, "alice", Language::English, vec![]);
    let h = start_allowing_missing_glyphs(config, Startup::Open(project_dir), dialogs(&dataset));
    (dataset, h)
}
