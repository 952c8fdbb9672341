//! Which shapes an import takes (those of known classes) and how they are
//! held to their image, and the matching of a record's image name to an item.

use super::{BoxImportOptions, BoxLabelPlan, PlannedShape};
use crate::formats::coco::OUTSIDE_TOLERANCE_PX;
use crate::formats::file_shape::FileShape;
use crate::formats::label_paths::{Matched, PathMatch, PathMatcher};
use crate::formats::yolo::{OutsidePolicy, place_corners};
use crate::model::{
    AttributeDef, Attributes, BBox, GroupId, Item, ItemId, Keypoint, MaskPatch, Rle, Shape,
    leave_out_refused,
};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One annotation as a file gives it, before it is placed on its image.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeIn {
    pub shape: FileShape,
    /// The file's group (CVAT's and labelme's `group_id`).
    pub group: Option<GroupId>,
    pub attributes: Attributes,
}

impl ShapeIn {
    pub fn new(shape: impl Into<FileShape>, attributes: Attributes) -> Self {
        Self::grouped(shape.into(), None, attributes)
    }

    /// A shape in the file's group `group` (a file's number).
    pub fn grouped(shape: FileShape, group: Option<i64>, attributes: Attributes) -> Self {
        Self {
            shape,
            group: group.map(GroupId),
            attributes,
        }
    }
}

/// Takes the shapes of known classes onto their images, clamped or skipped
/// when outside, and counts the shapes of unknown classes.
pub struct BoxPlacer {
    /// Class names the project or the dataset declares.
    pub known: HashSet<String>,
    pub options: BoxImportOptions,
    unknown: BTreeMap<String, usize>,
    /// The project's attribute definitions: values they refuse are left out
    /// of their shape and reported where the shape is.
    attribute_defs: Vec<AttributeDef>,
}

impl BoxPlacer {
    pub fn new(known: HashSet<String>, options: BoxImportOptions) -> Self {
        Self {
            known,
            options,
            unknown: BTreeMap::new(),
            attribute_defs: Vec::new(),
        }
    }

    /// A placer for formats whose class names are always taken (labelme,
    /// Label Studio).
    pub fn any_class(outside: OutsidePolicy) -> Self {
        let options = BoxImportOptions {
            outside,
            add_unknown_classes: true,
            ..BoxImportOptions::default()
        };
        Self::new(HashSet::new(), options)
    }

    /// Checks attribute values against `defs` (the project's), reporting a
    /// refused value at the shape's file and place rather than at its image.
    pub fn with_attribute_defs(mut self, defs: &[AttributeDef]) -> Self {
        self.attribute_defs = defs.to_vec();
        self
    }

    /// Whether shapes or labels of `name` are taken.
    pub fn takes(&self, name: &str) -> bool {
        self.options.add_unknown_classes || self.known.contains(name)
    }

    /// Plans one box of class `class` onto `target`, or notes (in `file` at
    /// `at()`, made only then) why not.
    pub fn place(
        &mut self,
        plan: &mut BoxLabelPlan,
        at: (&str, impl Fn() -> String),
        target: Target,
        class: &str,
        bbox: BBox,
        attributes: Attributes,
    ) {
        let shape = ShapeIn::new(Shape::Rect(bbox), attributes);
        self.place_shape(plan, at, target, class, shape);
    }

    /// Plans one shape of class `class` onto `target`, or notes (in `file`
    /// at `at()`, made only then) why not.
    pub fn place_shape(
        &mut self,
        plan: &mut BoxLabelPlan,
        (file, at): (&str, impl Fn() -> String),
        target: Target,
        class: &str,
        shape: ShapeIn,
    ) {
        if !self.takes(class) {
            *self.unknown.entry(class.to_string()).or_default() += 1;
            return;
        }
        let (item, width, height) = target;
        let ShapeIn {
            shape,
            group,
            mut attributes,
        } = shape;
        match fit_to_image(shape, width, height, self.options.outside) {
            Ok((shape, note)) => {
                if let Some(note) = note {
                    plan.problem(file, at(), note);
                }
                leave_out_refused(&mut attributes, &self.attribute_defs, |reason| {
                    plan.problem(file, at(), reason);
                });
                let class = plan.class(class);
                plan.shapes.push(PlannedShape {
                    item,
                    class,
                    shape,
                    group,
                    attributes,
                    confidence: None,
                });
            }
            Err(message) => plan.problem(file, at(), message),
        }
    }

    /// Reports (at `file`) the classes whose shapes were left out, saying
    /// where known classes are declared (`labelmap.txt`).
    pub fn report_unknown(self, plan: &mut BoxLabelPlan, file: &str, declared_in: &str) {
        for (name, n) in self.unknown {
            plan.problem(
                file,
                "",
                format!(
                    "class `{name}` is in neither the project nor {declared_in}; its {n} annotation(s) were skipped (--add-unknown-classes adds it)"
                ),
            );
        }
    }
}

/// A shape held to a `width`×`height` image: within
/// [`OUTSIDE_TOLERANCE_PX`] of the border it is clamped silently, further
/// out clamped (with a note) or skipped as `policy` says; a mask is put on
/// the image at its place, cut where it overhangs. `Err` says why the shape
/// was left out.
pub fn fit_to_image(
    shape: FileShape,
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<(Shape, Option<String>), String> {
    let shape = match shape {
        FileShape::Mask(patch) => return fit_mask(&patch, width, height, policy),
        FileShape::Shape(Shape::Rect(b)) => {
            let corners = [b.min_x, b.min_y, b.max_x, b.max_y].map(f64::from);
            let placed = place_corners(corners, width, height, policy)?;
            let note = placed.clamped.then(|| {
                format!("the box reaches outside the {width}×{height} image; it was clamped")
            });
            return Ok((Shape::Rect(placed.bbox), note));
        }
        FileShape::Shape(shape) => shape,
    };
    let kind = shape.kind().as_str();
    if !shape.is_valid() {
        return Err(format!(
            "the {kind} has too few points, no length or area, or a coordinate that is not a finite number; skipped"
        ));
    }
    let (w, h) = (width as f32, height as f32);
    let b = shape.bounds();
    let inside =
        |tol: f32| b.min_x >= -tol && b.min_y >= -tol && b.max_x <= w + tol && b.max_y <= h + tol;
    if inside(0.0) {
        return Ok((shape, None));
    }
    let far = !inside(OUTSIDE_TOLERANCE_PX as f32);
    if far && policy == OutsidePolicy::Skip {
        return Err(format!(
            "the {kind} reaches outside the {width}×{height} image; it was skipped"
        ));
    }
    let shape = match shape {
        // Points within the tolerance stay labelled, on the border.
        Shape::Keypoints(points) => Shape::Keypoints(snap_to_border(points, w, h)),
        other => other,
    };
    let clamped = shape.clamped(w, h).ok_or_else(|| {
        format!("the {kind} has nothing inside the {width}×{height} image; skipped")
    })?;
    let note = far.then(|| {
        format!("the {kind} reaches outside the {width}×{height} image; the part inside was kept")
    });
    Ok((clamped, note))
}

/// Labelled keypoints within the tolerance outside the image moved onto its
/// border.
fn snap_to_border(points: Vec<Keypoint>, w: f32, h: f32) -> Vec<Keypoint> {
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    points
        .into_iter()
        .map(|k| {
            let near = k.x >= -tol && k.y >= -tol && k.x <= w + tol && k.y <= h + tol;
            if k.v.is_labelled() && near {
                Keypoint::new(k.x.clamp(0.0, w), k.y.clamp(0.0, h), k.v)
            } else {
                k
            }
        })
        .collect()
}

fn fit_mask(
    patch: &MaskPatch,
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<(Shape, Option<String>), String> {
    let set = patch.rows.iter().filter(|&&v| v != 0).count() as u64;
    let origin = (i64::from(patch.left), i64::from(patch.top));
    let rle = Rle::from_patch(
        (height, width),
        origin,
        (patch.width, patch.height),
        &patch.rows,
    )
    .map_err(|e| format!("the mask cannot be read ({e}); skipped"))?;
    let lost = set - rle.area().min(set);
    if rle.area() == 0 {
        return Err(format!(
            "the mask has no pixel set inside the {width}×{height} image; skipped"
        ));
    }
    if lost == 0 {
        return Ok((Shape::Mask(rle), None));
    }
    if policy == OutsidePolicy::Skip {
        return Err(format!(
            "{lost} pixel(s) of the mask lie outside the {width}×{height} image; it was skipped"
        ));
    }
    let note = format!(
        "{lost} pixel(s) of the mask lie outside the {width}×{height} image; they were cut off"
    );
    Ok((Shape::Mask(rle), Some(note)))
}

/// Notes (in `file` at `at`) a size a file gives for an image that differs
/// from the project's.
pub fn check_size(
    plan: &mut BoxLabelPlan,
    (file, at): (&str, &str),
    said: Option<(u32, u32)>,
    (_, width, height): Target,
) {
    if let Some((w, h)) = said
        && (w, h) != (width, height)
    {
        plan.problem(
            file,
            at,
            format!("the file says the image is {w}×{h}, the project has {width}×{height}; shapes are kept in pixels"),
        );
    }
}

/// An item a record may be for: its id and EXIF-oriented size.
pub type Target = (ItemId, u32, u32);

/// The project's readable items indexed by path, under the image root
/// `image_root`; `format_folders` are the folders the format adds to paths
/// (VOC's `JPEGImages`), left out when matching.
pub fn item_matcher(
    items: &[Item],
    image_root: &Path,
    format_folders: &[&str],
) -> PathMatcher<Target> {
    PathMatcher::new(
        items
            .iter()
            .filter(|it| !it.is_broken() && it.width > 0 && it.height > 0)
            .map(|it| (it.rel_path.clone(), (it.id, it.width, it.height))),
        format_folders,
    )
    .with_root(image_root)
}

/// The item `path` names, or why there is none.
pub fn find_item(matcher: &PathMatcher<Target>, path: &str) -> Result<Matched<Target>, String> {
    match matcher.find(path) {
        PathMatch::Found(matched) => Ok(matched),
        PathMatch::NotFound => Err(format!("no image in the project matches `{path}`")),
        PathMatch::Ambiguous(candidates) => Err(format!(
            "several images match `{path}` ({}); skipped",
            candidates.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Point, Polygon, Visibility};

    fn polygon(points: &[[f32; 2]]) -> FileShape {
        FileShape::Shape(Shape::Polygon(Polygon::new(
            points.iter().map(|&p| Point::from(p)).collect(),
        )))
    }

    #[test]
    fn shapes_are_held_to_their_image_or_skipped() {
        let inside = polygon(&[[1.0, 1.0], [9.0, 1.0], [5.0, 8.0]]);
        let (shape, note) = fit_to_image(inside.clone(), 10, 10, OutsidePolicy::Skip).unwrap();
        assert_eq!((FileShape::Shape(shape), note), (inside, None));
        let over = polygon(&[[-5.0, 1.0], [9.0, 1.0], [5.0, 8.0]]);
        let (shape, note) = fit_to_image(over.clone(), 10, 10, OutsidePolicy::Clamp).unwrap();
        assert!(shape.bounds().min_x >= 0.0);
        assert!(note.unwrap().contains("the part inside was kept"));
        let err = fit_to_image(over, 10, 10, OutsidePolicy::Skip).unwrap_err();
        assert!(err.contains("skipped"), "{err}");
        let flat = polygon(&[[1.0, 1.0], [2.0, 2.0]]);
        assert!(fit_to_image(flat, 10, 10, OutsidePolicy::Clamp).is_err());
        // A keypoint a hair outside stays labelled, on the border.
        let k = Keypoint::new(10.3, 4.0, Visibility::Visible);
        let points = FileShape::Shape(Shape::Keypoints(vec![k]));
        let (shape, note) = fit_to_image(points, 10, 10, OutsidePolicy::Clamp).unwrap();
        assert_eq!(
            shape,
            Shape::Keypoints(vec![Keypoint::new(10.0, 4.0, Visibility::Visible)])
        );
        assert_eq!(note, None);
    }

    #[test]
    fn a_mask_patch_lands_at_its_place_and_overhang_is_reported() {
        let patch = MaskPatch {
            left: 8,
            top: 1,
            width: 3,
            height: 1,
            rows: vec![1, 1, 1],
        };
        let (shape, note) =
            fit_to_image(FileShape::Mask(patch.clone()), 10, 4, OutsidePolicy::Clamp).unwrap();
        let Shape::Mask(m) = shape else {
            panic!("not a mask")
        };
        assert_eq!((m.area(), m.is_set(8, 1), m.is_set(9, 1)), (2, true, true));
        assert!(note.unwrap().contains("1 pixel(s)"));
        assert!(fit_to_image(FileShape::Mask(patch), 10, 4, OutsidePolicy::Skip).is_err());
    }
}
