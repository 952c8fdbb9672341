//! Polygons and boxes rasterised into masks exactly as pycocotools' `rleFrPoly`
//! and `rleFrBbox` do (×5 upsampled outline, then the column crossings), so the
//! masks of COCO polygons equal pycocotools' own (`annToMask`).

use super::BBox;
use super::Point;
use super::rle::{Rle, RleError};

/// The most points the ×5 upsampled outline of one ring may have (pycocotools
/// allocates them all; we only keep the column crossings, but still walk them).
/// A 60-vertex ring across a 20,000-pixel image has about 6 million.
pub const MAX_OUTLINE_STEPS: i64 = 1 << 28;

const SCALE: f64 = 5.0;

/// The f64 pycocotools would have read for a coordinate we keep as f32.
///
/// COCO files write decimals (`239.97`); pycocotools parses them as f64, we as
/// f32. Rounding at ×5 can tell the two apart (`0.7` → 3.5 in f64, 3.4999998 in
/// f32), so the f32 is widened to the shortest decimal that reads back as it,
/// which is the file's number whenever that had at most 6 significant digits
/// (and nearly always at 7).
pub fn f32_as_written(v: f32) -> f64 {
    let wide = f64::from(v);
    if !v.is_finite() || wide.fract() == 0.0 {
        return wide;
    }
    let mut scale = 1.0f64;
    for _ in 0..10 {
        scale *= 10.0;
        let candidate = (wide * scale).round() / scale;
        if candidate as f32 == v {
            return candidate;
        }
    }
    wide
}

impl Rle {
    /// `rleFrPoly` of one ring given as pycocotools receives it: `[x0, y0, x1, y1, …]`
    /// (an odd last number is ignored, as `int(len(p)/2)` does).
    pub fn from_polygon_xy(h: u32, w: u32, xy: &[f64]) -> Result<Rle, RleError> {
        let empty = Rle::empty(h, w)?;
        if h == 0 || w == 0 {
            return Ok(empty);
        }
        let k = xy.len() / 2;
        let scaled = |v: f64| (SCALE * v + 0.5) as i32 as i64;
        let vertex = |j: usize| {
            let j = j % k;
            (scaled(xy[2 * j]), scaled(xy[2 * j + 1]))
        };
        let mut steps = 0i64;
        for j in 0..k {
            let ((x0, y0), (x1, y1)) = (vertex(j), vertex(j + 1));
            steps += (x1 - x0).abs().max((y1 - y0).abs()) + 1;
            if steps > MAX_OUTLINE_STEPS {
                return Err(RleError::PolygonTooLarge);
            }
        }
        let mut crossings = Crossings {
            h,
            w,
            previous: None,
            starts: Vec::new(),
        };
        for j in 0..k {
            let ((xs, ys), (xe, ye)) = (vertex(j), vertex(j + 1));
            crossings.walk_segment(xs, ys, xe, ye);
        }
        Ok(crossings.into_rle().unwrap_or(empty))
    }

    /// One ring of our points, read as pycocotools would read them from our export.
    pub fn from_ring(h: u32, w: u32, ring: &[Point]) -> Result<Rle, RleError> {
        let xy: Vec<f64> = ring
            .iter()
            .flat_map(|p| [f32_as_written(p.x), f32_as_written(p.y)])
            .collect();
        Self::from_polygon_xy(h, w, &xy)
    }

    /// `annToRLE` of a COCO polygon: each part rasterised, then their union.
    ///
    /// pycocotools reads a polygon whose *first* part has exactly two points as a
    /// list of boxes (`frPyObjects` checks `len(pyobj[0]) == 4`); we do not copy that.
    pub fn from_parts<'a>(
        h: u32,
        w: u32,
        parts: impl IntoIterator<Item = &'a [Point]>,
    ) -> Result<Rle, RleError> {
        let rles = parts
            .into_iter()
            .map(|ring| Self::from_ring(h, w, ring))
            .collect::<Result<Vec<_>, _>>()?;
        match rles.len() {
            0 => Rle::empty(h, w),
            // pycocotools merges a single RLE by copying it.
            _ => Ok(Rle::merge(&rles, false).unwrap_or(Rle::empty(h, w)?)),
        }
    }

    /// `rleFrBbox`: the box as the polygon `xs,ys, xs,ye, xe,ye, xe,ys`.
    pub fn from_bbox(h: u32, w: u32, b: &BBox) -> Result<Rle, RleError> {
        let [xs, ys, xe, ye] = [b.min_x, b.min_y, b.max_x, b.max_y].map(f32_as_written);
        Self::from_polygon_xy(h, w, &[xs, ys, xs, ye, xe, ye, xe, ys])
    }
}

/// The column crossings of an upsampled outline, gathered as it is walked.
struct Crossings {
    h: u32,
    w: u32,
    previous: Option<(i64, i64)>,
    /// Column-major pixel indices where the mask toggles.
    starts: Vec<u32>,
}

impl Crossings {
    /// The points pycocotools puts along one segment, in order from its start.
    fn walk_segment(&mut self, xs: i64, ys: i64, xe: i64, ye: i64) {
        let (dx, dy) = ((xe - xs).abs(), (ys - ye).abs());
        let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
        let (xs, ys, xe, ye) = if flip {
            (xe, ye, xs, ys)
        } else {
            (xs, ys, xe, ye)
        };
        if dx >= dy {
            // dx == dy == 0 gives 0/0 = NaN in C too; that point's y is never read,
            // because its x equals both neighbours'.
            let s = (ye - ys) as f64 / dx as f64;
            for d in 0..=dx {
                let t = if flip { dx - d } else { d };
                self.point(t + xs, (ys as f64 + s * t as f64 + 0.5) as i32 as i64);
            }
        } else {
            let s = (xe - xs) as f64 / dy as f64;
            for d in 0..=dy {
                let t = if flip { dy - d } else { d };
                self.point((xs as f64 + s * t as f64 + 0.5) as i32 as i64, t + ys);
            }
        }
    }

    /// Where the outline moves to another upsampled column, maybe a crossing of a
    /// pixel column's centre ("get points along y-boundary and downsample").
    fn point(&mut self, u: i64, v: i64) {
        let Some((pu, pv)) = self.previous.replace((u, v)) else {
            return;
        };
        if u == pu {
            return;
        }
        let xd = (if u < pu { u } else { u - 1 }) as f64;
        let xd = (xd + 0.5) / SCALE - 0.5;
        if xd.floor() != xd || xd < 0.0 || xd > f64::from(self.w) - 1.0 {
            return;
        }
        let yd = v.min(pv) as f64;
        let yd = ((yd + 0.5) / SCALE - 0.5)
            .clamp(0.0, f64::from(self.h))
            .ceil();
        let (x, y) = (xd as u32, yd as u32);
        self.starts.push(x.wrapping_mul(self.h).wrapping_add(y));
    }

    /// The crossings sorted into runs, as pycocotools turns them into counts.
    fn into_rle(mut self) -> Option<Rle> {
        self.starts.push(self.h * self.w);
        self.starts.sort_unstable();
        let mut previous = 0u32;
        for a in &mut self.starts {
            let t = *a;
            *a -= previous;
            previous = t;
        }
        // Two crossings at one pixel cancel: their 0-length run is dropped and the
        // run after it joins the one before.
        let a = &self.starts;
        let mut counts = Vec::with_capacity(a.len());
        counts.push(a[0]);
        let mut j = 1;
        while j < a.len() {
            if a[j] > 0 {
                counts.push(a[j]);
                j += 1;
            } else {
                j += 1;
                if j < a.len() {
                    if let Some(last) = counts.last_mut() {
                        *last += a[j];
                    }
                    j += 1;
                }
            }
        }
        Rle::from_counts(self.h, self.w, counts).ok()
    }
}
