//! An annotation's `segmentation`, both ways: polygons (`[[x1, y1, x2, y2, ...],
//! ...]`) read straight into a [`Polygon`] and RLE masks (`{"counts": [...] |
//! "...", "size": [h, w]}`, in either key order) into a [`CocoRle`], without an
//! intermediate `serde_json::Value`: COCO 2017 has a polygon on nearly every one
//! of its 860,000 annotations.
//!
//! Reading is lenient: anything malformed inside gives
//! [`Segmentation::Unusable`] with the reason, never a parse error, and the
//! import reports the annotation. What is well formed is not judged here (parts
//! of fewer than three points, masks of another size than their image): the
//! import plan does that, knowing the image.

use super::lenient::{Number, NumberRead, give, whole_u32};
use crate::model::{Point, Polygon, Rle, RleError};
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// What an annotation's `segmentation` holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Segmentation {
    /// `[]`, `[[]]`, `null` or missing: a plain box. Exports of boxes write `[]`.
    #[default]
    Empty,
    /// A list of polygons, as written: every part of pairs of numbers (parts
    /// written empty are left out). Parts may still have fewer than three
    /// points or no area; the import plan checks.
    Polygon(Polygon),
    /// A run-length encoded mask, not yet checked against its size.
    Rle(CocoRle),
    /// A segmentation that gives no shape.
    Unusable(SegmentationFault),
}

/// Why a `segmentation` gives no shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentationFault {
    /// A list whose polygons are not lists of pairs of finite numbers.
    PolygonNotPairs,
    /// An object with `counts` whose `size` is not two whole numbers.
    RleSize,
    /// An object whose `counts` is neither whole numbers nor a string.
    RleCounts,
    /// Anything else: a string, a number, an object without `counts`.
    Unrecognised,
}

impl SegmentationFault {
    /// Why, as a clause about the annotation.
    pub fn clause(self) -> &'static str {
        match self {
            SegmentationFault::PolygonNotPairs => "its polygon is not pairs of finite numbers",
            SegmentationFault::RleSize => {
                "its RLE mask has no size of two whole numbers [height, width]"
            }
            SegmentationFault::RleCounts => {
                "its RLE counts are neither whole numbers nor a compressed string"
            }
            SegmentationFault::Unrecognised => {
                "its segmentation is neither a list of polygons nor an RLE object"
            }
        }
    }
}

/// A COCO RLE as a file holds it: `size` `[height, width]` and the runs, either
/// uncompressed (COCO 2017's crowd regions) or as pycocotools' compressed string
/// (results files, LVIS, `mask.encode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CocoRle {
    pub size: [u32; 2],
    pub counts: RleCounts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RleCounts {
    Runs(Vec<u32>),
    Compressed(String),
}

impl CocoRle {
    /// The mask, checked: runs that fill `size` exactly, a compressed string
    /// pycocotools can read. Allocates only the runs, never `height × width`.
    pub fn to_rle(&self) -> Result<Rle, RleError> {
        let [h, w] = self.size;
        match &self.counts {
            RleCounts::Runs(runs) => Rle::from_counts(h, w, runs.clone()),
            RleCounts::Compressed(s) => Rle::from_compressed(h, w, s.as_bytes()),
        }
    }

    /// `{"counts": [...], "size": [h, w]}`, as COCO 2017 writes crowd regions.
    pub fn uncompressed(rle: &Rle) -> Self {
        Self {
            size: [rle.height(), rle.width()],
            counts: RleCounts::Runs(rle.counts().to_vec()),
        }
    }

    /// `{"counts": "...", "size": [h, w]}`, pycocotools' `mask.encode` form, the
    /// only one its `loadRes` takes.
    pub fn compressed(rle: &Rle) -> Self {
        Self {
            size: [rle.height(), rle.width()],
            counts: RleCounts::Compressed(rle.to_compressed()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Segmentation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SegmentationVisitor)
    }
}

impl serde::Serialize for Segmentation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        match self {
            Segmentation::Empty => s.serialize_seq(Some(0))?.end(),
            Segmentation::Polygon(polygon) => {
                let mut seq = s.serialize_seq(Some(polygon.part_count()))?;
                for part in polygon.parts() {
                    seq.serialize_element(&FlatPart(part))?;
                }
                seq.end()
            }
            Segmentation::Rle(rle) => {
                let mut map = s.serialize_map(Some(2))?;
                match &rle.counts {
                    RleCounts::Runs(runs) => map.serialize_entry("counts", runs)?,
                    RleCounts::Compressed(text) => map.serialize_entry("counts", text)?,
                }
                map.serialize_entry("size", &rle.size)?;
                map.end()
            }
            Segmentation::Unusable(fault) => Err(S::Error::custom(fault.clause())),
        }
    }
}

/// One part written as COCO's flat `[x0, y0, x1, y1, ...]`, each an f32 in its
/// shortest form (`412.8`, not `412.79998779296875`).
struct FlatPart<'a>(&'a [Point]);

impl serde::Serialize for FlatPart<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len() * 2))?;
        for p in self.0 {
            seq.serialize_element(&p.x)?;
            seq.serialize_element(&p.y)?;
        }
        seq.end()
    }
}

struct SegmentationVisitor;

impl<'de> Visitor<'de> for SegmentationVisitor {
    type Value = Segmentation;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a segmentation (a list of polygons or an RLE object)")
    }

    give!('de, Segmentation::Empty; unit);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Segmentation, A::Error> {
        let mut parts: Vec<Vec<Point>> = Vec::new();
        let mut sound = true;
        while let Some(part) = seq.next_element::<Part>()? {
            match part.0 {
                Some(points) if !points.is_empty() => parts.push(points),
                Some(_) => {}
                None => sound = false,
            }
        }
        Ok(if !sound {
            Segmentation::Unusable(SegmentationFault::PolygonNotPairs)
        } else if parts.len() == 1 {
            // Nearly every COCO polygon has one part: no copy.
            Segmentation::Polygon(Polygon::new(parts.pop().unwrap_or_default()))
        } else if parts.is_empty() {
            Segmentation::Empty
        } else {
            Segmentation::Polygon(Polygon::from_parts(parts))
        })
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Segmentation, A::Error> {
        let (mut counts, mut size) = (None, None);
        while let Some(key) = map.next_key::<RleKey>()? {
            match key {
                RleKey::Counts => counts = Some(map.next_value::<CountsRead>()?.0),
                RleKey::Size => size = Some(map.next_value::<SizeRead>()?.0),
                RleKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let fault = |f| Ok(Segmentation::Unusable(f));
        match (counts, size.flatten()) {
            (None, _) => fault(SegmentationFault::Unrecognised),
            (Some(None), _) => fault(SegmentationFault::RleCounts),
            (Some(Some(_)), None) => fault(SegmentationFault::RleSize),
            (Some(Some(counts)), Some(size)) => Ok(Segmentation::Rle(CocoRle { size, counts })),
        }
    }

    give!('de, Segmentation::Unusable(SegmentationFault::Unrecognised);
        bool, i64, u64, f64, str);
}

/// One polygon part `[x1, y1, x2, y2, ...]` as points; `None` when it is not a
/// list of finite numbers of even length.
struct Part(Option<Vec<Point>>);

impl<'de> serde::Deserialize<'de> for Part {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PartVisitor;
        impl<'de> Visitor<'de> for PartVisitor {
            type Value = Part;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a polygon [x1, y1, x2, y2, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Part, A::Error> {
                let mut points = Vec::with_capacity(seq.size_hint().unwrap_or(32) / 2);
                let mut x = None;
                let mut sound = true;
                while let Some(v) = seq.next_element::<Coordinate>()? {
                    match (v.0, x.take()) {
                        (Some(v), None) => x = Some(v),
                        (Some(y), Some(x)) => points.push(Point::new(x, y)),
                        (None, _) => sound = false,
                    }
                }
                Ok(Part((sound && x.is_none()).then_some(points)))
            }
            give!('de, Part(None); unit, bool, i64, u64, f64, str, map);
        }
        d.deserialize_any(PartVisitor)
    }
}

/// A coordinate: a number that is finite as an f32, or `None` for anything
/// else (which is skipped whole).
pub(super) struct Coordinate(pub(super) Option<f32>);

impl<'de> serde::Deserialize<'de> for Coordinate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Number)
            .map(|n| Coordinate(n.and_then(finite_f32)))
    }
}

fn finite_f32(v: f64) -> Option<f32> {
    let narrow = v as f32;
    narrow.is_finite().then_some(narrow)
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

/// Whole numbers that fit a `u32`, or `None` when the list holds anything else.
struct WholeNumbers(Option<Vec<u32>>);

impl<'de> serde::Deserialize<'de> for WholeNumbers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = WholeNumbers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of whole numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WholeNumbers, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(16));
                let mut sound = true;
                while let Some(v) = seq.next_element::<NumberRead>()? {
                    match v.0.and_then(whole_u32) {
                        Some(n) => out.push(n),
                        None => sound = false,
                    }
                }
                Ok(WholeNumbers(sound.then_some(out)))
            }
            give!('de, WholeNumbers(None); unit, bool, i64, u64, f64, str, map);
        }
        d.deserialize_any(List)
    }
}

/// An RLE's `counts`: whole numbers or a string; `None` when neither.
struct CountsRead(Option<RleCounts>);

impl<'de> serde::Deserialize<'de> for CountsRead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counts;
        impl<'de> Visitor<'de> for Counts {
            type Value = CountsRead;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("RLE counts (a list of numbers or a string)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<CountsRead, A::Error> {
                let runs = <WholeNumbers as serde::Deserialize>::deserialize(
                    de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(CountsRead(runs.0.map(RleCounts::Runs)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CountsRead, E> {
                Ok(CountsRead(Some(RleCounts::Compressed(v.to_string()))))
            }
            give!('de, CountsRead(None); unit, bool, i64, u64, f64, map);
        }
        d.deserialize_any(Counts)
    }
}

/// An RLE's `size`, `[height, width]`, or `None` when it is not two whole numbers.
struct SizeRead(Option<[u32; 2]>);

impl<'de> serde::Deserialize<'de> for SizeRead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let numbers = <WholeNumbers as serde::Deserialize>::deserialize(d)?.0;
        Ok(SizeRead(numbers.and_then(|n| <[u32; 2]>::try_from(n).ok())))
    }
}
