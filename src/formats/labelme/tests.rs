use super::*;
use crate::formats::file_shape::FileShape;
use crate::model::{
    AttrValue, Attributes, BBox, Keypoint, MaskPatch, Point, Polygon, Rle, RotatedRect, Shape,
    Visibility,
};

fn rect(f: &LabelmeFile, i: usize) -> BBox {
    match &f.shapes[i].shape {
        FileShape::Shape(Shape::Rect(b)) => *b,
        other => panic!("{other:?}"),
    }
}

fn file(json: &str) -> LabelmeFile {
    match parse_labelme(json.as_bytes()) {
        Ok(file) => file,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn rectangles_take_their_corners_in_any_order() {
    let expected = BBox::from_corners([10.0, 20.0], [30.5, 40.25]);
    for points in [
        "[[10, 20], [30.5, 40.25]]",
        "[[30.5, 40.25], [10, 20]]",
        "[[10, 40.25], [30.5, 20]]",
        "[[30.5, 20], [10, 40.25]]",
    ] {
        let f = file(&format!(
            r#"{{"shapes": [{{"label": "car", "points": {points}, "shape_type": "rectangle"}}]}}"#
        ));
        assert_eq!(f.shapes.len(), 1, "{points}");
        assert_eq!(rect(&f, 0), expected, "{points}");
        assert_eq!(f.shapes[0].label, "car");
    }
}

#[test]
fn every_labelme_shape_is_read_true_flags_kept_image_data_ignored() {
    let f = file(
        r#"{"version": "5.5.0", "flags": {"night": true, "rain": false},
            "imagePath": "a.jpg", "imageData": "aGVsbG8=", "imageWidth": 64, "imageHeight": 48,
            "shapes": [
              {"label": "p", "points": [[1, 2], [3, 4], [5, 6]], "shape_type": "polygon",
               "group_id": 3, "description": "先", "flags": {"truncated": true, "crowd": false}},
              {"label": "p", "points": [[1, 2]], "shape_type": "point"},
              {"label": "p", "points": [[1, 2], [3, 4], [5, 1]]},
              {"label": "c", "points": [[10, 10], [13, 14]], "shape_type": "circle"},
              {"label": "l", "points": [[1, 2], [3, 4]], "shape_type": "line"},
              {"label": "l", "points": [[1, 2], [3, 4], [6, 1]], "shape_type": "linestrip"},
              {"label": "o", "points": [[0, 0], [4, 0], [4, 2], [0, 2]], "shape_type": "oriented_rectangle"},
              {"label": "k", "points": [[1, 1], [2, 2]], "shape_type": "points"},
              {"label": "x", "points": [[1, 1], [2, 2]], "shape_type": "cuboid"}
            ]}"#,
    );
    assert_eq!(f.flags, vec!["night".to_string()]);
    assert_eq!(f.image_path.as_deref(), Some("a.jpg"));
    assert_eq!(f.image_size, Some((64, 48)));
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let kinds: Vec<&str> = f.shapes.iter().map(|s| s.shape.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "polygon",
            "keypoints",
            "polygon",
            "polygon",
            "polyline",
            "polyline",
            "rotated_rect",
            "keypoints"
        ]
    );
    let first = &f.shapes[0];
    assert_eq!(first.group, Some(3));
    assert_eq!(
        first.attributes["description"],
        AttrValue::Text("先".into())
    );
    assert_eq!(first.attributes["truncated"], AttrValue::Bool(true));
    assert_eq!(first.attributes["crowd"], AttrValue::Bool(false));
    let FileShape::Shape(Shape::Polygon(circle)) = &f.shapes[3].shape else {
        panic!("{:?}", f.shapes[3].shape)
    };
    let exact = std::f64::consts::PI * 25.0;
    assert!(
        (circle.area() - exact).abs() / exact < 1e-2,
        "{}",
        circle.area()
    );
    assert_eq!(f.converted.get("circle"), Some(&1));
    assert_eq!(f.skipped.get("cuboid"), Some(&1));
}

#[test]
fn bad_shapes_are_reported_by_index_and_the_rest_kept() {
    let f = file(
        r#"{"shapes": [
              {"label": "car", "points": [[1, 2]], "shape_type": "rectangle"},
              {"label": "car", "points": "[[1, 2], [3, 4]]", "shape_type": "rectangle"},
              {"label": 7, "points": [[1, 2], [3, 4]], "shape_type": "rectangle"},
              {"label": "car", "points": [["a", 2], [3, 4]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [1, 4]], "shape_type": "rectangle"},
              {"label": "car", "shape_type": "rectangle"},
              "nonsense",
              {"label": "car", "points": [[1, 2], [3, 4]], "shape_type": "rectangle"}
            ]}"#,
    );
    assert_eq!(f.shapes.len(), 1);
    assert_eq!(f.shapes[0].index, 7);
    let at: Vec<Option<usize>> = f.problems.iter().map(|p| p.shape).collect();
    assert_eq!(at, (0..7).map(Some).collect::<Vec<_>>());
}

#[test]
fn a_bare_nan_fails_only_its_shape() {
    let f = file(
        r#"{"shapes": [
              {"label": "car", "points": [[NaN, 1], [2, 3]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [3, Infinity]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [3, 4]], "shape_type": "rectangle"}
            ]}"#,
    );
    assert_eq!(f.shapes.len(), 1);
    let at: Vec<Option<usize>> = f.problems.iter().map(|p| p.shape).collect();
    assert_eq!(at, [Some(0), Some(1)]);
    assert!(f.problems[0].message.contains("not two finite numbers"));
}

#[test]
fn unusable_files_fail_with_a_reason() {
    for (bytes, needle) in [
        (&b"{\"shapes\": [{\"label\""[..], "not valid JSON"),
        (&b"{\"imagePath\": \"caf\xe9.jpg\"}"[..], "not UTF-8"),
        (&b"[1, 2]"[..], "not an object"),
        (&b"{\"shapes\": 3}"[..], "not a list"),
    ] {
        match parse_labelme(bytes) {
            Ok(f) => panic!("parsed {f:?}"),
            Err(e) => assert!(e.contains(needle), "{e}"),
        }
    }
}

#[test]
fn written_files_read_back_the_same() {
    let mask = Rle::from_patch((48, 64), (5, 6), (3, 2), &[0, 1, 1, 1, 1, 0]).unwrap();
    let mut attributes = Attributes::new();
    attributes.insert("truncated".into(), AttrValue::Bool(true));
    attributes.insert("description".into(), AttrValue::Text("a \"note\"".into()));
    attributes.insert("colour".into(), AttrValue::Text("红".into()));
    let shapes = [
        Shape::Rect(BBox::from_corners([1.5, 2.0], [30.25, 40.0])),
        Shape::RotatedRect(RotatedRect::new(20.0, 20.0, 8.0, 4.0, 90.0)),
        Shape::Polygon(Polygon::new(vec![
            Point::new(1.0, 1.0),
            Point::new(9.5, 1.0),
            Point::new(4.0, 7.25),
        ])),
        Shape::Polyline(vec![Point::new(1.0, 1.0), Point::new(9.5, 1.0)]),
        Shape::Polyline(vec![
            Point::new(1.0, 1.0),
            Point::new(9.5, 1.0),
            Point::new(3.0, 3.0),
        ]),
        Shape::Keypoints(vec![Keypoint::new(3.0, 4.0, Visibility::Visible)]),
        Shape::Keypoints(vec![
            Keypoint::new(3.0, 4.0, Visibility::Visible),
            Keypoint::new(5.0, 6.0, Visibility::Visible),
        ]),
        Shape::Mask(mask.clone()),
    ];
    let out: Vec<LabelmeShapeOut> = shapes
        .iter()
        .map(|shape| LabelmeShapeOut {
            label: "car",
            shape,
            group: Some(2),
            attributes: &attributes,
        })
        .collect();
    let json = labelme_json("a.jpg", 64, 48, &out, &[("night", true), ("rain", false)]);
    assert_eq!(json["imageData"], serde_json::Value::Null);
    let f = file(&json.to_string());
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.flags, vec!["night".to_string()]);
    assert_eq!(f.image_path.as_deref(), Some("a.jpg"));
    for (read, shape) in f.shapes.iter().zip(&shapes) {
        assert_eq!((read.group, &read.attributes), (Some(2), &attributes));
        match (&read.shape, shape) {
            (FileShape::Mask(p), Shape::Mask(m)) => {
                let back = Rle::from_patch(
                    (48, 64),
                    (i64::from(p.left), i64::from(p.top)),
                    (p.width, p.height),
                    &p.rows,
                );
                assert_eq!(back.as_ref(), Ok(m));
                assert_eq!(
                    *p,
                    MaskPatch {
                        left: 5,
                        top: 6,
                        width: 3,
                        height: 2,
                        rows: vec![0, 1, 1, 1, 1, 0]
                    }
                );
            }
            (FileShape::Shape(Shape::RotatedRect(a)), Shape::RotatedRect(b)) => {
                let close = |x: f32, y: f32| (x - y).abs() < 1e-4;
                assert!(
                    close(a.cx, b.cx) && close(a.cy, b.cy) && close(a.w, b.w) && close(a.h, b.h),
                    "{a:?} {b:?}"
                );
            }
            (FileShape::Shape(a), b) => assert_eq!(a, b),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(f.shapes.len(), shapes.len());
}
