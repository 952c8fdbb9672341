//! File → Import Pascal VOC… and Export Pascal VOC… driven headless: the
//! datumaro fixture is read on a worker thread and stored through the edit
//! path (one undo step), then written back out.

use crate::common::gui::{
    app_boxes, app_over_dataset_copy, file_menu_job, file_menu_job_answering, undo_in_app,
};
use shugu::model::{AttrValue, LabelSchema};
use shugu::ui::dialogs::FakeDialogs;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voc/detection");

#[test]
fn import_and_export_pascal_voc_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (_, mut h) = app_over_dataset_copy(
        tmp.path(),
        Path::new(FIXTURE),
        "JPEGImages",
        LabelSchema::default(),
        |dataset| {
            // Without labelmap.txt the dataset declares no classes, so the
            // ones the project lacks are asked about.
            std::fs::remove_file(dataset.join("labelmap.txt")).unwrap();
            FakeDialogs {
                folders: vec![dataset.to_path_buf(), dataset.to_path_buf(), out.clone()],
                ..FakeDialogs::default()
            }
        },
    );

    // The project has no classes yet: the app asks. Declining leaves every
    // box out and says so per class.
    let notice = file_menu_job_answering(
        &mut h,
        "Import Pascal VOC…",
        "(how many use each)",
        "Import without them",
    );
    assert!(notice.starts_with("Imported 0 annotations"), "{notice}");
    assert!(notice.contains("is not in the project; its"), "{notice}");
    assert!(app_boxes(&h).is_empty());

    let notice = file_menu_job_answering(
        &mut h,
        "Import Pascal VOC…",
        "car (",
        "Add these classes and import",
    );
    assert!(notice.starts_with("Imported 6 annotations"), "{notice}");
    let project = &h.state().workspace().unwrap().project;
    let boxes = project.all_annotations().unwrap();
    assert_eq!(boxes.len(), 6);
    assert!(boxes.iter().all(|b| b.provenance.author == "alice"));
    let difficult = boxes
        .iter()
        .filter(|b| b.attributes.get("difficult") == Some(&AttrValue::Bool(true)))
        .count();
    assert_eq!(difficult, 1);

    // One undo step takes the whole import back.
    undo_in_app(&mut h);
    assert!(app_boxes(&h).is_empty());
    h.state_mut().workspace_mut().unwrap().redo();
    h.run();

    let notice = file_menu_job(&mut h, "Export Pascal VOC…");
    assert!(notice.contains("4 images and 6 annotations"), "{notice}");
    assert!(out.join("Annotations/street_01.xml").is_file());
    assert!(out.join("labelmap.txt").is_file());
}
