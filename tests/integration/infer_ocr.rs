//! PP-OCRv4 (the `rapidocr-onnxruntime` wheel's models) through the OCR
//! predictor, on lines rendered with the bundled font: upright and EXIF-rotated.

use crate::infer_support::{draw_text, open, rapidocr_models};
use crate::media_fixtures::{jpeg_bytes, with_exif_orientation};
use image::RgbImage;
use shugu::infer::image::load_image;
use shugu::infer::ocr::{OcrConfig, OcrPredictor, Recognizer};
use shugu::infer::{ImageInput, Predictions, Predictor};
use shugu::model::{BBox, Shape};
use std::path::Path;

const LINE: &str = "数谷标注工具Shugu2024";

fn predictor() -> OcrPredictor {
    let models = rapidocr_models();
    let det = open(&models.join("ch_PP-OCRv4_det_infer.onnx"));
    let rec = open(&models.join("ch_PP-OCRv4_rec_infer.onnx"));
    let rec = Recognizer::new(rec, None).unwrap();
    OcrPredictor::new("PP-OCRv4".into(), det, Some(rec), OcrConfig::default())
}

fn run(predictor: &mut OcrPredictor, path: &Path) -> (Predictions, u32, u32) {
    let loaded = load_image(path, predictor.max_side()).unwrap();
    let input = ImageInput {
        path,
        key: "line.jpg",
        pixels: Some(&loaded.pixels),
        width: loaded.width,
        height: loaded.height,
    };
    (
        predictor.predict(&input).unwrap(),
        loaded.width,
        loaded.height,
    )
}

fn assert_line_read(predictions: &Predictions, expected: BBox) {
    let texts: Vec<_> = predictions
        .objects
        .iter()
        .map(|p| (p.text(), p.shape.bounds()))
        .collect();
    let found = predictions.objects.iter().find(|p| {
        p.text() == Some(LINE)
            && p.shape
                .iou(&Shape::Rect(expected))
                .is_some_and(|iou| iou >= 0.5)
    });
    assert!(
        found.is_some(),
        "no line reading {LINE:?} over {expected:?}: {texts:?}"
    );
    let found = found.unwrap();
    assert_eq!(found.class, "text");
    let Shape::RotatedRect(r) = found.shape else {
        panic!("{:?} is not a rotated box", found.shape)
    };
    // A horizontal line comes out near angle 0, its long side as its width.
    assert!(r.angle.abs() < 2.0 && r.w > r.h, "{r:?}");
    assert!(found.score >= 0.5 && found.score <= 1.0, "{}", found.score);
}

#[test]
fn ocr_reads_a_rendered_line_upright_and_through_exif_rotation() {
    let mut image = RgbImage::from_pixel(720, 200, image::Rgb([255, 255, 255]));
    let ink = draw_text(&mut image, LINE, 60.0, 110.0, 44.0);
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&image, 95);
    let upright = dir.path().join("line.jpg");
    std::fs::write(&upright, &jpeg).unwrap();
    let mut ocr = predictor();
    let (predictions, w, h) = run(&mut ocr, &upright);
    assert_eq!((w, h), (720, 200));
    assert_line_read(&predictions, ink);

    // Stored turned a quarter counter-clockwise with orientation 6 ("turn 90°
    // clockwise to show"): shown, and so predicted, upright.
    let stored = image::imageops::rotate270(&image);
    let rotated = dir.path().join("rotated.jpg");
    std::fs::write(&rotated, with_exif_orientation(&jpeg_bytes(&stored, 95), 6)).unwrap();
    let (predictions, w, h) = run(&mut ocr, &rotated);
    assert_eq!((w, h), (720, 200));
    assert_line_read(&predictions, ink);
}

/// Acceptance 1 through the CLI and the project: `shugu predict` stores the
/// line as a proposal with its text, upright and from an EXIF-rotated file;
/// accepting it keeps the text and records the model.
#[test]
fn shugu_predict_stores_the_rendered_line_as_a_proposal_with_its_text() {
    use crate::common::cli::{shugu, succeeds};
    use shugu::model::{AttrValue, Edit};
    use shugu::project::{Access, Project};

    let mut image = RgbImage::from_pixel(720, 200, image::Rgb([255, 255, 255]));
    let ink = draw_text(&mut image, LINE, 60.0, 110.0, 44.0);
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let jpeg = jpeg_bytes(&image, 95);
    std::fs::write(images.join("line.jpg"), &jpeg).unwrap();
    let stored = image::imageops::rotate270(&image);
    std::fs::write(
        images.join("rotated.jpg"),
        with_exif_orientation(&jpeg_bytes(&stored, 95), 6),
    )
    .unwrap();
    let project_dir = dir.path().join("project");
    succeeds(&shugu([
        "new".as_ref(),
        project_dir.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]));
    let models = rapidocr_models();
    let det = models.join("ch_PP-OCRv4_det_infer.onnx");
    let rec = models.join("ch_PP-OCRv4_rec_infer.onnx");
    let capi = crate::infer_support::onnxruntime_capi();
    let predict = |items: &str| {
        shugu([
            "predict".as_ref(),
            project_dir.as_os_str(),
            "--model".as_ref(),
            det.as_os_str(),
            "--rec".as_ref(),
            rec.as_os_str(),
            "--onnxruntime".as_ref(),
            capi.as_os_str(),
            "--items".as_ref(),
            items.as_ref(),
            "--source".as_ref(),
            "PP-OCRv4".as_ref(),
        ])
    };
    let out = succeeds(&predict("all"));
    assert!(out.contains("on 2 of 2 images"), "{out}");

    let mut project = Project::open(&project_dir, Access::ReadWrite).unwrap();
    let text_class = project.schema().class_by_name("text").map(|c| c.id);
    assert!(text_class.is_some(), "the model's class was added");
    let items = project.items().to_vec();
    assert_eq!(items.len(), 2);
    for item in &items {
        assert_eq!((item.width, item.height), (720, 200), "{}", item.rel_path);
        let proposals = project.proposals(item.id).unwrap();
        let line = proposals.iter().find(|p| {
            p.attributes.get("text") == Some(&AttrValue::Text(LINE.into()))
                && p.shape.iou(&Shape::Rect(ink)).is_some_and(|iou| iou >= 0.5)
        });
        let Some(line) = line else {
            panic!(
                "{}: no proposal reading {LINE:?} over {ink:?}: {proposals:?}",
                item.rel_path
            )
        };
        assert_eq!(line.source, "PP-OCRv4");
        assert_eq!(Some(line.class), text_class);
    }

    // Accepting keeps the text and records the model.
    let first = project.proposals(items[0].id).unwrap().remove(0);
    let applied = project
        .apply(Edit::AcceptProposals(vec![first.id]))
        .unwrap();
    let id = applied.created[0];
    let annotation = project.annotation(id).unwrap().unwrap();
    assert_eq!(annotation.attributes, first.attributes);
    let origin = project.annotation_origin(id).unwrap().unwrap();
    assert_eq!(origin.source, "PP-OCRv4");
    drop(project);

    // Every item is labelled or proposed now: nothing left to run on.
    let out = succeeds(&predict("unlabelled"));
    assert!(out.contains("no unlabelled items"), "{out}");
}
