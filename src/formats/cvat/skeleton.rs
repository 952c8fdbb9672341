//! A skeleton label's `<svg>`: CVAT draws the skeleton's points as
//! `<circle data-node-id="1" data-label-name="nose">` and its edges as
//! `<line data-node-from="1" data-node-to="2">`; the names are those of the
//! labels whose `<parent>` the skeleton is.

use super::CvatSkeleton;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The edges of `skeleton.points` the svg draws, 0-based, and notes on the
/// ones it cannot (a node without a known name).
pub fn read_edges(svg: &str, points: &[String]) -> (Vec<(usize, usize)>, Vec<String>) {
    let mut notes = Vec::new();
    let wrapped = format!("<root>{svg}</root>");
    let doc = match roxmltree::Document::parse(&wrapped) {
        Ok(doc) => doc,
        Err(e) => {
            return (
                Vec::new(),
                vec![format!(
                    "its <svg> cannot be read ({e}); the skeleton has no edges"
                )],
            );
        }
    };
    let mut node_point: HashMap<&str, usize> = HashMap::new();
    let elements = doc.root_element().descendants().filter(|n| n.is_element());
    for circle in elements.clone().filter(|n| n.tag_name().name() == "circle") {
        let (Some(node), Some(name)) = (
            circle.attribute("data-node-id"),
            circle.attribute("data-label-name"),
        ) else {
            continue;
        };
        match points.iter().position(|p| p == name) {
            Some(i) => {
                node_point.insert(node, i);
            }
            None => notes.push(format!(
                "its <svg> draws point `{name}`, which is not one of its labels"
            )),
        }
    }
    let mut edges = Vec::new();
    for line in elements.filter(|n| n.tag_name().name() == "line") {
        let end = |key| {
            line.attribute(key)
                .and_then(|id| node_point.get(id).copied())
        };
        match (end("data-node-from"), end("data-node-to")) {
            (Some(a), Some(b)) if a != b => {
                if !edges.contains(&(a, b)) {
                    edges.push((a, b));
                }
            }
            _ => {
                notes.push("an edge of its <svg> joins no two of its points; left out".to_string())
            }
        }
    }
    (edges, notes)
}

/// The `<svg>` CVAT's skeleton editor would store for `skeleton`: its points
/// on a circle in a 100×100 drawing, each edge a line.
pub fn write_svg(skeleton: &CvatSkeleton) -> String {
    let n = skeleton.points.len().max(1) as f64;
    let at = |i: usize| {
        let t = std::f64::consts::TAU * i as f64 / n;
        (50.0 + 40.0 * t.cos(), 50.0 + 40.0 * t.sin())
    };
    let mut svg = String::new();
    for &(a, b) in &skeleton.edges {
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        let _ = write!(
            svg,
            "<line x1=\"{x1:.2}\" y1=\"{y1:.2}\" x2=\"{x2:.2}\" y2=\"{y2:.2}\" stroke=\"black\" data-type=\"edge\" data-node-from=\"{}\" stroke-width=\"0.5\" data-node-to=\"{}\"></line>",
            a + 1,
            b + 1
        );
    }
    for (i, name) in skeleton.points.iter().enumerate() {
        let (cx, cy) = at(i);
        let _ = write!(
            svg,
            "<circle r=\"1.5\" stroke=\"black\" fill=\"#b3b3b3\" cx=\"{cx:.2}\" cy=\"{cy:.2}\" stroke-width=\"0.1\" data-type=\"element node\" data-element-id=\"{id}\" data-node-id=\"{id}\" data-label-name=\"{}\"></circle>",
            crate::formats::xml::escape_attr(name),
            id = i + 1
        );
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_come_back_by_point_name() {
        let skeleton = CvatSkeleton {
            points: vec!["鼻".into(), "left \"eye\"".into(), "ear".into()],
            edges: vec![(0, 1), (1, 2)],
        };
        let svg = write_svg(&skeleton);
        assert_eq!(
            read_edges(&svg, &skeleton.points),
            (skeleton.edges.clone(), vec![])
        );
        let (edges, notes) = read_edges(&svg, &skeleton.points[..2]);
        assert_eq!(edges, [(0, 1)]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(read_edges("<line", &skeleton.points).1[0].contains("cannot be read"));
    }
}
