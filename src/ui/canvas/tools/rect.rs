//! The box tool (and the rotated box tool's first step): drag on the image to
//! draw an axis-aligned box; a click selects what is under it. A selected box
//! has eight handles, at its corners and the middles of its edges.

use super::select::click_select;
use super::{CanvasAction, Draft, ToolContext, ToolEvent, ToolKey};
use crate::model::{BBox, Point, RotatedRect, Shape};

/// A resize handle: which edges of the box it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle {
    pub left: bool,
    pub right: bool,
    pub top: bool,
    pub bottom: bool,
}

impl Handle {
    pub const ALL: [Handle; 8] = [
        Handle::new(true, false, true, false),
        Handle::new(false, false, true, false),
        Handle::new(false, true, true, false),
        Handle::new(false, true, false, false),
        Handle::new(false, true, false, true),
        Handle::new(false, false, false, true),
        Handle::new(true, false, false, true),
        Handle::new(true, false, false, false),
    ];

    pub const fn new(left: bool, right: bool, top: bool, bottom: bool) -> Self {
        Self {
            left,
            right,
            top,
            bottom,
        }
    }

    /// The handle's place on a box.
    pub fn position(self, b: &BBox) -> Point {
        let pick = |low: bool, high: bool, min: f32, max: f32| {
            if low {
                min
            } else if high {
                max
            } else {
                (min + max) / 2.0
            }
        };
        Point::new(
            pick(self.left, self.right, b.min_x, b.max_x),
            pick(self.top, self.bottom, b.min_y, b.max_y),
        )
    }

    /// The handle of `b` nearest to `p`, within `grab`.
    pub fn at(b: &BBox, p: Point, grab: f32) -> Option<Handle> {
        Handle::ALL
            .into_iter()
            .map(|h| (h, h.position(b).distance_sq(p)))
            .filter(|(_, d)| *d <= grab * grab)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, _)| h)
    }

    /// Whether the handle moves one edge left or right (only), for the cursor.
    pub fn is_horizontal(self) -> bool {
        (self.left || self.right) && !(self.top || self.bottom)
    }

    pub fn is_vertical(self) -> bool {
        (self.top || self.bottom) && !(self.left || self.right)
    }

    /// Whether a corner handle runs from top-left to bottom-right.
    pub fn is_nw_se(self) -> bool {
        (self.left && self.top) || (self.right && self.bottom)
    }

    /// The box with this handle's edges moved to `p` (image pixels).
    pub fn resize(self, b: BBox, p: Point) -> BBox {
        let mut a = [b.min_x, b.min_y];
        let mut c = [b.max_x, b.max_y];
        if self.left {
            a[0] = p.x;
        }
        if self.right {
            c[0] = p.x;
        }
        if self.top {
            a[1] = p.y;
        }
        if self.bottom {
            c[1] = p.y;
        }
        BBox::from_corners(a, c)
    }
}

/// A box being drawn by dragging.
#[derive(Clone, Debug, Default)]
pub struct RectTool {
    drawing: Option<(Point, Point)>,
}

impl RectTool {
    pub fn is_drawing(&self) -> bool {
        self.drawing.is_some()
    }

    pub fn draft(&self) -> Option<Draft<'_>> {
        self.drawing.map(|(a, b)| Draft::Rect { a, b })
    }

    /// `rotated`: the rotated box tool, whose box starts at angle 0.
    pub fn handle(
        &mut self,
        cx: &ToolContext,
        event: ToolEvent,
        rotated: bool,
        out: &mut Vec<CanvasAction>,
    ) {
        match event {
            ToolEvent::DragStart { from, at, .. } if cx.can_draw() => {
                self.drawing = Some((cx.clamp(from), cx.clamp(at)));
            }
            ToolEvent::DragMove { at, .. } => {
                if let Some((_, end)) = &mut self.drawing {
                    *end = cx.clamp(at);
                }
            }
            ToolEvent::DragEnd { at, .. } => {
                let Some((start, _)) = self.drawing.take() else {
                    return;
                };
                let end = cx.clamp(at);
                let b = BBox::from_corners([start.x, start.y], [end.x, end.y]);
                if b.width() < cx.min_size || b.height() < cx.min_size {
                    return;
                }
                let shape = if rotated {
                    let c = [(b.min_x + b.max_x) / 2.0, (b.min_y + b.max_y) / 2.0];
                    Shape::RotatedRect(RotatedRect::new(c[0], c[1], b.width(), b.height(), 0.0))
                } else {
                    Shape::Rect(b)
                };
                if let Some(class) = cx.draw_class {
                    out.push(CanvasAction::Create { class, shape });
                }
            }
            ToolEvent::Key(ToolKey::Cancel) => self.drawing = None,
            ToolEvent::Click { at, .. } | ToolEvent::DoubleClick { at, .. } => {
                out.extend(click_select(cx, at));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{CanvasAction, Tool, ToolKey};
    use super::*;
    use crate::model::{AnnotationId, ClassId};

    #[test]
    fn corner_handle_moves_two_edges_and_normalises() {
        let b = BBox::from_corners([10.0, 10.0], [50.0, 40.0]);
        let se = Handle::new(false, true, false, true);
        assert_eq!(
            se.resize(b, Point::new(60.0, 45.0)),
            BBox::from_corners([10.0, 10.0], [60.0, 45.0])
        );
        // Dragging past the opposite edge flips the box instead of inverting it.
        assert_eq!(
            se.resize(b, Point::new(5.0, 45.0)),
            BBox::from_corners([5.0, 10.0], [10.0, 45.0])
        );
    }

    #[test]
    fn edge_handle_moves_one_edge() {
        let b = BBox::from_corners([10.0, 10.0], [50.0, 40.0]);
        let top = Handle::new(false, false, true, false);
        assert_eq!(
            top.resize(b, Point::new(999.0, 2.0)),
            BBox::from_corners([10.0, 2.0], [50.0, 40.0])
        );
    }

    #[test]
    fn a_drag_draws_one_box_clamped_to_the_image() {
        let mut w = World::with(vec![]);
        let actions = w.drag(Tool::Box, (50.0, 40.0), &[(100.0, 100.0)], (350.0, 120.0));
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: Shape::Rect(BBox::from_corners([50.0, 40.0], [300.0, 120.0])),
            }]
        );
    }

    #[test]
    fn a_tiny_drag_is_a_stray_click_not_a_box() {
        let mut w = World::with(vec![]);
        assert_eq!(w.drag(Tool::Box, (50.0, 40.0), &[], (51.0, 80.0)), vec![]);
    }

    #[test]
    fn without_a_class_or_read_only_nothing_is_drawn() {
        let mut w = World::with(vec![]);
        w.draw_class = None;
        assert_eq!(w.drag(Tool::Box, (5.0, 5.0), &[], (80.0, 80.0)), vec![]);
        let mut w = World::with(vec![]);
        w.editable = false;
        assert_eq!(w.drag(Tool::Box, (5.0, 5.0), &[], (80.0, 80.0)), vec![]);
    }

    #[test]
    fn dragging_over_an_unselected_box_draws_a_new_one() {
        let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 100.0, 100.0));
        let mut w = World::with(vec![(1, b)]);
        let actions = w.drag(Tool::Box, (10.0, 10.0), &[], (50.0, 50.0));
        assert!(matches!(actions[..], [CanvasAction::Create { .. }]));
        // Selected, the same drag moves it instead.
        let mut w = w.selecting(1);
        let actions = w.drag(Tool::Box, (10.0, 10.0), &[], (50.0, 50.0));
        assert!(matches!(actions[..], [CanvasAction::Modify { .. }]));
    }

    #[test]
    fn a_click_selects_and_esc_drops_a_box_being_drawn() {
        let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 100.0, 100.0));
        let mut w = World::with(vec![(1, b)]);
        assert_eq!(
            w.click(Tool::Box, (10.0, 10.0)),
            vec![CanvasAction::Select(Some(AnnotationId(1)))]
        );
        w.start_drag(Tool::Box, (150.0, 150.0), (200.0, 190.0));
        assert!(w.tools.is_drawing(Tool::Box));
        w.key(Tool::Box, ToolKey::Cancel);
        assert!(!w.tools.is_drawing(Tool::Box));
    }

    #[test]
    fn the_rotated_box_tool_draws_an_upright_rotated_box() {
        let mut w = World::with(vec![]);
        let actions = w.drag(Tool::RotatedBox, (10.0, 20.0), &[], (50.0, 40.0));
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: Shape::RotatedRect(RotatedRect::new(30.0, 30.0, 40.0, 20.0, 0.0)),
            }]
        );
    }
}
