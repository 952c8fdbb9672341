//! labelme and Label Studio (image) round trips on the fixtures
//! (`tests/fixtures/labelme/`, made by labelme; `tests/fixtures/label_studio/`,
//! one file written by label-studio-converter and one by hand) and their
//! handling of bad input.

use crate::common;
use crate::common::cli::{copy_dir, open_when_free, shugu, text};
use shugu::jobs::ItemScope;
use shugu::jobs::label_studio_images::{export_label_studio_images, import_label_studio_images};
use shugu::jobs::labelme::import_labelme;
use shugu::jobs::scan::BackgroundScan;
use shugu::model::{ImageLabelMode, LabelSchema};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

type State = (
    BTreeMap<(String, String), Vec<[f32; 4]>>,
    BTreeMap<String, Vec<String>>,
);

/// A copy of the labelme dataset and an empty project over its images.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("dataset");
    copy_dir(&Path::new(FIXTURES).join("labelme/dataset"), &data);
    let dir = project_over(tmp.path(), "p1", &data);
    (tmp, data, dir)
}

fn project_over(tmp: &Path, name: &str, images: &Path) -> PathBuf {
    let dir = tmp.join(name);
    let schema = LabelSchema {
        image_label_mode: ImageLabelMode::Multi,
        ..Default::default()
    };
    let mut p = Project::create(&dir, name, images, schema).unwrap();
    BackgroundScan::start(p.image_root())
        .finish_into(&mut p, |_| {})
        .unwrap();
    dir
}

fn state(dir: &Path) -> State {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let boxes = common::boxes_by_image_and_class(&p);
    let mut labels = BTreeMap::new();
    for (item, ids) in p.all_image_labels().unwrap() {
        let mut names: Vec<String> = ids
            .iter()
            .map(|l| p.schema().label(*l).unwrap().name.clone())
            .collect();
        names.sort();
        if !names.is_empty() {
            labels.insert(p.item(item).unwrap().rel_path.clone(), names);
        }
    }
    (boxes, labels)
}

fn expected_fixture_state() -> State {
    let mut boxes = BTreeMap::new();
    boxes.insert(
        ("a.png".into(), "car".into()),
        vec![[4.0, 6.0, 30.5, 20.25]],
    );
    boxes.insert(
        ("a.png".into(), "person".into()),
        vec![[50.0, 10.0, 60.0, 40.0]],
    );
    boxes.insert(
        ("sub/b.png".into(), "car".into()),
        vec![[1.0, 2.0, 39.0, 29.0]],
    );
    let mut labels = BTreeMap::new();
    labels.insert("a.png".to_string(), vec!["night".to_string()]);
    labels.insert("sub/b.png".to_string(), vec!["rain".to_string()]);
    (boxes, labels)
}

#[test]
fn labelme_round_trip_through_the_cli() {
    let (tmp, data, dir) = setup();
    let out = shugu([
        "import".as_ref(),
        dir.as_os_str(),
        data.as_os_str(),
        "--format".as_ref(),
        "labelme".as_ref(),
        "--add-unknown-classes".as_ref(),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("1 polygon"), "{stderr}");
    assert_eq!(state(&dir), expected_fixture_state());

    let export = tmp.path().join("export");
    let out = shugu([
        "export".as_ref(),
        dir.as_os_str(),
        "--format".as_ref(),
        "labelme".as_ref(),
        "-o".as_ref(),
        export.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(export.join("sub/b.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["imagePath"], "b.png");
    assert_eq!(json["imageData"], serde_json::Value::Null);
    assert_eq!(
        (json["imageWidth"].as_u64(), json["imageHeight"].as_u64()),
        (Some(40), Some(30))
    );

    let again = project_over(tmp.path(), "p2", &data);
    let mut p = open_when_free(&again);
    let report = import_labelme(&mut p, &export, true, &mut |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p);
    assert_eq!(state(&again), expected_fixture_state());
}

#[test]
fn labelme_import_is_one_undo_step_and_unknown_flags_are_reported() {
    let (_tmp, data, dir) = setup();
    let mut p = open_when_free(&dir);
    p.set_author("alice");
    let report = import_labelme(&mut p, &data, false, &mut |_| {}).unwrap();
    assert_eq!(report.boxes, 3);
    assert_eq!(report.labelled_items, 0);
    assert!(
        report
            .problems
            .iter()
            .any(|pr| pr.message.contains("`night`"))
    );
    assert!(
        p.all_boxes()
            .unwrap()
            .iter()
            .all(|b| b.provenance.author == "alice")
    );
    p.undo().unwrap();
    assert!(p.all_boxes().unwrap().is_empty());
}

#[test]
fn label_studio_import_converts_percentages_and_round_trips() {
    let (tmp, _data, dir) = setup();
    let mut p = open_when_free(&dir);
    let file = Path::new(FIXTURES).join("label_studio/tasks.json");
    let report = import_label_studio_images(&mut p, &file, true).unwrap();
    assert_eq!(report.matched, 2);
    assert_eq!(report.skipped.get("polygonlabels"), Some(&1));
    assert!(
        report
            .problems
            .iter()
            .any(|pr| pr.message.contains("rotated") && pr.at == "task 0, annotation 0, result 1")
    );
    drop(p);
    let first = state(&dir);
    assert_eq!(
        first.0[&("a.png".to_string(), "car".to_string())],
        vec![[4.0, 6.0, 30.0, 18.0]]
    );
    assert_eq!(
        first.0[&("sub/b.png".to_string(), "person".to_string())],
        vec![[1.0, 3.0, 21.0, 18.0]]
    );
    assert_eq!(first.1["a.png"], vec!["night".to_string()]);

    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    let out = tmp.path().join("ls.json");
    let exported = export_label_studio_images(&p, &out, ItemScope::All).unwrap();
    assert_eq!(exported.boxes, 2);
    let again = project_over(tmp.path(), "p2", &tmp.path().join("dataset"));
    let mut p2 = open_when_free(&again);
    let report = import_label_studio_images(&mut p2, &out, true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p2);
    assert_eq!(state(&again), first);
}

#[test]
fn bad_labelme_files_are_reported_by_name_and_the_rest_imported() {
    let (_tmp, data, dir) = setup();
    let write = |name: &str, bytes: &[u8]| std::fs::write(data.join(name), bytes).unwrap();
    write("trunc.json", b"{\"shapes\": [{\"label\": \"car\", \"poi");
    write("nan.json", b"{\"shapes\": [{\"label\": \"car\", \"points\": [[NaN, 1], [2, 3]], \"shape_type\": \"rectangle\"}]}");
    write(
        "latin1.json",
        b"{\"imagePath\": \"caf\xe9.png\", \"shapes\": []}",
    );
    write("types.json", b"{\"imagePath\": \"a.png\", \"shapes\": [{\"label\": \"car\", \"points\": \"x\", \"shape_type\": \"rectangle\"}]}");
    write(
        "hostile.json",
        b"{\"imagePath\": \"../../etc/passwd\", \"shapes\": []}",
    );
    write(
        "abs.json",
        b"{\"imagePath\": \"/etc/passwd\", \"shapes\": []}",
    );
    write(
        "drive.json",
        b"{\"imagePath\": \"C:\\\\Windows\\\\a.png\", \"shapes\": []}",
    );
    let mut p = open_when_free(&dir);
    let report = import_labelme(&mut p, &data, true, &mut |_| {}).unwrap();
    assert_eq!(report.boxes, 3, "the good files still import");
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |file: &str, needle: &str| {
        assert!(
            text.iter()
                .any(|t| t.starts_with(file) && t.contains(needle)),
            "{file} / {needle}: {text:#?}"
        )
    };
    has("trunc.json", "not valid JSON");
    has("nan.json", "not valid JSON");
    has("latin1.json", "not UTF-8");
    has("types.json: shape 0", "not a list");
    has("hostile.json: imagePath", "outside the image root");
    has("abs.json: imagePath", "outside the image root");
    has("drive.json: imagePath", "drive (`C:`) of another system");
}

#[test]
fn bad_label_studio_files_are_reported_by_name() {
    let (tmp, _data, dir) = setup();
    let mut p = open_when_free(&dir);
    for (name, bytes, needle) in [
        (
            "trunc.json",
            &b"[{\"data\": {\"image\""[..],
            "not valid JSON",
        ),
        (
            "latin1.json",
            &b"[{\"data\": {\"image\": \"caf\xe9.png\"}}]"[..],
            "not UTF-8",
        ),
    ] {
        let file = tmp.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        match import_label_studio_images(&mut p, &file, true) {
            Ok(r) => panic!("{name}: imported {r:?}"),
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains(name) && e.contains(needle), "{e}");
            }
        }
    }
    let file = tmp.path().join("hostile.json");
    std::fs::write(
        &file,
        br#"[{"data": {"image": "../../etc/passwd"}},
             {"data": {"image": "/etc/passwd"}},
             {"data": {"image": "C:\\Users\\a.png"}},
             {"data": {"image": 3}},
             {"data": {"image": "a.png"}, "annotations": [{"result": [
               {"type": "rectanglelabels", "value": {"x": "1", "y": 1, "width": 2, "height": 2, "rectanglelabels": ["car"]}}]}]}]"#,
    )
    .unwrap();
    let report = import_label_studio_images(&mut p, &file, true).unwrap();
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    for (at, needle) in [
        ("task 0", "no image in the project matches"),
        ("task 1", "no image in the project matches"),
        ("task 2", "no image in the project matches"),
        ("task 3", "not a string"),
        ("task 4, annotation 0, result 0", "not a finite number"),
    ] {
        assert!(
            text.iter()
                .any(|t| t.contains("hostile.json") && t.contains(at) && t.contains(needle)),
            "{at} / {needle}: {text:#?}"
        );
    }
}

/// `converter_tasks.json` was written by label-studio-converter 0.0.59 (the
/// Label Studio team's tool) from YOLO labels with known pixel boxes, so this
/// reads tasks as Label Studio's own code lays them out, then round-trips them.
#[test]
fn label_studio_tasks_written_by_label_studio_converter_import_exactly() {
    let (tmp, data, dir) = setup();
    let mut p = open_when_free(&dir);
    let file = Path::new(FIXTURES).join("label_studio/converter_tasks.json");
    let report = import_label_studio_images(&mut p, &file, true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.matched, report.boxes), (2, 3));
    drop(p);
    let (boxes, labels) = state(&dir);
    assert!(labels.is_empty());
    let expected = [
        (("a.png", "car"), [4.0, 6.0, 30.0, 18.0]),
        (("a.png", "person"), [50.0, 10.0, 60.0, 40.0]),
        (("sub/b.png", "car"), [1.0, 2.0, 39.0, 29.0]),
    ];
    assert_eq!(boxes.len(), expected.len());
    for ((image, class), corners) in expected {
        let got = &boxes[&(image.to_string(), class.to_string())];
        assert_eq!(got.len(), 1, "{image} {class}");
        for (g, e) in got[0].iter().zip(corners) {
            assert!(
                (g - e).abs() < 1e-4,
                "{image} {class}: {:?} vs {corners:?}",
                got[0]
            );
        }
    }

    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    let out = tmp.path().join("again.json");
    export_label_studio_images(&p, &out, ItemScope::All).unwrap();
    drop(p);
    let again = project_over(tmp.path(), "p2", &data);
    let mut p2 = open_when_free(&again);
    let report = import_label_studio_images(&mut p2, &out, true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p2);
    assert_eq!(state(&again).0, boxes);
}
