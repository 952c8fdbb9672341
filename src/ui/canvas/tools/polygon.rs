//! The polygon and polyline tools: each click adds a vertex (a drag while
//! drawing adds one where it is let go). A polygon closes with a click on its
//! first vertex, Enter or a double-click; a polyline ends with Enter or a
//! double-click. Backspace (the Delete key) takes back the last vertex, Esc
//! drops the shape. The finished shape is one `Create`.
//!
//! When nothing is being drawn, a click on a vertex of the selected shape
//! selects it (the editor's), and a click anywhere else starts a new shape,
//! over other shapes too, as labelme and CVAT do in their drawing modes.

use super::{CanvasAction, Draft, ToolContext, ToolEvent, ToolKey};
use crate::model::{Point, Polygon, Shape};

#[derive(Clone, Debug, Default)]
pub struct PathTool {
    points: Vec<Point>,
}

impl PathTool {
    pub fn is_drawing(&self) -> bool {
        !self.points.is_empty()
    }

    pub fn draft(&self, closed: bool) -> Option<Draft<'_>> {
        self.is_drawing().then_some(Draft::Path {
            points: &self.points,
            closed,
        })
    }

    /// `closed`: a polygon; otherwise a polyline.
    pub fn handle(
        &mut self,
        cx: &ToolContext,
        event: ToolEvent,
        closed: bool,
        out: &mut Vec<CanvasAction>,
    ) {
        match event {
            ToolEvent::Click { at, .. } | ToolEvent::DragEnd { at, .. } => {
                self.add(cx, at, closed, out)
            }
            ToolEvent::DoubleClick { at, .. } => {
                if self.is_drawing() {
                    self.finish(cx, closed, out);
                } else {
                    self.add(cx, at, closed, out);
                }
            }
            ToolEvent::Key(ToolKey::Finish) => self.finish(cx, closed, out),
            ToolEvent::Key(ToolKey::Cancel) => self.points.clear(),
            ToolEvent::Key(ToolKey::Delete) => {
                self.points.pop();
            }
            _ => {}
        }
    }

    fn add(&mut self, cx: &ToolContext, at: Point, closed: bool, out: &mut Vec<CanvasAction>) {
        if !cx.can_draw() {
            return;
        }
        let p = cx.clamp(at);
        if closed && self.points.len() >= 3 && self.points[0].distance_sq(p) <= cx.grab * cx.grab {
            self.finish(cx, closed, out);
            return;
        }
        if self.points.last() != Some(&p) {
            self.points.push(p);
        }
    }

    /// Ends the shape when it has enough vertices (a polygon three with some
    /// area, a polyline two apart); otherwise goes on drawing.
    fn finish(&mut self, cx: &ToolContext, closed: bool, out: &mut Vec<CanvasAction>) {
        let shape = if closed {
            Shape::Polygon(Polygon::new(self.points.clone()))
        } else {
            Shape::Polyline(self.points.clone())
        };
        if !shape.is_valid() {
            return;
        }
        self.points.clear();
        if let Some(class) = cx.draw_class {
            out.push(CanvasAction::Create { class, shape });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{CanvasAction, Tool, ToolKey};
    use crate::model::{BBox, ClassId, Point, Polygon, Shape};

    fn clicks(w: &mut World, tool: Tool, points: &[(f32, f32)]) -> Vec<CanvasAction> {
        points.iter().flat_map(|&p| w.click(tool, p)).collect()
    }

    fn polygon(points: &[(f32, f32)]) -> Shape {
        Shape::Polygon(Polygon::new(
            points.iter().map(|&(x, y)| Point::new(x, y)).collect(),
        ))
    }

    #[test]
    fn clicking_the_first_vertex_closes_the_polygon_in_one_create() {
        let mut w = World::with(vec![]);
        let corners = [(10.0, 10.0), (80.0, 10.0), (80.0, 60.0), (10.0, 60.0)];
        assert_eq!(clicks(&mut w, Tool::Polygon, &corners), vec![]);
        assert!(w.tools.is_drawing(Tool::Polygon));
        let actions = w.click(Tool::Polygon, (11.0, 11.0));
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: polygon(&corners),
            }]
        );
        assert!(!w.tools.is_drawing(Tool::Polygon));
    }

    #[test]
    fn enter_or_a_double_click_closes_it() {
        let mut w = World::with(vec![]);
        let corners = [(10.0, 10.0), (80.0, 10.0), (80.0, 60.0)];
        clicks(&mut w, Tool::Polygon, &corners);
        let actions = w.key(Tool::Polygon, ToolKey::Finish);
        assert_eq!(actions.len(), 1);
        clicks(&mut w, Tool::Polygon, &corners[..2]);
        let actions = w.double_click(Tool::Polygon, (80.0, 60.0));
        // The double-click's first click placed the vertex; its second closes.
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: polygon(&corners),
            }]
        );
    }

    #[test]
    fn enter_with_too_few_vertices_keeps_drawing() {
        let mut w = World::with(vec![]);
        clicks(&mut w, Tool::Polygon, &[(10.0, 10.0), (80.0, 10.0)]);
        assert_eq!(w.key(Tool::Polygon, ToolKey::Finish), vec![]);
        assert!(w.tools.is_drawing(Tool::Polygon));
        // Three points on one line have no area either.
        w.click(Tool::Polygon, (150.0, 10.0));
        assert_eq!(w.key(Tool::Polygon, ToolKey::Finish), vec![]);
    }

    #[test]
    fn backspace_takes_back_a_vertex_and_esc_drops_the_polygon() {
        let mut w = World::with(vec![]);
        clicks(
            &mut w,
            Tool::Polygon,
            &[(10.0, 10.0), (80.0, 10.0), (99.0, 99.0)],
        );
        w.key(Tool::Polygon, ToolKey::Delete);
        w.click(Tool::Polygon, (80.0, 60.0));
        let actions = w.key(Tool::Polygon, ToolKey::Finish);
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: polygon(&[(10.0, 10.0), (80.0, 10.0), (80.0, 60.0)]),
            }]
        );
        clicks(&mut w, Tool::Polygon, &[(10.0, 10.0), (80.0, 10.0)]);
        w.key(Tool::Polygon, ToolKey::Cancel);
        assert!(!w.tools.is_drawing(Tool::Polygon));
        assert_eq!(w.key(Tool::Polygon, ToolKey::Finish), vec![]);
    }

    #[test]
    fn clicks_inside_other_shapes_draw_and_vertices_stay_in_the_image() {
        let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 300.0, 200.0));
        let mut w = World::with(vec![(1, b)]);
        clicks(
            &mut w,
            Tool::Polygon,
            &[(10.0, 10.0), (400.0, 10.0), (80.0, 90.0)],
        );
        let actions = w.key(Tool::Polygon, ToolKey::Finish);
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: polygon(&[(10.0, 10.0), (300.0, 10.0), (80.0, 90.0)]),
            }]
        );
    }

    #[test]
    fn a_polyline_ends_on_enter_and_never_closes_on_its_first_vertex() {
        let mut w = World::with(vec![]);
        let pts = [(10.0, 10.0), (80.0, 10.0), (80.0, 60.0), (10.0, 10.0)];
        assert_eq!(clicks(&mut w, Tool::Polyline, &pts), vec![]);
        let actions = w.key(Tool::Polyline, ToolKey::Finish);
        let expected: Vec<Point> = pts.iter().map(|&(x, y)| Point::new(x, y)).collect();
        assert_eq!(
            actions,
            vec![CanvasAction::Create {
                class: ClassId(1),
                shape: Shape::Polyline(expected),
            }]
        );
        // One vertex is not a line; two are.
        clicks(&mut w, Tool::Polyline, &[(10.0, 10.0)]);
        assert_eq!(w.key(Tool::Polyline, ToolKey::Finish), vec![]);
        let actions = w.double_click(Tool::Polyline, (50.0, 50.0));
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn a_click_on_a_vertex_of_the_selected_polygon_selects_it_instead_of_drawing() {
        let p = polygon(&[(10.0, 10.0), (80.0, 10.0), (80.0, 60.0)]);
        let mut w = World::with(vec![(1, p)]).selecting(1);
        assert_eq!(w.click(Tool::Polygon, (80.0, 10.0)), vec![]);
        assert!(!w.tools.is_drawing(Tool::Polygon));
        assert!(w.tools.editor.selected_vertex(w.selected).is_some());
        // A polygon's vertex leaves the visibility key to the project.
        assert!(
            !w.tools
                .wants_visibility_key(Tool::Polygon, w.selected, &w.scene)
        );
        // Elsewhere a click starts a new polygon, even inside the selected one.
        w.click(Tool::Polygon, (60.0, 20.0));
        assert!(w.tools.is_drawing(Tool::Polygon));
    }
}
