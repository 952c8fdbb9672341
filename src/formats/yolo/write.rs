//! Shapes as the rows of each layout: a segmentation row's one outline
//! (several parts joined as Ultralytics joins them), an oriented box's four
//! corners, a pose's box and points; and a pose dataset's `flip_idx`.

use super::geometry::{box_values, point_values, push_row};
use super::quad::{rect_corners, shape_corners};
use crate::model::{BBox, Keypoint, Point, Shape, mask_to_polygon};

/// What a shape became in a row: written as it is, or converted (said why).
pub type Written = Result<Option<String>, String>;

/// Appends a segmentation row (`cls x1 y1 x2 y2 …`) for `shape` on a
/// `width`×`height` image. A polygon of several parts becomes one outline
/// joined as Ultralytics' `merge_multi_segment` joins a COCO object's parts;
/// a box or rotated box is its four corners; a mask its outline
/// ([`mask_to_polygon`], holes dropped). Polylines and keypoints have no area
/// and are refused. `Ok(Some(how))` says how the shape was converted.
pub fn push_segment_row(
    out: &mut String,
    class: usize,
    shape: &Shape,
    width: u32,
    height: u32,
) -> Written {
    let (points, how) = match shape {
        Shape::Polygon(p) if p.part_count() == 1 => (to_f64(p.points()), None),
        Shape::Polygon(p) => (
            merge_multi_segment(&p.parts().map(to_f64).collect::<Vec<_>>()),
            Some(format!(
                "its {} parts were joined into one outline, as Ultralytics joins them",
                p.part_count()
            )),
        ),
        Shape::Rect(b) => (to_f64(&rect_corners(b)), None),
        Shape::RotatedRect(r) => (
            to_f64(&r.corners()),
            Some("written as the polygon of its corners".into()),
        ),
        Shape::Mask(m) => {
            let outline = mask_to_polygon(m, 0.0).ok_or("the mask is empty")?;
            let parts: Vec<Vec<[f64; 2]>> = outline.parts().map(to_f64).collect();
            let points = if parts.len() == 1 {
                parts.concat()
            } else {
                merge_multi_segment(&parts)
            };
            (
                points,
                Some("written as the outline of its pixels (holes filled)".into()),
            )
        }
        Shape::Polyline(_) | Shape::Keypoints(_) => {
            return Err(format!(
                "a {} has no area: YOLO segmentation holds regions",
                shape.kind().as_str()
            ));
        }
    };
    push_row(out, class, point_values(points, width, height));
    Ok(how)
}

/// Appends an oriented-box row (`cls x1 y1 … x4 y4`) of the corners
/// [`shape_corners`] gives: `Ok(Some(how))` when the shape was converted.
pub fn push_obb_row(
    out: &mut String,
    class: usize,
    shape: &Shape,
    width: u32,
    height: u32,
) -> Written {
    let (corners, how) = shape_corners(shape)?;
    push_row(out, class, point_values(to_f64(&corners), width, height));
    Ok(how)
}

/// Appends a pose row: `cls cx cy w h` of `bbox`, then `x y v` for each of
/// `points` (`0 0 0` for one not labelled; missing points, up to `count`, as
/// not labelled).
pub fn push_pose_row(
    out: &mut String,
    class: usize,
    bbox: &BBox,
    points: &[Keypoint],
    count: usize,
    (width, height): (u32, u32),
) {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let values = box_values(bbox, width, height)
        .into_iter()
        .chain((0..count).flat_map(|i| {
            let k = points.get(i).copied().unwrap_or(Keypoint::NOT_LABELLED);
            if k.v.is_labelled() {
                [
                    f64::from(k.x) / iw,
                    f64::from(k.y) / ih,
                    f64::from(u8::from(k.v)),
                ]
            } else {
                [0.0; 3]
            }
        }));
    push_row(out, class, values);
}

fn to_f64(points: &[Point]) -> Vec<[f64; 2]> {
    points
        .iter()
        .map(|p| [f64::from(p.x), f64::from(p.y)])
        .collect()
}

/// The pair of points closest to each other, one of `a` and one of `b`: the
/// first pair in `a`-major order when several are as close (NumPy's `argmin`
/// over the distance matrix, as `min_index` in Ultralytics' converter).
fn min_index(a: &[[f64; 2]], b: &[[f64; 2]]) -> (usize, usize) {
    let mut best = (f64::INFINITY, 0, 0);
    for (i, p) in a.iter().enumerate() {
        for (j, q) in b.iter().enumerate() {
            let d = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
            if d < best.0 {
                best = (d, i, j);
            }
        }
    }
    (best.1, best.2)
}

/// Several parts as one outline, exactly as Ultralytics'
/// `merge_multi_segment` (`ultralytics/data/converter.py`) joins a COCO
/// object's polygons for YOLO segmentation: each part is linked to the next
/// at their closest points by a thin two-way seam, walking forward through
/// the parts and back. Parts are in pixels, so "closest" is measured as it is
/// there; the result is concatenated as `convert_coco` does.
pub fn merge_multi_segment(parts: &[Vec<[f64; 2]>]) -> Vec<[f64; 2]> {
    let mut segments: Vec<Vec<[f64; 2]>> =
        parts.iter().filter(|p| !p.is_empty()).cloned().collect();
    let n = segments.len();
    if n < 2 {
        return segments.concat();
    }
    let mut idx_list: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 1..n {
        let (a, b) = min_index(&segments[i - 1], &segments[i]);
        idx_list[i - 1].push(a);
        idx_list[i].push(b);
    }
    let mut s: Vec<Vec<[f64; 2]>> = Vec::with_capacity(2 * n);
    for (i, original) in idx_list.iter().enumerate() {
        let mut idx = original.clone();
        let len = segments[i].len();
        if idx.len() == 2 && idx[0] > idx[1] {
            idx = idx.iter().map(|&x| len - 1 - x).collect();
            segments[i].reverse();
        }
        segments[i].rotate_left(idx[0] % len);
        let first = segments[i][0];
        segments[i].push(first);
        if i == 0 || i == n - 1 {
            s.push(segments[i].clone());
        } else {
            let end = idx[1] - idx[0];
            s.push(segments[i][..=end].to_vec());
        }
    }
    for i in (1..n - 1).rev() {
        let idx = &idx_list[i];
        let nidx = idx[1].abs_diff(idx[0]);
        s.push(segments[i][nidx..].to_vec());
    }
    s.concat()
}

/// A pose dataset's `flip_idx`: each point's mirror image when the picture is
/// flipped left to right, by name: a name with `left` in it pairs with the
/// same name with `right` (and `Left`/`LEFT`, `l_`/`r_` prefixes likewise),
/// when the class names both; every other point maps to itself. Without
/// names (or without pairs) it is the identity, which Ultralytics accepts
/// (its tiger-pose dataset has one).
pub fn flip_idx(names: &[String]) -> Vec<usize> {
    let mirrored = |name: &str| -> Option<String> {
        let lower = name.to_lowercase();
        for (a, b) in [("left", "right"), ("right", "left")] {
            if let Some(pos) = lower.find(a) {
                let mut m = lower.clone();
                m.replace_range(pos..pos + a.len(), b);
                return Some(m);
            }
        }
        for (a, b) in [("l_", "r_"), ("r_", "l_")] {
            if let Some(rest) = lower.strip_prefix(a) {
                return Some(format!("{b}{rest}"));
            }
        }
        None
    };
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    (0..names.len())
        .map(|i| {
            mirrored(&names[i])
                .and_then(|m| lower.iter().position(|n| *n == m))
                .unwrap_or(i)
        })
        .collect()
}
