//! The rotated box tool: drawn as an upright box (the box tool's drag, see
//! [`super::rect`]), then turned by its rotation handle, which sits beyond the
//! middle of its top edge (drag it; Shift snaps to 15°, as in CVAT), or by the
//! rotation keys (1°, and 15° with Shift). Its corners are vertices the editor
//! drags, keeping the opposite corner and the angle.

use super::normalize_degrees;
use crate::model::{Point, RotatedRect};

/// Degrees a rotation snaps to while Shift is held.
pub const SNAP_DEGREES: f32 = 15.0;

/// Where the rotation handle of `r` is: `offset` image pixels beyond the middle
/// of its own top edge.
pub fn handle(r: &RotatedRect, offset: f32) -> Point {
    let (sin, cos) = r.angle.to_radians().sin_cos();
    // The box's own "up" is -y turned by the angle: (sin, -cos).
    let reach = r.h / 2.0 + offset;
    Point::new(r.cx + sin * reach, r.cy - cos * reach)
}

/// `r` turned so that its handle points at `p`; with `snap`, to the nearest
/// multiple of 15°.
pub fn turned_towards(r: &RotatedRect, p: Point, snap: bool) -> RotatedRect {
    let (dx, dy) = (p.x - r.cx, p.y - r.cy);
    if dx == 0.0 && dy == 0.0 {
        return *r;
    }
    // At angle 0 the handle is straight up, atan2 = -90°.
    let mut angle = dy.atan2(dx).to_degrees() + 90.0;
    if snap {
        angle = (angle / SNAP_DEGREES).round() * SNAP_DEGREES;
    }
    RotatedRect {
        angle: normalize_degrees(angle),
        ..*r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handle_sits_above_the_top_edge_and_turns_with_the_box() {
        let r = RotatedRect::new(100.0, 100.0, 40.0, 20.0, 0.0);
        let h = handle(&r, 10.0);
        assert!(
            (h.x - 100.0).abs() < 1e-4 && (h.y - 80.0).abs() < 1e-4,
            "{h:?}"
        );
        let turned = RotatedRect { angle: 90.0, ..r };
        let h = handle(&turned, 10.0);
        assert!(
            (h.x - 120.0).abs() < 1e-4 && (h.y - 100.0).abs() < 1e-4,
            "{h:?}"
        );
    }

    #[test]
    fn turning_towards_the_pointer_and_snapping() {
        let r = RotatedRect::new(0.0, 0.0, 40.0, 20.0, 0.0);
        let left = turned_towards(&r, Point::new(-10.0, 0.0), false);
        assert!((left.angle + 90.0).abs() < 1e-4, "{}", left.angle);
        let down = turned_towards(&r, Point::new(0.0, 10.0), false);
        assert!((down.angle - 180.0).abs() < 1e-4, "{}", down.angle);
        let snapped = turned_towards(&r, Point::new(10.0, -9.0), true);
        assert_eq!(snapped.angle, 45.0);
        // The centre itself gives no direction: unchanged.
        assert_eq!(turned_towards(&r, Point::new(0.0, 0.0), true), r);
    }
}
