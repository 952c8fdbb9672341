//! COCO round trip through the real `shugu` binary (export → new → import →
//! export), imports of damaged files, and undo of an import.
//!
//! Exit codes: an import that takes some records and reports the others succeeds
//! (exit 0, one line per problem on stderr); a file that cannot be read as COCO at
//! all fails (non-zero, the message names the file) and changes nothing.

use crate::common::cli::{copy_dir, shugu, text};
use serde_json::{Value, json};
use shugu::jobs::coco::import_coco;
use shugu::model::{ItemStatus, ShapeKind};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `shugu`, expecting success; returns (stdout, stderr).
fn shugu_ok<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> (String, String) {
    let out = shugu(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "shugu failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    (stdout, stderr)
}

/// A temp dir holding a copy of the demo project (`demo/`, with its images) and a
/// second copy of its images (`images/`) for fresh projects.
struct Setup {
    tmp: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let demo = Path::new(REPO).join("projects/demo-images");
        copy_dir(&demo, &tmp.path().join("demo"));
        copy_dir(&demo.join("images"), &tmp.path().join("images"));
        Self { tmp }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `shugu new NAME --images images` with no classes.
    fn fresh_project(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        let (stdout, stderr) = shugu_ok([
            "new".as_ref(),
            dir.as_os_str(),
            "--images".as_ref(),
            self.path("images").as_os_str(),
        ]);
        assert!(stdout.contains("9 images, 0 unreadable"), "{stdout}");
        assert!(stderr.is_empty(), "{stderr}");
        dir
    }

    fn export(&self, project: &Path, out: &Path) -> String {
        let (stdout, stderr) = shugu_ok([
            "export".as_ref(),
            project.as_os_str(),
            "--format".as_ref(),
            "coco".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(stderr.is_empty(), "nothing left out: {stderr}");
        stdout
    }
}

/// (file_name, category name) → sorted boxes, and the categories by id.
type Boxes = BTreeMap<(String, String), Vec<[f64; 4]>>;

fn read_export(path: &Path) -> (Boxes, BTreeMap<i64, String>) {
    let file: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let images: BTreeMap<i64, String> = file["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["file_name"].as_str().unwrap().into(),
            )
        })
        .collect();
    let categories: BTreeMap<i64, String> = file["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut boxes = Boxes::new();
    for a in file["annotations"].as_array().unwrap() {
        let image = images[&a["image_id"].as_i64().unwrap()].clone();
        let class = categories[&a["category_id"].as_i64().unwrap()].clone();
        let b: Vec<f64> = serde_json::from_value(a["bbox"].clone()).unwrap();
        boxes
            .entry((image, class))
            .or_default()
            .push([b[0], b[1], b[2], b[3]]);
    }
    for list in boxes.values_mut() {
        list.sort_by(|p, q| p.partial_cmp(q).unwrap());
    }
    (boxes, categories)
}

fn assert_same_boxes(first: &Boxes, second: &Boxes) {
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the same (file_name, category) pairs"
    );
    for (key, a) in first {
        let b = &second[key];
        assert_eq!(a.len(), b.len(), "box count of {key:?}");
        for (p, q) in a.iter().zip(b) {
            for k in 0..4 {
                assert!(
                    (p[k] - q[k]).abs() <= 1e-3,
                    "{key:?}: {p:?} came back as {q:?}"
                );
            }
        }
    }
}

#[test]
fn export_new_import_export_gives_the_same_boxes_and_categories() {
    let s = Setup::new();
    let first = s.path("first.json");
    s.export(&s.path("demo"), &first);
    let (boxes, categories) = read_export(&first);
    let box_count: usize = boxes.values().map(Vec::len).sum();
    assert!(box_count > 0 && categories.len() > 1, "the demo has boxes");

    let fresh = s.fresh_project("fresh");
    let (stdout, stderr) = shugu_ok([
        "import".as_ref(),
        fresh.as_os_str(),
        first.as_os_str(),
        "--author".as_ref(),
        "小王".as_ref(),
    ]);
    assert!(
        stderr.is_empty(),
        "a clean file imports without problems: {stderr}"
    );
    assert!(
        stdout.contains(&format!(
            "imported {box_count} annotations from {}",
            first.display()
        )),
        "{stdout}"
    );
    // The fresh project had no classes: all used categories were added, in id order.
    let used: Vec<&str> = categories
        .values()
        .filter(|name| boxes.keys().any(|(_, c)| c == *name))
        .map(String::as_str)
        .collect();
    assert!(
        stdout.contains(&format!("added classes: {}", used.join(", "))),
        "{stdout}"
    );

    let second = s.path("second.json");
    s.export(&fresh, &second);
    let (boxes2, categories2) = read_export(&second);
    assert_same_boxes(&boxes, &boxes2);
    assert_eq!(
        categories, categories2,
        "the same categories with the same ids"
    );

    // The boxes are attributed to --author.
    let project = Project::open(&fresh, Access::ReadOnly).unwrap();
    let all = project.all_annotations().unwrap();
    assert_eq!(all.len(), box_count);
    assert!(all.iter().all(|b| b.provenance.author == "小王"));
}

/// A COCO file with one good box per good image and one of every problem.
fn damaged_coco() -> Value {
    json!({
        "images": [
            {"id": 1, "file_name": "astronaut.jpg", "width": 512, "height": 512},
            {"id": 2, "file_name": "missing/nowhere.jpg", "width": 100, "height": 100},
            {"id": 3, "file_name": "../../etc/passwd", "width": 100, "height": 100},
            {"id": 4, "file_name": "space\\rocket-launch.jpg", "width": 640, "height": 427}
        ],
        "categories": [
            {"id": 1, "name": "猫 cat"},
            {"id": 2, "name": "person", "supercategory": "human"},
            {"id": 3, "name": "树 tree (polygons only)"}
        ],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 20, 30, 40]},
            {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 3, "image_id": 3, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 4, "image_id": 1, "category_id": 99, "bbox": [1, 1, 5, 5]},
            {"id": 5, "image_id": 4, "category_id": 2, "bbox": [10, 10, 20, 20],
             "segmentation": [[10, 10, 30, 10, 30, 30]], "area": 200, "iscrowd": 0},
            {"id": 6, "image_id": 4, "category_id": 2, "bbox": [0, 0, 50, 50],
             "segmentation": {"counts": [0, 10, 273270], "size": [427, 640]}, "iscrowd": 1},
            {"id": 7, "image_id": 4, "category_id": 1, "bbox": [600, 400, 100, 100]},
            {"id": 8, "image_id": 4, "category_id": 2, "bbox": [1.5, 2.25, 100.75, 50.5],
             "area": 5087.875, "iscrowd": 0, "segmentation": []},
            {"id": 9, "image_id": 1, "category_id": 3,
             "segmentation": [[1, 1, 9, 1, 9, 9], [20, 20, 30, 20, 30, 30]]}
        ]
    })
}

#[test]
fn a_partly_damaged_file_imports_the_good_boxes_and_reports_the_rest() {
    let s = Setup::new();
    let fresh = s.fresh_project("fresh");
    let file = s.path("damaged.json");
    std::fs::write(&file, damaged_coco().to_string()).unwrap();

    let out = shugu(["import".as_ref(), fresh.as_os_str(), file.as_os_str()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "partial import exits 0: {stderr}");
    assert!(
        stdout.contains("imported 5 annotations") && stdout.contains("(2 rect, 2 polygon, 1 mask)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added classes: 猫 cat, person, 树 tree (polygons only)"),
        "{stdout}"
    );
    let expect = [
        // unknown image, with its annotation counted
        "image id 2 (missing/nowhere.jpg): not in the project; its 1 annotation was skipped",
        // a name is only a key: one leading out of the image root finds nothing
        "image id 3 (../../etc/passwd): not in the project; its 1 annotation was skipped",
        // dangling category id
        "annotation id 4: category id 99 is not in the file",
        // a box beyond the border is reported, not clamped
        "annotation id 7: box [600, 400, 100, 100] lies outside the 640×427 image",
        "4 record(s) not imported:",
    ];
    for line in expect {
        assert!(stderr.contains(line), "stderr lacks {line:?}:\n{stderr}");
    }

    let project = Project::open(&fresh, Access::ReadOnly).unwrap();
    let classes: Vec<&str> = project
        .schema()
        .classes
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        classes,
        ["猫 cat", "person", "树 tree (polygons only)"],
        "a category without imported boxes adds no class"
    );
    let class = |name: &str| project.schema().class_by_name(name).unwrap().id;
    let mut got: Vec<(String, _, [f32; 4], &str)> = project
        .all_annotations()
        .unwrap()
        .iter()
        .map(|b| {
            let path = project.item(b.item).unwrap().rel_path.clone();
            (path, b.class, b.bounds().to_xywh(), b.shape.kind().as_str())
        })
        .collect();
    got.sort_by(|a, b| (&a.0, a.1, a.2).partial_cmp(&(&b.0, b.1, b.2)).unwrap());
    assert_eq!(
        got,
        vec![
            (
                "astronaut.jpg".into(),
                class("猫 cat"),
                [10.0, 20.0, 30.0, 40.0],
                "rect"
            ),
            // Its two parts, one polygon.
            (
                "astronaut.jpg".into(),
                class("树 tree (polygons only)"),
                [1.0, 1.0, 29.0, 29.0],
                "polygon"
            ),
            // The crowd mask: its first ten pixels, down the first column.
            (
                "space/rocket-launch.jpg".into(),
                class("person"),
                [0.0, 0.0, 1.0, 10.0],
                "mask"
            ),
            (
                "space/rocket-launch.jpg".into(),
                class("person"),
                [1.5, 2.25, 100.75, 50.5],
                "rect"
            ),
            (
                "space/rocket-launch.jpg".into(),
                class("person"),
                [10.0, 10.0, 20.0, 20.0],
                "polygon"
            ),
        ]
    );
}

#[test]
fn a_file_that_is_not_coco_fails_naming_it_and_changes_nothing() {
    let s = Setup::new();
    let fresh = s.fresh_project("fresh");
    let cases = [
        (
            "笔记 notes.txt",
            "this is not JSON at all\n",
            "cannot read the COCO file",
        ),
        (
            "results.json",
            "[{\"image_id\": 1}]",
            "not a COCO dataset object",
        ),
        (
            "truncated.json",
            "{\"images\": [{\"id\": 1,",
            "is the file truncated?",
        ),
        (
            "no-images.json",
            "{\"annotations\": [], \"categories\": []}",
            "images",
        ),
    ];
    for (name, content, reason) in cases {
        let file = s.path(name);
        std::fs::write(&file, content).unwrap();
        let out = shugu(["import".as_ref(), fresh.as_os_str(), file.as_os_str()]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{name}: import must fail");
        assert!(
            stderr.contains(&file.display().to_string()),
            "{name}: the message names the file: {stderr}"
        );
        assert!(stderr.contains(reason), "{name}: {stderr}");
    }
    let missing = s.path("does-not-exist.json");
    let out = shugu(["import".as_ref(), fresh.as_os_str(), missing.as_os_str()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains(&missing.display().to_string()));

    let project = Project::open(&fresh, Access::ReadOnly).unwrap();
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(project.schema().classes.is_empty(), "no classes were added");
}

#[test]
fn undo_removes_a_whole_import_in_one_step() {
    let s = Setup::new();
    let first = s.path("first.json");
    s.export(&s.path("demo"), &first);
    let (boxes, _) = read_export(&first);
    let box_count: usize = boxes.values().map(Vec::len).sum();
    let fresh = s.fresh_project("fresh");

    let mut project = Project::open(&fresh, Access::ReadWrite).unwrap();
    assert!(!project.can_undo());
    let report = import_coco(&mut project, &first).unwrap();
    assert_eq!(report.annotations, box_count);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.kinds, [(ShapeKind::Rect, box_count)]);
    let imported = project.all_annotations().unwrap();
    assert_eq!(imported.len(), box_count);
    let annotated = project
        .items()
        .iter()
        .filter(|i| i.status == ItemStatus::InProgress)
        .count();
    assert!(
        annotated > 1,
        "the import put the annotated items in progress"
    );

    assert!(project.undo().unwrap().is_some());
    assert!(
        project.all_annotations().unwrap().is_empty(),
        "one undo removes all"
    );
    assert!(
        project.items().iter().all(|i| i.status == ItemStatus::New),
        "and puts the items back to new"
    );
    assert!(!project.can_undo(), "the import was a single step");

    // Redo brings back the same boxes with the same ids.
    assert!(project.redo().unwrap().is_some());
    assert_eq!(project.all_annotations().unwrap(), imported);
    assert!(project.undo().unwrap().is_some());
    drop(project);

    // The undo is on disk, not only in memory.
    let project = Project::open(&fresh, Access::ReadOnly).unwrap();
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(project.items().iter().all(|i| i.status == ItemStatus::New));
}

#[test]
fn an_error_deep_in_the_annotations_stores_nothing_of_the_import() {
    // More annotations than one streamed chunk, so boxes are already in the
    // open transaction when the bad record is read.
    let s = Setup::new();
    let fresh = s.fresh_project("fresh");
    let mut project = Project::open(&fresh, Access::ReadWrite).unwrap();
    let item = project.items()[0].clone();
    let bad_at = 40_000;
    let annotations: Vec<Value> = (1..=50_000)
        .map(|id| {
            let image_id = if id == bad_at + 1 {
                json!("one")
            } else {
                json!(1)
            };
            json!({"id": id, "image_id": image_id, "category_id": 1, "bbox": [1, 1, 5, 5]})
        })
        .collect();
    let coco = json!({
        "images": [{"id": 1, "file_name": item.rel_path, "width": item.width, "height": item.height}],
        "annotations": annotations,
        "categories": [{"id": 1, "name": "新类别"}],
    });
    let file = s.path("deep-error.json");
    std::fs::write(&file, serde_json::to_vec(&coco).unwrap()).unwrap();

    let err = import_coco(&mut project, &file).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains(&format!("annotations[{bad_at}]")), "{err}");
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(!project.can_undo());
    assert!(
        project.schema().classes.is_empty(),
        "the class added for the import is gone"
    );
    assert!(project.items().iter().all(|i| i.status == ItemStatus::New));
    drop(project);
    let reopened = Project::open(&fresh, Access::ReadOnly).unwrap();
    assert!(reopened.all_annotations().unwrap().is_empty());
    assert!(reopened.schema().classes.is_empty());
}

/// A FIFO or a device named as the COCO file is refused at once, not read
/// forever.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_the_coco_file_fails_without_hanging() {
    let s = Setup::new();
    let fresh = s.fresh_project("fresh");
    let fifo = s.path("instances.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for file in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = crate::common::cli::shugu_within(
            60,
            ["import".as_ref(), fresh.as_os_str(), file.as_os_str()],
        );
        let stderr = crate::common::cli::fails_cleanly(&out);
        assert!(
            stderr.contains(&file.display().to_string()) && stderr.contains("not a regular file"),
            "{stderr}"
        );
    }
}
