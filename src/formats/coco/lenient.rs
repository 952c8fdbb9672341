//! Tolerant readers for COCO fields that tools write in more than one way
//! (`3` or `3.0`, `0` or `false`, a missing or malformed bbox).
//!
//! Each keeps reading fast: no allocation, no intermediate `serde_json::Value`
//! (except for the few values of an `"attributes"` object).

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Unexpected, Visitor};
use std::fmt;

/// Visitor methods that each give `$value` for the kinds of JSON value named
/// (`unit`, `bool`, `i64`, `u64`, `f64`, `str`; `seq` and `map` are skipped
/// whole): the lenient answer to a value of the wrong kind.
macro_rules! give {
    ($de:lifetime, $value:expr; $($kind:ident),+) => {
        $( $crate::formats::coco::lenient::give!(@ $kind, $de, $value); )+
    };
    (@ unit, $de:lifetime, $value:expr) => {
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ bool, $de:lifetime, $value:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ i64, $de:lifetime, $value:expr) => {
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ u64, $de:lifetime, $value:expr) => {
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ f64, $de:lifetime, $value:expr) => {
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ str, $de:lifetime, $value:expr) => {
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    (@ seq, $de:lifetime, $value:expr) => {
        fn visit_seq<A: serde::de::SeqAccess<$de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
    (@ map, $de:lifetime, $value:expr) => {
        fn visit_map<A: serde::de::MapAccess<$de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok($value)
        }
    };
}
pub(super) use give;

/// The largest integer an `f64` holds exactly.
pub(super) const MAX_EXACT_F64: f64 = 9_007_199_254_740_992.0;

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

/// CVAT/datumaro's per-annotation `"attributes"` object: booleans stay flags,
/// strings text, numbers their JSON text; `null` and `[]` (other tools' "no
/// attributes") read as none. Anything else is left out with a note for the
/// annotation's problems: a value that is a list or an object, or
/// `"attributes"` itself of another type.
pub(super) fn attributes<'de, D: Deserializer<'de>>(d: D) -> Result<AttributesRead, D::Error> {
    d.deserialize_any(AttributesVisitor)
}

/// The attributes of one annotation and what was left out of them.
pub(super) type AttributesRead = (crate::model::Attributes, Vec<String>);

struct AttributesVisitor;

impl<'de> Visitor<'de> for AttributesVisitor {
    type Value = AttributesRead;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of attributes")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<AttributesRead, A::Error> {
        use crate::model::AttrValue;
        use serde_json::Value;
        let mut read = AttributesRead::default();
        while let Some((name, value)) = map.next_entry::<String, Value>()? {
            let value = match value {
                Value::Bool(b) => AttrValue::Bool(b),
                Value::String(s) => AttrValue::Text(s),
                Value::Number(n) => AttrValue::Text(n.to_string()),
                Value::Null => continue,
                other => {
                    read.1.push(format!(
                        "attribute \"{name}\" is {}, not a flag, text or number; it was left out",
                        json_kind(&other)
                    ));
                    continue;
                }
            };
            read.0.insert(name, value);
        }
        Ok(read)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttributesRead, A::Error> {
        let mut len = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len += 1;
        }
        Ok(if len == 0 {
            AttributesRead::default()
        } else {
            not_an_object("a list")
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<AttributesRead, E> {
        Ok(AttributesRead::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<AttributesRead, E> {
        Ok(not_an_object("a flag"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<AttributesRead, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<AttributesRead, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<AttributesRead, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<AttributesRead, E> {
        Ok(not_an_object("text"))
    }
}

fn not_an_object(kind: &str) -> AttributesRead {
    let note = format!("\"attributes\" is {kind}, not an object; it was ignored");
    (crate::model::Attributes::new(), vec![note])
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
        _ => "a value",
    }
}

/// Writes a flag as COCO's `0`/`1`.
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

/// A JSON number as an f64, or `None` for anything else (skipped whole).
pub(super) struct Number;

impl<'de> Visitor<'de> for Number {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<f64>, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    give!('de, None; unit, bool, str, seq, map);
}

/// A JSON number as an f64, or `None` for anything else.
pub(super) struct NumberRead(pub(super) Option<f64>);

impl<'de> serde::Deserialize<'de> for NumberRead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Number).map(NumberRead)
    }
}

/// A whole number from 0 to `u32::MAX`, written `3` or `3.0`.
pub(super) fn whole_u32(v: f64) -> Option<u32> {
    (v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}
