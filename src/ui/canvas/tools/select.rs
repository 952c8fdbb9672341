//! The select tool: a click selects the smallest shape or proposal under the
//! pointer (or nothing), a drag on any shape selects and moves it. The box
//! tools select by click the same way.

use super::edit::Editor;
use super::{CanvasAction, ToolContext, ToolEvent};
use crate::model::Point;
use crate::ui::canvas::hit::Hit;

/// What a click at `p` selects, when that changes anything.
pub fn click_select(cx: &ToolContext, p: Point) -> Option<CanvasAction> {
    match cx.scene.hit(p, cx.tolerance) {
        Some(Hit::Proposal(id)) => {
            (Some(id) != cx.selected_proposal).then_some(CanvasAction::SelectProposal(id))
        }
        hit => {
            let id = match hit {
                Some(Hit::Shape(id)) => Some(id),
                _ => None,
            };
            (id != cx.selected || cx.selected_proposal.is_some())
                .then_some(CanvasAction::Select(id))
        }
    }
}

pub fn handle(
    editor: &mut Editor,
    cx: &ToolContext,
    event: ToolEvent,
    out: &mut Vec<CanvasAction>,
) {
    match event {
        ToolEvent::DragStart { from, at, mods } if cx.editable => {
            if let Some(id) = cx.scene.shape_at(from, cx.tolerance) {
                if Some(id) != cx.selected {
                    out.push(CanvasAction::Select(Some(id)));
                }
                editor.begin_move(cx, id, from);
                editor.handle(cx, ToolEvent::DragMove { at, mods }, out);
            }
        }
        ToolEvent::Click { at, .. } | ToolEvent::DoubleClick { at, .. } => {
            out.extend(click_select(cx, at));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{CanvasAction, Tool};
    use crate::model::{AnnotationId, BBox, Point, Polygon, ProposalId, Shape};

    #[test]
    fn dragging_any_shape_selects_and_moves_it_in_one_gesture() {
        let tri = Shape::Polygon(Polygon::new(vec![
            Point::new(10.0, 10.0),
            Point::new(60.0, 10.0),
            Point::new(10.0, 60.0),
        ]));
        let mut w = World::with(vec![(4, tri)]);
        let actions = w.drag(Tool::Select, (20.0, 20.0), &[(25.0, 25.0)], (30.0, 40.0));
        assert_eq!(actions[0], CanvasAction::Select(Some(AnnotationId(4))));
        let CanvasAction::Modify { id, shape } = &actions[1] else {
            panic!("{actions:?}")
        };
        assert_eq!(*id, AnnotationId(4));
        let Shape::Polygon(p) = shape else { panic!() };
        assert_eq!(p.points()[0], Point::new(20.0, 30.0));
        assert_eq!(actions.len(), 2);
    }

    #[test]
    fn a_click_selects_then_deselects_on_empty_image() {
        let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 50.0, 50.0));
        let mut w = World::with(vec![(1, b)]);
        assert_eq!(
            w.click(Tool::Select, (10.0, 10.0)),
            vec![CanvasAction::Select(Some(AnnotationId(1)))]
        );
        let mut w = w.selecting(1);
        // Clicking what is already selected changes nothing.
        assert_eq!(w.click(Tool::Select, (10.0, 10.0)), vec![]);
        assert_eq!(
            w.click(Tool::Select, (200.0, 150.0)),
            vec![CanvasAction::Select(None)]
        );
    }

    #[test]
    fn a_smaller_proposal_is_selected_over_the_shape_around_it() {
        let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 100.0, 100.0));
        let mut w = World::with(vec![(1, b)]);
        w.add_proposal(9, Shape::Rect(BBox::from_xywh(10.0, 10.0, 20.0, 20.0)));
        assert_eq!(
            w.click(Tool::Box, (15.0, 15.0)),
            vec![CanvasAction::SelectProposal(ProposalId(9))]
        );
    }
}
