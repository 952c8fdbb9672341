//! File → Import Pascal VOC… and Export Pascal VOC… driven headless: the
//! datumaro fixture is read on a worker thread and stored through the edit
//! path (one undo step), then written back out.

mod common;

use common::gui::{app_config, start_allowing_missing_glyphs, wait_for};
use egui_kittest::kittest::Queryable;
use shugu::jobs::scan::BackgroundScan;
use shugu::model::{AttrValue, LabelSchema};
use shugu::project::Project;
use shugu::ui::Startup;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voc/detection");

#[test]
fn import_and_export_pascal_voc_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("dataset");
    common::cli::copy_dir(Path::new(FIXTURE), &dataset);
    let project_dir = tmp.path().join("project");
    {
        let images = dataset.join("JPEGImages");
        let mut project =
            Project::create(&project_dir, "voc", &images, LabelSchema::default()).unwrap();
        BackgroundScan::start(project.image_root())
            .finish_into(&mut project, |_| {})
            .unwrap();
    }
    let out = tmp.path().join("out");
    let dialogs = FakeDialogs {
        folders: vec![dataset.clone(), out.clone()],
        ..FakeDialogs::default()
    };
    let config = app_config(tmp.path(), "alice", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(project_dir), dialogs);

    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import Pascal VOC…").click();
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.starts_with("Imported 6 boxes"), "{notice}");
    let project = &h.state().workspace().unwrap().project;
    let boxes = project.all_boxes().unwrap();
    assert_eq!(boxes.len(), 6);
    assert!(boxes.iter().all(|b| b.provenance.author == "alice"));
    let difficult = boxes
        .iter()
        .filter(|b| b.attributes.get("difficult") == Some(&AttrValue::Bool(true)))
        .count();
    assert_eq!(difficult, 1);
    h.state_mut().notice = None;

    // One undo step takes the whole import back.
    h.state_mut().workspace_mut().unwrap().undo();
    h.run();
    assert!(
        h.state()
            .workspace()
            .unwrap()
            .project
            .all_boxes()
            .unwrap()
            .is_empty()
    );
    h.state_mut().workspace_mut().unwrap().redo();
    h.run();

    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export Pascal VOC…").click();
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.contains("4 images and 6 boxes"), "{notice}");
    assert!(out.join("Annotations/street_01.xml").is_file());
    assert!(out.join("labelmap.txt").is_file());
}
