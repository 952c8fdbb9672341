//! A hand-written `Deserialize` for [`CocoAnnotation`], the record a file holds
//! a million of.
//!
//! The derived impl reads each key as a `str`, which serde_json validates as
//! UTF-8 — seven times per annotation. Reading keys as bytes skips that, and
//! matching them directly is cheaper than the derived field visitor. Same
//! leniency as the derived impls of the other records: unknown keys are
//! skipped; `bbox`, `area`, `iscrowd`, `segmentation`, `keypoints` and
//! `num_keypoints` may be missing.

use super::file::CocoAnnotation;
use super::keypoints::{self, CocoKeypoints};
use super::lenient;
use super::segmentation::Segmentation;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

enum Key {
    Id,
    ImageId,
    CategoryId,
    Bbox,
    Area,
    Iscrowd,
    Segmentation,
    Keypoints,
    NumKeypoints,
    Attributes,
    Other,
}

impl Key {
    fn from_bytes(key: &[u8]) -> Self {
        match key {
            b"id" => Key::Id,
            b"image_id" => Key::ImageId,
            b"category_id" => Key::CategoryId,
            b"bbox" => Key::Bbox,
            b"area" => Key::Area,
            b"iscrowd" => Key::Iscrowd,
            b"segmentation" => Key::Segmentation,
            b"keypoints" => Key::Keypoints,
            b"num_keypoints" => Key::NumKeypoints,
            b"attributes" => Key::Attributes,
            _ => Key::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an annotation key")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
                Ok(Key::from_bytes(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key::from_bytes(v.as_bytes()))
            }
        }
        // serde_json hands map keys to `deserialize_bytes` without UTF-8 checks.
        d.deserialize_bytes(KeyVisitor)
    }
}

/// Adapts a `deserialize_with`-style function to `next_value`.
macro_rules! field {
    ($name:ident, $ty:ty, $read:path) => {
        struct $name($ty);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $read(d).map($name)
            }
        }
    };
}

field!(Id, i64, lenient::id);
field!(Bbox, Option<[f64; 4]>, lenient::bbox);
field!(Flag, bool, lenient::flag);
field!(Attrs, lenient::AttributesRead, lenient::attributes);
field!(NumKeypoints, Option<u32>, keypoints::num_keypoints);

/// Stores a value, refusing a key given twice.
fn set<T, E: de::Error>(slot: &mut Option<T>, key: &'static str, value: T) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::duplicate_field(key));
    }
    Ok(())
}

struct AnnotationVisitor;

impl<'de> Visitor<'de> for AnnotationVisitor {
    type Value = CocoAnnotation;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an annotation object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CocoAnnotation, A::Error> {
        let (mut id, mut image_id, mut category_id) = (None, None, None);
        let (mut bbox, mut area, mut iscrowd, mut segmentation) = (None, None, None, None);
        let (mut keypoints, mut num_keypoints) = (None, None);
        let mut attributes = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => set(&mut id, "id", map.next_value::<Id>()?.0)?,
                Key::ImageId => set(&mut image_id, "image_id", map.next_value::<Id>()?.0)?,
                Key::CategoryId => {
                    set(&mut category_id, "category_id", map.next_value::<Id>()?.0)?;
                }
                Key::Bbox => set(&mut bbox, "bbox", map.next_value::<Bbox>()?.0)?,
                Key::Area => set(&mut area, "area", map.next_value::<Option<f64>>()?)?,
                Key::Iscrowd => set(&mut iscrowd, "iscrowd", map.next_value::<Flag>()?.0)?,
                Key::Segmentation => set(
                    &mut segmentation,
                    "segmentation",
                    map.next_value::<Segmentation>()?,
                )?,
                Key::Keypoints => set(
                    &mut keypoints,
                    "keypoints",
                    map.next_value::<CocoKeypoints>()?,
                )?,
                Key::NumKeypoints => set(
                    &mut num_keypoints,
                    "num_keypoints",
                    map.next_value::<NumKeypoints>()?.0,
                )?,
                Key::Attributes => {
                    set(&mut attributes, "attributes", map.next_value::<Attrs>()?.0)?
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (attributes, attribute_problems) = attributes.unwrap_or_default();
        Ok(CocoAnnotation {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            image_id: image_id.ok_or_else(|| de::Error::missing_field("image_id"))?,
            category_id: category_id.ok_or_else(|| de::Error::missing_field("category_id"))?,
            bbox: bbox.flatten(),
            area: area.flatten(),
            iscrowd: iscrowd.unwrap_or(false),
            segmentation: segmentation.unwrap_or_default(),
            keypoints: keypoints.unwrap_or_default(),
            num_keypoints: num_keypoints.flatten(),
            score: None,
            attributes,
            attribute_problems,
        })
    }
}

impl<'de> Deserialize<'de> for CocoAnnotation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(AnnotationVisitor)
    }
}
