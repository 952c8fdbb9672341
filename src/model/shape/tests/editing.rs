//! Vertices and edges under the pointer, and the edits the canvas makes with them.

use super::super::{EdgeHit, Keypoint, Rle, VertexRef, Visibility};
use super::{pt, square};
use crate::model::BBox;
use crate::model::shape::{Polygon, RotatedRect, Shape};

fn v(part: usize, index: usize) -> VertexRef {
    VertexRef { part, index }
}

#[test]
fn the_nearest_vertex_within_the_tolerance_is_found() {
    let p = Shape::Polygon(Polygon::from_parts([
        square(0.0, 0.0, 10.0),
        square(20.0, 0.0, 10.0),
    ]));
    assert_eq!(p.vertex_at(10.5, 0.4, 1.0), Some(v(0, 1)));
    assert_eq!(p.vertex_at(29.8, 10.1, 1.0), Some(v(1, 2)));
    assert_eq!(p.vertex_at(5.0, 5.0, 1.0), None);
    let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 4.0, 2.0));
    assert_eq!(b.vertex_at(0.2, 2.1, 0.5), Some(v(0, 3)));
    let r = Shape::RotatedRect(RotatedRect::new(2.0, 1.0, 4.0, 2.0, 0.0));
    assert_eq!(r.vertex_at(4.0, 0.0, 0.5), Some(v(0, 1)));
    let k = Shape::Keypoints(vec![
        Keypoint::NOT_LABELLED,
        Keypoint::new(1.0, 1.0, Visibility::Occluded),
    ]);
    assert_eq!(
        k.vertex_at(0.0, 0.0, 0.5),
        None,
        "unlabelled points cannot be grabbed"
    );
    assert_eq!(k.vertex_at(1.2, 1.0, 0.5), Some(v(0, 1)));
    let mask = Shape::Mask(Rle::from_ring(4, 4, &square(0.0, 0.0, 2.0)).unwrap());
    assert_eq!(mask.vertex_at(0.0, 0.0, 5.0), None);
    assert_eq!(p.vertex(v(1, 2)), Some(pt(30.0, 10.0)));
    assert_eq!(p.vertex(v(2, 0)), None);
}

#[test]
fn the_edge_under_the_pointer_gives_where_a_vertex_would_go() {
    let p = Shape::Polygon(Polygon::new(square(0.0, 0.0, 10.0)));
    let e = p.edge_at(4.0, 10.3, 0.5).unwrap();
    assert_eq!((e.part, e.index), (0, 2));
    assert_eq!(e.point, pt(4.0, 10.0));
    assert!((e.t - 0.6).abs() < 1e-6 && (e.distance - 0.3).abs() < 1e-5);
    // The closing edge of a ring, last vertex → first.
    let e = p.edge_at(-0.2, 5.0, 0.5).unwrap();
    assert_eq!(e.index, 3);
    // A polyline has no closing edge.
    let line = Shape::Polyline(square(0.0, 0.0, 10.0));
    assert_eq!(line.edge_at(-0.2, 5.0, 0.5), None);
    assert_eq!(p.edge_at(5.0, 5.0, 0.5), None);
}

#[test]
fn moving_adding_and_deleting_vertices() {
    let p = Shape::Polygon(Polygon::new(square(0.0, 0.0, 10.0)));
    let moved = p.with_vertex_moved(v(0, 2), pt(12.0, 15.0)).unwrap();
    assert_eq!(moved.vertex(v(0, 2)), Some(pt(12.0, 15.0)));
    let edge = p.edge_at(5.0, 0.0, 0.5).unwrap();
    let added = p.with_vertex_inserted(&edge, edge.point).unwrap();
    let Shape::Polygon(added_poly) = &added else {
        unreachable!()
    };
    assert_eq!(
        added_poly.part(0).unwrap()[..3],
        [pt(0.0, 0.0), pt(5.0, 0.0), pt(10.0, 0.0)]
    );
    let removed = added.with_vertex_removed(v(0, 1)).unwrap();
    assert_eq!(removed, p);
    let triangle = Shape::Polygon(Polygon::new(vec![pt(0.0, 0.0), pt(1.0, 0.0), pt(0.0, 1.0)]));
    assert_eq!(
        triangle.with_vertex_removed(v(0, 0)),
        None,
        "a part keeps three points"
    );
    // Polylines: the same, down to two points.
    let line = Shape::Polyline(vec![pt(0.0, 0.0), pt(10.0, 0.0)]);
    let edge = EdgeHit {
        part: 0,
        index: 0,
        point: pt(5.0, 0.0),
        t: 0.5,
        distance: 0.0,
    };
    let longer = line.with_vertex_inserted(&edge, pt(5.0, 2.0)).unwrap();
    assert_eq!(
        longer,
        Shape::Polyline(vec![pt(0.0, 0.0), pt(5.0, 2.0), pt(10.0, 0.0)])
    );
    assert_eq!(longer.with_vertex_removed(v(0, 1)), Some(line.clone()));
    assert_eq!(line.with_vertex_removed(v(0, 1)), None);
    // A box keeps the opposite corner, even dragged past it.
    let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 4.0, 2.0));
    let dragged = b.with_vertex_moved(v(0, 2), pt(-1.0, -3.0)).unwrap();
    assert_eq!(
        dragged,
        Shape::Rect(BBox::from_corners([0.0, 0.0], [-1.0, -3.0]))
    );
    // A keypoint placed where it was unlabelled becomes visible.
    let k = Shape::Keypoints(vec![Keypoint::NOT_LABELLED]);
    let placed = k.with_vertex_moved(v(0, 0), pt(3.0, 4.0)).unwrap();
    assert_eq!(
        placed,
        Shape::Keypoints(vec![Keypoint::new(3.0, 4.0, Visibility::Visible)])
    );
    assert_eq!(k.with_vertex_moved(v(0, 5), pt(3.0, 4.0)), None);
}

#[test]
fn dragging_a_turned_box_corner_keeps_the_opposite_corner_and_angle() {
    let r = RotatedRect::new(10.0, 10.0, 4.0, 2.0, 30.0);
    let [_, _, c2, _] = r.corners();
    let Some(Shape::RotatedRect(d)) =
        Shape::RotatedRect(r).with_vertex_moved(v(0, 0), pt(5.0, 5.0))
    else {
        panic!()
    };
    assert_eq!(d.angle, 30.0);
    let [n0, _, n2, _] = d.corners();
    for (a, b) in [(n2, c2), (n0, pt(5.0, 5.0))] {
        assert!(
            (a.x - b.x).abs() < 1e-3 && (a.y - b.y).abs() < 1e-3,
            "{a:?} != {b:?}"
        );
    }
}

#[test]
fn polygon_parts_are_edited_in_place() {
    let mut p = Polygon::from_parts([
        square(0.0, 0.0, 1.0),
        vec![pt(5.0, 5.0)],
        square(9.0, 9.0, 1.0),
    ]);
    assert_eq!(p.part_count(), 3);
    assert!(
        p.remove_point(1, 0),
        "removing the only point removes the part"
    );
    assert_eq!(p.part_count(), 2);
    assert_eq!(p.part(1).unwrap(), square(9.0, 9.0, 1.0).as_slice());
    assert!(p.insert_point(1, 4, pt(9.5, 10.5)));
    assert_eq!(p.part(1).unwrap().len(), 5);
    assert!(!p.insert_point(2, 0, pt(0.0, 0.0)) && !p.remove_point(0, 9));
    for _ in 0..5 {
        assert!(p.remove_point(1, 0));
    }
    assert_eq!(p, Polygon::new(square(0.0, 0.0, 1.0)));
    p.part_mut(0).unwrap()[0] = pt(-1.0, -1.0);
    assert_eq!(p.points()[0], pt(-1.0, -1.0));
}
