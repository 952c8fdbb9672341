//! Issue 14's acceptance 2, end to end: the datumaro-written COCO files of
//! `tests/fixtures/coco/datumaro/` (polygons of one part and of two, crowd RLE
//! masks, boxes, people with a polygon and 17 keypoints) imported into a
//! project by `shugu import`, exported again by `shugu export --format coco`,
//! and the export checked with pycocotools: `check_coco.py` (structure, and
//! COCOeval of the file against itself: AP 1.0 for bbox, segm and keypoints)
//! and `check_coco_roundtrip.py --match-content` (every mask of the original
//! back with IoU ≥ 0.99 through `annToMask`, every box within 1e-3 px, every
//! labelled keypoint within 0.5 px, `iscrowd` kept).
//!
//! Needs a Python with pycocotools and numpy (`$SHUGU_PYTHON`, set by
//! `tests/run-all.sh`); without one the test fails and says so.

use crate::common::cli::{export_ok, run_python_check, shugu, succeeds, text};
use crate::common::image_project;
use shugu::model::{COCO_PERSON_KEYPOINTS, ShapeKind};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/coco/datumaro");

/// The fixture's images, at their sizes.
const IMAGES: [(&str, u32, u32); 3] = [
    ("street.jpg", 640, 480),
    ("park.jpg", 500, 375),
    ("crowd.jpg", 320, 240),
];

/// `shugu import PROJECT FIXTURE/name`: its stdout, once it succeeded, and stderr.
fn import(project: &Path, name: &str) -> (String, String) {
    let file = Path::new(FIXTURE).join(name);
    let out = shugu(["import".as_ref(), project.as_os_str(), file.as_os_str()]);
    (succeeds(&out), text(&out.stderr))
}

/// Imports `name` into a new project, exports it, checks the export with
/// pycocotools, and returns the project's folder (with its fixture).
fn round_trip(name: &str) -> (crate::common::Fixture, BTreeMap<&'static str, usize>) {
    let fx = image_project(&IMAGES, &[], &[], false);
    let original = Path::new(FIXTURE).join(name);
    let (stdout, stderr) = import(&fx.project, name);
    // Every record imports; a polygon reaching past its image is clipped to
    // it (pycocotools' mask ends there too), and said.
    for line in stderr.lines().skip(1) {
        assert!(line.ends_with("the part inside was imported"), "{stderr}");
    }
    assert!(stdout.contains("imported "), "{stdout}");

    let written = fx.root.path().join("written.json");
    let said = export_ok(&fx.project, "coco", &written);
    assert!(said.contains(" annotations"), "{said}");
    run_python_check("check_coco.py", &[written.as_os_str()]);
    run_python_check(
        "check_coco_roundtrip.py",
        &[
            original.as_os_str(),
            written.as_os_str(),
            "--match-content".as_ref(),
        ],
    );

    let project = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let mut kinds = BTreeMap::new();
    for a in project.all_annotations().unwrap() {
        *kinds.entry(a.shape.kind().as_str()).or_default() += 1;
    }
    (fx, kinds)
}

#[test]
fn datumaro_instances_go_through_a_project_and_back_with_the_same_masks() {
    let (fx, kinds) = round_trip("instances_default.json");
    // Nine records: polygons (one of two parts), two crowd masks, and a car
    // whose segmentation is `[]`, its bbox.
    let want: BTreeMap<&str, usize> = [("polygon", 6), ("mask", 2), ("rect", 1)].into();
    assert_eq!(kinds, want);
    let project = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let crowds: Vec<ShapeKind> = project
        .all_annotations()
        .unwrap()
        .iter()
        .filter(|a| a.is_crowd())
        .map(|a| a.shape.kind())
        .collect();
    assert_eq!(crowds, [ShapeKind::Mask, ShapeKind::Mask]);
}

#[test]
fn datumaro_people_go_through_a_project_and_back_with_the_same_keypoints() {
    let (fx, kinds) = round_trip("person_keypoints_default.json");
    // Three people: two with a polygon, one with only its bbox, each with
    // its keypoints.
    let want: BTreeMap<&str, usize> = [("keypoints", 3), ("polygon", 2), ("rect", 1)].into();
    assert_eq!(kinds, want);
    let project = Project::open(&fx.project, Access::ReadOnly).unwrap();
    // The class took its category's points and skeleton (0-based here).
    let person = project.schema().class_by_name("person").unwrap();
    assert_eq!(person.keypoints, COCO_PERSON_KEYPOINTS.map(String::from));
    assert_eq!(person.skeleton.len(), 19);
    assert!(person.skeleton.contains(&(15, 13)), "{:?}", person.skeleton);
    // Each person's polygon and keypoints are one group.
    let annotations = project.all_annotations().unwrap();
    for a in &annotations {
        let group = a.group.expect("a person's shapes are grouped");
        let together: Vec<ShapeKind> = annotations
            .iter()
            .filter(|b| b.item == a.item && b.group == Some(group))
            .map(|b| b.shape.kind())
            .collect();
        assert_eq!(together.len(), 2, "{together:?}");
    }
}

/// A class that already says what it takes keeps it: the shapes it cannot take
/// are left out and named, the rest imports.
#[test]
fn shapes_a_class_cannot_take_are_left_out_and_named() {
    let fx = image_project(&IMAGES, &["person"], &[], false);
    {
        let mut p = Project::open(&fx.project, Access::ReadWrite).unwrap();
        p.update_schema(|s| {
            let person = &mut s.classes[0];
            person.shapes = vec![ShapeKind::Rect, ShapeKind::Keypoints];
            person.keypoints = vec!["head".into(), "tail".into()];
        })
        .unwrap();
    }
    let (stdout, stderr) = import(&fx.project, "person_keypoints_default.json");
    // The bbox-only person's box; no polygon, no keypoints of the wrong count.
    assert!(
        stdout.contains("imported 1 annotations"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains(
            "annotation id 1: left out its polygon: class person takes rect, keypoints, \
             not a polygon"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "annotation id 8: left out its keypoints: class person names 2 keypoints, \
             but the shape has 17"
        ),
        "{stderr}"
    );
    let p = Project::open(&fx.project, Access::ReadOnly).unwrap();
    assert_eq!(
        p.schema().classes[0].keypoints.len(),
        2,
        "the class keeps its names"
    );
}
