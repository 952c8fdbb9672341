//! What is painted over the annotations every frame: model proposals (dashed,
//! with their score), the hovered and selected shapes (stronger, with their
//! handles and vertices), the shape being dragged or drawn, review-comment
//! markers, the box tools' crosshair and a tool's hint.

use super::paint::{KEYPOINT_RADIUS, Look, Mesher, Styles, Transform};
use super::scene::Scene;
use super::tools::rotated::handle as rotated_handle;
use super::tools::{Draft, KeypointSpec, rect::Handle};
use super::triangulate::FillCache;
use crate::model::{AnnotationId, ClassId, Point, ProposalId, Shape, VertexRef};
use crate::ui::theme;
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Stroke, StrokeKind, Vec2, vec2};
use eframe::epaint::Mesh;

/// How much of its colour a proposal under the threshold keeps.
const FAINT_PROPOSAL: f32 = 0.35;
/// Dash and gap lengths of a proposal's outline, in screen points.
const PROPOSAL_DASH: (f32, f32) = (6.0, 4.0);
/// The marker on a shape that has a review comment pinned to it.
const COMMENT_MARKER_RADIUS: f32 = 7.0;
const HANDLE_HALF: f32 = theme::HANDLE_SIZE / 2.0;
/// A polygon's or polyline's vertex handles are smaller than a box's.
const VERTEX_HALF: f32 = 3.5;

/// A proposal's score as shown on the canvas, e.g. `0.87`.
pub fn score_text(score: f32) -> String {
    format!("{score:.2}")
}

fn handle_square(painter: &egui::Painter, c: Pos2, half: f32, fill: Color32) {
    let r = Rect::from_center_size(c, Vec2::splat(2.0 * half));
    painter.rect_filled(r, 1.0, fill);
    painter.rect_stroke(
        r,
        1.0,
        Stroke::new(1.0, theme::HANDLE_STROKE),
        StrokeKind::Middle,
    );
}

/// Square handles on `points`, as one mesh: a polygon traced from a mask may
/// have thousands of vertices.
fn vertex_handles(
    mesh: &mut Mesh,
    at: Transform,
    points: &[Point],
    fill: impl Fn(usize) -> Color32,
) {
    let clip = at.rect.expand(VERTEX_HALF + 1.0);
    for (i, &q) in points.iter().enumerate() {
        let c = at.pos(q);
        if clip.contains(c) {
            mesh.add_colored_rect(
                Rect::from_center_size(c, Vec2::splat(2.0 * VERTEX_HALF + 2.0)),
                theme::HANDLE_STROKE,
            );
            mesh.add_colored_rect(
                Rect::from_center_size(c, Vec2::splat(2.0 * VERTEX_HALF)),
                fill(i),
            );
        }
    }
}

/// The outline points of a shape on screen, for dashed proposals.
fn outline(at: Transform, shape: &Shape) -> Vec<Vec<Pos2>> {
    let ring = |pts: &[Point]| -> Vec<Pos2> {
        let mut v: Vec<Pos2> = pts.iter().map(|&p| at.pos(p)).collect();
        if let Some(&first) = v.first() {
            v.push(first);
        }
        v
    };
    match shape {
        Shape::Polygon(p) => p.parts().map(ring).collect(),
        Shape::Polyline(p) => vec![p.iter().map(|&q| at.pos(q)).collect()],
        Shape::RotatedRect(r) => vec![ring(&r.corners())],
        other => {
            let b = other.bounds();
            vec![ring(&[
                Point::new(b.min_x, b.min_y),
                Point::new(b.max_x, b.min_y),
                Point::new(b.max_x, b.max_y),
                Point::new(b.min_x, b.max_y),
            ])]
        }
    }
}

/// Proposals: dashed outlines in their class colour with the score at the
/// top left; faint under the threshold, filled when selected.
pub fn proposals(
    painter: &egui::Painter,
    at: Transform,
    scene: &Scene,
    styles: &Styles,
    selected: Option<ProposalId>,
    threshold: f32,
) {
    let clip = painter.clip_rect();
    let font = theme::box_label_font();
    for p in &scene.proposals {
        let r = at.rect_of(p.bounds());
        if !r.intersects(clip) {
            continue;
        }
        let mut color = styles.get(p.class).stroke;
        if p.score() < threshold {
            color = color.gamma_multiply(FAINT_PROPOSAL);
        }
        let is_selected = Some(p.id) == selected;
        if is_selected {
            let mut fills = Mesh::default();
            let fill = color.gamma_multiply(0.18);
            Mesher::default().fill(&mut fills, at, &p.shape, fill, None);
            painter.add(egui::Shape::mesh(fills));
        }
        let width = if is_selected {
            theme::BOX_STROKE_WIDTH_SELECTED
        } else {
            theme::BOX_STROKE_WIDTH
        };
        let (dash, gap) = PROPOSAL_DASH;
        for line in outline(at, &p.shape) {
            painter.extend(egui::Shape::dashed_line(
                &line,
                Stroke::new(width, color),
                dash,
                gap,
            ));
        }
        let galley = painter.layout_no_wrap(score_text(p.score()), font.clone(), Color32::WHITE);
        let corner = r.left_top() + vec2(width, width);
        painter.rect_filled(
            Rect::from_min_size(corner, galley.size() + vec2(4.0, 0.0)),
            2.0,
            color.gamma_multiply(0.85),
        );
        painter.galley(corner + vec2(2.0, 0.0), galley, Color32::WHITE);
    }
}

/// The selected, hovered and dragged shapes.
pub struct Highlight<'a, 'k> {
    pub scene: &'a Scene,
    pub styles: &'a Styles,
    pub selected: Option<AnnotationId>,
    pub hovered: Option<AnnotationId>,
    /// The shape being dragged, as it is now.
    pub preview: Option<(AnnotationId, &'a Shape)>,
    pub vertex: Option<VertexRef>,
    /// Handles and vertices are shown only when the shape can be edited.
    pub editable: bool,
    /// Where an Alt+click would add a vertex (image pixels).
    pub insert_at: Option<Point>,
    /// How far the rotation handle sits beyond a rotated box, image pixels.
    pub handle_offset: f32,
    pub keypoints: &'a dyn Fn(ClassId) -> Option<KeypointSpec<'k>>,
    /// The polygons' cached fill triangles.
    pub fills: &'a FillCache,
}

pub fn highlight(painter: &egui::Painter, at: Transform, h: &Highlight<'_, '_>) {
    let skeleton = |class| (h.keypoints)(class).map_or(&[][..], |k| k.edges);
    let (mut fills, mut lines) = (Mesh::default(), Mesh::default());
    let mut mesher = Mesher::default();
    if let Some(s) = h
        .hovered
        .filter(|&id| Some(id) != h.selected)
        .and_then(|id| h.scene.get(id))
    {
        let style = h.styles.get(s.class);
        let look = Look {
            stroke: style.stroke,
            fill: Color32::TRANSPARENT,
            width: theme::BOX_STROKE_WIDTH_HOVERED,
        };
        mesher.outline(&mut lines, at, &s.shape, look, skeleton(s.class));
    }
    let selected = h.selected.and_then(|id| h.scene.get(id));
    let shown = match (h.preview, selected) {
        (Some((id, shape)), _) => h.scene.get(id).map(|s| (s.id, s.class, shape)),
        (None, Some(s)) => Some((s.id, s.class, &s.shape)),
        (None, None) => None,
    };
    let Some((id, class, shape)) = shown else {
        painter.add(egui::Shape::mesh(fills));
        painter.add(egui::Shape::mesh(lines));
        return;
    };
    let style = h.styles.get(class);
    let look = Look {
        stroke: style.stroke,
        fill: style.fill_selected,
        width: theme::BOX_STROKE_WIDTH_SELECTED,
    };
    let indices = h.fills.get_for(id, shape);
    mesher.add(
        &mut fills,
        &mut lines,
        at,
        shape,
        look,
        indices,
        skeleton(class),
    );
    painter.add(egui::Shape::mesh(fills));
    painter.add(egui::Shape::mesh(lines));
    if h.editable {
        handles(painter, at, shape, h, (h.keypoints)(class));
    }
}

/// A selected shape's handles: a box's eight, a rotated box's corners and
/// rotation handle, the vertices of the others (the selected one marked).
fn handles(
    painter: &egui::Painter,
    at: Transform,
    shape: &Shape,
    h: &Highlight<'_, '_>,
    names: Option<KeypointSpec<'_>>,
) {
    let vertex_fill = |i: usize, part: usize| {
        if h.vertex == Some(VertexRef { part, index: i }) {
            theme::SELECTION_COLOR
        } else {
            theme::HANDLE_FILL
        }
    };
    match shape {
        Shape::Rect(b) => {
            for handle in Handle::ALL {
                handle_square(
                    painter,
                    at.pos(handle.position(b)),
                    HANDLE_HALF,
                    theme::HANDLE_FILL,
                );
            }
        }
        Shape::RotatedRect(r) => {
            let [tl, tr, ..] = r.corners();
            let top = at.pos(Point::new((tl.x + tr.x) / 2.0, (tl.y + tr.y) / 2.0));
            let knob = at.pos(rotated_handle(r, h.handle_offset));
            painter.line_segment([top, knob], Stroke::new(1.5, theme::HANDLE_FILL));
            painter.circle(
                knob,
                HANDLE_HALF,
                theme::HANDLE_FILL,
                Stroke::new(1.0, theme::HANDLE_STROKE),
            );
            for c in r.corners() {
                handle_square(painter, at.pos(c), HANDLE_HALF, theme::HANDLE_FILL);
            }
        }
        Shape::Polygon(p) => {
            let mut mesh = Mesh::default();
            for (part, points) in p.parts().enumerate() {
                vertex_handles(&mut mesh, at, points, |i| vertex_fill(i, part));
            }
            painter.add(egui::Shape::mesh(mesh));
        }
        Shape::Polyline(points) => {
            let mut mesh = Mesh::default();
            vertex_handles(&mut mesh, at, points, |i| vertex_fill(i, 0));
            painter.add(egui::Shape::mesh(mesh));
        }
        Shape::Keypoints(points) => {
            for (i, k) in points.iter().enumerate().filter(|(_, k)| k.v.is_labelled()) {
                let c = at.pos(k.point());
                painter.circle_stroke(
                    c,
                    KEYPOINT_RADIUS + 2.0,
                    Stroke::new(1.5, vertex_fill(i, 0)),
                );
                let name = names.and_then(|n| n.names.get(i));
                if let Some(name) =
                    name.filter(|_| h.vertex == Some(VertexRef { part: 0, index: i }))
                {
                    painter.text(
                        c + vec2(KEYPOINT_RADIUS + 4.0, 0.0),
                        Align2::LEFT_CENTER,
                        name,
                        theme::box_label_font(),
                        theme::SELECTION_COLOR,
                    );
                }
            }
        }
        Shape::Mask(_) => {}
    }
    if let Some(p) = h.insert_at {
        let c = at.pos(p);
        painter.circle(
            c,
            VERTEX_HALF + 1.0,
            theme::SELECTION_COLOR,
            Stroke::new(1.0, theme::HANDLE_STROKE),
        );
        painter.text(
            c,
            Align2::CENTER_CENTER,
            "+",
            FontId::proportional(10.0),
            Color32::BLACK,
        );
    }
}

/// The shape being drawn: a box's outline, or a path with a rubber band to
/// the pointer (and, for a polygon, back to its first vertex).
pub fn draft(
    painter: &egui::Painter,
    at: Transform,
    draft: &Draft,
    pointer: Option<Pos2>,
    color: Color32,
    close_radius: f32,
) {
    let stroke = Stroke::new(theme::BOX_STROKE_WIDTH, color);
    match draft {
        Draft::Rect { a, b } => {
            painter.rect_stroke(
                Rect::from_two_pos(at.pos(*a), at.pos(*b)),
                0.0,
                stroke,
                StrokeKind::Middle,
            );
        }
        Draft::Path { points, closed } => {
            let mut line: Vec<Pos2> = points.iter().map(|&p| at.pos(p)).collect();
            painter.add(egui::Shape::line(line.clone(), stroke));
            if let (Some(&last), Some(p)) = (line.last(), pointer) {
                let band = Stroke::new(1.0, color.gamma_multiply(0.8));
                painter.line_segment([last, p], band);
                if *closed && line.len() >= 2 {
                    painter.extend(egui::Shape::dashed_line(&[p, line[0]], band, 4.0, 4.0));
                }
            }
            for &q in &line {
                handle_square(painter, q, VERTEX_HALF, theme::HANDLE_FILL);
            }
            // The first vertex grows when a click there would close the polygon.
            if *closed
                && line.len() >= 3
                && let Some(p) = pointer
                && p.distance(line[0]) <= close_radius
            {
                painter.circle_stroke(
                    line[0],
                    close_radius,
                    Stroke::new(2.0, theme::SELECTION_COLOR),
                );
            }
            line.clear();
        }
    }
}

/// Markers at the top right of shapes a review comment is pinned to.
pub fn comment_markers(
    painter: &egui::Painter,
    at: Transform,
    scene: &Scene,
    commented: &[AnnotationId],
) {
    for id in commented {
        let Some(s) = scene.get(*id) else { continue };
        let m = at.rect_of(s.bounds()).right_top();
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
}

/// Crosshair lines through the pointer, across the canvas.
pub fn guides(painter: &egui::Painter, rect: Rect, p: Pos2) {
    let guide = Stroke::new(1.0, theme::CROSSHAIR_COLOR);
    painter.hline(rect.x_range(), p.y, guide);
    painter.vline(p.x, rect.y_range(), guide);
}

/// A line of help at the top left of the canvas.
pub fn hint(painter: &egui::Painter, rect: Rect, text: &str) {
    let galley = painter.layout_no_wrap(text.to_owned(), theme::box_label_font(), Color32::WHITE);
    let at = rect.left_top() + vec2(theme::SPACE_M, theme::SPACE_M);
    painter.rect_filled(
        Rect::from_min_size(at, galley.size()).expand(theme::SPACE_S),
        3.0,
        Color32::from_black_alpha(170),
    );
    painter.galley(at, galley, Color32::WHITE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Keypoint, LabelSchema, Polygon, Rle, RotatedRect, Visibility};
    use crate::ui::canvas::scene::{SceneProposal, SceneShape};
    use crate::ui::canvas::view::CanvasView;

    /// Paints `f` in a frame and checks every mesh that came out.
    fn painted(mut f: impl FnMut(&egui::Painter, Transform)) -> usize {
        let ctx = egui::Context::default();
        crate::ui::fonts::install(&ctx);
        let raw = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0))),
            ..Default::default()
        };
        let mut out = ctx.run_ui(raw, |ui| {
            let at = Transform {
                rect: ui.max_rect(),
                view: CanvasView::default(),
            };
            f(ui.painter(), at);
        });
        out.textures_delta.clear();
        let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
        primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => {
                    assert!(m.is_valid());
                    m.indices.len()
                }
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum()
    }

    #[test]
    fn every_kind_selected_shows_its_handles() {
        let schema = LabelSchema::with_classes(&["car"]);
        let names = vec!["nose".to_string(), "eye".to_string()];
        let spec = |_| {
            Some(KeypointSpec {
                names: &names,
                edges: &[(0, 1)],
            })
        };
        let kinds = [
            Shape::Rect(BBox::from_xywh(10.0, 10.0, 50.0, 40.0)),
            Shape::RotatedRect(RotatedRect::new(200.0, 100.0, 60.0, 20.0, 30.0)),
            Shape::Polygon(Polygon::new(vec![
                Point::new(0.0, 0.0),
                Point::new(40.0, 0.0),
                Point::new(0.0, 40.0),
            ])),
            Shape::Polyline(vec![Point::new(300.0, 300.0), Point::new(400.0, 350.0)]),
            Shape::Keypoints(vec![
                Keypoint::new(500.0, 100.0, Visibility::Visible),
                Keypoint::new(520.0, 140.0, Visibility::Occluded),
            ]),
            Shape::Mask(Rle::encode(2, 2, &[1, 0, 0, 1]).unwrap()),
        ];
        for shape in kinds {
            let scene = Scene::new(
                vec![SceneShape::new(AnnotationId(1), ClassId(1), shape.clone())],
                vec![SceneProposal::with(
                    ProposalId(2),
                    ClassId(1),
                    shape.clone(),
                    0.3,
                )],
            );
            let styles = Styles::new(&schema, None);
            let indices = painted(|painter, at| {
                proposals(painter, at, &scene, &styles, Some(ProposalId(2)), 0.5);
                highlight(
                    painter,
                    at,
                    &Highlight {
                        scene: &scene,
                        styles: &styles,
                        selected: Some(AnnotationId(1)),
                        hovered: Some(AnnotationId(1)),
                        preview: None,
                        vertex: Some(VertexRef { part: 0, index: 0 }),
                        editable: true,
                        insert_at: Some(Point::new(20.0, 0.0)),
                        handle_offset: 20.0,
                        keypoints: &spec,
                        fills: &FillCache::default(),
                    },
                );
                comment_markers(painter, at, &scene, &[AnnotationId(1)]);
            });
            assert!(indices > 0, "{shape:?}");
        }
    }

    #[test]
    fn drafts_and_hints_paint() {
        let points = [
            Point::new(10.0, 10.0),
            Point::new(90.0, 10.0),
            Point::new(90.0, 70.0),
        ];
        let indices = painted(|painter, at| {
            let pointer = Some(at.pos(Point::new(11.0, 11.0)));
            for closed in [true, false] {
                let d = Draft::Path {
                    points: &points,
                    closed,
                };
                draft(painter, at, &d, pointer, Color32::RED, 8.0);
            }
            let d = Draft::Rect {
                a: points[0],
                b: points[2],
            };
            draft(painter, at, &d, pointer, Color32::RED, 8.0);
            guides(painter, at.rect, at.pos(points[1]));
            hint(painter, at.rect, "Next point: nose (1 of 17)");
        });
        assert!(indices > 0);
    }
}
