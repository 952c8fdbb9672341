//! A polygon of one or more parts, as COCO's `segmentation` lists: the region is the
//! union of the parts, each part filled even-odd (as pycocotools rasterises them).

use super::BBox;
use super::{Point, ring};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One or more rings of points. Stored flat, so a one-part polygon (nearly all of
/// them) is one allocation: `ends` holds where each part but the last ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Polygon {
    points: Vec<Point>,
    ends: Vec<u32>,
}

impl Polygon {
    /// A polygon of one part.
    pub fn new(points: Vec<Point>) -> Self {
        Self {
            points,
            ends: Vec::new(),
        }
    }

    /// A polygon of several parts; empty parts are left out.
    pub fn from_parts<I, P>(parts: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[Point]>,
    {
        let mut polygon = Self::default();
        for part in parts {
            polygon.push_part(part.as_ref());
        }
        polygon
    }

    /// A polygon from COCO's flat `[x0, y0, x1, y1, …]` parts (an odd last number is
    /// ignored, as pycocotools does).
    pub fn from_coco<I, P>(parts: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[f32]>,
    {
        let mut polygon = Self::default();
        for part in parts {
            let part = part.as_ref();
            if part.len() < 2 {
                continue;
            }
            polygon.start_part();
            let pairs = part.chunks_exact(2).map(|xy| Point::new(xy[0], xy[1]));
            polygon.points.extend(pairs);
        }
        polygon
    }

    /// Adds a part at the end.
    pub fn push_part(&mut self, part: &[Point]) {
        if part.is_empty() {
            return;
        }
        self.start_part();
        self.points.extend_from_slice(part);
    }

    fn start_part(&mut self) {
        if !self.points.is_empty() {
            self.ends.push(self.points.len() as u32);
        }
    }

    pub fn part_count(&self) -> usize {
        if self.points.is_empty() {
            0
        } else {
            self.ends.len() + 1
        }
    }

    /// The range of `points` that part `i` occupies.
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        if i >= self.part_count() {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.points.len(), |&e| e as usize);
        Some(start..end)
    }

    pub fn part(&self, i: usize) -> Option<&[Point]> {
        self.range(i).map(|r| &self.points[r])
    }

    pub fn part_mut(&mut self, i: usize) -> Option<&mut [Point]> {
        self.range(i).map(|r| &mut self.points[r])
    }

    /// The parts in order.
    pub fn parts(&self) -> impl Iterator<Item = &[Point]> + '_ {
        (0..self.part_count()).filter_map(|i| self.part(i))
    }

    /// Every point of every part.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn points_mut(&mut self) -> &mut [Point] {
        &mut self.points
    }

    /// COCO's `segmentation`: each part as `[x0, y0, x1, y1, …]`.
    pub fn to_coco(&self) -> Vec<Vec<f32>> {
        self.parts()
            .map(|part| part.iter().flat_map(|p| [p.x, p.y]).collect())
            .collect()
    }

    /// Inserts a point into part `part` before index `index` (`index == len` appends).
    pub fn insert_point(&mut self, part: usize, index: usize, p: Point) -> bool {
        let Some(range) = self.range(part) else {
            return false;
        };
        if index > range.len() {
            return false;
        }
        self.points.insert(range.start + index, p);
        self.ends[part..].iter_mut().for_each(|e| *e += 1);
        true
    }

    /// Removes point `index` of part `part`; a part left empty disappears.
    pub fn remove_point(&mut self, part: usize, index: usize) -> bool {
        let Some(range) = self.range(part) else {
            return false;
        };
        if index >= range.len() {
            return false;
        }
        self.points.remove(range.start + index);
        self.ends[part..].iter_mut().for_each(|e| *e -= 1);
        if range.len() == 1 {
            // The part is gone: drop its end, or the previous one for the last part.
            let at = if part < self.ends.len() {
                part
            } else {
                part.saturating_sub(1)
            };
            if at < self.ends.len() {
                self.ends.remove(at);
            }
        }
        true
    }

    /// The box around every point; `None` for an empty polygon.
    pub fn bounds(&self) -> Option<BBox> {
        ring::bounds(self.points.iter().copied())
    }

    /// The shoelace area of each part, summed (overlapping parts count twice, as in
    /// COCO files; [`super::Shape::iou`] measures the union).
    pub fn area(&self) -> f64 {
        self.parts().map(|part| ring::signed_area(part).abs()).sum()
    }

    /// Whether `(x, y)` is inside any part (each part even-odd).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        self.parts().any(|part| ring::contains(part, x, y))
    }

    /// Every point moved by `(dx, dy)`.
    pub fn translated(&self, dx: f32, dy: f32) -> Self {
        Self {
            points: self
                .points
                .iter()
                .map(|p| Point::new(p.x + dx, p.y + dy))
                .collect(),
            ends: self.ends.clone(),
        }
    }

    /// Finite, at least one part, each of at least three points and positive area.
    pub fn is_valid(&self) -> bool {
        self.part_count() > 0
            && self.points.iter().all(|p| p.is_finite())
            && self
                .parts()
                .all(|part| part.len() >= 3 && ring::signed_area(part) != 0.0)
    }

    /// Each part clipped to `0..w` × `0..h` (parts left without area dropped);
    /// `None` when nothing is left.
    pub fn clamped(&self, w: f32, h: f32) -> Option<Self> {
        let clipped = Self::from_parts(
            self.parts()
                .map(|part| ring::clip_ring(part, w, h))
                .filter(|part| part.len() >= 3 && ring::signed_area(part) != 0.0),
        );
        (clipped.part_count() > 0).then_some(clipped)
    }
}

impl Serialize for Polygon {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.part_count()))?;
        for part in self.parts() {
            seq.serialize_element(part)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Polygon {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts = Vec::<Vec<Point>>::deserialize(deserializer)?;
        Ok(Self::from_parts(parts))
    }
}
