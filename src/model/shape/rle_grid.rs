//! Masks between grids: row-major buffers (as images are), moved by whole pixels,
//! put on a grid of another size.

use super::rle::{Rle, RleError, check_mask_len, pixel_count};

impl Rle {
    /// Like [`Rle::encode`] for a row-major mask (`mask[y * w + x]`), as images are.
    pub fn encode_row_major(h: u32, w: u32, mask: &[u8]) -> Result<Self, RleError> {
        check_mask_len(h, w, mask)?;
        let (h, w) = (h as usize, w as usize);
        let mut columns = vec![0u8; h * w];
        for (y, row) in mask.chunks_exact(w.max(1)).enumerate().take(h) {
            for (x, &v) in row.iter().enumerate() {
                columns[x * h + y] = v;
            }
        }
        Self::encode(h as u32, w as u32, &columns)
    }

    /// The mask row-major (`mask[y * w + x]`), one byte (0 or 1) per pixel.
    pub fn decode_row_major(&self) -> Vec<u8> {
        let (h, w) = (self.height() as usize, self.width() as usize);
        let columns = self.decode();
        let mut rows = vec![0u8; h * w];
        for (x, column) in columns.chunks_exact(h.max(1)).enumerate().take(w) {
            for (y, &v) in column.iter().enumerate() {
                rows[y * w + x] = v;
            }
        }
        rows
    }

    /// The mask moved by whole pixels; what leaves the mask is cut off.
    pub fn shifted(&self, dx: i64, dy: i64) -> Rle {
        let (h, w) = (i64::from(self.height()), i64::from(self.width()));
        let (dx, dy) = (dx.clamp(-w, w), dy.clamp(-h, h));
        let source = self.decode();
        let mut moved = vec![0u8; source.len()];
        for x in 0..w {
            let tx = x + dx;
            if !(0..w).contains(&tx) {
                continue;
            }
            let y0 = (-dy).clamp(0, h);
            let y1 = (h - dy).clamp(0, h);
            if y0 >= y1 {
                continue;
            }
            let from = (x * h + y0) as usize..(x * h + y1) as usize;
            let to = (tx * h + y0 + dy) as usize;
            moved[to..to + from.len()].copy_from_slice(&source[from]);
        }
        Rle::encode(self.height(), self.width(), &moved).unwrap_or_else(|_| self.clone())
    }

    /// The mask on an `h`×`w` grid with the same top-left corner: cut where it is
    /// smaller, unset pixels where it is larger.
    pub fn resized_canvas(&self, h: u32, w: u32) -> Result<Rle, RleError> {
        pixel_count(h, w)?;
        if (h, w) == (self.height(), self.width()) {
            return Ok(self.clone());
        }
        let source = self.decode();
        let mut out = vec![0u8; h as usize * w as usize];
        let rows = h.min(self.height()) as usize;
        for x in 0..w.min(self.width()) as usize {
            let from = x * self.height() as usize;
            let to = x * h as usize;
            out[to..to + rows].copy_from_slice(&source[from..from + rows]);
        }
        Rle::encode(h, w, &out)
    }
}
