//! Label Studio's brush masks: an RGBA image of the whole picture packed by
//! `@thi.ng/rle-pack`, as `value.rle` (a list of bytes) with `format: "rle"`.
//!
//! The stream is bits, most significant first: the number of values (32 bits),
//! the word size − 1 (5 bits), four run-length sizes − 1 (4 bits each), then
//! chunks: a repeat bit, a 2-bit index into the sizes, a run length − 1 of that
//! many bits, and either one word repeated or that many words. The values are
//! the image's bytes row by row, four per pixel; the frontend shows a pixel
//! where its alpha (the fourth) is not 0 (`RLE2Region`), and the converter
//! reads the alpha channel too (`decode_from_annotation`). [`decode_brush`]
//! follows label-studio-converter's `brush.decode_rle`; [`encode_brush`] is its
//! `encode_rle` bit for bit, on the image its `mask2rle` makes (each pixel's
//! value in all four channels).

use crate::model::{MaskPatch, Rle, RleError};

/// Reads bits most significant first.
struct Bits<'a> {
    bytes: &'a [u8],
    at: u64,
}

impl Bits<'_> {
    fn read(&mut self, n: u32) -> Result<u32, String> {
        let end = self.at + u64::from(n);
        if end > self.bytes.len() as u64 * 8 {
            return Err(format!(
                "the RLE ends early, at bit {} of {}",
                self.at,
                self.bytes.len() * 8
            ));
        }
        let mut v = 0u64;
        for bit in self.at..end {
            let byte = self.bytes[(bit / 8) as usize];
            v = (v << 1) | u64::from((byte >> (7 - bit % 8)) & 1);
        }
        self.at = end;
        Ok(v as u32)
    }
}

/// A brush decoded onto an image's grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrushMask {
    /// The part of the brush's image that lies on the grid, at its top-left.
    pub patch: MaskPatch,
    /// Set pixels of the brush's image that lie outside the grid.
    pub cut: u64,
}

/// The pixels whose alpha is not 0 of the `width` × `height` image (`size`) a
/// brush's RLE bytes hold, put on a `grid` (the project's image) at its
/// top-left corner: what lies outside is cut off and counted, so no more than
/// the grid is ever allocated. Fails when the bytes do not hold an image of
/// that size, or end early.
pub fn decode_brush(rle: &[u8], size: (u32, u32), grid: (u32, u32)) -> Result<BrushMask, String> {
    let (width, height) = size;
    let mut bits = Bits { bytes: rle, at: 0 };
    let num = u64::from(bits.read(32)?);
    let expected = u64::from(width) * u64::from(height) * 4;
    if num != expected {
        return Err(format!(
            "the RLE holds {num} values, a {width}×{height} RGBA image has {expected}"
        ));
    }
    let word = bits.read(5)? + 1;
    let mut sizes = [0u32; 4];
    for size in &mut sizes {
        *size = bits.read(4)? + 1;
    }
    let mut mask = Grid::new(size, grid);
    let mut i = 0u64;
    while i < num {
        let repeat = bits.read(1)? == 1;
        let size = sizes[bits.read(2)? as usize];
        // Past the end, the frontend's typed array drops the values and
        // the converter's slice stops: the image ends where it ends.
        let j = (i + 1 + u64::from(bits.read(size)?)).min(num);
        if repeat {
            if bits.read(word)? != 0 {
                mask.set(i / 4..j / 4);
            }
        } else {
            for index in i..j {
                if bits.read(word)? != 0 && index % 4 == 3 {
                    mask.set(index / 4..index / 4 + 1);
                }
            }
        }
        i = j;
    }
    Ok(BrushMask {
        patch: MaskPatch {
            left: 0,
            top: 0,
            width: mask.w,
            height: mask.h,
            rows: mask.rows,
        },
        cut: mask.cut,
    })
}

/// The part of a `width`-wide image that lies on a grid, row-major.
struct Grid {
    width: u64,
    w: u32,
    h: u32,
    rows: Vec<u8>,
    cut: u64,
}

impl Grid {
    fn new((width, height): (u32, u32), (grid_w, grid_h): (u32, u32)) -> Self {
        let (w, h) = (width.min(grid_w), height.min(grid_h));
        Self {
            width: u64::from(width),
            w,
            h,
            rows: vec![0; w as usize * h as usize],
            cut: 0,
        }
    }

    /// Sets the image's pixels `pixels` (row-major indices), row by row.
    fn set(&mut self, pixels: std::ops::Range<u64>) {
        let mut p = pixels.start;
        while p < pixels.end {
            let (y, x) = (p / self.width, p % self.width);
            let end = (p - x + self.width).min(pixels.end);
            let x_end = x + (end - p);
            let inside = if y < u64::from(self.h) {
                x.min(u64::from(self.w))..x_end.min(u64::from(self.w))
            } else {
                0..0
            };
            if !inside.is_empty() {
                let row = y as usize * self.w as usize;
                self.rows[row + inside.start as usize..row + inside.end as usize].fill(1);
            }
            self.cut += (end - p) - (inside.end - inside.start);
            p = end;
        }
    }
}

/// Appends the low `n` bits of `v`, most significant first.
fn push_bits(out: &mut Vec<bool>, v: u32, n: u32) {
    out.extend((0..n).rev().map(|b| (v >> b) & 1 == 1));
}

/// The RLE bytes Label Studio reads for `mask`: every pixel's value (255 set,
/// 0 not) in all four channels, encoded as label-studio-converter's
/// `encode_rle` does (words of 8 bits, run sizes 3, 4, 8 and 16).
pub fn encode_brush(mask: &Rle) -> Result<Vec<u8>, RleError> {
    let (w, h) = (u64::from(mask.width()), u64::from(mask.height()));
    let num = w * h * 4;
    let num = u32::try_from(num).map_err(|_| RleError::TooLarge {
        h: mask.height(),
        w: mask.width(),
    })?;
    let mut bits = Vec::new();
    push_bits(&mut bits, num, 32);
    push_bits(&mut bits, 8 - 1, 5);
    for size in [3, 4, 8, 16] {
        push_bits(&mut bits, size - 1, 4);
    }
    let rows = mask.decode_row_major();
    for run in rows.chunk_by(|a, b| a == b) {
        let value = if run[0] != 0 { 255 } else { 0 };
        let mut length = run.len() as u64 * 4;
        // `encode_rle`'s chunks: a 1, the size's index, the length − 1, the value.
        let (index, size) = match length {
            2..=8 => (0, 3),
            9..=16 => (1, 4),
            17..=256 => (2, 8),
            _ => (3, 16),
        };
        if index == 3 {
            while length > 1 << 16 {
                push_bits(&mut bits, 0b111, 3);
                push_bits(&mut bits, (1 << 16) - 1, 16);
                push_bits(&mut bits, value, 8);
                length -= 1 << 16;
            }
        }
        push_bits(&mut bits, 0b100 | index, 3);
        push_bits(&mut bits, (length - 1) as u32, size);
        push_bits(&mut bits, value, 8);
    }
    // `encode_rle` pads to whole bytes, with a byte of zeros when already whole.
    let pad = 8 - bits.len() % 8;
    bits.extend(std::iter::repeat_n(false, pad));
    Ok(bits
        .chunks_exact(8)
        .map(|byte| byte.iter().fold(0u8, |acc, &b| (acc << 1) | u8::from(b)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(bits: &[bool]) -> Vec<u8> {
        bits.chunks(8)
            .map(|b| (0..8).fold(0u8, |acc, k| (acc << 1) | u8::from(b.get(k) == Some(&true))))
            .collect()
    }

    /// A 3×4 mask with the middle two pixels of the second row set.
    fn small() -> Rle {
        let mut rows = vec![0u8; 12];
        rows[5] = 1;
        rows[6] = 1;
        Rle::encode_row_major(3, 4, &rows).unwrap()
    }

    #[test]
    fn the_encoding_is_the_converters_byte_for_byte() {
        // `brush.mask2rle` of that mask (label-studio-sdk 2.1.2).
        let converter = [0, 0, 0, 48, 57, 27, 254, 19, 0, 159, 255, 9, 128, 0];
        assert_eq!(encode_brush(&small()).unwrap(), converter);
        let decoded = decode_brush(&converter, (4, 3), (4, 3)).unwrap();
        assert_eq!(decoded.patch.rows, small().decode_row_major());
        assert_eq!(decoded.cut, 0);
    }

    #[test]
    fn literal_chunks_and_long_runs_decode() {
        // A literal chunk of three pixels' alpha (RGBA 9,9,9,0 / 1,1,1,7 /
        // 0,0,0,255) and then a repeat of 0 over the rest, by hand.
        let mut bits = Vec::new();
        push_bits(&mut bits, 4 * 4, 32);
        push_bits(&mut bits, 7, 5);
        for size in [3, 4, 8, 16] {
            push_bits(&mut bits, size - 1, 4);
        }
        push_bits(&mut bits, 0b0_01, 3);
        push_bits(&mut bits, 11, 4);
        for v in [9, 9, 9, 0, 1, 1, 1, 7, 0, 0, 0, 255] {
            push_bits(&mut bits, v, 8);
        }
        push_bits(&mut bits, 0b1_00, 3);
        push_bits(&mut bits, 3, 3);
        push_bits(&mut bits, 0, 8);
        let bytes = pack(&bits);
        assert_eq!(
            decode_brush(&bytes, (2, 2), (2, 2)).unwrap().patch.rows,
            [0, 1, 1, 0]
        );

        // A run longer than 2^16 values takes several chunks.
        let big = Rle::encode_row_major(200, 200, &vec![1; 40_000]).unwrap();
        let bytes = encode_brush(&big).unwrap();
        let whole = decode_brush(&bytes, (200, 200), (200, 200)).unwrap();
        assert_eq!(whole.patch.rows, vec![1; 40_000]);
        // On a smaller image, the rest is cut off and counted.
        let on_small = decode_brush(&bytes, (200, 200), (150, 120)).unwrap();
        assert_eq!(on_small.patch.rows, vec![1; 150 * 120]);
        assert_eq!((on_small.patch.width, on_small.patch.height), (150, 120));
        assert_eq!(on_small.cut, 40_000 - 150 * 120);
    }

    #[test]
    fn bytes_of_another_size_or_cut_short_are_refused() {
        let bytes = encode_brush(&small()).unwrap();
        let wrong = decode_brush(&bytes, (4, 4), (4, 4)).unwrap_err();
        assert!(
            wrong.contains("48 values") && wrong.contains("4×4"),
            "{wrong}"
        );
        let cut = decode_brush(&bytes[..9], (4, 3), (4, 3)).unwrap_err();
        assert!(cut.contains("ends early"), "{cut}");
        let empty = decode_brush(&[], (1, 1), (1, 1)).unwrap_err();
        assert!(empty.contains("ends early"), "{empty}");
        // A tiny file that claims a vast image allocates no more than the grid.
        let mut vast = Vec::new();
        push_bits(&mut vast, 4 * 30_000 * 30_000, 32);
        push_bits(&mut vast, 7, 5);
        for size in [16, 16, 16, 16] {
            push_bits(&mut vast, size - 1, 4);
        }
        let err = decode_brush(&pack(&vast), (30_000, 30_000), (10, 10)).unwrap_err();
        assert!(err.contains("ends early"), "{err}");
    }
}
