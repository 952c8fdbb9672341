use super::*;
use crate::formats::file_shape::FileShape;
use crate::model::{
    Keypoint, LabelSchema, Point, Polygon, RotatedRect, Shape, ShapeKind, Visibility,
};

#[test]
fn percentages_convert_exactly() {
    let b = percent_to_bbox([10.0, 25.0, 50.0, 12.5], 640, 480);
    assert_eq!(b, BBox::from_corners([64.0, 120.0], [384.0, 180.0]));
    let b = percent_to_bbox([0.0, 0.0, 100.0, 100.0], 333, 777);
    assert_eq!(b, BBox::from_corners([0.0, 0.0], [333.0, 777.0]));
    let back = bbox_to_percent(&BBox::from_corners([64.0, 120.0], [384.0, 180.0]), 640, 480);
    assert_eq!(back, [10.0, 25.0, 50.0, 12.5]);
    let odd = BBox::from_corners([1.0, 2.0], [34.0, 29.0]);
    assert_eq!(percent_to_bbox(bbox_to_percent(&odd, 37, 31), 37, 31), odd);
}

fn shapes_of(bytes: &[u8], image: (u32, u32)) -> (Vec<LsAnnotation>, Vec<LsProblem>, LsTasks) {
    let tasks = parse_image_tasks(bytes).unwrap_or_default();
    let classes = keypoint_classes(&tasks, []);
    let (shapes, problems) = task_annotations(&tasks.tasks[0], image, &classes);
    (shapes, problems, tasks)
}

fn shape(a: &LsAnnotation) -> &Shape {
    match &a.shape {
        FileShape::Shape(s) => s,
        FileShape::Mask(_) => panic!("a mask"),
    }
}

#[test]
fn broken_results_are_reported_the_rest_kept() {
    let tasks = parse_image_tasks(
        br#"[{"id": 1, "data": {"image": "/data/upload/1/abc-a.jpg"},
              "annotations": [{"result": [
                {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                 "value": {"x": NaN, "y": 10, "width": 20, "height": 20, "rotation": 15, "rectanglelabels": ["car"]}},
                {"type": "rectanglelabels", "value": {"x": "10", "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"]}},
                {"type": "rectanglelabels", "value": {"x": 10, "y": 10, "width": 20, "height": 20}},
                {"type": "brushlabels", "value": {"format": "rle", "brushlabels": ["car"]}},
                {"type": "relation", "from_id": "a", "to_id": "b"},
                {"type": "choices", "value": {"choices": ["night"]}},
                {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                 "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"]}}
              ]}]},
             {"id": 2, "data": {"image": 5}}, 7]"#,
    )
    .unwrap_or_default();
    assert_eq!(tasks.tasks.len(), 1);
    let t = &tasks.tasks[0];
    assert_eq!(t.regions.len(), 1);
    assert_eq!(t.regions[0].original, Some((200, 100)));
    assert_eq!(t.choices, vec!["night".to_string()]);
    assert_eq!(tasks.skipped.get("relation"), Some(&1));
    let at: Vec<&str> = tasks.problems.iter().map(|p| p.at.as_str()).collect();
    assert_eq!(
        at,
        [
            "task 0, annotation 0, result 0",
            "task 0, annotation 0, result 1",
            "task 0, annotation 0, result 2",
            "task 0, annotation 0, result 3",
            "task 1",
            "task 2"
        ]
    );
    assert!(tasks.problems[3].message.contains("no `rle`"));
}

#[test]
fn unusable_files_fail_with_a_reason() {
    for bytes in [
        &b"[{\"data\": "[..],
        b"\"x\"",
        b"[{\"image\": \"caf\xe9\"}]",
    ] {
        assert!(parse_image_tasks(bytes).is_err());
    }
}

#[test]
fn a_rotated_rectangle_turns_clockwise_about_its_top_left_corner() {
    // 30 % × 10 % of a 200×100 image at (10 %, 20 %), a quarter turn: the
    // 60×10 box at (20, 20) hangs down from its corner to the left.
    let (shapes, problems, _) = shapes_of(
        br#"{"data": {"image": "a.png"}, "annotations": [{"result": [
              {"id": "r", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
               "value": {"x": 10, "y": 20, "width": 30, "height": 10, "rotation": 90,
                         "rectanglelabels": ["car"]}}]}]}"#,
        (200, 100),
    );
    assert!(problems.is_empty(), "{problems:?}");
    let Shape::RotatedRect(r) = shape(&shapes[0]) else {
        panic!("{shapes:?}")
    };
    let corners = r.corners().map(|p| [p.x.round(), p.y.round()]);
    assert_eq!(
        corners,
        [[20.0, 20.0], [20.0, 80.0], [10.0, 80.0], [10.0, 20.0]]
    );
    assert_eq!((r.w, r.h, r.angle), (60.0, 10.0, 90.0));
}

#[test]
fn points_under_a_region_make_its_class_a_keypoint_class() {
    // As Label Studio writes a pose: points named by `KeyPointLabels`, their
    // `parentID` the person's box (label-studio-sdk's test data).
    let (shapes, problems, tasks) = shapes_of(
        br#"[{"data": {"image": "a.png"}, "annotations": [{"result": [
              {"id": "k1", "type": "keypointlabels", "parentID": "box", "original_width": 200, "original_height": 100,
               "value": {"x": 50, "y": 50, "width": 0.2, "keypointlabels": ["nose"]}},
              {"id": "k2", "type": "keypointlabels", "parentID": "box", "original_width": 200, "original_height": 100,
               "value": {"x": 40, "y": 40, "width": 0.2, "keypointlabels": ["left_eye"]}},
              {"id": "box", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
               "value": {"x": 25, "y": 25, "width": 50, "height": 50, "rotation": 0, "rectanglelabels": ["person"]}},
              {"id": "k3", "type": "keypointlabels", "original_width": 200, "original_height": 100,
               "value": {"x": 10, "y": 10, "width": 0.2, "keypointlabels": ["tree"]}},
              {"type": "relation", "from_id": "k1", "to_id": "box", "direction": "right"}
            ]}]}]"#,
        (200, 100),
    );
    assert!(problems.is_empty(), "{problems:?}");
    let classes = keypoint_classes(&tasks, []);
    let names = vec!["nose".to_string(), "left_eye".to_string()];
    assert_eq!(classes.declared, [("person".to_string(), names)]);
    let got: Vec<(&str, Option<u32>, &Shape)> = shapes
        .iter()
        .map(|a| (a.class.as_str(), a.group, shape(a)))
        .collect();
    let v = Visibility::Visible;
    assert_eq!(
        got,
        [
            (
                "person",
                Some(1),
                &Shape::Keypoints(vec![
                    Keypoint::new(100.0, 50.0, v),
                    Keypoint::new(80.0, 40.0, v)
                ])
            ),
            (
                "person",
                Some(1),
                &Shape::Rect(BBox::from_corners([50.0, 25.0], [150.0, 75.0]))
            ),
            (
                "tree",
                None,
                &Shape::Keypoints(vec![Keypoint::new(20.0, 10.0, v)])
            ),
        ]
    );
}

#[test]
fn polygon_parts_unfinished_polygons_and_attributes() {
    let (shapes, problems, _) = shapes_of(
        br#"[{"data": {"image": "a.png"}, "annotations": [{"result": [
              {"id": "p_1", "parentID": "p", "type": "polygonlabels", "original_width": 100, "original_height": 100,
               "value": {"points": [[50, 50], [60, 50], [60, 60]], "closed": true, "polygonlabels": ["lake"]}},
              {"id": "p", "type": "polygonlabels", "original_width": 100, "original_height": 100,
               "value": {"points": [[0, 0], [10, 0], [10, 10]], "polygonlabels": ["lake"]}},
              {"id": "p", "type": "choices", "from_name": "frozen", "value": {"choices": ["true"]}},
              {"id": "p", "type": "textarea", "from_name": "note", "value": {"text": ["deep", "cold"]}},
              {"id": "pond", "parentID": "p", "type": "polygonlabels", "original_width": 100, "original_height": 100,
               "value": {"points": [[20, 20], [30, 20], [30, 30]], "polygonlabels": ["lake"]}},
              {"id": "line", "type": "polygonlabels", "original_width": 100, "original_height": 100,
               "value": {"points": [[0, 90], [90, 90]], "closed": false, "polygonlabels": ["road"]}}
            ]}]}]"#,
        (100, 100),
    );
    assert!(problems.is_empty(), "{problems:?}");
    let p = |xy: &[[f32; 2]]| xy.iter().map(|&q| Point::from(q)).collect::<Vec<_>>();
    let lake = Polygon::from_parts([
        p(&[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]]),
        p(&[[50.0, 50.0], [60.0, 50.0], [60.0, 60.0]]),
    ]);
    assert_eq!(shape(&shapes[0]), &Shape::Polygon(lake));
    // A lake drawn under it in Label Studio (an id of its own) is a polygon
    // of its own, in its group.
    let pond = p(&[[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]]);
    assert_eq!(shape(&shapes[1]), &Shape::Polygon(Polygon::new(pond)));
    assert_eq!((shapes[0].group, shapes[1].group), (Some(1), Some(1)));
    let attrs: Vec<(&str, String)> = shapes[0]
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), format!("{v:?}")))
        .collect();
    assert_eq!(
        attrs,
        [
            ("frozen", "Bool(true)".into()),
            ("note", "Text(\"deep\\ncold\")".into())
        ]
    );
    assert_eq!(
        shape(&shapes[2]),
        &Shape::Polyline(p(&[[0.0, 90.0], [90.0, 90.0]]))
    );
}

#[test]
fn shapes_written_read_back_the_same() {
    let names = vec!["head".to_string(), "tail".to_string()];
    let mut attributes = Attributes::new();
    attributes.insert("colour".into(), crate::model::AttrValue::Text("red".into()));
    attributes.insert("moving".into(), crate::model::AttrValue::Bool(false));
    let none = Attributes::new();
    let mut rows = vec![0u8; 40 * 30];
    rows[5 * 40 + 7..5 * 40 + 20].fill(1);
    let mask = crate::model::Rle::encode_row_major(30, 40, &rows).unwrap();
    let shapes = [
        Shape::Rect(BBox::from_corners([1.0, 2.0], [11.0, 12.0])),
        Shape::RotatedRect(RotatedRect::new(20.0, 15.0, 10.0, 4.0, 30.0)),
        Shape::Polygon(Polygon::from_parts([
            vec![
                Point::new(1.0, 1.0),
                Point::new(5.0, 1.0),
                Point::new(5.0, 5.0),
            ],
            vec![
                Point::new(30.0, 20.0),
                Point::new(35.0, 20.0),
                Point::new(35.0, 25.0),
            ],
        ])),
        Shape::Polyline(vec![Point::new(0.0, 29.0), Point::new(39.0, 29.0)]),
        Shape::Keypoints(vec![
            Keypoint::new(3.0, 4.0, Visibility::Occluded),
            Keypoint::new(6.0, 8.0, Visibility::Visible),
        ]),
        Shape::Mask(mask),
        Shape::Polygon(Polygon::new(vec![
            Point::new(20.0, 1.0),
            Point::new(25.0, 1.0),
            Point::new(25.0, 5.0),
        ])),
    ];
    let out: Vec<LsShapeOut> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| LsShapeOut {
            id: i as i64 + 1,
            label: if i == 4 { "fish" } else { "thing" },
            shape: s,
            group: match i {
                0 | 4 => Some(7),
                2 | 6 => Some(3),
                _ => None,
            },
            attributes: if i == 2 { &attributes } else { &none },
            point_names: if i == 4 { &names } else { &[] },
        })
        .collect();
    let (task, notes) = task_json(9, "a.png", (40, 30), &out, &["day"], &|n| n == "colour");
    assert_eq!(notes.converted.len(), 1, "the polyline: {notes:?}");
    assert!(notes.left_out.is_empty(), "{notes:?}");
    let bytes = serde_json::to_vec(&task).unwrap();
    let tasks = parse_image_tasks(&bytes).unwrap();
    assert!(tasks.problems.is_empty(), "{:?}", tasks.problems);
    let known = [("fish", names.as_slice())];
    let classes = keypoint_classes(&tasks, known);
    let (back, problems) = task_annotations(&tasks.tasks[0], (40, 30), &classes);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(tasks.tasks[0].choices, ["day"]);
    assert_eq!(back.len(), shapes.len());
    for (written, read) in shapes.iter().zip(&back) {
        match (written, &read.shape) {
            (Shape::Mask(m), FileShape::Mask(patch)) => {
                assert_eq!(patch.rows, m.decode_row_major());
            }
            (w, FileShape::Shape(r)) => {
                let alike = w.similarity(r, &[0.1; 2]).unwrap_or_default();
                assert!(
                    w.kind() == r.kind() && alike > 0.999,
                    "{w:?} read back as {r:?}"
                );
            }
            (w, r) => panic!("{w:?} read back as {r:?}"),
        }
    }
    let Some(FileShape::Shape(Shape::Keypoints(points))) = back.get(4).map(|a| &a.shape) else {
        panic!("{back:?}")
    };
    let visibility: Vec<Visibility> = points.iter().map(|k| k.v).collect();
    assert_eq!(visibility, [Visibility::Occluded, Visibility::Visible]);
    assert_eq!(back[2].attributes, attributes);
    let groups: Vec<Option<u32>> = back.iter().map(|a| a.group).collect();
    // Two polygons of one class in a group stay two polygons, one of two parts.
    assert_eq!(
        groups,
        [Some(1), None, Some(2), None, Some(1), None, Some(2)]
    );
}

#[test]
fn odd_links_and_points_are_reported_never_a_panic() {
    let (shapes, problems, tasks) = shapes_of(
        br#"[{"data": {"image": "a.png"}, "annotations": [{"result": [
              {"id": "a", "parentID": "b", "type": "keypointlabels", "value": {"x": 1, "y": 1, "keypointlabels": ["tip"]}},
              {"id": "b", "parentID": "a", "type": "keypointlabels", "value": {"x": 2, "y": 2, "keypointlabels": ["tip"]}},
              {"id": "c", "parentID": "c", "type": "rectanglelabels", "value": {"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["box"]}},
              {"id": "h", "type": "rectanglelabels", "value": {"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["hand"]}},
              {"id": "h1", "parentID": "h", "type": "keypointlabels", "value": {"x": 5, "y": 5, "keypointlabels": ["thumb"]}},
              {"id": "h2", "parentID": "h", "type": "keypointlabels", "value": {"x": 6, "y": 6, "keypointlabels": ["thumb"]}},
              {"id": "p", "type": "polygonlabels", "value": {"points": [[1, 1], [2, 2]], "polygonlabels": ["lake"]}},
              {"id": "q", "type": "polygonlabels", "value": {"points": [[1]], "polygonlabels": ["lake"]}},
              {"id": "l", "type": "polygonlabels", "value": {"points": [[1, 1]], "closed": false, "polygonlabels": ["lane"]}},
              {"id": "r", "type": "brushlabels", "value": {"format": "rle", "rle": [300], "brushlabels": ["sky"]}},
              {"id": "s", "type": "brushlabels", "value": {"format": "png", "brushlabels": ["sky"]}},
              {"id": "e", "type": "ellipselabels", "value": {"x": 5, "y": 5, "radiusX": 0, "radiusY": 2, "ellipselabels": ["ball"]}},
              {"id": "t", "type": "rectangle", "value": {"x": 0, "y": 0, "width": 1, "height": 1}},
              {"id": "t", "type": "labels", "value": {"labels": ["tag"]}},
              {"id": "u", "type": "rectangle", "value": {"x": 0, "y": 0, "width": 1, "height": 1}},
              {"id": "x", "type": "textarea", "from_name": "note", "value": {"text": ["no region"]}},
              {"type": "choices", "value": {"choices": [3]}}
            ]}]}]"#,
        (100, 100),
    );
    let parse: Vec<(&str, &str)> = tasks
        .problems
        .iter()
        .map(|p| {
            (
                p.at.rsplit(' ').next().unwrap_or_default(),
                p.message.as_str(),
            )
        })
        .collect();
    let bad_at: Vec<&str> = parse.iter().map(|(r, _)| *r).collect();
    assert_eq!(bad_at, ["7", "9", "10", "11", "14", "16"], "{parse:?}");
    assert_eq!(tasks.skipped.get("textarea"), Some(&1));
    let later: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.at, p.message))
        .collect();
    assert!(
        later
            .iter()
            .any(|p| p.contains("result 5") && p.contains("a second point `thumb`")),
        "{later:?}"
    );
    assert!(
        later
            .iter()
            .any(|p| p.contains("result 6") && p.contains("fewer than 3")),
        "{later:?}"
    );
    assert!(
        later
            .iter()
            .any(|p| p.contains("result 8") && p.contains("fewer than 2")),
        "{later:?}"
    );
    let kept: Vec<&str> = shapes.iter().map(|a| a.class.as_str()).collect();
    assert_eq!(
        kept,
        ["tip", "tip", "box", "hand", "hand", "tag"],
        "{later:?}"
    );
}

#[test]
fn the_labelling_config_names_every_tag_the_tasks_use() {
    use crate::model::{AttributeDef, AttributeKind, ClassDef, ClassId, Rgb};
    let mut schema = LabelSchema::default();
    let mut person = ClassDef::new(ClassId(1), "person", Rgb(1, 2, 3));
    person.keypoints = vec!["nose".into(), "eye".into()];
    let mut car = ClassDef::new(ClassId(2), "car & co", Rgb(1, 2, 3));
    car.shapes = vec![ShapeKind::Rect];
    let tip = ClassDef::new(ClassId(3), "tip", Rgb(1, 2, 3));
    schema.classes = vec![person, car, tip];
    schema.add_image_label("night");
    schema.attributes = vec![
        AttributeDef::bool("moving"),
        AttributeDef {
            name: "colour".into(),
            kind: AttributeKind::OneOf(vec!["red".into(), "blue".into()]),
            default: None,
        },
        AttributeDef {
            name: "note".into(),
            kind: AttributeKind::Text,
            default: None,
        },
    ];
    let config = label_config(&schema, &["tip"]);
    for tag in [
        r#"<RectangleLabels name="label" toName="image"><Label value="person"/><Label value="car &amp; co"/><Label value="tip"/></RectangleLabels>"#,
        r#"<PolygonLabels name="polygon" toName="image"><Label value="person"/><Label value="tip"/></PolygonLabels>"#,
        r#"<KeyPointLabels name="keypoint" toName="image"><Label value="nose" model_index="0"/><Label value="eye" model_index="1"/><Label value="tip" model_index="2"/></KeyPointLabels>"#,
        r#"<Choices name="choice" toName="image" choice="single"><Choice value="night"/></Choices>"#,
        r#"<Choices name="moving" toName="image" perRegion="true"><Choice value="true"/><Choice value="false"/></Choices>"#,
        r#"<Choices name="colour" toName="image" perRegion="true"><Choice value="red"/><Choice value="blue"/></Choices>"#,
        r#"<TextArea name="note" toName="image" perRegion="true"/>"#,
    ] {
        assert!(config.contains(tag), "{tag} not in\n{config}");
    }
    assert!(config.starts_with("<View>\n  <Image name=\"image\" value=\"$image\"/>"));
}
