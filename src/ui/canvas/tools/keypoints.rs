//! The keypoint tool: click the class's points in its order. The first click
//! makes a new instance with that point (the rest not labelled); each further
//! click places the next point on the selected instance, one edit each, so an
//! undo takes back one point. The visibility key before a click makes the next
//! point occluded, pressed again skips it (not labelled). Once the last point is
//! placed, the next click starts a new instance. The canvas shows which point
//! comes next ([`KeypointTool::next`]).

use super::{CanvasAction, ToolContext, ToolEvent, ToolKey};
use crate::model::{AnnotationId, Keypoint, Shape, Visibility};

#[derive(Clone, Debug, Default)]
pub struct KeypointTool {
    /// Points skipped with the visibility key: of which instance (`None`: the
    /// next new one) and the index to go on from.
    skipped_to: Option<(Option<AnnotationId>, usize)>,
    /// The next point is occluded rather than visible.
    occluded: bool,
}

impl KeypointTool {
    /// The selected instance the next click adds to: a keypoint shape of the
    /// draw class with as many points as the class names.
    fn target<'a>(&self, cx: &'a ToolContext) -> Option<(AnnotationId, &'a [Keypoint])> {
        let s = cx.selected_shape()?;
        let n = cx.keypoints?.names.len();
        match &s.shape {
            Shape::Keypoints(points) if Some(s.class) == cx.draw_class && points.len() == n => {
                Some((s.id, points))
            }
            _ => None,
        }
    }

    fn skipped(&self, instance: Option<AnnotationId>) -> usize {
        match self.skipped_to {
            Some((of, index)) if of == instance => index,
            _ => 0,
        }
    }

    /// Where the next click goes: an instance and a point index, `None` for
    /// the instance meaning a new one.
    fn place(&self, cx: &ToolContext) -> Option<(Option<AnnotationId>, usize)> {
        let n = cx.keypoints?.names.len();
        if n == 0 {
            return None;
        }
        if let Some((id, points)) = self.target(cx) {
            let after_last = points
                .iter()
                .rposition(|k| k.v.is_labelled())
                .map_or(0, |i| i + 1);
            let next = after_last.max(self.skipped(Some(id)));
            if next < n {
                return Some((Some(id), next));
            }
        }
        Some((None, self.skipped(None).min(n - 1)))
    }

    fn visibility(&self) -> Visibility {
        if self.occluded {
            Visibility::Occluded
        } else {
            Visibility::Visible
        }
    }

    /// The index of the point the next click places, and its visibility.
    pub fn next(&self, cx: &ToolContext) -> Option<(usize, Visibility)> {
        self.place(cx).map(|(_, i)| (i, self.visibility()))
    }

    pub fn handle(&mut self, cx: &ToolContext, event: ToolEvent, out: &mut Vec<CanvasAction>) {
        match event {
            ToolEvent::Click { at, .. } | ToolEvent::DoubleClick { at, .. } => {
                let (Some((instance, index)), Some(class)) = (self.place(cx), cx.draw_class) else {
                    return;
                };
                if !cx.can_draw() {
                    return;
                }
                let p = cx.clamp(at);
                let target = instance.and(self.target(cx));
                let mut points = match target {
                    Some((_, points)) => points.to_vec(),
                    None => vec![Keypoint::NOT_LABELLED; cx.keypoints.map_or(0, |k| k.names.len())],
                };
                points[index] = Keypoint::new(p.x, p.y, self.visibility());
                let shape = Shape::Keypoints(points);
                out.push(match target {
                    Some((id, _)) => CanvasAction::Modify { id, shape },
                    None => CanvasAction::Create { class, shape },
                });
                self.skipped_to = None;
                self.occluded = false;
            }
            ToolEvent::Key(ToolKey::CycleVisibility) => {
                let Some((instance, index)) = self.place(cx) else {
                    return;
                };
                if self.occluded {
                    self.occluded = false;
                    self.skipped_to = Some((instance, index + 1));
                } else {
                    self.occluded = true;
                }
            }
            ToolEvent::Key(ToolKey::Cancel) => *self = Self::default(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{CanvasAction, Tool, ToolKey};
    use crate::model::{AnnotationId, ClassId, Keypoint, Shape, Visibility};

    fn placed(actions: &[CanvasAction]) -> Vec<Keypoint> {
        match actions {
            [CanvasAction::Create { shape, .. }] | [CanvasAction::Modify { shape, .. }] => {
                match shape {
                    Shape::Keypoints(k) => k.clone(),
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn points_are_placed_in_order_one_edit_each() {
        let mut w = World::with(vec![]).with_keypoints(&["nose", "left_eye", "right_eye"]);
        assert_eq!(w.next_keypoint(), Some((0, Visibility::Visible)));
        let actions = w.click(Tool::Keypoints, (10.0, 10.0));
        assert!(matches!(
            actions[..],
            [CanvasAction::Create {
                class: ClassId(1),
                ..
            }]
        ));
        let k = placed(&actions);
        assert_eq!(k[0], Keypoint::new(10.0, 10.0, Visibility::Visible));
        assert_eq!(k[1..], [Keypoint::NOT_LABELLED; 2]);
        w.apply(&actions);
        assert_eq!(w.next_keypoint(), Some((1, Visibility::Visible)));
        let actions = w.click(Tool::Keypoints, (20.0, 5.0));
        assert!(matches!(
            actions[..],
            [CanvasAction::Modify {
                id: AnnotationId(1),
                ..
            }]
        ));
        assert_eq!(
            placed(&actions)[1],
            Keypoint::new(20.0, 5.0, Visibility::Visible)
        );
        w.apply(&actions);
        let a = w.click(Tool::Keypoints, (30.0, 5.0));
        w.apply(&a);
        // All placed: the next click starts another instance.
        assert_eq!(w.next_keypoint(), Some((0, Visibility::Visible)));
        let actions = w.click(Tool::Keypoints, (100.0, 100.0));
        assert!(matches!(actions[..], [CanvasAction::Create { .. }]));
    }

    #[test]
    fn the_visibility_key_makes_the_next_point_occluded_then_skips_it() {
        let mut w = World::with(vec![]).with_keypoints(&["a", "b", "c"]);
        let a = w.click(Tool::Keypoints, (10.0, 10.0));
        w.apply(&a);
        w.key(Tool::Keypoints, ToolKey::CycleVisibility);
        assert_eq!(w.next_keypoint(), Some((1, Visibility::Occluded)));
        w.key(Tool::Keypoints, ToolKey::CycleVisibility);
        // Skipped: b stays not labelled, c comes next, visible.
        assert_eq!(w.next_keypoint(), Some((2, Visibility::Visible)));
        let k = placed(&w.click(Tool::Keypoints, (30.0, 30.0)));
        assert_eq!(k[1], Keypoint::NOT_LABELLED);
        assert_eq!(k[2], Keypoint::new(30.0, 30.0, Visibility::Visible));
    }

    #[test]
    fn skipping_the_first_point_of_a_new_instance() {
        let mut w = World::with(vec![]).with_keypoints(&["a", "b"]);
        w.key(Tool::Keypoints, ToolKey::CycleVisibility);
        w.key(Tool::Keypoints, ToolKey::CycleVisibility);
        assert_eq!(w.next_keypoint(), Some((1, Visibility::Visible)));
        let k = placed(&w.click(Tool::Keypoints, (5.0, 5.0)));
        assert_eq!(k[0], Keypoint::NOT_LABELLED);
        assert_eq!(k[1].v, Visibility::Visible);
    }

    #[test]
    fn a_class_without_point_names_places_nothing() {
        let mut w = World::with(vec![]);
        assert_eq!(w.next_keypoint(), None);
        assert_eq!(w.click(Tool::Keypoints, (10.0, 10.0)), vec![]);
    }

    #[test]
    fn a_selected_point_of_the_instance_is_the_editors() {
        let mut w = World::with(vec![]).with_keypoints(&["a", "b"]);
        let a = w.click(Tool::Keypoints, (10.0, 10.0));
        w.apply(&a);
        // A click on the placed point selects it rather than placing b there.
        assert_eq!(w.click(Tool::Keypoints, (10.5, 10.0)), vec![]);
        let actions = w.key(Tool::Keypoints, ToolKey::CycleVisibility);
        assert_eq!(placed(&actions)[0].v, Visibility::Occluded);
    }
}
