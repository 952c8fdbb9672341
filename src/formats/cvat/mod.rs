//! CVAT for images 1.1 XML: one `annotations.xml` for a whole task or
//! project. `<meta>` declares the labels and, per label, the attributes with
//! their input type (`checkbox`, `select`, `radio`, `text`, `number`), and a
//! skeleton label its points (labels whose `<parent>` it is) and edges (its
//! `<svg>`); each `<image id name width height>` holds shapes with
//! `<attribute name="…">value</attribute>` children, and `<tag label>`s.
//!
//! **Coordinates are continuous pixels**: `xtl="10" xbr="110"` is our box
//! x 10..110, with no ±1 (unlike Pascal VOC).
//!
//! - [`parse_cvat`] reads a file: the labels with their attribute specs and
//!   skeletons, and per image its shapes and tags. `<box>` (turned by its
//!   `rotation`: a rotated box), `<polygon>`, `<polyline>`, `<points>`
//!   (keypoints, all visible), `<mask>` (CVAT's own run-length encoding of
//!   the rectangle `left`, `top`, `width`, `height`, row by row, starting
//!   with a run of unset pixels) and `<skeleton>` (keypoints in the order of
//!   its label's points: `outside` ones not labelled, `occluded` ones
//!   labelled but not visible) are read as they are; `<ellipse>` becomes a
//!   polygon on it ([`crate::model::ellipse_polygon`]) and is counted in
//!   [`CvatFile::converted`]. A shape's `occluded` is the flag
//!   [`OCCLUDED`], a `z_order` other than 0 the text attribute [`Z_ORDER`],
//!   `group_id` its group, and its `<attribute>`s are typed by its label's
//!   spec (checkbox → flag, select / radio → one of its values, text /
//!   number → text). Cuboids and tracks are counted per type and left out;
//!   each shape or image it cannot take is reported, the rest kept. The
//!   task's `<subset>` is kept: a task's images lie in its subset's folder
//!   when a dataset has several.
//! - [`cvat_xml`] writes one, every shape as CVAT writes it (a polygon of
//!   several parts as one `<polygon>` per part).
//! - [`attribute_def`] turns a spec into the schema's attribute definition.
//!
//! No I/O: the job (`jobs::cvat`) reads and writes the file.

mod mask_rle;
mod parse;
mod parse_shape;
mod skeleton;
mod write;

pub use mask_rle::{decode_mask, encode_mask};
pub use parse::parse_cvat;
pub use write::{CvatImageOut, CvatShapeOut, cvat_xml};

use super::file_shape::FileShape;
use crate::model::{AttrValue, AttributeDef, AttributeKind, Attributes, Rgb};
use std::collections::BTreeMap;

/// The flag CVAT keeps on every shape, imported as a bool attribute.
pub const OCCLUDED: &str = "occluded";
/// The drawing order CVAT keeps on every shape, imported as a text
/// attribute when it is not 0.
pub const Z_ORDER: &str = "z_order";

/// How CVAT asks for an attribute's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputType {
    Checkbox,
    Select,
    Radio,
    Text,
    Number,
}

impl InputType {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "checkbox" => Self::Checkbox,
            "select" => Self::Select,
            "radio" => Self::Radio,
            "text" => Self::Text,
            "number" => Self::Number,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checkbox => "checkbox",
            Self::Select => "select",
            Self::Radio => "radio",
            Self::Text => "text",
            Self::Number => "number",
        }
    }
}

/// One attribute a label declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: String,
    pub input_type: InputType,
    /// `default_value`; `None` when empty.
    pub default: Option<String>,
    /// `values`, one per line: a select's or radio's options; a checkbox's
    /// default; a number's min, max and step.
    pub values: Vec<String>,
}

/// One `<label>` of `<meta>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CvatLabel {
    pub name: String,
    /// `<color>#rrggbb</color>`, when given and readable.
    pub color: Option<Rgb>,
    /// `<type>` (CVAT 2: `any`, `rectangle`, `tag`, `polygon`, `skeleton`,
    /// …), when given.
    pub kind: Option<String>,
    pub attributes: Vec<AttributeSpec>,
    /// A skeleton label's points and edges.
    pub skeleton: Option<CvatSkeleton>,
}

/// The points of a skeleton label (the labels whose `<parent>` it is, in
/// `<meta>` order) and its edges (0-based indices into them), from its
/// `<svg>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CvatSkeleton {
    pub points: Vec<String>,
    pub edges: Vec<(usize, usize)>,
}

/// One shape that could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct CvatShape {
    /// The element's name (`box`, `polygon`, …) and its index among the
    /// image's elements of that name, from 0.
    pub element: &'static str,
    pub index: usize,
    pub label: String,
    pub shape: FileShape,
    /// `group_id`, when not 0.
    pub group: Option<i64>,
    pub attributes: Attributes,
}

/// One `<image>` that could be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CvatImage {
    /// The `<image>`'s index in the file, from 0.
    pub index: usize,
    /// The relative path CVAT writes (possibly under a subset folder).
    pub name: String,
    /// The `subset` attribute of a project export (`Train`), whose images
    /// CVAT keeps under `images/<subset>/`.
    pub subset: Option<String>,
    /// `width` and `height` when both are given and above 0.
    pub size: Option<(u32, u32)>,
    pub shapes: Vec<CvatShape>,
    /// Tag labels, in order.
    pub tags: Vec<String>,
}

/// Something in a file that was left out or read with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CvatProblem {
    /// `image 3 (a.jpg), box 1`; empty for the file as a whole.
    pub at: String,
    pub message: String,
}

/// A CVAT for images file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CvatFile {
    /// `<version>`, when given.
    pub version: Option<String>,
    /// The task's subset, `<meta><task><subset>`, as CVAT writes it (not
    /// datumaro, whose files are named after their subset instead).
    pub subset: Option<String>,
    pub labels: Vec<CvatLabel>,
    pub images: Vec<CvatImage>,
    pub problems: Vec<CvatProblem>,
    /// Shapes this reader does not take (`cuboid`, `track`), per type.
    pub skipped: BTreeMap<String, usize>,
    /// Shapes read as another kind (`ellipse`, read as a polygon), per type.
    pub converted: BTreeMap<String, usize>,
}

impl CvatFile {
    pub fn label(&self, name: &str) -> Option<&CvatLabel> {
        self.labels.iter().find(|l| l.name == name)
    }
}

/// The schema's definition of a CVAT attribute: checkbox → flag, select and
/// radio → one of its values, text and number → text.
pub fn attribute_def(spec: &AttributeSpec) -> AttributeDef {
    let (kind, default) = match spec.input_type {
        InputType::Checkbox => (
            AttributeKind::Bool,
            spec.default
                .as_deref()
                .and_then(crate::formats::xml::flag)
                .map(AttrValue::Bool),
        ),
        InputType::Select | InputType::Radio => (
            AttributeKind::OneOf(spec.values.clone()),
            spec.default
                .as_ref()
                .filter(|d| spec.values.contains(d))
                .map(|d| AttrValue::Text(d.clone())),
        ),
        InputType::Text | InputType::Number => (
            AttributeKind::Text,
            spec.default.clone().map(AttrValue::Text),
        ),
    };
    AttributeDef {
        name: spec.name.clone(),
        kind,
        default,
    }
}

/// The CVAT spec of a schema attribute definition.
pub fn attribute_spec(def: &AttributeDef) -> AttributeSpec {
    let default = def.default_value().to_text();
    let (input_type, values) = match &def.kind {
        AttributeKind::Bool => (InputType::Checkbox, vec![default.clone()]),
        AttributeKind::OneOf(options) => (InputType::Select, options.clone()),
        AttributeKind::Text => (InputType::Text, Vec::new()),
    };
    AttributeSpec {
        name: def.name.clone(),
        input_type,
        default: (!default.is_empty()).then_some(default),
        values,
    }
}

#[cfg(test)]
mod tests;
