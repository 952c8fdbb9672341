use super::parse_shape::{SHAPES, read_shape};
use super::skeleton::read_edges;
use super::{AttributeSpec, CvatFile, CvatImage, CvatLabel, CvatProblem, CvatSkeleton, InputType};
use crate::formats::xml::{child, child_text, children, decode, parse_document};
use crate::model::Rgb;
use roxmltree::Node;

/// Shapes of CVAT for images this reader counts and leaves out.
const OTHER_SHAPES: [&str; 2] = ["cuboid", "track"];

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
/// each name once; a label with a `<parent>` is a point of that skeleton.
fn read_labels(meta: Node, file: &mut CvatFile) {
    let labels = meta.descendants().filter(|n| {
        n.is_element()
            && n.tag_name().name() == "label"
            && n.parent().is_some_and(|p| p.tag_name().name() == "labels")
    });
    let mut points: Vec<(String, String)> = Vec::new();
    let mut svgs: Vec<(String, String)> = Vec::new();
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
        if let Some(parent) = child_text(node, "parent") {
            points.push((parent, name));
            continue;
        }
        if name.trim().is_empty() || file.label(&name).is_some() {
            continue;
        }
        let kind = child_text(node, "type");
        if kind.as_deref() == Some("skeleton") {
            let svg = child(node, "svg")
                .and_then(|n| n.text())
                .unwrap_or_default();
            svgs.push((name.clone(), svg.to_string()));
        }
        let mut label = CvatLabel {
            color: child_text(node, "color").and_then(|c| parse_color(&c)),
            kind,
            name,
            attributes: Vec::new(),
            skeleton: None,
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
    for (name, svg) in svgs {
        let points: Vec<String> = points
            .iter()
            .filter(|(parent, _)| *parent == name)
            .map(|(_, point)| point.clone())
            .collect();
        let (edges, notes) = read_edges(&svg, &points);
        for message in notes {
            file.problems.push(CvatProblem {
                at: format!("<meta> label `{name}`"),
                message,
            });
        }
        if let Some(label) = file.labels.iter_mut().find(|l| l.name == name) {
            label.skeleton = Some(CvatSkeleton { points, edges });
        }
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
    let mut counts = [0usize; SHAPES.len()];
    for node in node.children().filter(Node::is_element) {
        let tag = node.tag_name().name();
        if let Some(kind) = SHAPES.iter().position(|s| *s == tag) {
            let index = counts[kind];
            counts[kind] += 1;
            let at = format!("{place}, {tag} {index}");
            match read_shape(node, SHAPES[kind], file) {
                Ok((mut shape, notes)) => {
                    shape.index = index;
                    if tag == "ellipse" {
                        *file.converted.entry(tag.to_string()).or_default() += 1;
                    }
                    image.shapes.push(shape);
                    file.problems
                        .extend(notes.into_iter().map(|message| CvatProblem {
                            at: at.clone(),
                            message,
                        }));
                }
                Err(message) => file.problems.push(CvatProblem { at, message }),
            }
            continue;
        }
        match tag {
            "tag" => match node.attribute("label").filter(|l| !l.trim().is_empty()) {
                Some(label) => {
                    if children(node, "attribute").next().is_some() {
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
