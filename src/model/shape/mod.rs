//! The geometry of an annotation: a box, rotated box, polygon, polyline, keypoints
//! or mask, in f32 pixels of the EXIF-oriented image (origin top-left, continuous
//! axes: a box over exactly the first pixel is `0..1`).
//!
//! Everything here is pure. Hit tests do not allocate; a shape's box is derived
//! ([`Shape::bounds`]), never stored beside it.

mod codec;
mod contour;
mod ellipse;
mod handles;
mod keypoints;
mod overlay;
mod polygon;
mod ring;
mod rle;
mod rle_grid;
mod rle_poly;
mod rotated;
mod similarity;
#[cfg(test)]
mod tests;

use super::BBox;
pub use codec::{SHAPE_CODEC_VERSION, ShapeDecodeError};
pub use contour::mask_to_polygon;
pub use ellipse::{ELLIPSE_TOLERANCE_PX, ellipse_polygon};
pub use handles::{EdgeHit, VertexRef};
pub use keypoints::{
    COCO_PERSON_SIGMAS, Keypoint, Visibility, coco_result_bbox, labelled_bounds, oks,
};
pub use polygon::Polygon;
pub use rle::{Rle, RleError};
pub use rle_grid::MaskPatch;
pub use rle_poly::{MAX_OUTLINE_STEPS, f32_as_written};
pub use rotated::RotatedRect;
pub use similarity::{MIN_KEYPOINT_AREA, POLYLINE_KAPPA};

use serde::{Deserialize, Serialize};

/// A point in image pixels; serialised as `[x, y]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f32; 2]", into = "[f32; 2]")]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }

    pub fn distance_sq(&self, other: Point) -> f32 {
        let (dx, dy) = (self.x - other.x, self.y - other.y);
        dx * dx + dy * dy
    }
}

impl From<[f32; 2]> for Point {
    fn from([x, y]: [f32; 2]) -> Self {
        Self { x, y }
    }
}

impl From<Point> for [f32; 2] {
    fn from(p: Point) -> Self {
        [p.x, p.y]
    }
}

/// The geometry of one annotation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// An axis-aligned box.
    Rect(BBox),
    RotatedRect(RotatedRect),
    /// One or more parts; the region is their union.
    Polygon(Polygon),
    Polyline(Vec<Point>),
    /// The points of the class's skeleton, in its order.
    Keypoints(Vec<Keypoint>),
    /// A COCO RLE over the whole image.
    Mask(Rle),
}

/// Which kind a shape is; stored beside its encoded geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapeKind {
    Rect,
    RotatedRect,
    Polygon,
    Polyline,
    Keypoints,
    Mask,
}

impl ShapeKind {
    pub const ALL: [ShapeKind; 6] = [
        ShapeKind::Rect,
        ShapeKind::RotatedRect,
        ShapeKind::Polygon,
        ShapeKind::Polyline,
        ShapeKind::Keypoints,
        ShapeKind::Mask,
    ];

    /// The stable name used in storage, files and the schema.
    pub fn as_str(self) -> &'static str {
        match self {
            ShapeKind::Rect => "rect",
            ShapeKind::RotatedRect => "rotated_rect",
            ShapeKind::Polygon => "polygon",
            ShapeKind::Polyline => "polyline",
            ShapeKind::Keypoints => "keypoints",
            ShapeKind::Mask => "mask",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The stable number used in storage (an INTEGER column): 1 to 6.
    pub fn code(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    /// Whether the kind covers an area (and so has an IoU).
    pub fn has_area(self) -> bool {
        !matches!(self, ShapeKind::Polyline | ShapeKind::Keypoints)
    }
}

/// `v` clamped into `lo..=hi`, or into `hi..=lo` when the range is reversed (a
/// shape larger than the image then moves only while it still covers it). Never
/// panics, whatever NaNs come in.
fn clamp_shift(v: f32, lo: f32, hi: f32) -> f32 {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    v.max(lo).min(hi)
}

impl Shape {
    pub fn kind(&self) -> ShapeKind {
        match self {
            Shape::Rect(_) => ShapeKind::Rect,
            Shape::RotatedRect(_) => ShapeKind::RotatedRect,
            Shape::Polygon(_) => ShapeKind::Polygon,
            Shape::Polyline(_) => ShapeKind::Polyline,
            Shape::Keypoints(_) => ShapeKind::Keypoints,
            Shape::Mask(_) => ShapeKind::Mask,
        }
    }

    /// The axis-aligned box around the shape: for keypoints around the labelled
    /// points, for a mask around its pixels (pycocotools' `toBbox`). An empty shape
    /// gives the empty box at the origin.
    pub fn bounds(&self) -> BBox {
        let empty = BBox::from_xywh(0.0, 0.0, 0.0, 0.0);
        match self {
            Shape::Rect(b) => *b,
            Shape::RotatedRect(r) => r.bounds(),
            Shape::Polygon(p) => p.bounds().unwrap_or(empty),
            Shape::Polyline(points) => ring::bounds(points.iter().copied()).unwrap_or(empty),
            Shape::Keypoints(points) => labelled_bounds(points).unwrap_or(empty),
            Shape::Mask(m) => m.bounds(),
        }
    }

    /// The area in square pixels: `w × h` for boxes, the shoelace area of each part
    /// summed for polygons, the pixel count for masks, 0 for polylines and keypoints.
    pub fn area(&self) -> f64 {
        match self {
            Shape::Rect(b) => f64::from(b.width()) * f64::from(b.height()),
            Shape::RotatedRect(r) => r.area(),
            Shape::Polygon(p) => p.area(),
            Shape::Polyline(_) | Shape::Keypoints(_) => 0.0,
            Shape::Mask(m) => m.area() as f64,
        }
    }

    /// The `area` a COCO annotation of this shape carries: [`Shape::area`], except
    /// for keypoints alone, where it is the area of the box `loadRes` puts around
    /// all their points ([`coco_result_bbox`]).
    pub fn coco_area(&self) -> f64 {
        match self {
            Shape::Keypoints(points) => coco_result_bbox(points)
                .map_or(0.0, |b| f64::from(b.width()) * f64::from(b.height())),
            _ => self.area(),
        }
    }

    /// Whether the pointer at `(x, y)` touches the shape: inside an area shape or
    /// within `tolerance` of its outline (rotated boxes and polygons exactly, not by
    /// their box); within `tolerance` of a polyline's segment or a labelled keypoint;
    /// on a set pixel of a mask. Does not allocate; callers testing many shapes
    /// should first skip those whose cached bounds, grown by `tolerance`, miss.
    pub fn hit(&self, x: f32, y: f32, tolerance: f32) -> bool {
        let p = Point::new(x, y);
        let t = tolerance.max(0.0);
        match self {
            Shape::Rect(b) => {
                let dx = (b.min_x - x).max(x - b.max_x).max(0.0);
                let dy = (b.min_y - y).max(y - b.max_y).max(0.0);
                dx * dx + dy * dy <= t * t
            }
            Shape::RotatedRect(r) => r.contains(x, y) || ring::near_path(&r.corners(), true, p, t),
            Shape::Polygon(poly) => {
                poly.contains(x, y) || poly.parts().any(|part| ring::near_path(part, true, p, t))
            }
            Shape::Polyline(points) => ring::near_path(points, false, p, t),
            Shape::Keypoints(points) => points
                .iter()
                .any(|k| k.v.is_labelled() && k.point().distance_sq(p) <= t * t),
            Shape::Mask(m) => x >= 0.0 && y >= 0.0 && m.is_set(x as u32, y as u32),
        }
    }

    /// The shape moved by `(dx, dy)`. Unlabelled keypoints stay at `0, 0`; a mask
    /// moves by whole pixels (rounded) and loses what leaves it.
    pub fn translated(&self, dx: f32, dy: f32) -> Shape {
        let moved = |p: &Point| Point::new(p.x + dx, p.y + dy);
        match self {
            Shape::Rect(b) => Shape::Rect(BBox {
                min_x: b.min_x + dx,
                min_y: b.min_y + dy,
                max_x: b.max_x + dx,
                max_y: b.max_y + dy,
            }),
            Shape::RotatedRect(r) => Shape::RotatedRect(r.translated(dx, dy)),
            Shape::Polygon(p) => Shape::Polygon(p.translated(dx, dy)),
            Shape::Polyline(points) => Shape::Polyline(points.iter().map(moved).collect()),
            Shape::Keypoints(points) => Shape::Keypoints(
                points
                    .iter()
                    .map(|k| {
                        if k.v.is_labelled() {
                            Keypoint {
                                x: k.x + dx,
                                y: k.y + dy,
                                v: k.v,
                            }
                        } else {
                            *k
                        }
                    })
                    .collect(),
            ),
            Shape::Mask(m) => Shape::Mask(m.shifted(dx.round() as i64, dy.round() as i64)),
        }
    }

    /// The shape moved by `(dx, dy)` but kept whole inside a `width`×`height` image:
    /// it slides along the border instead of deforming (as `BBox::translated_within`).
    pub fn translated_within(&self, dx: f32, dy: f32, width: f32, height: f32) -> Shape {
        let b = self.bounds();
        let mut dx = clamp_shift(dx, -b.min_x, width - b.max_x);
        let mut dy = clamp_shift(dy, -b.min_y, height - b.max_y);
        if let Shape::Mask(_) = self {
            // Whole pixels: round towards zero so rounding never pushes it out.
            (dx, dy) = (dx.trunc(), dy.trunc());
        }
        self.translated(dx, dy)
    }

    /// The part of the shape inside a `width`×`height` image; `None` when nothing
    /// with area (or, for lines and points, nothing at all) is left.
    ///
    /// - boxes as `BBox::clamped`;
    /// - rotated boxes: the smallest box at the same angle around the part inside
    ///   ([`RotatedRect::clamped`]); a turned box's corners may still overhang;
    /// - polygons: each part clipped to the image (Sutherland–Hodgman), parts with no
    ///   area left dropped;
    /// - polylines: clipped, running along the border where they leave and return
    ///   (one line stays one line);
    /// - keypoints: labelled points outside the image become unlabelled (`0, 0, 0`,
    ///   COCO's form): a point the image does not show has no place in it;
    /// - masks: the mask's grid cut or padded to the image's (rounded) size at the
    ///   same top-left corner; never rescaled.
    pub fn clamped(&self, width: f32, height: f32) -> Option<Shape> {
        // NaN or negative sizes clamp to an empty image rather than panic.
        let (w, h) = (width.max(0.0), height.max(0.0));
        let shape = match self {
            Shape::Rect(b) => Shape::Rect(b.clamped(w, h)),
            Shape::RotatedRect(r) => Shape::RotatedRect(r.clamped(w, h)?),
            Shape::Polygon(p) => Shape::Polygon(p.clamped(w, h)?),
            Shape::Polyline(points) => Shape::Polyline(ring::clip_path(points, w, h)?),
            Shape::Keypoints(points) => {
                let inside = |k: &Keypoint| k.x >= 0.0 && k.y >= 0.0 && k.x <= w && k.y <= h;
                let kept: Vec<Keypoint> = points
                    .iter()
                    .map(|k| {
                        if inside(k) {
                            *k
                        } else {
                            Keypoint::NOT_LABELLED
                        }
                    })
                    .collect();
                if !kept.iter().any(|k| k.v.is_labelled()) {
                    return None;
                }
                Shape::Keypoints(kept)
            }
            Shape::Mask(m) => {
                Shape::Mask(m.resized_canvas(h.round() as u32, w.round() as u32).ok()?)
            }
        };
        shape.is_valid().then_some(shape)
    }

    /// Finite, with enough points, and an area where the kind has one: boxes and
    /// rotated boxes positive width and height; polygons parts of at least three
    /// points and non-zero area; polylines two points and some length; keypoints
    /// at least one point; masks at least one pixel.
    pub fn is_valid(&self) -> bool {
        match self {
            Shape::Rect(b) => b.is_proper(),
            Shape::RotatedRect(r) => r.is_valid(),
            Shape::Polygon(p) => p.is_valid(),
            Shape::Polyline(points) => {
                points.len() >= 2
                    && points.iter().all(Point::is_finite)
                    && points.windows(2).any(|w| w[0] != w[1])
            }
            Shape::Keypoints(points) => {
                !points.is_empty() && points.iter().all(|k| k.x.is_finite() && k.y.is_finite())
            }
            Shape::Mask(m) => m.area() > 0,
        }
    }

    /// Intersection over union by area, for any two area shapes (boxes, rotated
    /// boxes, polygons, masks); `None` for polylines and keypoints, shapes with
    /// non-finite coordinates, and masks of different sizes. Vector shapes are
    /// clipped exactly (`i_overlay`); against a mask the other shape is rasterised
    /// at the mask's size as pycocotools would and the masks compared.
    pub fn iou(&self, other: &Shape) -> Option<f64> {
        overlay::iou(self, other)
    }
}
