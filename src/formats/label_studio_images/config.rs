//! The labelling config that reads an exported task list: the control tags
//! [`super::task_json`] writes results by, with the schema's classes, point
//! names, image labels and attributes.

use crate::formats::xml::escape_attr;
use crate::model::{AttributeKind, ImageLabelMode, LabelSchema, ShapeKind};

/// A `<View>` with the image and, for each kind of result the export writes,
/// its tag: `label` (rectangles, turned or not), `polygon` (polygons and
/// polylines), `keypoint` (the keypoint classes' point names with their
/// `model_index`, which label-studio-converter orders points by, then the
/// classes without point names that list keypoints among their kinds or are
/// in `keypoints_by_name`, whose points are written under their own name),
/// `brush` (masks), `choice` (image labels) and one per-region tag per
/// attribute.
pub fn label_config(schema: &LabelSchema, keypoints_by_name: &[&str]) -> String {
    let labels = |kinds: &[ShapeKind]| -> String {
        schema
            .classes
            .iter()
            .filter(|c| kinds.iter().any(|&k| c.takes(k)))
            .map(|c| format!("<Label value=\"{}\"/>", escape_attr(&c.name)))
            .collect()
    };
    let mut points: Vec<&str> = Vec::new();
    let named = schema.classes.iter().flat_map(|c| &c.keypoints);
    let unnamed = schema.classes.iter().filter(|c| {
        c.keypoints.is_empty()
            && (c.shapes.contains(&ShapeKind::Keypoints)
                || keypoints_by_name.contains(&c.name.as_str()))
    });
    for name in named.chain(unnamed.map(|c| &c.name)) {
        if !points.contains(&name.as_str()) {
            points.push(name);
        }
    }
    let points: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("<Label value=\"{}\" model_index=\"{i}\"/>", escape_attr(p)))
        .collect();
    let mut view = String::from("<View>\n  <Image name=\"image\" value=\"$image\"/>\n");
    let tags = [
        (
            "RectangleLabels",
            "label",
            labels(&[ShapeKind::Rect, ShapeKind::RotatedRect]),
        ),
        (
            "PolygonLabels",
            "polygon",
            labels(&[ShapeKind::Polygon, ShapeKind::Polyline]),
        ),
        ("KeyPointLabels", "keypoint", points),
        ("BrushLabels", "brush", labels(&[ShapeKind::Mask])),
    ];
    for (tag, name, labels) in tags.iter().filter(|(_, _, l)| !l.is_empty()) {
        view.push_str(&format!(
            "  <{tag} name=\"{name}\" toName=\"image\">{labels}</{tag}>\n"
        ));
    }
    if !schema.image_labels.is_empty() {
        let choice = match schema.image_label_mode {
            ImageLabelMode::Single => "single",
            ImageLabelMode::Multi => "multiple",
        };
        let choices: String = schema
            .image_labels
            .iter()
            .map(|l| format!("<Choice value=\"{}\"/>", escape_attr(&l.name)))
            .collect();
        view.push_str(&format!(
            "  <Choices name=\"choice\" toName=\"image\" choice=\"{choice}\">{choices}</Choices>\n"
        ));
    }
    for a in &schema.attributes {
        let name = escape_attr(&a.name);
        let options: Vec<&str> = match &a.kind {
            AttributeKind::Bool => vec!["true", "false"],
            AttributeKind::OneOf(options) => options.iter().map(String::as_str).collect(),
            AttributeKind::Text => {
                view.push_str(&format!(
                    "  <TextArea name=\"{name}\" toName=\"image\" perRegion=\"true\"/>\n"
                ));
                continue;
            }
        };
        let choices: String = options
            .iter()
            .map(|o| format!("<Choice value=\"{}\"/>", escape_attr(o)))
            .collect();
        view.push_str(&format!(
            "  <Choices name=\"{name}\" toName=\"image\" perRegion=\"true\">{choices}</Choices>\n"
        ));
    }
    view.push_str("</View>\n");
    view
}
