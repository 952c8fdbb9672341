//! The formats that hold boxes only (YOLO, Pascal VOC) export a shape of
//! another kind as its bounding box, and say so for each one, never
//! silently; a shape whose box has no area is left out, and said too. COCO,
//! CVAT, labelme and Label Studio write the shapes themselves.

use crate::common::cli::{export_run, text};
use crate::common::image_project;
use shugu::jobs::ItemScope;
use shugu::jobs::cvat::export_cvat;
use shugu::jobs::label_studio_images::export_label_studio_images;
use shugu::jobs::labelme::export_labelme;
use shugu::jobs::voc::export_voc;
use shugu::jobs::yolo::{YoloExportOptions, export_yolo};
use shugu::model::{
    BBox, ClassId, Edit, Keypoint, NewAnnotation, Point, Polygon, RotatedRect, Shape, Visibility,
};
use shugu::project::{Access, Project};

/// A 100×80 image with a box, a triangle, a rotated box, two keypoints and a
/// level line (a box of no height).
pub(crate) fn project_with_shapes() -> crate::common::Fixture {
    let fx = image_project(&[("a.png", 100, 80)], &["thing"], &[], false);
    let mut p = Project::open(&fx.project, Access::ReadWrite).unwrap();
    let item = p.items()[0].id;
    let shapes = [
        Shape::Rect(BBox::from_xywh(1.0, 2.0, 10.0, 10.0)),
        Shape::Polygon(Polygon::new(vec![
            Point::new(20.0, 10.0),
            Point::new(40.0, 10.0),
            Point::new(30.0, 30.0),
        ])),
        Shape::RotatedRect(RotatedRect::new(60.0, 40.0, 20.0, 10.0, 90.0)),
        Shape::Keypoints(vec![
            Keypoint::new(5.0, 50.0, Visibility::Visible),
            Keypoint::new(15.0, 70.0, Visibility::Occluded),
        ]),
        Shape::Polyline(vec![Point::new(10.0, 75.0), Point::new(90.0, 75.0)]),
    ];
    let new = shapes
        .into_iter()
        .map(|s| NewAnnotation::new(item, ClassId(1), s))
        .collect();
    p.apply(Edit::AddAnnotations(new)).unwrap();
    fx
}

fn notes(list: &[(String, String)]) -> Vec<String> {
    list.iter()
        .map(|(path, note)| format!("{path}: {note}"))
        .collect()
}

/// What every box-only export must say: three shapes as boxes, the line left out.
fn assert_said(written: usize, as_boxes: &[(String, String)], left_out: &[(String, String)]) {
    assert_eq!(written, 4, "the box and three shapes as their boxes");
    let as_boxes = notes(as_boxes);
    assert_eq!(as_boxes.len(), 3, "{as_boxes:?}");
    for kind in ["polygon", "rotated_rect", "keypoints"] {
        assert!(
            as_boxes
                .iter()
                .any(|n| n.starts_with(&format!("a.png: {kind} "))
                    && n.ends_with("was written as its bounding box: the format holds boxes only")),
            "{kind}: {as_boxes:?}"
        );
    }
    let left_out = notes(left_out);
    assert_eq!(left_out.len(), 1, "{left_out:?}");
    assert!(left_out[0].contains("polyline"), "{left_out:?}");
}

/// What the formats that hold every shape must say: all five written, the
/// keypoints without their occluded point's visibility (a class without
/// point names), and nothing as a box.
fn assert_shapes_written(w: &shugu::jobs::ImageExportReport) {
    assert_eq!(w.boxes, 5, "{:?}", w.left_out_annotations);
    assert!(w.as_boxes.is_empty() && w.left_out_annotations.is_empty());
    let converted = notes(&w.converted);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert!(
        converted[0].starts_with("a.png: keypoints "),
        "{converted:?}"
    );
}

#[test]
fn box_formats_write_other_shapes_as_their_boxes_and_say_so() {
    let fx = project_with_shapes();
    let p = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let out = |name: &str| fx.root.path().join(name);
    let none = &mut |_| {};

    let detect = YoloExportOptions::default();
    let yolo = export_yolo(&p, &out("yolo"), ItemScope::All, detect, none).unwrap();
    assert_said(yolo.rows, &yolo.as_boxes, &yolo.left_out_annotations);
    let voc = export_voc(&p, &out("voc"), ItemScope::All, none).unwrap();
    assert_said(voc.boxes, &voc.as_boxes, &voc.left_out_annotations);
    let cvat = export_cvat(&p, &out("cvat.xml"), ItemScope::All, none).unwrap();
    assert_shapes_written(&cvat.written);
    let labelme = export_labelme(&p, &out("labelme"), ItemScope::All, none).unwrap();
    assert_shapes_written(&labelme);
    // Label Studio holds every shape: the line goes out as an unfinished
    // polygon, the keypoints of a class without point names as single points.
    let ls = export_label_studio_images(&p, &out("ls.json"), ItemScope::All).unwrap();
    assert_eq!(ls.boxes, 5);
    assert!(ls.as_boxes.is_empty() && ls.left_out_annotations.is_empty());
    let converted = notes(&ls.converted);
    assert_eq!(converted.len(), 2, "{converted:?}");
    assert!(
        converted.iter().any(|n| n.contains("names no points")),
        "{converted:?}"
    );
    assert!(
        converted.iter().any(|n| n.contains("polyline")),
        "{converted:?}"
    );

    // The triangle's box, in YOLO's normalised centre form.
    let labels = std::fs::read_to_string(out("yolo").join("labels/a.txt")).unwrap();
    assert!(
        labels.lines().any(|l| l == "0 0.3 0.25 0.2 0.25"),
        "{labels}"
    );
    // The rotated box turned a quarter: 10 wide, 20 high around (60, 40).
    assert!(
        labels.lines().any(|l| l == "0 0.6 0.5 0.1 0.25"),
        "{labels}"
    );
}

#[test]
fn the_command_line_says_which_shapes_went_out_as_boxes() {
    let fx = project_with_shapes();
    let run = export_run(&fx.project, "yolo", &fx.root.path().join("yolo"));
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("wrote 3 other shape(s) as boxes:"),
        "{stderr}"
    );
    assert!(stderr.contains("left out 1 annotation(s):"), "{stderr}");
    assert!(
        stderr.contains("a.png: polygon 2 was written as its bounding box"),
        "{stderr}"
    );
}
