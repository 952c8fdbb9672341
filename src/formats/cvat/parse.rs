use super::{
    AttributeSpec, CvatBox, CvatFile, CvatImage, CvatLabel, CvatProblem, InputType, OCCLUDED,
};
use crate::formats::xml::{box_corners, child, child_text, children, decode, flag, parse_document};
use crate::model::{AttrValue, Attributes, BBox, Rgb};
use roxmltree::Node;

/// Shapes of CVAT for images this reader counts and leaves out.
const OTHER_SHAPES: [&str; 8] = [
    "polygon", "polyline", "points", "ellipse", "mask", "cuboid", "skeleton", "track",
];

/// Reads a CVAT for images 1.1 file.
pub fn parse_cvat(bytes: &[u8]) -> Result<CvatFile, String> {
    let text = decode(bytes)?;
    let doc = parse_document(&text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "annotations" {
        return Err(format!(
            "not a CVAT for images file: the root element is <{}>, not <annotations>",
            root.tag_name().name()
        ));
    }
    let mut file = CvatFile {
        version: child_text(root, "version"),
        ..CvatFile::default()
    };
    if let Some(v) = &file.version
        && v.split('.').next() != Some("1")
    {
        file.problems.push(CvatProblem {
            at: String::new(),
            message: format!("<version> is {v}; read as 1.1"),
        });
    }
    match child(root, "meta") {
        Some(meta) => {
            file.subset = child(meta, "task").and_then(|task| child_text(task, "subset"));
            read_labels(meta, &mut file);
        }
        None => file.problems.push(CvatProblem {
            at: String::new(),
            message: "there is no <meta>, so no labels are declared".into(),
        }),
    }
    let mut images = 0;
    for node in root.children().filter(Node::is_element) {
        let tag = node.tag_name().name();
        if tag == "image" {
            read_image(node, images, &mut file);
            images += 1;
        } else if OTHER_SHAPES.contains(&tag) {
            *file.skipped.entry(tag.to_string()).or_default() += 1;
        }
    }
    Ok(file)
}

/// The labels of `<meta>`: under `<task>`, `<project>` or `<job>`, in order,
/// each name once.
fn read_labels(meta: Node, file: &mut CvatFile) {
    let labels = meta.descendants().filter(|n| {
        n.is_element()
            && n.tag_name().name() == "label"
            && n.parent().is_some_and(|p| p.tag_name().name() == "labels")
    });
    for (index, node) in labels.enumerate() {
        let at = format!("<meta> label {index}");
        let Some(name) = child(node, "name")
            .and_then(|n| n.text())
            .map(str::to_string)
        else {
            file.problems.push(CvatProblem {
                at,
                message: "the label has no <name>; ignored".into(),
            });
            continue;
        };
        if name.trim().is_empty() || file.label(&name).is_some() {
            continue;
        }
        let mut label = CvatLabel {
            color: child_text(node, "color").and_then(|c| parse_color(&c)),
            kind: child_text(node, "type"),
            name,
            attributes: Vec::new(),
        };
        if let Some(block) = child(node, "attributes") {
            for attr in children(block, "attribute") {
                match read_spec(attr) {
                    Ok(spec) => label.attributes.push(spec),
                    Err(message) => file.problems.push(CvatProblem {
                        at: format!("<meta> label `{}`", label.name),
                        message,
                    }),
                }
            }
        }
        file.labels.push(label);
    }
}

fn read_spec(node: Node) -> Result<AttributeSpec, String> {
    let name = child_text(node, "name").ok_or("an attribute has no <name>; ignored")?;
    let input = child_text(node, "input_type").unwrap_or_else(|| "text".into());
    let input_type = InputType::parse(&input).ok_or_else(|| {
        format!("attribute `{name}` has input type `{input}`, which is not checkbox, select, radio, text or number; ignored")
    })?;
    let values = child(node, "values")
        .and_then(|v| v.text())
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    let default = child(node, "default_value")
        .and_then(|v| v.text())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    Ok(AttributeSpec {
        name,
        input_type,
        default,
        values,
    })
}

/// `#rrggbb`.
fn parse_color(text: &str) -> Option<Rgb> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
}

fn read_image(node: Node, index: usize, file: &mut CvatFile) {
    let name = node.attribute("name").unwrap_or_default().to_string();
    if name.trim().is_empty() {
        file.problems.push(CvatProblem {
            at: format!("image {index}"),
            message: "the <image> has no name; the image is skipped".into(),
        });
        return;
    }
    let place = format!("image {index} (`{name}`)");
    let dim = |key| {
        node.attribute(key)
            .and_then(|t| t.trim().parse::<f64>().ok())
    };
    let size = match (dim("width"), dim("height")) {
        (Some(w), Some(h)) if w >= 1.0 && h >= 1.0 && w < 1e9 && h < 1e9 => {
            Some((w as u32, h as u32))
        }
        (None, None) => None,
        _ => {
            file.problems.push(CvatProblem {
                at: place.clone(),
                message: "width and height are not sizes above 0; ignored".into(),
            });
            None
        }
    };
    let subset = node
        .attribute("subset")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut image = CvatImage {
        index,
        name,
        subset,
        size,
        ..CvatImage::default()
    };
    let mut box_index = 0;
    for shape in node.children().filter(Node::is_element) {
        match shape.tag_name().name() {
            "box" => {
                let at = format!("{place}, box {box_index}");
                box_index += 1;
                match read_box(shape, file) {
                    Ok((mut b, notes)) => {
                        b.index = box_index - 1;
                        image.boxes.push(b);
                        file.problems
                            .extend(notes.into_iter().map(|message| CvatProblem {
                                at: at.clone(),
                                message,
                            }));
                    }
                    Err(message) => file.problems.push(CvatProblem { at, message }),
                }
            }
            "tag" => match shape.attribute("label").filter(|l| !l.trim().is_empty()) {
                Some(label) => {
                    if children(shape, "attribute").next().is_some() {
                        file.problems.push(CvatProblem {
                            at: place.clone(),
                            message: format!(
                                "tag `{label}`: its attributes are not kept (image labels carry none)"
                            ),
                        });
                    }
                    image.tags.push(label.to_string());
                }
                None => file.problems.push(CvatProblem {
                    at: place.clone(),
                    message: "a <tag> has no label; skipped".into(),
                }),
            },
            other if OTHER_SHAPES.contains(&other) => {
                *file.skipped.entry(other.to_string()).or_default() += 1;
            }
            _ => {}
        }
    }
    file.images.push(image);
}

/// One box and notes on what of it was ignored, or why it cannot be taken.
fn read_box(node: Node, file: &CvatFile) -> Result<(CvatBox, Vec<String>), String> {
    let label = node
        .attribute("label")
        .filter(|l| !l.trim().is_empty())
        .ok_or("the box has no label; skipped")?
        .to_string();
    let [x0, y0, x1, y1] = box_corners(["xtl", "ytl", "xbr", "ybr"], |key| {
        node.attribute(key)
            .map(str::to_string)
            .ok_or_else(|| format!("the box has no {key}; skipped"))
    })?;
    if let Some(rotation) = node.attribute("rotation")
        && rotation
            .trim()
            .parse::<f64>()
            .map_or(true, |r| r % 360.0 != 0.0)
    {
        return Err(format!(
            "the box is rotated by {rotation}°; rotated boxes are not supported; skipped"
        ));
    }
    let mut notes = Vec::new();
    let mut attributes = Attributes::new();
    if let Some(text) = node.attribute(OCCLUDED) {
        match flag(text) {
            Some(on) => {
                attributes.insert(OCCLUDED.to_string(), AttrValue::Bool(on));
            }
            None => notes.push(format!("occluded is \"{text}\", not 0 or 1; ignored")),
        }
    }
    let specs = file
        .label(&label)
        .map(|l| l.attributes.as_slice())
        .unwrap_or_default();
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
    let bbox = BBox {
        min_x: x0 as f32,
        min_y: y0 as f32,
        max_x: x1 as f32,
        max_y: y1 as f32,
    };
    Ok((
        CvatBox {
            index: 0,
            label,
            bbox,
            attributes,
        },
        notes,
    ))
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
