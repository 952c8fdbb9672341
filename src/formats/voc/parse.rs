use super::{VOC_FLAGS, corners_to_bbox};
use crate::model::{AttrValue, Attributes, BBox};
use roxmltree::{Document, Node};

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

/// The text of a file: UTF-8 (a byte-order mark is skipped), or ISO-8859-1
/// when its XML declaration says so; anything else is refused with the reason.
fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16; save it as UTF-8".into());
    }
    match declared_encoding(bytes).map(|e| e.to_ascii_lowercase()) {
        Some(e) if ["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"].contains(&e.as_str()) => {
            Ok(bytes
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into())
        }
        Some(e) if e != "utf-8" && e != "utf8" && e != "us-ascii" && e != "ascii" => Err(format!(
            "the file declares encoding \"{e}\", which is not supported; save it as UTF-8"
        )),
        declared => std::str::from_utf8(bytes).map(Into::into).map_err(|err| {
            let said = if declared.is_some() {
                "it declares UTF-8"
            } else {
                "it declares no encoding, so it must be UTF-8"
            };
            format!(
                "the file is not UTF-8 (invalid byte at offset {}) and {said}; \
                 save it as UTF-8 or declare encoding=\"ISO-8859-1\"",
                err.valid_up_to()
            )
        }),
    }
}

/// The `encoding` of the XML declaration at the start of the bytes, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let after = decl.split_once("encoding")?.1.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of a child element; `None` when missing or empty.
fn child_text(node: Node, name: &str) -> Option<String> {
    let text = child(node, name)?.text().unwrap_or_default().trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `0`/`1` (also `true`/`false`) of a flag.
fn flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => text.parse::<f64>().ok().map(|v| v != 0.0),
    }
}

/// Reads one VOC annotation file.
pub fn parse_voc(bytes: &[u8]) -> Result<VocFile, String> {
    let text = decode(bytes)?;
    let doc = Document::parse(&text).map_err(|e| format!("not well-formed XML: {e}"))?;
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
    let objects = root
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "object");
    for (index, node) in objects.enumerate() {
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
    let corner = |n: &str| -> Result<f64, String> {
        let text =
            child_text(bndbox, n).ok_or_else(|| format!("<bndbox> has no <{n}>; skipped"))?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("<{n}> is \"{text}\", not a number; skipped"))
    };
    let (xmin, ymin, xmax, ymax) = (
        corner("xmin")?,
        corner("ymin")?,
        corner("xmax")?,
        corner("ymax")?,
    );
    if xmax < xmin || ymax < ymin {
        return Err(format!(
            "the box ({xmin}, {ymin})–({xmax}, {ymax}) has its corners the wrong way round; skipped"
        ));
    }
    let mut notes = Vec::new();
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
        for attr in block
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "attribute")
        {
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

/// The class names of a datumaro `labelmap.txt` (`name:color:parts:actions`
/// per line, `#` comments), in order, without VOC's `background`.
pub fn parse_labelmap(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(':').next().unwrap_or(l).trim().to_string())
        .filter(|name| !name.is_empty() && name != "background")
        .collect()
}
