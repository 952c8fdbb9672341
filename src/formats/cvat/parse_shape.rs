//! One shape element of an `<image>`: its geometry, label, group and
//! attributes.

use super::mask_rle::decode_mask;
use super::{AttributeSpec, CvatFile, CvatShape, InputType, OCCLUDED, Z_ORDER};
use crate::formats::file_shape::FileShape;
use crate::formats::xml::{box_corners, children, flag};
use crate::model::{
    AttrValue, Attributes, BBox, Keypoint, Point, Polygon, RotatedRect, Shape, Visibility,
    ellipse_polygon,
};
use roxmltree::Node;

/// The shape elements this reader takes, by their XML name.
pub const SHAPES: [&str; 7] = [
    "box", "polygon", "polyline", "points", "ellipse", "mask", "skeleton",
];

/// One shape and notes on what of it was ignored, or why it cannot be
/// taken. `element` is one of [`SHAPES`].
pub fn read_shape(
    node: Node,
    element: &'static str,
    file: &CvatFile,
) -> Result<(CvatShape, Vec<String>), String> {
    let label = node
        .attribute("label")
        .filter(|l| !l.trim().is_empty())
        .ok_or_else(|| format!("the {element} has no label; skipped"))?
        .to_string();
    let value = |key: &str| {
        node.attribute(key)
            .map(str::to_string)
            .ok_or_else(|| format!("the {element} has no {key}; skipped"))
    };
    let mut notes = Vec::new();
    let shape = match element {
        "box" => read_box(node, &value)?,
        "polygon" => Shape::Polygon(Polygon::new(points(&value("points")?)?)).into(),
        "polyline" => Shape::Polyline(points(&value("points")?)?).into(),
        "points" => {
            let points = points(&value("points")?)?;
            Shape::Keypoints(
                points
                    .iter()
                    .map(|p| Keypoint::new(p.x, p.y, Visibility::Visible))
                    .collect(),
            )
            .into()
        }
        "ellipse" => {
            let [cx, cy, rx, ry] = ["cx", "cy", "rx", "ry"].map(|k| number(k, &value(k)));
            let rotation = rotation(node)?;
            let polygon = ellipse_polygon(cx?, cy?, rx?, ry?, rotation)
                .ok_or("the ellipse has no area; skipped")?;
            Shape::Polygon(polygon).into()
        }
        "mask" => FileShape::Mask(decode_mask(
            &value("rle")?,
            &value("left")?,
            &value("top")?,
            &value("width")?,
            &value("height")?,
        )?),
        _ => read_skeleton(node, &label, file, &mut notes)?,
    };
    let mut attributes = Attributes::new();
    if let Some(text) = node.attribute(OCCLUDED) {
        match flag(text) {
            Some(on) => {
                attributes.insert(OCCLUDED.to_string(), AttrValue::Bool(on));
            }
            None => notes.push(format!("occluded is \"{text}\", not 0 or 1; ignored")),
        }
    }
    if let Some(z) = node.attribute(Z_ORDER).map(str::trim)
        && !z.is_empty()
        && z != "0"
    {
        attributes.insert(Z_ORDER.to_string(), AttrValue::Text(z.to_string()));
    }
    let group = match node.attribute("group_id").map(str::trim) {
        None | Some("" | "0") => None,
        Some(text) => match text.parse::<i64>() {
            Ok(g) => Some(g),
            Err(_) => {
                notes.push(format!(
                    "group_id is \"{text}\", not a whole number; ignored"
                ));
                None
            }
        },
    };
    let specs = file
        .label(&label)
        .map(|l| l.attributes.as_slice())
        .unwrap_or_default();
    read_attributes(node, specs, &mut attributes, &mut notes);
    Ok((
        CvatShape {
            element,
            index: 0,
            label,
            shape,
            group,
            attributes,
        },
        notes,
    ))
}

/// A `<box>`: its corners in order; turned by `rotation` degrees clockwise
/// about its centre, a rotated box.
fn read_box(
    node: Node,
    value: &dyn Fn(&str) -> Result<String, String>,
) -> Result<FileShape, String> {
    let [x0, y0, x1, y1] = box_corners(["xtl", "ytl", "xbr", "ybr"], value)?;
    let angle = rotation(node)?;
    if angle % 360.0 == 0.0 {
        return Ok(Shape::Rect(BBox {
            min_x: x0 as f32,
            min_y: y0 as f32,
            max_x: x1 as f32,
            max_y: y1 as f32,
        })
        .into());
    }
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let r = RotatedRect::new(
        cx as f32,
        cy as f32,
        (x1 - x0) as f32,
        (y1 - y0) as f32,
        angle as f32,
    );
    Ok(Shape::RotatedRect(r).into())
}

/// `rotation`, in degrees clockwise; 0 when not given.
fn rotation(node: Node) -> Result<f64, String> {
    match node.attribute("rotation") {
        None => Ok(0.0),
        Some(text) => number("rotation", &Ok(text.to_string())),
    }
}

fn number(key: &str, text: &Result<String, String>) -> Result<f64, String> {
    let text = text.as_ref().map_err(Clone::clone)?;
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{key} is \"{text}\", not a number; skipped"))
}

/// `points="x0,y0;x1,y1;…"`.
fn points(text: &str) -> Result<Vec<Point>, String> {
    text.split(';')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let xy = pair.split_once(',').and_then(|(x, y)| {
                let (x, y) = (x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?);
                (x.is_finite() && y.is_finite()).then(|| Point::new(x as f32, y as f32))
            });
            xy.ok_or_else(|| format!("the point \"{pair}\" is not two numbers x,y; skipped"))
        })
        .collect()
}

/// A `<skeleton>`'s `<points>` children as keypoints in the order of its
/// label's points (those the file's `<meta>` declares, else the children's
/// own order): `outside` ones not labelled, `occluded` ones labelled but not
/// visible, points without a child not labelled.
fn read_skeleton(
    node: Node,
    label: &str,
    file: &CvatFile,
    notes: &mut Vec<String>,
) -> Result<FileShape, String> {
    let elements: Vec<Node> = children(node, "points").collect();
    let declared = file.label(label).and_then(|l| l.skeleton.as_ref());
    let names: Vec<&str> = match declared {
        Some(s) => s.points.iter().map(String::as_str).collect(),
        None => elements
            .iter()
            .filter_map(|e| e.attribute("label"))
            .collect(),
    };
    if names.is_empty() {
        return Err(format!("the skeleton `{label}` has no points; skipped"));
    }
    let mut keypoints = vec![Keypoint::NOT_LABELLED; names.len()];
    for element in &elements {
        let name = element.attribute("label").unwrap_or_default();
        let Some(i) = names.iter().position(|n| *n == name) else {
            notes.push(format!(
                "point `{name}` is not one of the skeleton's points; left out"
            ));
            continue;
        };
        if children(*element, "attribute").next().is_some() {
            notes.push(format!(
                "the attributes of point `{name}` are not kept (a keypoint carries none)"
            ));
        }
        if element.attribute("outside").and_then(flag) == Some(true) {
            continue;
        }
        let at = points(element.attribute("points").unwrap_or_default())?;
        let Some(p) = at.first() else {
            notes.push(format!("point `{name}` has no coordinates; not labelled"));
            continue;
        };
        let occluded = element.attribute(OCCLUDED).and_then(flag) == Some(true);
        let v = if occluded {
            Visibility::Occluded
        } else {
            Visibility::Visible
        };
        keypoints[i] = Keypoint::new(p.x, p.y, v);
    }
    Ok(Shape::Keypoints(keypoints).into())
}

/// The shape's own `<attribute>` children (not its skeleton points'),
/// typed by `specs`.
fn read_attributes(
    node: Node,
    specs: &[AttributeSpec],
    attributes: &mut Attributes,
    notes: &mut Vec<String>,
) {
    for attr in children(node, "attribute") {
        let Some(name) = attr.attribute("name").filter(|n| !n.trim().is_empty()) else {
            notes.push("an <attribute> has no name; ignored".into());
            continue;
        };
        let value = attr.text().unwrap_or_default().trim();
        match typed_value(specs.iter().find(|s| s.name == name), value) {
            Ok(v) => {
                attributes.insert(name.to_string(), v);
            }
            Err(reason) => notes.push(format!("attribute `{name}`: {reason}; ignored")),
        }
    }
}

/// A value as its spec types it; undeclared `true`/`false` are flags (as
/// datumaro writes them), other undeclared values text.
fn typed_value(spec: Option<&AttributeSpec>, value: &str) -> Result<AttrValue, String> {
    let Some(spec) = spec else {
        return Ok(match value {
            "true" | "True" => AttrValue::Bool(true),
            "false" | "False" => AttrValue::Bool(false),
            _ => AttrValue::Text(value.to_string()),
        });
    };
    match spec.input_type {
        InputType::Checkbox => flag(value)
            .map(AttrValue::Bool)
            .ok_or_else(|| format!("\"{value}\" is not true or false")),
        InputType::Select | InputType::Radio => {
            if spec.values.iter().any(|v| v == value) {
                Ok(AttrValue::Text(value.to_string()))
            } else {
                Err(format!(
                    "\"{value}\" is not one of its values ({})",
                    spec.values.join(", ")
                ))
            }
        }
        InputType::Text | InputType::Number => Ok(AttrValue::Text(value.to_string())),
    }
}
