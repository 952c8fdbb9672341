//! COCO run-length encoded masks, bit for bit as pycocotools' `common/maskApi.c`.
//!
//! A mask is `h`×`w` pixels stored column-major (as COCO and Fortran-ordered numpy):
//! `counts` alternate runs of 0s and 1s, starting with 0s (so a mask whose first pixel
//! is set starts with a 0 run). Runs may be 0 inside too, as pycocotools' own merges
//! write them; every function keeps them exactly as pycocotools does.

use super::BBox;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A COCO RLE mask. Its runs always add up to `h × w`, and `h × w` fits a `u32`
/// (pycocotools' `uint`), so nothing that reads it can run past the mask.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RleRepr", into = "RleRepr")]
pub struct Rle {
    h: u32,
    w: u32,
    counts: Vec<u32>,
}

/// Why bytes, counts or a mask do not make an [`Rle`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RleError {
    /// `h × w` does not fit the 32-bit counts COCO uses.
    TooLarge { h: u32, w: u32 },
    /// The runs do not cover the mask exactly.
    CountsSum { expected: u64, found: u64 },
    /// A compressed `counts` string has a character outside `0`..`o` at this byte.
    BadChar { at: usize },
    /// A compressed `counts` string ends inside a number, or a number is longer
    /// than any 32-bit run needs, at this byte.
    BadNumber { at: usize },
    /// A mask buffer is not `h × w` bytes long.
    MaskLength { expected: u64, found: u64 },
    /// A polygon's outline, upsampled ×5 as pycocotools does, has more points than
    /// [`super::rle_poly::MAX_OUTLINE_STEPS`]: far outside any image.
    PolygonTooLarge,
}

impl fmt::Display for RleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RleError::TooLarge { h, w } => write!(f, "mask of {h}×{w} pixels is too large"),
            RleError::CountsSum { expected, found } => {
                write!(
                    f,
                    "RLE runs add up to {found} pixels, the mask has {expected}"
                )
            }
            RleError::BadChar { at } => write!(f, "RLE counts string: bad character at {at}"),
            RleError::BadNumber { at } => write!(f, "RLE counts string: bad number at {at}"),
            RleError::MaskLength { expected, found } => {
                write!(f, "mask buffer has {found} bytes, expected {expected}")
            }
            RleError::PolygonTooLarge => f.write_str("polygon is far too large to rasterise"),
        }
    }
}

impl std::error::Error for RleError {}

/// `h × w`, checked against the 32-bit counts.
pub(super) fn pixel_count(h: u32, w: u32) -> Result<u32, RleError> {
    h.checked_mul(w).ok_or(RleError::TooLarge { h, w })
}

/// Checks that a mask buffer has one byte per pixel.
pub(super) fn check_mask_len(h: u32, w: u32, mask: &[u8]) -> Result<(), RleError> {
    let expected = u64::from(pixel_count(h, w)?);
    let found = mask.len() as u64;
    if found == expected {
        Ok(())
    } else {
        Err(RleError::MaskLength { expected, found })
    }
}

impl Rle {
    /// An RLE from uncompressed COCO `counts` (`{"size": [h, w], "counts": [...]}`).
    pub fn from_counts(h: u32, w: u32, counts: Vec<u32>) -> Result<Self, RleError> {
        let expected = u64::from(pixel_count(h, w)?);
        let found: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        if found != expected {
            return Err(RleError::CountsSum { expected, found });
        }
        Ok(Self { h, w, counts })
    }

    /// An `h`×`w` mask with no pixel set.
    pub fn empty(h: u32, w: u32) -> Result<Self, RleError> {
        Ok(Self {
            h,
            w,
            counts: vec![pixel_count(h, w)?],
        })
    }

    pub fn height(&self) -> u32 {
        self.h
    }

    pub fn width(&self) -> u32 {
        self.w
    }

    /// The runs, uncompressed, as COCO's uncompressed `counts`.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// `rleEncode`: a column-major mask (`mask[x * h + y]`), any non-zero byte set.
    pub fn encode(h: u32, w: u32, mask: &[u8]) -> Result<Self, RleError> {
        check_mask_len(h, w, mask)?;
        let mut counts = Vec::new();
        let (mut previous, mut run) = (false, 0u32);
        for &byte in mask {
            let set = byte != 0;
            if set != previous {
                counts.push(run);
                run = 0;
                previous = set;
            }
            run += 1;
        }
        counts.push(run);
        Ok(Self { h, w, counts })
    }

    /// `rleDecode`: the column-major mask, one byte (0 or 1) per pixel.
    pub fn decode(&self) -> Vec<u8> {
        let mut mask = Vec::with_capacity(self.h as usize * self.w as usize);
        let mut value = 0u8;
        for &run in &self.counts {
            mask.resize(mask.len() + run as usize, value);
            value ^= 1;
        }
        mask
    }

    /// `rleArea`: the number of pixels set.
    pub fn area(&self) -> u64 {
        self.counts
            .iter()
            .skip(1)
            .step_by(2)
            .map(|&c| u64::from(c))
            .sum()
    }

    /// Whether the pixel at column `x`, row `y` is set (false outside the mask).
    pub fn is_set(&self, x: u32, y: u32) -> bool {
        if x >= self.w || y >= self.h {
            return false;
        }
        let index = x * self.h + y;
        let mut end = 0u32;
        for (i, &run) in self.counts.iter().enumerate() {
            end += run;
            if index < end {
                return i % 2 == 1;
            }
        }
        false
    }

    /// `rleToBbox`: COCO's `[x, y, w, h]` of the set pixels, all 0 for an empty mask.
    pub fn to_bbox(&self) -> [f64; 4] {
        let (h, w) = (self.h, self.w);
        let m = self.counts.len() / 2 * 2;
        if m == 0 || h == 0 {
            return [0.0; 4];
        }
        let (mut xs, mut ys, mut xe, mut ye) = (w, h, 0u32, 0u32);
        let (mut cc, mut xp) = (0u32, 0u32);
        for (j, &run) in self.counts[..m].iter().enumerate() {
            cc = cc.wrapping_add(run);
            let t = cc.wrapping_sub((j % 2) as u32);
            let y = t % h;
            let x = (t - y) / h;
            if j % 2 == 0 {
                xp = x;
            } else if xp < x {
                // The run of set pixels crosses a column: every row is covered.
                ys = 0;
                ye = h - 1;
            }
            xs = xs.min(x);
            xe = xe.max(x);
            ys = ys.min(y);
            ye = ye.max(y);
        }
        let width = xe.wrapping_sub(xs).wrapping_add(1);
        let height = ye.wrapping_sub(ys).wrapping_add(1);
        [
            f64::from(xs),
            f64::from(ys),
            f64::from(width),
            f64::from(height),
        ]
    }

    /// The set pixels' box in continuous pixels (a mask of the first pixel is `0..1`).
    pub fn bounds(&self) -> BBox {
        let [x, y, w, h] = self.to_bbox();
        BBox::from_xywh(x as f32, y as f32, w as f32, h as f32)
    }

    /// `rleMerge`: the union (or, with `intersect`, the intersection) of masks of one
    /// size; `None` when there are none or their sizes differ.
    pub fn merge(rles: &[Rle], intersect: bool) -> Option<Rle> {
        let first = rles.first()?;
        let (h, w) = (first.h, first.w);
        if rles.iter().any(|r| r.h != h || r.w != w) {
            return None;
        }
        let mut counts = first.counts.clone();
        for other in &rles[1..] {
            counts = merge_counts(&counts, &other.counts, intersect);
        }
        Some(Rle { h, w, counts })
    }

    /// The union of two masks of one size.
    pub fn union(&self, other: &Rle) -> Option<Rle> {
        Self::merge(&[self.clone(), other.clone()], false)
    }

    /// `rleIou` of this mask (the detection) against `gt`; with `gt_crowd` the union
    /// is this mask's area, as COCOeval treats crowd regions. `None` when the sizes
    /// differ (pycocotools' -1).
    pub fn iou(&self, gt: &Rle, gt_crowd: bool) -> Option<f64> {
        if self.h != gt.h || self.w != gt.w {
            return None;
        }
        let (inter, union) = overlap_counts(&self.counts, &gt.counts);
        let union = if inter == 0 {
            1
        } else if gt_crowd {
            self.area()
        } else {
            union
        };
        Some(inter as f64 / union as f64)
    }

    /// `rleToString`: COCO's compressed `counts` (LEB128-like, 6 bits a character).
    pub fn to_compressed(&self) -> String {
        let mut out = String::with_capacity(self.counts.len() * 2);
        for (i, &run) in self.counts.iter().enumerate() {
            let mut x = i64::from(run);
            if i > 2 {
                x -= i64::from(self.counts[i - 2]);
            }
            loop {
                let mut c = (x & 0x1f) as u8;
                x >>= 5;
                let more = if c & 0x10 != 0 { x != -1 } else { x != 0 };
                if more {
                    c |= 0x20;
                }
                out.push(char::from(c + 48));
                if !more {
                    break;
                }
            }
        }
        out
    }

    /// `rleFrString`: an RLE from COCO's compressed `counts`, refused when a character
    /// is out of range, a number is cut short or the runs do not fill the mask.
    pub fn from_compressed(h: u32, w: u32, counts: &[u8]) -> Result<Self, RleError> {
        let mut runs: Vec<u32> = Vec::with_capacity(counts.len());
        let mut p = 0;
        while p < counts.len() {
            let (mut x, mut k) = (0i64, 0u32);
            loop {
                let byte = *counts.get(p).ok_or(RleError::BadNumber { at: p })?;
                if !(48..=111).contains(&byte) {
                    return Err(RleError::BadChar { at: p });
                }
                // A 32-bit run's difference needs at most 7 characters (35 bits).
                if k == 7 {
                    return Err(RleError::BadNumber { at: p });
                }
                let c = i64::from(byte - 48);
                x |= (c & 0x1f) << (5 * k);
                p += 1;
                k += 1;
                if c & 0x20 == 0 {
                    if c & 0x10 != 0 {
                        x |= -1i64 << (5 * k);
                    }
                    break;
                }
            }
            if runs.len() > 2 {
                x = x.wrapping_add(i64::from(runs[runs.len() - 2]));
            }
            runs.push(x as u32);
        }
        Self::from_counts(h, w, runs)
    }
}

/// Two masks' runs walked side by side, as `rleMerge` and `rleIou` do.
struct RunPair<'a> {
    a: &'a [u32],
    b: &'a [u32],
    /// What is left of the current run of each, and whether that run is of 1s.
    ca: u32,
    cb: u32,
    va: bool,
    vb: bool,
    ia: usize,
    ib: usize,
}

impl<'a> RunPair<'a> {
    fn new(a: &'a [u32], b: &'a [u32]) -> Option<Self> {
        let (&ca, &cb) = (a.first()?, b.first()?);
        Some(Self {
            a,
            b,
            ca,
            cb,
            va: false,
            vb: false,
            ia: 1,
            ib: 1,
        })
    }

    /// Moves past the shorter current run and returns its length; a run that ends
    /// is replaced by the next one (only one per step, as pycocotools does).
    fn advance(&mut self) -> u32 {
        let c = self.ca.min(self.cb);
        self.ca -= c;
        if self.ca == 0 && self.ia < self.a.len() {
            self.ca = self.a[self.ia];
            self.ia += 1;
            self.va = !self.va;
        }
        self.cb -= c;
        if self.cb == 0 && self.ib < self.b.len() {
            self.cb = self.b[self.ib];
            self.ib += 1;
            self.vb = !self.vb;
        }
        c
    }

    fn done(&self) -> bool {
        self.ca == 0 && self.cb == 0
    }
}

/// `rleMerge`'s loop for two count lists.
fn merge_counts(a: &[u32], b: &[u32], intersect: bool) -> Vec<u32> {
    let Some(mut walk) = RunPair::new(a, b) else {
        return vec![0];
    };
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut v, mut cc) = (false, 0u32);
    loop {
        cc += walk.advance();
        let previous = v;
        v = if intersect {
            walk.va && walk.vb
        } else {
            walk.va || walk.vb
        };
        if v != previous || walk.done() {
            out.push(cc);
            cc = 0;
        }
        if walk.done() {
            return out;
        }
    }
}

/// `rleIou`'s loop: pixels set in both, and in either.
fn overlap_counts(a: &[u32], b: &[u32]) -> (u64, u64) {
    let Some(mut walk) = RunPair::new(a, b) else {
        return (0, 0);
    };
    let (mut inter, mut union) = (0u64, 0u64);
    loop {
        let (va, vb) = (walk.va, walk.vb);
        let c = u64::from(walk.advance());
        if va || vb {
            union += c;
            if va && vb {
                inter += c;
            }
        }
        if walk.done() {
            return (inter, union);
        }
    }
}

/// COCO's JSON form: `{"size": [h, w], "counts": "..."}`, written compressed and
/// read compressed or uncompressed.
#[derive(Serialize, Deserialize)]
struct RleRepr {
    size: [u32; 2],
    counts: CountsRepr,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CountsRepr {
    Compressed(String),
    Uncompressed(Vec<u32>),
}

impl TryFrom<RleRepr> for Rle {
    type Error = RleError;

    fn try_from(repr: RleRepr) -> Result<Self, RleError> {
        let [h, w] = repr.size;
        match repr.counts {
            CountsRepr::Compressed(s) => Rle::from_compressed(h, w, s.as_bytes()),
            CountsRepr::Uncompressed(counts) => Rle::from_counts(h, w, counts),
        }
    }
}

impl From<Rle> for RleRepr {
    fn from(rle: Rle) -> Self {
        RleRepr {
            size: [rle.h, rle.w],
            counts: CountsRepr::Compressed(rle.to_compressed()),
        }
    }
}
