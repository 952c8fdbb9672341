//! The canvas tools: small state machines that take pointer gestures and keys in
//! image pixels and emit [`CanvasAction`]s, one per user gesture (a drag is one
//! action, adding a vertex is one, a rotation key press is one), so that the
//! workspace turns each into exactly one `Edit` and one undo step. No egui here:
//! `canvas::input` turns egui's input into [`ToolEvent`]s.
//!
//! Every tool edits the selected shape the same way ([`edit::Editor`]: drag its
//! inside to move it, drag a handle or vertex, Alt+click an edge to add a
//! vertex, Shift+click or Alt+click a vertex to delete it); the tools differ in
//! what a gesture on anything else does.

pub mod edit;
pub mod keypoints;
pub mod polygon;
pub mod rect;
pub mod rotated;
pub mod select;

use super::scene::Scene;
use crate::model::{AnnotationId, ClassId, Point, ProposalId, Shape, ShapeKind};
use edit::Editor;
use keypoints::KeypointTool;
use polygon::PathTool;
use rect::RectTool;

/// What the user did on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub enum CanvasAction {
    /// Select an annotation, or nothing.
    Select(Option<AnnotationId>),
    /// A model proposal was clicked.
    SelectProposal(ProposalId),
    /// A new annotation of `class`.
    Create { class: ClassId, shape: Shape },
    /// An annotation's new geometry (its class and id stay).
    Modify { id: AnnotationId, shape: Shape },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    /// Drag on the image to draw a box; click to select.
    Box,
    /// Select and move any shape; drag a selected shape's handles.
    Select,
    /// Drag to draw a box that turns: a rotation handle, and keys.
    RotatedBox,
    /// Click vertices; close on the first one, Enter or a double-click.
    Polygon,
    /// Click vertices; Enter or a double-click finishes.
    Polyline,
    /// Click the class's points in order.
    Keypoints,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::Box,
        Tool::Select,
        Tool::RotatedBox,
        Tool::Polygon,
        Tool::Polyline,
        Tool::Keypoints,
    ];

    /// The kind of shape the tool draws; `None` for the select tool.
    pub fn creates(self) -> Option<ShapeKind> {
        match self {
            Tool::Box => Some(ShapeKind::Rect),
            Tool::Select => None,
            Tool::RotatedBox => Some(ShapeKind::RotatedRect),
            Tool::Polygon => Some(ShapeKind::Polygon),
            Tool::Polyline => Some(ShapeKind::Polyline),
            Tool::Keypoints => Some(ShapeKind::Keypoints),
        }
    }

    /// The translation key of the tool's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Tool::Box => "tool.box",
            Tool::Select => "tool.select",
            Tool::RotatedBox => "tool.rotated_box",
            Tool::Polygon => "tool.polygon",
            Tool::Polyline => "tool.polyline",
            Tool::Keypoints => "tool.keypoints",
        }
    }
}

/// Modifier keys held during a gesture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mods {
    pub shift: bool,
    pub alt: bool,
    /// Ctrl, or Cmd on macOS.
    pub command: bool,
}

impl Mods {
    pub const NONE: Mods = Mods {
        shift: false,
        alt: false,
        command: false,
    };
    pub const SHIFT: Mods = Mods {
        shift: true,
        alt: false,
        command: false,
    };
    pub const ALT: Mods = Mods {
        shift: false,
        alt: true,
        command: false,
    };
}

/// Pointer gestures (primary button) and keys, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ToolEvent {
    /// The pointer moved past the click distance with the button down, which
    /// went down at `from`.
    DragStart {
        from: Point,
        at: Point,
        mods: Mods,
    },
    DragMove {
        at: Point,
        mods: Mods,
    },
    DragEnd {
        at: Point,
        mods: Mods,
    },
    Click {
        at: Point,
        mods: Mods,
    },
    /// The second click of a double-click (instead of its `Click`).
    DoubleClick {
        at: Point,
        mods: Mods,
    },
    Key(ToolKey),
}

/// Keys the tools act on; the keymap decides which keys they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ToolKey {
    /// Finish the shape being drawn (Enter).
    Finish,
    /// Drop the shape being drawn (Esc).
    Cancel,
    /// Take back the last point drawn, or delete the selected vertex.
    Delete,
    /// Turn the selected rotated box by this many degrees, clockwise on screen.
    Rotate(f32),
    /// The selected keypoint's visibility: visible → occluded → not labelled.
    CycleVisibility,
}

/// The names of a keypoint class's points, in order, and its skeleton's edges
/// (0-based indices into the names; COCO's `skeleton` is 1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KeypointSpec<'a> {
    pub names: &'a [String],
    pub edges: &'a [(usize, usize)],
}

/// What the tools see of the canvas: read only.
pub struct ToolContext<'a> {
    pub scene: &'a Scene,
    pub selected: Option<AnnotationId>,
    pub selected_proposal: Option<ProposalId>,
    /// The image's size; shapes are kept inside it.
    pub width: f32,
    pub height: f32,
    /// How near the pointer must be to hit a shape's outline, in image pixels
    /// (a few screen points at the current zoom).
    pub tolerance: f32,
    /// How near the pointer must be to grab a handle or vertex, in image pixels.
    pub grab: f32,
    /// Boxes drawn smaller than this (image pixels) are stray clicks.
    pub min_size: f32,
    /// How far beyond its top edge a rotated box's rotation handle sits.
    pub handle_offset: f32,
    /// The class a new shape gets; without one, drawing is off.
    pub draw_class: Option<ClassId>,
    /// The draw class's points, when it is a keypoint class.
    pub keypoints: Option<KeypointSpec<'a>>,
    pub editable: bool,
}

impl ToolContext<'_> {
    /// The point moved inside the image.
    pub fn clamp(&self, p: Point) -> Point {
        Point::new(
            p.x.clamp(0.0, self.width.max(0.0)),
            p.y.clamp(0.0, self.height.max(0.0)),
        )
    }

    pub fn selected_shape(&self) -> Option<&crate::ui::canvas::scene::SceneShape> {
        self.selected.and_then(|id| self.scene.get(id))
    }

    /// Whether a new shape can be drawn now.
    pub fn can_draw(&self) -> bool {
        self.editable && self.draw_class.is_some() && self.width > 0.0 && self.height > 0.0
    }
}

/// A shape being drawn, for the painter.
#[derive(Clone, Debug, PartialEq)]
pub enum Draft<'a> {
    /// A box (or a rotated box, still at angle 0) between two corners.
    Rect { a: Point, b: Point },
    /// Polygon or polyline vertices so far; the painter adds the rubber band
    /// to the pointer.
    Path { points: &'a [Point], closed: bool },
}

/// Every tool's state, kept across frames.
#[derive(Clone, Debug, Default)]
pub struct Tools {
    pub editor: Editor,
    rect: RectTool,
    path: PathTool,
    keypoints: KeypointTool,
}

impl Tools {
    /// One event for `tool`, appending what it did to `out`.
    pub fn handle(
        &mut self,
        tool: Tool,
        cx: &ToolContext,
        event: ToolEvent,
        out: &mut Vec<CanvasAction>,
    ) {
        self.editor.follow_selection(cx.selected);
        // A drag already under way, or a shape half drawn, keeps every event.
        if self.editor.is_dragging() {
            self.editor.handle(cx, event, out);
            return;
        }
        if self.is_drawing(tool) {
            self.handle_tool(tool, cx, event, out);
            return;
        }
        if cx.editable && self.editor.claims(cx, event) {
            self.editor.handle(cx, event, out);
            return;
        }
        self.handle_tool(tool, cx, event, out);
    }

    fn handle_tool(
        &mut self,
        tool: Tool,
        cx: &ToolContext,
        event: ToolEvent,
        out: &mut Vec<CanvasAction>,
    ) {
        match tool {
            Tool::Box => self.rect.handle(cx, event, false, out),
            Tool::RotatedBox => self.rect.handle(cx, event, true, out),
            Tool::Select => select::handle(&mut self.editor, cx, event, out),
            Tool::Polygon => self.path.handle(cx, event, true, out),
            Tool::Polyline => self.path.handle(cx, event, false, out),
            Tool::Keypoints => self.keypoints.handle(cx, event, out),
        }
    }

    /// Whether `tool` has a shape half drawn (keys like Enter and Esc are then
    /// the tool's).
    pub fn is_drawing(&self, tool: Tool) -> bool {
        match tool {
            Tool::Box | Tool::RotatedBox => self.rect.is_drawing(),
            Tool::Polygon | Tool::Polyline => self.path.is_drawing(),
            Tool::Select | Tool::Keypoints => false,
        }
    }

    /// Whether the visibility key means something now: a keypoint of the
    /// selected shape is selected, or the keypoint tool is placing points.
    pub fn wants_visibility_key(
        &self,
        tool: Tool,
        selected: Option<AnnotationId>,
        scene: &Scene,
    ) -> bool {
        let keypoints = selected
            .and_then(|id| scene.get(id))
            .is_some_and(|s| matches!(s.shape, Shape::Keypoints(_)));
        tool == Tool::Keypoints || (keypoints && self.editor.selected_vertex(selected).is_some())
    }

    /// Drops whatever was under way (a new item, another tool).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The shape being drawn by `tool`, if any.
    pub fn draft(&self, tool: Tool) -> Option<Draft<'_>> {
        match tool {
            Tool::Box | Tool::RotatedBox => self.rect.draft(),
            Tool::Polygon | Tool::Polyline => self.path.draft(tool == Tool::Polygon),
            Tool::Select | Tool::Keypoints => None,
        }
    }

    /// The keypoint tool's next point: its index and the visibility it gets.
    pub fn next_keypoint(&self, cx: &ToolContext) -> Option<(usize, crate::model::Visibility)> {
        self.keypoints.next(cx)
    }
}

/// Smallest angle form: degrees in `(-180, 180]`.
pub fn normalize_degrees(angle: f32) -> f32 {
    let a = angle.rem_euclid(360.0);
    if a > 180.0 { a - 360.0 } else { a }
}

#[cfg(test)]
pub(crate) mod test_support;
