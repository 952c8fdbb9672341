//! COCO files whose annotations carry segmentations (every annotation of COCO
//! 2017's `instances_*.json` does), through the real `shugu` binary: each
//! annotation's polygon or RLE mask is imported as it is (its box, derived,
//! where pycocotools puts it), a crowd region with the `is_crowd` flag, and a
//! record without a usable segmentation as its bbox. Also per-annotation
//! attribute problems: `"attributes": []`, wrong-typed values and values the
//! schema refuses.

use crate::common::cli::{shugu, succeeds, text};
use crate::common::{COCO_SEGM_IMAGES, image_project};
use serde_json::Value;
use shugu::model::{AttrValue, AttributeDef, AttributeKind};
use shugu::project::{Access, Project};
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/coco");

/// (file name, category, [x, y, w, h]) sorted, as the project holds them.
type Boxes = Vec<(String, String, [f64; 4])>;

/// Each annotation's image, class, box and shape kind, and whether it is a
/// crowd, sorted.
fn project_shapes(dir: &Path) -> Vec<(String, String, [f64; 4], &'static str, bool)> {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let mut out: Vec<_> = p
        .all_annotations()
        .unwrap()
        .into_iter()
        .map(|a| {
            let item = p.item(a.item).unwrap().rel_path.clone();
            let class = p.schema().class(a.class).unwrap().name.clone();
            let bbox = a.bounds().to_xywh().map(f64::from);
            (item, class, bbox, a.shape.kind().as_str(), a.is_crowd())
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

/// What `make_fixture.py` says the import must give (pycocotools' boxes).
fn expected_boxes() -> Boxes {
    let text = std::fs::read_to_string(Path::new(FIXTURE).join("expected_boxes.json")).unwrap();
    let list: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut out: Boxes = list
        .iter()
        .map(|e| {
            let bbox: Vec<f64> = e["bbox"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            (
                e["file_name"].as_str().unwrap().to_string(),
                e["category"].as_str().unwrap().to_string(),
                [bbox[0], bbox[1], bbox[2], bbox[3]],
            )
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

fn import(project: &Path, file: &Path) -> (String, String) {
    let out = shugu(["import".as_ref(), project.as_os_str(), file.as_os_str()]);
    let stdout = succeeds(&out);
    (stdout, text(&out.stderr))
}

#[test]
fn polygons_and_rle_masks_import_as_themselves() {
    let fx = image_project(&COCO_SEGM_IMAGES, &[], &[], false);
    let file = Path::new(FIXTURE).join("instances_segm.json");
    let (stdout, stderr) = import(&fx.project, &file);
    assert!(
        stdout.contains("imported 9 annotations from")
            && stdout.contains("(1 rect, 4 polygon, 4 mask)"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.is_empty(), "every shape is kept: {stderr}");
    let got = project_shapes(&fx.project);
    let want = expected_boxes();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((&g.0, &g.1), (&w.0, &w.1));
        // The shape's own extent; COCO's bbox rounds it to two decimals.
        for k in 0..4 {
            assert!((g.2[k] - w.2[k]).abs() < 0.02, "{g:?} != {w:?}");
        }
    }
    let kinds: Vec<&str> = got.iter().map(|g| g.3).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "polygon").count(), 4);
    assert_eq!(kinds.iter().filter(|k| **k == "mask").count(), 4);
    let crowds: Vec<&str> = got.iter().filter(|g| g.4).map(|g| g.3).collect();
    assert_eq!(crowds, ["mask", "mask"], "{got:?}");
}

/// A small COCO file of three boxes on `a.png` with the given `attributes`
/// values (JSON) on each.
fn with_attributes(attributes: [&str; 5]) -> String {
    let annotations: Vec<String> = attributes
        .iter()
        .enumerate()
        .map(|(i, attrs)| {
            format!(
                r#"{{"id": {}, "image_id": 1, "category_id": 1, "bbox": [{}, 1, 2, 2], "attributes": {attrs}}}"#,
                i + 1,
                i * 3
            )
        })
        .collect();
    format!(
        r#"{{"images": [{{"id": 1, "file_name": "a.png", "width": 40, "height": 30}}],
            "categories": [{{"id": 1, "name": "car"}}],
            "annotations": [{}]}}"#,
        annotations.join(",\n")
    )
}

#[test]
fn attribute_problems_are_per_annotation_and_the_rest_imports() {
    let fx = image_project(&[("a.png", 40, 30)], &["car"], &[], false);
    {
        let mut p = Project::open(&fx.project, Access::ReadWrite).unwrap();
        p.update_schema(|s| {
            s.add_attribute(AttributeDef::bool("occluded"));
            s.add_attribute(AttributeDef {
                name: "colour".into(),
                kind: AttributeKind::OneOf(vec!["red".into(), "blue".into()]),
                default: None,
            });
        })
        .unwrap();
    }
    let file = fx.root.path().join("attrs.json");
    std::fs::write(
        &file,
        with_attributes([
            "[]",
            r#"{"occluded": "maybe", "colour": "red"}"#,
            r#"{"colour": "green", "occluded": true, "note": [1, 2]}"#,
            r#"{"": true, "track_id": 3}"#,
            r#""not an object""#,
        ]),
    )
    .unwrap();
    let (stdout, stderr) = import(&fx.project, &file);
    assert!(
        stdout.contains("imported 5 annotations"),
        "{stdout}\n{stderr}"
    );
    for expected in [
        "annotation id 2: attribute \"occluded\" takes true or false, not \"maybe\"; the attribute was left out",
        "annotation id 3: attribute \"colour\" takes one of red, blue, not \"green\"; the attribute was left out",
        "annotation id 3: attribute \"note\" is a list, not a flag, text or number; it was left out",
        "annotation id 4: an attribute has no name (its value is \"true\"); the attribute was left out",
        "annotation id 5: \"attributes\" is text, not an object; it was ignored",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    let p = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let mut boxes = p.all_annotations().unwrap();
    boxes.sort_by(|a, b| a.bounds().min_x.total_cmp(&b.bounds().min_x));
    let attrs: Vec<Vec<(String, AttrValue)>> = boxes
        .iter()
        .map(|b| b.attributes.clone().into_iter().collect())
        .collect();
    let text = |s: &str| AttrValue::Text(s.into());
    assert_eq!(
        attrs,
        [
            vec![],
            vec![("colour".into(), text("red"))],
            vec![("occluded".into(), AttrValue::Bool(true))],
            vec![("track_id".into(), text("3"))],
            vec![],
        ]
    );
}
