use super::mask_png::decode_mask;
use super::{ATTRIBUTES, DESCRIPTION};
use crate::formats::file_shape::FileShape;
use crate::formats::json_fields::{finite, number, parse_json_allowing_nan, pixels, text};
use crate::model::{
    AttrValue, Attributes, BBox, Keypoint, Point, Polygon, RotatedRect, Shape, Visibility,
    ellipse_polygon,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// One shape that could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelmeShape {
    /// 0-based index in `shapes`.
    pub index: usize,
    pub label: String,
    pub shape: FileShape,
    /// `group_id`, when given.
    pub group: Option<i64>,
    /// The shape's `flags` (each a flag attribute), its `description` when
    /// not empty, and its `attributes` object.
    pub attributes: Attributes,
}

/// A shape (or a field of the file) that could not be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeProblem {
    /// 0-based index in `shapes`; `None` for the file's own fields.
    pub shape: Option<usize>,
    pub message: String,
}

/// What one labelme file holds that the project can take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelmeFile {
    /// `imagePath` as written (relative to the file, by labelme's convention).
    pub image_path: Option<String>,
    /// `imageWidth` × `imageHeight`, when both are positive integers.
    pub image_size: Option<(u32, u32)>,
    pub shapes: Vec<LabelmeShape>,
    /// The names of the flags set to true, in file order.
    pub flags: Vec<String>,
    /// Shapes of other types, counted per type.
    pub skipped: BTreeMap<String, usize>,
    /// Shapes read as another kind (`circle`, read as a polygon), per type.
    pub converted: BTreeMap<String, usize>,
    pub problems: Vec<ShapeProblem>,
}

/// Parses one labelme file. Fails only when the file as a whole is unusable
/// (not UTF-8, not JSON, not an object, `shapes` not a list); a bare `NaN`
/// (Python's `json` writes it) fails only its shape.
pub fn parse_labelme(bytes: &[u8]) -> Result<LabelmeFile, String> {
    let doc = parse_json_allowing_nan(bytes)?;
    if !doc.is_object() {
        return Err("not a labelme file: the JSON is not an object".into());
    }
    let shapes = match doc.get("shapes") {
        Some(Value::Array(shapes)) => shapes.as_slice(),
        None | Some(Value::Null) => &[],
        Some(other) => return Err(format!("`shapes` is {}, not a list", kind(other))),
    };
    let mut file = LabelmeFile {
        image_size: pixels(&doc, "imageWidth").zip(pixels(&doc, "imageHeight")),
        ..Default::default()
    };
    match doc.get("imagePath") {
        None | Some(Value::Null) => {}
        Some(Value::String(p)) if !p.trim().is_empty() => file.image_path = Some(p.clone()),
        Some(other) => file.problems.push(ShapeProblem {
            shape: None,
            message: format!("`imagePath` is {}, not a file name; ignored", kind(other)),
        }),
    }
    read_flags(&doc, &mut file);
    for (index, shape) in shapes.iter().enumerate() {
        match read_shape(shape) {
            Ok(Read::Shape(mut shape, notes)) => {
                shape.set_index(index);
                if shape.converted {
                    *file.converted.entry("circle".to_string()).or_default() += 1;
                }
                file.shapes.push(shape.shape);
                file.problems
                    .extend(notes.into_iter().map(|message| ShapeProblem {
                        shape: Some(index),
                        message,
                    }));
            }
            Ok(Read::Other(kind)) => *file.skipped.entry(kind).or_default() += 1,
            Err(message) => file.problems.push(ShapeProblem {
                shape: Some(index),
                message,
            }),
        }
    }
    Ok(file)
}

fn read_flags(doc: &Value, file: &mut LabelmeFile) {
    match doc.get("flags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(flags)) => {
            for (name, set) in flags {
                match set {
                    Value::Bool(true) if !name.trim().is_empty() => file.flags.push(name.clone()),
                    Value::Bool(_) => {}
                    other => file.problems.push(ShapeProblem {
                        shape: None,
                        message: format!("flag `{name}` is {}, not true or false", kind(other)),
                    }),
                }
            }
        }
        Some(other) => file.problems.push(ShapeProblem {
            shape: None,
            message: format!("`flags` is {}, not an object; ignored", kind(other)),
        }),
    }
}

/// A shape read, with whether it was read as another kind, and notes.
struct ReadShape {
    shape: LabelmeShape,
    converted: bool,
}

impl ReadShape {
    fn set_index(&mut self, index: usize) {
        self.shape.index = index;
    }
}

enum Read {
    Shape(ReadShape, Vec<String>),
    Other(String),
}

/// The shape types this reader takes; `None` (labelme's oldest files) is a
/// polygon.
const TYPES: [&str; 9] = [
    "polygon",
    "rectangle",
    "oriented_rectangle",
    "point",
    "points",
    "line",
    "linestrip",
    "circle",
    "mask",
];

fn read_shape(shape: &Value) -> Result<Read, String> {
    if !shape.is_object() {
        return Err(format!("the shape is {}, not an object", kind(shape)));
    }
    let shape_type = match shape.get("shape_type") {
        // labelme writes no type for polygons in its oldest files.
        None | Some(Value::Null) => "polygon",
        Some(Value::String(t)) => t.as_str(),
        Some(other) => return Err(format!("`shape_type` is {}, not a string", kind(other))),
    };
    if !TYPES.contains(&shape_type) {
        return Ok(Read::Other(shape_type.to_string()));
    }
    let label = text(shape, "label")?.to_string();
    let points = match shape.get("points") {
        Some(Value::Array(points)) => points
            .iter()
            .map(point)
            .collect::<Result<Vec<Point>, String>>()?,
        None | Some(Value::Null) => return Err("`points` is missing".into()),
        Some(other) => return Err(format!("`points` is {}, not a list", kind(other))),
    };
    let count = |n: usize| {
        if points.len() == n {
            Ok(())
        } else {
            Err(format!(
                "a {shape_type} has {n} point(s), this one has {}",
                points.len()
            ))
        }
    };
    let mut notes = Vec::new();
    let visible = |p: &Point| Keypoint::new(p.x, p.y, Visibility::Visible);
    let geometry: FileShape = match shape_type {
        "rectangle" => {
            count(2)?;
            let bbox = BBox::from_corners([points[0].x, points[0].y], [points[1].x, points[1].y]);
            // Corners beyond f32 (1e40) are the import's to clamp or skip;
            // only a rectangle without area is refused here.
            if !(bbox.width() > 0.0 && bbox.height() > 0.0) {
                return Err(format!(
                    "the rectangle {:?} has no area",
                    [bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y]
                ));
            }
            Shape::Rect(bbox).into()
        }
        "oriented_rectangle" => {
            count(4)?;
            let corners = [points[0], points[1], points[2], points[3]];
            Shape::RotatedRect(RotatedRect::from_corners(corners)).into()
        }
        "point" => {
            count(1)?;
            Shape::Keypoints(vec![visible(&points[0])]).into()
        }
        "points" => Shape::Keypoints(points.iter().map(visible).collect()).into(),
        "line" | "linestrip" => Shape::Polyline(points).into(),
        "circle" => {
            count(2)?;
            let (c, p) = (points[0], points[1]);
            let r = f64::from(c.x - p.x).hypot(f64::from(c.y - p.y));
            let (cx, cy) = (f64::from(c.x), f64::from(c.y));
            let polygon = ellipse_polygon(cx, cy, r, r, 0.0).ok_or("the circle has no area")?;
            Shape::Polygon(polygon).into()
        }
        "mask" => {
            count(2)?;
            let data = match shape.get("mask") {
                Some(Value::String(data)) => data,
                _ => return Err("the mask shape has no `mask` image".into()),
            };
            let (left, top) = (points[0].x.floor(), points[0].y.floor());
            if !(left >= 0.0 && top >= 0.0) {
                return Err(format!(
                    "the mask starts at ({left}, {top}), outside the image"
                ));
            }
            let patch = decode_mask(data, left as u32, top as u32)?;
            let (w, h) = (
                points[1].x.floor() - left + 1.0,
                points[1].y.floor() - top + 1.0,
            );
            if (w, h) != (patch.width as f32, patch.height as f32) {
                notes.push(format!(
                    "its points span {w}×{h} pixels but its mask is {}×{}; the mask's own size was kept",
                    patch.width, patch.height
                ));
            }
            FileShape::Mask(patch)
        }
        _ => Shape::Polygon(Polygon::new(points)).into(),
    };
    let (group, attributes) = read_extras(shape, &mut notes);
    let read = ReadShape {
        shape: LabelmeShape {
            index: 0,
            label,
            shape: geometry,
            group,
            attributes,
        },
        converted: shape_type == "circle",
    };
    Ok(Read::Shape(read, notes))
}

/// A shape's `group_id`, and its `flags`, `description` and `attributes`
/// as attributes; notes on what of them could not be kept.
fn read_extras(shape: &Value, notes: &mut Vec<String>) -> (Option<i64>, Attributes) {
    let group = match shape.get("group_id") {
        None | Some(Value::Null) => None,
        Some(g) => match g.as_i64() {
            Some(g) => Some(g),
            None => {
                notes.push(format!("`group_id` is {g}, not a whole number; ignored"));
                None
            }
        },
    };
    let mut attributes = Attributes::new();
    match shape.get("flags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(flags)) => {
            for (name, set) in flags {
                match set {
                    Value::Bool(on) if !name.trim().is_empty() => {
                        attributes.insert(name.clone(), AttrValue::Bool(*on));
                    }
                    other => notes.push(format!(
                        "flag `{name}` is {}, not true or false; ignored",
                        kind(other)
                    )),
                }
            }
        }
        Some(other) => notes.push(format!(
            "`flags` is {}, not an object; ignored",
            kind(other)
        )),
    }
    if let Some(Value::Object(extra)) = shape.get(ATTRIBUTES) {
        for (name, value) in extra {
            let value = match value {
                Value::Bool(on) => AttrValue::Bool(*on),
                Value::String(t) => AttrValue::Text(t.clone()),
                Value::Number(n) => AttrValue::Text(n.to_string()),
                other => {
                    notes.push(format!("attribute `{name}` is {}; ignored", kind(other)));
                    continue;
                }
            };
            attributes.insert(name.clone(), value);
        }
    }
    match shape.get(DESCRIPTION) {
        Some(Value::String(d)) if !d.is_empty() => {
            attributes.insert(DESCRIPTION.to_string(), AttrValue::Text(d.clone()));
        }
        None | Some(Value::Null | Value::String(_)) => {}
        Some(other) => notes.push(format!(
            "`description` is {}, not text; ignored",
            kind(other)
        )),
    }
    (group, attributes)
}

fn point(p: &Value) -> Result<Point, String> {
    let xy = match p {
        Value::Array(xy) if xy.len() == 2 => xy,
        Value::Object(_) => return Ok(Point::new(finite(p, "x")? as f32, finite(p, "y")? as f32)),
        other => return Err(format!("the point {other} is not [x, y]")),
    };
    match (number(&xy[0]), number(&xy[1])) {
        (Some(x), Some(y)) => Ok(Point::new(x as f32, y as f32)),
        _ => Err(format!("the point {p} is not two finite numbers")),
    }
}

/// A short name of a JSON value's type, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
