//! Annotations of every shape kind through the edit path: added, their shape
//! set, undone and redone, stored exactly (read back bit for bit); checked
//! against their class (the kinds it takes, the keypoints it names) and
//! clamped to their image; proposed and accepted; streamed in bulk.

use super::every_edit::{World, cycle};
use super::{Fixture, OpenStore, fixture};
use crate::model::{
    BBox, ClassId, Edit, GroupId, Keypoint, NewAnnotation, NewProposal, Point, Polygon, Rle,
    RotatedRect, Shape, ShapeKind, Visibility,
};
use crate::project::{Project, ProjectError};

const CAR: ClassId = ClassId(1);

/// The suite's fixture with a class `hand` taking keypoints only, with three
/// named points.
fn with_hand_class(open: OpenStore) -> (Fixture, ClassId) {
    let mut f = fixture(open);
    let hand = add_hand_class(&mut f.project);
    (f, hand)
}

/// Adds a class `hand` taking keypoints only, with three named points.
fn add_hand_class(p: &mut Project) -> ClassId {
    let mut id = None;
    p.update_schema(|s| {
        let hand = s.add_class("hand");
        if let Some(c) = s.classes.iter_mut().find(|c| c.id == hand) {
            c.shapes = vec![ShapeKind::Keypoints];
            c.keypoints = vec!["wrist".into(), "thumb".into(), "index".into()];
            c.skeleton = vec![(0, 1), (0, 2)];
        }
        id = Some(hand);
    })
    .unwrap();
    id.unwrap()
}

fn pt(x: f32, y: f32) -> Point {
    Point::new(x, y)
}

fn visible(x: f32, y: f32) -> Keypoint {
    Keypoint::new(x, y, Visibility::Visible)
}

/// A mask over the fixture's 100×80 images: a `w`×`h` block at `x, y`.
fn block_mask(x: u32, y: u32, w: u32, h: u32) -> Rle {
    let (iw, ih) = (100u32, 80u32);
    // COCO's masks are column-major.
    let mut bits = vec![0u8; (iw * ih) as usize];
    for cx in x..x + w {
        for cy in y..y + h {
            bits[(cx * ih + cy) as usize] = 1;
        }
    }
    Rle::encode(ih, iw, &bits).unwrap()
}

/// One shape of each kind inside a 100×80 image, and a second of each to set.
fn shapes_of_every_kind() -> Vec<(Shape, Shape)> {
    let two_parts = Polygon::from_parts([
        vec![pt(10.0, 10.0), pt(30.0, 10.0), pt(20.0, 30.0)],
        vec![
            pt(50.0, 50.0),
            pt(70.0, 50.0),
            pt(70.0, 70.0),
            pt(50.0, 70.0),
        ],
    ]);
    let moved_vertex = {
        let mut p = two_parts.clone();
        p.points_mut()[2] = pt(22.5, 33.25);
        p
    };
    vec![
        (
            Shape::Rect(BBox::from_xywh(5.0, 5.0, 20.0, 10.0)),
            Shape::Rect(BBox::from_xywh(6.5, 5.0, 20.0, 12.0)),
        ),
        (
            Shape::RotatedRect(RotatedRect::new(50.0, 40.0, 30.0, 10.0, 15.0)),
            Shape::RotatedRect(RotatedRect::new(50.0, 40.0, 30.0, 10.0, 31.0)),
        ),
        (Shape::Polygon(two_parts), Shape::Polygon(moved_vertex)),
        (
            Shape::Polyline(vec![pt(1.0, 1.0), pt(40.0, 20.0), pt(90.0, 5.0)]),
            Shape::Polyline(vec![
                pt(1.0, 1.0),
                pt(40.0, 20.0),
                pt(60.0, 35.0),
                pt(90.0, 5.0),
            ]),
        ),
        (
            Shape::Keypoints(vec![
                visible(10.0, 10.0),
                Keypoint::NOT_LABELLED,
                visible(30.0, 12.0),
            ]),
            Shape::Keypoints(vec![
                visible(10.0, 10.0),
                Keypoint::new(20.0, 15.0, Visibility::Occluded),
                visible(30.0, 12.0),
            ]),
        ),
        (
            Shape::Mask(block_mask(10, 20, 30, 15)),
            Shape::Mask(block_mask(12, 20, 30, 15)),
        ),
    ]
}

pub(super) fn every_shape_kind_is_added_set_undone_and_redone(open: OpenStore) {
    let (mut f, hand) = with_hand_class(open);
    let a = f.images[0];
    let p = &mut f.project;
    for (shape, changed) in shapes_of_every_kind() {
        let kind = shape.kind();
        let class = if kind == ShapeKind::Keypoints {
            hand
        } else {
            CAR
        };
        let new = NewAnnotation {
            group: Some(GroupId(7)),
            ..NewAnnotation::new(a, class, shape.clone())
        };
        let added = cycle(p, Edit::AddAnnotations(vec![new]));
        let id = added.created[0];
        let stored = p.annotation(id).unwrap().unwrap();
        assert_eq!(
            stored.shape.to_bytes(),
            shape.to_bytes(),
            "{kind:?} as stored"
        );
        assert_eq!(stored.group, Some(GroupId(7)), "{kind:?}");

        cycle(
            p,
            Edit::SetShape {
                id,
                shape: changed.clone(),
            },
        );
        let stored = p.annotation(id).unwrap().unwrap();
        assert_eq!(stored.shape, changed, "{kind:?} set");
        assert_eq!(
            stored.group,
            Some(GroupId(7)),
            "setting the shape keeps the group"
        );

        let copy = cycle(p, Edit::CopyAnnotations(vec![stored.clone()]));
        let copied = p.annotation(copy.created[0]).unwrap().unwrap();
        assert_eq!(
            (copied.shape, copied.group, copied.provenance),
            (changed, stored.group, stored.provenance),
            "{kind:?} copied"
        );
        cycle(p, Edit::DeleteAnnotations(vec![id]));
    }
}

fn refusal(p: &mut Project, edit: Edit) -> String {
    let before = World::of(p);
    let why = match p.apply(edit) {
        Err(ProjectError::InvalidEdit(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(World::of(p), before, "a refused edit changes nothing");
    why
}

pub(super) fn shapes_are_held_to_their_class_and_clamped_to_their_image(open: OpenStore) {
    let (mut f, hand) = with_hand_class(open);
    let a = f.images[0];
    let p = &mut f.project;
    let rect = Shape::Rect(BBox::from_xywh(5.0, 5.0, 10.0, 10.0));
    let why = refusal(
        p,
        Edit::AddAnnotations(vec![NewAnnotation::new(a, hand, rect)]),
    );
    assert!(why.contains("takes keypoints, not a rect"), "{why}");
    let two = Shape::Keypoints(vec![visible(1.0, 1.0), visible(2.0, 2.0)]);
    let why = refusal(
        p,
        Edit::AddAnnotations(vec![NewAnnotation::new(a, hand, two)]),
    );
    assert!(
        why.contains("names 3 keypoints, but the shape has 2"),
        "{why}"
    );
    let far = Shape::Polygon(Polygon::new(vec![
        pt(200.0, 0.0),
        pt(300.0, 0.0),
        pt(250.0, 9.0),
    ]));
    let why = refusal(
        p,
        Edit::AddAnnotations(vec![NewAnnotation::new(a, CAR, far)]),
    );
    assert!(why.contains("nothing inside the 100×80 image"), "{why}");
    let nan = Shape::Polyline(vec![pt(f32::NAN, 1.0), pt(2.0, 2.0)]);
    let why = refusal(
        p,
        Edit::AddAnnotations(vec![NewAnnotation::new(a, CAR, nan)]),
    );
    assert!(why.contains("not finite"), "{why}");

    // Clamped: a polygon reaching past the right edge is clipped there.
    let over = Shape::Polygon(Polygon::new(vec![
        pt(80.0, 10.0),
        pt(120.0, 10.0),
        pt(80.0, 30.0),
    ]));
    let added = p
        .apply(Edit::AddAnnotations(vec![NewAnnotation::new(
            a,
            CAR,
            over.clone(),
        )]))
        .unwrap();
    let stored = p.annotation(added.created[0]).unwrap().unwrap().shape;
    assert_eq!(Some(stored.clone()), over.clamped(100.0, 80.0));
    assert!(stored.bounds().max_x <= 100.0, "{stored:?}");

    // A class change must suit the shape too.
    let why = refusal(
        p,
        Edit::SetAnnotationClass {
            id: added.created[0],
            class: hand,
        },
    );
    assert!(why.contains("takes keypoints, not a polygon"), "{why}");
    // And so must a new shape.
    let three = Shape::Keypoints(vec![visible(1.0, 1.0); 3]);
    let pose = p
        .apply(Edit::AddAnnotations(vec![NewAnnotation::new(
            a, hand, three,
        )]))
        .unwrap()
        .created[0];
    let four = Shape::Keypoints(vec![visible(1.0, 1.0); 4]);
    let why = refusal(
        p,
        Edit::SetShape {
            id: pose,
            shape: four,
        },
    );
    assert!(
        why.contains("names 3 keypoints, but the shape has 4"),
        "{why}"
    );
    let hidden = Shape::Keypoints(vec![Keypoint::NOT_LABELLED; 3]);
    let why = refusal(
        p,
        Edit::SetShape {
            id: pose,
            shape: hidden,
        },
    );
    assert!(why.contains("no labelled point"), "{why}");
}

pub(super) fn a_proposed_polygon_is_accepted_as_it_was_proposed(open: OpenStore) {
    let Fixture {
        _tmp,
        mut project,
        images: [a, ..],
        ..
    } = fixture(open);
    let p = &mut project;
    let polygon = Shape::Polygon(Polygon::new(vec![
        pt(5.0, 5.0),
        pt(40.0, 8.0),
        pt(20.0, 30.0),
    ]));
    let text = crate::model::Attributes::from([(
        "text".to_owned(),
        crate::model::AttrValue::Text("数谷 Shugu".into()),
    )]);
    p.apply(Edit::AddProposals(vec![NewProposal {
        item: a,
        class: CAR,
        shape: polygon.clone(),
        score: 0.8,
        source: "segmenter".into(),
        attributes: text.clone(),
    }]))
    .unwrap();
    let proposal = p.proposals(a).unwrap().remove(0);
    assert_eq!(proposal.shape, polygon);
    assert_eq!(proposal.attributes, text);
    let accepted = cycle(p, Edit::AcceptProposals(vec![proposal.id]));
    let annotation = p.annotation(accepted.created[0]).unwrap().unwrap();
    assert_eq!(annotation.shape, polygon);
    // An OCR line's text goes with it.
    assert_eq!(annotation.attributes, text);
    let origin = p.annotation_origin(annotation.id).unwrap().unwrap();
    assert_eq!((origin.source.as_str(), origin.score), ("segmenter", 0.8));
}

pub(super) fn streamed_shapes_keep_their_kinds_and_order(open: OpenStore) {
    let (mut f, hand) = with_hand_class(open);
    let [a, b, ..] = f.images;
    let p = &mut f.project;
    let all: Vec<NewAnnotation> = shapes_of_every_kind()
        .into_iter()
        .flat_map(|(one, other)| [one, other])
        .enumerate()
        .map(|(k, shape)| {
            let class = if shape.kind() == ShapeKind::Keypoints {
                hand
            } else {
                CAR
            };
            let item = if k % 2 == 0 { a } else { b };
            NewAnnotation::new(item, class, shape)
        })
        .collect();
    let chunks: Vec<Result<Vec<NewAnnotation>, ProjectError>> =
        all.chunks(5).map(|c| Ok(c.to_vec())).collect();
    let applied = p.add_annotations_streamed(chunks).unwrap();
    assert_eq!(applied.created.len(), all.len());
    for (id, want) in applied.created.iter().zip(&all) {
        let got = p.annotation(*id).unwrap().unwrap();
        assert_eq!(
            (got.item, got.class, &got.shape),
            (want.item, want.class, &want.shape)
        );
    }
    let census = p.store().census().unwrap();
    let kinds: Vec<(ShapeKind, u64)> = census.annotations_per_kind;
    assert_eq!(kinds, ShapeKind::ALL.map(|k| (k, 2)).to_vec());
    p.undo().unwrap();
    assert!(p.all_annotations().unwrap().is_empty());
}
