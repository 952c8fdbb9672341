//! Shapes through COCO: polygons, RLE masks and keypoints read into checked
//! shapes, written back by the export functions, and the problems of records
//! that do not fit.

use crate::formats::coco::{
    COCO_FOLDERS, CategoryKeypoints, CocoImportPlan, CocoKeypoints, CocoRle, ImportTarget,
    RleCounts, Segmentation, ShapeRecord, coco_geometry, group_records, parse_coco, plan_import,
    write_coco,
};
use crate::formats::label_paths::PathMatcher;
use crate::model::{BBox, ItemId, Keypoint, Point, Polygon, Rle, RotatedRect, Shape, Visibility};
use std::borrow::Cow;
use std::path::Path;

/// Plans `json` onto one project image, `a.jpg`, 640×480 (item 1).
fn plan(json: &str) -> CocoImportPlan {
    let file = parse_coco(json.as_bytes()).expect("test input is valid COCO");
    let target = ImportTarget {
        item: ItemId(1),
        width: 640,
        height: 480,
    };
    let matcher = PathMatcher::new([("a.jpg".to_string(), target)], &COCO_FOLDERS)
        .with_root(Path::new("/data"));
    plan_import(&file, |name| matcher.find(name))
}

/// A file with image `a.jpg`, category 1 `person` with three points
/// (`nose`, `left_eye`, `right_eye`, skeleton 1-2, 1-3), category 2 `car`,
/// and the given annotations.
fn with_annotations(annotations: &str) -> String {
    format!(
        r#"{{"images": [{{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}}],
            "categories": [{{"id": 1, "name": "person", "supercategory": "person",
                             "keypoints": ["nose", "left_eye", "right_eye"],
                             "skeleton": [[1, 2], [1, 3]]}},
                           {{"id": 2, "name": "car"}}],
            "annotations": [{annotations}]}}"#
    )
}

fn problems(plan: &CocoImportPlan) -> Vec<(&str, &str)> {
    plan.problems
        .iter()
        .map(|p| (p.record.as_str(), p.message.as_str()))
        .collect()
}

fn points(xy: &[(f32, f32)]) -> Vec<Point> {
    xy.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

fn kp(x: f32, y: f32, v: Visibility) -> Keypoint {
    Keypoint::new(x, y, v)
}

#[test]
fn a_person_record_gives_its_polygon_and_keypoints_as_one_group() {
    let p = plan(&with_annotations(
        r#"{"id": 7, "image_id": 1, "category_id": 1, "bbox": [10, 20, 30, 40], "iscrowd": 0,
            "segmentation": [[10, 20, 40, 20, 40, 60], [12.5, 50, 20, 50, 20, 58]],
            "keypoints": [15, 25, 2, 30.5, 26, 1, 99, 99, 0], "num_keypoints": 2},
           {"id": 8, "image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4],
            "segmentation": [[1, 2, 4, 2, 4, 6, 1, 6]]}"#,
    ));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.categories, ["person", "car"]);
    assert_eq!(
        p.category_keypoints,
        [
            CategoryKeypoints {
                names: vec!["nose".into(), "left_eye".into(), "right_eye".into()],
                skeleton: vec![[0, 1], [0, 2]],
            },
            CategoryKeypoints::default(),
        ]
    );
    let person = &p.annotations[0];
    assert_eq!(person.group, Some(7));
    assert_eq!(
        person.shapes,
        [
            Shape::Polygon(Polygon::from_parts([
                points(&[(10.0, 20.0), (40.0, 20.0), (40.0, 60.0)]),
                points(&[(12.5, 50.0), (20.0, 50.0), (20.0, 58.0)]),
            ])),
            // The unlabelled point reads as COCO's 0, 0, 0 whatever it said.
            Shape::Keypoints(vec![
                kp(15.0, 25.0, Visibility::Visible),
                kp(30.5, 26.0, Visibility::Occluded),
                Keypoint::NOT_LABELLED,
            ]),
        ]
    );
    let car = &p.annotations[1];
    assert_eq!((car.category, car.group), (1, None));
    assert!(matches!(car.shapes.as_slice(), [Shape::Polygon(_)]));
}

#[test]
fn keypoints_keep_their_box_beside_them_and_none_labelled_are_no_shape() {
    let p = plan(&with_annotations(
        r#"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 20, 30, 40],
            "keypoints": [15, 25, 2, 0, 0, 0, 0, 0, 0]},
           {"id": 2, "image_id": 1, "category_id": 1, "keypoints": [15, 25, 2, 0, 0, 0, 16, 26, 2]},
           {"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5],
            "segmentation": [[1, 1, 6, 1, 6, 6]], "keypoints": [0, 0, 0, 0, 0, 0, 0, 0, 0],
            "num_keypoints": 0}"#,
    ));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let shapes: Vec<Vec<&str>> = p
        .annotations
        .iter()
        .map(|a| a.shapes.iter().map(|s| s.kind().as_str()).collect())
        .collect();
    assert_eq!(
        shapes,
        [
            vec!["rect", "keypoints"],
            vec!["keypoints"],
            vec!["polygon"]
        ]
    );
    let groups: Vec<Option<i64>> = p.annotations.iter().map(|a| a.group).collect();
    assert_eq!(groups, [Some(1), None, None]);
}

#[test]
fn crowd_masks_read_from_counts_or_compressed_strings() {
    // 480×640, column-major: pixels 963 and 964 (x 2, y 3..4) set.
    let p = plan(&with_annotations(
        r#"{"id": 1, "image_id": 1, "category_id": 2, "iscrowd": 1, "bbox": [2, 3, 1, 2],
            "segmentation": {"counts": [963, 2, 306235], "size": [480, 640]}},
           {"id": 2, "image_id": 1, "category_id": 2, "iscrowd": 0,
            "segmentation": {"size": [480, 640], "counts": "RXi84jgb0"}}"#,
    ));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let crowd = &p.annotations[0];
    assert!(crowd.crowd);
    let expected = Rle::from_counts(480, 640, vec![963, 2, 306_235]).unwrap();
    assert_eq!(crowd.shapes, [Shape::Mask(expected)]);
    let compressed = &p.annotations[1];
    assert!(!compressed.crowd);
    match compressed.shapes.as_slice() {
        [Shape::Mask(m)] => assert_eq!(m.counts(), [288_002, 4, 19_194]),
        other => panic!("a mask, not {other:?}"),
    }
    // pycocotools' toBbox of the mask.
    assert_eq!(
        compressed.shapes[0].bounds(),
        BBox::from_xywh(600.0, 2.0, 1.0, 4.0)
    );
}

#[test]
fn a_mask_of_another_size_than_its_image_is_refused_before_it_is_read() {
    // 60000×60000 fits COCO's 32-bit counts: a mask that would take 3.6 GB.
    let p = plan(&with_annotations(
        r#"{"id": 1, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": {"counts": [3600000000], "size": [60000, 60000]}},
           {"id": 2, "image_id": 1, "category_id": 2,
            "segmentation": {"counts": [0, 5], "size": [480, 640]}},
           {"id": 3, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": {"counts": [307200], "size": [480, 640]}},
           {"id": 4, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": {"counts": [1, 2.5], "size": [480, 640]}},
           {"id": 5, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": {"counts": "RXi84jgb0", "size": [480]}},
           {"id": 6, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": {"counts": "RX~", "size": [480, 640]}}"#,
    ));
    assert_eq!(
        problems(&p),
        [
            (
                "annotation id 1",
                "its RLE mask is 60000×60000 pixels, but the image is 640×480; its bbox was imported"
            ),
            (
                "annotation id 2",
                "it has no bbox of four numbers [x, y, w, h], and its RLE mask cannot be read \
                 (RLE runs add up to 5 pixels, the mask has 307200)"
            ),
            (
                "annotation id 3",
                "its RLE mask has no pixel set; its bbox was imported"
            ),
            (
                "annotation id 4",
                "its RLE counts are neither whole numbers nor a compressed string; its bbox was \
                 imported"
            ),
            (
                "annotation id 5",
                "its RLE mask has no size of two whole numbers [height, width]; its bbox was \
                 imported"
            ),
            (
                "annotation id 6",
                "its RLE mask cannot be read (RLE counts string: bad character at 2); its bbox \
                 was imported"
            ),
        ]
    );
    let kinds: Vec<&str> = p
        .annotations
        .iter()
        .map(|a| a.shapes[0].kind().as_str())
        .collect();
    assert_eq!(kinds, ["rect"; 5]);
}

#[test]
fn polygons_keep_their_usable_parts_and_are_held_to_the_image() {
    let p = plan(&with_annotations(
        r#"{"id": 1, "image_id": 1, "category_id": 2,
            "segmentation": [[1, 1, 9, 1, 9, 9], [20, 20, 30, 30], [40, 40, 50, 50, 60, 60], []]},
           {"id": 2, "image_id": 1, "category_id": 2, "segmentation": [[-0.4, 0, 640.3, 0, 320, 480.5]]},
           {"id": 3, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": [[600, 400, 700, 400, 700, 470]]},
           {"id": 4, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2],
            "segmentation": [[1, 1, 2, 1e39, 3, 3]]},
           {"id": 5, "image_id": 1, "category_id": 2, "segmentation": [[1, 1, 2, 2]]},
           {"id": 6, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2], "segmentation": [[]]}"#,
    ));
    assert_eq!(
        problems(&p),
        [
            (
                "annotation id 1",
                "2 of the 3 parts of its polygon have fewer than three points or no area; they \
                 were left out"
            ),
            (
                "annotation id 3",
                "its polygon (box [600.0, 400.0, 100.0, 70.0]) reaches past the 640×480 image; \
                 the part inside was imported"
            ),
            (
                "annotation id 4",
                "its polygon is not pairs of finite numbers; its bbox was imported"
            ),
            (
                "annotation id 5",
                "it has no bbox of four numbers [x, y, w, h], and its polygon has no part of \
                 three points or more with an area"
            ),
        ]
    );
    let a = &p.annotations;
    assert_eq!(
        a[0].shapes,
        [Shape::Polygon(Polygon::new(points(&[
            (1.0, 1.0),
            (9.0, 1.0),
            (9.0, 9.0)
        ])))]
    );
    // Within half a pixel of the border: clamped to the image.
    let clamped = a[1].shapes[0].bounds();
    assert_eq!(
        [clamped.min_x, clamped.min_y, clamped.max_x, clamped.max_y],
        [0.0, 0.0, 640.0, 480.0]
    );
    let kinds: Vec<&str> = a.iter().map(|a| a.shapes[0].kind().as_str()).collect();
    assert_eq!(kinds, ["polygon", "polygon", "polygon", "rect", "rect"]);
    assert_eq!(a[2].shapes[0].bounds().max_x, 640.0, "clipped to the image");
}

#[test]
fn keypoints_that_do_not_fit_their_category_are_left_out_and_said_why() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
        "categories": [{"id": 1, "name": "person", "keypoints": ["a", "b"], "skeleton": [[1, 2], [2, 3], [1, 1], "x"]},
                       {"id": 2, "name": "car"},
                       {"id": 3, "name": "dog", "keypoints": ["a", 2], "skeleton": 5}],
        "annotations": [
          {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 2]},
          {"id": 2, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 2]},
          {"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 3, 2, 2, 2]},
          {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 2, 2, 2]},
          {"id": 5, "image_id": 1, "category_id": 1, "keypoints": [700, 1, 2, 2, 2, 2]},
          {"id": 6, "image_id": 1, "category_id": 1, "keypoints": [640.2, 1, 2, 2, 2, 1], "num_keypoints": 1},
          {"id": 7, "image_id": 1, "category_id": 3, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 2, 2, 2, 2]}]}"#;
    let p = plan(json);
    assert_eq!(
        problems(&p),
        [
            (
                "category id 1 (person)",
                "skeleton edge(s) [2,3], [1,1], \"x\" are not two different point numbers from 1 \
                 to 2; left out"
            ),
            (
                "category id 3 (dog)",
                "its keypoint names are not all strings; the category has no keypoints"
            ),
            (
                "category id 3 (dog)",
                "its `skeleton` is not a list of pairs; it was left out"
            ),
            (
                "annotation id 1",
                "its keypoints were left out: there are 1 of them, but its category `person` names 2"
            ),
            (
                "annotation id 2",
                "its keypoints were left out: its category `car` names no keypoints"
            ),
            (
                "annotation id 3",
                "its keypoints were left out: they are not triples [x, y, v] of finite numbers \
                 with v 0, 1 or 2"
            ),
            (
                "annotation id 4",
                "its keypoints were left out: they are not triples [x, y, v] of finite numbers \
                 with v 0, 1 or 2"
            ),
            (
                "annotation id 5",
                "1 labelled point(s) lie outside the 640×480 image; they were imported as not \
                 labelled"
            ),
            (
                "annotation id 6",
                "num_keypoints says 1, but 2 points are labelled; all are imported"
            ),
            (
                "annotation id 7",
                "its keypoints were left out: its category `dog` names no keypoints"
            ),
        ]
    );
    assert_eq!(
        p.category_keypoints[0].skeleton,
        [[0, 1]],
        "the sound edge stays"
    );
    let alone: Vec<&[Shape]> = p
        .annotations
        .iter()
        .filter(|a| a.shapes.iter().all(|s| matches!(s, Shape::Keypoints(_))))
        .map(|a| a.shapes.as_slice())
        .collect();
    assert_eq!(
        alone,
        [
            [Shape::Keypoints(vec![
                Keypoint::NOT_LABELLED,
                kp(2.0, 2.0, Visibility::Visible),
            ])],
            // A point within half a pixel of the border is moved onto it.
            [Shape::Keypoints(vec![
                kp(640.0, 1.0, Visibility::Visible),
                kp(2.0, 2.0, Visibility::Occluded),
            ])],
        ]
    );
}

fn square_mask() -> Rle {
    // 4 high, 5 wide; column 1, rows 1..3 set.
    Rle::from_counts(4, 5, vec![5, 2, 13]).unwrap()
}

#[test]
fn geometry_of_each_shape_as_coco_writes_it() {
    let rect = Shape::Rect(BBox::from_corners([0.1, 1.0], [12.4, 3.5]));
    let g = coco_geometry(ShapeRecord::of(Some(&rect), None, false), 0).unwrap();
    assert_eq!(g.segmentation, Segmentation::Empty);
    assert_eq!(g.bbox, [0.1, 1.0, 12.3, 2.5]);
    assert_eq!(g.area, 30.75);
    assert_eq!(
        (g.keypoints, g.num_keypoints),
        (CocoKeypoints::Absent, None)
    );

    let triangle = Polygon::from_parts([
        points(&[(0.0, 0.0), (4.0, 0.0), (4.0, 3.0)]),
        points(&[(10.0, 10.0), (12.0, 10.0), (12.0, 12.0), (10.0, 12.0)]),
    ]);
    let polygon = Shape::Polygon(triangle.clone());
    let g = coco_geometry(ShapeRecord::of(Some(&polygon), None, false), 0).unwrap();
    assert_eq!(g.segmentation, Segmentation::Polygon(triangle));
    assert_eq!(g.bbox, [0.0, 0.0, 12.0, 12.0]);
    assert_eq!(g.area, 6.0 + 4.0, "each part's shoelace area, summed");

    let mask = Shape::Mask(square_mask());
    for crowd in [true, false] {
        let g = coco_geometry(ShapeRecord::of(Some(&mask), None, crowd), 0).unwrap();
        let counts = if crowd {
            RleCounts::Runs(vec![5, 2, 13])
        } else {
            RleCounts::Compressed(square_mask().to_compressed())
        };
        assert_eq!(
            g.segmentation,
            Segmentation::Rle(CocoRle {
                size: [4, 5],
                counts
            })
        );
        assert_eq!(
            (g.bbox, g.area, g.iscrowd),
            ([1.0, 1.0, 1.0, 2.0], 2.0, crowd)
        );
    }

    let turned = Shape::RotatedRect(RotatedRect::new(10.0, 10.0, 4.0, 2.0, 30.0));
    let g = coco_geometry(ShapeRecord::of(Some(&turned), None, false), 0).unwrap();
    assert!(matches!(g.segmentation, Segmentation::Polygon(ref p) if p.points().len() == 4));
    assert!(g.converted.is_some());
    let line = Shape::Polyline(points(&[(0.0, 0.0), (1.0, 1.0)]));
    let record = ShapeRecord::of(Some(&line), None, false);
    assert_eq!(
        coco_geometry(record, 0).unwrap_err(),
        "COCO has no polylines"
    );
    let flat = Shape::Rect(BBox::from_xywh(1.0, 1.0, 0.0, 5.0));
    let record = ShapeRecord::of(Some(&flat), None, false);
    assert!(coco_geometry(record, 0).is_err(), "a box of no area");
    let nan = [kp(f32::NAN, 1.0, Visibility::Visible)];
    let record = ShapeRecord::of(None, Some(&nan), false);
    assert_eq!(
        coco_geometry(record, 1).unwrap_err(),
        "a keypoint has a coordinate that is not a finite number"
    );
}

#[test]
fn keypoint_classes_write_keypoints_on_every_annotation() {
    let points = [
        kp(15.0, 25.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
        kp(30.5, 26.0, Visibility::Occluded),
    ];
    let region = Shape::Polygon(Polygon::new(vec![
        Point::new(10.0, 20.0),
        Point::new(40.0, 20.0),
        Point::new(40.0, 60.0),
    ]));
    let person = ShapeRecord::of(Some(&region), Some(&points), false);
    let g = coco_geometry(person.clone(), 3).unwrap();
    assert_eq!(g.keypoints, CocoKeypoints::Points(points.to_vec()));
    assert_eq!(g.num_keypoints, Some(2));
    assert_eq!((g.bbox, g.area), ([10.0, 20.0, 30.0, 40.0], 600.0));

    // A region of a keypoint class without keypoints: zeros, as COCO writes.
    let alone = ShapeRecord::of(Some(&region), None, false);
    let g = coco_geometry(alone, 3).unwrap();
    assert_eq!(
        (g.keypoints, g.num_keypoints),
        (
            CocoKeypoints::Points(vec![Keypoint::NOT_LABELLED; 3]),
            Some(0)
        )
    );

    // Keypoints alone: the box of the labelled points, loadRes' area.
    let only = ShapeRecord::of(None, Some(&points), false);
    let g = coco_geometry(only, 3).unwrap();
    assert_eq!(g.bbox, [15.0, 25.0, 15.5, 1.0]);
    assert_eq!(g.area, 30.5 * 26.0, "around every point, (0, 0) included");
    assert_eq!(g.segmentation, Segmentation::Empty);

    assert_eq!(
        coco_geometry(person.clone(), 2).unwrap_err(),
        "it has 3 keypoints, but its class names 2"
    );
    assert_eq!(
        coco_geometry(person, 0).unwrap_err(),
        "its class has no keypoint names, so COCO cannot hold its keypoints"
    );
}

#[test]
fn a_group_pairs_its_region_with_its_keypoints() {
    let region = Shape::Rect(BBox::from_xywh(1.0, 1.0, 2.0, 2.0));
    let other = Shape::Mask(square_mask());
    let points = Shape::Keypoints(vec![kp(1.0, 1.0, Visibility::Visible)]);
    let shapes = [(1, &points), (2, &region), (3, &other)].map(|(t, s)| (t, Cow::Borrowed(s)));
    let records = group_records(shapes, true);
    let summary: Vec<(&[i32], Option<&str>, bool, bool)> = records
        .iter()
        .map(|(tags, r)| {
            (
                tags.as_slice(),
                r.region.as_deref().map(|s| s.kind().as_str()),
                r.keypoints.is_some(),
                r.crowd,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (&[2, 1][..], Some("rect"), true, true),
            (&[3][..], Some("mask"), false, true)
        ]
    );
    assert!(group_records::<i32>([], false).is_empty());
}

/// Shapes written with the export functions come back from the import as
/// they were, categories with their points and skeleton too.
#[test]
fn written_shapes_read_back_the_same() {
    use crate::formats::coco::{CocoCategory, CocoFile, CocoImage};
    let person = CategoryKeypoints {
        names: vec!["nose".into(), "tail".into()],
        skeleton: vec![[0, 1]],
    };
    let polygon = Shape::Polygon(Polygon::from_parts([
        points(&[(10.25, 20.5), (40.0, 20.0), (40.0, 60.125)]),
        points(&[(100.0, 100.0), (120.5, 100.0), (120.0, 130.0)]),
    ]));
    let keypoints = vec![kp(11.5, 21.0, Visibility::Visible), Keypoint::NOT_LABELLED];
    let mut full = vec![0u8; 480 * 640];
    full[5 * 480 + 7..5 * 480 + 30].fill(1);
    let mask = Shape::Mask(Rle::encode(480, 640, &full).unwrap());
    let rect = Shape::Rect(BBox::from_xywh(3.5, 4.0, 10.0, 20.25));
    let records = [
        (ShapeRecord::of(Some(&polygon), Some(&keypoints), false), 1),
        (ShapeRecord::of(Some(&mask), None, true), 1),
        (ShapeRecord::of(Some(&mask), None, false), 2),
        (ShapeRecord::of(Some(&rect), None, false), 2),
    ];
    let annotations = records
        .iter()
        .enumerate()
        .map(|(k, (record, category))| {
            let count = if *category == 1 { 2 } else { 0 };
            coco_geometry(record.clone(), count)
                .unwrap()
                .into_annotation(k as i64 + 1, 1, *category, Default::default())
        })
        .collect();
    let category = |id: i64, name: &str| CocoCategory {
        id,
        name: name.into(),
        ..Default::default()
    };
    let file = CocoFile {
        images: vec![CocoImage {
            id: 1,
            file_name: "a.jpg".into(),
            width: 640,
            height: 480,
        }],
        annotations,
        categories: vec![
            category(1, "person").with_keypoints(&person),
            category(2, "car"),
        ],
        ..Default::default()
    };
    let mut written = Vec::new();
    write_coco(&file, &mut written).unwrap();
    let p = plan(std::str::from_utf8(&written).unwrap());
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.category_keypoints[0], person);
    let got: Vec<(Vec<Shape>, bool)> = p
        .annotations
        .iter()
        .map(|a| (a.shapes.clone(), a.crowd))
        .collect();
    assert_eq!(
        got,
        [
            (
                vec![polygon.clone(), Shape::Keypoints(keypoints.clone())],
                false
            ),
            (vec![mask.clone()], true),
            (vec![mask.clone()], false),
            (vec![rect.clone()], false),
        ]
    );
}
