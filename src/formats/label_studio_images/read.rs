//! One task's results: the regions with their labels and geometry (in percent,
//! as written), the per-region classifications sharing a region's `id` as its
//! attributes, and the task's `choices` as image labels.

use super::{LsGeometry, LsProblem, LsRegion, LsTask, LsTasks};
use crate::formats::json_fields::{finite, number, pixels, text};
use crate::model::{AttrValue, AttributeDef, AttributeKind, Attributes};
use serde_json::Value;
use std::collections::HashMap;

/// The result types that draw a region, with and without labels of their own.
const REGION_TYPES: [&str; 10] = [
    "rectanglelabels",
    "polygonlabels",
    "ellipselabels",
    "keypointlabels",
    "brushlabels",
    "rectangle",
    "polygon",
    "ellipse",
    "keypoint",
    "brush",
];

/// Per-region classifications (`perRegion="true"`): a result of one of these
/// types sharing a region's `id` is an attribute of it, named by `from_name`.
const ATTRIBUTE_TYPES: [&str; 4] = ["choices", "textarea", "number", "rating"];

fn kind_of(result: &Value) -> &str {
    result
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn id_of(result: &Value) -> Option<String> {
    result.get("id").and_then(Value::as_str).map(str::to_string)
}

/// Reads the results of one annotation into `task`; what cannot be read is a
/// problem at its result, results of other types are counted in `skipped`,
/// and each per-region classification defines its attribute.
pub(super) fn read_results(
    results: &[Value],
    at: impl Fn(usize) -> String,
    task: &mut LsTask,
    out: &mut LsTasks,
) {
    let region_ids: HashMap<String, usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| REGION_TYPES.contains(&kind_of(r)))
        .filter_map(|(i, r)| Some((id_of(r)?, i)))
        .collect();
    // Labels given by a separate `labels` result sharing the region's id.
    let mut labels: HashMap<String, String> = HashMap::new();
    let mut attributes: HashMap<String, Attributes> = HashMap::new();
    for (r, result) in results.iter().enumerate() {
        let kind = kind_of(result);
        let of_region = id_of(result).filter(|id| region_ids.contains_key(id));
        match (kind, of_region) {
            ("labels", Some(id)) => {
                if let Some(label) = result.get("value").and_then(|v| first_label(v, "labels")) {
                    labels.entry(id).or_insert(label);
                }
            }
            (kind, Some(id)) if ATTRIBUTE_TYPES.contains(&kind) => match attribute(result) {
                Ok((name, value)) => {
                    define(&mut out.attribute_defs, &name, kind, &value);
                    attributes.entry(id).or_default().insert(name, value);
                }
                Err(message) => out.problems.push(LsProblem { at: at(r), message }),
            },
            _ => {}
        }
    }
    for (r, result) in results.iter().enumerate() {
        let kind = kind_of(result);
        let outcome = if REGION_TYPES.contains(&kind) {
            read_region(result, kind, &labels).map(|mut region| {
                region.at = at(r);
                if let Some(a) = region.id.as_ref().and_then(|id| attributes.remove(id)) {
                    region.attributes = a;
                }
                task.regions.push(region);
            })
        } else if id_of(result).is_some_and(|id| region_ids.contains_key(&id)) {
            // A region's label or attribute, read above.
            Ok(())
        } else if kind == "choices" {
            read_choices(result, task)
        } else if kind.is_empty() {
            Err("the result has no `type`".to_string())
        } else {
            *out.skipped.entry(kind.to_string()).or_default() += 1;
            Ok(())
        };
        if let Err(message) = outcome {
            out.problems.push(LsProblem { at: at(r), message });
        }
    }
}

fn read_choices(result: &Value, task: &mut LsTask) -> Result<(), String> {
    match result.get("value").and_then(|v| v.get("choices")) {
        Some(Value::Array(choices)) => {
            for c in choices {
                match c.as_str().filter(|c| !c.trim().is_empty()) {
                    Some(c) => task.choices.push(c.to_string()),
                    None => return Err(format!("the choice {c} is not a name")),
                }
            }
            Ok(())
        }
        _ => Err("`value.choices` is not a list".into()),
    }
}

/// Notes attribute `name` in `defs`, as the results of type `kind` define it:
/// `choices` of `true`/`false` a flag, other `choices` one of the values seen
/// (in the order seen), other types text. The first kind seen for a name stays.
fn define(defs: &mut Vec<AttributeDef>, name: &str, kind: &str, value: &AttrValue) {
    let at = match defs.iter().position(|d| d.name == name) {
        Some(at) => at,
        None => {
            let kind = match (kind, value) {
                (_, AttrValue::Bool(_)) => AttributeKind::Bool,
                ("choices", _) => AttributeKind::OneOf(Vec::new()),
                _ => AttributeKind::Text,
            };
            defs.push(AttributeDef {
                name: name.to_string(),
                kind,
                default: None,
            });
            defs.len() - 1
        }
    };
    if let (AttributeKind::OneOf(options), AttrValue::Text(t)) = (&mut defs[at].kind, value)
        && !options.contains(t)
    {
        options.push(t.clone());
    }
}

/// The first name of `value[key]` (`rectanglelabels: ["car"]`).
fn first_label(value: &Value, key: &str) -> Option<String> {
    match value.get(key) {
        Some(Value::Array(labels)) => labels.first().and_then(Value::as_str),
        _ => None,
    }
    .filter(|l| !l.trim().is_empty())
    .map(str::to_string)
}

/// A per-region classification as an attribute: `from_name` → the value.
/// `choices` of `true` or `false` are flags, other choices text (several
/// joined by `, `); `textarea` lines are joined by line breaks; numbers and
/// ratings are text.
fn attribute(result: &Value) -> Result<(String, AttrValue), String> {
    let name = text(result, "from_name")?.to_string();
    let value = result.get("value").ok_or("the result has no `value`")?;
    let strings = |key: &str| -> Result<Vec<&str>, String> {
        match value.get(key) {
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| v.as_str().ok_or_else(|| format!("`value.{key}` holds {v}")))
                .collect(),
            Some(Value::String(s)) => Ok(vec![s.as_str()]),
            _ => Err(format!("`value.{key}` is not a list")),
        }
    };
    let value = match text(result, "type")? {
        "choices" => match strings("choices")?.as_slice() {
            ["true"] => AttrValue::Bool(true),
            ["false"] => AttrValue::Bool(false),
            list => AttrValue::Text(list.join(", ")),
        },
        "textarea" => AttrValue::Text(strings("text")?.join("\n")),
        kind => {
            let n = finite(value, kind)?;
            AttrValue::Text(n.to_string())
        }
    };
    Ok((name, value))
}

fn read_region(
    result: &Value,
    kind: &str,
    labels: &HashMap<String, String>,
) -> Result<LsRegion, String> {
    let value = result
        .get("value")
        .filter(|v| v.is_object())
        .ok_or("the result has no `value` object")?;
    let id = result.get("id").and_then(Value::as_str).map(str::to_string);
    let label = first_label(value, kind)
        .or_else(|| first_label(value, "labels"))
        .or_else(|| id.as_ref().and_then(|id| labels.get(id).cloned()))
        .ok_or_else(|| format!("`value.{kind}` has no label name"))?;
    let geometry = match kind.trim_end_matches("labels") {
        "rectangle" => {
            let rotation = match value.get("rotation") {
                None | Some(Value::Null) => 0.0,
                Some(_) => finite(value, "rotation")?,
            };
            let percent = [
                finite(value, "x")?,
                finite(value, "y")?,
                finite(value, "width")?,
                finite(value, "height")?,
            ];
            if percent[2] <= 0.0 || percent[3] <= 0.0 {
                return Err(format!("the rectangle {percent:?} has no area"));
            }
            LsGeometry::Rect { percent, rotation }
        }
        "polygon" => {
            let points = match value.get("points") {
                Some(Value::Array(points)) => points
                    .iter()
                    .map(|p| match p.as_array().map(Vec::as_slice) {
                        Some([x, y]) => number(x).zip(number(y)).map(|(x, y)| [x, y]),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or("`value.points` holds something other than [x, y] numbers")?,
                _ => return Err("`value.points` is not a list".into()),
            };
            let closed = value.get("closed").and_then(Value::as_bool).unwrap_or(true);
            LsGeometry::Polygon { points, closed }
        }
        "ellipse" => {
            let rotation = match value.get("rotation") {
                None | Some(Value::Null) => 0.0,
                Some(_) => finite(value, "rotation")?,
            };
            let radii = [finite(value, "radiusX")?, finite(value, "radiusY")?];
            if radii[0] <= 0.0 || radii[1] <= 0.0 {
                return Err(format!("the ellipse's radii {radii:?} are not positive"));
            }
            LsGeometry::Ellipse {
                centre: [finite(value, "x")?, finite(value, "y")?],
                radii,
                rotation,
            }
        }
        "keypoint" => LsGeometry::Point {
            at: [finite(value, "x")?, finite(value, "y")?],
            hidden: value.get("hidden").and_then(Value::as_bool) == Some(true),
        },
        _ => brush(value)?,
    };
    Ok(LsRegion {
        at: String::new(),
        id,
        parent: result
            .get("parentID")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        kind: kind.to_string(),
        label,
        geometry,
        original: pixels(result, "original_width").zip(pixels(result, "original_height")),
        attributes: Attributes::new(),
    })
}

/// A brush's RLE bytes; other forms (strokes as `touches`, a PNG as
/// `maskDataURL`) are not read.
fn brush(value: &Value) -> Result<LsGeometry, String> {
    let format = value.get("format").and_then(Value::as_str);
    match (format, value.get("rle")) {
        (Some("rle") | None, Some(Value::Array(bytes))) => bytes
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(LsGeometry::Brush)
            .ok_or_else(|| "`value.rle` holds something other than bytes (0 to 255)".into()),
        (Some(other), _) if other != "rle" => Err(format!(
            "the brush is in format `{other}`; only `rle` is read, the region was left out"
        )),
        _ => Err(
            "the brush has no `rle` (strokes or a mask image only); only RLE brushes are read, the region was left out"
                .into(),
        ),
    }
}
