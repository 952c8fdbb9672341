//! An annotation's `segmentation`, read for its kind and the box around it
//! without keeping its points or counts: polygons (`[[x1, y1, x2, y2, ...]]`)
//! give the extent of their points, RLE masks (`{"counts": [...] | "...",
//! "size": [h, w]}`, in either key order) the box pycocotools' `toBbox` gives.
//! Anything malformed inside gives no box, never a parse error: the import
//! reports the annotation instead.

use super::lenient::MAX_EXACT_F64;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use std::fmt;

/// `visit_bool`, `visit_i64`, `visit_u64`, `visit_f64` and `visit_str`, each
/// giving `$value`: a scalar where a list or an object belongs.
macro_rules! scalars_give {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

fn skip_map<'de, A: de::MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// What an annotation's `segmentation` holds, and the box around it where
/// that is cheap to know. The points of a polygon and the counts of an RLE
/// mask are not stored: this module imports boxes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Segmentation {
    /// `[]`, `null` or missing: a plain box. Exports always write `[]`.
    #[default]
    Empty,
    /// A non-empty list of polygons, with the extent of their points
    /// (`[x, y, w, h]`) when every coordinate is a finite number.
    Polygon(Option<[f64; 4]>),
    /// An object with `counts` (a list or pycocotools' compressed string) and
    /// `size`: a run-length encoded mask, with the box of its pixels as
    /// pycocotools' `toBbox` computes it when the counts are sound.
    Rle(Option<[f64; 4]>),
    /// Anything else (a string, a number, an object without `counts`).
    Unrecognised,
}

impl Segmentation {
    /// The box around the shape, when there is a shape and it gives one.
    pub fn extent(&self) -> Option<[f64; 4]> {
        match self {
            Segmentation::Polygon(extent) | Segmentation::Rle(extent) => *extent,
            Segmentation::Empty | Segmentation::Unrecognised => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Segmentation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SegmentationKind)
    }
}

impl serde::Serialize for Segmentation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        match self {
            Segmentation::Empty => s.serialize_seq(Some(0))?.end(),
            _ => Err(S::Error::custom(
                "the segmentation was not kept when the file was parsed",
            )),
        }
    }
}

struct SegmentationKind;

impl<'de> Visitor<'de> for SegmentationKind {
    type Value = Segmentation;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a segmentation (a list of polygons or an RLE object)")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Segmentation, E> {
        Ok(Segmentation::Empty)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Segmentation, A::Error> {
        let mut extent = Extent::default();
        let mut any = false;
        while let Some(polygon) = seq.next_element::<PolygonPoints>()? {
            any = true;
            extent.merge(polygon.0);
        }
        Ok(if any {
            Segmentation::Polygon(extent.xywh())
        } else {
            Segmentation::Empty
        })
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Segmentation, A::Error> {
        let (mut counts, mut size) = (None, None);
        while let Some(key) = map.next_key::<RleKey>()? {
            match key {
                RleKey::Counts => counts = Some(map.next_value::<RleCounts>()?.0),
                RleKey::Size => size = Some(map.next_value::<RleSize>()?.0),
                RleKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match counts {
            None => Segmentation::Unrecognised,
            Some(counts) => Segmentation::Rle(
                counts
                    .zip(size.flatten())
                    .and_then(|(counts, [h, w])| rle_box(&counts, h, w)),
            ),
        })
    }

    scalars_give!(Segmentation::Unrecognised);
}

/// Corners seen so far, or `None` once a coordinate was not a finite number.
#[derive(Clone, Copy)]
struct Extent(Option<[f64; 4]>);

impl Default for Extent {
    fn default() -> Self {
        Extent(Some([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ]))
    }
}

impl Extent {
    fn merge(&mut self, other: Extent) {
        self.0 = match (self.0, other.0) {
            (Some([x0, y0, x1, y1]), Some([a0, b0, a1, b1])) => {
                Some([x0.min(a0), y0.min(b0), x1.max(a1), y1.max(b1)])
            }
            _ => None,
        };
    }

    fn add(&mut self, x: f64, y: f64) {
        if let Some([x0, y0, x1, y1]) = &mut self.0 {
            *x0 = x0.min(x);
            *y0 = y0.min(y);
            *x1 = x1.max(x);
            *y1 = y1.max(y);
        }
    }

    /// `[x, y, w, h]`, when at least one point was seen and all were finite.
    fn xywh(self) -> Option<[f64; 4]> {
        let [x0, y0, x1, y1] = self.0?;
        (x0 <= x1 && y0 <= y1).then_some([x0, y0, x1 - x0, y1 - y0])
    }
}

/// One polygon `[x1, y1, x2, y2, ...]`, read as the extent of its points.
/// Anything that is not a list of finite numbers gives no extent.
struct PolygonPoints(Extent);

impl<'de> serde::Deserialize<'de> for PolygonPoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Points;
        impl<'de> Visitor<'de> for Points {
            type Value = PolygonPoints;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a polygon [x1, y1, x2, y2, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PolygonPoints, A::Error> {
                let mut extent = Extent::default();
                let mut x = None;
                let mut sound = true;
                while let Some(v) = seq.next_element::<Coordinate>()? {
                    match (v.0, x.take()) {
                        (Some(v), None) => x = Some(v),
                        (Some(y), Some(x)) => extent.add(x, y),
                        (None, _) => sound = false,
                    }
                }
                if !sound || x.is_some() {
                    extent.0 = None;
                }
                Ok(PolygonPoints(extent))
            }
            fn visit_unit<E: de::Error>(self) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PolygonPoints, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<PolygonPoints, E> {
                Ok(PolygonPoints(Extent(None)))
            }
        }
        d.deserialize_any(Points)
    }
}

/// A number, or `None` for anything else (which is skipped whole).
struct Coordinate(Option<f64>);

impl<'de> serde::Deserialize<'de> for Coordinate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Number;
        impl<'de> Visitor<'de> for Number {
            type Value = Coordinate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Coordinate, E> {
                Ok(Coordinate(v.is_finite().then_some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Coordinate, E> {
                Ok(Coordinate(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Coordinate, E> {
                Ok(Coordinate(Some(v as f64)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Coordinate, E> {
                Ok(Coordinate(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Coordinate, E> {
                Ok(Coordinate(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Coordinate, E> {
                Ok(Coordinate(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coordinate, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Coordinate(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Coordinate, A::Error> {
                skip_map(map).map(|()| Coordinate(None))
            }
        }
        d.deserialize_any(Number)
    }
}

/// The keys of an RLE object that matter.
enum RleKey {
    Counts,
    Size,
    Other,
}

impl<'de> serde::Deserialize<'de> for RleKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = RleKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RleKey, E> {
                Ok(match v {
                    "counts" => RleKey::Counts,
                    "size" => RleKey::Size,
                    _ => RleKey::Other,
                })
            }
        }
        d.deserialize_identifier(Key)
    }
}

/// An RLE's run lengths: a list of whole numbers, or pycocotools' compressed
/// string decoded. `None` when they are neither.
struct RleCounts(Option<Vec<u64>>);

impl<'de> serde::Deserialize<'de> for RleCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counts;
        impl<'de> Visitor<'de> for Counts {
            type Value = RleCounts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("RLE counts (a list of numbers or a string)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RleCounts, A::Error> {
                let mut counts = Vec::new();
                let mut sound = true;
                while let Some(v) = seq.next_element::<Coordinate>()? {
                    match v.0 {
                        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_EXACT_F64 => {
                            counts.push(n as u64);
                        }
                        _ => sound = false,
                    }
                }
                Ok(RleCounts(sound.then_some(counts)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RleCounts, E> {
                Ok(RleCounts(decode_rle_string(v.as_bytes())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RleCounts, E> {
                Ok(RleCounts(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RleCounts, E> {
                Ok(RleCounts(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RleCounts, E> {
                Ok(RleCounts(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RleCounts, E> {
                Ok(RleCounts(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RleCounts, E> {
                Ok(RleCounts(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RleCounts, A::Error> {
                skip_map(map).map(|()| RleCounts(None))
            }
        }
        d.deserialize_any(Counts)
    }
}

/// An RLE's `size`, `[height, width]`, or `None` when it is not two whole numbers.
struct RleSize(Option<[u64; 2]>);

impl<'de> serde::Deserialize<'de> for RleSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let counts = RleCounts::deserialize(d)?.0;
        Ok(RleSize(counts.and_then(|c| <[u64; 2]>::try_from(c).ok())))
    }
}

/// pycocotools' `rleFrString`: each count in 5-bit groups (`'0'` + bits,
/// 0x20 = more groups follow, 0x10 in the last group = negative), from the
/// fourth count on as a difference to the count two before. `None` for a
/// string that is not such an encoding or gives a negative count.
pub(super) fn decode_rle_string(s: &[u8]) -> Option<Vec<u64>> {
    let mut counts: Vec<u64> = Vec::with_capacity(s.len());
    let mut p = 0;
    while p < s.len() {
        let (mut x, mut k) = (0i64, 0u32);
        loop {
            let c = i64::from(s.get(p)?.checked_sub(48).filter(|c| *c < 64)?);
            if k > 12 {
                return None;
            }
            x |= (c & 0x1f) << (5 * k);
            p += 1;
            k += 1;
            if c & 0x20 == 0 {
                if c & 0x10 != 0 {
                    x |= -1i64 << (5 * k).min(63);
                }
                break;
            }
        }
        if counts.len() > 2 {
            x = x.checked_add(i64::try_from(counts[counts.len() - 2]).ok()?)?;
        }
        counts.push(u64::try_from(x).ok()?);
    }
    Some(counts)
}

/// pycocotools' `rleToBbox` for one mask of `h`×`w` pixels (column-major
/// runs, zeros first): `[x, y, w, h]`, or `None` for a mask that is empty or
/// whose runs overrun its size.
pub(super) fn rle_box(counts: &[u64], h: u64, w: u64) -> Option<[f64; 4]> {
    let pixels = h.checked_mul(w).filter(|&n| n > 0)?;
    let m = counts.len() / 2 * 2;
    if m == 0 {
        return None;
    }
    let (mut xs, mut ys, mut xe, mut ye) = (w, h, 0, 0);
    let (mut cc, mut xp) = (0u64, 0u64);
    for (j, &count) in counts[..m].iter().enumerate() {
        cc = cc.checked_add(count).filter(|&c| c <= pixels)?;
        let t = cc.checked_sub((j % 2) as u64)?;
        let (x, y) = (t / h, t % h);
        if j % 2 == 0 {
            xp = x;
        } else if xp < x {
            ys = 0;
            ye = h - 1;
        }
        xs = xs.min(x);
        xe = xe.max(x);
        ys = ys.min(y);
        ye = ye.max(y);
    }
    if xs > xe || ys > ye {
        return None;
    }
    Some([xs, ys, xe - xs + 1, ye - ys + 1].map(|v| v as f64))
}
