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

/// The smallest rectangle of a mask holding every set pixel, row-major, as
/// CVAT's and labelme's mask shapes hold them: `rows[y * width + x]` is the
/// pixel at `(left + x, top + y)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskPatch {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// One byte (0 or 1) per pixel.
    pub rows: Vec<u8>,
}

/// Appends `n` pixels of `value` to column-major runs that started with 0s.
fn push_run(counts: &mut Vec<u32>, value: &mut bool, run: &mut u32, set: bool, n: u32) {
    if n == 0 {
        return;
    }
    if set != *value {
        counts.push(*run);
        *value = set;
        *run = 0;
    }
    *run += n;
}

impl Rle {
    /// An `h`×`w` mask holding the row-major `patch_w`×`patch_h` patch `rows`
    /// (any non-zero byte set) with its top-left pixel at `(left, top)`; what
    /// falls outside the image is cut off. Built run by run, never as a
    /// whole-image buffer.
    pub fn from_patch(
        (h, w): (u32, u32),
        (left, top): (i64, i64),
        (patch_w, patch_h): (u32, u32),
        rows: &[u8],
    ) -> Result<Rle, RleError> {
        pixel_count(h, w)?;
        check_mask_len(patch_h, patch_w, rows)?;
        let (mut counts, mut value, mut run) = (Vec::new(), false, 0u32);
        // The patch's rows that lie inside the image, as image rows.
        let y0 = top.clamp(0, i64::from(h));
        let y1 = (top + i64::from(patch_h)).clamp(0, i64::from(h));
        for x in 0..i64::from(w) {
            let px = x - left;
            if px < 0 || px >= i64::from(patch_w) || y0 >= y1 {
                push_run(&mut counts, &mut value, &mut run, false, h);
                continue;
            }
            push_run(&mut counts, &mut value, &mut run, false, y0 as u32);
            for y in y0..y1 {
                let at = (y - top) as usize * patch_w as usize + px as usize;
                push_run(&mut counts, &mut value, &mut run, rows[at] != 0, 1);
            }
            push_run(&mut counts, &mut value, &mut run, false, h - y1 as u32);
        }
        counts.push(run);
        Rle::from_counts(h, w, counts)
    }

    /// The rectangle around the set pixels; `None` when none is set.
    pub fn patch(&self) -> Option<MaskPatch> {
        let h = u64::from(self.height());
        if h == 0 {
            return None;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (u64::MAX, u64::MAX, 0, 0);
        let mut at = 0u64;
        for (i, &n) in self.counts().iter().enumerate() {
            let n = u64::from(n);
            if i % 2 == 1 && n > 0 {
                let (first, last) = (at, at + n - 1);
                let (fx, lx) = (first / h, last / h);
                x0 = x0.min(fx);
                x1 = x1.max(lx);
                if fx == lx {
                    y0 = y0.min(first % h);
                    y1 = y1.max(last % h);
                } else {
                    y0 = 0;
                    y1 = h - 1;
                }
            }
            at += n;
        }
        if x0 > x1 {
            return None;
        }
        let (width, height) = (x1 - x0 + 1, y1 - y0 + 1);
        let mut rows = vec![0u8; (width * height) as usize];
        let mut at = 0u64;
        for (i, &n) in self.counts().iter().enumerate() {
            let n = u64::from(n);
            if i % 2 == 1 {
                for p in at..at + n {
                    let (x, y) = (p / h - x0, p % h - y0);
                    rows[(y * width + x) as usize] = 1;
                }
            }
            at += n;
        }
        Some(MaskPatch {
            left: x0 as u32,
            top: y0 as u32,
            width: width as u32,
            height: height as u32,
            rows,
        })
    }
}
