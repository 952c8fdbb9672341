use super::mask_png::encode_mask;
use super::{ATTRIBUTES, DESCRIPTION};
use crate::model::{AttrValue, Attributes, Point, Shape};
use serde_json::{Map, Value, json};

/// The labelme version written into exported files (the format of labelme 5).
pub const LABELME_VERSION: &str = "5.5.0";

/// One shape to write.
pub struct LabelmeShapeOut<'a> {
    pub label: &'a str,
    pub shape: &'a Shape,
    pub group: Option<i64>,
    pub attributes: &'a Attributes,
}

/// One labelme file: `shapes` as labelme's shapes (see [`shape_json`]),
/// `flags` as every image label of the project with whether this image has
/// it. `image_path` is relative to the file; `imageData` is always null.
pub fn labelme_json(
    image_path: &str,
    width: u32,
    height: u32,
    shapes: &[LabelmeShapeOut],
    flags: &[(&str, bool)],
) -> Value {
    let shapes: Vec<Value> = shapes.iter().flat_map(shape_json).collect();
    let flags: Map<String, Value> = flags
        .iter()
        .map(|(name, set)| (name.to_string(), Value::Bool(*set)))
        .collect();
    json!({
        "version": LABELME_VERSION,
        "flags": flags,
        "shapes": shapes,
        "imagePath": image_path,
        "imageData": null,
        "imageHeight": height,
        "imageWidth": width,
    })
}

fn xy(points: impl IntoIterator<Item = Point>) -> Value {
    Value::Array(points.into_iter().map(|p| json!([p.x, p.y])).collect())
}

/// labelme's shapes of one annotation: a box as a `rectangle`, a rotated box
/// as an `oriented_rectangle` of its corners, each part of a polygon as a
/// `polygon`, a polyline as a `line` (two points) or `linestrip`, the
/// labelled keypoints as a `point` (one) or `points`, a mask as a `mask` of
/// the patch its pixels cover. Flag attributes are the shape's `flags`, the
/// attribute `description` its description, other attributes go into an
/// `attributes` object (labelme keeps keys it does not know).
pub fn shape_json(s: &LabelmeShapeOut) -> Vec<Value> {
    let mut drawn: Vec<(&str, Value, Option<String>)> = Vec::new();
    match s.shape {
        Shape::Rect(b) => drawn.push((
            "rectangle",
            json!([[b.min_x, b.min_y], [b.max_x, b.max_y]]),
            None,
        )),
        Shape::RotatedRect(r) => drawn.push(("oriented_rectangle", xy(r.corners()), None)),
        Shape::Polygon(p) => {
            for part in p.parts() {
                drawn.push(("polygon", xy(part.iter().copied()), None));
            }
        }
        Shape::Polyline(points) => {
            let kind = if points.len() == 2 {
                "line"
            } else {
                "linestrip"
            };
            drawn.push((kind, xy(points.iter().copied()), None));
        }
        Shape::Keypoints(points) => {
            let labelled: Vec<Point> = points
                .iter()
                .filter(|k| k.v.is_labelled())
                .map(|k| k.point())
                .collect();
            match labelled.len() {
                0 => {}
                1 => drawn.push(("point", xy(labelled), None)),
                _ => drawn.push(("points", xy(labelled), None)),
            }
        }
        Shape::Mask(m) => {
            if let Some(patch) = m.patch()
                && let Ok(png) = encode_mask(&patch)
            {
                let (x1, y1) = (patch.left as f32, patch.top as f32);
                let (x2, y2) = (
                    x1 + patch.width as f32 - 1.0,
                    y1 + patch.height as f32 - 1.0,
                );
                drawn.push(("mask", json!([[x1, y1], [x2, y2]]), Some(png)));
            }
        }
    }
    let flags: Map<String, Value> = s
        .attributes
        .iter()
        .filter_map(|(k, v)| v.as_bool().map(|on| (k.clone(), Value::Bool(on))))
        .collect();
    let description = match s.attributes.get(DESCRIPTION) {
        Some(AttrValue::Text(d)) => d.clone(),
        _ => String::new(),
    };
    let others: Map<String, Value> = s
        .attributes
        .iter()
        .filter(|(k, v)| v.as_bool().is_none() && *k != DESCRIPTION)
        .map(|(k, v)| (k.clone(), Value::String(v.to_text())))
        .collect();
    drawn
        .into_iter()
        .map(|(shape_type, points, mask)| {
            let mut shape = json!({
                "label": s.label,
                "points": points,
                "group_id": s.group,
                "description": description,
                "shape_type": shape_type,
                "flags": flags,
                "mask": mask,
            });
            if !others.is_empty()
                && let Some(object) = shape.as_object_mut()
            {
                object.insert(ATTRIBUTES.to_string(), Value::Object(others.clone()));
            }
            shape
        })
        .collect()
}
