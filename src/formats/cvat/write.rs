use super::{CvatLabel, OCCLUDED};
use crate::formats::xml::{escape, escape_attr};
use crate::model::{AttrValue, Attributes, BBox};
use std::fmt::Write as _;

/// One image to write: its path relative to the image root, its size, its
/// boxes (label, box, attributes) and its tags.
pub struct CvatImageOut<'a> {
    pub name: &'a str,
    pub width: u32,
    pub height: u32,
    pub boxes: Vec<(&'a str, BBox, &'a Attributes)>,
    pub tags: Vec<&'a str>,
}

/// A CVAT for images 1.1 file: `<meta>` with one task named `task` holding
/// `labels` with their colours, types and attribute specs, then one
/// `<image>` per entry (ids from 0). A box's `occluded` flag goes into its
/// `occluded` attribute, its other attributes into `<attribute>` children
/// (flags as `true`/`false`). Coordinates are written as the shortest
/// decimals that read back to the same `f32`.
pub fn cvat_xml(task: &str, labels: &[CvatLabel], images: &[CvatImageOut]) -> String {
    let mut x = String::with_capacity(1024 + images.len() * 256);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n    <task>\n");
    let n = images.len();
    let _ = write!(
        x,
        "      <id>0</id>\n      <name>{}</name>\n      <size>{n}</size>\n      <mode>annotation</mode>\n      <overlap>0</overlap>\n      <start_frame>0</start_frame>\n      <stop_frame>{}</stop_frame>\n      <frame_filter></frame_filter>\n      <labels>\n",
        escape(task),
        n.saturating_sub(1)
    );
    for label in labels {
        let _ = write!(
            x,
            "        <label>\n          <name>{}</name>\n",
            escape(&label.name)
        );
        if let Some(c) = label.color {
            let _ = writeln!(
                x,
                "          <color>#{:02x}{:02x}{:02x}</color>",
                c.0, c.1, c.2
            );
        }
        if let Some(kind) = &label.kind {
            let _ = writeln!(x, "          <type>{}</type>", escape(kind));
        }
        x.push_str("          <attributes>\n");
        for a in &label.attributes {
            let _ = write!(
                x,
                "            <attribute>\n              <name>{}</name>\n              <mutable>False</mutable>\n              <input_type>{}</input_type>\n              <default_value>{}</default_value>\n              <values>{}</values>\n            </attribute>\n",
                escape(&a.name),
                a.input_type.as_str(),
                escape(a.default.as_deref().unwrap_or_default()),
                escape(&a.values.join("\n"))
            );
        }
        x.push_str("          </attributes>\n        </label>\n");
    }
    x.push_str("      </labels>\n    </task>\n  </meta>\n");
    for (id, image) in images.iter().enumerate() {
        let _ = writeln!(
            x,
            "  <image id=\"{id}\" name=\"{}\" width=\"{}\" height=\"{}\">",
            escape_attr(image.name),
            image.width,
            image.height
        );
        for (label, b, attrs) in &image.boxes {
            let occluded = attrs.get(OCCLUDED).is_some_and(|v| match v {
                AttrValue::Bool(on) => *on,
                AttrValue::Text(t) => t == "1" || t.eq_ignore_ascii_case("true"),
            });
            let _ = writeln!(
                x,
                "    <box label=\"{}\" source=\"manual\" occluded=\"{}\" xtl=\"{}\" ytl=\"{}\" xbr=\"{}\" ybr=\"{}\" z_order=\"0\">",
                escape_attr(label),
                u8::from(occluded),
                b.min_x,
                b.min_y,
                b.max_x,
                b.max_y
            );
            for (name, value) in attrs.iter().filter(|(k, _)| *k != OCCLUDED) {
                let _ = writeln!(
                    x,
                    "      <attribute name=\"{}\">{}</attribute>",
                    escape_attr(name),
                    escape(&value.to_text())
                );
            }
            x.push_str("    </box>\n");
        }
        for tag in &image.tags {
            let _ = writeln!(
                x,
                "    <tag label=\"{}\" source=\"manual\">\n    </tag>",
                escape_attr(tag)
            );
        }
        x.push_str("  </image>\n");
    }
    x.push_str("</annotations>\n");
    x
}
