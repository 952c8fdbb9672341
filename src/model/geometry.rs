use serde::{Deserialize, Serialize};

/// An axis-aligned box in image pixels of the *displayed* (EXIF-oriented) image.
///
/// Axes are continuous with the origin at the top-left corner, so a box over exactly
/// the first pixel is `0..1` on both axes. Stored as min/max corners.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_x: f32,
    pub min_y: f32,
    pub max_x: f32,
    pub max_y: f32,
}

impl BBox {
    /// A box from any two opposite corners, in any order.
    pub fn from_corners(a: [f32; 2], b: [f32; 2]) -> Self {
        Self {
            min_x: a[0].min(b[0]),
            min_y: a[1].min(b[1]),
            max_x: a[0].max(b[0]),
            max_y: a[1].max(b[1]),
        }
    }

    /// A box from COCO's `[x, y, w, h]`.
    pub fn from_xywh(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self::from_corners([x, y], [x + w, y + h])
    }

    pub fn width(&self) -> f32 {
        self.max_x - self.min_x
    }

    pub fn height(&self) -> f32 {
        self.max_y - self.min_y
    }

    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }

    /// COCO's `[x, y, w, h]`.
    pub fn to_xywh(&self) -> [f32; 4] {
        [self.min_x, self.min_y, self.width(), self.height()]
    }

    pub fn is_finite(&self) -> bool {
        [self.min_x, self.min_y, self.max_x, self.max_y]
            .iter()
            .all(|v| v.is_finite())
    }

    /// True when the box has a positive area.
    pub fn is_proper(&self) -> bool {
        self.is_finite() && self.width() > 0.0 && self.height() > 0.0
    }

    /// True when the box lies inside a `width`×`height` image.
    pub fn is_within(&self, width: f32, height: f32) -> bool {
        self.min_x >= 0.0 && self.min_y >= 0.0 && self.max_x <= width && self.max_y <= height
    }

    /// The part of the box inside a `width`×`height` image (possibly empty).
    pub fn clamped(&self, width: f32, height: f32) -> Self {
        let cx = |v: f32| v.clamp(0.0, width.max(0.0));
        let cy = |v: f32| v.clamp(0.0, height.max(0.0));
        Self {
            min_x: cx(self.min_x),
            min_y: cy(self.min_y),
            max_x: cx(self.max_x),
            max_y: cy(self.max_y),
        }
    }

    /// The box moved by `(dx, dy)`, kept whole inside the image: it slides along the
    /// border instead of shrinking. A box wider or taller than the image (one
    /// from before the image changed size) keeps its place on that axis.
    pub fn translated_within(&self, dx: f32, dy: f32, width: f32, height: f32) -> Self {
        let slide =
            |d: f32, low: f32, high: f32| if low <= high { d.clamp(low, high) } else { 0.0 };
        let dx = slide(dx, -self.min_x, width - self.max_x);
        let dy = slide(dy, -self.min_y, height - self.max_y);
        Self {
            min_x: self.min_x + dx,
            min_y: self.min_y + dy,
            max_x: self.max_x + dx,
            max_y: self.max_y + dy,
        }
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y
    }

    /// Intersection over union; 0 for disjoint or degenerate boxes.
    pub fn iou(&self, other: &BBox) -> f32 {
        let ix = (self.max_x.min(other.max_x) - self.min_x.max(other.min_x)).max(0.0);
        let iy = (self.max_y.min(other.max_y) - self.min_y.max(other.min_y)).max(0.0);
        let inter = ix * iy;
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_are_normalised() {
        let b = BBox::from_corners([10.0, 20.0], [2.0, 4.0]);
        assert_eq!(b.to_xywh(), [2.0, 4.0, 8.0, 16.0]);
    }

    #[test]
    fn first_pixel_is_zero_to_one() {
        let b = BBox::from_xywh(0.0, 0.0, 1.0, 1.0);
        assert_eq!((b.max_x, b.max_y, b.area()), (1.0, 1.0, 1.0));
    }

    #[test]
    fn clamp_and_translate_stay_inside() {
        let b = BBox::from_corners([-5.0, 3.0], [120.0, 50.0]).clamped(100.0, 40.0);
        assert_eq!(b, BBox::from_corners([0.0, 3.0], [100.0, 40.0]));
        let m =
            BBox::from_xywh(10.0, 10.0, 20.0, 20.0).translated_within(200.0, -50.0, 100.0, 100.0);
        assert_eq!(m, BBox::from_xywh(80.0, 0.0, 20.0, 20.0));
    }

    #[test]
    fn a_box_larger_than_the_image_does_not_move_and_does_not_panic() {
        let b = BBox::from_xywh(-10.0, 5.0, 300.0, 20.0);
        let m = b.translated_within(15.0, 200.0, 100.0, 100.0);
        assert_eq!(m, BBox::from_xywh(-10.0, 80.0, 300.0, 20.0));
    }

    #[test]
    fn iou_of_half_overlap() {
        let a = BBox::from_xywh(0.0, 0.0, 2.0, 1.0);
        let b = BBox::from_xywh(1.0, 0.0, 2.0, 1.0);
        assert!((a.iou(&b) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(a.iou(&BBox::from_xywh(5.0, 5.0, 1.0, 1.0)), 0.0);
    }
}
