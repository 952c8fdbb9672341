use super::{boxed, item, schema, xywh};
use crate::formats::coco::{
    CocoExport, CocoExportInput, LeftOutItem, build_export, parse_coco, write_coco,
};
use crate::model::{Annotation, AnnotationId, ClassDef, ClassId, Item, ItemId, LabelSchema, Rgb};
use serde_json::{Value, json};

fn export(items: &[Item], boxes: &[Annotation], schema: &LabelSchema) -> CocoExport {
    let input = CocoExportInput {
        items,
        annotations: boxes.to_vec(),
        schema,
        description: "测试 export".into(),
        date_created: "2025-03-04T05:06:07Z".into(),
    };
    build_export(input)
}

#[test]
fn follows_the_coco_checklist() {
    // Item ids deliberately not 1-based; boxes deliberately out of order.
    let items = [
        item(40, "a/x.jpg", 640, 480),
        item(7, "b/行人.png", 100, 200),
    ];
    let boxes = [
        boxed(9, 7, 2, xywh(1.0, 2.0, 3.0, 4.0)),
        boxed(5, 40, 1, xywh(10.0, 20.0, 30.0, 40.0)),
        boxed(3, 7, 1, xywh(0.0, 0.0, 100.0, 200.0)),
        boxed(8, 40, 2, xywh(0.5, 0.25, 12.5, 1.0)),
    ];
    let out = export(&items, &boxes, &schema());
    assert!(out.left_out.is_empty() && out.left_out_annotations.is_empty());
    let mut bytes = Vec::new();
    write_coco(&out.file, &mut bytes).expect("writing to a Vec succeeds");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let key_positions: Vec<Option<usize>> =
        ["info", "licenses", "images", "annotations", "categories"]
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")))
            .collect();
    assert!(text.starts_with("{\"info\":"), "{text}");
    assert!(
        key_positions
            .windows(2)
            .all(|w| w[0].is_some() && w[0] < w[1]),
        "top-level keys missing or out of order: {text}"
    );
    let v: Value = serde_json::from_str(&text).expect("the writer produces JSON");
    assert_eq!(v["licenses"], json!([]));
    assert_eq!(v["info"]["description"], "测试 export");
    assert_eq!(v["info"]["date_created"], "2025-03-04T05:06:07Z");
    assert_eq!(v["info"]["year"], 2025);
    assert_eq!(
        v["images"],
        json!([
            {"id": 1, "file_name": "a/x.jpg", "width": 640, "height": 480},
            {"id": 2, "file_name": "b/行人.png", "width": 100, "height": 200},
        ])
    );
    assert_eq!(
        v["categories"],
        json!([
            {"id": 1, "name": "car", "supercategory": ""},
            {"id": 2, "name": "行人", "supercategory": ""},
        ])
    );
    // By image (item 40 first), then by our box id.
    assert_eq!(
        v["annotations"],
        json!([
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10.0, 20.0, 30.0, 40.0],
             "area": 1200.0, "iscrowd": 0, "segmentation": []},
            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [0.5, 0.25, 12.5, 1.0],
             "area": 12.5, "iscrowd": 0, "segmentation": []},
            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [0.0, 0.0, 100.0, 200.0],
             "area": 20000.0, "iscrowd": 0, "segmentation": []},
            {"id": 4, "image_id": 2, "category_id": 2, "bbox": [1.0, 2.0, 3.0, 4.0],
             "area": 12.0, "iscrowd": 0, "segmentation": []},
        ])
    );
}

#[test]
fn lists_every_class_even_unused_ones_by_stable_id() {
    let mut schema = schema();
    schema.add_class("bike");
    schema.classes.swap(0, 2); // Manifest order must not matter.
    schema.classes[1].name = "行人2".into(); // A rename keeps id 2.
    let out = export(&[item(1, "a.jpg", 10, 10)], &[], &schema);
    let ids: Vec<(i64, &str)> = out
        .file
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    assert_eq!(ids, [(1, "car"), (2, "行人2"), (3, "bike")]);
    assert!(out.file.annotations.is_empty());
}

#[test]
fn leaves_out_broken_items_with_their_boxes() {
    let mut unreadable = item(2, "bad.jpg", 640, 480);
    unreadable.error = Some("not a JPEG".into());
    let items = [
        item(1, "ok.jpg", 640, 480),
        unreadable,
        item(3, "nosize.jpg", 0, 0),
        item(4, "../outside.jpg", 10, 10),
        item(5, "ok.jpg", 640, 480),
        item(1, "ok.jpg", 640, 480), // listed twice: ignored
        item(6, "ok2.jpg", 64, 48),
    ];
    let boxes = [
        boxed(1, 2, 1, xywh(1.0, 1.0, 5.0, 5.0)),
        boxed(2, 2, 1, xywh(2.0, 2.0, 5.0, 5.0)),
        boxed(3, 3, 1, xywh(1.0, 1.0, 5.0, 5.0)),
        boxed(4, 6, 1, xywh(1.0, 1.0, 5.0, 5.0)),
        boxed(5, 99, 1, xywh(1.0, 1.0, 5.0, 5.0)), // item not exported
    ];
    let out = export(&items, &boxes, &schema());

    let left: Vec<(i64, &str, usize)> = out
        .left_out
        .iter()
        .map(|l| (l.item.0, l.rel_path.as_str(), l.annotations))
        .collect();
    assert_eq!(
        left,
        [
            (2, "bad.jpg", 2),
            (3, "nosize.jpg", 1),
            (4, "../outside.jpg", 0),
            (5, "ok.jpg", 0)
        ]
    );
    assert_eq!(
        out.left_out[0],
        LeftOutItem {
            item: ItemId(2),
            rel_path: "bad.jpg".into(),
            reason: "the image cannot be read: not a JPEG".into(),
            annotations: 2,
        }
    );
    assert_eq!(out.left_out[1].reason, "the image size is unknown (0×0)");
    assert!(out.left_out[2].reason.contains("out of the image root"));
    assert_eq!(out.left_out[3].reason, "the same file as item 1");

    let images: Vec<(i64, &str)> = out
        .file
        .images
        .iter()
        .map(|i| (i.id, i.file_name.as_str()))
        .collect();
    assert_eq!(images, [(1, "ok.jpg"), (2, "ok2.jpg")]);
    assert_eq!(out.file.annotations.len(), 1);
    assert_eq!(out.file.annotations[0].image_id, 2);
    assert_eq!(out.annotations_of_other_items, 1);
}

#[test]
fn leaves_out_boxes_that_would_make_invalid_coco() {
    let items = [item(1, "a.jpg", 100, 50)];
    let boxes = [
        boxed(1, 1, 7, xywh(1.0, 1.0, 5.0, 5.0)), // class not in the schema
        boxed(2, 1, 1, xywh(1.0, 1.0, 0.0, 5.0)), // no area
        boxed(3, 1, 1, xywh(90.0, 10.0, 20.0, 10.0)), // 10 px past the right edge
        boxed(4, 1, 1, xywh(-0.25, 0.0, 100.5, 50.25)), // within 0.5 px: clamped
    ];
    let out = export(&items, &boxes, &schema());
    let left: Vec<(AnnotationId, &str)> = out
        .left_out_annotations
        .iter()
        .map(|b| (b.annotation, b.reason.as_str()))
        .collect();
    assert_eq!(
        left,
        [
            (
                AnnotationId(1),
                "its class id 7 is not a category of the export (see the left-out classes)"
            ),
            (
                AnnotationId(2),
                "the rect at [1.0, 1.0, 0.0, 5.0] has no area, too few points or a coordinate \
                 that is not finite"
            ),
            (
                AnnotationId(3),
                "the rect at [90.0, 10.0, 20.0, 10.0] lies outside the 100×50 image"
            ),
        ]
    );
    assert_eq!(out.file.annotations.len(), 1);
    assert_eq!(out.file.annotations[0].bbox, Some([0.0, 0.0, 100.0, 50.0]));
    assert_eq!(out.file.annotations[0].area, Some(5000.0));
}

#[test]
fn writes_short_decimals_not_widened_f32_noise() {
    let items = [item(1, "a.jpg", 2000, 2000)];
    // 0.1..12.4 has an f32 width of 12.299999 and f64 renderings like 12.300000190734863.
    let bbox = crate::model::BBox::from_corners([0.1, 0.2], [12.4, 1234.5678]);
    let out = export(&items, &[boxed(1, 1, 1, bbox)], &schema());
    let mut bytes = Vec::new();
    write_coco(&out.file, &mut bytes).expect("writing to a Vec succeeds");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(
        text.contains(r#""bbox":[0.1,0.2,12.3,1234.3677],"area":15182.7227,"#),
        "{text}"
    );
    assert!(text.contains(r#""iscrowd":0,"segmentation":[]"#), "{text}");
}

#[test]
fn leaves_out_classes_whose_ids_coco_cannot_take() {
    let class = |id: i64, name: &str| ClassDef::new(ClassId(id), name, Rgb(0, 0, 0));
    // A hand-edited manifest: id 0, and id 2 twice.
    let schema = LabelSchema {
        classes: vec![
            class(0, "zero"),
            class(2, "a"),
            class(2, "b"),
            class(1, "a"),
        ],
        ..LabelSchema::default()
    };
    let boxes = [
        boxed(1, 1, 0, xywh(1.0, 1.0, 2.0, 2.0)),
        boxed(2, 1, 2, xywh(1.0, 1.0, 2.0, 2.0)),
    ];
    let out = export(&[item(1, "a.jpg", 10, 10)], &boxes, &schema);
    let left: Vec<(i64, &str, &str)> = out
        .left_out_classes
        .iter()
        .map(|c| (c.class.0, c.name.as_str(), c.reason.as_str()))
        .collect();
    assert_eq!(
        left,
        [
            (0, "zero", "COCO category ids start at 1"),
            (2, "b", "an earlier class has the same id"),
        ]
    );
    let categories: Vec<(i64, &str)> = out
        .file
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    assert_eq!(categories, [(1, "a"), (2, "a")]);
    assert_eq!(out.left_out_annotations.len(), 1);
    assert_eq!(out.left_out_annotations[0].annotation, AnnotationId(1));
    assert_eq!(out.file.annotations.len(), 1);
    assert_eq!(out.file.annotations[0].category_id, 2);
}

#[test]
fn write_puts_parsed_geometry_back_and_refuses_what_it_could_not_read() {
    let text = r#"{"info": {}, "licenses": [], "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
        "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 2,
                         "iscrowd": 0, "segmentation": [[1, 1, 3, 1, 3, 3], [0.5, 0.25, 1, 0, 1, 1]],
                         "keypoints": [1.5, 2, 2, 0, 0, 0], "num_keypoints": 1},
                        {"id": 6, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1,
                         "iscrowd": 1, "segmentation": {"counts": [0, 1, 11], "size": [3, 4]}},
                        {"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1,
                         "iscrowd": 0, "segmentation": {"counts": "01;", "size": [3, 4]}}],
        "categories": [{"id": 1, "name": "c", "supercategory": "", "keypoints": ["a", "b"],
                        "skeleton": [[1, 2]]}]}"#;
    let file = parse_coco(text.as_bytes()).expect("valid COCO");
    let mut written = Vec::new();
    write_coco(&file, &mut written).expect("everything was kept");
    let back: serde_json::Value = serde_json::from_slice(&written).unwrap();
    let given: serde_json::Value = serde_json::from_str(text).unwrap();
    for key in ["annotations", "categories"] {
        assert_eq!(as_floats(&back[key]), as_floats(&given[key]), "{key}");
    }

    let text =
        br#"{"images": [{"id": 1, "file_name": "a.jpg"}], "categories": [{"id": 1, "name": "c"}],
        "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2],
                         "segmentation": [[1, 1, 3, "x"]]}]}"#;
    let file = parse_coco(text).expect("valid COCO");
    let err = write_coco(&file, Vec::new()).expect_err("an unreadable polygon");
    assert_eq!(
        err.to_string(),
        "annotation id 5 cannot be written: its segmentation could not be read"
    );
}

/// The value with every number as an f64 (`1` and `1.0` alike).
fn as_floats(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(as_floats).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), as_floats(v))).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn a_group_is_one_record_with_its_crowd_flag_and_keypoints() {
    use crate::model::{
        AttrValue, CROWD_ATTRIBUTE, GroupId, Keypoint, Point, Polygon, RotatedRect, Shape,
        Visibility,
    };
    let mut schema = schema();
    schema.classes[1].keypoints = vec!["head".into(), "tail".into()];
    schema.classes[1].skeleton = vec![(0, 1)];
    let shaped = |id: i64, class: i64, shape: Shape, group: Option<i64>| Annotation {
        shape,
        group: group.map(GroupId),
        ..boxed(id, 1, class, xywh(0.0, 0.0, 1.0, 1.0))
    };
    let triangle = Shape::Polygon(Polygon::new(vec![
        Point::new(10.0, 10.0),
        Point::new(30.0, 10.0),
        Point::new(20.0, 30.0),
    ]));
    let points = Shape::Keypoints(vec![
        Keypoint::new(12.0, 12.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
    ]);
    let mut crowd = shaped(1, 2, triangle.clone(), Some(7));
    crowd
        .attributes
        .insert(CROWD_ATTRIBUTE.into(), AttrValue::Bool(true));
    crowd
        .attributes
        .insert("occluded".into(), AttrValue::Bool(false));
    let annotations = [
        crowd,
        shaped(2, 1, triangle.clone(), None),
        shaped(3, 2, points, Some(7)),
        shaped(
            4,
            1,
            Shape::Polyline(vec![Point::new(1.0, 1.0), Point::new(9.0, 9.0)]),
            None,
        ),
        shaped(
            5,
            1,
            Shape::RotatedRect(RotatedRect::new(50.0, 50.0, 20.0, 10.0, 30.0)),
            None,
        ),
    ];
    let out = export(&[item(1, "a.jpg", 100, 100)], &annotations, &schema);
    let written: Vec<(i64, i64, bool, Option<u32>)> = out
        .file
        .annotations
        .iter()
        .map(|a| (a.id, a.category_id, a.iscrowd, a.num_keypoints))
        .collect();
    // The group of 1 and 3 first (its first annotation's place), then 2, then 5.
    assert_eq!(
        written,
        [
            (1, 2, true, Some(1)),
            (2, 1, false, None),
            (3, 1, false, None)
        ]
    );
    let first = &out.file.annotations[0];
    assert!(
        !first.attributes.contains_key(CROWD_ATTRIBUTE),
        "the flag is iscrowd, not an attribute: {:?}",
        first.attributes
    );
    assert_eq!(
        first.attributes.get("occluded"),
        Some(&AttrValue::Bool(false))
    );
    assert_eq!(first.bbox, Some([10.0, 10.0, 20.0, 20.0]));
    let category = &out.file.categories[1];
    assert_eq!(
        (category.keypoints.as_slice(), category.skeleton.as_slice()),
        (&["head".to_string(), "tail".to_string()][..], &[[1, 2]][..])
    );
    let left: Vec<(i64, &str)> = out
        .left_out_annotations
        .iter()
        .map(|n| (n.annotation.0, n.reason.as_str()))
        .collect();
    assert_eq!(left, [(4, "COCO has no polylines")]);
    let converted: Vec<(i64, &str)> = out
        .converted
        .iter()
        .map(|n| (n.annotation.0, n.reason.as_str()))
        .collect();
    assert_eq!(
        converted,
        [(5, "a rotated box, written as the polygon of its corners")]
    );
}
