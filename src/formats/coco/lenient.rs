//! Tolerant readers for COCO fields that tools write in more than one way
//! (`3` or `3.0`, `0` or `false`, a missing or malformed bbox).
//!
//! Each keeps reading fast: no allocation, no intermediate `serde_json::Value`.

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Unexpected, Visitor};
use std::fmt;

/// The largest integer an `f64` holds exactly.
const MAX_EXACT_F64: f64 = 9_007_199_254_740_992.0;

struct WholeNumber;

impl Visitor<'_> for WholeNumber {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() <= MAX_EXACT_F64 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// An id: a whole number, written as `3` or `3.0`.
pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(WholeNumber)
}

/// An image side in pixels: a non-negative whole number. `null` reads as 0
/// ("not given"), like a missing field.
pub(super) fn pixels<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct Pixels;
    impl Visitor<'_> for Pixels {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an image size in whole pixels")
        }
        fn visit_unit<E: de::Error>(self) -> Result<u32, E> {
            Ok(0)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u32, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_any(Pixels)
}

/// `iscrowd`: `0`/`1` (any non-zero number counts as crowd), `true`/`false` or `null`.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("0, 1, true or false")
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
            Ok(v != 0.0)
        }
    }
    d.deserialize_any(Flag)
}

/// Writes a flag as COCO's `0`/`1`.
/// CVAT/datumaro's per-annotation `"attributes"` object: booleans stay flags,
/// strings text, numbers their JSON text; nulls, arrays and objects are skipped.
/// Anything but an object reads as no attributes.
pub(super) fn attributes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<crate::model::Attributes, D::Error> {
    use crate::model::AttrValue;
    use serde::Deserialize;
    let raw = Option::<std::collections::BTreeMap<String, serde_json::Value>>::deserialize(d)
        .unwrap_or_default();
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::Bool(b) => AttrValue::Bool(b),
                serde_json::Value::String(s) => AttrValue::Text(s),
                serde_json::Value::Number(n) => AttrValue::Text(n.to_string()),
                _ => return None,
            };
            Some((k, v))
        })
        .collect())
}

pub(super) fn flag_as_int<S: serde::Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*v))
}

/// `bbox`: `Some([x, y, w, h])` for a list of exactly four numbers; `None` for
/// `null`, a list of another length, or a list holding `null`s. The import plan
/// reports such a record instead of failing the whole file.
pub(super) fn bbox<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[f64; 4]>, D::Error> {
    struct Bbox;
    impl<'de> Visitor<'de> for Bbox {
        type Value = Option<[f64; 4]>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list [x, y, width, height]")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = [0.0; 4];
            let mut len = 0;
            let mut complete = true;
            while let Some(v) = seq.next_element::<Option<f64>>()? {
                match (out.get_mut(len), v) {
                    (Some(slot), Some(v)) => *slot = v,
                    _ => complete = false,
                }
                len += 1;
            }
            Ok((complete && len == 4).then_some(out))
        }
    }
    d.deserialize_any(Bbox)
}

/// What an annotation's `segmentation` holds. Only the kind is kept: this module
/// imports boxes, so the points of a polygon or the counts of an RLE mask are
/// skipped while parsing, not stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Segmentation {
    /// `[]`, `null` or missing: a plain box. Exports always write `[]`.
    #[default]
    Empty,
    /// A non-empty list of polygons.
    Polygon,
    /// An object with `counts` (and `size`): a run-length encoded mask.
    Rle,
    /// Anything else (a string, a number, an object without `counts`).
    Unrecognised,
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
        let mut kind = Segmentation::Empty;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            kind = Segmentation::Polygon;
        }
        Ok(kind)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Segmentation, A::Error> {
        let mut kind = Segmentation::Unrecognised;
        while let Some(key) = map.next_key::<IsCounts>()? {
            map.next_value::<IgnoredAny>()?;
            if key.0 {
                kind = Segmentation::Rle;
            }
        }
        Ok(kind)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Segmentation, E> {
        Ok(Segmentation::Unrecognised)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Segmentation, E> {
        Ok(Segmentation::Unrecognised)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Segmentation, E> {
        Ok(Segmentation::Unrecognised)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Segmentation, E> {
        Ok(Segmentation::Unrecognised)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Segmentation, E> {
        Ok(Segmentation::Unrecognised)
    }
}

/// A map key, remembered only as "is it `counts`?".
struct IsCounts(bool);

impl<'de> serde::Deserialize<'de> for IsCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = IsCounts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IsCounts, E> {
                Ok(IsCounts(v == "counts"))
            }
        }
        d.deserialize_identifier(Key)
    }
}
