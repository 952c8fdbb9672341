//! Every annotation of the scene as meshes, kept between frames: rebuilt only
//! when what they show changes (the scene, the zoom, the classes, the shape
//! being dragged), moved in place when the view only pans. A frame where only
//! the pointer moves costs egui's copy of the meshes.
//!
//! Fills come first, then outlines, label backgrounds and label text, all on
//! the font atlas. The meshes are cut into chunks of about
//! [`CHUNK_VERTICES`], each in a primitive of its own: egui copies each once
//! into a buffer of its size (no buffer grown and copied again, and none so
//! large that the allocator hands it back to the system every frame).

use super::mask::MaskTextures;
use super::mesh;
use super::paint::{KEYPOINT_RADIUS, Look, Mesher, Styles, Transform};
use super::scene::Scene;
use super::triangulate::FillCache;
use crate::model::{AnnotationId, ClassId, LabelSchema, Point, Shape};
use crate::ui::theme;
use eframe::egui::{self, Color32, Pos2, Rect, Vec2, pos2, vec2};
use eframe::epaint::Mesh;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Vertices a chunk gathers before the next begins (about 2.6 MB, and its
/// indices about as much).
pub const CHUNK_VERTICES: usize = 1 << 17;

/// Whether a shape this big on screen gets its class name.
fn labelled(shape: &Shape, r: Rect) -> bool {
    if shape.kind().has_area() {
        r.width() > 6.0 && r.height() > 6.0
    } else {
        r.width() > 6.0 || r.height() > 6.0
    }
}

/// What the layer shows, but for where it is: any change rebuilds it.
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

fn classes_fingerprint(schema: &LabelSchema) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in &schema.classes {
        (c.id.0, &c.name, c.color.0, c.color.1, c.color.2).hash(&mut h);
    }
    h.finish()
}

/// Meshes filled one after another, a new one begun between shapes once the
/// last holds [`CHUNK_VERTICES`]; reusing the buffers of `spare`.
struct Chunks {
    done: Vec<Mesh>,
    current: Mesh,
    spare: Vec<Mesh>,
}

impl Chunks {
    fn new(mut spare: Vec<Mesh>) -> Self {
        let current = Self::fresh(&mut spare);
        Self {
            done: Vec::new(),
            current,
            spare,
        }
    }

    fn fresh(spare: &mut Vec<Mesh>) -> Mesh {
        let mut mesh = spare.pop().unwrap_or_default();
        mesh.clear();
        mesh
    }

    /// The mesh the next shape goes into.
    fn next(&mut self) -> &mut Mesh {
        if self.current.vertices.len() >= CHUNK_VERTICES {
            let full = std::mem::replace(&mut self.current, Self::fresh(&mut self.spare));
            self.done.push(full);
        }
        &mut self.current
    }

    fn finish(mut self) -> Vec<Mesh> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// What the layer needs to know about the frame.
pub struct LayerInput<'a, 'k> {
    pub scene: &'a Scene,
    pub schema: &'a LabelSchema,
    pub at: Transform,
    /// The shape being dragged, as it is now: the meshes leave it out (the
    /// overlay draws it), a mask's texture follows it.
    pub preview: Option<(AnnotationId, &'a Shape)>,
    /// The skeleton edges of a class.
    pub skeleton: &'a dyn Fn(ClassId) -> &'k [(usize, usize)],
}

pub struct Layer {
    key: Option<LayerKey>,
    /// Fills, outlines and label backgrounds.
    shapes: Vec<Arc<Mesh>>,
    /// Label text, which moves by whole pixels to stay crisp.
    text: Arc<Mesh>,
    /// Where the image's origin was on screen when the meshes were built, and
    /// where it is now.
    built_origin: Pos2,
    origin: Pos2,
    /// The screen region (at `built_origin`) whose shapes the meshes hold:
    /// the canvas and a canvas' worth around it, so a pan stays a move.
    reach: Rect,
    text_shift: Vec2,
    pub fills: FillCache,
    pub masks: MaskTextures,
}

impl Default for Layer {
    fn default() -> Self {
        Self {
            key: None,
            shapes: Vec::new(),
            text: Arc::default(),
            built_origin: Pos2::ZERO,
            origin: Pos2::ZERO,
            reach: Rect::NOTHING,
            text_shift: Vec2::ZERO,
            fills: FillCache::default(),
            masks: MaskTextures::default(),
        }
    }
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
        self.paint_masks(painter, input, clip);
        let key = LayerKey {
            generation: scene.generation(),
            zoom: input.at.view.zoom,
            excluded: input.preview.map(|(id, _)| id),
            pixels_per_point: ctx.pixels_per_point(),
            font_image: ctx.fonts(|f| f.font_image_size()),
            classes: classes_fingerprint(input.schema),
        };
        let origin = input.at.pos(Point::new(0.0, 0.0));
        let moved = origin - self.built_origin;
        if self.key != Some(key) || !self.reach.translate(moved).contains_rect(clip) {
            let reach = clip.expand2(clip.size());
            self.build(painter, input, reach);
            (self.key, self.reach) = (Some(key), reach);
            (self.built_origin, self.origin, self.text_shift) = (origin, origin, Vec2::ZERO);
        } else if origin != self.origin {
            self.move_to(origin, ctx.pixels_per_point());
        }
        // Each mesh in a primitive of its own: a clip rectangle of its own
        // (the same on screen, a thousandth of a point smaller).
        let meshes = self.shapes.iter().chain(std::iter::once(&self.text));
        for (i, m) in meshes.enumerate() {
            let own = clip.shrink(1e-3 * (i + 1) as f32);
            painter
                .with_clip_rect(own)
                .add(egui::Shape::Mesh(m.clone()));
        }
    }

    fn paint_masks(&self, painter: &egui::Painter, input: &LayerInput<'_, '_>, clip: Rect) {
        for s in &input.scene.shapes {
            let (Shape::Mask(_), Some(m)) = (&s.shape, self.masks.get(s.id)) else {
                continue;
            };
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

    /// Moves the meshes for a panned view: shapes exactly, label text by
    /// whole physical pixels.
    fn move_to(&mut self, origin: Pos2, pixels_per_point: f32) {
        let delta = origin - self.origin;
        for m in &mut self.shapes {
            for v in &mut Arc::make_mut(m).vertices {
                v.pos += delta;
            }
        }
        let total = origin - self.built_origin;
        let snapped = (total * pixels_per_point).round() / pixels_per_point;
        let text_delta = snapped - self.text_shift;
        for v in &mut Arc::make_mut(&mut self.text).vertices {
            v.pos += text_delta;
        }
        self.origin = origin;
        self.text_shift = snapped;
    }

    /// The meshes for the shapes within `reach` (screen). The last meshes'
    /// buffers are reused when nothing else holds them: no fresh pages to
    /// fault in for meshes this size.
    fn build(&mut self, painter: &egui::Painter, input: &LayerInput<'_, '_>, reach: Rect) {
        let styles = Styles::new(input.schema, Some(painter));
        let spare: Vec<Mesh> = std::mem::take(&mut self.shapes)
            .into_iter()
            .filter_map(|m| Arc::try_unwrap(m).ok())
            .collect();
        let mut chunks = Chunks::new(spare);
        let reach = reach.expand(KEYPOINT_RADIUS + theme::BOX_STROKE_WIDTH);
        let at = input.at;
        let excluded = input.preview.map(|(id, _)| id);
        let visible: Vec<(usize, Rect)> = input
            .scene
            .shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| Some(s.id) != excluded)
            .map(|(i, s)| (i, at.rect_of(s.bounds())))
            .filter(|(_, r)| r.intersects(reach))
            .collect();
        let mut mesher = Mesher::default();
        // Every fill under every outline.
        for &(i, _) in &visible {
            let s = &input.scene.shapes[i];
            let fill = styles.get(s.class).fill;
            mesher.fill(chunks.next(), at, &s.shape, fill, self.fills.at(i));
        }
        let mut labels = Vec::new();
        let mut backgrounds = Vec::new();
        for &(i, r) in &visible {
            let s = &input.scene.shapes[i];
            let style = styles.get(s.class);
            let look = Look {
                stroke: style.stroke,
                fill: style.fill,
                width: theme::BOX_STROKE_WIDTH,
            };
            let skeleton = (input.skeleton)(s.class);
            mesher.outline(chunks.next(), at, &s.shape, look, skeleton);
            if let Some(galley) = styles.name(s.class).filter(|_| labelled(&s.shape, r)) {
                let pos = pos2(r.min.x, (r.min.y - galley.size().y).max(at.rect.min.y));
                let background = Rect::from_min_size(pos, galley.size() + vec2(6.0, 0.0));
                backgrounds.push((background, style.stroke.gamma_multiply(0.85)));
                labels.push((pos + vec2(3.0, 0.0), galley.clone()));
            }
        }
        for (r, color) in backgrounds {
            chunks.next().add_colored_rect(r, color);
        }
        self.shapes = chunks.finish().into_iter().map(Arc::new).collect();
        let mut text = Arc::try_unwrap(std::mem::take(&mut self.text)).unwrap_or_default();
        text.clear();
        mesh::label_text(&mut text, painter.ctx(), &labels);
        self.text = Arc::new(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Keypoint, Polygon, Rle, RotatedRect, Visibility};
    use crate::ui::canvas::scene::SceneShape;
    use crate::ui::canvas::view::CanvasView;

    fn frame(scene: &Scene, schema: &LabelSchema, layer: &mut Layer) -> usize {
        frame_at(scene, schema, layer, CanvasView::default())
    }

    /// One frame of the layer alone; the vertices of what it painted.
    fn frame_at(scene: &Scene, schema: &LabelSchema, layer: &mut Layer, view: CanvasView) -> usize {
        let ctx = egui::Context::default();
        crate::ui::fonts::install(&ctx);
        let raw = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0))),
            ..Default::default()
        };
        let mut out = ctx.run_ui(raw, |ui| {
            let at = Transform {
                rect: ui.max_rect(),
                view,
            };
            let skeleton = |_| &[(0usize, 1usize)][..];
            let input = LayerInput {
                scene,
                schema,
                at,
                preview: None,
                skeleton: &skeleton,
            };
            layer.paint(ui.painter(), &input);
        });
        out.textures_delta.clear();
        let mut vertices = 0;
        for s in &out.shapes {
            if let egui::Shape::Mesh(m) = &s.shape {
                assert!(m.is_valid());
                vertices += m.vertices.len();
            }
        }
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        vertices
    }

    fn scene_of(shapes: Vec<Shape>) -> Scene {
        let shapes = shapes
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let id = AnnotationId(i as i64 + 1);
                SceneShape::new(id, ClassId(1 + i as i64 % 2), s)
            })
            .collect();
        Scene::new(shapes, vec![])
    }

    #[test]
    fn every_kind_of_shape_paints_into_valid_meshes_kept_between_frames() {
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
        let mask = [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let scene = scene_of(vec![
            Shape::Rect(BBox::from_xywh(10.0, 10.0, 50.0, 40.0)),
            Shape::RotatedRect(RotatedRect::new(200.0, 100.0, 60.0, 20.0, 30.0)),
            Shape::Polygon(star),
            Shape::Polyline(vec![Point::new(300.0, 300.0), Point::new(400.0, 350.0)]),
            Shape::Keypoints(vec![
                Keypoint::new(500.0, 100.0, Visibility::Visible),
                Keypoint::new(520.0, 140.0, Visibility::Occluded),
                Keypoint::NOT_LABELLED,
            ]),
            Shape::Mask(Rle::encode(4, 4, &mask).unwrap()),
        ]);
        let mut layer = Layer::default();
        assert!(frame(&scene, &schema, &mut layer) > 0);
        let texture = layer
            .masks
            .get(AnnotationId(6))
            .expect("the mask's texture");
        assert_eq!(texture.bounds, [0.0, 1.0, 2.0, 3.0]);
        // The same scene and view again: the meshes are reused, not rebuilt.
        let before = layer.shapes[0].clone();
        frame(&scene, &schema, &mut layer);
        assert!(Arc::ptr_eq(&before, &layer.shapes[0]));
        // A new scene rebuilds them.
        let again = Scene::new(scene.shapes.clone(), vec![]);
        frame(&again, &schema, &mut layer);
        assert!(!Arc::ptr_eq(&before, &layer.shapes[0]));
    }

    #[test]
    fn a_pan_moves_the_meshes_and_a_zoom_rebuilds_them() {
        let schema = LabelSchema::with_classes(&["car"]);
        let scene = scene_of(vec![Shape::Rect(BBox::from_xywh(10.0, 10.0, 50.0, 40.0))]);
        let mut layer = Layer::default();
        let view = CanvasView::default();
        frame_at(&scene, &schema, &mut layer, view);
        let first = layer.shapes[0].vertices[0].pos;
        let built = Arc::as_ptr(&layer.shapes[0]);
        let panned = CanvasView {
            offset: vec2(5.5, -3.0),
            ..view
        };
        frame_at(&scene, &schema, &mut layer, panned);
        assert_eq!(Arc::as_ptr(&layer.shapes[0]), built, "moved in place");
        assert_eq!(layer.shapes[0].vertices[0].pos, first + vec2(5.5, -3.0));
        // The label text moves by whole pixels.
        assert!(!layer.text.vertices.is_empty());
        assert_eq!(layer.text_shift, vec2(6.0, -3.0));
        // Back where it was: everything exactly back.
        frame_at(&scene, &schema, &mut layer, view);
        assert_eq!(layer.shapes[0].vertices[0].pos, first);
        assert_eq!(layer.text_shift, Vec2::ZERO);
        let zoomed = CanvasView { zoom: 2.0, ..view };
        frame_at(&scene, &schema, &mut layer, zoomed);
        assert_eq!(layer.shapes[0].vertices[0].pos, pos2(20.0, 20.0));
        // Panned far beyond the canvas: rebuilt for what is there now.
        let far = CanvasView {
            offset: vec2(-5000.0, 0.0),
            ..view
        };
        frame_at(&scene, &schema, &mut layer, far);
        assert!(layer.shapes.is_empty());
    }

    #[test]
    fn many_shapes_are_cut_into_chunks_of_their_own_primitives() {
        let schema = LabelSchema::with_classes(&["car"]);
        let ring = |i: usize| {
            let (cx, cy) = ((i % 100) as f32 * 8.0, (i / 100) as f32 * 8.0);
            let pts = (0..40).map(|k| {
                let a = k as f32 / 40.0 * std::f32::consts::TAU;
                Point::new(cx + 3.0 * a.cos(), cy + 3.0 * a.sin())
            });
            Shape::Polygon(Polygon::new(pts.collect()))
        };
        let scene = scene_of((0..3000).map(ring).collect());
        let mut layer = Layer::default();
        let vertices = frame(&scene, &schema, &mut layer);
        assert!(layer.shapes.len() > 1, "{} chunk", layer.shapes.len());
        let counted: usize = layer.shapes.iter().map(|m| m.vertices.len()).sum();
        assert_eq!(counted + layer.text.vertices.len(), vertices);
        for m in &layer.shapes {
            assert!(
                m.vertices.len() < CHUNK_VERTICES + 200,
                "{}",
                m.vertices.len()
            );
        }
    }
}
