//! Detectors and classifiers through the model list: tiny ONNX models built by
//! `tests/python/make_yolo_models.py` with known outputs, so decoding, the
//! letterbox mapping and non-maximum suppression are checked to the pixel; and
//! the messages for a missing library or model.

use crate::infer_support::{onnxruntime_capi, runtime_options};
use image::RgbImage;
use shugu::infer::catalog::{ModelEntry, ModelFiles, ModelKind, Thresholds};
use shugu::infer::runtime::find_library;
use shugu::infer::yolo::YoloLayout;
use shugu::infer::{InferError, Predictions, open_predictor, predict_file};
use shugu::model::{BBox, Shape};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/infer")
        .join(name)
}

fn entry(model: &str, kind: ModelKind, layout: Option<YoloLayout>, classes: &[&str]) -> ModelEntry {
    ModelEntry {
        name: model.into(),
        kind,
        files: ModelFiles {
            model: Some(fixture(model)),
            ..ModelFiles::default()
        },
        layout,
        classes: classes.iter().map(|c| c.to_string()).collect(),
        ..ModelEntry::default()
    }
}

/// Runs `entry` on a white `w`×`h` PNG.
fn predict(entry: &ModelEntry, w: u32, h: u32) -> Predictions {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("white.png");
    RgbImage::from_pixel(w, h, image::Rgb([255; 3]))
        .save(&path)
        .unwrap();
    let mut predictor = open_predictor(entry, &runtime_options()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(predictor.source(), entry.name);
    predict_file(predictor.as_mut(), &path, "white.png").unwrap_or_else(|e| panic!("{e}"))
}

fn boxes(p: &Predictions) -> Vec<(String, f32, BBox)> {
    p.objects
        .iter()
        .map(|o| match o.shape {
            Shape::Rect(b) => (o.class.clone(), o.score, b),
            ref other => panic!("{other:?} is not a box"),
        })
        .collect()
}

fn bbox(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
    BBox::from_corners([x0, y0], [x1, y1])
}

#[test]
fn yolov8_layout_is_recognised_decoded_letterboxed_and_suppressed() {
    // Recognised from its [1, 6, 5] output and Ultralytics' `names`; a 128×64
    // image is letterboxed into 64×64 at half size, 16 px of padding above.
    let p = predict(
        &entry("yolov8_tiny.onnx", ModelKind::Auto, None, &[]),
        128,
        64,
    );
    assert_eq!(
        boxes(&p),
        vec![
            ("cat".to_owned(), 0.9, bbox(30.0, 20.0, 50.0, 36.0)),
            ("dog's toy".to_owned(), 0.7, bbox(30.0, 22.0, 50.0, 38.0)),
            ("dog's toy".to_owned(), 0.6, bbox(94.0, 42.0, 106.0, 54.0)),
        ]
    );
    assert!(p.labels.is_empty() && p.left_out.is_empty());
}

#[test]
fn yolov5_layout_multiplies_objectness_and_thresholds_apply() {
    let yolo = entry(
        "yolov5_tiny.onnx",
        ModelKind::Yolo,
        Some(YoloLayout::V5),
        &["a", "b"],
    );
    let got = boxes(&predict(&yolo, 64, 64));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].2),
        ("a", bbox(22.0, 22.0, 42.0, 42.0))
    );
    assert!((got[0].1 - 0.81).abs() < 1e-6);
    assert_eq!(
        (got[1].0.as_str(), got[1].2),
        ("b", bbox(6.0, 46.0, 14.0, 54.0))
    );
    assert!((got[1].1 - 0.4).abs() < 1e-6);
    // A stricter confidence keeps only the first.
    let strict = ModelEntry {
        thresholds: Thresholds {
            confidence: Some(0.5),
            ..Thresholds::default()
        },
        ..yolo
    };
    assert_eq!(boxes(&predict(&strict, 64, 64)).len(), 1);
}

#[test]
fn yolox_layout_decodes_its_grids() {
    let yolox = entry(
        "yolox_tiny.onnx",
        ModelKind::Yolo,
        Some(YoloLayout::Yolox { p6: false }),
        &["a", "b"],
    );
    let got = boxes(&predict(&yolox, 64, 64));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].2),
        ("b", bbox(4.0, 8.0, 20.0, 16.0))
    );
    assert!((got[0].1 - 0.72).abs() < 1e-6);
    assert_eq!(
        (got[1].0.as_str(), got[1].2),
        ("a", bbox(8.0, 8.0, 24.0, 24.0))
    );
    assert!((got[1].1 - 0.45).abs() < 1e-6);
}

#[test]
fn classifier_gives_softmaxed_image_labels() {
    let mut classify = entry("classifier_tiny.onnx", ModelKind::Auto, None, &[]);
    classify.thresholds.top_k = Some(2);
    let p = predict(&classify, 50, 40);
    assert!(p.objects.is_empty());
    let labels: Vec<(&str, f32)> = p
        .labels
        .iter()
        .map(|l| (l.class.as_str(), l.score))
        .collect();
    assert_eq!(labels.len(), 2);
    assert_eq!((labels[0].0, labels[1].0), ("bird", "dog"));
    assert!(
        (labels[0].1 - 0.6).abs() < 1e-6 && (labels[1].1 - 0.3).abs() < 1e-6,
        "{labels:?}"
    );
}

#[test]
fn missing_library_and_model_say_how_to_get_them() {
    let empty = tempfile::tempdir().unwrap();
    let e = find_library(None, Some(empty.path().to_path_buf()), None).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, InferError::RuntimeMissing { .. }));
    assert!(
        msg.contains("pip install onnxruntime") && msg.contains("ORT_DYLIB_PATH"),
        "{msg}"
    );
    assert!(msg.contains(&empty.path().display().to_string()), "{msg}");
    // The wheel's folder, its package folder and the library file all work.
    let capi = onnxruntime_capi();
    let lib = find_library(None, Some(capi.clone()), None).unwrap();
    assert!(lib.starts_with(&capi));
    assert_eq!(find_library(Some(lib.clone()), None, None).unwrap(), lib);
    assert_eq!(
        find_library(None, capi.parent().map(Path::to_path_buf), None).unwrap(),
        lib
    );

    let missing = entry("no-such-model.onnx", ModelKind::Auto, None, &[]);
    let msg = open_predictor(&missing, &runtime_options())
        .err()
        .expect("a missing model")
        .to_string();
    assert!(
        msg.contains("no-such-model.onnx") && msg.contains("model file not found"),
        "{msg}"
    );

    let not_onnx = tempfile::tempdir().unwrap();
    let bad = not_onnx.path().join("bad.onnx");
    std::fs::write(&bad, b"not a model").unwrap();
    let mut garbage = missing.clone();
    garbage.files.model = Some(bad);
    let msg = open_predictor(&garbage, &runtime_options())
        .err()
        .expect("a broken model")
        .to_string();
    assert!(
        msg.contains("bad.onnx") && msg.contains("cannot open the model"),
        "{msg}"
    );
}

#[test]
fn xanylabeling_yaml_files_become_list_entries_that_run() {
    use shugu::infer::catalog::import_xanylabeling_yaml;
    let dir = fixture("xanylabeling");
    let yolox = import_xanylabeling_yaml(&dir.join("yolox_s_local.yaml")).unwrap();
    assert_eq!(yolox.name, "YOLOX");
    assert_eq!(
        (yolox.kind, yolox.layout),
        (ModelKind::Yolo, Some(YoloLayout::Yolox { p6: false }))
    );
    assert_eq!(yolox.files.model, Some(dir.join("../yolox_tiny.onnx")));
    assert_eq!(yolox.classes, ["person", "bicycle"]);
    assert_eq!(
        (yolox.thresholds.confidence, yolox.thresholds.iou),
        (Some(0.25), Some(0.45))
    );
    let got = boxes(&predict(&yolox, 64, 64));
    assert_eq!(
        got.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(),
        ["bicycle", "person"]
    );

    let cls = import_xanylabeling_yaml(&dir.join("yolov8s_cls_local.yaml")).unwrap();
    assert_eq!(cls.kind, ModelKind::Classify);
    assert_eq!(cls.classes, ["tench", "class_1", "great white shark"]);
    assert_eq!(predict(&cls, 32, 32).labels[0].class, "great white shark");

    let msg = import_xanylabeling_yaml(&dir.join("ch_ppocr_v4.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("ch_ppocr_v4.yaml")
            && msg.contains("downloads nothing")
            && msg.contains("ch_PP-OCRv4_det_infer.onnx"),
        "{msg}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let sam = tmp.path().join("sam.yaml");
    std::fs::write(&sam, "type: segment_anything\nmodel_path: x.onnx\n").unwrap();
    let msg = import_xanylabeling_yaml(&sam).unwrap_err().to_string();
    assert!(
        msg.contains("`segment_anything` is not one Shugu runs"),
        "{msg}"
    );
    std::fs::write(&sam, ": : not yaml [").unwrap();
    let msg = import_xanylabeling_yaml(&sam).unwrap_err().to_string();
    assert!(
        msg.contains("sam.yaml") && msg.contains("not an X-AnyLabeling model file"),
        "{msg}"
    );
}

/// `shugu predict` with a detector: `--kind yolo`, `--threshold` and
/// `--items new` through the CLI; the boxes become proposals of the model's
/// classes, added to the project, the file's name recorded as the model.
#[test]
fn shugu_predict_stores_a_detectors_boxes_above_the_threshold() {
    use crate::common::cli::{shugu, succeeds};
    use shugu::project::{Access, Project};

    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    std::fs::create_dir(&images).unwrap();
    RgbImage::from_pixel(128, 64, image::Rgb([255; 3]))
        .save(images.join("white.png"))
        .unwrap();
    let project = dir.path().join("project");
    succeeds(&shugu([
        "new".as_ref(),
        project.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]));
    let model = fixture("yolov8_tiny.onnx");
    let capi = onnxruntime_capi();
    let out = succeeds(&shugu([
        "predict".as_ref(),
        project.as_os_str(),
        "--model".as_ref(),
        model.as_os_str(),
        "--kind".as_ref(),
        "yolo".as_ref(),
        "--threshold".as_ref(),
        "0.65".as_ref(),
        "--items".as_ref(),
        "new".as_ref(),
        "--onnxruntime".as_ref(),
        capi.as_os_str(),
    ]));
    assert!(out.contains("stored 2 proposals"), "{out}");
    let p = Project::open(&project, Access::ReadOnly).unwrap();
    let mut got: Vec<(String, f32, BBox, String)> = p
        .all_proposals()
        .unwrap()
        .into_iter()
        .map(|q| {
            let class = p.schema().class(q.class).unwrap().name.clone();
            (class, q.score, q.shape.bounds(), q.source)
        })
        .collect();
    got.sort_by(|a, b| b.1.total_cmp(&a.1));
    let model = || "yolov8_tiny".to_owned();
    assert_eq!(
        got,
        vec![
            ("cat".to_owned(), 0.9, bbox(30.0, 20.0, 50.0, 36.0), model()),
            (
                "dog's toy".to_owned(),
                0.7,
                bbox(30.0, 22.0, 50.0, 38.0),
                model()
            ),
        ]
    );
}
