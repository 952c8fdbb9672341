//! The canvas's view transform: where the image sits on screen and how large.
//! Pure geometry, so zoom-to-cursor and fitting are easy to test.

use eframe::egui::{Pos2, Rect, Vec2, pos2};

pub const MIN_ZOOM: f32 = 0.01;
pub const MAX_ZOOM: f32 = 64.0;

/// Screen pixels per image pixel, and the screen offset of the image origin from
/// the canvas's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CanvasView {
    pub zoom: f32,
    pub offset: Vec2,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::ZERO,
        }
    }
}

impl CanvasView {
    /// The view that shows a whole `image` (width, height) centred in `canvas`.
    pub fn fitted(canvas: Rect, image: Vec2) -> Self {
        if image.x <= 0.0 || image.y <= 0.0 {
            return Self::default();
        }
        let margin = 8.0;
        let avail = (canvas.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(1.0));
        let zoom = (avail.x / image.x)
            .min(avail.y / image.y)
            .clamp(MIN_ZOOM, MAX_ZOOM);
        let offset = (canvas.size() - image * zoom) / 2.0;
        Self { zoom, offset }
    }

    pub fn image_to_screen(&self, canvas: Rect, p: Pos2) -> Pos2 {
        canvas.min + self.offset + p.to_vec2() * self.zoom
    }

    pub fn screen_to_image(&self, canvas: Rect, p: Pos2) -> Pos2 {
        let v = (p - canvas.min - self.offset) / self.zoom;
        pos2(v.x, v.y)
    }

    /// The screen rectangle of an image-space rectangle.
    pub fn rect_to_screen(&self, canvas: Rect, min: Pos2, max: Pos2) -> Rect {
        Rect::from_min_max(
            self.image_to_screen(canvas, min),
            self.image_to_screen(canvas, max),
        )
    }

    /// Zooms by `factor`, keeping the image point under `anchor` (screen) in place.
    pub fn zoom_at(&mut self, canvas: Rect, anchor: Pos2, factor: f32) {
        let before = self.screen_to_image(canvas, anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.image_to_screen(canvas, before);
        self.offset += anchor - after;
    }

    pub fn pan(&mut self, delta: Vec2) {
        self.offset += delta;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), Vec2::new(816.0, 616.0))
    }

    #[test]
    fn fit_centres_the_whole_image() {
        let v = CanvasView::fitted(canvas(), Vec2::new(400.0, 300.0));
        assert!((v.zoom - 2.0).abs() < 1e-6);
        let tl = v.image_to_screen(canvas(), pos2(0.0, 0.0));
        let br = v.image_to_screen(canvas(), pos2(400.0, 300.0));
        assert!((tl.x - 108.0).abs() < 1e-4 && (br.x - 908.0).abs() < 1e-4);
        assert!((tl.y - 58.0).abs() < 1e-4 && (br.y - 658.0).abs() < 1e-4);
    }

    #[test]
    fn screen_and_image_coordinates_invert() {
        let v = CanvasView {
            zoom: 3.5,
            offset: Vec2::new(-20.0, 7.0),
        };
        let p = pos2(123.25, 45.5);
        let back = v.screen_to_image(canvas(), v.image_to_screen(canvas(), p));
        assert!((back - p).length() < 1e-3);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut v = CanvasView::fitted(canvas(), Vec2::new(400.0, 300.0));
        let cursor = pos2(300.0, 200.0);
        let under = v.screen_to_image(canvas(), cursor);
        v.zoom_at(canvas(), cursor, 1.7);
        assert!((v.screen_to_image(canvas(), cursor) - under).length() < 1e-3);
        assert!((v.zoom - 3.4).abs() < 1e-4);
    }
}
