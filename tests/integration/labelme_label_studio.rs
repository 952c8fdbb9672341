//! labelme and Label Studio (image) round trips on the fixtures
//! (`tests/fixtures/labelme/`, made by labelme; `tests/fixtures/label_studio/`,
//! one file written by label-studio-converter and one by hand) and their
//! handling of bad input.

use crate::common;
use crate::common::cli::{copy_dir, open_when_free, shugu, text};
use shugu::jobs::ItemScope;
use shugu::jobs::box_labels::BoxImportOptions;
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

/// The options of an import that adds the flags or choices the schema lacks
/// (`add_labels`) or reports them.
fn options(add_labels: bool) -> BoxImportOptions {
    BoxImportOptions {
        add_unknown_classes: add_labels,
        ..BoxImportOptions::default()
    }
}

fn state(dir: &Path) -> State {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let boxes = common::boxes_by_image_and_class(&p);
    let labels = common::image_label_names(&p);
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
    // The box around a.json's polygon.
    boxes.insert(
        ("a.png".into(), "road".into()),
        vec![[0.0, 40.0, 64.0, 48.0]],
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
    assert!(
        !stderr.contains("skipped"),
        "the polygon is imported too: {stderr}"
    );
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
    let report = import_labelme(&mut p, &export, options(true), &mut |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p);
    assert_eq!(state(&again), expected_fixture_state());
}

#[test]
fn labelme_import_is_one_undo_step_and_unknown_flags_are_reported() {
    let (_tmp, data, dir) = setup();
    let mut p = open_when_free(&dir);
    p.set_author("alice");
    let report = import_labelme(&mut p, &data, options(false), &mut |_| {}).unwrap();
    assert_eq!(report.annotations, 4);
    assert_eq!(report.labelled_items, 0);
    assert!(
        report
            .problems
            .iter()
            .any(|pr| pr.message.contains("`night`"))
    );
    assert!(
        p.all_annotations()
            .unwrap()
            .iter()
            .all(|b| b.provenance.author == "alice")
    );
    p.undo().unwrap();
    assert!(p.all_annotations().unwrap().is_empty());
}

#[test]
fn label_studio_import_converts_percentages_and_round_trips() {
    let (tmp, _data, dir) = setup();
    let mut p = open_when_free(&dir);
    let file = Path::new(FIXTURES).join("label_studio/tasks.json");
    let report = import_label_studio_images(&mut p, &file, options(true)).unwrap();
    assert_eq!(report.matched, 2);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p);
    let first = state(&dir);
    // The second car is turned 30° about its corner (32, 24): 6.4×4.8 at 30°.
    let cars = &first.0[&("a.png".to_string(), "car".to_string())];
    assert_eq!(cars[0], [4.0, 6.0, 30.0, 18.0]);
    let (sin, cos) = 30f32.to_radians().sin_cos();
    let turned = [
        32.0 - 4.8 * sin,
        24.0,
        32.0 + 6.4 * cos,
        24.0 + 6.4 * sin + 4.8 * cos,
    ];
    assert!(
        cars[1]
            .iter()
            .zip(turned)
            .all(|(a, b)| (a - b).abs() < 1e-4),
        "{cars:?} {turned:?}"
    );
    assert_eq!(
        first.0[&("a.png".to_string(), "road".to_string())],
        vec![[0.0, 0.0, 6.4, 4.8]]
    );
    assert_eq!(
        first.0[&("sub/b.png".to_string(), "person".to_string())],
        vec![[1.0, 3.0, 21.0, 18.0]]
    );
    assert_eq!(first.1["a.png"], vec!["night".to_string()]);

    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    let out = tmp.path().join("ls.json");
    let exported = export_label_studio_images(&p, &out, ItemScope::All).unwrap();
    assert_eq!(exported.boxes, 4);
    let again = project_over(tmp.path(), "p2", &tmp.path().join("dataset"));
    let mut p2 = open_when_free(&again);
    let report = import_label_studio_images(&mut p2, &out, options(true)).unwrap();
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
    let report = import_labelme(&mut p, &data, options(true), &mut |_| {}).unwrap();
    assert_eq!(report.annotations, 4, "the good files still import");
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |file: &str, needle: &str| {
        assert!(
            text.iter()
                .any(|t| t.starts_with(file) && t.contains(needle)),
            "{file} / {needle}: {text:#?}"
        )
    };
    has("trunc.json", "not valid JSON");
    has("nan.json: shape 0", "not two finite numbers");
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
        match import_label_studio_images(&mut p, &file, options(true)) {
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
    let report = import_label_studio_images(&mut p, &file, options(true)).unwrap();
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
    let report = import_label_studio_images(&mut p, &file, options(true)).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.matched, report.annotations), (2, 3));
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
    let report = import_label_studio_images(&mut p2, &out, options(true)).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    drop(p2);
    assert_eq!(state(&again).0, boxes);
}

/// `shugu import PROJECT FROM --format FORMAT EXTRA…`; (success, stdout, stderr).
fn import_cli(dir: &Path, from: &Path, format: &str, extra: &[&str]) -> (bool, String, String) {
    let out = shugu(common::cli::import_args(dir, from, format, extra));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.success(), text(&out.stdout), stderr)
}

fn line_with<'a>(text: &'a str, what: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("`{what}` is not in:\n{text}"))
}

/// labelme's own `a.json` with rectangles appended: one reaching past the
/// 64×48 image, one wholly outside, one with a corner at 1e40, and one with a
/// `NaN` (which Python's `json`, and so labelme, writes bare).
fn damage_labelme(data: &Path) {
    let path = data.join("a.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let template = doc["shapes"][0].clone();
    let points = [
        serde_json::json!([[50, 40], [80, 60]]),
        serde_json::json!([[100, 100], [120, 120]]),
        serde_json::json!([[10, 10], [1e40, 20]]),
        serde_json::json!([["NAN_HERE", 1], [2, 3]]),
    ];
    for p in points {
        let mut shape = template.clone();
        shape["points"] = p;
        doc["shapes"].as_array_mut().unwrap().push(shape);
    }
    let text = serde_json::to_string_pretty(&doc)
        .unwrap()
        .replace("\"NAN_HERE\"", "NaN");
    std::fs::write(&path, text).unwrap();
}

/// Issue 13, point 8: one box outside the image or with absurd numbers is
/// clamped or skipped and reported by file and shape; the rest imports.
#[test]
fn labelme_boxes_outside_the_image_are_clamped_or_skipped_per_shape() {
    let (tmp, data, dir) = setup();
    damage_labelme(&data);
    let (ok, stdout, stderr) = import_cli(&dir, &data, "labelme", &["--add-unknown-classes"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 6 annotations (5 rect, 1 polygon)"),
        "{stdout}\n{stderr}"
    );
    for (shape, needle) in [
        (3, "clamped"),
        (4, "no area inside the 64×48 image"),
        (5, "clamped"),
        (6, "not two finite numbers"),
    ] {
        let l = line_with(&stderr, &format!("a.json: shape {shape}:"));
        assert!(l.contains(needle), "shape {shape}: {l}");
    }
    let (boxes, labels) = state(&dir);
    assert_eq!(
        boxes[&("a.png".to_string(), "car".to_string())],
        vec![
            [4.0, 6.0, 30.5, 20.25],
            [10.0, 10.0, 64.0, 20.0],
            [50.0, 40.0, 64.0, 48.0]
        ]
    );
    assert_eq!(labels, expected_fixture_state().1, "the flags still import");

    // --skip-outside leaves out what reaches outside, and says so.
    let again = project_over(tmp.path(), "p2", &data);
    let (ok, stdout, stderr) = import_cli(&again, &data, "labelme", &["--skip-outside"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 4 annotations (3 rect, 1 polygon)"),
        "{stdout}\n{stderr}"
    );
    for shape in [3, 5] {
        let l = line_with(&stderr, &format!("a.json: shape {shape}:"));
        assert!(l.contains("outside") && l.contains("skipped"), "{l}");
    }
}

/// Issue 13, point 8: the same for Label Studio, on tasks written by
/// label-studio-converter with results appended to its first task.
#[test]
fn label_studio_boxes_outside_the_image_are_clamped_or_skipped_per_result() {
    let (tmp, data, dir) = setup();
    let file = tmp.path().join("tasks.json");
    let mut tasks: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(FIXTURES).join("label_studio/converter_tasks.json")).unwrap(),
    )
    .unwrap();
    let results = tasks[0]["annotations"][0]["result"].as_array_mut().unwrap();
    let template = results[0].clone();
    for (key, value, width) in [
        ("x", serde_json::json!(90.0), 30.0),  // 2: past the right edge
        ("x", serde_json::json!(-50.0), 20.0), // 3: wholly left of the image
        ("x", serde_json::json!(1e40), 20.0),  // 4: absurdly far
        ("x", serde_json::json!(10.0), 1e40),  // 5: absurdly wide
        ("y", serde_json::json!("NAN_HERE"), 20.0), // 6: NaN
    ] {
        let mut r = template.clone();
        r["value"][key] = value;
        r["value"]["width"] = serde_json::json!(width);
        results.push(r);
    }
    let raw = serde_json::to_string_pretty(&tasks)
        .unwrap()
        .replace("\"NAN_HERE\"", "NaN");
    std::fs::write(&file, raw).unwrap();

    let (ok, stdout, stderr) = import_cli(&dir, &file, "labelstudio", &[]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 5 annotations"),
        "{stdout}\n{stderr}"
    );
    for (result, needle) in [
        (2, "clamped"),
        (3, "no area inside"),
        (4, "no area inside"),
        (5, "clamped"),
        (6, "`y`"),
    ] {
        let l = line_with(&stderr, &format!("task 0, annotation 0, result {result}:"));
        assert!(l.contains("tasks.json") && l.contains(needle), "{l}");
    }
    let (boxes, _) = state(&dir);
    let cars = &boxes[&("a.png".to_string(), "car".to_string())];
    assert_eq!(cars.len(), 3, "{cars:?}");
    assert!(cars.iter().all(|b| b[2] <= 64.0 && b[0] >= 0.0), "{cars:?}");

    let again = project_over(tmp.path(), "p2", &data);
    let (ok, stdout, stderr) = import_cli(&again, &file, "labelstudio", &["--skip-outside"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 3 annotations"),
        "{stdout}\n{stderr}"
    );
    let l = line_with(&stderr, "result 2:");
    assert!(l.contains("skipped"), "{l}");
}

/// A project over the labelme fixture's images that takes one image label
/// per image (`shugu new` without `--multi-label`).
fn single_label_project(tmp: &Path, name: &str, images: &Path) -> PathBuf {
    let dir = tmp.join(name);
    common::cli::succeeds(&shugu([
        "new".as_ref(),
        dir.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]));
    dir
}

/// Issue 13, point 11: labelme files setting two flags on a project that
/// takes one image label each: one summary line naming `--multi-label`;
/// with it, the project becomes multi-label and keeps both.
#[test]
fn several_labelme_flags_on_a_single_label_project_ask_for_multi_label() {
    let (tmp, data, _) = setup();
    for name in ["a.json", "sub/b.json"] {
        let path = data.join(name);
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        doc["flags"] = serde_json::json!({"night": true, "rain": true});
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }
    let dir = single_label_project(tmp.path(), "single", &data);
    let extra = ["--add-unknown-classes"];
    let (ok, stdout, stderr) = import_cli(&dir, &data, "labelme", &extra);
    assert!(ok, "{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}");
    let mentions: Vec<&str> = all
        .lines()
        .filter(|l| l.contains("--multi-label"))
        .collect();
    assert_eq!(mentions.len(), 1, "one summary line: {all}");
    assert!(mentions[0].contains("2 image(s)"), "{}", mentions[0]);
    assert!(state(&dir).1.is_empty(), "no image got a label");
    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Single);
    drop(p);

    let dir = single_label_project(tmp.path(), "switched", &data);
    let (ok, stdout, stderr) = import_cli(
        &dir,
        &data,
        "labelme",
        &["--add-unknown-classes", "--multi-label"],
    );
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("multi-label"), "{stdout}");
    let both = vec!["night".to_string(), "rain".to_string()];
    assert_eq!(
        state(&dir).1,
        BTreeMap::from([
            ("a.png".to_string(), both.clone()),
            ("sub/b.png".to_string(), both)
        ])
    );
    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Multi);
    drop(p);

    // The switch is part of the import's one undo step.
    let dir = single_label_project(tmp.path(), "undone", &data);
    let mut p = open_when_free(&dir);
    let options = BoxImportOptions {
        multi_label: true,
        ..options(true)
    };
    let report = import_labelme(&mut p, &data, options, &mut |_| {}).unwrap();
    assert!(report.switched_to_multi_label);
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Multi);
    p.undo().unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Single);
    assert!(
        p.all_image_labels()
            .unwrap()
            .iter()
            .all(|(_, l)| l.is_empty())
    );
    assert!(p.all_annotations().unwrap().is_empty());
    p.redo().unwrap();
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Multi);
    drop(p);
    assert_eq!(state(&dir).1.len(), 2);
}
