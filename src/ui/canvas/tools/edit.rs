//! Editing the selected shape, the same in every tool: drag its inside to move
//! it (kept inside the image), a box's corner and edge handles to resize it, a
//! rotated box's rotation handle to turn it (Shift: in steps of 15°, as CVAT),
//! a vertex to move it; Alt+click (or Alt+drag) on a polygon's or polyline's
//! edge adds a vertex there, Shift+click or Alt+click on a vertex deletes it
//! (labelme's and CVAT's gestures); a click on a vertex selects it for Delete
//! and, on keypoints, for the visibility key.

use super::rect::Handle;
use super::rotated;
use super::{CanvasAction, ToolContext, ToolEvent, ToolKey, normalize_degrees};
use crate::model::{AnnotationId, BBox, Keypoint, Point, RotatedRect, Shape, VertexRef};

#[derive(Clone, Debug, PartialEq)]
enum Gesture {
    /// The whole shape follows the pointer.
    Move {
        id: AnnotationId,
        start: Point,
        original: Shape,
        current: Shape,
    },
    /// One vertex follows the pointer. `base` is the shape it is moved on:
    /// the original, or the original with a vertex just added by Alt+drag.
    Vertex {
        id: AnnotationId,
        vertex: VertexRef,
        original: Shape,
        base: Shape,
        current: Shape,
    },
    /// A box's edge or corner handle.
    Resize {
        id: AnnotationId,
        handle: Handle,
        original: BBox,
        current: Shape,
    },
    /// A rotated box's rotation handle.
    Rotate {
        id: AnnotationId,
        original: RotatedRect,
        current: Shape,
    },
}

impl Gesture {
    fn id(&self) -> AnnotationId {
        match self {
            Gesture::Move { id, .. }
            | Gesture::Vertex { id, .. }
            | Gesture::Resize { id, .. }
            | Gesture::Rotate { id, .. } => *id,
        }
    }

    fn current(&self) -> &Shape {
        match self {
            Gesture::Move { current, .. }
            | Gesture::Vertex { current, .. }
            | Gesture::Resize { current, .. }
            | Gesture::Rotate { current, .. } => current,
        }
    }

    fn changed(&self) -> bool {
        match self {
            Gesture::Move {
                original, current, ..
            }
            | Gesture::Vertex {
                original, current, ..
            } => current != original,
            Gesture::Resize {
                original, current, ..
            } => *current != Shape::Rect(*original),
            Gesture::Rotate {
                original, current, ..
            } => *current != Shape::RotatedRect(*original),
        }
    }
}

/// What the pointer is over on the selected shape, for the cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Grip {
    Handle(Handle),
    Rotation,
    Vertex,
    Edge,
    Inside,
}

/// One decision of the editor.
enum Step {
    Begin(Gesture),
    Modify {
        id: AnnotationId,
        shape: Shape,
        vertex: Option<VertexRef>,
    },
    SelectVertex(Option<VertexRef>),
    /// Claimed, nothing to do (a vertex that cannot go).
    Nothing,
}

#[derive(Clone, Debug, Default)]
pub struct Editor {
    gesture: Option<Gesture>,
    /// The selected vertex, of the shape that was selected when it was chosen.
    vertex: Option<(AnnotationId, VertexRef)>,
    selection: Option<AnnotationId>,
}

fn has_vertices(shape: &Shape) -> bool {
    matches!(
        shape,
        Shape::Polygon(_) | Shape::Polyline(_) | Shape::Keypoints(_)
    )
}

fn has_edges(shape: &Shape) -> bool {
    matches!(shape, Shape::Polygon(_) | Shape::Polyline(_))
}

/// Whether a press at `p` lands on the shape itself (to move it). Keypoints
/// are points: anywhere inside their bounds counts.
fn inside(shape: &Shape, bounds: BBox, p: Point, tolerance: f32) -> bool {
    match shape {
        Shape::Keypoints(_) => bounds.contains(p.x, p.y),
        _ => shape.hit(p.x, p.y, tolerance),
    }
}

/// The keypoint set to not labelled (COCO's `0, 0, 0`).
fn unlabel(shape: &Shape, v: VertexRef) -> Option<Shape> {
    let Shape::Keypoints(points) = shape else {
        return None;
    };
    let mut points = points.clone();
    *points.get_mut(v.index)? = Keypoint::NOT_LABELLED;
    Some(Shape::Keypoints(points))
}

impl Editor {
    /// Forgets the selected vertex when the selection changes.
    pub fn follow_selection(&mut self, selected: Option<AnnotationId>) {
        if selected != self.selection {
            self.selection = selected;
            self.vertex = None;
        }
    }

    pub fn is_dragging(&self) -> bool {
        self.gesture.is_some()
    }

    /// What the drag under way holds, for the cursor.
    pub fn dragging_grip(&self) -> Option<Grip> {
        self.gesture.as_ref().map(|g| match g {
            Gesture::Move { .. } => Grip::Inside,
            Gesture::Vertex { .. } => Grip::Vertex,
            Gesture::Resize { handle, .. } => Grip::Handle(*handle),
            Gesture::Rotate { .. } => Grip::Rotation,
        })
    }

    /// The selected vertex, if it belongs to `selected`.
    pub fn selected_vertex(&self, selected: Option<AnnotationId>) -> Option<VertexRef> {
        self.vertex
            .filter(|(id, _)| Some(*id) == selected)
            .map(|(_, v)| v)
    }

    pub fn clear_vertex(&mut self) {
        self.vertex = None;
    }

    /// The shape being dragged, as it is now.
    pub fn preview(&self) -> Option<(AnnotationId, &Shape)> {
        self.gesture.as_ref().map(|g| (g.id(), g.current()))
    }

    /// Starts moving shape `id` (the select tool's drag on an unselected shape).
    pub fn begin_move(&mut self, cx: &ToolContext, id: AnnotationId, start: Point) {
        if let Some(s) = cx.scene.get(id) {
            self.gesture = Some(Gesture::Move {
                id,
                start,
                original: s.shape.clone(),
                current: s.shape.clone(),
            });
        }
    }

    /// Whether the editor takes this event (the tool does not see it then).
    pub fn claims(&self, cx: &ToolContext, event: ToolEvent) -> bool {
        self.decide(cx, event).is_some()
    }

    /// What the pointer at `p` would grab on the selected shape.
    pub fn grip_at(&self, cx: &ToolContext, p: Point) -> Option<Grip> {
        let s = cx.selected_shape()?;
        if let Shape::Rect(b) = &s.shape
            && let Some(h) = Handle::at(b, p, cx.grab)
        {
            return Some(Grip::Handle(h));
        }
        if let Shape::RotatedRect(r) = &s.shape
            && rotated::handle(r, cx.handle_offset).distance_sq(p) <= cx.grab * cx.grab
        {
            return Some(Grip::Rotation);
        }
        let vertex_grabbable = has_vertices(&s.shape) || matches!(s.shape, Shape::RotatedRect(_));
        if vertex_grabbable && s.shape.vertex_at(p.x, p.y, cx.grab).is_some() {
            return Some(Grip::Vertex);
        }
        if has_edges(&s.shape) && s.shape.edge_at(p.x, p.y, cx.tolerance).is_some() {
            return Some(Grip::Edge);
        }
        inside(&s.shape, s.bounds(), p, cx.tolerance).then_some(Grip::Inside)
    }

    fn decide(&self, cx: &ToolContext, event: ToolEvent) -> Option<Step> {
        let s = cx.selected_shape()?;
        let (id, shape) = (s.id, &s.shape);
        match event {
            ToolEvent::DragStart { from, mods, .. } => {
                let gesture = match self.grip_at(cx, from)? {
                    Grip::Handle(handle) => Gesture::Resize {
                        id,
                        handle,
                        original: s.bounds(),
                        current: shape.clone(),
                    },
                    Grip::Rotation => match shape {
                        Shape::RotatedRect(r) => Gesture::Rotate {
                            id,
                            original: *r,
                            current: shape.clone(),
                        },
                        _ => return None,
                    },
                    Grip::Vertex => Gesture::Vertex {
                        id,
                        vertex: shape.vertex_at(from.x, from.y, cx.grab)?,
                        original: shape.clone(),
                        base: shape.clone(),
                        current: shape.clone(),
                    },
                    Grip::Edge if mods.alt => {
                        let edge = shape.edge_at(from.x, from.y, cx.tolerance)?;
                        let base = shape.with_vertex_inserted(&edge, edge.point)?;
                        Gesture::Vertex {
                            id,
                            vertex: VertexRef {
                                part: edge.part,
                                index: edge.index + 1,
                            },
                            original: shape.clone(),
                            current: base.clone(),
                            base,
                        }
                    }
                    Grip::Edge | Grip::Inside => Gesture::Move {
                        id,
                        start: from,
                        original: shape.clone(),
                        current: shape.clone(),
                    },
                };
                Some(Step::Begin(gesture))
            }
            ToolEvent::Click { at, mods } | ToolEvent::DoubleClick { at, mods } => {
                if !has_vertices(shape) {
                    return None;
                }
                if let Some(v) = shape.vertex_at(at.x, at.y, cx.grab) {
                    if !(mods.shift || mods.alt) {
                        return Some(Step::SelectVertex(Some(v)));
                    }
                    let removed = match shape {
                        Shape::Keypoints(_) => unlabel(shape, v),
                        _ => shape.with_vertex_removed(v),
                    };
                    return Some(match removed {
                        Some(shape) => Step::Modify {
                            id,
                            shape,
                            vertex: None,
                        },
                        None => Step::Nothing,
                    });
                }
                if mods.alt
                    && let Some(edge) = shape.edge_at(at.x, at.y, cx.tolerance)
                {
                    let shape = shape.with_vertex_inserted(&edge, edge.point)?;
                    let vertex = VertexRef {
                        part: edge.part,
                        index: edge.index + 1,
                    };
                    return Some(Step::Modify {
                        id,
                        shape,
                        vertex: Some(vertex),
                    });
                }
                None
            }
            ToolEvent::Key(key) => self.decide_key(cx, key, id, shape),
            ToolEvent::DragMove { .. } | ToolEvent::DragEnd { .. } => None,
        }
    }

    fn decide_key(
        &self,
        cx: &ToolContext,
        key: ToolKey,
        id: AnnotationId,
        shape: &Shape,
    ) -> Option<Step> {
        let vertex = self.selected_vertex(cx.selected);
        match (key, shape) {
            (ToolKey::Rotate(degrees), Shape::RotatedRect(r)) => Some(Step::Modify {
                id,
                shape: Shape::RotatedRect(RotatedRect {
                    angle: normalize_degrees(r.angle + degrees),
                    ..*r
                }),
                vertex: None,
            }),
            (ToolKey::CycleVisibility, Shape::Keypoints(points)) => {
                let v = vertex?;
                let k = points.get(v.index)?;
                let next = k.v.cycled();
                if !next.is_labelled() {
                    return Some(Step::Modify {
                        id,
                        shape: unlabel(shape, v)?,
                        vertex: None,
                    });
                }
                let mut points = points.clone();
                points[v.index].v = next;
                Some(Step::Modify {
                    id,
                    shape: Shape::Keypoints(points),
                    vertex: Some(v),
                })
            }
            (ToolKey::Delete, _) => {
                let v = vertex?;
                let removed = match shape {
                    Shape::Keypoints(_) => unlabel(shape, v),
                    _ => shape.with_vertex_removed(v),
                };
                Some(match removed {
                    Some(shape) => Step::Modify {
                        id,
                        shape,
                        vertex: None,
                    },
                    None => Step::Nothing,
                })
            }
            (ToolKey::Cancel, _) => vertex.map(|_| Step::SelectVertex(None)),
            _ => None,
        }
    }

    /// Handles an event: the drag under way, or what [`Editor::claims`] took.
    pub fn handle(&mut self, cx: &ToolContext, event: ToolEvent, out: &mut Vec<CanvasAction>) {
        if let Some(gesture) = &mut self.gesture {
            match event {
                ToolEvent::DragMove { at, mods } => follow(gesture, cx, at, mods.shift),
                ToolEvent::DragEnd { at, mods } => {
                    follow(gesture, cx, at, mods.shift);
                    if gesture.changed() && gesture.current().is_valid() {
                        out.push(CanvasAction::Modify {
                            id: gesture.id(),
                            shape: gesture.current().clone(),
                        });
                        if let Gesture::Vertex {
                            id,
                            vertex,
                            current,
                            ..
                        } = gesture
                            && has_vertices(current)
                        {
                            self.vertex = Some((*id, *vertex));
                        }
                    }
                    self.gesture = None;
                }
                ToolEvent::Key(ToolKey::Cancel) => self.gesture = None,
                _ => {}
            }
            return;
        }
        match self.decide(cx, event) {
            Some(Step::Begin(gesture)) => self.gesture = Some(gesture),
            Some(Step::Modify { id, shape, vertex }) => {
                out.push(CanvasAction::Modify { id, shape });
                self.vertex = vertex.map(|v| (id, v));
            }
            Some(Step::SelectVertex(v)) => self.vertex = v.zip(cx.selected).map(|(v, id)| (id, v)),
            Some(Step::Nothing) | None => {}
        }
    }
}

/// Moves the gesture's shape to follow the pointer at `at`.
fn follow(gesture: &mut Gesture, cx: &ToolContext, at: Point, snap: bool) {
    match gesture {
        Gesture::Move {
            start,
            original,
            current,
            ..
        } => {
            let (dx, dy) = (at.x - start.x, at.y - start.y);
            *current = match original {
                // A box slides exactly as it always has.
                Shape::Rect(b) => Shape::Rect(b.translated_within(dx, dy, cx.width, cx.height)),
                other => other.translated_within(dx, dy, cx.width, cx.height),
            };
        }
        Gesture::Vertex {
            vertex,
            base,
            current,
            ..
        } => {
            if let Some(moved) = base.with_vertex_moved(*vertex, cx.clamp(at)) {
                *current = moved;
            }
        }
        Gesture::Resize {
            handle,
            original,
            current,
            ..
        } => *current = Shape::Rect(handle.resize(*original, cx.clamp(at))),
        Gesture::Rotate {
            original, current, ..
        } => *current = Shape::RotatedRect(rotated::turned_towards(original, at, snap)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{CanvasAction, Mods, Tool, ToolEvent, ToolKey};
    use crate::model::{
        AnnotationId, BBox, Keypoint, Point, Polygon, RotatedRect, Shape, Visibility,
    };

    fn square() -> Shape {
        Shape::Polygon(Polygon::new(vec![
            Point::new(10.0, 10.0),
            Point::new(50.0, 10.0),
            Point::new(50.0, 50.0),
            Point::new(10.0, 50.0),
        ]))
    }

    fn points(shape: &Shape) -> Vec<Point> {
        match shape {
            Shape::Polygon(p) => p.points().to_vec(),
            Shape::Polyline(p) => p.clone(),
            other => panic!("not a path: {other:?}"),
        }
    }

    #[test]
    fn dragging_a_vertex_is_one_modify() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.drag(Tool::Polygon, (50.0, 10.0), &[(60.0, 5.0)], (70.0, 0.0));
        assert_eq!(actions.len(), 1);
        let CanvasAction::Modify { id, shape } = &actions[0] else {
            panic!("{actions:?}")
        };
        assert_eq!(*id, AnnotationId(1));
        assert_eq!(points(shape)[1], Point::new(70.0, 0.0));
        // The vertex dragged is now the selected one: Delete removes it.
        let actions = w.key(Tool::Polygon, ToolKey::Delete);
        assert_eq!(actions.len(), 1);
        assert_eq!(points(modified(&actions)).len(), 3);
    }

    #[test]
    fn a_vertex_stays_inside_the_image() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.drag(Tool::Select, (10.0, 10.0), &[], (-30.0, 500.0));
        assert_eq!(points(modified(&actions))[0], Point::new(0.0, 200.0));
    }

    #[test]
    fn alt_click_on_an_edge_adds_a_vertex_and_shift_click_deletes_one() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.click_with(Tool::Polygon, (30.0, 10.5), Mods::ALT);
        let added = points(modified(&actions));
        assert_eq!(added.len(), 5);
        assert_eq!(added[1], Point::new(30.0, 10.0));
        w.apply(&actions);
        let actions = w.click_with(Tool::Polygon, (30.0, 10.0), Mods::SHIFT);
        assert_eq!(points(modified(&actions)), points(&square()));
        // Alt+click on a vertex deletes it too (CVAT).
        let actions = w.click_with(Tool::Polygon, (50.0, 50.0), Mods::ALT);
        assert_eq!(points(modified(&actions)).len(), 4);
    }

    #[test]
    fn a_triangle_keeps_its_three_vertices() {
        let triangle = Shape::Polygon(Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(40.0, 0.0),
            Point::new(0.0, 40.0),
        ]));
        let mut w = World::with(vec![(1, triangle)]).selecting(1);
        assert_eq!(
            w.click_with(Tool::Polygon, (40.0, 0.0), Mods::SHIFT),
            vec![]
        );
        // And the click did not start a new polygon there.
        assert!(!w.tools.is_drawing(Tool::Polygon));
    }

    #[test]
    fn alt_drag_on_an_edge_adds_a_vertex_where_it_is_dropped() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.drag_with(
            Tool::Select,
            (10.0, 30.0),
            &[(5.0, 30.0)],
            (2.0, 31.0),
            Mods::ALT,
        );
        let pts = points(modified(&actions));
        assert_eq!(pts.len(), 5);
        assert_eq!(pts[4], Point::new(2.0, 31.0));
    }

    #[test]
    fn dragging_the_inside_moves_the_shape_and_keeps_it_in_the_image() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.drag(Tool::Box, (30.0, 30.0), &[(100.0, 30.0)], (400.0, 35.0));
        let moved = points(modified(&actions));
        // 300 wide image: the square's right edge stops at 300.
        assert_eq!(moved[1], Point::new(300.0, 15.0));
        assert_eq!(moved[0], Point::new(260.0, 15.0));
    }

    #[test]
    fn a_drag_that_ends_where_it_began_changes_nothing() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        let actions = w.drag(Tool::Select, (30.0, 30.0), &[(60.0, 60.0)], (30.0, 30.0));
        assert_eq!(actions, vec![]);
    }

    #[test]
    fn box_handles_resize_as_before() {
        let b = Shape::Rect(BBox::from_corners([10.0, 10.0], [50.0, 40.0]));
        let mut w = World::with(vec![(1, b)]).selecting(1);
        // Bottom-right corner past the image edge: clamped to 300×200.
        let actions = w.drag(Tool::Box, (50.0, 40.0), &[(100.0, 100.0)], (999.0, 150.0));
        assert_eq!(
            modified(&actions),
            &Shape::Rect(BBox::from_corners([10.0, 10.0], [300.0, 150.0]))
        );
        // The left edge handle.
        let actions = w.drag(Tool::Box, (10.0, 25.0), &[], (4.0, 90.0));
        assert_eq!(
            modified(&actions),
            &Shape::Rect(BBox::from_corners([4.0, 10.0], [50.0, 40.0]))
        );
    }

    #[test]
    fn rotation_handle_and_keys_turn_a_rotated_box() {
        let r = RotatedRect::new(100.0, 100.0, 40.0, 20.0, 0.0);
        let mut w = World::with(vec![(1, Shape::RotatedRect(r))]).selecting(1);
        // The handle sits above the top edge's middle: (100, 90 - offset).
        let handle = (100.0, 90.0 - w.handle_offset);
        let actions = w.drag(Tool::RotatedBox, handle, &[], (150.0, 100.0));
        let Shape::RotatedRect(turned) = modified(&actions) else {
            panic!()
        };
        assert!((turned.angle - 90.0).abs() < 1e-3, "{}", turned.angle);
        // Shift snaps to 15°.
        let actions = w.drag_with(Tool::RotatedBox, handle, &[], (150.0, 80.0), Mods::SHIFT);
        let Shape::RotatedRect(snapped) = modified(&actions) else {
            panic!()
        };
        assert_eq!(snapped.angle, 75.0);
        // Keys: one press, one modify.
        let actions = w.key(Tool::Select, ToolKey::Rotate(-15.0));
        let Shape::RotatedRect(keyed) = modified(&actions) else {
            panic!()
        };
        assert_eq!(keyed.angle, -15.0);
        assert_eq!((keyed.cx, keyed.w), (100.0, 40.0));
    }

    #[test]
    fn rotation_keys_leave_an_upright_box_alone() {
        let b = Shape::Rect(BBox::from_xywh(10.0, 10.0, 20.0, 20.0));
        let mut w = World::with(vec![(1, b)]).selecting(1);
        assert_eq!(w.key(Tool::Box, ToolKey::Rotate(1.0)), vec![]);
    }

    #[test]
    fn v_cycles_a_selected_keypoint_visible_occluded_unlabelled() {
        let kp = Shape::Keypoints(vec![
            Keypoint::new(20.0, 20.0, Visibility::Visible),
            Keypoint::new(60.0, 20.0, Visibility::Visible),
        ]);
        let mut w = World::with(vec![(1, kp)]).selecting(1);
        // Without a selected point the key does nothing.
        assert_eq!(w.key(Tool::Select, ToolKey::CycleVisibility), vec![]);
        assert!(
            !w.tools
                .wants_visibility_key(Tool::Select, w.selected, &w.scene)
        );
        assert_eq!(w.click(Tool::Select, (60.0, 21.0)), vec![]);
        assert!(
            w.tools
                .wants_visibility_key(Tool::Select, w.selected, &w.scene)
        );
        let actions = w.key(Tool::Select, ToolKey::CycleVisibility);
        let Shape::Keypoints(k) = modified(&actions) else {
            panic!()
        };
        assert_eq!(k[1].v, Visibility::Occluded);
        w.apply(&actions);
        let actions = w.key(Tool::Select, ToolKey::CycleVisibility);
        let Shape::Keypoints(k) = modified(&actions) else {
            panic!()
        };
        assert_eq!(k[1], Keypoint::NOT_LABELLED);
        assert_eq!(k[0].v, Visibility::Visible);
        w.apply(&actions);
        // The point is gone, and so is its selection.
        assert_eq!(w.key(Tool::Select, ToolKey::CycleVisibility), vec![]);
    }

    #[test]
    fn esc_drops_a_drag_under_way() {
        let mut w = World::with(vec![(1, square())]).selecting(1);
        w.event(
            Tool::Select,
            ToolEvent::DragStart {
                from: Point::new(30.0, 30.0),
                at: Point::new(40.0, 30.0),
                mods: Mods::NONE,
            },
        );
        assert!(w.tools.editor.preview().is_some());
        w.key(Tool::Select, ToolKey::Cancel);
        let end = w.event(
            Tool::Select,
            ToolEvent::DragEnd {
                at: Point::new(90.0, 30.0),
                mods: Mods::NONE,
            },
        );
        assert_eq!(end, vec![]);
    }
}
