//! Where the tiles of the grid are: columns from the width, the rows in view from the
//! scroll offset, and the tiles a rubber band touches. Plain geometry in points,
//! relative to the grid's top-left corner, so it is tested without egui.

use std::ops::Range;

/// Space between tiles, in points.
pub const GAP: f32 = 6.0;
/// Smallest and largest tile side, in points (Ctrl+wheel moves between them).
pub const MIN_TILE: f32 = 64.0;
pub const MAX_TILE: f32 = 256.0;
pub const DEFAULT_TILE: f32 = 144.0;

/// `count` square tiles of side `tile` in rows across `width`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridLayout {
    pub columns: usize,
    /// Tile side plus the gap: the distance between neighbouring tiles' corners.
    pub pitch: f32,
    pub tile: f32,
    pub count: usize,
}

impl GridLayout {
    pub fn new(width: f32, tile: f32, count: usize) -> Self {
        let tile = tile.clamp(MIN_TILE, MAX_TILE);
        let pitch = tile + GAP;
        let columns = (((width - GAP).max(0.0)) / pitch).floor().max(1.0) as usize;
        GridLayout {
            columns,
            pitch,
            tile,
            count,
        }
    }

    pub fn rows(&self) -> usize {
        self.count.div_ceil(self.columns)
    }

    /// Height of the whole grid.
    pub fn height(&self) -> f32 {
        self.rows() as f32 * self.pitch + GAP
    }

    /// The indices of tiles in rows that overlap `top .. top + height`.
    pub fn visible(&self, top: f32, height: f32) -> Range<usize> {
        let first_row = ((top - GAP) / self.pitch).floor().max(0.0) as usize;
        let last_row = ((top + height) / self.pitch).ceil().max(0.0) as usize;
        let start = (first_row * self.columns).min(self.count);
        let end = (last_row * self.columns).min(self.count);
        start..end
    }

    /// Top-left corner of tile `index`.
    pub fn corner(&self, index: usize) -> (f32, f32) {
        let (row, col) = (index / self.columns, index % self.columns);
        (GAP + col as f32 * self.pitch, GAP + row as f32 * self.pitch)
    }

    /// The tile under a point, if any (not the gaps).
    pub fn at(&self, x: f32, y: f32) -> Option<usize> {
        if x < GAP || y < GAP {
            return None;
        }
        let col = ((x - GAP) / self.pitch) as usize;
        let row = ((y - GAP) / self.pitch) as usize;
        let inside = (x - GAP) % self.pitch <= self.tile && (y - GAP) % self.pitch <= self.tile;
        let index = row * self.columns + col;
        (inside && col < self.columns && index < self.count).then_some(index)
    }

    /// The tiles a rectangle between two corners touches, in order.
    pub fn touched_by(&self, a: (f32, f32), b: (f32, f32)) -> Vec<usize> {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        self.visible(y0, y1 - y0)
            .filter(|&i| {
                let (tx, ty) = self.corner(i);
                tx <= x1 && tx + self.tile >= x0 && ty <= y1 && ty + self.tile >= y0
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_the_width() {
        let g = GridLayout::new(1000.0, 144.0, 100);
        assert_eq!(g.columns, 6); // (1000 - 6) / 150
        assert_eq!(g.rows(), 17);
        assert_eq!(GridLayout::new(10.0, 144.0, 3).columns, 1);
    }

    #[test]
    fn only_the_rows_in_view_are_visible() {
        let g = GridLayout::new(1000.0, 144.0, 100_000);
        assert_eq!(g.visible(0.0, 300.0), 0..12);
        // Scrolled to row 1000: rows 1000..1003 show in 400 points.
        let top = 1000.0 * g.pitch + GAP;
        let r = g.visible(top, 400.0);
        assert_eq!(r.start, 6000);
        assert!(r.len() <= 4 * 6, "{r:?}");
        assert_eq!(g.visible(1e9, 300.0), 100_000..100_000);
    }

    #[test]
    fn hits_tiles_not_gaps() {
        let g = GridLayout::new(1000.0, 144.0, 10);
        assert_eq!(g.at(10.0, 10.0), Some(0));
        assert_eq!(g.at(GAP + 150.0 + 1.0, GAP + 1.0), Some(1));
        assert_eq!(g.at(GAP + 146.0, 10.0), None, "the gap");
        assert_eq!(
            g.at(10.0, GAP + 2.0 * 150.0 + 1.0),
            None,
            "past the last tile"
        );
    }

    #[test]
    fn a_band_touches_the_tiles_it_crosses() {
        let g = GridLayout::new(1000.0, 144.0, 30);
        // From inside tile 0 to inside tile 8 (row 1, column 2).
        let got = g.touched_by((20.0, 20.0), (GAP + 2.0 * 150.0 + 5.0, GAP + 150.0 + 5.0));
        assert_eq!(got, vec![0, 1, 2, 6, 7, 8]);
    }
}
