use super::xywh;
use crate::formats::coco::{
    COCO_FOLDERS, CocoAnnotation, CocoFile, CocoImportPlan, CocoRle, ImportPlanner, ImportProblem,
    ImportTarget, PlannedAnnotation, RleCounts, Segmentation, parse_coco, plan_import,
};
use crate::formats::label_paths::{PathMatch, PathMatcher};
use crate::model::{BBox, ItemId, Shape};
use std::path::Path;

/// The project: `a.jpg` (item 1, 640×480), `sub/b.jpg` (item 2, 100×200),
/// looked up as an import does.
fn project(name: &str) -> PathMatch<ImportTarget> {
    let targets = [("a.jpg", 1, 640, 480), ("sub/b.jpg", 2, 100, 200)].map(|(path, id, w, h)| {
        let target = ImportTarget {
            item: ItemId(id),
            width: w,
            height: h,
        };
        (path.to_string(), target)
    });
    PathMatcher::new(targets, &COCO_FOLDERS)
        .with_root(Path::new("/data/images"))
        .find(name)
}

fn plan(json: &str) -> CocoImportPlan {
    let file = parse_coco(json.as_bytes()).expect("test input is valid COCO");
    plan_import(&file, project)
}

fn problems(plan: &CocoImportPlan) -> Vec<(&str, &str)> {
    plan.problems
        .iter()
        .map(|p| (p.record.as_str(), p.message.as_str()))
        .collect()
}

/// A file with the two project images, categories 1 `car` and 2 `行人`, and the
/// given annotations.
fn with_annotations(annotations: &str) -> String {
    format!(
        r#"{{"images": [{{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}},
                        {{"id": 2, "file_name": "sub/b.jpg", "width": 100, "height": 200}}],
            "categories": [{{"id": 1, "name": "car"}}, {{"id": 2, "name": "行人"}}],
            "annotations": [{annotations}]}}"#
    )
}

fn ann(id: i64, image: i64, category: i64, bbox: &str) -> String {
    format!(r#"{{"id": {id}, "image_id": {image}, "category_id": {category}, "bbox": {bbox}}}"#)
}

/// A plain box of category 0 on item `item`.
fn planned_box(id: i64, item: i64, bbox: BBox) -> PlannedAnnotation {
    PlannedAnnotation {
        id,
        item: ItemId(item),
        category: 0,
        shapes: vec![Shape::Rect(bbox)],
        crowd: false,
        group: None,
        attributes: Default::default(),
    }
}

#[test]
fn plans_boxes_onto_matched_items() {
    let p = plan(&with_annotations(
        &[
            ann(1, 2, 2, "[10, 20, 30, 40.5]"),
            ann(2, 1, 2, "[0, 0, 640, 480]"),
        ]
        .join(","),
    ));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.categories, ["行人"]);
    assert_eq!(
        p.annotations,
        [
            planned_box(1, 2, BBox::from_corners([10.0, 20.0], [40.0, 60.5])),
            planned_box(2, 1, BBox::from_corners([0.0, 0.0], [640.0, 480.0])),
        ]
    );
}

#[test]
fn reports_an_image_not_in_the_project_once_with_its_annotation_count() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 7, "file_name": "gone/x.jpg"}],
        "categories": [{"id": 1, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 2, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]}"#;
    let p = plan(json);
    assert_eq!(
        problems(&p),
        [(
            "image id 7 (gone/x.jpg)",
            "not in the project; its 2 annotations were skipped"
        )]
    );
    assert_eq!(p.annotations.len(), 1);
}

#[test]
fn reports_dangling_image_and_category_ids_per_record() {
    let p = plan(&with_annotations(
        &[
            ann(1, 9, 1, "[1, 1, 2, 2]"),
            ann(2, 1, 5, "[1, 1, 2, 2]"),
            ann(3, 1, 1, "[1, 1, 2, 2]"),
        ]
        .join(","),
    ));
    assert_eq!(
        problems(&p),
        [
            ("annotation id 1", "image id 9 is not in the file"),
            ("annotation id 2", "category id 5 is not in the file"),
        ]
    );
    assert_eq!(p.categories, ["car"]);
    assert_eq!(p.annotations.len(), 1);
}

#[test]
fn imports_polygons_and_masks_as_themselves() {
    // pycocotools: mask.toBbox of {"size": [480, 640], "counts": "RXi84jgb0"}
    // (rows 2..5, column 600: `mask.encode` of that mask) is [600, 2, 1, 4].
    let p = plan(&with_annotations(
        r#"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": [[1, 1, 3, 1, 3, 3]]},
           {"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "iscrowd": 1,
            "segmentation": {"counts": [0, 4, 307196], "size": [480, 640]}},
           {"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": {"size": [1, 1]}},
           {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": []},
           {"id": 5, "image_id": 1, "category_id": 2, "bbox": [3, 3, 2, 2], "iscrowd": 1},
           {"id": 6, "image_id": 1, "category_id": 2,
            "segmentation": [[10, 20.5, 30, 20.5, 20, 30], [15, 40, 20, 40, 15, 35]]},
           {"id": 7, "image_id": 1, "category_id": 2, "bbox": [5, 5, 0, 0],
            "segmentation": {"counts": [963, 2, 306235], "size": [480, 640]}},
           {"id": 8, "image_id": 1, "category_id": 2, "bbox": null,
            "segmentation": {"size": [480, 640], "counts": "RXi84jgb0"}},
           {"id": 9, "image_id": 1, "category_id": 2, "segmentation": [[1, 2, 3]]},
           {"id": 10, "image_id": 1, "category_id": 2, "bbox": [1, 1, 0, 2],
            "segmentation": {"counts": [], "size": [480, 640]}}"#,
    ));
    assert_eq!(
        problems(&p),
        [
            (
                "annotation id 3",
                "its segmentation is neither a list of polygons nor an RLE object; its bbox was imported"
            ),
            (
                "annotation id 9",
                "it has no bbox of four numbers [x, y, w, h], and its polygon is not pairs of \
                 finite numbers"
            ),
            (
                "annotation id 10",
                "box [1, 1, 0, 2] has no area (width and height must be positive), and its RLE \
                 mask cannot be read (RLE runs add up to 0 pixels, the mask has 307200)"
            ),
        ]
    );
    let planned: Vec<(i64, &str, bool, [f32; 4])> = p
        .annotations
        .iter()
        .map(|a| {
            assert_eq!(a.shapes.len(), 1, "{a:?}");
            let shape = &a.shapes[0];
            (
                a.id,
                shape.kind().as_str(),
                a.crowd,
                shape.bounds().to_xywh(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [
            (1, "polygon", false, [1.0, 1.0, 2.0, 2.0]),
            // The first four pixels of the first column.
            (2, "mask", true, [0.0, 0.0, 1.0, 4.0]),
            // No usable segmentation: the bbox.
            (3, "rect", false, [1.0, 1.0, 2.0, 2.0]),
            (4, "rect", false, [1.0, 1.0, 2.0, 2.0]),
            (5, "rect", true, [3.0, 3.0, 2.0, 2.0]),
            // Both parts, one shape.
            (6, "polygon", false, [10.0, 20.5, 20.0, 19.5]),
            // Pixels 963..965 of a 480-high column-major mask: x 2, y 3..4.
            (7, "mask", false, [2.0, 3.0, 1.0, 2.0]),
            (8, "mask", false, [600.0, 2.0, 1.0, 4.0]),
        ]
    );
    assert_eq!(p.categories, ["car", "行人"]);
}

#[test]
fn coco_rle_reads_like_pycocotools() {
    let rle = |size: [u32; 2], counts: RleCounts| CocoRle { size, counts }.to_rle();
    let runs = |r: &[u32]| RleCounts::Runs(r.to_vec());
    // A run crossing a column: pycocotools spans the whole height.
    let crossing = rle([8, 8], runs(&[5, 10, 49])).expect("fills the mask");
    assert_eq!(crossing.to_bbox(), [0.0, 0.0, 2.0, 8.0]);
    assert!(rle([8, 8], runs(&[60, 10])).is_err(), "overruns the mask");
    assert!(rle([8, 8], runs(&[5, 10])).is_err(), "falls short of it");
    // pycocotools' mask.encode of rows 2..5 of column 600 in a 480×640 mask.
    let compressed = RleCounts::Compressed("RXi84jgb0".into());
    let column = rle([480, 640], compressed).expect("pycocotools' own string");
    assert_eq!(column.counts(), [288_002, 4, 19_194]);
    for bad in ["P", "\u{7f}", &"o".repeat(20)] {
        let counts = RleCounts::Compressed(bad.to_string());
        assert!(rle([480, 640], counts).is_err(), "{bad:?}");
    }
}

#[test]
fn reports_boxes_outside_the_image_and_clamps_only_within_tolerance() {
    let p = plan(&with_annotations(
        &[
            ann(1, 1, 1, "[600, 400, 50, 100]"),
            ann(2, 1, 1, "[-0.4, -0.5, 640.8, 480.5]"),
            ann(3, 1, 1, "[-1, 0, 10, 10]"),
            ann(4, 1, 1, "[640.1, 0, 0.3, 10]"),
            ann(5, 2, 1, "[10, 10, 0, 5]"),
            ann(6, 2, 1, "[10, 10, 5, -5]"),
            ann(7, 2, 1, "null"),
            ann(8, 2, 1, "[1, 2, 3]"),
        ]
        .join(","),
    ));
    assert_eq!(
        problems(&p),
        [
            (
                "annotation id 1",
                "box [600, 400, 50, 100] lies outside the 640×480 image"
            ),
            (
                "annotation id 3",
                "box [-1, 0, 10, 10] lies outside the 640×480 image"
            ),
            (
                "annotation id 4",
                "box [640.1, 0, 0.3, 10] has no area inside the 640×480 image"
            ),
            (
                "annotation id 5",
                "box [10, 10, 0, 5] has no area (width and height must be positive)"
            ),
            (
                "annotation id 6",
                "box [10, 10, 5, -5] has no area (width and height must be positive)"
            ),
            (
                "annotation id 7",
                "it has no bbox of four numbers [x, y, w, h]"
            ),
            (
                "annotation id 8",
                "it has no bbox of four numbers [x, y, w, h]"
            ),
        ]
    );
    let planned: Vec<BBox> = p.annotations.iter().map(|a| a.shapes[0].bounds()).collect();
    assert_eq!(planned, [BBox::from_corners([0.0, 0.0], [640.0, 480.0])]);
}

#[test]
fn reports_non_finite_boxes() {
    // JSON cannot hold NaN, but a CocoFile can be built in code.
    let mut file =
        parse_coco(with_annotations(&ann(1, 1, 1, "[1, 1, 2, 2]")).as_bytes()).expect("valid COCO");
    file.annotations.push(CocoAnnotation {
        id: 2,
        image_id: 1,
        category_id: 1,
        bbox: Some([f64::NAN, 1.0, f64::INFINITY, 2.0]),
        area: None,
        iscrowd: false,
        segmentation: Segmentation::Empty,
        keypoints: Default::default(),
        num_keypoints: None,
        score: None,
        attributes: Default::default(),
        attribute_problems: Vec::new(),
    });
    let p = plan_import(&file, project);
    assert_eq!(
        p.problems,
        [ImportProblem {
            record: "annotation id 2".into(),
            message: "box [NaN, 1, inf, 2] has a value that is not a finite number".into(),
        }]
    );
    assert_eq!(p.annotations.len(), 1);
}

/// A name is only a key for the project's matcher: absolute, climbing and
/// Windows names find the item they mean, and two records on one item are
/// reported.
#[test]
fn file_names_are_only_keys_and_one_item_takes_one_image_record() {
    let json = r#"{"images": [{"id": 1, "file_name": "../a.jpg"}, {"id": 2, "file_name": "/etc/a.jpg"},
                             {"id": 3, "file_name": "C:\\data\\images\\sub\\b.jpg"},
                             {"id": 4, "file_name": "sub/../../a.jpg"},
                             {"id": 5, "file_name": ".\\sub\\b.jpg"}, {"id": 6, "file_name": ""}],
        "categories": [{"id": 1, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 2, "image_id": 5, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 3, "image_id": 3, "category_id": 1, "bbox": [1, 1, 2, 2]}]}"#;
    let file = parse_coco(json.as_bytes()).expect("valid COCO");
    let p = plan_import(&file, project);
    assert_eq!(
        problems(&p),
        [
            (
                "image id 2 (/etc/a.jpg)",
                "not in the project; its 0 annotations were skipped"
            ),
            (
                "image id 4 (sub/../../a.jpg)",
                "the same file as image id 1 (`a.jpg`); its 0 annotations were skipped"
            ),
            (
                "image id 5 (.\\sub\\b.jpg)",
                "the same file as image id 3 (`sub/b.jpg`); its 1 annotation was skipped"
            ),
            (
                "image id 6 ()",
                "the file name is empty; its 0 annotations were skipped"
            ),
        ]
    );
    let items: Vec<ItemId> = p.annotations.iter().map(|b| b.item).collect();
    assert_eq!(items, [ItemId(1), ItemId(2)]);
}

#[test]
fn reports_duplicate_ids_and_files_and_keeps_the_first() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "sub/b.jpg"},
                             {"id": 2, "file_name": "./a.jpg"}],
        "categories": [{"id": 1, "name": "car"}, {"id": 1, "name": "bus"}, {"id": 3, "name": ""}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, 2, 2]},
                        {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2]},
                        {"id": 3, "image_id": 1, "category_id": 3, "bbox": [1, 1, 2, 2]}]}"#;
    let p = plan(json);
    assert_eq!(
        problems(&p),
        [
            (
                "category id 1 (bus)",
                "duplicate category id; the first category with this id is used"
            ),
            (
                "category id 3 ()",
                "the category has no name; its 1 annotation was skipped"
            ),
            (
                "image id 1 (sub/b.jpg)",
                "duplicate image id; annotations with this id go to the first image record"
            ),
            (
                "image id 2 (./a.jpg)",
                "the same file as image id 1 (`a.jpg`); its 1 annotation was skipped"
            ),
            (
                "annotation id 1",
                "duplicate annotation id; only the first record with this id is imported"
            ),
        ]
    );
    assert_eq!(p.categories, ["car"]);
    assert_eq!(p.annotations.len(), 1);
    assert_eq!(
        p.annotations[0].shapes,
        [Shape::Rect(xywh(1.0, 1.0, 2.0, 2.0))]
    );
}

#[test]
fn skips_images_whose_size_disagrees_with_the_project() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 480, "height": 640},
                             {"id": 2, "file_name": "sub/b.jpg", "width": 101, "height": 200}],
        "categories": [{"id": 1, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]}"#;
    let p = plan(json);
    assert_eq!(
        problems(&p),
        [
            (
                "image id 1 (a.jpg)",
                "the file says 480×640, but the image in the project is 640×480 (EXIF orientation \
                 not applied by the tool that wrote the file?); its 1 annotation was skipped"
            ),
            (
                "image id 2 (sub/b.jpg)",
                "the file says 101×200, but the image in the project is 100×200; its 0 annotations were skipped"
            ),
        ]
    );
    assert!(p.annotations.is_empty());
}

#[test]
fn lists_used_categories_in_category_id_order_with_shared_names_once() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg"}],
        "categories": [{"id": 9, "name": "zebra"}, {"id": 4, "name": "cat"}, {"id": 2, "name": "dog"},
                       {"id": 7, "name": "cat"}, {"id": 1, "name": "unused"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 9, "bbox": [1, 1, 2, 2]},
                        {"id": 2, "image_id": 1, "category_id": 7, "bbox": [1, 1, 2, 2]},
                        {"id": 3, "image_id": 1, "category_id": 2, "bbox": [1, 1, 2, 2]},
                        {"id": 4, "image_id": 1, "category_id": 4, "bbox": [1, 1, 2, 2]}]}"#;
    let p = plan(json);
    assert_eq!(p.categories, ["dog", "cat", "zebra"]);
    let names: Vec<&str> = p
        .annotations
        .iter()
        .map(|b| p.categories[b.category].as_str())
        .collect();
    assert_eq!(names, ["zebra", "cat", "dog", "cat"]);
}

#[test]
fn plans_an_empty_file() {
    let file = CocoFile::default();
    assert_eq!(plan_import(&file, project), CocoImportPlan::default());
}

#[test]
fn planning_in_chunks_gives_the_same_boxes_and_problems_as_at_once() {
    let json = with_annotations(
        &[
            ann(1, 1, 1, "[1, 1, 10, 10]"),
            ann(2, 2, 2, "[0, 0, 5, 5]"),
            ann(3, 9, 1, "[0, 0, 5, 5]"),
            ann(1, 1, 1, "[2, 2, 10, 10]"),
            ann(4, 1, 2, "[600, 400, 100, 100]"),
            ann(5, 2, 1, "[3, 3, 3, 3]"),
        ]
        .join(","),
    );
    let file = parse_coco(json.as_bytes()).unwrap();
    let whole = plan_import(&file, project);

    let mut planner = ImportPlanner::new(&file, project);
    let names = planner.category_names();
    let mut boxes = Vec::new();
    // Chunks of two: the duplicate id 1 is in another chunk than its first.
    for chunk in file.annotations.chunks(2) {
        boxes.extend(planner.plan(chunk));
    }
    let streamed = planner.finish();
    assert_eq!(streamed.problems, whole.problems);
    assert_eq!(streamed.categories, whole.categories);
    let by_name = |b: &PlannedAnnotation, names: &[String]| {
        (b.item, names[b.category].clone(), b.shapes.clone())
    };
    assert_eq!(
        boxes.iter().map(|b| by_name(b, &names)).collect::<Vec<_>>(),
        whole
            .annotations
            .iter()
            .map(|b| by_name(b, &whole.categories))
            .collect::<Vec<_>>()
    );
    assert_eq!(boxes.len(), 3);
}

#[test]
fn huge_and_negative_ids_are_keys_never_indexes() {
    let p = plan(
        r#"{"images": [{"id": 9223372036854775807, "file_name": "a.jpg"},
                       {"id": -4294967295, "file_name": "sub/b.jpg"}],
            "categories": [{"id": 4294967295, "name": "car"}, {"id": -9223372036854775808, "name": "行人"}],
            "annotations": [
              {"id": 1, "image_id": 9223372036854775807, "category_id": 4294967295, "bbox": [1, 1, 2, 2]},
              {"id": 2, "image_id": -4294967295, "category_id": -9223372036854775808, "bbox": [1, 1, 2, 2]},
              {"id": 3, "image_id": 1, "category_id": 4294967295, "bbox": [1, 1, 2, 2]}]}"#,
    );
    assert_eq!(p.annotations.len(), 2);
    assert_eq!(p.categories, ["行人", "car"]);
    assert_eq!(
        problems(&p),
        [("annotation id 3", "image id 1 is not in the file")]
    );
}
