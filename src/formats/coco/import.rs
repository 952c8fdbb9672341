//! Planning a COCO import: which boxes go onto which project items, and what
//! could not be imported and why. Pure: the caller looks items up and applies
//! the plan.

use super::OUTSIDE_TOLERANCE_PX;
use super::file::{CocoAnnotation, CocoFile};
use super::segmentation::Segmentation;
use crate::formats::label_paths::PathMatch;
use crate::model::{AttributeDef, Attributes, BBox, ItemId, leave_out_refused};
use std::collections::{HashMap, HashSet};

/// The project item a COCO image matched, with its EXIF-oriented size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportTarget {
    pub item: ItemId,
    pub width: u32,
    pub height: u32,
}

/// A box to add to the project.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBox {
    pub item: ItemId,
    /// The category: an index into [`CocoImportPlan::categories`] (an index, not
    /// a name, so a million boxes don't carry a million copies of a few names).
    pub category: usize,
    pub bbox: BBox,
    pub attributes: Attributes,
}

/// One record that was not imported, or was imported with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    /// The record, e.g. `annotation id 17` or `image id 3 (a/b.jpg)`.
    pub record: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CocoImportPlan {
    /// Category names used by the planned boxes, in COCO category-id order
    /// (names shared by several category ids appear once).
    pub categories: Vec<String>,
    /// In the order of the file's annotations.
    pub boxes: Vec<PlannedBox>,
    /// Category problems first, then images, then annotations, each in file order.
    pub problems: Vec<ImportProblem>,
    /// What the planned boxes leave out of their annotations, counted rather
    /// than reported one by one (COCO 2017 has a polygon on every annotation).
    pub shapes: ShapesAsBoxes,
}

/// Annotations whose polygon or mask was imported as its box: the project
/// holds boxes only, so the shapes are counted here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShapesAsBoxes {
    /// Boxes of annotations with polygons.
    pub polygons: usize,
    /// Boxes of annotations with RLE masks.
    pub masks: usize,
    /// Of those, boxes derived from the shape: the bbox was missing or had no area.
    pub derived: usize,
    /// Boxes of crowd regions (`iscrowd: 1`), whose flag is not kept.
    pub crowd: usize,
}

impl ShapesAsBoxes {
    /// One line per kind of loss, in the user's terms; none when nothing was lost.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.polygons + self.masks > 0 {
            lines.push(format!(
                "{} polygon and {} RLE mask annotation(s) were imported as their boxes; \
                 the shapes themselves are not kept (this version imports boxes only)",
                self.polygons, self.masks
            ));
        }
        if self.derived > 0 {
            lines.push(format!(
                "{} of those boxes were derived from the polygon or mask (no bbox, or one of no area)",
                self.derived
            ));
        }
        if self.crowd > 0 {
            lines.push(format!(
                "{} crowd region(s) (iscrowd=1) were imported as plain boxes",
                self.crowd
            ));
        }
        lines
    }
}

/// Plans the import of a parsed COCO file.
///
/// `lookup` receives each image's `file_name` as written and finds the project
/// item it means (a [`crate::formats::label_paths::PathMatcher`]: the name is
/// only a key, never opened). Two image records that land on one item are
/// reported, and the first keeps it.
///
/// Boxes are checked against the project's image size (the COCO `width` and
/// `height`, when given, must agree with it, or the image is skipped: boxes on a
/// differently oriented image would land in the wrong place). A box reaching up
/// to [`OUTSIDE_TOLERANCE_PX`] past the border is clamped; one further out is
/// reported and skipped.
pub fn plan_import(
    file: &CocoFile,
    lookup: impl Fn(&str) -> PathMatch<ImportTarget>,
) -> CocoImportPlan {
    let mut planner = ImportPlanner::new(file, lookup);
    let mut boxes = planner.plan(&file.annotations);
    let position = planner.categories.used_positions();
    for b in &mut boxes {
        b.category = position[b.category];
    }
    let mut plan = planner.finish();
    plan.boxes = boxes;
    plan
}

/// Plans an import a chunk of annotations at a time, for a file whose
/// annotations are read in chunks ([`super::stream_coco_annotations`]) and
/// imported while the rest is still being read. Same checks as [`plan_import`].
pub struct ImportPlanner {
    images: Images,
    categories: Categories,
    seen: SeenIds,
    annotation_problems: Vec<ImportProblem>,
    shapes: ShapesAsBoxes,
    /// The project's attribute definitions: values they refuse are left out.
    attribute_defs: Vec<AttributeDef>,
}

impl ImportPlanner {
    /// Matches the images of `header` (a file whose annotations may be left
    /// out, see [`super::parse_coco_header`]) to project items and reads its
    /// categories.
    pub fn new(header: &CocoFile, lookup: impl Fn(&str) -> PathMatch<ImportTarget>) -> Self {
        Self {
            images: Images::read(header, lookup),
            categories: Categories::read(header),
            seen: SeenIds::default(),
            annotation_problems: Vec::new(),
            shapes: ShapesAsBoxes::default(),
            attribute_defs: Vec::new(),
        }
    }

    /// Checks attribute values against `defs` (the project's): a value they
    /// refuse, or an attribute without a name, is left out of its box and
    /// reported by annotation.
    pub fn with_attribute_defs(mut self, defs: &[AttributeDef]) -> Self {
        self.attribute_defs = defs.to_vec();
        self
    }

    /// Every distinct category name in the file. The boxes of [`Self::plan`]
    /// carry an index into this list.
    pub fn category_names(&self) -> Vec<String> {
        self.categories
            .names
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The boxes to add for the next annotations of the file, in file order.
    pub fn plan(&mut self, annotations: &[CocoAnnotation]) -> Vec<PlannedBox> {
        let mut boxes = Vec::with_capacity(annotations.len());
        for ann in annotations {
            if self.seen.insert(ann.id) {
                self.plan_annotation(ann, &mut boxes);
            } else {
                self.problem(
                    ann,
                    "duplicate annotation id; only the first record with this id is imported"
                        .into(),
                );
            }
        }
        boxes
    }

    /// The problems and counts of the whole import, and the names of the
    /// categories that boxes were planned for, in category-id order. `boxes`
    /// is left empty: they were handed out by [`Self::plan`].
    pub fn finish(mut self) -> CocoImportPlan {
        let mut problems = self.categories.problems.finish();
        problems.extend(self.images.problems.finish());
        problems.append(&mut self.annotation_problems);
        CocoImportPlan {
            categories: self.categories.used_names(),
            boxes: Vec::new(),
            problems,
            shapes: self.shapes,
        }
    }

    fn problem(&mut self, ann: &CocoAnnotation, message: String) {
        self.annotation_problems.push(ImportProblem {
            record: format!("annotation id {}", ann.id),
            message,
        });
    }

    /// Plans the box of one annotation, or reports why there is none. An
    /// annotation of a skipped image or category is counted with that record.
    fn plan_annotation(&mut self, ann: &CocoAnnotation, boxes: &mut Vec<PlannedBox>) {
        let target = match self.images.target(ann.image_id) {
            Lookup::Missing => {
                let message = format!("image id {} is not in the file", ann.image_id);
                return self.problem(ann, message);
            }
            Lookup::Skipped => return,
            Lookup::Found(target) => target,
        };
        let category = match self.categories.name(ann.category_id) {
            Lookup::Missing => {
                let message = format!("category id {} is not in the file", ann.category_id);
                return self.problem(ann, message);
            }
            Lookup::Skipped => return,
            Lookup::Found(name) => name,
        };
        let given = ann.bbox.filter(|b| has_area(*b));
        let (xywh, derived) = match (given, ann.segmentation.extent()) {
            (Some(b), _) => (b, false),
            (None, Some(extent)) => (extent, true),
            (None, None) => return self.problem(ann, no_box(ann)),
        };
        let bbox = match checked_box(xywh, target.width, target.height) {
            Ok(bbox) => bbox,
            Err(message) => return self.problem(ann, message),
        };
        match ann.segmentation {
            Segmentation::Empty => {}
            Segmentation::Polygon(_) => self.shapes.polygons += 1,
            Segmentation::Rle(_) => self.shapes.masks += 1,
            Segmentation::Unrecognised => self.problem(
                ann,
                "its segmentation is neither a list of polygons nor an RLE object; \
                 its bbox was imported"
                    .into(),
            ),
        }
        self.shapes.derived += usize::from(derived);
        self.shapes.crowd += usize::from(ann.iscrowd);
        for message in &ann.attribute_problems {
            self.problem(ann, message.clone());
        }
        let attributes = self.accepted_attributes(ann);
        self.categories.used[category] = true;
        boxes.push(PlannedBox {
            item: target.item,
            category,
            bbox,
            attributes,
        });
    }

    /// The annotation's attributes the project's definitions take; the
    /// others are reported.
    fn accepted_attributes(&mut self, ann: &CocoAnnotation) -> Attributes {
        let mut attributes = ann.attributes.clone();
        let mut refused = Vec::new();
        leave_out_refused(&mut attributes, &self.attribute_defs, |m| refused.push(m));
        for message in refused {
            self.problem(ann, message);
        }
        attributes
    }
}

/// Why an annotation gives no box: it has no usable bbox and no shape to take one from.
fn no_box(ann: &CocoAnnotation) -> String {
    let shape = match ann.segmentation {
        Segmentation::Polygon(_) => "; its polygon gives none either (not pairs of finite numbers)",
        Segmentation::Rle(_) => {
            "; its RLE mask gives none either (empty, or counts that do not fit its size)"
        }
        Segmentation::Empty | Segmentation::Unrecognised => "",
    };
    match ann.bbox.and_then(unusable) {
        None => format!("it has no bbox of four numbers [x, y, w, h]{shape}"),
        Some(message) => format!("{message}{shape}"),
    }
}

/// A bbox of finite numbers with a positive width and height.
fn has_area(xywh: [f64; 4]) -> bool {
    unusable(xywh).is_none()
}

/// Why a bbox is no box at all (not finite, or no area), if it is not.
fn unusable(xywh: [f64; 4]) -> Option<String> {
    let [x, y, w, h] = xywh;
    let shown = || format!("[{x}, {y}, {w}, {h}]");
    if !xywh.iter().all(|v| v.is_finite()) {
        Some(format!(
            "box {} has a value that is not a finite number",
            shown()
        ))
    } else if w <= 0.0 || h <= 0.0 {
        Some(format!(
            "box {} has no area (width and height must be positive)",
            shown()
        ))
    } else {
        None
    }
}

/// Annotation ids seen so far: a bitmap for the usual small non-negative ids,
/// a hash set for the rest.
#[derive(Default)]
struct SeenIds {
    bits: Vec<u64>,
    others: HashSet<i64>,
}

impl SeenIds {
    /// Ids below this go into the bitmap (at most 2 MiB of it).
    const DENSE_LIMIT: i64 = 1 << 24;

    /// True when `id` had not been seen.
    fn insert(&mut self, id: i64) -> bool {
        if !(0..Self::DENSE_LIMIT).contains(&id) {
            return self.others.insert(id);
        }
        let (word, bit) = ((id / 64) as usize, id % 64);
        if word >= self.bits.len() {
            self.bits.resize((word + 1).next_power_of_two(), 0);
        }
        let mask = 1u64 << bit;
        let fresh = self.bits[word] & mask == 0;
        self.bits[word] |= mask;
        fresh
    }
}

/// The box in model form, clamped if it is within tolerance of the image.
fn checked_box(xywh: [f64; 4], width: u32, height: u32) -> Result<BBox, String> {
    let [x, y, w, h] = xywh;
    let shown = || format!("[{x}, {y}, {w}, {h}]");
    let (iw, ih) = (f64::from(width), f64::from(height));
    let tol = OUTSIDE_TOLERANCE_PX;
    if let Some(message) = unusable(xywh) {
        return Err(message);
    }
    if x < -tol || y < -tol || x + w > iw + tol || y + h > ih + tol {
        return Err(format!(
            "box {} lies outside the {width}×{height} image",
            shown()
        ));
    }
    // Corners are computed in f64, then narrowed once.
    let bbox = BBox::from_corners([x as f32, y as f32], [(x + w) as f32, (y + h) as f32])
        .clamped(width as f32, height as f32);
    if bbox.is_proper() {
        Ok(bbox)
    } else {
        Err(format!(
            "box {} has no area inside the {width}×{height} image",
            shown()
        ))
    }
}

enum Lookup<T> {
    /// No record with this id.
    Missing,
    /// The record exists but was skipped; its own problem counts this annotation.
    Skipped,
    Found(T),
}

/// Problems about image or category records. Those that skip a record carry a
/// count of the annotations skipped with it, known only after the annotation pass.
#[derive(Default)]
struct RecordProblems(Vec<(String, String, Option<usize>)>);

impl RecordProblems {
    /// A problem that skips the record's annotations; returns its index.
    fn skipping(&mut self, record: String, reason: String) -> usize {
        self.0.push((record, reason, Some(0)));
        self.0.len() - 1
    }

    fn note(&mut self, record: String, reason: String) {
        self.0.push((record, reason, None));
    }

    fn count_skipped(&mut self, index: usize) {
        if let Some((_, _, Some(n))) = self.0.get_mut(index) {
            *n += 1;
        }
    }

    fn finish(&mut self) -> Vec<ImportProblem> {
        self.0
            .drain(..)
            .map(|(record, reason, skipped)| {
                let message = match skipped {
                    None => reason,
                    Some(1) => format!("{reason}; its 1 annotation was skipped"),
                    Some(n) => format!("{reason}; its {n} annotations were skipped"),
                };
                ImportProblem { record, message }
            })
            .collect()
    }
}

/// The file's images, each matched to a project item or skipped with a problem.
struct Images {
    index: IdIndex,
    /// Per image record: the target, or the index of the problem that skips it.
    state: Vec<Result<ImportTarget, usize>>,
    problems: RecordProblems,
}

impl Images {
    fn read(file: &CocoFile, lookup: impl Fn(&str) -> PathMatch<ImportTarget>) -> Self {
        let index = IdIndex::build(file.images.iter().map(|i| i.id));
        let mut problems = RecordProblems::default();
        let mut state = Vec::with_capacity(file.images.len());
        let mut by_item: HashMap<ItemId, i64> = HashMap::with_capacity(file.images.len());
        for (pos, image) in file.images.iter().enumerate() {
            let record = || format!("image id {} ({})", image.id, image.file_name);
            if index.first_of(image.id) != Some(pos) {
                problems.note(
                    record(),
                    "duplicate image id; annotations with this id go to the first image record"
                        .into(),
                );
                state.push(Err(usize::MAX));
                continue;
            }
            let target = match lookup(&image.file_name) {
                _ if image.file_name.is_empty() => Err("the file name is empty".to_string()),
                PathMatch::Found(matched) => match by_item.get(&matched.value.item) {
                    Some(first) => Err(format!(
                        "the same file as image id {first} (`{}`)",
                        matched.path
                    )),
                    None => {
                        by_item.insert(matched.value.item, image.id);
                        Ok(matched.value)
                    }
                },
                PathMatch::NotFound => Err("not in the project".to_string()),
                PathMatch::Ambiguous(paths) => Err(format!(
                    "several images of the project match it ({})",
                    paths.join(", ")
                )),
            };
            let target =
                target.and_then(|t| size_problem(image.width, image.height, t).map_or(Ok(t), Err));
            state.push(target.map_err(|reason| problems.skipping(record(), reason)));
        }
        Self {
            index,
            state,
            problems,
        }
    }

    fn target(&mut self, image_id: i64) -> Lookup<ImportTarget> {
        let Some(pos) = self.index.first_of(image_id) else {
            return Lookup::Missing;
        };
        match self.state.get(pos) {
            Some(Ok(target)) => Lookup::Found(*target),
            Some(Err(problem)) => {
                self.problems.count_skipped(*problem);
                Lookup::Skipped
            }
            None => Lookup::Missing,
        }
    }
}

/// Why the COCO image's size rules out its boxes on the project item, if it does.
fn size_problem(width: u32, height: u32, target: ImportTarget) -> Option<String> {
    let (tw, th) = (target.width, target.height);
    if tw == 0 || th == 0 {
        return Some("the project does not know this image's size (is the file readable?)".into());
    }
    let given = width != 0 && height != 0;
    if !given || (width, height) == (tw, th) {
        return None;
    }
    let hint = if (width, height) == (th, tw) {
        " (EXIF orientation not applied by the tool that wrote the file?)"
    } else {
        ""
    };
    Some(format!(
        "the file says {width}×{height}, but the image in the project is {tw}×{th}{hint}"
    ))
}

/// The file's categories, by name.
struct Categories {
    index: IdIndex,
    /// Per category record: index into `names`, or the problem that skips it.
    state: Vec<Result<usize, usize>>,
    /// Distinct names with the smallest category id that carries each.
    names: Vec<(String, i64)>,
    used: Vec<bool>,
    problems: RecordProblems,
}

impl Categories {
    fn read(file: &CocoFile) -> Self {
        let index = IdIndex::build(file.categories.iter().map(|c| c.id));
        let mut problems = RecordProblems::default();
        let mut state = Vec::with_capacity(file.categories.len());
        let mut names: Vec<(String, i64)> = Vec::new();
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (pos, cat) in file.categories.iter().enumerate() {
            let record = || format!("category id {} ({})", cat.id, cat.name);
            if index.first_of(cat.id) != Some(pos) {
                problems.note(
                    record(),
                    "duplicate category id; the first category with this id is used".into(),
                );
                state.push(Err(usize::MAX));
            } else if cat.name.trim().is_empty() {
                let problem = problems.skipping(record(), "the category has no name".into());
                state.push(Err(problem));
            } else {
                let k = *by_name.entry(cat.name.as_str()).or_insert_with(|| {
                    names.push((cat.name.clone(), cat.id));
                    names.len() - 1
                });
                names[k].1 = names[k].1.min(cat.id);
                state.push(Ok(k));
            }
        }
        let used = vec![false; names.len()];
        Self {
            index,
            state,
            names,
            used,
            problems,
        }
    }

    fn name(&mut self, category_id: i64) -> Lookup<usize> {
        let Some(pos) = self.index.first_of(category_id) else {
            return Lookup::Missing;
        };
        match self.state.get(pos) {
            Some(Ok(k)) => Lookup::Found(*k),
            Some(Err(problem)) => {
                self.problems.count_skipped(*problem);
                Lookup::Skipped
            }
            None => Lookup::Missing,
        }
    }

    /// The indices of the used names, in category-id order.
    fn used_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.names.len()).filter(|&k| self.used[k]).collect();
        order.sort_unstable_by_key(|&k| self.names[k].1);
        order
    }

    /// The used names in category-id order.
    fn used_names(&self) -> Vec<String> {
        self.used_order()
            .into_iter()
            .map(|k| self.names[k].0.clone())
            .collect()
    }

    /// For each name index, its position among [`Self::used_names`] (0 for
    /// names no box uses).
    fn used_positions(&self) -> Vec<usize> {
        let mut position = vec![0; self.names.len()];
        for (pos, k) in self.used_order().into_iter().enumerate() {
            position[k] = pos;
        }
        position
    }
}

/// COCO id → position of the first record with that id. A dense table when the
/// ids are compact (the usual 1..=N), a hash map otherwise.
enum IdIndex {
    Dense { min: i64, first: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

impl IdIndex {
    const NONE: u32 = u32::MAX;

    fn build(ids: impl Iterator<Item = i64> + Clone) -> Self {
        let (mut len, mut min, mut max) = (0usize, i64::MAX, i64::MIN);
        for id in ids.clone() {
            len += 1;
            min = min.min(id);
            max = max.max(id);
        }
        let span = i128::from(max) - i128::from(min) + 1;
        if len > 0 && len < Self::NONE as usize && span <= 2 * len as i128 + 1024 {
            let mut first = vec![Self::NONE; span as usize];
            for (pos, id) in ids.enumerate() {
                let slot = &mut first[(id - min) as usize];
                if *slot == Self::NONE {
                    *slot = pos as u32;
                }
            }
            IdIndex::Dense { min, first }
        } else {
            let mut first = HashMap::with_capacity(len);
            for (pos, id) in ids.enumerate() {
                first.entry(id).or_insert(pos as u32);
            }
            IdIndex::Sparse(first)
        }
    }

    /// The position of the first record with `id`.
    fn first_of(&self, id: i64) -> Option<usize> {
        let pos = match self {
            IdIndex::Dense { min, first } => {
                let offset = usize::try_from(id.checked_sub(*min)?).ok()?;
                *first.get(offset)?
            }
            IdIndex::Sparse(first) => *first.get(&id)?,
        };
        (pos != Self::NONE).then_some(pos as usize)
    }
}
