//! A task's regions as shapes in pixels, grouped as `parentID` links them.
//!
//! Regions linked by `parentID` (followed to the region at the top, the root)
//! belong together and become one group. Label Studio's keypoints are one point
//! per result, labelled with the point's name and linked to their object's
//! region (label-studio-converter's YOLO export pairs them so); here the points
//! of one object and class are one [`Shape::Keypoints`] in the class's order:
//! - a point whose name one keypoint class names goes to that class (to its
//!   parent's class when several name it);
//! - a point under a region whose class is no keypoint class of the project
//!   makes that class one, its point names the names found under its regions
//!   in the file, in the order first seen ([`keypoint_classes`]);
//! - points labelled with a keypoint class's own name (label-studio-converter's
//!   COCO import writes them so, in the class's order) fill its points in turn;
//! - any other point is a one-point keypoints shape of its label.
//!
//! The points of a class without a parent and without points under them are
//! one object per task, as label-studio-converter's COCO export takes them.
//! A closed polygon under a closed polygon of its label, its id the other's
//! followed by `_N`, is another part of it (Shugu's export writes a polygon's
//! parts so).

use super::{LsGeometry, LsProblem, LsRegion, LsTask, LsTasks, brush::decode_brush};
use crate::formats::file_shape::FileShape;
use crate::model::{
    Attributes, Keypoint, Point, Polygon, RotatedRect, Shape, Visibility, ellipse_polygon,
};
use std::collections::HashMap;

/// One shape of a task, in pixels of the image.
#[derive(Clone, Debug, PartialEq)]
pub struct LsAnnotation {
    /// Where its (first) result was: `task T, annotation A, result R`.
    pub at: String,
    pub class: String,
    /// In pixels of the image; a brush as the patch of the whole image.
    pub shape: FileShape,
    /// The shapes of a task that belong together, numbered from 1 per task.
    pub group: Option<u32>,
    pub attributes: Attributes,
}

/// The keypoint classes an import assembles points into: class name → point names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeypointClasses {
    names: HashMap<String, Vec<String>>,
    /// The classes whose point names the file gives (not the project), in the
    /// order first seen.
    pub declared: Vec<(String, Vec<String>)>,
}

impl KeypointClasses {
    pub fn names(&self, class: &str) -> Option<&[String]> {
        self.names.get(class).map(Vec::as_slice)
    }

    /// The classes that name `point`.
    fn naming<'a>(&'a self, point: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.names
            .iter()
            .filter(move |(_, names)| names.iter().any(|n| n == point))
            .map(|(class, _)| class.as_str())
    }
}

/// How the regions of a task hang together by `parentID`.
struct Tree {
    parent: Vec<Option<usize>>,
    root: Vec<usize>,
    has_children: Vec<bool>,
}

impl Tree {
    fn new(regions: &[LsRegion]) -> Self {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        for (i, r) in regions.iter().enumerate() {
            if let Some(id) = &r.id {
                by_id.entry(id.as_str()).or_insert(i);
            }
        }
        let parent: Vec<Option<usize>> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = *by_id.get(r.parent.as_deref()?)?;
                (p != i).then_some(p)
            })
            .collect();
        let mut has_children = vec![false; regions.len()];
        for p in parent.iter().flatten() {
            has_children[*p] = true;
        }
        let root = (0..regions.len())
            .map(|i| {
                let mut path = vec![i];
                let mut at = i;
                while let Some(p) = parent[at] {
                    if let Some(start) = path.iter().position(|&q| q == p) {
                        // A loop: its lowest index stands for all of it.
                        return path[start..].iter().copied().min().unwrap_or(p);
                    }
                    path.push(p);
                    at = p;
                }
                at
            })
            .collect();
        Self {
            parent,
            root,
            has_children,
        }
    }

    /// The label of the region a point hangs under, when that is not a point.
    fn parent_label<'a>(&self, regions: &'a [LsRegion], i: usize) -> Option<&'a str> {
        let root = &regions[self.root[i]];
        (self.root[i] != i && !matches!(root.geometry, LsGeometry::Point { .. }))
            .then_some(root.label.as_str())
    }
}

/// The project's keypoint classes (`known`: name → point names, classes
/// without names left out) and those the file gives points to: a region whose
/// class is not one of `known`, with points of other names under it, makes its
/// class a keypoint class of those names, in the order first seen.
pub fn keypoint_classes<'a>(
    tasks: &LsTasks,
    known: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> KeypointClasses {
    let mut classes = KeypointClasses::default();
    for (class, names) in known {
        if !names.is_empty() {
            classes.names.insert(class.to_string(), names.to_vec());
        }
    }
    let mut declared: Vec<(String, Vec<String>)> = Vec::new();
    for task in &tasks.tasks {
        let tree = Tree::new(&task.regions);
        for (i, region) in task.regions.iter().enumerate() {
            if !matches!(region.geometry, LsGeometry::Point { .. }) {
                continue;
            }
            let Some(parent) = tree.parent_label(&task.regions, i) else {
                continue;
            };
            if parent == region.label || classes.names.contains_key(parent) {
                continue;
            }
            let at = match declared.iter().position(|(c, _)| c == parent) {
                Some(at) => at,
                None => {
                    declared.push((parent.to_string(), Vec::new()));
                    declared.len() - 1
                }
            };
            let names = &mut declared[at].1;
            if !names.contains(&region.label) {
                names.push(region.label.clone());
            }
        }
    }
    for (class, names) in &declared {
        classes.names.insert(class.clone(), names.clone());
    }
    classes.declared = declared;
    classes
}

/// What one entry of the output is being built from.
enum Built {
    Done(FileShape),
    Parts(Vec<Vec<Point>>),
    Points(Vec<Keypoint>),
}

struct Entry {
    at: String,
    class: String,
    built: Built,
    /// The region at the top of its `parentID` links; `None` for the points
    /// of a class that hang under nothing.
    root: Option<usize>,
    attributes: Attributes,
}

/// Where a point goes: its class and its index among the class's points.
enum PointPlace<'a> {
    Named(&'a str, usize),
    /// Labelled with the class's own name: the next free point.
    InTurn(&'a str, usize),
    Alone,
}

/// The shapes of one task, in pixels of its `image` (width, height), with
/// the problems of the regions that cannot be taken. A region whose
/// `original_width`/`original_height` differ from `image` is converted with
/// its own (the pixels are kept, and it is said).
pub fn task_annotations(
    task: &LsTask,
    image: (u32, u32),
    classes: &KeypointClasses,
) -> (Vec<LsAnnotation>, Vec<LsProblem>) {
    let regions = &task.regions;
    let tree = Tree::new(regions);
    let mut problems = Vec::new();
    let mut built = Builder::default();
    let owners: Vec<Option<usize>> = (0..regions.len())
        .map(|i| polygon_owner(regions, &tree, i))
        .collect();
    // Further parts of a polygon after every region that starts a shape.
    let order = (0..regions.len())
        .filter(|&i| owners[i].is_none())
        .chain((0..regions.len()).filter(|&i| owners[i].is_some()));
    for i in order {
        let region = &regions[i];
        let size = region.original.unwrap_or(image);
        let mut say = |message: String| {
            problems.push(LsProblem {
                at: region.at.clone(),
                message,
            })
        };
        if size != image {
            say(format!(
                "original size {}×{} differs from the project's {}×{}; converted with {}×{}",
                size.0, size.1, image.0, image.1, size.0, size.1
            ));
        }
        let outcome = match (&region.geometry, owners[i]) {
            (LsGeometry::Point { .. }, _) => built.point(regions, &tree, i, classes, size),
            (_, Some(owner)) => built.part(regions, owner, i, size),
            (LsGeometry::Polygon { closed: true, .. }, None) => region_part(region, size)
                .map(|p| built.region(i, region, tree.root[i], Built::Parts(vec![p]))),
            (LsGeometry::Brush(bytes), None) => brush_mask(bytes, size, image).map(|(m, note)| {
                if let Some(note) = note {
                    say(note);
                }
                built.region(i, region, tree.root[i], Built::Done(m));
            }),
            (_, None) => region_shape(region, size)
                .map(|shape| built.region(i, region, tree.root[i], Built::Done(shape))),
        };
        if let Err(message) = outcome {
            say(message);
        }
    }
    // COCO's unlabelled points (label-studio-converter writes them hidden at
    // 0, 0) label nothing: an object of only those is no shape.
    let (entries, unlabelled): (Vec<Entry>, Vec<Entry>) =
        built.entries.into_iter().partition(|e| match &e.built {
            Built::Points(points) => points.iter().any(|k| k.v.is_labelled()),
            _ => true,
        });
    for e in unlabelled {
        problems.push(LsProblem {
            at: e.at,
            message: format!(
                "no point of this `{}` object is labelled (hidden at 0, 0: COCO's unlabelled points); left out",
                e.class
            ),
        });
    }
    (number_groups(entries), problems)
}

/// The shapes of a task as they are built.
#[derive(Default)]
struct Builder<'a> {
    entries: Vec<Entry>,
    /// The entry each region that starts one made.
    entry_of: HashMap<usize, usize>,
    /// The entry of each keypoint object: class, and the region at the top of
    /// its points' links (`None`: the points of the class under nothing).
    objects: HashMap<(&'a str, Option<usize>), usize>,
    /// Points placed so far of each object of points labelled with their class.
    in_turn: HashMap<(&'a str, Option<usize>), usize>,
}

impl<'a> Builder<'a> {
    fn region(&mut self, i: usize, region: &LsRegion, root: usize, built: Built) {
        self.entry_of.insert(i, self.entries.len());
        self.entries.push(Entry {
            at: region.at.clone(),
            class: region.label.clone(),
            built,
            root: Some(root),
            attributes: region.attributes.clone(),
        });
    }

    /// Region `i`, a further part of the polygon region `owner`.
    fn part(
        &mut self,
        regions: &[LsRegion],
        owner: usize,
        i: usize,
        size: (u32, u32),
    ) -> Result<(), String> {
        let Some(&e) = self.entry_of.get(&owner) else {
            return Err(format!(
                "a further part of the polygon at {}, which was left out; it was left out too",
                regions[owner].at
            ));
        };
        let part = region_part(&regions[i], size)?;
        if let Built::Parts(parts) = &mut self.entries[e].built {
            parts.push(part);
        }
        Ok(())
    }

    /// The point region `i`, into its object's keypoints.
    fn point(
        &mut self,
        regions: &'a [LsRegion],
        tree: &Tree,
        i: usize,
        classes: &'a KeypointClasses,
        size: (u32, u32),
    ) -> Result<(), String> {
        let region = &regions[i];
        let LsGeometry::Point { at, hidden } = region.geometry else {
            return Err("not a point".into());
        };
        let root = (tree.root[i] != i || tree.has_children[i]).then_some(tree.root[i]);
        let (class, slot, count) = match point_place(regions, tree, i, classes)? {
            PointPlace::Alone => (region.label.as_str(), 0, 1),
            PointPlace::Named(class, slot) => (class, slot, names_len(classes, class)),
            PointPlace::InTurn(class, count) => {
                let turn = self.in_turn.entry((class, root)).or_default();
                let slot = *turn % count;
                if slot == 0 && *turn > 0 {
                    // The class's points are all there: the next object starts.
                    self.objects.remove(&(class, root));
                }
                *turn += 1;
                (class, slot, count)
            }
        };
        let alone = count == 1 && classes.names(class).is_none();
        let e = match self.objects.get(&(class, root)) {
            Some(&e) if !alone => e,
            _ => {
                self.entries.push(Entry {
                    at: region.at.clone(),
                    class: class.to_string(),
                    built: Built::Points(vec![Keypoint::default(); count]),
                    root,
                    attributes: Attributes::new(),
                });
                if !alone {
                    self.objects.insert((class, root), self.entries.len() - 1);
                }
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[e];
        let Built::Points(points) = &mut entry.built else {
            return Err("not a keypoint object".into());
        };
        if points[slot].v.is_labelled() {
            return Err(format!(
                "a second point `{}` in one `{class}` object; it was left out",
                region.label
            ));
        }
        let p = pixel(at, size);
        points[slot] = match hidden {
            // label-studio-converter's COCO import: COCO's unlabelled point.
            true if at == [0.0, 0.0] => Keypoint::default(),
            true => Keypoint::new(p.x, p.y, Visibility::Occluded),
            false => Keypoint::new(p.x, p.y, Visibility::Visible),
        };
        for (name, value) in &region.attributes {
            entry
                .attributes
                .entry(name.clone())
                .or_insert(value.clone());
        }
        Ok(())
    }
}

fn names_len(classes: &KeypointClasses, class: &str) -> usize {
    classes.names(class).map_or(1, <[String]>::len)
}

/// Where point `i` goes, or why it cannot be placed.
fn point_place<'a>(
    regions: &'a [LsRegion],
    tree: &Tree,
    i: usize,
    classes: &'a KeypointClasses,
) -> Result<PointPlace<'a>, String> {
    let label = regions[i].label.as_str();
    let parent = tree.parent_label(regions, i);
    let naming: Vec<&str> = classes.naming(label).collect();
    let class = match parent {
        Some(p) if naming.contains(&p) => Some(p),
        _ if naming.len() == 1 => Some(naming[0]),
        _ if naming.len() > 1 => {
            let mut naming = naming;
            naming.sort_unstable();
            return Err(format!(
                "the point `{label}` is named by the keypoint classes {}, and its parent region does not say which; it was left out",
                naming.join(", ")
            ));
        }
        _ => None,
    };
    if let Some(class) = class {
        let names = classes.names(class).unwrap_or_default();
        let slot = names.iter().position(|n| n == label).unwrap_or_default();
        return Ok(PointPlace::Named(class, slot));
    }
    if let Some(p) = parent.filter(|p| *p != label)
        && let Some(names) = classes.names(p)
    {
        return Err(format!(
            "the point `{label}` is under a `{p}` region, whose points are {}; it was left out",
            names.join(", ")
        ));
    }
    Ok(match classes.names.get_key_value(label) {
        Some((class, names)) => PointPlace::InTurn(class, names.len()),
        None => PointPlace::Alone,
    })
}

/// The region whose polygon region `i` is a further part of: a closed
/// polygon directly under a closed polygon of its label, its id the parent's
/// followed by `_N`, as Shugu's export writes a polygon's further parts. A
/// polygon drawn under another in Label Studio has an id of its own and stays
/// a polygon of its own (in the group).
fn polygon_owner(regions: &[LsRegion], tree: &Tree, i: usize) -> Option<usize> {
    let p = tree.parent[i]?;
    let (part, owner) = (&regions[i], &regions[p]);
    let closed = |r: &LsRegion| matches!(r.geometry, LsGeometry::Polygon { closed: true, .. });
    let number = part
        .id
        .as_deref()?
        .strip_prefix(owner.id.as_deref()?)?
        .strip_prefix('_')?;
    let numbered = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    (numbered && closed(part) && closed(owner) && part.label == owner.label).then_some(p)
}

/// Numbers the roots that hold two shapes or more, in order, and makes the shapes.
fn number_groups(entries: Vec<Entry>) -> Vec<LsAnnotation> {
    let mut count: HashMap<usize, usize> = HashMap::new();
    for root in entries.iter().filter_map(|e| e.root) {
        *count.entry(root).or_default() += 1;
    }
    let mut numbers: HashMap<usize, u32> = HashMap::new();
    entries
        .into_iter()
        .map(|e| {
            let group = e.root.filter(|r| count[r] > 1).map(|r| {
                let next = numbers.len() as u32 + 1;
                *numbers.entry(r).or_insert(next)
            });
            let shape = match e.built {
                Built::Done(shape) => shape,
                Built::Parts(parts) => Shape::Polygon(Polygon::from_parts(parts)).into(),
                Built::Points(points) => Shape::Keypoints(points).into(),
            };
            LsAnnotation {
                at: e.at,
                class: e.class,
                shape,
                group,
                attributes: e.attributes,
            }
        })
        .collect()
}

fn pixel([x, y]: [f64; 2], (w, h): (u32, u32)) -> Point {
    Point::new(
        (x / 100.0 * f64::from(w)) as f32,
        (y / 100.0 * f64::from(h)) as f32,
    )
}

/// A closed polygon's points in pixels; at least three.
fn region_part(region: &LsRegion, size: (u32, u32)) -> Result<Vec<Point>, String> {
    let LsGeometry::Polygon { points, .. } = &region.geometry else {
        return Err("not a polygon".into());
    };
    if points.len() < 3 {
        return Err(format!(
            "the polygon has {} point(s), fewer than 3",
            points.len()
        ));
    }
    Ok(points.iter().map(|&p| pixel(p, size)).collect())
}

/// A brush of a `size` image as the patch it covers on the `image`, and a
/// note of the set pixels cut off beyond it.
fn brush_mask(
    bytes: &[u8],
    size: (u32, u32),
    image: (u32, u32),
) -> Result<(FileShape, Option<String>), String> {
    let brush = decode_brush(bytes, size, image)?;
    if !brush.patch.rows.contains(&1) {
        return Err("the brush has no pixel set inside the image; skipped".into());
    }
    let note = (brush.cut > 0).then(|| {
        format!(
            "{} pixel(s) of the brush lie outside the {}×{} image; they were cut off",
            brush.cut, image.0, image.1
        )
    });
    Ok((FileShape::Mask(brush.patch), note))
}

/// A region other than a point, a closed polygon or a brush as a shape, in pixels of
/// `size`.
fn region_shape(region: &LsRegion, size: (u32, u32)) -> Result<FileShape, String> {
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    match &region.geometry {
        LsGeometry::Rect { percent, rotation } => {
            let rotation = rotation.rem_euclid(360.0);
            if rotation == 0.0 {
                let bbox = super::percent_to_bbox(*percent, size.0, size.1);
                return Ok(Shape::Rect(bbox).into());
            }
            let [x, y, rw, rh] = *percent;
            Ok(Shape::RotatedRect(RotatedRect::from_top_left(
                (x / 100.0 * w) as f32,
                (y / 100.0 * h) as f32,
                (rw / 100.0 * w) as f32,
                (rh / 100.0 * h) as f32,
                rotation as f32,
            ))
            .into())
        }
        LsGeometry::Polygon { points, .. } => {
            if points.len() < 2 {
                return Err(format!(
                    "the unfinished polygon has {} point(s), fewer than 2",
                    points.len()
                ));
            }
            let points = points.iter().map(|&p| pixel(p, size)).collect();
            Ok(Shape::Polyline(points).into())
        }
        LsGeometry::Ellipse {
            centre,
            radii,
            rotation,
        } => {
            let [cx, cy] = *centre;
            ellipse_polygon(
                cx / 100.0 * w,
                cy / 100.0 * h,
                radii[0] / 100.0 * w,
                radii[1] / 100.0 * h,
                *rotation,
            )
            .map(|p| Shape::Polygon(p).into())
            .ok_or_else(|| "the ellipse's numbers make no outline".to_string())
        }
        LsGeometry::Brush(_) => Err("a brush is not decoded here".into()),
        LsGeometry::Point { .. } => Err("a point is not a region".into()),
    }
}
