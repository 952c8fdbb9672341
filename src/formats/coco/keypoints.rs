//! COCO keypoints, both ways: an annotation's flat `keypoints` triples
//! `[x1, y1, v1, x2, y2, v2, ...]` and a category's point names (`keypoints`) and
//! `skeleton` (pairs of 1-based point numbers).
//!
//! Read leniently, as the rest of the file: a malformed value is kept as
//! [`CocoKeypoints::Unusable`] or a category note for the import to report,
//! never a parse error.

use super::lenient::{NumberRead, give, whole_u32};
use crate::model::{Keypoint, Visibility};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use std::fmt;

/// An annotation's `keypoints`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CocoKeypoints {
    /// No `keypoints` key (an instances file), or `null`.
    #[default]
    Absent,
    /// The points in order. An unlabelled point (`v` 0) reads as `0, 0, 0`,
    /// whatever coordinates the file gave it.
    Points(Vec<Keypoint>),
    /// Not triples of finite numbers with `v` 0, 1 or 2.
    Unusable,
}

impl CocoKeypoints {
    pub const UNUSABLE_REASON: &'static str =
        "they are not triples [x, y, v] of finite numbers with v 0, 1 or 2";

    pub fn is_absent(&self) -> bool {
        matches!(self, CocoKeypoints::Absent)
    }

    /// How many points are labelled (`v` > 0): COCO's `num_keypoints`.
    pub fn labelled(points: &[Keypoint]) -> u32 {
        points.iter().filter(|k| k.v.is_labelled()).count() as u32
    }
}

impl serde::Serialize for CocoKeypoints {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        match self {
            CocoKeypoints::Absent => s.serialize_none(),
            CocoKeypoints::Points(points) => {
                let mut seq = s.serialize_seq(Some(points.len() * 3))?;
                for k in points {
                    seq.serialize_element(&k.x)?;
                    seq.serialize_element(&k.y)?;
                    seq.serialize_element(&u8::from(k.v))?;
                }
                seq.end()
            }
            CocoKeypoints::Unusable => Err(S::Error::custom(format!(
                "the keypoints could not be read: {}",
                CocoKeypoints::UNUSABLE_REASON
            ))),
        }
    }
}

impl<'de> serde::Deserialize<'de> for CocoKeypoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Triples;
        impl<'de> Visitor<'de> for Triples {
            type Value = CocoKeypoints;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("keypoints [x1, y1, v1, ...]")
            }
            give!('de, CocoKeypoints::Absent; unit);
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CocoKeypoints, A::Error> {
                let mut points = Vec::with_capacity(17);
                let mut triple = [0.0f64; 3];
                let (mut n, mut sound) = (0usize, true);
                while let Some(v) = seq.next_element::<NumberRead>()? {
                    match v.0 {
                        Some(v) if sound => triple[n % 3] = v,
                        _ => sound = false,
                    }
                    n += 1;
                    if sound && n % 3 == 0 {
                        match keypoint(triple) {
                            Some(k) => points.push(k),
                            None => sound = false,
                        }
                    }
                }
                Ok(if sound && n % 3 == 0 {
                    CocoKeypoints::Points(points)
                } else {
                    CocoKeypoints::Unusable
                })
            }
            give!('de, CocoKeypoints::Unusable; bool, i64, u64, f64, str, map);
        }
        d.deserialize_any(Triples)
    }
}

/// One `[x, y, v]`: finite f32 coordinates and a visibility of 0, 1 or 2.
fn keypoint([x, y, v]: [f64; 3]) -> Option<Keypoint> {
    let v = Visibility::from_coco(u8::try_from(whole_u32(v)?).ok()?)?;
    if !v.is_labelled() {
        return Some(Keypoint::NOT_LABELLED);
    }
    let (x, y) = (x as f32, y as f32);
    (x.is_finite() && y.is_finite()).then_some(Keypoint::new(x, y, v))
}

/// A category's point names and skeleton as read, with what had to be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CategoryKeypointsRead {
    pub names: Vec<String>,
    /// 1-based, as COCO writes them; each within the names.
    pub skeleton: Vec<[u32; 2]>,
    pub problems: Vec<String>,
}

/// Reads a category's `keypoints` and `skeleton` values (`None` when the key
/// is missing). Names must be strings, or none are kept; skeleton edges must be
/// two different point numbers from 1 to the number of names, or that edge is
/// left out.
pub(super) fn category_keypoints(
    names: Option<serde_json::Value>,
    skeleton: Option<serde_json::Value>,
) -> CategoryKeypointsRead {
    use serde_json::Value;
    let mut read = CategoryKeypointsRead::default();
    match names {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            let strings: Option<Vec<String>> = list
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            match strings {
                Some(strings) => read.names = strings,
                None => read.problems.push(
                    "its keypoint names are not all strings; the category has no keypoints".into(),
                ),
            }
        }
        Some(_) => read
            .problems
            .push("its `keypoints` is not a list of names; the category has no keypoints".into()),
    }
    let k = read.names.len() as u64;
    let edges = match skeleton {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(edges)) => edges,
        Some(_) => {
            read.problems
                .push("its `skeleton` is not a list of pairs; it was left out".into());
            Vec::new()
        }
    };
    let mut bad = Vec::new();
    for edge in edges {
        let pair = match &edge {
            Value::Array(pair) if pair.len() == 2 => {
                let end = |v: &Value| v.as_f64().and_then(whole_u32).filter(|&n| n >= 1);
                end(&pair[0]).zip(end(&pair[1]))
            }
            _ => None,
        };
        match pair {
            Some((a, b)) if a != b && u64::from(a.max(b)) <= k => read.skeleton.push([a, b]),
            _ => bad.push(edge.to_string()),
        }
    }
    if !bad.is_empty() {
        read.problems.push(format!(
            "skeleton edge(s) {} are not two different point numbers from 1 to {k}; left out",
            bad.join(", ")
        ));
    }
    read
}

/// `num_keypoints`: a whole number, or `None` for anything else.
pub(super) fn num_keypoints<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    Ok(NumberRead::deserialize(d)?.0.and_then(whole_u32))
}
