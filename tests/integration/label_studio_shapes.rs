//! Label Studio's image shapes, both ways, on files its own tools wrote
//! (`tests/fixtures/label_studio/make_shape_fixtures.py`): a Label Studio
//! server's JSON export with rotated rectangles, polygons, an unfinished
//! polygon, keypoints under their person's box, an ellipse, a brush and
//! per-region classifications (`ls_shapes.json`), label-studio-sdk's COCO
//! import (`converter_from_coco.json`), and our own export as a Label Studio
//! server exports it again (`ls_shapes.through_label_studio.json`). Round trips go import → export →
//! import into a new project; the COCO cross-check needs a Python with
//! pycocotools (`$SHUGU_PYTHON`, as `tests/run-all.sh` sets it).

use crate::common::cli::{copy_dir, open_when_free, run_python_check};
use shugu::formats::label_studio_images::{decode_brush, encode_brush};
use shugu::jobs::ItemScope;
use shugu::jobs::box_labels::{BoxImportOptions, BoxLabelReport};
use shugu::jobs::coco::export_coco;
use shugu::jobs::label_studio_images::{export_label_studio_images, import_label_studio_images};
use shugu::jobs::scan::BackgroundScan;
use shugu::model::{
    AttrValue, Attributes, BBox, ClassDef, ClassId, ImageLabelMode, Keypoint, LabelSchema, Point,
    Polygon, Rgb, Rle, Shape, ShapeKind, Visibility,
};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join("label_studio").join(name)
}

/// A project over a copy of the labelme fixture's images (a.png 64×48,
/// sub/b.png 40×30), with `classes` in its schema.
fn project(tmp: &Path, name: &str, classes: Vec<ClassDef>) -> PathBuf {
    let images = tmp.join("dataset");
    if !images.exists() {
        copy_dir(&Path::new(FIXTURES).join("labelme/dataset"), &images);
    }
    let dir = tmp.join(name);
    let schema = LabelSchema {
        image_label_mode: ImageLabelMode::Multi,
        classes,
        ..Default::default()
    };
    let mut p = Project::create(&dir, name, &images, schema).unwrap();
    BackgroundScan::start(p.image_root())
        .finish_into(&mut p, |_| {})
        .unwrap();
    dir
}

fn import(dir: &Path, file: &Path) -> BoxLabelReport {
    let mut p = open_when_free(dir);
    let options = BoxImportOptions {
        add_unknown_classes: true,
        ..BoxImportOptions::default()
    };
    import_label_studio_images(&mut p, file, options).unwrap()
}

/// One annotation as a round trip must keep it: class, shape, attributes,
/// and the other annotations of its group (by index in the item's list).
#[derive(Debug)]
struct Kept {
    class: String,
    shape: Shape,
    attributes: Attributes,
    group: Vec<usize>,
}

/// Each item's annotations by path, in id order, with their groups as the
/// sets of annotations they hold (ids and group numbers are the project's own).
fn kept(dir: &Path) -> BTreeMap<String, Vec<Kept>> {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let mut by_item: BTreeMap<String, Vec<_>> = BTreeMap::new();
    let mut all = p.all_annotations().unwrap();
    all.sort_by_key(|a| a.id);
    for a in all {
        let path = p.item(a.item).unwrap().rel_path.clone();
        by_item.entry(path).or_default().push(a);
    }
    by_item
        .into_iter()
        .map(|(path, list)| {
            let kept = list
                .iter()
                .map(|a| Kept {
                    class: p.schema().class(a.class).unwrap().name.clone(),
                    shape: a.shape.clone(),
                    attributes: a.attributes.clone(),
                    group: a.group.map_or_else(Vec::new, |g| {
                        (0..list.len())
                            .filter(|&i| list[i].group == Some(g))
                            .collect()
                    }),
                })
                .collect();
            (path, kept)
        })
        .collect()
}

/// The shape's points (a box's corners, every part's points, keypoints
/// with their visibility as a third number).
fn points(s: &Shape) -> Vec<[f32; 3]> {
    let p = |q: &Point| [q.x, q.y, 0.0];
    match s {
        Shape::Rect(b) => vec![[b.min_x, b.min_y, 0.0], [b.max_x, b.max_y, 0.0]],
        Shape::RotatedRect(r) => r.corners().iter().map(p).collect(),
        Shape::Polygon(poly) => poly
            .parts()
            .enumerate()
            .flat_map(|(i, part)| part.iter().map(move |q| [q.x, q.y, i as f32]))
            .collect(),
        Shape::Polyline(line) => line.iter().map(p).collect(),
        Shape::Keypoints(k) => k.iter().map(|k| [k.x, k.y, k.v as u8 as f32]).collect(),
        Shape::Mask(_) => Vec::new(),
    }
}

/// Whether two shapes agree to `tol` pixels (masks exactly).
fn close(a: &Shape, b: &Shape, tol: f32) -> bool {
    if let (Shape::Mask(m), Shape::Mask(n)) = (a, b) {
        return m == n;
    }
    let (pa, pb) = (points(a), points(b));
    a.kind() == b.kind()
        && pa.len() == pb.len()
        && pa
            .iter()
            .zip(&pb)
            .all(|(p, q)| (p[0] - q[0]).abs() <= tol && (p[1] - q[1]).abs() <= tol && p[2] == q[2])
}

fn assert_same(first: &BTreeMap<String, Vec<Kept>>, again: &BTreeMap<String, Vec<Kept>>) {
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for (path, list) in first {
        let other = &again[path];
        assert_eq!(list.len(), other.len(), "{path}: {list:?}\n{other:?}");
        for (a, b) in list.iter().zip(other) {
            let what = format!("{path}: {a:?}\nread back as {b:?}");
            assert_eq!(a.class, b.class, "{what}");
            assert!(close(&a.shape, &b.shape, 1e-3), "{what}");
            assert_eq!(a.attributes, b.attributes, "{what}");
            assert_eq!(a.group, b.group, "{what}");
        }
    }
}

fn class<'a>(p: &'a Project, name: &str) -> &'a ClassDef {
    p.schema().class_by_name(name).unwrap()
}

fn text(v: &str) -> AttrValue {
    AttrValue::Text(v.into())
}

#[test]
fn a_label_studio_export_imports_every_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "p", Vec::new());
    let report = import(&dir, &fixture("ls_shapes.json"));
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            format!(
                "{}: 1 ellipse(s) imported as polygons: Shugu has no ellipse shape",
                fixture("ls_shapes.json").display()
            ),
            format!(
                "{}: 1 unfinished polygon(s) (`closed: false`) imported as polylines",
                fixture("ls_shapes.json").display()
            ),
        ]
    );
    assert_eq!((report.records, report.matched), (2, 2));
    assert_eq!(report.keypoint_classes, ["person"]);
    let kinds: Vec<(ShapeKind, usize)> = report.kinds.clone();
    assert_eq!(
        kinds,
        [
            (ShapeKind::Rect, 3),
            (ShapeKind::RotatedRect, 1),
            (ShapeKind::Polygon, 3),
            (ShapeKind::Polyline, 1),
            (ShapeKind::Keypoints, 2),
            (ShapeKind::Mask, 1),
        ]
    );
    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(
        class(&p, "person").keypoints,
        ["nose", "left_eye", "right_eye"]
    );
    drop(p);

    let items = kept(&dir);
    let a = &items["a.png"];
    let summary: Vec<(&str, ShapeKind)> = a
        .iter()
        .map(|k| (k.class.as_str(), k.shape.kind()))
        .collect();
    assert_eq!(
        summary,
        [
            ("car", ShapeKind::Rect),
            ("car", ShapeKind::RotatedRect),
            ("road", ShapeKind::Polygon),
            ("person", ShapeKind::Rect),
            ("person", ShapeKind::Keypoints),
            ("ball", ShapeKind::Polygon),
            ("sky", ShapeKind::Mask),
        ]
    );
    assert_eq!(
        a[0].shape,
        Shape::Rect(BBox::from_corners([4.0, 6.0], [30.0, 18.0]))
    );
    // 25 % × 20 % at (50 %, 50 %) of 64×48, turned 30° about that corner.
    let Shape::RotatedRect(r) = &a[1].shape else {
        unreachable!()
    };
    let top_left = r.top_left();
    assert!(
        (top_left.x - 32.0).abs() < 1e-4 && (top_left.y - 24.0).abs() < 1e-4,
        "{r:?}"
    );
    assert_eq!((r.w, r.h, r.angle), (16.0, 9.6, 30.0));
    assert_eq!(
        a[1].attributes,
        Attributes::from([("state".into(), text("moving"))])
    );
    let road = Polygon::new(
        [
            [6.4, 28.8],
            [25.6, 26.4],
            [35.2, 38.4],
            [19.2, 45.6],
            [3.2, 40.8],
        ]
        .map(Point::from)
        .to_vec(),
    );
    assert!(
        close(&a[2].shape, &Shape::Polygon(road), 1e-4),
        "{:?}",
        a[2].shape
    );
    assert_eq!(
        a[2].attributes,
        Attributes::from([("note".into(), text("gravel"))])
    );
    assert_eq!(
        a[3].shape,
        Shape::Rect(BBox::from_corners([38.4, 4.8], [57.6, 43.2]))
    );
    let v = Visibility::Visible;
    let face = Shape::Keypoints(vec![
        Keypoint::new(48.0, 12.0, v),
        Keypoint::new(44.8, 9.0, v),
        Keypoint::new(51.2, 9.0, v),
    ]);
    assert!(close(&a[4].shape, &face, 1e-4), "{:?}", a[4].shape);
    assert_eq!(
        (a[3].group.as_slice(), a[4].group.as_slice()),
        (&[3, 4][..], &[3, 4][..])
    );
    assert!(
        a.iter()
            .enumerate()
            .all(|(i, k)| k.group.is_empty() || i == 3 || i == 4)
    );
    // The ellipse: centre (12.8, 38.4), radii 5.12 and 4.8, turned 15°.
    let ball = a[5].shape.bounds();
    assert!((ball.min_x + ball.max_x - 25.6).abs() < 0.01, "{ball:?}");
    assert!(
        ball.width() > 2.0 * 4.8 && ball.width() < 2.0 * 5.12,
        "{ball:?}"
    );
    let Shape::Mask(sky) = &a[6].shape else {
        unreachable!()
    };
    assert_eq!(sky.area(), 6 * 40 + 3 * 10);
    assert!(sky.is_set(39, 5) && sky.is_set(10, 8) && !sky.is_set(40, 0) && !sky.is_set(9, 8));

    let b = &items["sub/b.png"];
    let summary: Vec<(&str, ShapeKind)> = b
        .iter()
        .map(|k| (k.class.as_str(), k.shape.kind()))
        .collect();
    assert_eq!(
        summary,
        [
            ("road", ShapeKind::Polygon),
            ("lane", ShapeKind::Polyline),
            ("person", ShapeKind::Rect),
            ("person", ShapeKind::Keypoints),
        ]
    );
    let lane = [[4.0, 27.0], [20.0, 18.0], [36.0, 27.0]]
        .map(Point::from)
        .to_vec();
    assert!(
        close(&b[1].shape, &Shape::Polyline(lane), 1e-4),
        "{:?}",
        b[1].shape
    );
    // A nose under no box: the person's points of the task, the others unlabelled.
    let nose = Shape::Keypoints(vec![
        Keypoint::new(32.0, 6.0, v),
        Keypoint::default(),
        Keypoint::default(),
    ]);
    assert!(close(&b[3].shape, &nose, 1e-4), "{:?}", b[3].shape);
    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(
        crate::common::image_label_names(&p)["a.png"],
        ["night".to_string()]
    );
}

#[test]
fn label_studio_shapes_round_trip_through_our_export() {
    let tmp = tempfile::tempdir().unwrap();
    let first = project(tmp.path(), "p1", Vec::new());
    import(&first, &fixture("ls_shapes.json"));
    let p = Project::open(&first, Access::ReadOnly).unwrap();
    let out = tmp.path().join("ls.json");
    let report = export_label_studio_images(&p, &out, ItemScope::All).unwrap();
    assert_eq!((report.images, report.boxes), (2, 11));
    assert!(
        report.left_out_annotations.is_empty(),
        "{:?}",
        report.left_out_annotations
    );
    assert!(report.as_boxes.is_empty(), "{:?}", report.as_boxes);
    let converted: Vec<&str> = report.converted.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert!(converted[0].contains("polyline"), "{converted:?}");
    let schema = p.schema().clone();
    drop(p);
    // Beside it, the labelling config that reads it (`through_label_studio.py`
    // makes a Label Studio project with it).
    let config = std::fs::read_to_string(tmp.path().join("ls.label_config.xml")).unwrap();
    for tag in [
        "<RectangleLabels name=\"label\"",
        "<PolygonLabels name=\"polygon\"",
        "<Label value=\"nose\" model_index=\"0\"/>",
        "<BrushLabels name=\"brush\"",
        "<Choices name=\"state\" toName=\"image\" perRegion=\"true\"><Choice value=\"moving\"/>",
        "<TextArea name=\"note\"",
    ] {
        assert!(config.contains(tag), "{tag}: {config}");
    }

    let again = project(tmp.path(), "p2", Vec::new());
    let report = import(&again, &out);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems.len(),
        1,
        "the polyline is said again: {problems:?}"
    );
    assert_same(&kept(&first), &kept(&again));
    let p2 = Project::open(&again, Access::ReadOnly).unwrap();
    for c in &schema.classes {
        let other = class(&p2, &c.name);
        assert_eq!(
            (&c.keypoints, &c.skeleton),
            (&other.keypoints, &other.skeleton)
        );
    }
    assert_eq!(
        crate::common::image_label_names(&p2),
        crate::common::image_label_names(&Project::open(&first, Access::ReadOnly).unwrap())
    );
}

/// `ls_shapes.through_label_studio.json` is our export of `ls_shapes.json`
/// imported into a Label Studio server and exported by it
/// (`through_label_studio.py`, which also checks that label-studio-sdk
/// decodes its brush and converts its polygons): read back, it is the same.
#[test]
fn our_export_through_label_studio_reads_back_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let first = project(tmp.path(), "p1", Vec::new());
    import(&first, &fixture("ls_shapes.json"));
    let again = project(tmp.path(), "p2", Vec::new());
    let report = import(&again, &fixture("ls_shapes.through_label_studio.json"));
    assert_eq!(
        report.problems.len(),
        1,
        "the polyline: {:?}",
        report.problems
    );
    assert_same(&kept(&first), &kept(&again));
}

#[test]
fn keypoints_without_a_box_round_trip_into_a_project_with_their_class() {
    // label-studio-sdk's COCO import writes a person's points labelled with
    // the class's own name, in its order, hidden when COCO's visibility is
    // below 2 (and at 0, 0 when it is 0).
    let tmp = tempfile::tempdir().unwrap();
    let mut person = ClassDef::new(ClassId(1), "person", Rgb(200, 40, 40));
    person.keypoints = ["nose", "left_eye", "right_eye"].map(String::from).to_vec();
    person.skeleton = vec![(0, 1), (0, 2)];
    let first = project(tmp.path(), "p1", vec![person.clone()]);
    let report = import(&first, &fixture("converter_from_coco.json"));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let items = kept(&first);
    let b = &items["sub/b.png"];
    let keypoints: Vec<&Kept> = b
        .iter()
        .filter(|k| k.shape.kind() == ShapeKind::Keypoints)
        .collect();
    assert_eq!(keypoints.len(), 1, "{b:?}");
    // The COCO source: (20, 10) visible, (16, 8) not visible, the third unlabelled.
    let want = Shape::Keypoints(vec![
        Keypoint::new(20.0, 10.0, Visibility::Visible),
        Keypoint::new(16.0, 8.0, Visibility::Occluded),
        Keypoint::default(),
    ]);
    assert!(
        close(&keypoints[0].shape, &want, 1e-4),
        "{:?}",
        keypoints[0].shape
    );
    // Its two-part polygon arrives as two polygons (the converter writes a
    // result per part), each exactly a part of the source.
    let a = &items["a.png"];
    let parts: Vec<&Shape> = a
        .iter()
        .filter(|k| k.shape.kind() == ShapeKind::Polygon)
        .map(|k| &k.shape)
        .collect();
    let first_part = [[2.0, 24.0], [16.0, 24.0], [16.0, 34.0], [2.0, 34.0]];
    let second_part = [[20.0, 36.0], [32.0, 36.0], [26.0, 44.0]];
    let part = |xy: &[[f32; 2]]| {
        Shape::Polygon(Polygon::new(xy.iter().map(|&q| Point::from(q)).collect()))
    };
    assert!(close(parts[0], &part(&first_part), 1e-4), "{parts:?}");
    assert!(close(parts[1], &part(&second_part), 1e-4), "{parts:?}");

    // Our export links the points to each other, so they come back as one
    // object into a project that has the class.
    let p = Project::open(&first, Access::ReadOnly).unwrap();
    let out = tmp.path().join("ls.json");
    export_label_studio_images(&p, &out, ItemScope::All).unwrap();
    drop(p);
    let again = project(tmp.path(), "p2", vec![person]);
    let report = import(&again, &out);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_same(&items, &kept(&again));
}

#[test]
fn label_studio_polygons_and_brushes_give_the_converters_coco_masks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "p", Vec::new());
    import(&dir, &fixture("ls_shapes.json"));
    let p = Project::open(&dir, Access::ReadOnly).unwrap();
    let coco = tmp.path().join("coco.json");
    export_coco(&p, &coco).unwrap();
    run_python_check(
        "check_label_studio_coco.py",
        &[
            coco.as_os_str(),
            fixture("ls_shapes.converter_coco.json").as_os_str(),
            fixture("ls_shapes.masks.json").as_os_str(),
            "--not-polygon".as_ref(),
            "lane".as_ref(),
        ],
    );
}

/// `brush_rle_pack.json` was packed by @thi.ng/rle-pack, the encoder Label
/// Studio's frontend saves brushes with (`make_brush_rle_pack.mjs`): an
/// anti-aliased disc, whose edge makes the literal chunks label-studio-sdk's
/// encoder never writes. It decodes to the pixels whose alpha is not 0, as
/// the SDK's `decode_rle` gives them, and our encoding of that mask decodes
/// the same.
#[test]
fn a_brush_packed_by_label_studios_own_encoder_decodes() {
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("brush_rle_pack.json")).unwrap()).unwrap();
    let number = |v: &serde_json::Value| v.as_u64().unwrap();
    let (w, h) = (
        number(&file["width"]) as u32,
        number(&file["height"]) as u32,
    );
    let rle: Vec<u8> = file["rle"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| number(b) as u8)
        .collect();
    let mut want = Vec::new();
    for (i, run) in file["row_major_runs"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        want.extend(std::iter::repeat_n((i % 2) as u8, number(run) as usize));
    }
    let brush = decode_brush(&rle, (w, h), (w, h)).unwrap();
    assert_eq!((brush.patch.rows.len(), brush.cut), (want.len(), 0));
    assert_eq!(brush.patch.rows, want);
    let mask = Rle::encode_row_major(h, w, &want).unwrap();
    let again = decode_brush(&encode_brush(&mask).unwrap(), (w, h), (w, h)).unwrap();
    assert_eq!(again.patch.rows, want);
}

/// Into a project without the person class, label-studio-sdk's COCO import
/// gives its points as one-point keypoints of `person`, said once; COCO's
/// unlabelled point (hidden at 0, 0) is no shape and is said, and the rest
/// imports (it once made the whole import fail as an invalid edit).
#[test]
fn points_of_no_keypoint_class_are_one_point_keypoints_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "p", Vec::new());
    let report = import(&dir, &fixture("converter_from_coco.json"));
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains(
            "task 1, annotation 0, result 3: no point of this `person` object is labelled"
        ),
        "{problems:?}"
    );
    assert!(problems[1].ends_with("2 point(s) under no region and of no keypoint class imported as one-point keypoints of their label"), "{problems:?}");
    let items = kept(&dir);
    let points: Vec<&Shape> = items["sub/b.png"]
        .iter()
        .filter(|k| k.class == "person" && k.shape.kind() == ShapeKind::Keypoints)
        .map(|k| &k.shape)
        .collect();
    let want = [
        Shape::Keypoints(vec![Keypoint::new(20.0, 10.0, Visibility::Visible)]),
        Shape::Keypoints(vec![Keypoint::new(16.0, 8.0, Visibility::Occluded)]),
    ];
    assert_eq!(points.len(), 2, "{points:?}");
    assert!(
        points.iter().zip(&want).all(|(a, b)| close(a, b, 1e-4)),
        "{points:?}"
    );
}
