//! Which annotation or proposal is under the pointer: shapes whose cached
//! bounds (grown by the tolerance) miss the point are skipped, the rest asked
//! [`Shape::hit`]; the smallest by area wins, so nested shapes stay reachable,
//! and of equals the topmost (drawn last).
//!
//! [`Shape::hit`]: crate::model::Shape::hit

use super::scene::{Drawn, Scene};
use crate::model::{AnnotationId, Point, ProposalId};

/// The index of the smallest thing hit at `p`, the later one of equals.
pub fn smallest_hit<I, D>(things: &[Drawn<I, D>], p: Point, tolerance: f32) -> Option<usize> {
    let t = tolerance.max(0.0);
    let mut best: Option<(usize, f64)> = None;
    for (i, thing) in things.iter().enumerate() {
        let b = thing.bounds();
        if p.x < b.min_x - t || p.x > b.max_x + t || p.y < b.min_y - t || p.y > b.max_y + t {
            continue;
        }
        let area = thing.area();
        if best.is_some_and(|(_, a)| area > a) || !thing.shape.hit(p.x, p.y, t) {
            continue;
        }
        best = Some((i, area));
    }
    best.map(|(i, _)| i)
}

/// What a click at `p` lands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Shape(AnnotationId),
    Proposal(ProposalId),
}

impl Scene {
    /// The annotation under `p`.
    pub fn shape_at(&self, p: Point, tolerance: f32) -> Option<AnnotationId> {
        smallest_hit(&self.shapes, p, tolerance).map(|i| self.shapes[i].id)
    }

    /// The annotation or proposal under `p`: a proposal only when it is
    /// strictly smaller than the annotation there, so an accepted proposal's
    /// box (the same size) is what a click selects.
    pub fn hit(&self, p: Point, tolerance: f32) -> Option<Hit> {
        let shape = smallest_hit(&self.shapes, p, tolerance).map(|i| &self.shapes[i]);
        let proposal = smallest_hit(&self.proposals, p, tolerance).map(|i| &self.proposals[i]);
        match (shape, proposal) {
            (s, Some(pr)) if s.is_none_or(|s| pr.area() < s.area()) => Some(Hit::Proposal(pr.id)),
            (Some(s), _) => Some(Hit::Shape(s.id)),
            (None, _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, ClassId, Polygon, Shape};
    use crate::ui::canvas::scene::{SceneProposal, SceneShape};

    fn rect(id: i64, x: f32, y: f32, w: f32, h: f32) -> SceneShape {
        SceneShape::new(
            AnnotationId(id),
            ClassId(1),
            Shape::Rect(BBox::from_xywh(x, y, w, h)),
        )
    }

    #[test]
    fn the_smallest_shape_wins_so_nested_ones_stay_reachable() {
        let scene = Scene::new(
            vec![
                rect(1, 0.0, 0.0, 100.0, 100.0),
                rect(2, 10.0, 10.0, 20.0, 20.0),
            ],
            vec![],
        );
        assert_eq!(
            scene.shape_at(Point::new(15.0, 15.0), 0.0),
            Some(AnnotationId(2))
        );
        assert_eq!(
            scene.shape_at(Point::new(50.0, 50.0), 0.0),
            Some(AnnotationId(1))
        );
        assert_eq!(scene.shape_at(Point::new(150.0, 50.0), 0.0), None);
    }

    #[test]
    fn of_equal_shapes_the_topmost_wins() {
        let scene = Scene::new(
            vec![rect(1, 0.0, 0.0, 10.0, 10.0), rect(2, 0.0, 0.0, 10.0, 10.0)],
            vec![],
        );
        assert_eq!(
            scene.shape_at(Point::new(5.0, 5.0), 0.0),
            Some(AnnotationId(2))
        );
    }

    #[test]
    fn a_concave_polygon_is_hit_by_its_outline_not_its_bounds() {
        // An L shape: the notch at the top right is inside the bounds only.
        let l = Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 30.0),
            Point::new(30.0, 30.0),
            Point::new(30.0, 40.0),
            Point::new(0.0, 40.0),
        ]);
        let scene = Scene::new(
            vec![SceneShape::new(
                AnnotationId(7),
                ClassId(1),
                Shape::Polygon(l),
            )],
            vec![],
        );
        assert_eq!(scene.shape_at(Point::new(20.0, 10.0), 1.0), None);
        assert_eq!(
            scene.shape_at(Point::new(20.0, 35.0), 1.0),
            Some(AnnotationId(7))
        );
        // Within the tolerance of its edge counts.
        assert_eq!(
            scene.shape_at(Point::new(11.5, 10.0), 2.0),
            Some(AnnotationId(7))
        );
    }

    #[test]
    fn a_polyline_is_hit_near_its_segments_only() {
        let line = Shape::Polyline(vec![Point::new(0.0, 0.0), Point::new(100.0, 100.0)]);
        let scene = Scene::new(
            vec![SceneShape::new(AnnotationId(3), ClassId(1), line)],
            vec![],
        );
        assert_eq!(
            scene.shape_at(Point::new(50.0, 51.0), 2.0),
            Some(AnnotationId(3))
        );
        assert_eq!(scene.shape_at(Point::new(80.0, 20.0), 2.0), None);
    }

    #[test]
    fn a_proposal_wins_only_when_strictly_smaller() {
        let b = BBox::from_xywh(0.0, 0.0, 10.0, 10.0);
        let same = SceneProposal::with(ProposalId(9), ClassId(1), Shape::Rect(b), 0.9);
        let scene = Scene::new(vec![rect(1, 0.0, 0.0, 10.0, 10.0)], vec![same]);
        let p = Point::new(5.0, 5.0);
        assert_eq!(scene.hit(p, 0.0), Some(Hit::Shape(AnnotationId(1))));
        let small = SceneProposal::with(
            ProposalId(9),
            ClassId(1),
            Shape::Rect(BBox::from_xywh(2.0, 2.0, 5.0, 5.0)),
            0.9,
        );
        let scene = Scene::new(vec![rect(1, 0.0, 0.0, 10.0, 10.0)], vec![small]);
        assert_eq!(scene.hit(p, 0.0), Some(Hit::Proposal(ProposalId(9))));
    }
}
