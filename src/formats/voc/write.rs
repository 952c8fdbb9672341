use super::{VOC_FLAGS, bbox_to_corners};
use crate::formats::xml::escape;
use crate::model::{AttrValue, Attributes, BBox, Rgb};
use std::fmt::Write as _;

/// One VOC annotation file: `filename` (the image's path relative to the image
/// root), its size, and the boxes (class name, box inside the image,
/// attributes). `difficult`, `truncated` and `occluded` are always written
/// (0 unless the box says 1), `pose` when set, other attributes in a
/// datumaro `<attributes>` block.
pub fn voc_xml(
    filename: &str,
    width: u32,
    height: u32,
    boxes: &[(&str, BBox, &Attributes)],
) -> String {
    let mut x = String::with_capacity(256 + boxes.len() * 320);
    let folder = filename.rsplit_once('/').map_or("", |(dir, _)| dir);
    let _ = write!(
        x,
        "<annotation>\n  <folder>{}</folder>\n  <filename>{}</filename>\n  <size>\n    <width>{width}</width>\n    <height>{height}</height>\n    <depth>3</depth>\n  </size>\n  <segmented>0</segmented>\n",
        escape(folder),
        escape(filename)
    );
    for (name, bbox, attrs) in boxes {
        let _ = write!(x, "  <object>\n    <name>{}</name>\n", escape(name));
        if let Some(pose) = attrs.get("pose") {
            let _ = writeln!(x, "    <pose>{}</pose>", escape(&pose.to_text()));
        }
        for key in VOC_FLAGS {
            let on = attrs.get(key).is_some_and(|v| match v {
                AttrValue::Bool(b) => *b,
                AttrValue::Text(t) => t == "1" || t.eq_ignore_ascii_case("true"),
            });
            let _ = writeln!(x, "    <{key}>{}</{key}>", u8::from(on));
        }
        let [xmin, ymin, xmax, ymax] = bbox_to_corners(bbox);
        let _ = write!(
            x,
            "    <bndbox>\n      <xmin>{xmin}</xmin>\n      <ymin>{ymin}</ymin>\n      <xmax>{xmax}</xmax>\n      <ymax>{ymax}</ymax>\n    </bndbox>\n"
        );
        let others: Vec<_> = attrs
            .iter()
            .filter(|(k, _)| *k != "pose" && !VOC_FLAGS.contains(&k.as_str()))
            .collect();
        if !others.is_empty() {
            x.push_str("    <attributes>\n");
            for (k, v) in others {
                let _ = write!(
                    x,
                    "      <attribute>\n        <name>{}</name>\n        <value>{}</value>\n      </attribute>\n",
                    escape(k),
                    escape(&v.to_text())
                );
            }
            x.push_str("    </attributes>\n");
        }
        x.push_str("  </object>\n");
    }
    x.push_str("</annotation>\n");
    x
}

/// datumaro's `labelmap.txt`: `background` first, then each class with its colour.
pub fn labelmap_txt(classes: &[(&str, Rgb)]) -> String {
    let mut out = String::from("# label:color_rgb:parts:actions\nbackground:0,0,0::\n");
    for (name, Rgb(r, g, b)) in classes {
        let _ = writeln!(out, "{name}:{r},{g},{b}::");
    }
    out
}
