//! Class names: `data.yaml` (Ultralytics) or a names file (`classes.txt`, `obj.names`).

use super::labels::LineProblem;
use super::layout::{KptShape, YoloLayout};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The largest class id Shugu takes from any file. Ids index tables, so an id
/// of 4294967295 in a `data.yaml` would otherwise ask for gigabytes; 65,536
/// classes are far more than any real dataset has.
pub const MAX_CLASS_ID: u32 = 65_535;

/// The classes of a dataset: from a `data.yaml`, or a names file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataYaml {
    /// Names by class id; `None` for ids the file leaves out (a map with gaps).
    pub names: Vec<Option<String>>,
    /// `train`, `val` and `test` entries (folders or list files), relative to the root.
    pub splits: Vec<String>,
    /// Class ids that could not be taken (above [`MAX_CLASS_ID`], not whole
    /// numbers), by line (0 in a `data.yaml`, which does not keep lines).
    pub problems: Vec<LineProblem>,
    /// A pose dataset's `kpt_shape: [K, D]`.
    pub kpt_shape: Option<KptShape>,
    /// A pose dataset's point names by class id (`kpt_names`, as Ultralytics'
    /// own dataset files give them).
    pub kpt_names: Vec<(u32, Vec<String>)>,
    /// The layout a `task:` entry names (`detect`, `segment`, `obb`, `pose`;
    /// `pose` only with a `kpt_shape`).
    pub task: Option<YoloLayout>,
}

/// `names`: a list, or a map of ids to names whose keys are kept as written
/// until they are checked. Read by hand, not as an untagged enum, so that each
/// key reaches [`ClassKey`] as the YAML reader gives it (a buffered
/// untagged value refuses integers beyond 64 bits).
enum Names {
    List(Vec<String>),
    Map(Vec<(ClassKey, String)>),
}

/// A key of the `names` map: a whole number from 0 (as written when it is
/// beyond 64 bits), or what was written.
enum ClassKey {
    Id(u64),
    Huge(String),
    Other(String),
}

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NamesVisitor;
        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = Names;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of class names or a map of class ids to names")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(Names::List(names))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Names, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<ClassKey, String>()? {
                    entries.push(entry);
                }
                Ok(Names::Map(entries))
            }
        }
        d.deserialize_any(NamesVisitor)
    }
}

impl<'de> Deserialize<'de> for ClassKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = ClassKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a class id")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ClassKey, E> {
                Ok(ClassKey::Id(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ClassKey, E> {
                Ok(u64::try_from(v).map_or_else(|_| ClassKey::Other(v.to_string()), ClassKey::Id))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ClassKey, E> {
                Ok(if v.fract() == 0.0 && (0.0..1.8e19).contains(&v) {
                    ClassKey::Id(v as u64)
                } else if v.fract() == 0.0 && v > 0.0 {
                    ClassKey::Huge(v.to_string())
                } else {
                    ClassKey::Other(v.to_string())
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ClassKey, E> {
                Ok(v.trim()
                    .parse()
                    .map_or_else(|_| ClassKey::Other(v.to_string()), ClassKey::Id))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<ClassKey, E> {
                Ok(u64::try_from(v).map_or_else(|_| ClassKey::Huge(v.to_string()), ClassKey::Id))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<ClassKey, E> {
                Ok(u64::try_from(v).map_or_else(|_| ClassKey::Other(v.to_string()), ClassKey::Id))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ClassKey, E> {
                Ok(ClassKey::Other(v.to_string()))
            }
        }
        d.deserialize_any(Key)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Split {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct RawDataYaml {
    names: Option<Names>,
    nc: Option<u64>,
    train: Option<Split>,
    val: Option<Split>,
    test: Option<Split>,
    kpt_shape: Option<Vec<f64>>,
    kpt_names: Option<KptNames>,
    task: Option<String>,
}

/// `kpt_names`: a map of class ids to point names (or a list, by class id).
#[derive(Deserialize)]
#[serde(untagged)]
enum KptNames {
    Map(std::collections::BTreeMap<u64, Vec<String>>),
    List(Vec<Vec<String>>),
}

/// The largest `kpt_shape` point count taken.
const MAX_KEYPOINTS: u64 = 4096;

/// `kpt_shape: [K, D]` with K from 1 and D 2 or 3.
fn kpt_shape(values: &[f64]) -> Result<KptShape, String> {
    let whole = |v: &f64| (v.fract() == 0.0 && *v >= 0.0 && *v < 1e9).then_some(*v as u64);
    match values {
        [k, d] => match (whole(k), whole(d)) {
            (Some(k), Some(d)) if (1..=MAX_KEYPOINTS).contains(&k) && (d == 2 || d == 3) => {
                Ok(KptShape {
                    points: k as usize,
                    dims: d as usize,
                })
            }
            _ => Err(format!(
                "`kpt_shape` must be [K, 2] or [K, 3] with K from 1 to {MAX_KEYPOINTS} points"
            )),
        },
        _ => Err("`kpt_shape` must be a list of two numbers, [K, D]".into()),
    }
}

/// "`what` above 65535, the largest Shugu takes; `then`", at `line`.
fn beyond_max(line: usize, what: String, then: &str) -> LineProblem {
    LineProblem {
        line,
        message: format!("{what} above {MAX_CLASS_ID}, the largest Shugu takes; {then}"),
    }
}

/// Parses a `data.yaml`. The error says what is wrong and, for YAML syntax,
/// where (line and column). Class ids above [`MAX_CLASS_ID`] are problems,
/// not errors: the other classes are kept.
pub fn parse_data_yaml(text: &str) -> Result<DataYaml, String> {
    let raw: RawDataYaml = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let limit = MAX_CLASS_ID as usize + 1;
    let names = match raw.names {
        Some(Names::List(mut list)) => {
            if list.len() > limit {
                let extra = list.len() - limit;
                problems.push(beyond_max(
                    0,
                    format!(
                        "`names` lists {} classes: the last {extra} have ids",
                        list.len()
                    ),
                    "their boxes are skipped",
                ));
                list.truncate(limit);
            }
            list.into_iter().map(Some).collect()
        }
        Some(Names::Map(entries)) => names_by_id(entries, &mut problems),
        None => match raw.nc {
            // Ultralytics allows `nc` alone; the classes are then named by number.
            Some(nc) => {
                if nc > limit as u64 {
                    problems.push(beyond_max(
                        0,
                        format!("`nc` is {nc}: the classes from {limit} on have ids"),
                        "their boxes are skipped",
                    ));
                }
                (0..nc.min(limit as u64))
                    .map(|i| Some(format!("class{i}")))
                    .collect()
            }
            None => return Err("it has no `names` list of classes".into()),
        },
    };
    let mut splits = Vec::new();
    for split in [raw.train, raw.val, raw.test].into_iter().flatten() {
        match split {
            Split::One(s) => splits.push(s),
            Split::Many(list) => splits.extend(list),
        }
    }
    let kpt_shape = raw.kpt_shape.as_deref().map(kpt_shape).transpose()?;
    let kpt_names = match raw.kpt_names {
        Some(KptNames::Map(map)) => map
            .into_iter()
            .filter(|(id, _)| *id <= u64::from(MAX_CLASS_ID))
            .map(|(id, names)| (id as u32, names))
            .collect(),
        Some(KptNames::List(list)) => (0..).zip(list).collect(),
        None => Vec::new(),
    };
    let task = match raw.task.as_deref().map(str::trim) {
        None => None,
        Some("detect") => Some(YoloLayout::Detect),
        Some("segment") => Some(YoloLayout::Segment),
        Some("obb") => Some(YoloLayout::Obb),
        Some("pose") => {
            let shape = kpt_shape.ok_or("`task: pose` needs a `kpt_shape: [K, D]`")?;
            Some(YoloLayout::Pose(shape))
        }
        Some(other) => {
            problems.push(LineProblem {
                line: 0,
                message: format!(
                    "`task: {other}` is not detect, segment, obb or pose; the label files tell the layout"
                ),
            });
            None
        }
    };
    Ok(DataYaml {
        names,
        splits,
        problems,
        kpt_shape,
        kpt_names,
        task,
    })
}

/// The names of a `names:` map by id; ids above [`MAX_CLASS_ID`] and keys
/// that are not ids become problems.
fn names_by_id(
    entries: Vec<(ClassKey, String)>,
    problems: &mut Vec<LineProblem>,
) -> Vec<Option<String>> {
    let mut kept: Vec<(usize, String)> = Vec::with_capacity(entries.len());
    for (key, name) in entries {
        let too_large = match key {
            ClassKey::Id(id) if id <= u64::from(MAX_CLASS_ID) => {
                kept.push((id as usize, name));
                continue;
            }
            ClassKey::Id(id) => id.to_string(),
            ClassKey::Huge(id) => id,
            ClassKey::Other(key) => {
                problems.push(LineProblem {
                    line: 0,
                    message: format!(
                        "`{key}` (`{name}`) is not a class id (a whole number from 0); its boxes are skipped"
                    ),
                });
                continue;
            }
        };
        problems.push(beyond_max(
            0,
            format!("class id {too_large} (`{name}`) is"),
            "its boxes are skipped",
        ));
    }
    let len = kept.iter().map(|(id, _)| id + 1).max().unwrap_or(0);
    let mut names = vec![None; len];
    for (id, name) in kept {
        names[id] = Some(name);
    }
    names
}

/// Parses a names file: one class name a line, ids counted from 0. Blank lines
/// at the end are ignored; a blank line in between is an error naming it,
/// since it would shift every later id. Lines past id [`MAX_CLASS_ID`] are
/// one problem, not an error.
pub fn parse_class_names(text: &str) -> Result<DataYaml, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut names: Vec<&str> = text.lines().map(str::trim).collect();
    let used = names
        .iter()
        .rposition(|n| !n.is_empty())
        .map_or(0, |p| p + 1);
    names.truncate(used);
    let mut problems = Vec::new();
    let limit = MAX_CLASS_ID as usize + 1;
    if names.len() > limit {
        let after = names.len() - limit - 1;
        problems.push(beyond_max(
            limit + 1,
            format!("this line and the {after} after it name class ids"),
            "they were left out",
        ));
        names.truncate(limit);
    }
    if let Some(blank) = names.iter().position(|n| n.is_empty()) {
        return Err(format!(
            "line {}: a blank line in the class list would shift the ids of the classes after it",
            blank + 1
        ));
    }
    if names.is_empty() {
        return Err("the class list is empty".into());
    }
    Ok(DataYaml {
        names: names.into_iter().map(|n| Some(n.to_string())).collect(),
        splits: Vec::new(),
        problems,
        ..DataYaml::default()
    })
}
