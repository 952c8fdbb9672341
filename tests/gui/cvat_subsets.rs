//! File → Import CVAT XML folder… on the folder datumaro writes (one XML per
//! subset, `tests/fixtures/cvat/subsets/`), and the question a project that
//! takes one image label per image asks when an import gives an image
//! several: switch to multi-label and import, or import without them.

use crate::common::gui::{open_file_menu_for, undo_in_app, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{ImageLabelMode, LabelSchema};
use shugu::ui::app::ShuguApp;
use shugu::ui::dialogs::FakeDialogs;
use std::path::Path;

const SUBSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/subsets");

/// The app over a copy of the fixture, a project that takes one image label
/// per image, with the dialogs `dialogs` makes from the copy's path.
fn app(tmp: &Path, dialogs: impl FnOnce(&Path) -> FakeDialogs) -> Harness<'static, ShuguApp> {
    let schema = LabelSchema::default();
    let fixture = Path::new(SUBSETS);
    crate::common::gui::app_over_dataset_copy(tmp, fixture, "images", schema, dialogs).1
}

/// Clicks File → `item` (the files declare their labels, so nothing is asked
/// about them), waits for the multi-label question, checks it, clicks
/// `answer` and returns the notice.
fn import_answering(h: &mut Harness<'static, ShuguApp>, item: &str, answer: &str) -> String {
    open_file_menu_for(h, item);
    h.get_by_label(item).click();
    wait_for(h, ShuguApp::asks_about_multi_label);
    assert!(!h.state().asks_about_unknown_classes());
    h.get_by_label_contains(
        "1 images have several image labels, and this project takes one per image",
    );
    h.get_by_label(answer).click();
    wait_for(h, |app| app.notice.is_some());
    h.state_mut().notice.take().unwrap_or_default()
}

/// The image labels of `path`, by name.
fn labels_of(h: &Harness<'static, ShuguApp>, path: &str) -> Vec<String> {
    let project = &h.state().workspace().unwrap().project;
    let item = project
        .items()
        .iter()
        .find(|i| i.rel_path == path)
        .unwrap()
        .id;
    let mut names: Vec<String> = project
        .image_labels(item)
        .unwrap()
        .iter()
        .map(|l| project.schema().label(*l).unwrap().name.clone())
        .collect();
    names.sort();
    names
}

fn mode(h: &Harness<'static, ShuguApp>) -> ImageLabelMode {
    let project = &h.state().workspace().unwrap().project;
    project.schema().image_label_mode
}

/// Issue 13, points 15 and 11: the folder of subset files imports each file
/// onto its subset's images, and "switch" makes the project multi-label in
/// the import's one undo step.
#[test]
fn a_cvat_folder_imports_and_switches_the_project_to_multi_label() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path(), |dataset| FakeDialogs {
        folders: vec![dataset.to_path_buf()],
        ..FakeDialogs::default()
    });
    let notice = import_answering(
        &mut h,
        "Import CVAT XML folder (one file per subset)…",
        "Switch to multi-label and import",
    );
    assert!(
        notice.starts_with("Imported 3 annotations onto 3 images"),
        "{notice}"
    );
    assert!(
        notice.contains("several image labels per image"),
        "{notice}"
    );
    assert!(
        notice.contains("Not added, as no annotation or tag uses them: truck"),
        "{notice}"
    );
    assert_eq!(mode(&h), ImageLabelMode::Multi);
    assert_eq!(labels_of(&h, "train/0001.png"), ["night", "rain"]);
    assert_eq!(labels_of(&h, "val/0001.png"), ["rain"]);

    undo_in_app(&mut h);
    assert_eq!(mode(&h), ImageLabelMode::Single);
    assert!(labels_of(&h, "train/0001.png").is_empty());
}

/// Issue 13, point 11: "import without their labels" keeps the project
/// single-label, imports the rest and says how many images lost their labels.
#[test]
fn declining_multi_label_imports_the_rest_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path(), |dataset| FakeDialogs {
        files: vec![dataset.join("train.xml")],
        ..FakeDialogs::default()
    });
    let notice = import_answering(&mut h, "Import CVAT XML…", "Import without their labels");
    assert!(notice.starts_with("Imported 2 annotations"), "{notice}");
    assert!(
        notice.contains("1 images got several image labels"),
        "{notice}"
    );
    assert_eq!(mode(&h), ImageLabelMode::Single);
    assert!(labels_of(&h, "train/0001.png").is_empty());
    assert_eq!(labels_of(&h, "train/0002.png"), ["night"]);
}
