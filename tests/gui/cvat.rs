//! File → Import CVAT XML… and Export CVAT XML… driven headless: the datumaro
//! fixture's file is read on a worker thread and stored through the edit path
//! (one undo step: boxes, attributes and tags), then written back out.

use crate::common::gui::{app_has_no_image_labels, app_over_dataset_copy, file_menu_job};
use shugu::formats::cvat::parse_cvat;
use shugu::model::{AttrValue, LabelSchema};
use shugu::ui::dialogs::FakeDialogs;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/dataset");

#[test]
fn import_and_export_cvat_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.xml");
    let (_, mut h) = app_over_dataset_copy(
        tmp.path(),
        Path::new(FIXTURE),
        "images",
        LabelSchema::default(),
        |dataset| FakeDialogs {
            files: vec![dataset.join("annotations.xml")],
            save_paths: vec![out.clone()],
            ..FakeDialogs::default()
        },
    );

    // The file's labels are not in the project yet, but its <meta> declares
    // them: they are added without asking, as the CLI adds them.
    let notice = file_menu_job(&mut h, "Import CVAT XML…");
    assert!(
        notice.starts_with("Imported 7 annotations onto 4 images from"),
        "{notice}"
    );
    let project = &h.state().workspace().unwrap().project;
    let boxes = project.all_annotations().unwrap();
    assert_eq!(boxes.len(), 7, "five boxes, a polygon and a polyline");
    assert!(boxes.iter().all(|b| b.provenance.author == "alice"));
    let occluded = boxes
        .iter()
        .filter(|b| b.attributes.get("occluded") == Some(&AttrValue::Bool(true)))
        .count();
    assert_eq!(occluded, 2);
    let tagged = project.all_image_labels().unwrap();
    assert_eq!(tagged.iter().filter(|(_, l)| !l.is_empty()).count(), 2);
    assert!(project.schema().attribute("colour").is_some());

    // One undo step takes the boxes and the tags back.
    h.state_mut().workspace_mut().unwrap().undo();
    h.run();
    let project = &h.state().workspace().unwrap().project;
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(app_has_no_image_labels(&h));
    h.state_mut().workspace_mut().unwrap().redo();
    h.run();

    let notice = file_menu_job(&mut h, "Export CVAT XML…");
    assert!(notice.contains("4 images and 7 annotations"), "{notice}");
    let written = parse_cvat(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written.images.len(), 4);
    assert_eq!(
        written.images.iter().map(|i| i.shapes.len()).sum::<usize>(),
        7
    );
    assert_eq!(
        written.images.iter().map(|i| i.tags.len()).sum::<usize>(),
        2
    );
}
