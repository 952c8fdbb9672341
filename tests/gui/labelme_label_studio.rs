//! File → Import / Export labelme… and Label Studio JSON… driven headless: the
//! labelme fixture (written by labelme) and the Label Studio tasks written by
//! label-studio-converter are read on a worker thread, stored through the edit
//! path as one undo step, and written back out.

use crate::common::gui::{
    app_boxes, app_has_no_image_labels, app_over_dataset_copy, file_menu_job,
    file_menu_job_answering, undo_in_app,
};
use shugu::model::{ImageLabelMode, LabelSchema};
use shugu::ui::dialogs::FakeDialogs;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

#[test]
fn labelme_and_label_studio_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = LabelSchema {
        image_label_mode: ImageLabelMode::Multi,
        ..Default::default()
    };
    let labelme_out = tmp.path().join("labelme-out");
    let tasks_out = tmp.path().join("tasks.json");
    let (_, mut h) = app_over_dataset_copy(
        tmp.path(),
        &Path::new(FIXTURES).join("labelme/dataset"),
        ".",
        schema,
        |dataset| FakeDialogs {
            folders: vec![
                dataset.to_path_buf(),
                dataset.to_path_buf(),
                labelme_out.clone(),
            ],
            files: vec![Path::new(FIXTURES).join("label_studio/converter_tasks.json")],
            save_paths: vec![tasks_out.clone()],
        },
    );

    // The flags are image labels the schema lacks: the app asks, as
    // `--add-unknown-classes` says in the CLI. Declining imports the boxes
    // and leaves the flags out, each one reported.
    let notice =
        file_menu_job_answering(&mut h, "Import labelme…", "night (", "Import without them");
    assert!(notice.starts_with("Imported 4 annotations"), "{notice}");
    assert!(
        notice.contains("image label `night` is not in the project's schema"),
        "{notice}"
    );
    let project = &h.state().workspace().unwrap().project;
    assert!(project.schema().image_labels.is_empty());
    assert!(app_has_no_image_labels(&h));
    undo_in_app(&mut h);
    assert!(app_boxes(&h).is_empty());

    // labelme: three rectangles, a polygon and the true flags, one undo step.
    let notice = file_menu_job_answering(
        &mut h,
        "Import labelme…",
        "night (",
        "Add these classes and import",
    );
    assert!(notice.starts_with("Imported 4 annotations"), "{notice}");
    let project = &h.state().workspace().unwrap().project;
    assert_eq!(project.all_annotations().unwrap().len(), 4);
    assert!(
        project
            .all_annotations()
            .unwrap()
            .iter()
            .all(|b| b.provenance.author == "alice")
    );
    let labelled = project.all_image_labels().unwrap();
    assert_eq!(labelled.iter().filter(|(_, l)| !l.is_empty()).count(), 2);
    undo_in_app(&mut h);
    assert!(app_boxes(&h).is_empty());

    // Label Studio tasks written by label-studio-converter: three boxes.
    let notice = file_menu_job(&mut h, "Import Label Studio JSON…");
    assert!(notice.starts_with("Imported 3 annotations"), "{notice}");

    let notice = file_menu_job(&mut h, "Export labelme…");
    assert!(notice.contains("2 images and 3 annotations"), "{notice}");
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(labelme_out.join("sub/b.json")).unwrap()).unwrap();
    assert_eq!(b["shapes"][0]["shape_type"], "rectangle");

    let notice = file_menu_job(&mut h, "Export Label Studio JSON…");
    assert!(notice.contains("2 images and 3 annotations"), "{notice}");
    let tasks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&tasks_out).unwrap()).unwrap();
    assert_eq!(tasks.as_array().map(Vec::len), Some(2));
}
