//! Painting the scene: the picture, masks, and every annotation in its class
//! colour (translucent fill for area shapes, outline, keypoints with their
//! skeleton, the class name above). The annotations go into a few meshes that
//! are kept between frames while nothing they show changes (the scene, the
//! view, the canvas, the classes), so a frame where only the pointer moves
//! costs a copy; the overlay (selection, handles, what is being drawn) is
//! painted on top every frame (`overlay`).

use super::mask::MaskTextures;
use super::mesh::{self, OUTLINE_MIN_STEP};
use super::scene::Scene;
use super::triangulate::FillCache;
use super::view::CanvasView;
use crate::model::{AnnotationId, ClassId, LabelSchema, Point, Shape, Visibility};
use crate::ui::theme;
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Vec2, pos2, vec2};
use eframe::epaint::{Galley, Mesh};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
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

/// How many points a shape is drawn with, roughly (for reserving meshes).
fn point_count(shape: &Shape) -> usize {
    match shape {
        Shape::Rect(_) | Shape::RotatedRect(_) => 8,
        Shape::Polygon(p) => p.points().len(),
        Shape::Polyline(p) => p.len(),
        Shape::Keypoints(k) => 9 * k.len(),
        Shape::Mask(_) => 0,
    }
}

/// Whether a shape this big on screen gets its class name.
fn labelled(shape: &Shape, r: Rect) -> bool {
    if shape.kind().has_area() {
        r.width() > 6.0 && r.height() > 6.0
    } else {
        r.width() > 6.0 || r.height() > 6.0
    }
}

/// What the cached layer shows, but for where it is: any change rebuilds it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LayerKey {
    generation: u64,
    zoom: f32,
    /// The shape being dragged, drawn by the overlay instead.
    excluded: Option<AnnotationId>,
    pixels_per_point: f32,
    font_image: [usize; 2],
    classes: u64,
}

/// The annotations of the scene as one mesh, kept while their key holds and
/// moved, not rebuilt, when the view only pans: fills first, then outlines,
/// label backgrounds and label text (all on the font atlas, so one mesh that
/// egui copies in one go).
pub struct Layer {
    key: Option<LayerKey>,
    mesh: Arc<Mesh>,
    /// Where the image's origin was on screen when the mesh was built, and
    /// where it is now.
    built_origin: Pos2,
    origin: Pos2,
    /// The screen region (at `built_origin`) whose shapes the mesh holds:
    /// the canvas and a canvas' worth around it, so a pan stays a move.
    reach: Rect,
    /// The first vertex of the label text, which moves by whole pixels.
    text_from: usize,
    text_shift: Vec2,
    pub fills: FillCache,
    pub masks: MaskTextures,
}

impl Default for Layer {
    fn default() -> Self {
        Self {
            key: None,
            mesh: Arc::default(),
            built_origin: Pos2::ZERO,
            origin: Pos2::ZERO,
            reach: Rect::NOTHING,
            text_from: 0,
            text_shift: Vec2::ZERO,
            fills: FillCache::default(),
            masks: MaskTextures::default(),
        }
    }
}

fn classes_fingerprint(schema: &LabelSchema) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in &schema.classes {
        (c.id.0, &c.name, c.color.0, c.color.1, c.color.2).hash(&mut h);
    }
    h.finish()
}

/// What the layer needs to know about the frame.
pub struct LayerInput<'a, 'k> {
    pub scene: &'a Scene,
    pub schema: &'a LabelSchema,
    pub at: Transform,
    /// The shape being dragged, as it is now: the mesh leaves it out (the
    /// overlay draws it), a mask's texture follows it.
    pub preview: Option<(AnnotationId, &'a Shape)>,
    /// The skeleton edges of a class.
    pub skeleton: &'a dyn Fn(ClassId) -> &'k [(usize, usize)],
}

impl Layer {
    /// Paints masks and the annotation meshes, rebuilding them if needed.
    pub fn paint(&mut self, painter: &egui::Painter, input: &LayerInput<'_, '_>) {
        let ctx = painter.ctx();
        let scene = input.scene;
        self.fills.refresh(scene);
        let colours = Styles::new(input.schema, None);
        self.masks.refresh(ctx, scene, |c| colours.get(c).stroke);
        let clip = painter.clip_rect();
        let excluded = input.preview.map(|(id, _)| id);
        for s in &scene.shapes {
            if let Shape::Mask(_) = &s.shape
                && let Some(m) = self.masks.get(s.id)
            {
                let (dx, dy) = match input.preview {
                    Some((id, shape)) if id == s.id => {
                        let (now, was) = (shape.bounds(), s.bounds());
                        (now.min_x - was.min_x, now.min_y - was.min_y)
                    }
                    _ => (0.0, 0.0),
                };
                let [x0, y0, x1, y1] = m.bounds;
                let r = Rect::from_min_max(
                    input.at.pos(Point::new(x0 + dx, y0 + dy)),
                    input.at.pos(Point::new(x1 + dx, y1 + dy)),
                );
                if r.intersects(clip) {
                    let uv = Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0));
                    painter.image(m.texture.id(), r, uv, Color32::WHITE);
                }
            }
        }
        let key = LayerKey {
            generation: scene.generation(),
            zoom: input.at.view.zoom,
            excluded,
            pixels_per_point: ctx.pixels_per_point(),
            font_image: ctx.fonts(|f| f.font_image_size()),
            classes: classes_fingerprint(input.schema),
        };
        let origin = input.at.pos(Point::new(0.0, 0.0));
        let moved = origin - self.built_origin;
        if self.key != Some(key) || !self.reach.translate(moved).contains_rect(clip) {
            let reach = clip.expand2(clip.size());
            let (mesh, text_from) = self.build(painter, input, reach);
            self.mesh = Arc::new(mesh);
            (self.key, self.reach, self.text_from) = (Some(key), reach, text_from);
            (self.built_origin, self.origin, self.text_shift) = (origin, origin, Vec2::ZERO);
        } else if origin != self.origin {
            self.move_to(origin, ctx.pixels_per_point());
        }
        painter.add(egui::Shape::Mesh(self.mesh.clone()));
    }

    /// Moves the mesh for a panned view: shapes exactly, label text by whole
    /// physical pixels so that it stays crisp.
    fn move_to(&mut self, origin: Pos2, pixels_per_point: f32) {
        let delta = origin - self.origin;
        let total = origin - self.built_origin;
        let snapped = (total * pixels_per_point).round() / pixels_per_point;
        let text_delta = snapped - self.text_shift;
        let mesh = Arc::make_mut(&mut self.mesh);
        let split = self.text_from.min(mesh.vertices.len());
        let (shapes, text) = mesh.vertices.split_at_mut(split);
        for v in shapes {
            v.pos += delta;
        }
        for v in text {
            v.pos += text_delta;
        }
        self.origin = origin;
        self.text_shift = snapped;
    }

    /// The layer's mesh for the shapes within `reach` (screen), and where its
    /// label text starts. The last mesh's buffers are reused when nothing
    /// else holds it: no fresh pages to fault in for a mesh this size.
    fn build(
        &mut self,
        painter: &egui::Painter,
        input: &LayerInput<'_, '_>,
        reach: Rect,
    ) -> (Mesh, usize) {
        let styles = Styles::new(input.schema, Some(painter));
        let mut mesh = match Arc::get_mut(&mut self.mesh) {
            Some(old) => std::mem::take(old),
            None => Mesh::default(),
        };
        mesh.clear();
        let reach = reach.expand(KEYPOINT_RADIUS + theme::BOX_STROKE_WIDTH);
        let at = input.at;
        let visible: Vec<(usize, Rect)> = input
            .scene
            .shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| Some(s.id) != input.preview.map(|(id, _)| id))
            .map(|(i, s)| (i, at.rect_of(s.bounds())))
            .filter(|(_, r)| r.intersects(reach))
            .collect();
        // Room for every vertex up front: growing by doubling would copy it
        // several times over. Outlines take two vertices a point, fills one.
        let points: usize = visible
            .iter()
            .map(|&(i, _)| point_count(&input.scene.shapes[i].shape))
            .sum();
        mesh.reserve_vertices(3 * points + 40 * visible.len());
        mesh.reserve_triangles(3 * points + 20 * visible.len());
        let mut mesher = Mesher::default();
        // Every fill under every outline.
        for &(i, _) in &visible {
            let s = &input.scene.shapes[i];
            let indices = self.fills.at(i);
            mesher.fill(&mut mesh, at, &s.shape, styles.get(s.class).fill, indices);
        }
        let mut labels = Vec::new();
        let mut label_backgrounds = Mesh::default();
        for &(i, r) in &visible {
            let s = &input.scene.shapes[i];
            let style = styles.get(s.class);
            let look = Look {
                stroke: style.stroke,
                fill: style.fill,
                width: theme::BOX_STROKE_WIDTH,
            };
            mesher.outline(&mut mesh, at, &s.shape, look, (input.skeleton)(s.class));
            if let Some(galley) = styles.name(s.class).filter(|_| labelled(&s.shape, r)) {
                let galley = galley.clone();
                let pos = pos2(r.min.x, (r.min.y - galley.size().y).max(at.rect.min.y));
                label_backgrounds.add_colored_rect(
                    Rect::from_min_size(pos, galley.size() + vec2(6.0, 0.0)),
                    style.stroke.gamma_multiply(0.85),
                );
                labels.push((pos + vec2(3.0, 0.0), galley));
            }
        }
        mesh.append(label_backgrounds);
        let text_from = mesh.vertices.len();
        mesh.append(mesh::label_text_mesh(painter.ctx(), &labels));
        (mesh, text_from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Keypoint, Polygon, RotatedRect};
    use crate::ui::canvas::scene::SceneShape;

    fn frame(scene: &Scene, schema: &LabelSchema, layer: &mut Layer) -> usize {
        frame_at(scene, schema, layer, CanvasView::default())
    }

    fn frame_at(scene: &Scene, schema: &LabelSchema, layer: &mut Layer, view: CanvasView) -> usize {
        let ctx = egui::Context::default();
        crate::ui::fonts::install(&ctx);
        let mut vertices = 0;
        let raw = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0))),
            ..Default::default()
        };
        let mut out = ctx.run_ui(raw, |ui| {
            let painter = ui.painter().clone();
            let at = Transform {
                rect: ui.max_rect(),
                view,
            };
            let skeleton = |_| &[(0usize, 1usize)][..];
            layer.paint(
                &painter,
                &LayerInput {
                    scene,
                    schema,
                    at,
                    preview: None,
                    skeleton: &skeleton,
                },
            );
        });
        for s in &out.shapes {
            if let egui::Shape::Mesh(m) = &s.shape {
                assert!(m.is_valid());
                vertices += m.vertices.len();
            }
        }
        out.textures_delta.clear();
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        vertices
    }

    #[test]
    fn every_kind_of_shape_paints_into_valid_meshes() {
        let schema = LabelSchema::with_classes(&["car", "行人"]);
        let star = Polygon::new(
            [
                (50.0, 0.0),
                (61.0, 35.0),
                (98.0, 35.0),
                (68.0, 57.0),
                (50.0, 70.0),
            ]
            .map(|(x, y)| Point::new(x, y))
            .to_vec(),
        );
        let shapes = vec![
            Shape::Rect(BBox::from_xywh(10.0, 10.0, 50.0, 40.0)),
            Shape::RotatedRect(RotatedRect::new(200.0, 100.0, 60.0, 20.0, 30.0)),
            Shape::Polygon(star),
            Shape::Polyline(vec![Point::new(300.0, 300.0), Point::new(400.0, 350.0)]),
            Shape::Keypoints(vec![
                Keypoint::new(500.0, 100.0, Visibility::Visible),
                Keypoint::new(520.0, 140.0, Visibility::Occluded),
                Keypoint::NOT_LABELLED,
            ]),
            Shape::Mask(
                crate::model::Rle::encode(4, 4, &[0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                    .unwrap(),
            ),
        ];
        let scene = Scene::new(
            shapes
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    SceneShape::new(AnnotationId(i as i64 + 1), ClassId(1 + i as i64 % 2), s)
                })
                .collect(),
            vec![],
        );
        let mut layer = Layer::default();
        let vertices = frame(&scene, &schema, &mut layer);
        assert!(vertices > 0);
        let mask = layer
            .masks
            .get(AnnotationId(6))
            .expect("the mask's texture");
        assert_eq!(mask.bounds, [0.0, 1.0, 2.0, 3.0]);
        // The same scene and view again: the meshes are reused, not rebuilt.
        let before = layer.mesh.clone();
        frame(&scene, &schema, &mut layer);
        assert!(Arc::ptr_eq(&before, &layer.mesh));
        // A new scene rebuilds it.
        let moved = Scene::new(scene.shapes.clone(), vec![]);
        frame(&moved, &schema, &mut layer);
        assert!(!Arc::ptr_eq(&before, &layer.mesh));
    }

    #[test]
    fn a_pan_moves_the_mesh_and_a_zoom_rebuilds_it() {
        let schema = LabelSchema::with_classes(&["car"]);
        let square = Shape::Rect(BBox::from_xywh(10.0, 10.0, 50.0, 40.0));
        let scene = Scene::new(
            vec![SceneShape::new(AnnotationId(1), ClassId(1), square)],
            vec![],
        );
        let mut layer = Layer::default();
        let view = CanvasView::default();
        frame_at(&scene, &schema, &mut layer, view);
        let first = layer.mesh.vertices[0].pos;
        let built = Arc::as_ptr(&layer.mesh);
        let panned = CanvasView {
            offset: vec2(5.5, -3.0),
            ..view
        };
        frame_at(&scene, &schema, &mut layer, panned);
        assert_eq!(Arc::as_ptr(&layer.mesh), built, "moved in place");
        assert_eq!(layer.mesh.vertices[0].pos, first + vec2(5.5, -3.0));
        // The label text moves by whole pixels.
        let text = &layer.mesh.vertices[layer.text_from..];
        assert!(!text.is_empty());
        assert_eq!(layer.text_shift, vec2(6.0, -3.0));
        // Back where it was: everything exactly back.
        frame_at(&scene, &schema, &mut layer, view);
        assert_eq!(layer.mesh.vertices[0].pos, first);
        assert_eq!(layer.text_shift, Vec2::ZERO);
        let zoomed = CanvasView { zoom: 2.0, ..view };
        frame_at(&scene, &schema, &mut layer, zoomed);
        assert_eq!(layer.mesh.vertices[0].pos, pos2(20.0, 20.0));
        // Panned far beyond the canvas: rebuilt for what is there now.
        let far = CanvasView {
            offset: vec2(-5000.0, 0.0),
            ..view
        };
        frame_at(&scene, &schema, &mut layer, far);
        assert!(layer.mesh.vertices.is_empty());
    }
}
