//! One tile of the grid: the thumbnail with its shapes drawn small, a status-coloured
//! frame, the image labels along the bottom and a marker when proposals wait.

use crate::model::{BBox, ClassId, Item, LabelId, LabelSchema, Point, Shape, Visibility};
use crate::project::{Project, ProjectError};
use crate::ui::theme;
use eframe::egui::{self, Color32, CornerRadius, Pos2, Rect, Stroke, StrokeKind, TextureHandle};

/// What a tile shows of its item besides the picture, read once per project revision.
#[derive(Clone, Debug, Default)]
pub struct TileFacts {
    pub labels: Vec<LabelId>,
    /// Each annotation's class and outline, in image pixels.
    pub shapes: Vec<(ClassId, Outline)>,
    pub proposals: usize,
}

impl TileFacts {
    pub fn read(project: &Project, item: &Item) -> Result<Self, ProjectError> {
        Ok(TileFacts {
            labels: project.image_labels(item.id)?,
            shapes: project
                .annotations(item.id)?
                .into_iter()
                .map(|a| (a.class, Outline::of(&a.shape)))
                .collect(),
            proposals: project.proposals(item.id)?.len(),
        })
    }
}

/// A shape as a tile draws it: its outline with at most [`OUTLINE_POINTS`]
/// points a ring (a tile is a few hundred pixels wide), a mask as its box.
#[derive(Clone, Debug)]
pub enum Outline {
    Box(BBox),
    /// Closed rings: a polygon's parts, a rotated box.
    Rings(Vec<Vec<Point>>),
    Line(Vec<Point>),
    /// Labelled keypoints.
    Dots(Vec<Point>),
}

/// Most points of one ring or line on a tile.
const OUTLINE_POINTS: usize = 32;

impl Outline {
    pub fn of(shape: &Shape) -> Outline {
        match shape {
            Shape::Rect(b) => Outline::Box(*b),
            Shape::RotatedRect(r) => Outline::Rings(vec![r.corners().to_vec()]),
            Shape::Polygon(p) => Outline::Rings(p.parts().map(thinned).collect()),
            Shape::Polyline(points) => Outline::Line(thinned(points)),
            Shape::Keypoints(points) => Outline::Dots(
                points
                    .iter()
                    .filter(|k| k.v != Visibility::NotLabelled)
                    .map(|k| Point::new(k.x, k.y))
                    .collect(),
            ),
            Shape::Mask(_) => Outline::Box(shape.bounds()),
        }
    }
}

/// Every n-th point, so that at most [`OUTLINE_POINTS`] are left (the last kept).
fn thinned(points: &[Point]) -> Vec<Point> {
    let step = points.len().div_ceil(OUTLINE_POINTS).max(1);
    let mut kept: Vec<Point> = points.iter().step_by(step).copied().collect();
    if let Some(&last) = points.last()
        && step > 1
        && !(points.len() - 1).is_multiple_of(step)
    {
        kept.push(last);
    }
    kept
}

/// How a tile is drawn this frame.
pub struct TileLook<'a> {
    pub item: &'a Item,
    pub facts: Option<&'a TileFacts>,
    pub texture: Option<&'a TextureHandle>,
    pub selected: bool,
    pub focused: bool,
}

/// Thickness of the status frame.
const FRAME: f32 = 3.0;
/// Most shapes drawn on one tile; beyond that the picture would be lost under them.
const MAX_SHAPES: usize = 200;

pub fn paint(painter: &egui::Painter, rect: Rect, look: &TileLook<'_>, schema: &LabelSchema) {
    let item = look.item;
    painter.rect_filled(rect, CornerRadius::same(3), theme::CANVAS_BACKGROUND);
    let inner = rect.shrink(FRAME);
    // The picture, centred with its aspect ratio.
    let (w, h) = match look.texture {
        Some(t) => (t.size()[0] as f32, t.size()[1] as f32),
        None => (item.width.max(1) as f32, item.height.max(1) as f32),
    };
    let scale = (inner.width() / w).min(inner.height() / h);
    let picture = Rect::from_center_size(inner.center(), egui::vec2(w * scale, h * scale));
    if let Some(texture) = look.texture {
        let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
        painter.image(texture.id(), picture, uv, Color32::WHITE);
    } else if item.is_broken() {
        painter.line_segment(
            [inner.left_top(), inner.right_bottom()],
            Stroke::new(2.0, theme::BROKEN_COLOR),
        );
        painter.line_segment(
            [inner.right_top(), inner.left_bottom()],
            Stroke::new(2.0, theme::BROKEN_COLOR),
        );
    }
    if let Some(facts) = look.facts {
        let px = picture.width() / item.width.max(1) as f32;
        let at = |p: &Point| picture.min + egui::vec2(p.x, p.y) * px;
        for (class, outline) in facts.shapes.iter().take(MAX_SHAPES) {
            let colour = schema
                .class(*class)
                .map_or(Color32::WHITE, |c| theme::class_color(c.color));
            let stroke = Stroke::new(1.0, colour);
            match outline {
                Outline::Box(b) => {
                    let r = Rect::from_min_max(
                        picture.min + egui::vec2(b.min_x, b.min_y) * px,
                        picture.min + egui::vec2(b.max_x, b.max_y) * px,
                    );
                    painter.rect_stroke(r, 0.0, stroke, StrokeKind::Middle);
                }
                Outline::Rings(rings) => {
                    for ring in rings {
                        let ring: Vec<Pos2> = ring.iter().map(at).collect();
                        painter.add(egui::Shape::closed_line(ring, stroke));
                    }
                }
                Outline::Line(points) => {
                    painter.add(egui::Shape::line(points.iter().map(at).collect(), stroke));
                }
                Outline::Dots(points) => {
                    for p in points {
                        painter.circle_filled(at(p), 1.5, colour);
                    }
                }
            }
        }
        if !facts.labels.is_empty() {
            let names: Vec<&str> = facts
                .labels
                .iter()
                .filter_map(|l| schema.image_labels.iter().find(|d| d.id == *l))
                .map(|d| d.name.as_str())
                .collect();
            let band = Rect::from_min_max(
                egui::pos2(inner.left(), inner.bottom() - 16.0),
                inner.right_bottom(),
            );
            painter.rect_filled(band, 0.0, Color32::from_black_alpha(170));
            painter.with_clip_rect(band).text(
                band.left_center() + egui::vec2(3.0, 0.0),
                egui::Align2::LEFT_CENTER,
                names.join(" · "),
                egui::FontId::proportional(theme::SMALL_SIZE),
                Color32::WHITE,
            );
        }
        if facts.proposals > 0 {
            let at = inner.right_top() + egui::vec2(-8.0, 8.0);
            painter.circle(at, 5.0, theme::WARN_COLOR, Stroke::new(1.0, Color32::BLACK));
        }
    }
    let status = if item.is_broken() {
        theme::BROKEN_COLOR
    } else {
        theme::status_color(item.status)
    };
    painter.rect_stroke(
        rect.shrink(FRAME / 2.0),
        3.0,
        Stroke::new(FRAME, status),
        StrokeKind::Middle,
    );
    if look.selected {
        painter.rect_stroke(
            rect.expand(1.0),
            4.0,
            Stroke::new(3.0, theme::SELECTION_COLOR),
            StrokeKind::Outside,
        );
    } else if look.focused {
        painter.rect_stroke(
            rect.expand(1.0),
            4.0,
            Stroke::new(1.0, theme::SELECTION_COLOR),
            StrokeKind::Outside,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_ring_is_thinned_to_the_cap_and_keeps_its_last_point() {
        let ring: Vec<Point> = (0..100).map(|i| Point::new(i as f32, 0.0)).collect();
        let kept = thinned(&ring);
        assert!(kept.len() <= OUTLINE_POINTS + 1, "{}", kept.len());
        assert_eq!(kept.first(), ring.first());
        assert_eq!(kept.last(), ring.last());
        let short: Vec<Point> = ring[..5].to_vec();
        assert_eq!(thinned(&short), short);
    }

    #[test]
    fn each_kind_has_its_outline() {
        use crate::model::{Keypoint, Polygon};
        let square = vec![
            Point::new(0.0, 0.0),
            Point::new(4.0, 0.0),
            Point::new(4.0, 4.0),
            Point::new(0.0, 4.0),
        ];
        let polygon = Shape::Polygon(Polygon::new(square.clone()));
        assert!(matches!(Outline::of(&polygon), Outline::Rings(r) if r == vec![square]));
        let points = Shape::Keypoints(vec![
            Keypoint {
                x: 1.0,
                y: 2.0,
                v: Visibility::Visible,
            },
            Keypoint {
                x: 0.0,
                y: 0.0,
                v: Visibility::NotLabelled,
            },
        ]);
        assert!(
            matches!(Outline::of(&points), Outline::Dots(d) if d == vec![Point::new(1.0, 2.0)])
        );
    }
}
