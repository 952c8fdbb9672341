use super::{VOC_FLAGS, corners_to_bbox};
use crate::formats::xml::{
    child, child_text, children, corner_values, decode, flag, parse_document,
};
use crate::model::{AttrValue, Attributes, BBox, Rgb};
use roxmltree::Node;

/// One `<object>` that could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct VocObject {
    pub name: String,
    pub bbox: BBox,
    /// `difficult`, `truncated`, `occluded` (flags), `pose` and the
    /// `<attributes>` block (`true`/`false` become flags, the rest text).
    pub attributes: Attributes,
}

/// Something in a file that was left out or read with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectProblem {
    /// The object's index (from 0), or `None` for the file as a whole.
    pub object: Option<usize>,
    pub message: String,
}

/// One VOC annotation file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VocFile {
    pub filename: Option<String>,
    pub folder: Option<String>,
    pub path: Option<String>,
    /// `<size>` when it gives a width and height above 0.
    pub size: Option<(u32, u32)>,
    pub objects: Vec<VocObject>,
    pub problems: Vec<ObjectProblem>,
}

/// Reads one VOC annotation file.
pub fn parse_voc(bytes: &[u8]) -> Result<VocFile, String> {
    let text = decode(bytes)?;
    let doc = parse_document(&text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "annotation" {
        return Err(format!(
            "not a VOC annotation: the root element is <{}>, not <annotation>",
            root.tag_name().name()
        ));
    }
    let mut file = VocFile {
        filename: child_text(root, "filename"),
        folder: child_text(root, "folder"),
        path: child_text(root, "path"),
        ..VocFile::default()
    };
    if let Some(size) = child(root, "size") {
        let dim = |name| child_text(size, name).and_then(|t| t.parse::<f64>().ok());
        match (dim("width"), dim("height")) {
            (Some(w), Some(h)) if w >= 1.0 && h >= 1.0 && w < 1e9 && h < 1e9 => {
                file.size = Some((w as u32, h as u32));
            }
            (Some(w), Some(h)) if w == 0.0 && h == 0.0 => {}
            _ => file.problems.push(ObjectProblem {
                object: None,
                message: "<size> does not give a width and height; ignored".into(),
            }),
        }
    }
    for (index, node) in children(root, "object").enumerate() {
        match parse_object(node) {
            Ok((object, notes)) => {
                file.problems
                    .extend(notes.into_iter().map(|message| ObjectProblem {
                        object: Some(index),
                        message,
                    }));
                file.objects.push(object);
            }
            Err(message) => file.problems.push(ObjectProblem {
                object: Some(index),
                message,
            }),
        }
    }
    Ok(file)
}

/// One object and notes on what of it was ignored, or why it cannot be taken.
fn parse_object(node: Node) -> Result<(VocObject, Vec<String>), String> {
    let name = child_text(node, "name").ok_or("it has no <name>; skipped")?;
    let bndbox = child(node, "bndbox").ok_or("it has no <bndbox>; skipped")?;
    let [mut xmin, mut ymin, mut xmax, mut ymax] =
        corner_values(["xmin", "ymin", "xmax", "ymax"], |n| {
            child_text(bndbox, n).ok_or_else(|| format!("<bndbox> has no <{n}>; skipped"))
        })?;
    let mut notes = Vec::new();
    for (axis, min, max) in [("x", &mut xmin, &mut xmax), ("y", &mut ymin, &mut ymax)] {
        if *min > *max {
            notes.push(format!(
                "{axis}min {min} is greater than {axis}max {max}; the corners were swapped"
            ));
            std::mem::swap(min, max);
        }
    }
    let mut attributes = Attributes::new();
    for key in VOC_FLAGS {
        if let Some(text) = child_text(node, key) {
            match flag(&text) {
                Some(on) => {
                    attributes.insert(key.to_string(), AttrValue::Bool(on));
                }
                None => notes.push(format!("<{key}> is \"{text}\", not 0 or 1; ignored")),
            }
        }
    }
    if let Some(pose) = child_text(node, "pose") {
        attributes.insert("pose".into(), AttrValue::Text(pose));
    }
    if let Some(block) = child(node, "attributes") {
        for attr in children(block, "attribute") {
            let Some(key) = child_text(attr, "name") else {
                notes.push("an <attribute> has no <name>; ignored".into());
                continue;
            };
            let value = child(attr, "value")
                .and_then(|v| v.text())
                .unwrap_or_default()
                .trim()
                .to_string();
            let value = match value.as_str() {
                "true" | "True" => AttrValue::Bool(true),
                "false" | "False" => AttrValue::Bool(false),
                _ => AttrValue::Text(value),
            };
            attributes.insert(key, value);
        }
    }
    let object = VocObject {
        name,
        bbox: corners_to_bbox(xmin, ymin, xmax, ymax),
        attributes,
    };
    Ok((object, notes))
}

/// One class of a datumaro `labelmap.txt`: its name and, when the line gives
/// one, its colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelmapEntry {
    pub name: String,
    pub color: Option<Rgb>,
}

/// The classes of a datumaro `labelmap.txt` (`name:r,g,b:parts:actions` per
/// line, `#` comments), in order, without VOC's `background`. A colour that is
/// not three numbers 0–255 reads as none.
pub fn parse_labelmap(text: &str) -> Vec<LabelmapEntry> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut fields = l.split(':');
            let name = fields.next().unwrap_or(l).trim().to_string();
            let color = fields.next().and_then(parse_rgb);
            LabelmapEntry { name, color }
        })
        .filter(|e| !e.name.is_empty() && e.name != "background")
        .collect()
}

fn parse_rgb(text: &str) -> Option<Rgb> {
    let mut parts = text.split(',').map(|p| p.trim().parse::<u8>().ok());
    let rgb = Rgb(parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(rgb)
}
