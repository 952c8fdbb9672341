//! CVAT and labelme shapes through the real `shugu` binary, on files the real
//! tools wrote: datumaro's CVAT exporter (`tests/fixtures/cvat/shapes/`,
//! boxes, rotated boxes, polygons, polylines, points, masks), CVAT's own XML
//! writer (`tests/fixtures/cvat/skeleton/`, skeletons, ellipses, masks of a
//! patch) and labelme's own `LabelFile` (`tests/fixtures/labelme/shapes/`,
//! every labelme shape type). Each imports with its shapes, groups and
//! attributes, exports, and imports again to the same annotations; the
//! polygons exported to COCO give pycocotools the masks of the source
//! polygons.

use crate::common::cli::{FormatFixture, run_python_check};
use shugu::model::{
    AttrValue, Attributes, GroupId, Keypoint, RotatedRect, Shape, ShapeKind, Visibility,
};
use shugu::project::{Access, Project};
use std::path::Path;

const CVAT_SHAPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/shapes");
const CVAT_SKELETON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/skeleton");
const LABELME_SHAPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/labelme/shapes");

/// An annotation as the round trips compare it: image, class, shape (a
/// rotated box by its corners to a thousandth of a pixel, since a file may
/// give its corners rather than its angle), group and attributes.
type Row = (String, String, String, Option<i64>, Attributes);

fn shape_key(shape: &Shape) -> String {
    match shape {
        Shape::RotatedRect(r) => {
            let mut corners: Vec<(i64, i64)> = r
                .corners()
                .iter()
                .map(|p| ((p.x * 1000.0).round() as i64, (p.y * 1000.0).round() as i64))
                .collect();
            corners.sort_unstable();
            format!("rotated box {corners:?}")
        }
        other => format!("{other:?}"),
    }
}

fn rows(dir: &Path) -> Vec<Row> {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let mut rows: Vec<Row> = p
        .all_annotations()
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                p.item(a.item).unwrap().rel_path.clone(),
                p.schema().class(a.class).unwrap().name.clone(),
                shape_key(&a.shape),
                a.group.map(|g| g.0),
                a.attributes,
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    rows
}

/// The shapes of class `class`, in the order stored.
fn shapes_of(p: &Project, class: &str) -> Vec<(Shape, Option<GroupId>, Attributes)> {
    let id = p.schema().class_by_name(class).unwrap().id;
    p.all_annotations()
        .unwrap()
        .into_iter()
        .filter(|a| a.class == id)
        .map(|a| (a.shape, a.group, a.attributes))
        .collect()
}

fn text(v: &str) -> AttrValue {
    AttrValue::Text(v.into())
}

fn kinds(p: &Project) -> Vec<ShapeKind> {
    let mut kinds: Vec<ShapeKind> = p
        .all_annotations()
        .unwrap()
        .iter()
        .map(|a| a.shape.kind())
        .collect();
    kinds.sort_by_key(|k| k.code());
    kinds
}

#[test]
fn cvat_shapes_datumaro_wrote_import_export_and_import_the_same() {
    let s = FormatFixture::new(CVAT_SHAPES, "cvat", "dataset/images");
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, &s.path("dataset/annotations.xml"), &[]);
    assert!(
        stdout.contains("imported 7 annotations (2 rect, 1 rotated_rect, 1 polygon, 1 polyline, 1 keypoints, 1 mask)"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(stderr.trim(), "", "datumaro's file imports cleanly");
    {
        let p = Project::open(&first, Access::ReadOnly).unwrap();
        let cars = shapes_of(&p, "car");
        let rotated = cars.iter().find_map(|(s, _, _)| match s {
            Shape::RotatedRect(r) => Some(*r),
            _ => None,
        });
        assert_eq!(rotated, Some(RotatedRect::new(50.0, 20.0, 16.0, 8.0, 30.0)));
        let occluded = &cars
            .iter()
            .find(|(_, _, a)| a.contains_key("colour"))
            .unwrap()
            .2;
        assert_eq!(occluded["occluded"], AttrValue::Bool(true));
        assert_eq!(occluded["colour"], text("红"));
        let road = &shapes_of(&p, "road")[0];
        assert_eq!(
            (road.1, road.2["z_order"].clone()),
            (Some(GroupId(3)), text("1"))
        );
        assert!(
            cars.iter()
                .any(|(s, g, _)| matches!(s, Shape::Rect(_)) && *g == Some(GroupId(3)))
        );
        let Shape::Mask(stain) = &shapes_of(&p, "stain")[0].0 else {
            panic!("not a mask")
        };
        assert_eq!(
            (stain.area(), stain.is_set(60, 40), stain.is_set(60, 41)),
            (75, true, false)
        );
        let Shape::Keypoints(joint) = &shapes_of(&p, "joint")[0].0 else {
            panic!("not keypoints")
        };
        assert_eq!(joint[1], Keypoint::new(14.0, 44.5, Visibility::Visible));
    }

    let out = s.path("exported.xml");
    s.export(&first, "cvat", &out);
    let second = s.project("second");
    let (_, stderr) = s.import(&second, &out, &[]);
    assert_eq!(stderr.trim(), "", "our own export imports cleanly");
    assert_eq!(rows(&second), rows(&first));

    let coco = s.path("coco.json");
    s.export(&first, "coco", &coco);
    let source = s.path("dataset/annotations.xml");
    run_python_check(
        "check_polygon_masks.py",
        &[source.as_os_str(), coco.as_os_str()],
    );
}

#[test]
fn cvat_skeletons_ellipses_and_mask_patches_cvat_wrote_round_trip() {
    let s = FormatFixture::new(CVAT_SKELETON, "cvat", "dataset/images");
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, &s.path("dataset/annotations.xml"), &[]);
    assert!(
        stdout.contains("imported 5 annotations (1 rotated_rect, 2 polygon, 1 keypoints, 1 mask)"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("added keypoint names to classes: hand"),
        "{stdout}"
    );
    assert_eq!(
        stderr.trim(),
        "1 problem(s):\n  annotations.xml: 1 ellipse(s) were imported as polygons on their outline: a project has no ellipse shape",
    );
    let p = Project::open(&first, Access::ReadOnly).unwrap();
    let hand = p.schema().class_by_name("hand").unwrap();
    assert_eq!(hand.keypoints, ["wrist", "knuckle", "tip"]);
    assert_eq!(hand.skeleton, [(0, 1), (1, 2)]);
    let (shape, group, attributes) = &shapes_of(&p, "hand")[0];
    assert_eq!(
        *shape,
        Shape::Keypoints(vec![
            Keypoint::new(30.5, 70.0, Visibility::Visible),
            Keypoint::new(50.0, 40.25, Visibility::Occluded),
            Keypoint::NOT_LABELLED,
        ])
    );
    assert_eq!(
        (*group, attributes["side"].clone()),
        (Some(GroupId(5)), text("right"))
    );
    let (card, _, card_attributes) = &shapes_of(&p, "card")[0];
    assert_eq!(
        *card,
        Shape::RotatedRect(RotatedRect::new(20.0, 17.0, 20.0, 14.0, 15.0))
    );
    assert_eq!(card_attributes["face_up"], AttrValue::Bool(true));
    assert_eq!(card_attributes["occluded"], AttrValue::Bool(true));
    let (Shape::Mask(stain), Some(GroupId(5)), _) = &shapes_of(&p, "stain")[0] else {
        panic!("not a mask of group 5")
    };
    assert_eq!(
        (stain.area(), stain.is_set(80, 60), stain.is_set(81, 60)),
        (9, false, true)
    );
    let Shape::Polygon(cell) = &shapes_of(&p, "cell")[0].0 else {
        panic!("the ellipse is not a polygon")
    };
    let exact = std::f64::consts::PI * 10.0 * 4.0;
    assert!(
        (cell.area() - exact).abs() / exact < 5e-3,
        "{}",
        cell.area()
    );
    drop(p);

    let out = s.path("exported.xml");
    s.export(&first, "cvat", &out);
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<skeleton label=\"hand\""), "{xml}");
    assert!(xml.contains("<parent>hand</parent>"), "{xml}");
    let second = s.project("second");
    let (_, stderr) = s.import(&second, &out, &[]);
    assert_eq!(stderr.trim(), "", "our own export imports cleanly");
    assert_eq!(rows(&second), rows(&first));
    let p = Project::open(&second, Access::ReadOnly).unwrap();
    let hand = p.schema().class_by_name("hand").unwrap();
    assert_eq!((hand.keypoints.len(), hand.skeleton.len()), (3, 2));
}

#[test]
fn labelme_shapes_labelme_wrote_import_export_and_import_the_same() {
    let s = FormatFixture::new(LABELME_SHAPES, "labelme", "dataset");
    let first = s.project("first");
    let args = ["--add-unknown-classes"];
    let (stdout, stderr) = s.import(&first, &s.path("dataset"), &args);
    assert!(
        stdout.contains("imported 9 annotations (1 rect, 1 rotated_rect, 3 polygon, 2 polyline, 1 keypoints, 1 mask)"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("c.json: 1 circle(s) were imported as polygons on their outline"),
        "{stderr}"
    );
    let p = Project::open(&first, Access::ReadOnly).unwrap();
    assert_eq!(
        kinds(&p),
        [
            ShapeKind::Rect,
            ShapeKind::RotatedRect,
            ShapeKind::Polygon,
            ShapeKind::Polygon,
            ShapeKind::Polygon,
            ShapeKind::Polyline,
            ShapeKind::Polyline,
            ShapeKind::Keypoints,
            ShapeKind::Mask
        ]
    );
    let roads = shapes_of(&p, "road");
    let wet = roads.iter().find(|(_, g, _)| g.is_some()).unwrap();
    assert_eq!(wet.1, Some(GroupId(1)));
    assert_eq!(wet.2["description"], text("wet 路面"));
    assert_eq!(wet.2["occluded"], AttrValue::Bool(true));
    assert_eq!(wet.2["truncated"], AttrValue::Bool(false));
    let car = shapes_of(&p, "car");
    assert!(
        car.iter()
            .any(|(s, g, _)| matches!(s, Shape::Rect(_)) && *g == Some(GroupId(1)))
    );
    let Shape::Mask(stain) = &shapes_of(&p, "stain")[0].0 else {
        panic!("not a mask")
    };
    assert_eq!(
        (stain.area(), stain.is_set(61, 40), stain.is_set(60, 40)),
        (13, true, false)
    );
    drop(p);

    let out = s.path("exported");
    s.export(&first, "labelme", &out);
    let second = s.project("second");
    let (_, stderr) = s.import(&second, &out, &args);
    assert_eq!(stderr.trim(), "", "our own export imports cleanly");
    assert_eq!(rows(&second), rows(&first));

    let coco = s.path("coco.json");
    s.export(&first, "coco", &coco);
    let source = s.path("dataset");
    run_python_check(
        "check_polygon_masks.py",
        &[source.as_os_str(), coco.as_os_str()],
    );
}
