//! The image canvas: shows the image, its annotations and its model proposals,
//! and turns pointer and key input into [`CanvasAction`]s through the tools. It
//! never changes the project itself; the workspace turns actions into edits.
//!
//! - `view`: where the image sits on screen and how large (zoom, pan, fit);
//! - `scene`: the drawn model, `(id, class, Shape)` with cached bounds;
//! - `hit`: which shape is under the pointer;
//! - `tools`: one state machine per tool, in image pixels, without egui;
//! - `layer` (every annotation's meshes, kept between frames), `paint`
//!   (styles, shapes into meshes), `overlay` (selection, handles, drafts,
//!   proposals, hints), `mesh`, `triangulate` and `mask` (textures of RLE
//!   masks): the drawing.

pub mod hit;
pub mod layer;
pub mod mask;
pub mod mesh;
pub mod overlay;
pub mod paint;
pub mod scene;
#[cfg(test)]
mod tests;
pub mod tools;
pub mod triangulate;
pub mod view;

pub use overlay::score_text;
pub use scene::{Scene, SceneProposal, SceneShape};
pub use tools::{CanvasAction, KeypointSpec, Mods, Tool, ToolKey};
pub use view::CanvasView;

use super::theme;
use crate::model::Visibility;
use crate::model::{AnnotationId, BBox, ClassId, LabelSchema, Point, ProposalId, VertexRef};
use eframe::egui::{self, Color32, CursorIcon, PointerButton, Pos2, Rect, Sense, Vec2, pos2};
use layer::{Layer, LayerInput};
use overlay::Highlight;
use paint::{Styles, Transform};
use rust_i18n::t;
use tools::edit::Grip;
use tools::{ToolContext, ToolEvent, Tools};

/// How near (screen points) the pointer must be to a shape's outline to hit it.
const HIT_TOLERANCE: f32 = 3.0;
/// How far (screen points) a rotated box's rotation handle sits beyond it.
const ROTATION_HANDLE_OFFSET: f32 = 24.0;

/// What to show where the image goes.
pub enum Picture<'a> {
    Texture(egui::TextureId),
    Loading,
    Error(&'a str),
}

/// A class's keypoint names and skeleton, when it is a keypoint class.
pub type KeypointsOf<'a> = &'a dyn Fn(ClassId) -> Option<KeypointSpec<'a>>;

/// No class has keypoint names (the schema has none yet).
pub fn no_keypoints<'a>(_: ClassId) -> Option<KeypointSpec<'a>> {
    None
}

pub struct CanvasInput<'a> {
    pub picture: Picture<'a>,
    /// The full-resolution, EXIF-oriented image size; shape coordinates use it.
    pub image_size: Vec2,
    pub scene: &'a Scene,
    pub schema: &'a LabelSchema,
    pub selected: Option<AnnotationId>,
    pub tool: Tool,
    /// The class a new shape gets; without one, drawing is off.
    pub draw_class: Option<ClassId>,
    pub keypoints: KeypointsOf<'a>,
    pub editable: bool,
    /// Annotations a review comment is pinned to; they get a marker.
    pub commented: &'a [AnnotationId],
    pub selected_proposal: Option<ProposalId>,
    /// Proposals scoring below this are drawn faintly.
    pub proposal_threshold: f32,
}

/// The canvas's own state, kept across frames.
pub struct CanvasState {
    pub view: CanvasView,
    /// Fit the image to the window on the next frame (new item, or the Fit key).
    pub fit_pending: bool,
    /// The canvas rectangle of the last frame (screen points).
    pub rect: Rect,
    /// The pointer position in image pixels, when over the canvas.
    pub cursor_image: Option<Pos2>,
    /// The keypoint tool's next point (index, visibility), for the panel.
    pub next_keypoint: Option<(usize, Visibility)>,
    tools: Tools,
    tool: Tool,
    panning: bool,
    tool_drag: bool,
    last_drag: Option<Point>,
    /// Keys the workspace routed to the tools, handled on the next frame.
    keys: Vec<ToolKey>,
    hovered: Option<AnnotationId>,
    layer: Layer,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            view: CanvasView::default(),
            fit_pending: true,
            rect: Rect::NOTHING,
            cursor_image: None,
            next_keypoint: None,
            tools: Tools::default(),
            tool: Tool::Box,
            panning: false,
            tool_drag: false,
            last_drag: None,
            keys: Vec::new(),
            hovered: None,
            layer: Layer::default(),
        }
    }
}

pub fn class_color(schema: &LabelSchema, class: ClassId) -> Color32 {
    schema
        .class(class)
        .map(|c| theme::class_color(c.color))
        .unwrap_or(Color32::GRAY)
}

fn image_point(p: Pos2) -> Point {
    Point::new(p.x, p.y)
}

impl CanvasState {
    /// Drops any drag or drawing in progress (e.g. when the item changes under it).
    pub fn reset_interaction(&mut self) {
        self.tools.reset();
        self.panning = false;
        self.tool_drag = false;
        self.keys.clear();
    }

    /// Zooms around the canvas centre (zoom keys).
    pub fn zoom_centre(&mut self, factor: f32) {
        if self.rect.is_positive() {
            let c = self.rect.center();
            self.view.zoom_at(self.rect, c, factor);
        }
    }

    /// Hands a key to the tools; it takes effect on the canvas's next frame.
    pub fn queue_key(&mut self, key: ToolKey) {
        self.keys.push(key);
    }

    /// Whether a shape is being drawn or dragged with `tool`: Enter, Esc and
    /// Delete are then the tool's.
    pub fn is_busy(&self, tool: Tool) -> bool {
        self.tools.editor.is_dragging() || self.tools.is_drawing(tool)
    }

    /// The selected vertex of `selected` (Delete and Esc act on it first).
    pub fn selected_vertex(&self, selected: Option<AnnotationId>) -> Option<VertexRef> {
        self.tools.editor.selected_vertex(selected)
    }

    /// Whether the visibility key is the canvas's now (otherwise it stays a
    /// project hotkey).
    pub fn wants_visibility_key(
        &self,
        tool: Tool,
        selected: Option<AnnotationId>,
        scene: &Scene,
    ) -> bool {
        self.tools.wants_visibility_key(tool, selected, scene)
    }

    pub fn show(&mut self, ui: &mut egui::Ui, input: &CanvasInput) -> Vec<CanvasAction> {
        let rect = ui.available_rect_before_wrap();
        let response = ui.allocate_rect(rect, Sense::click_and_drag());
        self.rect = rect;
        if self.fit_pending && rect.is_positive() && input.image_size.x > 0.0 {
            self.view = CanvasView::fitted(rect, input.image_size);
            self.fit_pending = false;
        }
        if input.tool != self.tool {
            // Another tool: a half-drawn shape of the last one is dropped.
            let editor = std::mem::take(&mut self.tools.editor);
            self.tools.reset();
            self.tools.editor = editor;
            self.tool = input.tool;
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, theme::CANVAS_BACKGROUND);

        let (pointer, space_down, scroll, zoom_delta, modifiers) = ui.input(|i| {
            (
                i.pointer.interact_pos(),
                i.key_down(egui::Key::Space),
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.modifiers,
            )
        });
        let mods = Mods {
            shift: modifiers.shift,
            alt: modifiers.alt,
            command: modifiers.command,
        };
        // Zoom to the cursor with the wheel (and pinch / Ctrl+wheel).
        if response.hovered()
            && let Some(p) = pointer
        {
            let factor = (scroll * 0.0025).exp() * zoom_delta;
            if (factor - 1.0).abs() > 1e-4 {
                self.view.zoom_at(rect, p, factor);
            }
        }
        self.cursor_image = pointer
            .filter(|p| rect.contains(*p))
            .map(|p| self.view.screen_to_image(rect, p));

        let zoom = self.view.zoom;
        let keypoints = input.draw_class.and_then(|c| (input.keypoints)(c));
        let cx = ToolContext {
            scene: input.scene,
            selected: input.selected,
            selected_proposal: input.selected_proposal,
            width: input.image_size.x,
            height: input.image_size.y,
            tolerance: HIT_TOLERANCE / zoom,
            grab: theme::HANDLE_GRAB_RADIUS / zoom,
            min_size: theme::MIN_DRAWN_BOX_SIZE / zoom,
            handle_offset: ROTATION_HANDLE_OFFSET / zoom,
            draw_class: input.draw_class,
            keypoints,
            editable: input.editable,
        };
        let mut actions = Vec::new();
        let mut events: Vec<ToolEvent> = self.keys.drain(..).map(ToolEvent::Key).collect();
        events.extend(self.pointer_events(ui, &response, pointer, space_down, mods));
        for event in events {
            self.tools.handle(input.tool, &cx, event, &mut actions);
        }
        let pointer_image = self.cursor_image.map(image_point);
        self.hovered = match pointer_image {
            Some(p) if !self.is_busy(input.tool) && !self.panning => {
                input.scene.shape_at(p, cx.tolerance)
            }
            _ => None,
        };
        self.next_keypoint = match input.tool {
            Tool::Keypoints => self.tools.next_keypoint(&cx),
            _ => None,
        };
        self.paint(ui, &painter, input, &cx, pointer, mods, space_down);
        self.set_cursor(ui, &response, &cx, input.tool, space_down);
        actions
    }

    /// This frame's pointer gestures on the canvas, in image pixels. Panning
    /// (middle button, or Space held) is handled here and not passed on.
    fn pointer_events(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        pointer: Option<Pos2>,
        space_down: bool,
        mods: Mods,
    ) -> Vec<ToolEvent> {
        let (rect, view) = (self.rect, self.view);
        let to_image = |p: Pos2| image_point(view.screen_to_image(rect, p));
        let mut events = Vec::new();
        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin()).or(pointer);
            if response.dragged_by(PointerButton::Middle) || space_down {
                self.panning = true;
            } else if response.dragged_by(PointerButton::Primary)
                && let (Some(o), Some(p)) = (origin, pointer)
            {
                self.tool_drag = true;
                let (from, at) = (to_image(o), to_image(p));
                events.push(ToolEvent::DragStart { from, at, mods });
            }
        }
        if response.dragged() {
            if self.panning {
                self.view.pan(response.drag_delta());
            } else if self.tool_drag
                && let Some(p) = pointer
            {
                let at = to_image(p);
                self.last_drag = Some(at);
                events.push(ToolEvent::DragMove { at, mods });
            }
        }
        if response.drag_stopped() {
            if self.tool_drag
                && let Some(at) = pointer.map(to_image).or(self.last_drag)
            {
                events.push(ToolEvent::DragEnd { at, mods });
            }
            self.tool_drag = false;
            self.panning = false;
            self.last_drag = None;
        }
        if response.clicked_by(PointerButton::Primary)
            && let Some(p) = pointer
        {
            let at = to_image(p);
            events.push(if response.double_clicked_by(PointerButton::Primary) {
                ToolEvent::DoubleClick { at, mods }
            } else {
                ToolEvent::Click { at, mods }
            });
        }
        events
    }

    #[allow(clippy::too_many_arguments)]
    fn paint(
        &mut self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        input: &CanvasInput,
        cx: &ToolContext,
        pointer: Option<Pos2>,
        mods: Mods,
        space_down: bool,
    ) {
        let at = Transform {
            rect: self.rect,
            view: self.view,
        };
        let size = input.image_size;
        let image_rect = at.rect_of(BBox::from_corners([0.0, 0.0], [size.x, size.y]));
        match input.picture {
            Picture::Texture(id) => {
                let uv = Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0));
                painter.image(id, image_rect, uv, Color32::WHITE);
            }
            Picture::Loading => paint::paint_loading(painter, self.rect, image_rect, ui),
            Picture::Error(message) => {
                paint::paint_message(painter, self.rect, message, ui.visuals().error_fg_color);
                return;
            }
        }
        let skeleton = |class| (input.keypoints)(class).map_or(&[][..], |k| k.edges);
        let preview = self.tools.editor.preview();
        self.layer.paint(
            painter,
            &LayerInput {
                scene: input.scene,
                schema: input.schema,
                at,
                preview,
                skeleton: &skeleton,
            },
        );
        let styles = Styles::new(input.schema, None);
        overlay::proposals(
            painter,
            at,
            input.scene,
            &styles,
            input.selected_proposal,
            input.proposal_threshold,
        );
        let pointer_image = self.cursor_image.map(image_point);
        let insert_at = pointer_image
            .filter(|_| mods.alt && preview.is_none())
            .and_then(|p| match self.tools.editor.grip_at(cx, p) {
                Some(Grip::Edge) => {
                    let shape = &cx.selected_shape()?.shape;
                    shape.edge_at(p.x, p.y, cx.tolerance).map(|e| e.point)
                }
                _ => None,
            });
        overlay::highlight(
            painter,
            at,
            &Highlight {
                scene: input.scene,
                styles: &styles,
                selected: input.selected,
                hovered: self.hovered,
                preview,
                vertex: self.tools.editor.selected_vertex(input.selected),
                editable: input.editable,
                insert_at,
                handle_offset: cx.handle_offset,
                keypoints: input.keypoints,
                fills: &self.layer.fills,
            },
        );
        overlay::comment_markers(painter, at, input.scene, input.commented);
        let draw_color = input
            .draw_class
            .map(|c| class_color(input.schema, c))
            .unwrap_or(theme::DRAW_PREVIEW_COLOR);
        if let Some(draft) = self.tools.draft(input.tool) {
            overlay::draft(
                painter,
                at,
                &draft,
                pointer,
                draw_color,
                theme::HANDLE_GRAB_RADIUS,
            );
        }
        if let Some(p) = pointer.filter(|p| self.rect.contains(*p))
            && matches!(input.tool, Tool::Box | Tool::RotatedBox)
            && input.editable
            && !space_down
            && !self.tools.editor.is_dragging()
        {
            overlay::guides(painter, self.rect, p);
        }
        if let Some(text) = self.hint(input, cx) {
            overlay::hint(painter, self.rect, &text);
        }
    }

    /// A line of help for the drawing tools other than the box's.
    fn hint(&self, input: &CanvasInput, cx: &ToolContext) -> Option<String> {
        let text = match input.tool {
            Tool::Box | Tool::Select => return None,
            _ if !input.editable => return None,
            Tool::RotatedBox => t!("canvas.hint_rotated"),
            Tool::Polygon => t!("canvas.hint_polygon"),
            Tool::Polyline => t!("canvas.hint_polyline"),
            Tool::Keypoints => match (self.next_keypoint, cx.keypoints) {
                (Some((index, v)), Some(spec)) => {
                    let name = spec.names.get(index).map_or("", String::as_str);
                    let key = if v == Visibility::Occluded {
                        "canvas.hint_keypoint_occluded"
                    } else {
                        "canvas.hint_keypoint"
                    };
                    t!(
                        key,
                        name = name,
                        index = index + 1,
                        count = spec.names.len()
                    )
                }
                _ => t!("canvas.hint_no_keypoints"),
            },
        };
        Some(text.into_owned())
    }

    fn set_cursor(
        &self,
        ui: &egui::Ui,
        response: &egui::Response,
        cx: &ToolContext,
        tool: Tool,
        space_down: bool,
    ) {
        if !response.hovered() {
            return;
        }
        let grip_cursor = |grip: Grip| match grip {
            Grip::Handle(h) if h.is_horizontal() => CursorIcon::ResizeHorizontal,
            Grip::Handle(h) if h.is_vertical() => CursorIcon::ResizeVertical,
            Grip::Handle(h) if h.is_nw_se() => CursorIcon::ResizeNwSe,
            Grip::Handle(_) => CursorIcon::ResizeNeSw,
            Grip::Rotation | Grip::Vertex => CursorIcon::Grab,
            Grip::Inside | Grip::Edge => CursorIcon::Move,
        };
        let drawing_cursor = match tool {
            Tool::Select => CursorIcon::Default,
            _ => CursorIcon::Crosshair,
        };
        let icon = if self.panning {
            CursorIcon::Grabbing
        } else if let Some(grip) = self.tools.editor.dragging_grip() {
            match grip {
                Grip::Rotation | Grip::Vertex => CursorIcon::Grabbing,
                other => grip_cursor(other),
            }
        } else if self.tools.is_drawing(tool) {
            CursorIcon::Crosshair
        } else if space_down {
            CursorIcon::Grab
        } else {
            match self
                .cursor_image
                .and_then(|p| self.tools.editor.grip_at(cx, image_point(p)))
            {
                Some(Grip::Inside | Grip::Edge) | None => drawing_cursor,
                Some(grip) => grip_cursor(grip),
            }
        };
        ui.ctx().set_cursor_icon(icon);
    }
}

/// A shape kind's name in the UI's language (plural), for notices.
pub fn kind_name(kind: crate::model::ShapeKind) -> String {
    use crate::model::ShapeKind;
    t!(match kind {
        ShapeKind::Rect => "shape.rect",
        ShapeKind::RotatedRect => "shape.rotated_rect",
        ShapeKind::Polygon => "shape.polygon",
        ShapeKind::Polyline => "shape.polyline",
        ShapeKind::Keypoints => "shape.keypoints",
        ShapeKind::Mask => "shape.mask",
    })
    .into_owned()
}
