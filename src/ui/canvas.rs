//! The image canvas and the box tool: shows the image, its boxes and its model
//! proposals (dashed, with their score), and turns mouse input into
//! `CanvasAction`s. It never changes the project itself; the
//! workspace turns actions into edits.

use super::canvas_view::CanvasView;
use super::theme;
use crate::model::{AnnotationId, BBox, BoxAnnotation, ClassId, LabelSchema, Proposal, ProposalId};
use eframe::egui::{
    self, Align2, Color32, CursorIcon, FontId, PointerButton, Pos2, Rect, Sense, Stroke,
    StrokeKind, Vec2, pos2, vec2,
};
use eframe::epaint::{self, Galley, Mesh, Shape};
use std::collections::HashMap;
use std::sync::Arc;

use theme::{
    BOX_STROKE_WIDTH as BOX_STROKE, BOX_STROKE_WIDTH_SELECTED as SELECTED_STROKE,
    HANDLE_GRAB_RADIUS as HANDLE_GRAB, MIN_DRAWN_BOX_SIZE as MIN_DRAW,
};
/// Text size of a message shown in place of the image.
const MESSAGE_SIZE: f32 = 16.0;
/// The marker on a box that has a review comment pinned to it.
const COMMENT_MARKER_RADIUS: f32 = 7.0;
const HANDLE_HALF: f32 = theme::HANDLE_SIZE / 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Drag on empty image to draw a box; boxes can still be selected, moved and resized.
    Box,
    /// Select, move and resize only.
    Select,
}

/// A resize handle: which edges of the box it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle {
    pub left: bool,
    pub right: bool,
    pub top: bool,
    pub bottom: bool,
}

impl Handle {
    const ALL: [Handle; 8] = [
        Handle::new(true, false, true, false),
        Handle::new(false, false, true, false),
        Handle::new(false, true, true, false),
        Handle::new(false, true, false, false),
        Handle::new(false, true, false, true),
        Handle::new(false, false, false, true),
        Handle::new(true, false, false, true),
        Handle::new(true, false, false, false),
    ];

    const fn new(left: bool, right: bool, top: bool, bottom: bool) -> Self {
        Self {
            left,
            right,
            top,
            bottom,
        }
    }

    /// The handle's position on a screen rectangle.
    fn position(self, r: Rect) -> Pos2 {
        let x = if self.left {
            r.min.x
        } else if self.right {
            r.max.x
        } else {
            r.center().x
        };
        let y = if self.top {
            r.min.y
        } else if self.bottom {
            r.max.y
        } else {
            r.center().y
        };
        pos2(x, y)
    }

    fn cursor(self) -> CursorIcon {
        match (self.left || self.right, self.top || self.bottom) {
            (true, false) => CursorIcon::ResizeHorizontal,
            (false, true) => CursorIcon::ResizeVertical,
            _ if (self.left && self.top) || (self.right && self.bottom) => CursorIcon::ResizeNwSe,
            _ => CursorIcon::ResizeNeSw,
        }
    }

    /// The box with this handle's edges moved to `p` (image pixels).
    pub fn resize(self, b: BBox, p: Pos2) -> BBox {
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

#[derive(Clone, Copy, Debug, PartialEq)]
enum Drag {
    Idle,
    Drawing {
        start: Pos2,
    },
    Moving {
        id: AnnotationId,
        start: Pos2,
        original: BBox,
    },
    Resizing {
        id: AnnotationId,
        handle: Handle,
        original: BBox,
    },
    Panning,
}

/// What the user did on the canvas this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum CanvasAction {
    Create(BBox),
    Select(Option<AnnotationId>),
    /// A model proposal was clicked.
    SelectProposal(ProposalId),
    SetGeometry {
        id: AnnotationId,
        bbox: BBox,
    },
}

/// What to show where the image goes.
pub enum Picture<'a> {
    Texture(egui::TextureId),
    Loading,
    Error(&'a str),
}

pub struct CanvasInput<'a> {
    pub picture: Picture<'a>,
    /// The full-resolution, EXIF-oriented image size; box coordinates use it.
    pub image_size: Vec2,
    pub boxes: &'a [BoxAnnotation],
    pub schema: &'a LabelSchema,
    pub selected: Option<AnnotationId>,
    pub tool: Tool,
    /// The class a new box gets; without one, drawing is off.
    pub draw_class: Option<ClassId>,
    pub editable: bool,
    /// Boxes a review comment is pinned to; they get a marker.
    pub commented: &'a [AnnotationId],
    /// Model proposals, drawn dashed with their score.
    pub proposals: &'a [Proposal],
    pub selected_proposal: Option<ProposalId>,
    /// Proposals scoring below this are drawn faintly.
    pub proposal_threshold: f32,
}

/// How much of its colour a proposal under the threshold keeps.
const FAINT_PROPOSAL: f32 = 0.35;
/// Dash and gap lengths of a proposal's outline, in screen points.
const PROPOSAL_DASH: (f32, f32) = (6.0, 4.0);

/// The smallest of `things` whose box contains an image point, so nested
/// boxes stay reachable.
fn smallest_at<T>(things: &[T], bbox: impl Fn(&T) -> BBox, p: Pos2) -> Option<&T> {
    things
        .iter()
        .filter(|t| bbox(t).contains(p.x, p.y))
        .min_by(|a, b| bbox(a).area().total_cmp(&bbox(b).area()))
}

/// The canvas's own state, kept across frames.
#[derive(Clone, Debug)]
pub struct CanvasState {
    pub view: CanvasView,
    /// Fit the image to the window on the next frame (new item, or the Fit key).
    pub fit_pending: bool,
    drag: Drag,
    /// The geometry of the box being moved or resized, shown until the drag ends.
    preview: Option<(AnnotationId, BBox)>,
    /// The canvas rectangle of the last frame (screen points).
    pub rect: Rect,
    /// The pointer position in image pixels, when over the canvas.
    pub cursor_image: Option<Pos2>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            view: CanvasView::default(),
            fit_pending: true,
            drag: Drag::Idle,
            preview: None,
            rect: Rect::NOTHING,
            cursor_image: None,
        }
    }
}

pub fn class_color(schema: &LabelSchema, class: ClassId) -> Color32 {
    schema
        .class(class)
        .map(|c| theme::class_color(c.color))
        .unwrap_or(Color32::GRAY)
}

impl CanvasState {
    /// Drops any drag in progress (e.g. when the item changes under it).
    pub fn reset_interaction(&mut self) {
        self.drag = Drag::Idle;
        self.preview = None;
    }

    /// Zooms around the canvas centre (zoom keys).
    pub fn zoom_centre(&mut self, factor: f32) {
        if self.rect.is_positive() {
            let c = self.rect.center();
            self.view.zoom_at(self.rect, c, factor);
        }
    }

    /// The box under an image point: the smallest that contains it, so nested boxes
    /// stay reachable.
    fn box_at(boxes: &[BoxAnnotation], p: Pos2) -> Option<&BoxAnnotation> {
        smallest_at(boxes, |b| b.bbox, p)
    }

    /// What a click at an image point selects: the smallest box or proposal
    /// under it.
    fn click_action(input: &CanvasInput, p: Pos2) -> Option<CanvasAction> {
        let boxed = Self::box_at(input.boxes, p);
        let proposed = smallest_at(input.proposals, |pr| pr.bbox, p);
        match (boxed, proposed) {
            (b, Some(pr)) if b.is_none_or(|b| pr.bbox.area() < b.bbox.area()) => (Some(pr.id)
                != input.selected_proposal)
                .then_some(CanvasAction::SelectProposal(pr.id)),
            (b, _) => {
                let hit = b.map(|b| b.id);
                (hit != input.selected || input.selected_proposal.is_some())
                    .then_some(CanvasAction::Select(hit))
            }
        }
    }

    fn handle_at(&self, input: &CanvasInput, screen: Pos2) -> Option<(AnnotationId, Handle, BBox)> {
        let sel = input.selected?;
        let b = input.boxes.iter().find(|b| b.id == sel)?;
        let r = self.view.rect_to_screen(
            self.rect,
            pos2(b.bbox.min_x, b.bbox.min_y),
            pos2(b.bbox.max_x, b.bbox.max_y),
        );
        Handle::ALL
            .into_iter()
            .map(|h| (h, h.position(r).distance(screen)))
            .filter(|(_, d)| *d <= HANDLE_GRAB)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, _)| (sel, h, b.bbox))
    }

    pub fn show(&mut self, ui: &mut egui::Ui, input: &CanvasInput) -> Vec<CanvasAction> {
        let mut actions = Vec::new();
        let rect = ui.available_rect_before_wrap();
        let response = ui.allocate_rect(rect, Sense::click_and_drag());
        self.rect = rect;
        if self.fit_pending && rect.is_positive() && input.image_size.x > 0.0 {
            self.view = CanvasView::fitted(rect, input.image_size);
            self.fit_pending = false;
        }
        let (w, h) = (input.image_size.x, input.image_size.y);
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, theme::CANVAS_BACKGROUND);

        let (pointer, space_down, scroll, zoom_delta) = ui.input(|i| {
            (
                i.pointer.interact_pos(),
                i.key_down(egui::Key::Space),
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
            )
        });

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
        let clamp = |p: Pos2| pos2(p.x.clamp(0.0, w), p.y.clamp(0.0, h));

        // Start of a drag: decide what it does from where the button went down.
        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin()).or(pointer);
            let middle = response.dragged_by(PointerButton::Middle);
            self.drag = match origin {
                _ if middle || space_down => Drag::Panning,
                Some(o) if input.editable && response.dragged_by(PointerButton::Primary) => {
                    let img = self.view.screen_to_image(rect, o);
                    if let Some((id, handle, original)) = self.handle_at(input, o) {
                        Drag::Resizing {
                            id,
                            handle,
                            original,
                        }
                    } else if let Some(b) = Self::box_at(input.boxes, img)
                        .filter(|b| Some(b.id) == input.selected || input.tool == Tool::Select)
                    {
                        if Some(b.id) != input.selected {
                            actions.push(CanvasAction::Select(Some(b.id)));
                        }
                        Drag::Moving {
                            id: b.id,
                            start: img,
                            original: b.bbox,
                        }
                    } else if input.tool == Tool::Box && input.draw_class.is_some() && w > 0.0 {
                        Drag::Drawing { start: clamp(img) }
                    } else {
                        Drag::Idle
                    }
                }
                _ => Drag::Idle,
            };
        }

        if response.dragged() {
            let current = pointer.map(|p| self.view.screen_to_image(rect, p));
            match (self.drag, current) {
                (Drag::Panning, _) => self.view.pan(response.drag_delta()),
                (
                    Drag::Moving {
                        id,
                        start,
                        original,
                    },
                    Some(p),
                ) => {
                    let d = p - start;
                    self.preview = Some((id, original.translated_within(d.x, d.y, w, h)));
                }
                (
                    Drag::Resizing {
                        id,
                        handle,
                        original,
                    },
                    Some(p),
                ) => {
                    self.preview = Some((id, handle.resize(original, clamp(p))));
                }
                _ => {}
            }
        }

        if response.drag_stopped() {
            match self.drag {
                Drag::Drawing { start } => {
                    if let Some(p) = pointer {
                        let end = clamp(self.view.screen_to_image(rect, p));
                        let b = BBox::from_corners([start.x, start.y], [end.x, end.y]);
                        if b.width() * self.view.zoom >= MIN_DRAW
                            && b.height() * self.view.zoom >= MIN_DRAW
                        {
                            actions.push(CanvasAction::Create(b));
                        }
                    }
                }
                Drag::Moving { id, original, .. } | Drag::Resizing { id, original, .. } => {
                    if let Some((_, b)) = self.preview.take()
                        && b != original
                        && b.is_proper()
                    {
                        actions.push(CanvasAction::SetGeometry { id, bbox: b });
                    }
                }
                _ => {}
            }
            self.drag = Drag::Idle;
            self.preview = None;
        }

        if response.clicked()
            && let Some(p) = pointer
        {
            let img = self.view.screen_to_image(rect, p);
            actions.extend(Self::click_action(input, img));
        }

        self.paint(ui, &painter, input, pointer, space_down);
        self.set_cursor(ui, input, pointer, space_down, &response);
        actions
    }

    fn set_cursor(
        &self,
        ui: &egui::Ui,
        input: &CanvasInput,
        pointer: Option<Pos2>,
        space_down: bool,
        response: &egui::Response,
    ) {
        if !response.hovered() {
            return;
        }
        let icon = match self.drag {
            Drag::Panning => CursorIcon::Grabbing,
            Drag::Moving { .. } => CursorIcon::Move,
            Drag::Resizing { handle, .. } => handle.cursor(),
            Drag::Drawing { .. } => CursorIcon::Crosshair,
            Drag::Idle => match pointer {
                _ if space_down => CursorIcon::Grab,
                Some(p) => match self.handle_at(input, p) {
                    Some((_, h, _)) => h.cursor(),
                    None if input.tool == Tool::Box => CursorIcon::Crosshair,
                    None => CursorIcon::Default,
                },
                None => CursorIcon::Default,
            },
        };
        ui.ctx().set_cursor_icon(icon);
    }

    fn paint(
        &self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        input: &CanvasInput,
        pointer: Option<Pos2>,
        space_down: bool,
    ) {
        let rect = self.rect;
        let size = input.image_size;
        let image_rect = self
            .view
            .rect_to_screen(rect, Pos2::ZERO, pos2(size.x, size.y));
        let text_color = ui.visuals().text_color();
        match input.picture {
            Picture::Texture(id) => {
                painter.image(
                    id,
                    image_rect,
                    Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
            }
            Picture::Loading => {
                painter.rect_filled(image_rect, 0.0, ui.visuals().faint_bg_color);
                painter.text(
                    rect.center(),
                    Align2::CENTER_CENTER,
                    "…",
                    FontId::proportional(28.0),
                    text_color,
                );
            }
            Picture::Error(message) => {
                paint_message(painter, rect, message, ui.visuals().error_fg_color);
                return;
            }
        }

        // Colours and laid-out labels per class, once per frame rather than per box.
        let label_font = theme::box_label_font();
        let styles: HashMap<ClassId, (Color32, Arc<Galley>)> = input
            .schema
            .classes
            .iter()
            .map(|c| {
                let galley =
                    painter.layout_no_wrap(c.name.clone(), label_font.clone(), Color32::WHITE);
                (c.id, (theme::class_color(c.color), galley))
            })
            .collect();
        let clip = painter.clip_rect();
        // Box outlines and label backgrounds go into two meshes, so thousands of
        // boxes are two shapes for the tessellator instead of thousands. Their edges
        // are axis-aligned, so they need no anti-aliasing.
        let mut outlines = Mesh::default();
        let mut label_backgrounds = Mesh::default();
        let mut labels = Vec::new();
        let mut markers = Vec::new();
        let mut selected_rect = None;
        for b in input.boxes {
            let bbox = match self.preview {
                Some((id, p)) if id == b.id => p,
                _ => b.bbox,
            };
            let r = self.view.rect_to_screen(
                rect,
                pos2(bbox.min_x, bbox.min_y),
                pos2(bbox.max_x, bbox.max_y),
            );
            if !r.intersects(clip) {
                continue;
            }
            let (color, galley) = match styles.get(&b.class) {
                Some((c, g)) => (*c, Some(g)),
                None => (Color32::GRAY, None),
            };
            let selected = Some(b.id) == input.selected;
            if selected {
                painter.rect_filled(r, 0.0, color.gamma_multiply(0.18));
                selected_rect = Some(r);
            }
            let width = if selected {
                SELECTED_STROKE
            } else {
                BOX_STROKE
            };
            add_outline(&mut outlines, r, width, color);
            if input.commented.contains(&b.id) {
                markers.push(r.right_top());
            }
            if let Some(galley) = galley.filter(|_| r.width() > 6.0 && r.height() > 6.0) {
                let pos = pos2(r.min.x, (r.min.y - galley.size().y).max(rect.min.y));
                label_backgrounds.add_colored_rect(
                    Rect::from_min_size(pos, galley.size() + vec2(6.0, 0.0)),
                    color.gamma_multiply(0.85),
                );
                labels.push((pos + vec2(3.0, 0.0), galley.clone()));
            }
        }
        painter.add(Shape::mesh(outlines));
        painter.add(Shape::mesh(label_backgrounds));
        painter.add(Shape::mesh(label_text_mesh(ui.ctx(), &labels)));
        self.paint_proposals(painter, input);
        for m in markers {
            painter.circle(
                m,
                COMMENT_MARKER_RADIUS,
                theme::REJECTED_COLOR,
                Stroke::new(1.5, Color32::WHITE),
            );
            painter.text(
                m,
                Align2::CENTER_CENTER,
                "!",
                FontId::proportional(COMMENT_MARKER_RADIUS * 1.6),
                Color32::WHITE,
            );
        }
        if let Some(r) = selected_rect.filter(|_| input.editable) {
            for h in Handle::ALL {
                let c = h.position(r);
                let hr = Rect::from_center_size(c, Vec2::splat(2.0 * HANDLE_HALF));
                painter.rect_filled(hr, 1.0, theme::HANDLE_FILL);
                painter.rect_stroke(
                    hr,
                    1.0,
                    Stroke::new(1.0, theme::HANDLE_STROKE),
                    StrokeKind::Middle,
                );
            }
        }

        // The box being drawn, and crosshair guides for the box tool.
        let guide = Stroke::new(1.0, theme::CROSSHAIR_COLOR);
        if let (Drag::Drawing { start }, Some(p)) = (self.drag, pointer) {
            let s = self.view.image_to_screen(rect, start);
            let color = input
                .draw_class
                .map(|c| class_color(input.schema, c))
                .unwrap_or(Color32::WHITE);
            painter.rect_stroke(
                Rect::from_two_pos(s, p),
                0.0,
                Stroke::new(BOX_STROKE, color),
                StrokeKind::Middle,
            );
        }
        if let Some(p) = pointer.filter(|p| rect.contains(*p))
            && input.tool == Tool::Box
            && input.editable
            && !space_down
            && matches!(self.drag, Drag::Idle | Drag::Drawing { .. })
        {
            painter.hline(rect.x_range(), p.y, guide);
            painter.vline(p.x, rect.y_range(), guide);
        }
    }
}

impl CanvasState {
    /// Proposals: dashed outlines in their class colour with the score at the
    /// top left; faint under the threshold, filled when selected.
    fn paint_proposals(&self, painter: &egui::Painter, input: &CanvasInput) {
        let clip = painter.clip_rect();
        let font = theme::box_label_font();
        for p in input.proposals {
            let r = self.view.rect_to_screen(
                self.rect,
                pos2(p.bbox.min_x, p.bbox.min_y),
                pos2(p.bbox.max_x, p.bbox.max_y),
            );
            if !r.intersects(clip) {
                continue;
            }
            let mut color = class_color(input.schema, p.class);
            if p.score < input.proposal_threshold {
                color = color.gamma_multiply(FAINT_PROPOSAL);
            }
            let selected = Some(p.id) == input.selected_proposal;
            if selected {
                painter.rect_filled(r, 0.0, color.gamma_multiply(0.18));
            }
            let width = if selected {
                SELECTED_STROKE
            } else {
                BOX_STROKE
            };
            let corners = [
                r.left_top(),
                r.right_top(),
                r.right_bottom(),
                r.left_bottom(),
                r.left_top(),
            ];
            let (dash, gap) = PROPOSAL_DASH;
            painter.extend(Shape::dashed_line(
                &corners,
                Stroke::new(width, color),
                dash,
                gap,
            ));
            let galley = painter.layout_no_wrap(score_text(p.score), font.clone(), Color32::WHITE);
            let at = r.left_top() + vec2(width, width);
            painter.rect_filled(
                Rect::from_min_size(at, galley.size() + vec2(4.0, 0.0)),
                2.0,
                color.gamma_multiply(0.85),
            );
            painter.galley(at + vec2(2.0, 0.0), galley, Color32::WHITE);
        }
    }
}

/// A proposal's score as shown on the canvas, e.g. `0.87`.
pub fn score_text(score: f32) -> String {
    format!("{score:.2}")
}

/// Adds a rectangle's outline, `width` wide and centred on its edges, as four quads.
fn add_outline(mesh: &mut Mesh, r: Rect, width: f32, color: Color32) {
    let h = width / 2.0;
    let (x0, x1, y0, y1) = (r.min.x - h, r.max.x + h, r.min.y - h, r.max.y + h);
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, y0), pos2(x1, r.min.y + h)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, r.max.y - h), pos2(x1, y1)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, r.min.y + h), pos2(r.min.x + h, r.max.y - h)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(r.max.x - h, r.min.y + h), pos2(x1, r.max.y - h)),
        color,
    );
}

/// All box labels as one textured mesh over the font atlas. Thousands of separate
/// text shapes cost the tessellator far more than copying their glyph quads once.
fn label_text_mesh(ctx: &egui::Context, labels: &[(Pos2, Arc<Galley>)]) -> Mesh {
    let [tw, th] = ctx.fonts(|f| f.font_image_size());
    let uv_scale = vec2(1.0 / tw.max(1) as f32, 1.0 / th.max(1) as f32);
    let ppp = ctx.pixels_per_point();
    let mut mesh = Mesh::default();
    for (pos, galley) in labels {
        // Snap to physical pixels as egui does for text, so glyphs stay crisp.
        let origin = pos2((pos.x * ppp).round() / ppp, (pos.y * ppp).round() / ppp);
        for row in &galley.rows {
            let offset = (origin + row.pos.to_vec2()).to_vec2();
            let base = mesh.vertices.len() as u32;
            mesh.indices
                .extend(row.visuals.mesh.indices.iter().map(|i| i + base));
            mesh.vertices
                .extend(row.visuals.mesh.vertices.iter().map(|v| epaint::Vertex {
                    pos: v.pos + offset,
                    uv: pos2(v.uv.x * uv_scale.x, v.uv.y * uv_scale.y),
                    color: Color32::WHITE,
                }));
        }
    }
    mesh
}

/// A message in place of the image (why it cannot be shown), wrapped to the
/// canvas and centred in it; a message taller than the canvas starts at its
/// top.
fn paint_message(painter: &egui::Painter, rect: Rect, message: &str, color: Color32) {
    let inner = rect.shrink(theme::SPACE_L);
    let mut job = egui::text::LayoutJob::simple(
        message.to_owned(),
        FontId::proportional(MESSAGE_SIZE),
        color,
        inner.width().max(MESSAGE_SIZE),
    );
    job.halign = egui::Align::Center;
    let galley = painter.layout_job(job);
    // A centred galley's rows are placed around x = 0.
    let top = (inner.center().y - galley.size().y / 2.0).max(inner.top());
    painter
        .with_clip_rect(rect.intersect(painter.clip_rect()))
        .galley(pos2(inner.center().x, top), galley, color);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corner_handle_moves_two_edges_and_normalises() {
        let b = BBox::from_corners([10.0, 10.0], [50.0, 40.0]);
        let se = Handle::new(false, true, false, true);
        assert_eq!(
            se.resize(b, pos2(60.0, 45.0)),
            BBox::from_corners([10.0, 10.0], [60.0, 45.0])
        );
        // Dragging past the opposite edge flips the box instead of inverting it.
        assert_eq!(
            se.resize(b, pos2(5.0, 45.0)),
            BBox::from_corners([5.0, 10.0], [10.0, 45.0])
        );
    }

    #[test]
    fn edge_handle_moves_one_edge() {
        let b = BBox::from_corners([10.0, 10.0], [50.0, 40.0]);
        let top = Handle::new(false, false, true, false);
        assert_eq!(
            top.resize(b, pos2(999.0, 2.0)),
            BBox::from_corners([10.0, 2.0], [50.0, 40.0])
        );
    }
}
