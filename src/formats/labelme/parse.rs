use crate::formats::json_fields::{finite, number, parse_json_allowing_nan, pixels, text};
use crate::model::BBox;
use serde_json::Value;
use std::collections::BTreeMap;

/// A `rectangle` shape read as a box.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelmeRect {
    /// 0-based index in `shapes`.
    pub shape: usize,
    pub label: String,
    pub bbox: BBox,
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
    pub rects: Vec<LabelmeRect>,
    /// The names of the flags set to true, in file order.
    pub flags: Vec<String>,
    /// Shapes of other types, counted per type.
    pub skipped: BTreeMap<String, usize>,
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
            Ok(Shape::Rect(label, bbox)) => file.rects.push(LabelmeRect {
                shape: index,
                label,
                bbox,
            }),
            Ok(Shape::Other(kind)) => *file.skipped.entry(kind).or_default() += 1,
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

enum Shape {
    Rect(String, BBox),
    Other(String),
}

fn read_shape(shape: &Value) -> Result<Shape, String> {
    if !shape.is_object() {
        return Err(format!("the shape is {}, not an object", kind(shape)));
    }
    let shape_type = match shape.get("shape_type") {
        // labelme writes no type for polygons in its oldest files.
        None | Some(Value::Null) => "polygon",
        Some(Value::String(t)) => t.as_str(),
        Some(other) => return Err(format!("`shape_type` is {}, not a string", kind(other))),
    };
    if shape_type != "rectangle" {
        return Ok(Shape::Other(shape_type.to_string()));
    }
    let label = text(shape, "label")?.to_string();
    let points = match shape.get("points") {
        Some(Value::Array(points)) => points,
        None | Some(Value::Null) => return Err("`points` is missing".into()),
        Some(other) => return Err(format!("`points` is {}, not a list", kind(other))),
    };
    let [a, b] = points.as_slice() else {
        return Err(format!(
            "a rectangle has two points, this one has {}",
            points.len()
        ));
    };
    let bbox = BBox::from_corners(point(a)?, point(b)?);
    // Corners beyond f32 (1e40) are the import's to clamp or skip; only a
    // rectangle without area is refused here.
    if !(bbox.width() > 0.0 && bbox.height() > 0.0) {
        return Err(format!(
            "the rectangle {:?} has no area",
            [bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y]
        ));
    }
    Ok(Shape::Rect(label, bbox))
}

fn point(p: &Value) -> Result<[f32; 2], String> {
    let xy = match p {
        Value::Array(xy) if xy.len() == 2 => xy,
        Value::Object(_) => return Ok([finite(p, "x")? as f32, finite(p, "y")? as f32]),
        other => return Err(format!("the point {other} is not [x, y]")),
    };
    match (number(&xy[0]), number(&xy[1])) {
        (Some(x), Some(y)) => Ok([x as f32, y as f32]),
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
