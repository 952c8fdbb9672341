//! The canvas as egui drives it: pointer events on a real `Context` become the
//! tools' gestures (clicks, double-clicks, drags, modifiers) and come back as
//! actions. The tools' own rules are tested beside them.

use super::*;
use crate::model::{Polygon, Shape};
use eframe::egui::{Event, Modifiers, RawInput, Vec2, vec2};

const SCREEN: Vec2 = vec2(800.0, 600.0);

struct Rig {
    ctx: egui::Context,
    state: CanvasState,
    scene: Scene,
    schema: LabelSchema,
    selected: Option<AnnotationId>,
    time: f64,
}

impl Rig {
    fn new(scene: Scene) -> Self {
        let ctx = egui::Context::default();
        crate::ui::fonts::install(&ctx);
        // The whole 400×300 image at zoom 1 in the top-left corner.
        let state = CanvasState {
            fit_pending: false,
            ..Default::default()
        };
        Self {
            ctx,
            state,
            scene,
            schema: LabelSchema::with_classes(&["car"]),
            selected: None,
            time: 0.0,
        }
    }

    /// One frame with `events`, `dt` seconds after the last.
    fn frame(
        &mut self,
        tool: Tool,
        events: Vec<Event>,
        modifiers: Modifiers,
        dt: f64,
    ) -> Vec<CanvasAction> {
        self.time += dt;
        let mut all = vec![Event::ModifiersChanged(modifiers)];
        all.extend(events);
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(self.time),
            events: all,
            ..Default::default()
        };
        let mut actions = Vec::new();
        let mut out = self.ctx.run_ui(raw, |ui| {
            let input = CanvasInput {
                picture: Picture::Loading,
                image_size: vec2(400.0, 300.0),
                scene: &self.scene,
                schema: &self.schema,
                selected: self.selected,
                tool,
                draw_class: Some(ClassId(1)),
                keypoints: &no_keypoints,
                editable: true,
                commented: &[],
                selected_proposal: None,
                proposal_threshold: 0.5,
            };
            actions = self.state.show(ui, &input);
        });
        out.textures_delta.clear();
        actions
    }

    /// The screen point of an image point.
    fn at(&self, x: f32, y: f32) -> Pos2 {
        self.state.view.image_to_screen(self.state.rect, pos2(x, y))
    }

    fn button(
        &mut self,
        tool: Tool,
        p: Pos2,
        pressed: bool,
        modifiers: Modifiers,
    ) -> Vec<CanvasAction> {
        let event = Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed,
            modifiers,
        };
        self.frame(tool, vec![Event::PointerMoved(p), event], modifiers, 0.05)
    }

    fn click(&mut self, tool: Tool, x: f32, y: f32, modifiers: Modifiers) -> Vec<CanvasAction> {
        let p = self.at(x, y);
        let mut out = self.frame(tool, vec![Event::PointerMoved(p)], modifiers, 0.5);
        out.extend(self.button(tool, p, true, modifiers));
        out.extend(self.button(tool, p, false, modifiers));
        out
    }

    fn drag(&mut self, tool: Tool, from: (f32, f32), to: (f32, f32)) -> Vec<CanvasAction> {
        let (a, b) = (self.at(from.0, from.1), self.at(to.0, to.1));
        let mut out = self.frame(tool, vec![Event::PointerMoved(a)], Modifiers::NONE, 0.5);
        out.extend(self.button(tool, a, true, Modifiers::NONE));
        for i in 1..=4 {
            let p = a + (b - a) * (i as f32 / 4.0);
            out.extend(self.frame(tool, vec![Event::PointerMoved(p)], Modifiers::NONE, 0.05));
        }
        out.extend(self.button(tool, b, false, Modifiers::NONE));
        out
    }
}

fn polygon(points: &[(f32, f32)]) -> Shape {
    Shape::Polygon(Polygon::new(
        points.iter().map(|&(x, y)| Point::new(x, y)).collect(),
    ))
}

/// The first frame lays the canvas out; the view is then at zoom 1.
fn rig(scene: Scene) -> Rig {
    let mut rig = Rig::new(scene);
    rig.frame(Tool::Box, vec![], Modifiers::NONE, 0.0);
    rig
}

#[test]
fn clicks_and_a_double_click_draw_one_polygon() {
    let mut r = rig(Scene::default());
    let mut actions = Vec::new();
    for (x, y) in [(10.0, 10.0), (100.0, 10.0), (100.0, 80.0)] {
        actions.extend(r.click(Tool::Polygon, x, y, Modifiers::NONE));
    }
    assert_eq!(actions, vec![]);
    assert!(r.state.is_busy(Tool::Polygon));
    // Two quick clicks in one place: the first adds a vertex, the second closes.
    let p = r.at(10.0, 80.0);
    r.frame(
        Tool::Polygon,
        vec![Event::PointerMoved(p)],
        Modifiers::NONE,
        0.5,
    );
    for pressed in [true, false, true, false] {
        actions.extend(r.button(Tool::Polygon, p, pressed, Modifiers::NONE));
    }
    assert_eq!(
        actions,
        vec![CanvasAction::Create {
            class: ClassId(1),
            shape: polygon(&[(10.0, 10.0), (100.0, 10.0), (100.0, 80.0), (10.0, 80.0)]),
        }]
    );
    assert!(!r.state.is_busy(Tool::Polygon));
}

#[test]
fn enter_reaches_the_tool_through_the_queue() {
    let mut r = rig(Scene::default());
    for (x, y) in [(10.0, 10.0), (100.0, 10.0), (100.0, 80.0)] {
        r.click(Tool::Polyline, x, y, Modifiers::NONE);
    }
    r.state.queue_key(ToolKey::Finish);
    let actions = r.frame(Tool::Polyline, vec![], Modifiers::NONE, 0.5);
    assert!(matches!(
        &actions[..],
        [CanvasAction::Create { shape: Shape::Polyline(p), .. }] if p.len() == 3
    ));
}

#[test]
fn alt_click_on_an_edge_adds_a_vertex_to_the_selected_polygon() {
    let square = polygon(&[(10.0, 10.0), (110.0, 10.0), (110.0, 110.0), (10.0, 110.0)]);
    let mut r = rig(Scene::new(
        vec![SceneShape::new(AnnotationId(5), ClassId(1), square)],
        vec![],
    ));
    r.selected = Some(AnnotationId(5));
    let actions = r.click(Tool::Select, 60.0, 10.0, Modifiers::ALT);
    let [
        CanvasAction::Modify {
            id,
            shape: Shape::Polygon(p),
        },
    ] = &actions[..]
    else {
        panic!("{actions:?}")
    };
    assert_eq!(*id, AnnotationId(5));
    assert_eq!(p.points().len(), 5);
    assert!((p.points()[1].x - 60.0).abs() < 0.5, "{:?}", p.points()[1]);
    // The new vertex is selected: Delete takes it away again, one more edit.
    assert!(r.state.selected_vertex(r.selected).is_some());
}

#[test]
fn a_box_drag_draws_and_a_drag_on_the_selected_box_moves_it() {
    let mut r = rig(Scene::default());
    let actions = r.drag(Tool::Box, (20.0, 20.0), (120.0, 90.0));
    let [
        CanvasAction::Create {
            shape: Shape::Rect(b),
            ..
        },
    ] = &actions[..]
    else {
        panic!("{actions:?}")
    };
    let drawn = *b;
    assert!(
        (b.min_x - 20.0).abs() < 0.5 && (b.max_y - 90.0).abs() < 0.5,
        "{b:?}"
    );
    r.scene = Scene::new(
        vec![SceneShape::new(
            AnnotationId(1),
            ClassId(1),
            Shape::Rect(drawn),
        )],
        vec![],
    );
    r.selected = Some(AnnotationId(1));
    let actions = r.drag(Tool::Box, (70.0, 50.0), (80.0, 60.0));
    let [
        CanvasAction::Modify {
            shape: Shape::Rect(m),
            ..
        },
    ] = &actions[..]
    else {
        panic!("{actions:?}")
    };
    assert!((m.min_x - drawn.min_x - 10.0).abs() < 0.5, "{m:?}");
}

#[test]
fn hovering_finds_the_shape_under_the_pointer() {
    let square = polygon(&[(10.0, 10.0), (110.0, 10.0), (110.0, 110.0), (10.0, 110.0)]);
    let mut r = rig(Scene::new(
        vec![SceneShape::new(AnnotationId(5), ClassId(1), square)],
        vec![],
    ));
    let p = r.at(50.0, 50.0);
    r.frame(
        Tool::Select,
        vec![Event::PointerMoved(p)],
        Modifiers::NONE,
        0.1,
    );
    assert_eq!(r.state.hovered, Some(AnnotationId(5)));
    let p = r.at(300.0, 250.0);
    r.frame(
        Tool::Select,
        vec![Event::PointerMoved(p)],
        Modifiers::NONE,
        0.1,
    );
    assert_eq!(r.state.hovered, None);
}
