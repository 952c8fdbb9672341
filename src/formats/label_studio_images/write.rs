//! One task as Label Studio exports it: every shape as the region results the
//! frontend serialises (`createSerializedResult` with the region's `serialize`),
//! a group's shapes linked by `parentID` to its first region, and the image
//! labels as one `choices` result.

use super::bbox_to_percent;
use super::brush::encode_brush;
use crate::model::{AttrValue, Attributes, Keypoint, Point, Shape, Visibility};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A keypoint's `width`: its size on screen, in percent of the image's width.
const POINT_WIDTH: f64 = 0.5;

/// A shape of an exported task.
pub struct LsShapeOut<'a> {
    /// The annotation's id; the results' ids are made from it.
    pub id: i64,
    pub label: &'a str,
    pub shape: &'a Shape,
    /// Shapes of the item with the same group are linked by `parentID`.
    pub group: Option<i64>,
    pub attributes: &'a Attributes,
    /// The class's point names, for keypoints; empty when it names none.
    pub point_names: &'a [String],
}

/// What [`task_json`] wrote in another form, or left out, by annotation id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LsTaskNotes {
    pub converted: Vec<(i64, String)>,
    pub left_out: Vec<(i64, String)>,
}

/// One task as Label Studio exports it, with one annotation holding the
/// shapes and the image labels (`from_name: "choice"`). Rectangles are written
/// by `label`, polygons and polylines by `polygon`, keypoints by `keypoint`,
/// masks by `brush`; an attribute by its own name, `perRegion`: a flag or one
/// of `choice_attribute`'s as `choices`, other text as `textarea`.
pub fn task_json(
    id: i64,
    image: &str,
    size: (u32, u32),
    shapes: &[LsShapeOut],
    choices: &[&str],
    choice_attribute: &dyn Fn(&str) -> bool,
) -> (Value, LsTaskNotes) {
    let anchors = group_anchors(shapes);
    let mut notes = LsTaskNotes::default();
    let mut result = Vec::new();
    for s in shapes {
        let parent = s
            .group
            .and_then(|g| anchors.get(&g))
            .filter(|&&anchor| anchor != s.id)
            .map(|anchor| format!("a{anchor}"));
        let regions = match regions(s, size) {
            Ok(regions) if regions.is_empty() => {
                let note = "keypoints without a labelled point; left out".to_string();
                notes.left_out.push((s.id, note));
                continue;
            }
            Ok(regions) => regions,
            Err(note) => {
                notes.left_out.push((s.id, note));
                continue;
            }
        };
        if matches!(s.shape, Shape::Polyline(_)) {
            notes.converted.push((
                s.id,
                "the polyline was written as an unfinished polygon (`closed: false`)".into(),
            ));
        }
        if let Shape::Keypoints(points) = s.shape
            && s.point_names.is_empty()
            && points.iter().filter(|p| p.v.is_labelled()).count() > 1
        {
            notes.converted.push((
                s.id,
                format!(
                    "class `{}` names no points: its points were written as separate points",
                    s.label
                ),
            ));
        }
        let first_value = regions.first().map(|(_, v)| v.clone());
        for (k, (kind, value)) in regions.into_iter().enumerate() {
            let own = format!("a{}", s.id);
            let (result_id, parent) = match k {
                0 => (own, parent.clone()),
                _ => (format!("{own}_{k}"), Some(own)),
            };
            let mut r = region_result(&result_id, kind, size, value);
            if let Some(parent) = parent {
                r["parentID"] = json!(parent);
            }
            result.push(r);
        }
        if let Some(geometry) = first_value {
            for (name, value) in s.attributes {
                let value = attribute_value(&geometry, name, value, choice_attribute);
                let (kind, value) = value;
                let mut r = region_result(&format!("a{}", s.id), kind, size, value);
                r["from_name"] = json!(name);
                result.push(r);
            }
        }
    }
    if !choices.is_empty() {
        result.push(json!({
            "id": format!("c{id}"),
            "type": "choices",
            "from_name": "choice",
            "to_name": "image",
            "original_width": size.0,
            "original_height": size.1,
            "value": { "choices": choices },
        }));
    }
    let task = json!({
        "id": id,
        "data": { "image": image },
        "annotations": [{ "id": id, "result": result, "was_cancelled": false }],
    });
    (task, notes)
}

/// Each group's first region: its first shape that is not keypoints (the
/// object's box or outline), else its first shape.
fn group_anchors(shapes: &[LsShapeOut]) -> HashMap<i64, i64> {
    let mut anchors: HashMap<i64, (i64, bool)> = HashMap::new();
    for s in shapes {
        let Some(g) = s.group else { continue };
        let region = !matches!(s.shape, Shape::Keypoints(_));
        let anchor = anchors.entry(g).or_insert((s.id, region));
        if region && !anchor.1 {
            *anchor = (s.id, true);
        }
    }
    anchors.into_iter().map(|(g, (id, _))| (g, id)).collect()
}

fn region_result(id: &str, kind: &str, (w, h): (u32, u32), value: Value) -> Value {
    let from_name = match kind {
        "rectanglelabels" => "label",
        "polygonlabels" => "polygon",
        "keypointlabels" => "keypoint",
        "brushlabels" => "brush",
        _ => "",
    };
    json!({
        "id": id,
        "type": kind,
        "from_name": from_name,
        "to_name": "image",
        "original_width": w,
        "original_height": h,
        "image_rotation": 0,
        "value": value,
    })
}

fn percent(p: Point, (w, h): (u32, u32)) -> [f64; 2] {
    [
        f64::from(p.x) / f64::from(w) * 100.0,
        f64::from(p.y) / f64::from(h) * 100.0,
    ]
}

/// The region results of a shape (type and value), in order, or why it
/// cannot be written.
fn regions(s: &LsShapeOut, size: (u32, u32)) -> Result<Vec<(&'static str, Value)>, String> {
    let label = json!([s.label]);
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let polygon = |points: &[Point], closed: bool| {
        let points: Vec<[f64; 2]> = points.iter().map(|&p| percent(p, size)).collect();
        json!({ "points": points, "closed": closed, "polygonlabels": label })
    };
    Ok(match s.shape {
        Shape::Rect(b) => {
            let [x, y, bw, bh] = bbox_to_percent(b, size.0, size.1);
            let value = json!({
                "x": x, "y": y, "width": bw, "height": bh, "rotation": 0,
                "rectanglelabels": label,
            });
            vec![("rectanglelabels", value)]
        }
        Shape::RotatedRect(r) => {
            let [x, y] = percent(r.top_left(), size);
            let value = json!({
                "x": x, "y": y,
                "width": f64::from(r.w) / w * 100.0,
                "height": f64::from(r.h) / h * 100.0,
                "rotation": f64::from(r.angle).rem_euclid(360.0),
                "rectanglelabels": label,
            });
            vec![("rectanglelabels", value)]
        }
        Shape::Polygon(p) => p
            .parts()
            .map(|part| ("polygonlabels", polygon(part, true)))
            .collect(),
        Shape::Polyline(points) => vec![("polygonlabels", polygon(points, false))],
        Shape::Keypoints(points) => points
            .iter()
            .enumerate()
            .filter(|(_, k)| k.v.is_labelled())
            .map(|(i, k)| ("keypointlabels", point_value(s, i, k, size)))
            .collect(),
        Shape::Mask(m) => {
            let rle = encode_brush(m)
                .map_err(|e| format!("the mask cannot be written: {e}; left out"))?;
            let value = json!({ "format": "rle", "rle": rle, "brushlabels": label });
            vec![("brushlabels", value)]
        }
    })
}

/// A keypoint's value: labelled with its name (the class's own name when it
/// names none); one that is not visible is `hidden`, as label-studio-converter
/// writes COCO's.
fn point_value(s: &LsShapeOut, i: usize, k: &Keypoint, size: (u32, u32)) -> Value {
    let name = s.point_names.get(i).map_or(s.label, String::as_str);
    let [x, y] = percent(k.point(), size);
    let mut value = json!({ "x": x, "y": y, "width": POINT_WIDTH, "keypointlabels": [name] });
    if k.v == Visibility::Occluded {
        value["hidden"] = json!(true);
    }
    value
}

/// A per-region attribute's result type and value: the region's geometry
/// (as Label Studio repeats it) with the choice or the text.
fn attribute_value(
    geometry: &Value,
    name: &str,
    value: &AttrValue,
    choice_attribute: &dyn Fn(&str) -> bool,
) -> (&'static str, Value) {
    let mut out: Map<String, Value> = geometry
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !k.ends_with("labels") && *k != "rle")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let kind = match value {
        AttrValue::Bool(b) => {
            out.insert("choices".into(), json!([b.to_string()]));
            "choices"
        }
        AttrValue::Text(t) if choice_attribute(name) => {
            out.insert("choices".into(), json!([t]));
            "choices"
        }
        AttrValue::Text(t) => {
            out.insert("text".into(), json!([t]));
            "textarea"
        }
    };
    (kind, Value::Object(out))
}
