//! COCO exports of the demo project, checked by pycocotools (the exporter checklist in `src/formats/coco/mod.rs`): the
//! file loads, passes the structural checks of `tests/python/check_coco.py`, and
//! COCOeval of the ground truth against itself gives AP 1.0. Once through
//! `export_coco`, once through the real `shugu export` binary.
//!
//! Needs a Python with pycocotools and numpy: `$SHUGU_PYTHON` (set by
//! `tests/run-all.sh`), else `.venv/bin/python` in the repository. Without one the
//! tests fail and say so; they never skip.

use crate::common::cli::copy_dir;
use serde_json::Value;
use shugu::jobs::coco::{export_coco, labels_path};
use shugu::project::{Access, Project};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A copy of `projects/demo-images` (with its images) in a temp dir.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    copy_dir(&Path::new(REPO).join("projects/demo-images"), &dir);
    (tmp, dir)
}

/// The Python that has pycocotools, or a failure that says how to get one.
fn python() -> PathBuf {
    let mut tried = Vec::new();
    let candidates = std::env::var_os("SHUGU_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([Path::new(REPO).join(".venv/bin/python")]);
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", "import pycocotools, numpy"])
            .output()
            .is_ok_and(|out| out.status.success());
        if ok {
            return python;
        }
        tried.push(python.display().to_string());
    }
    panic!(
        "no Python with pycocotools and numpy (tried $SHUGU_PYTHON and .venv/bin/python: {}). \
         Run the tests with tests/run-all.sh, which makes the virtualenv and sets SHUGU_PYTHON.",
        tried.join(", ")
    );
}

/// Runs check_coco.py on `coco` (and its labels file) and returns its stdout.
fn check_with_pycocotools(coco: &Path, labels: &Path) -> String {
    let out = Command::new(python())
        .arg(Path::new(REPO).join("tests/python/check_coco.py"))
        .arg(coco)
        .arg("--labels")
        .arg(labels)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "check_coco.py failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    assert!(
        stdout.contains("AP@[.5:.95] = 1.000000"),
        "pycocotools did not report AP 1.0: {stdout}"
    );
    stdout
}

/// What the project says the export must contain.
struct Expected {
    /// file_name → (width, height)
    images: BTreeMap<String, (u32, u32)>,
    /// (file_name, category name, [x, y, w, h]) per box
    boxes: Vec<(String, String, [f64; 4])>,
    categories: BTreeMap<i64, String>,
    /// file_name → label names
    labels: BTreeMap<String, Vec<String>>,
}

fn expected(dir: &Path) -> Expected {
    let project = Project::open(dir, Access::ReadOnly).unwrap();
    let schema = project.schema();
    let path_of = |id| project.item(id).unwrap().rel_path.clone();
    let images = project
        .items()
        .iter()
        .map(|it| (it.rel_path.clone(), (it.width, it.height)))
        .collect();
    let mut boxes: Vec<_> = project
        .all_annotations()
        .unwrap()
        .iter()
        .map(|b| {
            let [x, y, w, h] = b.bounds().to_xywh();
            let class = schema.class(b.class).unwrap().name.clone();
            (path_of(b.item), class, [x, y, w, h].map(f64::from))
        })
        .collect();
    boxes.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let categories = schema
        .classes
        .iter()
        .map(|c| (c.id.0, c.name.clone()))
        .collect();
    let labels = project
        .all_image_labels()
        .unwrap()
        .into_iter()
        .map(|(item, ids)| {
            let names = ids
                .iter()
                .map(|l| schema.label(*l).unwrap().name.clone())
                .collect();
            (path_of(item), names)
        })
        .collect();
    Expected {
        images,
        boxes,
        categories,
        labels,
    }
}

/// Compares the written COCO and labels files with the project's contents.
fn assert_matches_project(coco: &Path, labels: &Path, want: &Expected) {
    let file: Value = serde_json::from_slice(&std::fs::read(coco).unwrap()).unwrap();
    let images: BTreeMap<i64, (String, (u32, u32))> = file["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let size = (
                i["width"].as_u64().unwrap() as u32,
                i["height"].as_u64().unwrap() as u32,
            );
            let name = i["file_name"].as_str().unwrap().to_string();
            (i["id"].as_i64().unwrap(), (name, size))
        })
        .collect();
    let by_name: BTreeMap<String, (u32, u32)> = images.values().cloned().collect();
    assert_eq!(by_name, want.images, "images (file_name → size)");

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
    assert_eq!(categories, want.categories, "categories keep the class ids");

    let mut boxes: Vec<(String, String, [f64; 4])> = file["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let image = &images[&a["image_id"].as_i64().unwrap()].0;
            let class = &categories[&a["category_id"].as_i64().unwrap()];
            let bbox: Vec<f64> = serde_json::from_value(a["bbox"].clone()).unwrap();
            (
                image.clone(),
                class.clone(),
                [bbox[0], bbox[1], bbox[2], bbox[3]],
            )
        })
        .collect();
    boxes.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(boxes.len(), want.boxes.len(), "box count");
    assert!(!boxes.is_empty(), "the demo project has boxes");
    // Boxes of one image and class may come in any order: match each to the nearest.
    for (file_name, class, bbox) in &want.boxes {
        let found = boxes.iter().any(|(f, c, b)| {
            f == file_name && c == class && b.iter().zip(bbox).all(|(p, q)| (p - q).abs() < 1e-3)
        });
        assert!(found, "box {bbox:?} ({class}) on {file_name} is missing");
    }

    let text = std::fs::read_to_string(labels).unwrap();
    let lines: BTreeMap<String, Vec<String>> = text
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let obj = v.as_object().unwrap();
            assert_eq!(
                obj.keys().collect::<BTreeSet<_>>(),
                BTreeSet::from([&"file_name".to_string(), &"labels".to_string()]),
                "a labels line has file_name and labels only: {line}"
            );
            let names = serde_json::from_value(v["labels"].clone()).unwrap();
            (v["file_name"].as_str().unwrap().to_string(), names)
        })
        .collect();
    assert_eq!(lines.len(), text.lines().count(), "one line per image");
    assert!(!lines.is_empty(), "the demo project has image labels");
    assert_eq!(lines, want.labels, "labels JSONL matches the project");
    // Classification labels stay out of the instances file.
    assert!(
        file["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["bbox"].is_array()),
        "every annotation has geometry"
    );
}

#[test]
fn demo_export_through_the_api_loads_in_pycocotools_with_ap_1() {
    let (tmp, dir) = demo_copy();
    let out = tmp.path().join("out/instances.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let report = {
        let project = Project::open(&dir, Access::ReadOnly).unwrap();
        export_coco(&project, &out).unwrap()
    };
    let want = expected(&dir);
    assert_eq!(report.images, want.images.len());
    assert_eq!(report.annotations, want.boxes.len());
    assert!(report.left_out.is_empty(), "{:?}", report.left_out);
    assert!(
        report.left_out_annotations.is_empty(),
        "{:?}",
        report.left_out_annotations
    );
    assert!(report.left_out_classes.is_empty());
    let labels = labels_path(&out);
    assert_eq!(labels, tmp.path().join("out/instances.labels.jsonl"));
    assert_eq!(report.labels_file.as_deref(), Some(labels.as_path()));
    assert_eq!(report.labelled_images, want.labels.len());

    let summary = check_with_pycocotools(&out, &labels);
    assert!(
        summary.contains(&format!(
            "{} images, {} annotations, {} categories",
            want.images.len(),
            want.boxes.len(),
            want.categories.len()
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{} label lines", want.labels.len())),
        "{summary}"
    );
    assert_matches_project(&out, &labels, &want);
}

#[test]
fn demo_export_through_the_cli_loads_in_pycocotools_with_ap_1() {
    let (tmp, dir) = demo_copy();
    let out = tmp.path().join("导出 export.json");
    let run = Command::new(env!("CARGO_BIN_EXE_shugu"))
        .arg("export")
        .arg(&dir)
        .args(["--format", "coco", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "shugu export failed: {stderr}");
    assert!(
        stderr.is_empty(),
        "nothing left out, so nothing on stderr: {stderr}"
    );
    let want = expected(&dir);
    assert!(
        stdout.contains(&format!(
            "{} images, {} annotations",
            want.images.len(),
            want.boxes.len()
        )),
        "{stdout}"
    );
    let labels = tmp.path().join("导出 export.labels.jsonl");
    assert!(
        stdout.contains(&format!(
            "{}: image labels of {} images",
            labels.display(),
            want.labels.len()
        )),
        "{stdout}"
    );
    check_with_pycocotools(&out, &labels);
    assert_matches_project(&out, &labels, &want);
}

#[test]
fn the_pycocotools_check_rejects_a_broken_file() {
    // Guards the guard: a file breaking the checklist (ids from 0, no iscrowd)
    // must make check_coco.py fail, or the tests above prove nothing.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.json");
    let labels = tmp.path().join("bad.labels.jsonl");
    std::fs::write(&labels, "").unwrap();
    std::fs::write(
        &bad,
        r#"{"info":{},"licenses":[],"images":[{"id":0,"file_name":"a.jpg","width":10,"height":10}],
            "annotations":[{"id":0,"image_id":0,"category_id":1,"bbox":[1,1,2,2],"area":4,"segmentation":[]}],
            "categories":[{"id":1,"name":"a","supercategory":""}]}"#,
    )
    .unwrap();
    let out = Command::new(python())
        .arg(Path::new(REPO).join("tests/python/check_coco.py"))
        .arg(&bad)
        .arg("--labels")
        .arg(&labels)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("check_coco: FAIL"), "{stderr}");
    assert!(stderr.contains("images: ids must be >= 1"), "{stderr}");
}
