//! CVAT as datumaro exports a dataset with subsets (`tests/fixtures/cvat/subsets/`,
//! written by datumaro's `cvat` exporter, see `make_subsets_fixture.py`): one
//! XML per subset, each listing every label, images named without their subset.
//! A folder of such files imports each file onto its subset's images; labels
//! the files list but nothing uses are not added; several tags on an image of
//! a project that takes one image label ask for `--multi-label`.

use crate::common::cli::{import_ok, open_when_free, shugu, succeeds};
use crate::common::{BoxesByImageAndClass, boxes_by_image_and_class, image_label_names};
use shugu::jobs::cvat::{CvatImportOptions, import_cvat};
use shugu::model::{Edit, ImageLabelMode};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUBSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/subsets");

/// A project over the fixture's `images/` (`train/0001.png`, `train/0002.png`,
/// `val/0001.png`), made by `shugu new` with `extra` arguments.
fn project(tmp: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let dir = tmp.join(name);
    let images = Path::new(SUBSETS).join("images");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "new".as_ref(),
        dir.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    succeeds(&shugu(args));
    dir
}

struct Held {
    boxes: BoxesByImageAndClass,
    classes: Vec<String>,
    label_names: Vec<String>,
    labels: BTreeMap<String, Vec<String>>,
    mode: ImageLabelMode,
}

fn held(dir: &Path) -> Held {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let labels = image_label_names(&p);
    let schema = p.schema();
    Held {
        boxes: boxes_by_image_and_class(&p),
        classes: schema.classes.iter().map(|c| c.name.clone()).collect(),
        label_names: schema.image_labels.iter().map(|l| l.name.clone()).collect(),
        labels,
        mode: schema.image_label_mode,
    }
}

fn key(image: &str, class: &str) -> (String, String) {
    (image.to_string(), class.to_string())
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Issue 13, point 15: the folder datumaro writes, one XML per subset; each
/// file's images are found in its subset's folder, where both subsets hold a
/// `0001.png`.
#[test]
fn a_folder_of_subset_files_imports_each_onto_its_subset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "p", &["--multi-label"]);
    let (stdout, stderr) = import_ok(&dir, Path::new(SUBSETS), "cvat", &[]);
    assert!(
        stdout.contains("imported 3 annotations (3 rect)"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("3 images, 3 matched"), "{stdout}\n{stderr}");
    let got = held(&dir);
    assert_eq!(
        got.boxes,
        BTreeMap::from([
            (key("train/0001.png", "car"), vec![[4.0, 6.0, 30.0, 20.0]]),
            (
                key("train/0002.png", "person"),
                vec![[1.0, 2.0, 39.0, 29.0]]
            ),
            (key("val/0001.png", "car"), vec![[10.0, 10.0, 30.0, 30.0]]),
        ])
    );
    assert_eq!(
        got.labels,
        BTreeMap::from([
            ("train/0001.png".to_string(), names(&["night", "rain"])),
            ("train/0002.png".to_string(), names(&["night"])),
            ("val/0001.png".to_string(), names(&["rain"])),
        ])
    );
    assert!(!stderr.contains("several images match"), "{stderr}");
    assert!(!stderr.contains("no image"), "{stderr}");

    // A folder without any CVAT file fails, naming it.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = shugu(crate::common::cli::import_args(&dir, &empty, "cvat", &[]));
    let stderr = crate::common::cli::fails_cleanly(&out);
    assert!(
        stderr.contains("empty") && stderr.contains("no CVAT"),
        "{stderr}"
    );
}

/// Issue 13, point 10: the labels `<meta>` lists are not all box classes:
/// only what boxes use becomes a class, what tags use an image label, and the
/// rest is named once.
#[test]
fn labels_the_file_lists_but_nothing_uses_are_not_added() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "val", &["--multi-label"]);
    let val = Path::new(SUBSETS).join("val.xml");
    let (stdout, stderr) = import_ok(&dir, &val, "cvat", &[]);
    let got = held(&dir);
    assert_eq!(got.classes, names(&["car"]), "{stdout}\n{stderr}");
    assert_eq!(got.label_names, names(&["rain"]));
    let all = format!("{stdout}{stderr}");
    let unused: Vec<&str> = all.lines().filter(|l| l.contains("truck")).collect();
    assert_eq!(unused.len(), 1, "{all}");
    for name in ["person", "night"] {
        assert!(unused[0].contains(name), "{}", unused[0]);
    }

    let dir = project(tmp.path(), "both", &["--multi-label"]);
    import_ok(&dir, Path::new(SUBSETS), "cvat", &[]);
    let got = held(&dir);
    assert_eq!(got.classes, names(&["car", "person"]));
    assert_eq!(got.label_names, names(&["night", "rain"]));
}

/// Issue 13, point 11: two tags on one image of a project that takes one
/// image label: without `--multi-label` one summary line says so and the
/// rest imports; with it the project switches, in the import's undo step.
#[test]
fn several_tags_on_a_single_label_project_take_multi_label() {
    let tmp = tempfile::tempdir().unwrap();
    let train = Path::new(SUBSETS).join("train.xml");
    let dir = project(tmp.path(), "single", &[]);
    let (stdout, stderr) = import_ok(&dir, &train, "cvat", &[]);
    let all = format!("{stdout}{stderr}");
    let mentions: Vec<&str> = all
        .lines()
        .filter(|l| l.contains("--multi-label"))
        .collect();
    assert_eq!(mentions.len(), 1, "{all}");
    assert!(mentions[0].contains("1 image"), "{}", mentions[0]);
    assert!(!all.contains("its labels were skipped"), "{all}");
    let got = held(&dir);
    assert_eq!(got.mode, ImageLabelMode::Single);
    assert_eq!(
        got.labels,
        BTreeMap::from([("train/0002.png".to_string(), names(&["night"]))]),
        "the image with one tag keeps it"
    );
    assert_eq!(got.boxes.len(), 2, "the boxes import");

    let dir = project(tmp.path(), "multi", &[]);
    let (stdout, _) = import_ok(&dir, &train, "cvat", &["--multi-label"]);
    assert!(stdout.contains("multi-label"), "{stdout}");
    let got = held(&dir);
    assert_eq!(got.mode, ImageLabelMode::Multi);
    assert_eq!(got.labels["train/0001.png"], names(&["night", "rain"]));

    // One undo step takes back the boxes, the labels and the switch.
    let dir = project(tmp.path(), "undone", &[]);
    let mut p = open_when_free(&dir);
    let options = CvatImportOptions {
        multi_label: true,
        ..CvatImportOptions::default()
    };
    let report = import_cvat(&mut p, &train, options, &mut |_| {}).unwrap();
    assert!(report.switched_to_multi_label);
    p.undo().unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Single);
    assert!(p.all_annotations().unwrap().is_empty());
    assert!(
        p.all_image_labels()
            .unwrap()
            .iter()
            .all(|(_, l)| l.is_empty())
    );
    p.redo().unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Multi);
    assert_eq!(p.all_annotations().unwrap().len(), 2);

    // Back to one label per image only while no image has several.
    let back = Edit::SetImageLabelMode {
        from: ImageLabelMode::Multi,
        to: ImageLabelMode::Single,
    };
    let err = p.apply(back.clone()).unwrap_err().to_string();
    assert!(err.contains("several labels"), "{err}");
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Multi);
    let item = p
        .items()
        .iter()
        .find(|i| i.rel_path == "train/0001.png")
        .unwrap()
        .id;
    p.apply(Edit::SetImageLabels {
        item,
        labels: Vec::new(),
    })
    .unwrap();
    p.apply(back).unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Single);
}
