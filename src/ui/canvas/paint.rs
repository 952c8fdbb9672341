//! How shapes look: class styles, image ↔ screen, and the [`Mesher`] that
//! turns a shape into mesh triangles in its class colour (translucent fill for
//! area shapes, outline, keypoints with their skeleton); the message and
//! placeholder shown in place of a picture. `layer` keeps every annotation's
//! meshes between frames; `overlay` paints what changes every frame.

use super::mesh::{self, OUTLINE_MIN_STEP};
use super::view::CanvasView;
use crate::model::{ClassId, LabelSchema, Point, Shape, Visibility};
use crate::ui::theme;
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, pos2};
use eframe::epaint::{Galley, Mesh};
use std::collections::HashMap;
use std::sync::Arc;

/// Text size of a message shown in place of the image.
const MESSAGE_SIZE: f32 = 16.0;
/// Radius of a keypoint's dot, in screen points.
pub const KEYPOINT_RADIUS: f32 = 4.0;

/// A class's colours.
#[derive(Clone, Copy, Debug)]
pub struct ClassStyle {
    pub stroke: Color32,
    pub fill: Color32,
    pub fill_selected: Color32,
}

/// Every class's colours and, when laid out, its name; unknown classes are grey.
pub struct Styles {
    styles: Vec<(ClassStyle, Option<Arc<Galley>>)>,
    /// A class id's place in `styles`: ids are small numbers, so a table
    /// (hashing would cost more than the rest of a shape's drawing).
    place: Vec<Option<u32>>,
    /// Ids too large for the table.
    far: HashMap<ClassId, usize>,
}

/// Ids up to this are looked up in a table.
const DENSE_IDS: i64 = 1 << 16;

impl Styles {
    /// Colours only; with a `painter`, the names laid out too.
    pub fn new(schema: &LabelSchema, painter: Option<&egui::Painter>) -> Self {
        let font = theme::box_label_font();
        let mut styles = Vec::with_capacity(schema.classes.len());
        let mut place = Vec::new();
        let mut far = HashMap::new();
        for (i, c) in schema.classes.iter().enumerate() {
            let style = ClassStyle {
                stroke: theme::class_color(c.color),
                fill: theme::class_fill(c.color, false),
                fill_selected: theme::class_fill(c.color, true),
            };
            let name =
                painter.map(|p| p.layout_no_wrap(c.name.clone(), font.clone(), Color32::WHITE));
            styles.push((style, name));
            match usize::try_from(c.id.0) {
                Ok(id) if c.id.0 < DENSE_IDS => {
                    if place.len() <= id {
                        place.resize(id + 1, None);
                    }
                    place[id] = Some(i as u32);
                }
                _ => {
                    far.insert(c.id, i);
                }
            }
        }
        Self { styles, place, far }
    }

    fn find(&self, class: ClassId) -> Option<&(ClassStyle, Option<Arc<Galley>>)> {
        let i = match usize::try_from(class.0) {
            Ok(id) if class.0 < DENSE_IDS => (*self.place.get(id)?)? as usize,
            _ => *self.far.get(&class)?,
        };
        self.styles.get(i)
    }

    pub fn get(&self, class: ClassId) -> ClassStyle {
        let grey = |alpha| Color32::from_rgba_unmultiplied(128, 128, 128, alpha);
        self.find(class).map(|(s, _)| *s).unwrap_or(ClassStyle {
            stroke: Color32::GRAY,
            fill: grey(theme::BOX_FILL_ALPHA),
            fill_selected: grey(theme::BOX_FILL_ALPHA_SELECTED),
        })
    }

    pub fn name(&self, class: ClassId) -> Option<&Arc<Galley>> {
        self.find(class)?.1.as_ref()
    }
}

/// Image ↔ screen for one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    pub rect: Rect,
    pub view: CanvasView,
}

impl Transform {
    pub fn pos(&self, p: Point) -> Pos2 {
        let o = self.rect.min + self.view.offset;
        pos2(o.x + p.x * self.view.zoom, o.y + p.y * self.view.zoom)
    }

    pub fn rect_of(&self, b: crate::model::BBox) -> Rect {
        Rect::from_min_max(
            self.pos(Point::new(b.min_x, b.min_y)),
            self.pos(Point::new(b.max_x, b.max_y)),
        )
    }
}

/// How a shape is drawn.
#[derive(Clone, Copy)]
pub struct Look {
    pub stroke: Color32,
    pub fill: Color32,
    pub width: f32,
}

/// Adds shapes to meshes: their fills and their outlines, separately, so that
/// a layer can put every fill under every outline in one mesh.
#[derive(Default)]
pub struct Mesher {
    thinned: Vec<Pos2>,
}

impl Mesher {
    fn stroke(
        &mut self,
        mesh: &mut Mesh,
        at: Transform,
        points: &[Point],
        closed: bool,
        look: Look,
    ) {
        mesh::thin_into(
            points.iter().map(|&p| at.pos(p)),
            closed,
            OUTLINE_MIN_STEP,
            &mut self.thinned,
        );
        mesh::stroke_path(mesh, &self.thinned, closed, look.width, look.stroke);
    }

    /// The translucent inside of an area shape. `indices`: a polygon's cached
    /// triangles (worked out here if `None`).
    pub fn fill(
        &mut self,
        mesh: &mut Mesh,
        at: Transform,
        shape: &Shape,
        color: Color32,
        indices: Option<&[u32]>,
    ) {
        match shape {
            Shape::Rect(b) => mesh.add_colored_rect(at.rect_of(*b), color),
            Shape::RotatedRect(r) => {
                mesh::fill_convex(mesh, &r.corners().map(|p| at.pos(p)), color)
            }
            Shape::Polygon(poly) => {
                let points = poly.points().iter().map(|&p| at.pos(p));
                match indices {
                    Some(indices) => mesh::fill_indexed(mesh, points, indices, color),
                    None => {
                        let indices = super::triangulate::polygon_indices(shape);
                        mesh::fill_indexed(mesh, points, &indices, color);
                    }
                }
            }
            Shape::Polyline(_) | Shape::Keypoints(_) | Shape::Mask(_) => {}
        }
    }

    /// The outline, line, or keypoints with their skeleton (`skeleton`: the
    /// class's edges). Masks are textures (`MaskTextures`), not drawn here.
    pub fn outline(
        &mut self,
        mesh: &mut Mesh,
        at: Transform,
        shape: &Shape,
        look: Look,
        skeleton: &[(usize, usize)],
    ) {
        match shape {
            Shape::Rect(b) => mesh::outline_rect(mesh, at.rect_of(*b), look.width, look.stroke),
            Shape::RotatedRect(r) => {
                let corners = r.corners().map(|p| at.pos(p));
                mesh::stroke_path(mesh, &corners, true, look.width, look.stroke);
            }
            Shape::Polygon(poly) => {
                for part in poly.parts() {
                    self.stroke(mesh, at, part, true, look);
                }
            }
            Shape::Polyline(points) => self.stroke(mesh, at, points, false, look),
            Shape::Keypoints(points) => {
                for &(a, b) in skeleton {
                    if let (Some(p), Some(q)) = (points.get(a), points.get(b))
                        && p.v.is_labelled()
                        && q.v.is_labelled()
                    {
                        let line = [at.pos(p.point()), at.pos(q.point())];
                        mesh::stroke_path(mesh, &line, false, look.width * 0.75, look.stroke);
                    }
                }
                for k in points {
                    let c = at.pos(k.point());
                    match k.v {
                        Visibility::Visible => mesh::dot(mesh, c, KEYPOINT_RADIUS, look.stroke),
                        Visibility::Occluded => {
                            mesh::ring(mesh, c, KEYPOINT_RADIUS, 1.5, look.stroke)
                        }
                        Visibility::NotLabelled => {}
                    }
                }
            }
            Shape::Mask(_) => {}
        }
    }

    /// Both: the fill into `fills`, the outline into `lines`.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        fills: &mut Mesh,
        lines: &mut Mesh,
        at: Transform,
        shape: &Shape,
        look: Look,
        indices: Option<&[u32]>,
        skeleton: &[(usize, usize)],
    ) {
        self.fill(fills, at, shape, look.fill, indices);
        self.outline(lines, at, shape, look, skeleton);
    }
}

/// A message in place of the image (why it cannot be shown), wrapped to the
/// canvas and centred in it; a message taller than the canvas starts at its
/// top.
pub fn paint_message(painter: &egui::Painter, rect: Rect, message: &str, color: Color32) {
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

/// The "…" shown while the image loads.
pub fn paint_loading(painter: &egui::Painter, rect: Rect, image_rect: Rect, ui: &egui::Ui) {
    painter.rect_filled(image_rect, 0.0, ui.visuals().faint_bg_color);
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "…",
        FontId::proportional(28.0),
        ui.visuals().text_color(),
    );
}
