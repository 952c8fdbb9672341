//! YOLO round trips on fixtures datumaro wrote (`tests/fixtures/yolo/`, see
//! `make_fixtures.py` there), through the real `shugu` binary:
//! import → export → import gives the same boxes and classes, the exported
//! label values match the originals to 1e-6, and YOLO → COCO → YOLO does too.

use crate::common;
use crate::common::cli::{DatasetCopy, export_ok, shugu, text};
use crate::common::write_image;
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};
use shugu::model::LabelSchema;
use shugu::project::{Access, Project};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/yolo");

fn shugu_ok<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> (String, String) {
    let out = shugu(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "shugu failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

/// A copy of one fixture dataset in a temp dir.
struct Setup {
    data: DatasetCopy,
}

impl Setup {
    fn new(fixture: &str) -> Self {
        Self {
            data: DatasetCopy::new(&Path::new(FIXTURES).join(fixture)),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.data.path(name)
    }

    /// A project over the dataset's images, with no classes.
    fn project(&self, name: &str) -> PathBuf {
        self.data.project(name, "dataset")
    }

    fn import(&self, project: &Path, format: &str, from: &Path) -> (String, String) {
        shugu_ok([
            "import".as_ref(),
            project.as_os_str(),
            from.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ])
    }

    fn export(&self, project: &Path, format: &str, out: &Path) {
        export_ok(project, format, out);
    }
}

type Boxes = common::BoxesByImageAndClass;

/// (image, class name) → sorted corners, and the class names in schema order.
fn boxes_of(project: &Path) -> (Boxes, Vec<String>) {
    let p = Project::open(project, Access::ReadOnly).unwrap();
    let boxes = common::boxes_by_image_and_class(&p);
    let classes = p.schema().classes.iter().map(|c| c.name.clone()).collect();
    (boxes, classes)
}

fn assert_same_boxes(a: &Boxes, b: &Boxes) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (key, list) in a {
        assert_eq!(list.len(), b[key].len(), "{key:?}");
        for (x, y) in list.iter().zip(&b[key]) {
            for k in 0..4 {
                assert!((x[k] - y[k]).abs() < 1e-3, "{key:?}: {x:?} vs {y:?}");
            }
        }
    }
}

/// Label lines of a file as sorted (class, values) rows.
fn label_rows(file: &Path) -> Vec<(u32, [f64; 4])> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut rows: Vec<(u32, [f64; 4])> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Vec<&str> = l.split_whitespace().collect();
            let n = |k: usize| v[k].parse::<f64>().unwrap();
            (v[0].parse().unwrap(), [n(1), n(2), n(3), n(4)])
        })
        .collect();
    rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
    rows
}

/// Every original label file has an exported twin with the same rows to 1e-6.
fn assert_labels_stable(
    original_root: &Path,
    originals: &[&str],
    export_root: &Path,
    exported: &[&str],
) {
    for (orig, out) in originals.iter().zip(exported) {
        let a = label_rows(&original_root.join(orig));
        let b = label_rows(&export_root.join(out));
        assert_eq!(a.len(), b.len(), "{orig} vs {out}");
        for ((ca, va), (cb, vb)) in a.iter().zip(&b) {
            assert_eq!(ca, cb, "{orig}");
            for k in 0..4 {
                assert!((va[k] - vb[k]).abs() <= 1e-6, "{orig}: {va:?} vs {vb:?}");
            }
        }
    }
}

const ULTRA_LABELS: [&str; 4] = [
    "labels/train/street_01.txt",
    "labels/train/街道_02.txt",
    "labels/train/empty_03.txt",
    "labels/val/night_04.txt",
];

#[test]
fn ultralytics_import_export_import_keeps_boxes_and_classes() {
    let s = Setup::new("ultralytics");
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, "yolo", &s.path("dataset"));
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    assert!(stdout.contains("classes from data.yaml"), "{stdout}");
    assert!(stderr.is_empty(), "no problems expected: {stderr}");
    let (boxes, classes) = boxes_of(&first);
    assert_eq!(classes, ["car", "行人", "bicycle"]);
    assert_eq!(boxes.values().map(Vec::len).sum::<usize>(), 6);
    // street_01 is 320×240; datumaro wrote Bbox(10.5, 20.25, 100, 50).
    let street = &boxes[&("images/train/street_01.jpg".to_string(), "car".to_string())];
    let want = [10.5, 20.25, 110.5, 70.25];
    assert!(
        street[0]
            .iter()
            .zip(want)
            .all(|(a, b)| (a - b).abs() < 1e-3),
        "{street:?}"
    );

    let out = s.path("export");
    s.export(&first, "yolo", &out);
    assert!(out.join("data.yaml").is_file());
    assert_labels_stable(&s.path("dataset"), &ULTRA_LABELS, &out, &ULTRA_LABELS);

    let second = s.project("second");
    let (stdout, stderr) = s.import(&second, "yolo", &out);
    assert!(
        stdout.contains("imported 6 annotations"),
        "{stdout}\n{stderr}"
    );
    let (again, classes_again) = boxes_of(&second);
    assert_eq!(classes_again, classes);
    assert_same_boxes(&boxes, &again);

    // Exporting again replaces the earlier export whole.
    s.export(&second, "yolo", &out);
    assert_labels_stable(&s.path("dataset"), &ULTRA_LABELS, &out, &ULTRA_LABELS);
}

#[test]
fn darknet_layout_with_labels_beside_the_images() {
    let s = Setup::new("darknet");
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, "yolo", &s.path("dataset"));
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    assert!(stdout.contains("classes from obj.names"), "{stdout}");
    assert!(
        stderr.is_empty(),
        "train.txt's data/ prefix must still match: {stderr}"
    );
    let out = s.path("export");
    s.export(&first, "yolo", &out);
    let names = ["street_01", "街道_02", "empty_03", "night_04"];
    let originals: Vec<String> = names
        .iter()
        .map(|n| format!("obj_train_data/{n}.txt"))
        .collect();
    let exported: Vec<String> = names
        .iter()
        .map(|n| format!("labels/obj_train_data/{n}.txt"))
        .collect();
    let o: Vec<&str> = originals.iter().map(String::as_str).collect();
    let e: Vec<&str> = exported.iter().map(String::as_str).collect();
    assert_labels_stable(&s.path("dataset"), &o, &out, &e);

    let second = s.project("second");
    s.import(&second, "yolo", &out);
    assert_same_boxes(&boxes_of(&first).0, &boxes_of(&second).0);
}

#[test]
fn yolo_to_coco_to_yolo_is_stable_to_1e_6() {
    let s = Setup::new("ultralytics");
    let first = s.project("first");
    s.import(&first, "yolo", &s.path("dataset"));
    let coco = s.path("export.json");
    s.export(&first, "coco", &coco);
    let second = s.project("second");
    let (stdout, _) = s.import(&second, "coco", &coco);
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    let out = s.path("yolo-again");
    s.export(&second, "yolo", &out);
    assert_labels_stable(&s.path("dataset"), &ULTRA_LABELS, &out, &ULTRA_LABELS);
}

#[test]
fn an_import_is_one_undo_step_by_the_current_author() {
    let s = Setup::new("ultralytics");
    let dir = s.project("p");
    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    project.set_author("阿明");
    let report = import_yolo(
        &mut project,
        &s.path("dataset"),
        YoloImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.annotations, 6);
    let boxes = project.all_annotations().unwrap();
    assert!(boxes.iter().all(|b| b.provenance.author == "阿明"));
    assert!(project.undo().unwrap().is_some());
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(!project.can_undo(), "one step");
}

#[test]
fn nfd_image_names_match_nfc_label_names() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    write_image(&images.join("cafe\u{301}.png"), 100, 80);
    let dataset = tmp.path().join("dataset");
    std::fs::create_dir_all(dataset.join("labels")).unwrap();
    std::fs::write(dataset.join("classes.txt"), "cup\n").unwrap();
    std::fs::write(dataset.join("labels/caf\u{e9}.txt"), "0 0.5 0.5 0.2 0.25\n").unwrap();
    let dir = tmp.path().join("p");
    let mut project = Project::create(&dir, "p", &images, LabelSchema::default()).unwrap();
    shugu::jobs::scan::BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .unwrap();
    let report = import_yolo(
        &mut project,
        &dataset,
        YoloImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.annotations, 1, "{:?}", report.problems);
    let b = project.all_annotations().unwrap()[0].bounds();
    assert_eq!(
        [b.min_x, b.min_y, b.max_x, b.max_y],
        [40.0, 30.0, 60.0, 50.0]
    );
}
