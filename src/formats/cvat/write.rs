use super::mask_rle::encode_mask;
use super::skeleton::write_svg;
use super::{CvatLabel, OCCLUDED, Z_ORDER};
use crate::formats::xml::{escape, escape_attr};
use crate::model::{AttrValue, Attributes, Point, Shape};
use std::fmt::Write as _;

/// One shape to write.
pub struct CvatShapeOut<'a> {
    pub label: &'a str,
    pub shape: &'a Shape,
    pub group: Option<i64>,
    pub attributes: &'a Attributes,
    /// A keypoint class's point names: its keypoints are written as a
    /// `<skeleton>` of them; without, as `<points>` (the labelled ones).
    pub skeleton: Option<&'a [String]>,
}

/// One image to write: its path relative to the image root, its size, its
/// shapes and its tags.
pub struct CvatImageOut<'a> {
    pub name: &'a str,
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<CvatShapeOut<'a>>,
    pub tags: Vec<&'a str>,
}

/// A CVAT for images 1.1 file: `<meta>` with one task named `task` holding
/// `labels` with their colours, types and attribute specs (a skeleton
/// label's points as labels of their own whose `<parent>` it is, its edges
/// in its `<svg>`), then one `<image>` per entry (ids from 0). A shape's
/// `occluded` flag and `z_order` go into its XML attributes of those names,
/// its other attributes into `<attribute>` children (flags as
/// `true`/`false`). Coordinates are written as the shortest decimals that
/// read back to the same number.
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
        write_label(&mut x, label);
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
        for shape in &image.shapes {
            write_shape(&mut x, shape);
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

fn write_label(x: &mut String, label: &CvatLabel) {
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
    x.push_str("          </attributes>\n");
    let Some(skeleton) = &label.skeleton else {
        x.push_str("        </label>\n");
        return;
    };
    let _ = write!(
        x,
        "          <svg>{}</svg>\n        </label>\n",
        escape(&write_svg(skeleton))
    );
    for point in &skeleton.points {
        let _ = write!(
            x,
            "        <label>\n          <name>{}</name>\n          <type>points</type>\n          <attributes>\n          </attributes>\n          <parent>{}</parent>\n        </label>\n",
            escape(point),
            escape(&label.name)
        );
    }
}

/// `x0,y0;x1,y1;…`.
fn points_text(points: impl IntoIterator<Item = Point>) -> String {
    let pairs: Vec<String> = points
        .into_iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect();
    pairs.join(";")
}

fn is_set(value: Option<&AttrValue>) -> bool {
    value.is_some_and(|v| match v {
        AttrValue::Bool(on) => *on,
        AttrValue::Text(t) => t == "1" || t.eq_ignore_ascii_case("true"),
    })
}

fn write_shape(x: &mut String, s: &CvatShapeOut) {
    let attrs = s.attributes;
    let occluded = u8::from(is_set(attrs.get(OCCLUDED)));
    let z_order = attrs
        .get(Z_ORDER)
        .and_then(|v| v.to_text().trim().parse::<i64>().ok())
        .unwrap_or(0);
    let group = s
        .group
        .filter(|&g| g != 0)
        .map_or_else(String::new, |g| format!(" group_id=\"{g}\""));
    let head = |element: &str| {
        format!(
            "    <{element} label=\"{}\" source=\"manual\" occluded=\"{occluded}\"",
            escape_attr(s.label)
        )
    };
    let tail = format!(" z_order=\"{z_order}\"{group}>\n");
    // Each element of the shape, opened; a polygon of several parts is
    // several elements.
    let mut opened: Vec<(&str, String)> = Vec::new();
    match s.shape {
        Shape::Rect(b) => opened.push((
            "box",
            format!(
                "{} xtl=\"{}\" ytl=\"{}\" xbr=\"{}\" ybr=\"{}\"{tail}",
                head("box"),
                b.min_x,
                b.min_y,
                b.max_x,
                b.max_y
            ),
        )),
        Shape::RotatedRect(r) => {
            let (cx, cy) = (f64::from(r.cx), f64::from(r.cy));
            let (hw, hh) = (f64::from(r.w) / 2.0, f64::from(r.h) / 2.0);
            opened.push((
                "box",
                format!(
                    "{} xtl=\"{}\" ytl=\"{}\" xbr=\"{}\" ybr=\"{}\" rotation=\"{}\"{tail}",
                    head("box"),
                    cx - hw,
                    cy - hh,
                    cx + hw,
                    cy + hh,
                    r.angle.rem_euclid(360.0)
                ),
            ));
        }
        Shape::Polygon(p) => {
            for part in p.parts() {
                let points = points_text(part.iter().copied());
                opened.push((
                    "polygon",
                    format!("{} points=\"{points}\"{tail}", head("polygon")),
                ));
            }
        }
        Shape::Polyline(points) => {
            let points = points_text(points.iter().copied());
            opened.push((
                "polyline",
                format!("{} points=\"{points}\"{tail}", head("polyline")),
            ));
        }
        Shape::Keypoints(points) => match s.skeleton {
            Some(names) => {
                let mut open = format!(
                    "    <skeleton label=\"{}\" source=\"manual\"{tail}",
                    escape_attr(s.label)
                );
                for (name, k) in names.iter().zip(points) {
                    let outside = u8::from(!k.v.is_labelled());
                    let hidden = u8::from(k.v == crate::model::Visibility::Occluded);
                    let _ = writeln!(
                        open,
                        "      <points label=\"{}\" source=\"manual\" outside=\"{outside}\" occluded=\"{hidden}\" points=\"{},{}\">\n      </points>",
                        escape_attr(name),
                        k.x,
                        k.y
                    );
                }
                opened.push(("skeleton", open));
            }
            None => {
                let labelled = points
                    .iter()
                    .filter(|k| k.v.is_labelled())
                    .map(|k| k.point());
                let points = points_text(labelled);
                opened.push((
                    "points",
                    format!("{} points=\"{points}\"{tail}", head("points")),
                ));
            }
        },
        Shape::Mask(m) => {
            if let Some(p) = m.patch() {
                opened.push((
                    "mask",
                    format!(
                        "{} rle=\"{}\" left=\"{}\" top=\"{}\" width=\"{}\" height=\"{}\"{tail}",
                        head("mask"),
                        encode_mask(&p.rows),
                        p.left,
                        p.top,
                        p.width,
                        p.height
                    ),
                ));
            }
        }
    }
    for (element, open) in opened {
        x.push_str(&open);
        for (name, value) in attrs
            .iter()
            .filter(|(k, _)| *k != OCCLUDED && *k != Z_ORDER)
        {
            let _ = writeln!(
                x,
                "      <attribute name=\"{}\">{}</attribute>",
                escape_attr(name),
                escape(&value.to_text())
            );
        }
        let _ = writeln!(x, "    </{element}>");
    }
}
