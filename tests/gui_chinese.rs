//! The UI in Chinese: labels come from the zh-CN translations and Chinese class
//! names render with the bundled font (the harness fails on a missing glyph).
//! Its own test binary, because the language is process-wide.

mod common;

use common::gui::{app_config, start};
use egui_kittest::kittest::Queryable;
use shugu::ui::Startup;
use shugu::ui::i18n::Language;

#[test]
fn chinese_ui_and_class_names_render() {
    let f = common::image_project(
        &[("图片 1.png", 64, 48)],
        &["行人", "汽车"],
        &["白天", "夜晚"],
        true,
    );
    let config = app_config(f.root.path(), "小王", Language::Chinese, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    h.get_by_label("文件");
    h.get_by_label("图片 1.png");
    h.get_by_label("[1] 行人");
    // Multi-label mode shows checkboxes; both labels can be on.
    h.get_by_label("[Z] 白天").click();
    h.run();
    h.get_by_label("[X] 夜晚").click();
    h.run();
    let ws = h.state().workspace().unwrap();
    let item = ws.current_item().unwrap().id;
    assert_eq!(ws.project.image_labels(item).unwrap().len(), 2);
    let entry = &ws.project.history(Some(item), 1).unwrap()[0];
    assert_eq!(entry.author, "小王");
}
