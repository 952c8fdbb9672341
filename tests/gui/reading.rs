//! A text project's document reads at a large size in high contrast, and the
//! reading-size keys (bound in the keymap) and Ctrl+wheel over the document
//! change its size, which the settings keep for the next start.

use crate::common::gui::{app_config, start};
use eframe::egui::{
    self, Color32, Event, Key, Modifiers, MouseWheelSource, MouseWheelUnit, TouchPhase, Vec2,
};
use egui_kittest::Harness;
use shugu::model::LabelSchema;
use shugu::ui::Startup;
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;
use shugu::ui::theme::contrast_ratio;
use std::path::{Path, PathBuf};

const REVIEW: &str = "修文猕猴桃收到了，个头很均匀，放了三天就软了，酸甜刚好。Kiwis from Xiuwen, ripe in three days.";

/// A text project with one review in `tmp`, and the app's files there.
fn text_project(tmp: &Path) -> (PathBuf, AppConfig) {
    let dir = tmp.join("reviews");
    crate::common::one_text_project(&dir, LabelSchema::with_classes(&["PRODUCT"]), REVIEW);
    (dir, app_config(tmp, "alice", Language::English, vec![]))
}

/// How the document's text was drawn in the last frame: its size, its
/// colour and the colour of what lies under it (the last filled rectangle
/// drawn before it that holds it, else the panel's fill).
fn document_look(h: &Harness<ShuguApp>) -> (f32, Color32, Color32) {
    // The document's first character, not the item list's opening words.
    let first = h.state().workspace().unwrap().text.char_rect(0).unwrap();
    let shapes = &h.output().shapes;
    let (index, galley, rect) = shapes
        .iter()
        .enumerate()
        .find_map(|(i, clipped)| match &clipped.shape {
            egui::Shape::Text(t)
                if t.galley.text().starts_with("修文猕猴桃")
                    && t.galley
                        .rect
                        .translate(t.pos.to_vec2())
                        .contains(first.center()) =>
            {
                Some((
                    i,
                    t.galley.clone(),
                    t.galley.rect.translate(t.pos.to_vec2()),
                ))
            }
            _ => None,
        })
        .expect("the document is drawn");
    let format = &galley.job.sections[0].format;
    let background = shapes[..index]
        .iter()
        .rev()
        .find_map(|clipped| match &clipped.shape {
            egui::Shape::Rect(r) if r.fill.a() == 255 && r.rect.contains_rect(rect) => Some(r.fill),
            _ => None,
        })
        .unwrap_or(h.ctx.global_style().visuals.panel_fill);
    (format.font_id.size, format.color, background)
}

fn size_on_screen(h: &Harness<ShuguApp>) -> f32 {
    document_look(h).0
}

fn saved_size(config: &AppConfig) -> f32 {
    Settings::load(config.settings_path.as_ref().unwrap())
        .0
        .reading_size
}

fn press(h: &mut Harness<ShuguApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn the_document_reads_large_and_in_high_contrast() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, config) = text_project(tmp.path());
    let h = start(config, Startup::Open(dir));
    let (size, text, background) = document_look(&h);
    assert!(size >= 16.0, "the document's text is {size} pt");
    let ratio = contrast_ratio(text, background);
    assert!(
        ratio >= 7.0,
        "{text:?} on {background:?} is a contrast of {ratio:.1}:1"
    );
}

#[test]
fn reading_size_keys_change_the_document_and_the_settings_keep_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, config) = text_project(tmp.path());
    let mut h = start(config.clone(), Startup::Open(dir.clone()));
    let default = size_on_screen(&h);

    press(&mut h, Modifiers::COMMAND, Key::Plus);
    assert_eq!(size_on_screen(&h), default + 1.0);
    press(&mut h, Modifiers::COMMAND, Key::Equals);
    assert_eq!(size_on_screen(&h), default + 2.0);
    assert_eq!(saved_size(&config), default + 2.0);
    for _ in 0..3 {
        press(&mut h, Modifiers::COMMAND, Key::Minus);
    }
    assert_eq!(size_on_screen(&h), default - 1.0);
    assert_eq!(saved_size(&config), default - 1.0);
    // The document's size only: the rest of the window keeps its zoom.
    assert_eq!(h.ctx.zoom_factor(), 1.0);
    press(&mut h, Modifiers::COMMAND, Key::Num0);
    assert_eq!(size_on_screen(&h), default);
    assert_eq!(saved_size(&config), default);

    // Ctrl+wheel over the document: a step per notch (40 points).
    let over = h
        .state()
        .workspace()
        .unwrap()
        .text
        .char_rect(3)
        .unwrap()
        .center();
    h.event(Event::PointerMoved(over));
    h.run();
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: Vec2::new(0.0, 40.0),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: Modifiers::COMMAND,
    });
    h.run_steps(20);
    let zoomed = size_on_screen(&h);
    assert_eq!(zoomed, default + 1.0, "after Ctrl+wheel");
    assert_eq!(saved_size(&config), zoomed);

    // The next start reads at the size kept.
    drop(h);
    let h = start(config, Startup::Open(dir));
    assert_eq!(size_on_screen(&h), zoomed);
}

#[test]
fn the_reading_size_keys_come_from_the_keymap() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, config) = text_project(tmp.path());
    std::fs::write(
        config.keymap_path.as_ref().unwrap(),
        "{ ReadingLarger: [\"Alt+Up\"], ReadingReset: [] }",
    )
    .unwrap();
    let mut h = start(config.clone(), Startup::Open(dir));
    let default = size_on_screen(&h);
    press(&mut h, Modifiers::ALT, Key::ArrowUp);
    assert_eq!(size_on_screen(&h), default + 1.0);
    press(&mut h, Modifiers::COMMAND, Key::Plus);
    press(&mut h, Modifiers::COMMAND, Key::Num0);
    assert_eq!(size_on_screen(&h), default + 1.0, "unbound keys do nothing");
    assert_eq!(saved_size(&config), default + 1.0);
}

#[test]
fn in_an_image_project_the_reading_size_keys_zoom_the_window() {
    let f = crate::common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config.clone(), Startup::Open(f.project.clone()));
    press(&mut h, Modifiers::COMMAND, Key::Plus);
    assert!((h.ctx.zoom_factor() - 1.1).abs() < 1e-4);
    press(&mut h, Modifiers::COMMAND, Key::Num0);
    assert_eq!(h.ctx.zoom_factor(), 1.0);
    assert_eq!(saved_size(&config), Settings::default().reading_size);
}
