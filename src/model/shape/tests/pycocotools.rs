//! Our RLE and OKS against pycocotools' own output, exactly
//! (`tests/fixtures/shapes/pycocotools_reference.json`, written by
//! `tests/python/make_shape_reference.py`).

use super::super::{COCO_PERSON_SIGMAS, Keypoint, Polygon, Rle, Shape, Visibility, oks};
use crate::model::BBox;
use serde_json::Value;

const REFERENCE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/shapes/pycocotools_reference.json"
));

fn reference() -> Value {
    serde_json::from_str(REFERENCE).expect("the committed fixture is JSON")
}

fn u32_of(v: &Value) -> u32 {
    v.as_u64().expect("a size") as u32
}

/// A float the fixture writes as a string (serde_json's default parse of a JSON
/// number may be an ulp off; `str::parse` is exact).
fn float(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .expect("a float written as a string")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array().expect("an array").iter().map(float).collect()
}

fn parts(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("parts").iter().map(f64s).collect()
}

fn compressed(v: &Value, h: u32, w: u32) -> Rle {
    Rle::from_compressed(h, w, v.as_str().expect("counts").as_bytes()).expect("pycocotools' counts")
}

/// An RLE record's counts, area and toBbox.
fn assert_record(rle: &Rle, record: &Value, what: &str) {
    assert_eq!(
        rle.to_compressed(),
        record["counts"].as_str().unwrap(),
        "{what}: counts"
    );
    assert_eq!(rle.area(), record["area"].as_u64().unwrap(), "{what}: area");
    assert_eq!(
        rle.to_bbox().to_vec(),
        f64s(&record["bbox"]),
        "{what}: toBbox"
    );
}

#[test]
fn polygons_rasterise_as_fr_py_objects() {
    let reference = reference();
    for case in reference["polygons"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (h, w) = (u32_of(&case["h"]), u32_of(&case["w"]));
        let segmentation = parts(&case["segmentation"]);
        // Each part from the file's f64 numbers, as pycocotools reads them.
        for (part, expected) in segmentation.iter().zip(case["parts"].as_array().unwrap()) {
            let rle = Rle::from_polygon_xy(h, w, part).unwrap();
            assert_eq!(
                rle.to_compressed(),
                expected.as_str().unwrap(),
                "{name}: part"
            );
        }
        // The polygon kept in f32, as the model keeps it, then merged as annToRLE.
        let polygon = Polygon::from_coco(
            segmentation
                .iter()
                .map(|p| p.iter().map(|&v| v as f32).collect::<Vec<f32>>()),
        );
        let merged = Rle::from_parts(h, w, polygon.parts()).unwrap();
        assert_record(&merged, &case["merged"], name);
    }
}

#[test]
fn boxes_rasterise_as_fr_bbox() {
    for case in reference()["boxes"].as_array().unwrap() {
        let (h, w) = (u32_of(&case["h"]), u32_of(&case["w"]));
        let b = f64s(&case["bbox"]);
        let bbox = BBox::from_xywh(b[0] as f32, b[1] as f32, b[2] as f32, b[3] as f32);
        let rle = Rle::from_bbox(h, w, &bbox).unwrap();
        assert_record(&rle, &case["rle"], case["name"].as_str().unwrap());
    }
}

#[test]
fn masks_encode_decode_and_measure_as_pycocotools() {
    for case in reference()["masks"].as_array().unwrap() {
        let (h, w) = (u32_of(&case["h"]), u32_of(&case["w"]));
        let mask: Vec<u8> = case["mask"]
            .as_str()
            .unwrap()
            .bytes()
            .map(|b| b - b'0')
            .collect();
        let rle = Rle::encode(h, w, &mask).unwrap();
        assert_record(&rle, &case["rle"], "encoded mask");
        let read = compressed(&case["rle"]["counts"], h, w);
        assert_eq!(read, rle);
        assert_eq!(read.decode(), mask);
    }
}

#[test]
fn uncompressed_counts_compress_as_pycocotools() {
    for case in reference()["uncompressed"].as_array().unwrap() {
        let (h, w) = (u32_of(&case["h"]), u32_of(&case["w"]));
        let counts = case["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(u32_of)
            .collect();
        let rle = Rle::from_counts(h, w, counts).unwrap();
        let expected = case["compressed"].as_str().unwrap();
        assert_eq!(rle.to_compressed(), expected);
        assert_eq!(
            Rle::from_compressed(h, w, expected.as_bytes()).unwrap(),
            rle
        );
    }
}

#[test]
fn pairs_merge_and_iou_as_pycocotools() {
    for case in reference()["pairs"].as_array().unwrap() {
        let a = compressed(&case["a"]["counts"], 20, 30);
        let b = compressed(&case["b"]["counts"], 20, 30);
        assert_eq!(a.iou(&b, false), Some(float(&case["iou"])));
        assert_eq!(a.iou(&b, true), Some(float(&case["iou_crowd"])));
        let union = Rle::merge(&[a.clone(), b.clone()], false).unwrap();
        assert_eq!(union.to_compressed(), case["union"].as_str().unwrap());
        let inter = Rle::merge(&[a.clone(), b.clone()], true).unwrap();
        assert_eq!(
            inter.to_compressed(),
            case["intersection"].as_str().unwrap()
        );
        // Shape::iou of two masks is the same figure.
        assert_eq!(
            Shape::Mask(a).iou(&Shape::Mask(b)),
            Some(float(&case["iou"]))
        );
    }
}

#[test]
fn a_mask_against_a_polygon_is_compared_as_pycocotools_would() {
    let reference = reference();
    let triangle = &reference["polygons"][0];
    assert_eq!(triangle["name"], "triangle");
    let polygon = Polygon::from_coco(
        parts(&triangle["segmentation"])
            .iter()
            .map(|p| p.iter().map(|&v| v as f32).collect::<Vec<f32>>()),
    );
    let raster = compressed(&triangle["merged"]["counts"], 20, 30);
    let mut compared = 0;
    for case in reference["pairs"].as_array().unwrap() {
        let other = match (&case["a"]["counts"], &case["b"]["counts"]) {
            (a, b) if *a == triangle["merged"]["counts"] => b,
            (a, b) if *b == triangle["merged"]["counts"] => a,
            _ => continue,
        };
        let other = Shape::Mask(compressed(other, 20, 30));
        let expected = Some(float(&case["iou"]));
        assert_eq!(other.iou(&Shape::Polygon(polygon.clone())), expected);
        assert_eq!(Shape::Polygon(polygon.clone()).iou(&other), expected);
        assert_eq!(Shape::Mask(raster.clone()).iou(&other), expected);
        compared += 1;
    }
    assert_eq!(
        compared, 4,
        "the triangle against the three boxes and the random mask"
    );
}

fn keypoints(v: &Value) -> Vec<Keypoint> {
    f64s(v)
        .chunks_exact(3)
        .map(|k| {
            Keypoint::new(
                k[0] as f32,
                k[1] as f32,
                Visibility::from_coco(k[2] as u8).unwrap(),
            )
        })
        .collect()
}

#[test]
fn oks_is_computed_as_cocoeval() {
    let reference = reference();
    assert_eq!(
        f64s(&reference["oks"]["sigmas"]),
        COCO_PERSON_SIGMAS.to_vec()
    );
    for case in reference["oks"]["cases"].as_array().unwrap() {
        let b = f64s(&case["bbox"]);
        let bbox = BBox::from_xywh(b[0] as f32, b[1] as f32, b[2] as f32, b[3] as f32);
        let area = float(&case["area"]);
        let got = oks(
            &keypoints(&case["gt"]),
            &keypoints(&case["dt"]),
            &COCO_PERSON_SIGMAS,
            area,
            &bbox,
        )
        .unwrap();
        let expected = float(&case["oks"]);
        // numpy sums pairwise and has its own exp: the last bit or two may differ.
        assert!(
            (got - expected).abs() < 1e-12,
            "OKS {got} against COCOeval's {expected}"
        );
    }
}
