//! A small world for the tools' unit tests: a 300×200 image, a scene, the
//! selection, and gestures sent as the canvas sends them. `apply` does what the
//! workspace would do with the actions.

use super::{CanvasAction, KeypointSpec, Mods, Tool, ToolContext, ToolEvent, ToolKey, Tools};
use crate::model::{AnnotationId, ClassId, Point, ProposalId, Shape, Visibility};
use crate::ui::canvas::scene::{Scene, SceneProposal, SceneShape};

pub struct World {
    pub scene: Scene,
    pub selected: Option<AnnotationId>,
    pub tools: Tools,
    pub draw_class: Option<ClassId>,
    pub editable: bool,
    pub handle_offset: f32,
    names: Vec<String>,
}

impl World {
    pub fn with(shapes: Vec<(i64, Shape)>) -> Self {
        let shapes = shapes
            .into_iter()
            .map(|(id, s)| SceneShape::new(AnnotationId(id), ClassId(1), s))
            .collect();
        Self {
            scene: Scene::new(shapes, vec![]),
            selected: None,
            tools: Tools::default(),
            draw_class: Some(ClassId(1)),
            editable: true,
            handle_offset: 12.0,
            names: Vec::new(),
        }
    }

    pub fn selecting(mut self, id: i64) -> Self {
        self.selected = Some(AnnotationId(id));
        self
    }

    pub fn with_keypoints(mut self, names: &[&str]) -> Self {
        self.names = names.iter().map(|n| n.to_string()).collect();
        self
    }

    pub fn add_proposal(&mut self, id: i64, shape: Shape) {
        let mut proposals = self.scene.proposals.clone();
        proposals.push(SceneProposal::with(ProposalId(id), ClassId(1), shape, 0.9));
        self.scene = Scene::new(self.scene.shapes.clone(), proposals);
    }

    fn context(&self) -> ToolContext<'_> {
        ToolContext {
            scene: &self.scene,
            selected: self.selected,
            selected_proposal: None,
            width: 300.0,
            height: 200.0,
            tolerance: 2.0,
            grab: 4.0,
            min_size: 2.0,
            handle_offset: self.handle_offset,
            draw_class: self.draw_class,
            keypoints: (!self.names.is_empty()).then_some(KeypointSpec {
                names: &self.names,
                edges: &[],
            }),
            editable: self.editable,
        }
    }

    pub fn event(&mut self, tool: Tool, event: ToolEvent) -> Vec<CanvasAction> {
        let mut out = Vec::new();
        let mut tools = std::mem::take(&mut self.tools);
        tools.handle(tool, &self.context(), event, &mut out);
        self.tools = tools;
        out
    }

    pub fn key(&mut self, tool: Tool, key: ToolKey) -> Vec<CanvasAction> {
        self.event(tool, ToolEvent::Key(key))
    }

    pub fn click(&mut self, tool: Tool, at: (f32, f32)) -> Vec<CanvasAction> {
        self.click_with(tool, at, Mods::NONE)
    }

    pub fn click_with(&mut self, tool: Tool, at: (f32, f32), mods: Mods) -> Vec<CanvasAction> {
        let at = Point::new(at.0, at.1);
        self.event(tool, ToolEvent::Click { at, mods })
    }

    /// A double-click as egui reports it: a click, then the second click.
    pub fn double_click(&mut self, tool: Tool, at: (f32, f32)) -> Vec<CanvasAction> {
        let at = Point::new(at.0, at.1);
        let mut out = self.event(
            tool,
            ToolEvent::Click {
                at,
                mods: Mods::NONE,
            },
        );
        out.extend(self.event(
            tool,
            ToolEvent::DoubleClick {
                at,
                mods: Mods::NONE,
            },
        ));
        out
    }

    pub fn start_drag(
        &mut self,
        tool: Tool,
        from: (f32, f32),
        at: (f32, f32),
    ) -> Vec<CanvasAction> {
        let (from, at) = (Point::new(from.0, from.1), Point::new(at.0, at.1));
        self.event(
            tool,
            ToolEvent::DragStart {
                from,
                at,
                mods: Mods::NONE,
            },
        )
    }

    pub fn drag(
        &mut self,
        tool: Tool,
        from: (f32, f32),
        moves: &[(f32, f32)],
        to: (f32, f32),
    ) -> Vec<CanvasAction> {
        self.drag_with(tool, from, moves, to, Mods::NONE)
    }

    pub fn drag_with(
        &mut self,
        tool: Tool,
        from: (f32, f32),
        moves: &[(f32, f32)],
        to: (f32, f32),
        mods: Mods,
    ) -> Vec<CanvasAction> {
        let p = |(x, y): (f32, f32)| Point::new(x, y);
        let first = moves.first().copied().unwrap_or(to);
        let mut out = self.event(
            tool,
            ToolEvent::DragStart {
                from: p(from),
                at: p(first),
                mods,
            },
        );
        for &m in moves {
            out.extend(self.event(tool, ToolEvent::DragMove { at: p(m), mods }));
        }
        out.extend(self.event(tool, ToolEvent::DragEnd { at: p(to), mods }));
        out
    }

    /// What the workspace does: stores creations (the new shape selected) and
    /// modifications, follows selections.
    pub fn apply(&mut self, actions: &[CanvasAction]) {
        let mut shapes = self.scene.shapes.clone();
        for action in actions {
            match action {
                CanvasAction::Select(id) => self.selected = *id,
                CanvasAction::SelectProposal(_) => self.selected = None,
                CanvasAction::Create { class, shape } => {
                    let id = AnnotationId(shapes.iter().map(|s| s.id.0).max().unwrap_or(0) + 1);
                    shapes.push(SceneShape::new(id, *class, shape.clone()));
                    self.selected = Some(id);
                }
                CanvasAction::Modify { id, shape } => {
                    if let Some(s) = shapes.iter_mut().find(|s| s.id == *id) {
                        *s = SceneShape::new(*id, s.class, shape.clone());
                    }
                }
            }
        }
        self.scene = Scene::new(shapes, self.scene.proposals.clone());
    }

    pub fn next_keypoint(&self) -> Option<(usize, Visibility)> {
        self.tools.next_keypoint(&self.context())
    }
}

/// The shape of the one `Modify` in `actions`.
pub fn modified(actions: &[CanvasAction]) -> &Shape {
    match actions {
        [CanvasAction::Modify { shape, .. }] => shape,
        other => panic!("expected one Modify, got {other:?}"),
    }
}
