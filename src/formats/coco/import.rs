//! Planning a COCO import: which shapes go onto which project items, and what
//! could not be imported and why. Pure: the caller looks items up and applies
//! the plan.

use super::file::{CocoAnnotation, CocoCategory, CocoFile};
use super::import_records::{Categories, Images, Lookup, SeenIds};
use super::import_shapes::{RecordShapes, record_shapes};
use crate::formats::label_paths::PathMatch;
use crate::model::{AttributeDef, Attributes, BBox, ItemId, Shape, leave_out_refused};

/// The project item a COCO image matched, with its EXIF-oriented size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportTarget {
    pub item: ItemId,
    pub width: u32,
    pub height: u32,
}

/// One COCO annotation record to add to the project: one shape, or (COCO's
/// person records) a region and its keypoints, each of which becomes an
/// annotation of the record's class.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedAnnotation {
    pub item: ItemId,
    /// The category: an index into [`CocoImportPlan::categories`] (an index, not
    /// a name, so a million records don't carry a million copies of a few names).
    pub category: usize,
    /// Checked against the image, region first: a box, polygon (every part) or
    /// mask, then the keypoints. Never empty; at most one region and one set of
    /// keypoints.
    pub shapes: Vec<Shape>,
    /// COCO's `iscrowd`.
    pub crowd: bool,
    /// The record's COCO id when it gave several shapes, which belong together
    /// (datumaro's and CVAT's `group`): an export writes them as one record again.
    pub group: Option<i64>,
    pub attributes: Attributes,
    /// The box a box-only store keeps of the record until annotations carry
    /// shapes: the record's bbox, or when it is missing or has no area the
    /// region's bounds (pycocotools' `toBbox` for masks). `None` for keypoints
    /// without a box; such records are counted in [`ShapesAsBoxes::without_box`].
    pub bbox: Option<BBox>,
}

/// One record that was not imported, or was imported with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    /// The record, e.g. `annotation id 17` or `image id 3 (a/b.jpg)`.
    pub record: String,
    pub message: String,
}

/// A keypoint category's point names and skeleton.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategoryKeypoints {
    pub names: Vec<String>,
    /// Edges as 0-based indices into `names` (COCO writes them 1-based).
    pub skeleton: Vec<[usize; 2]>,
}

impl CategoryKeypoints {
    /// The points and skeleton of a file's category (none for most).
    pub fn of(category: &CocoCategory) -> Self {
        Self {
            names: category.keypoints.clone(),
            // Edges are checked when read; one made in code may still be 0.
            skeleton: category
                .skeleton
                .iter()
                .filter_map(|&[a, b]| {
                    Some([a.checked_sub(1)? as usize, b.checked_sub(1)? as usize])
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CocoImportPlan {
    /// Category names used by the planned annotations, in COCO category-id
    /// order (names shared by several category ids appear once).
    pub categories: Vec<String>,
    /// For each of `categories`, its keypoint names and skeleton (empty for
    /// categories without keypoints).
    pub category_keypoints: Vec<CategoryKeypoints>,
    /// In the order of the file's annotations.
    pub annotations: Vec<PlannedAnnotation>,
    /// Category problems first, then images, then annotations, each in file order.
    pub problems: Vec<ImportProblem>,
    /// What a box-only store leaves out of the planned annotations, counted
    /// rather than reported one by one (COCO 2017 has a polygon on every one).
    pub shapes: ShapesAsBoxes,
}

/// What a store that keeps boxes only leaves out of the planned annotations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShapesAsBoxes {
    /// Records whose region is a polygon.
    pub polygons: usize,
    /// Records whose region is an RLE mask.
    pub masks: usize,
    /// Of those, boxes derived from the shape: the bbox was missing or had no area.
    pub derived: usize,
    /// Crowd regions (`iscrowd: 1`), whose flag is not kept.
    pub crowd: usize,
    /// Records with keypoints, which are not kept.
    pub keypoints: usize,
    /// Of those, records with keypoints and no box, not stored at all.
    pub without_box: usize,
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
        if self.keypoints > 0 {
            lines.push(format!(
                "the keypoints of {} annotation(s) are not kept (this version imports boxes only); \
                 {} of them have no box and were not imported",
                self.keypoints, self.without_box
            ));
        }
        lines
    }

    fn count(&mut self, planned: &PlannedAnnotation, given_box: bool) {
        let region = match planned.shapes.first() {
            Some(Shape::Polygon(_)) => &mut self.polygons,
            Some(Shape::Mask(_)) => &mut self.masks,
            _ => &mut 0,
        };
        *region += 1;
        let has_region = matches!(
            planned.shapes.first(),
            Some(Shape::Polygon(_) | Shape::Mask(_))
        );
        self.derived += usize::from(has_region && !given_box);
        self.crowd += usize::from(planned.crowd && planned.bbox.is_some());
        let keypoints = planned
            .shapes
            .iter()
            .any(|s| matches!(s, Shape::Keypoints(_)));
        self.keypoints += usize::from(keypoints);
        self.without_box += usize::from(planned.bbox.is_none());
    }
}

/// Plans the import of a parsed COCO file.
///
/// `lookup` receives each image's `file_name` as written and finds the project
/// item it means (a [`crate::formats::label_paths::PathMatcher`]: the name is
/// only a key, never opened). Two image records that land on one item are
/// reported, and the first keeps it.
///
/// Shapes are checked against the project's image size (the COCO `width` and
/// `height`, when given, must agree with it, or the image is skipped: shapes on
/// a differently oriented image would land in the wrong place). A shape reaching
/// up to [`super::OUTSIDE_TOLERANCE_PX`] past the border is clamped; one further
/// out is reported and left out.
pub fn plan_import(
    file: &CocoFile,
    lookup: impl Fn(&str) -> PathMatch<ImportTarget>,
) -> CocoImportPlan {
    let mut planner = ImportPlanner::new(file, lookup);
    let mut annotations = planner.plan(&file.annotations);
    let position = planner.categories.used_positions();
    for a in &mut annotations {
        a.category = position[a.category];
    }
    let mut plan = planner.finish();
    plan.annotations = annotations;
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
    /// refuse, or an attribute without a name, is left out of its annotation
    /// and reported.
    pub fn with_attribute_defs(mut self, defs: &[AttributeDef]) -> Self {
        self.attribute_defs = defs.to_vec();
        self
    }

    /// Every distinct category name in the file. The annotations of
    /// [`Self::plan`] carry an index into this list.
    pub fn category_names(&self) -> Vec<String> {
        self.categories.all().map(|(n, _)| n.to_string()).collect()
    }

    /// For each of [`Self::category_names`], its keypoint names and skeleton
    /// (empty for categories without keypoints), for the schema.
    pub fn category_keypoints(&self) -> Vec<CategoryKeypoints> {
        self.categories.all().map(|(_, k)| k.clone()).collect()
    }

    /// The annotations to add for the next records of the file, in file order.
    pub fn plan(&mut self, annotations: &[CocoAnnotation]) -> Vec<PlannedAnnotation> {
        let mut planned = Vec::with_capacity(annotations.len());
        for ann in annotations {
            if self.seen.insert(ann.id) {
                if let Some(p) = self.plan_annotation(ann) {
                    planned.push(p);
                }
            } else {
                self.problem(
                    ann,
                    "duplicate annotation id; only the first record with this id is imported"
                        .into(),
                );
            }
        }
        planned
    }

    /// The problems and counts of the whole import, and the names of the
    /// categories that annotations were planned for, in category-id order.
    /// `annotations` is left empty: they were handed out by [`Self::plan`].
    pub fn finish(mut self) -> CocoImportPlan {
        let mut problems = self.categories.problems.finish();
        problems.extend(self.images.problems.finish());
        problems.append(&mut self.annotation_problems);
        let (categories, category_keypoints) = self.categories.used_names();
        CocoImportPlan {
            categories,
            category_keypoints,
            annotations: Vec::new(),
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

    /// Plans the shapes of one annotation, or reports why there are none. An
    /// annotation of a skipped image or category is counted with that record.
    fn plan_annotation(&mut self, ann: &CocoAnnotation) -> Option<PlannedAnnotation> {
        let target = match self.images.target(ann.image_id) {
            Lookup::Missing => {
                let message = format!("image id {} is not in the file", ann.image_id);
                self.problem(ann, message);
                return None;
            }
            Lookup::Skipped => return None,
            Lookup::Found(target) => target,
        };
        let category = match self.categories.name(ann.category_id) {
            Lookup::Missing => {
                let message = format!("category id {} is not in the file", ann.category_id);
                self.problem(ann, message);
                return None;
            }
            Lookup::Skipped => return None,
            Lookup::Found(k) => k,
        };
        let RecordShapes {
            shapes,
            problems,
            given_box,
        } = record_shapes(
            ann,
            target,
            self.categories.name_of(category),
            self.categories.keypoints_of(category),
        );
        for message in problems {
            self.problem(ann, message);
        }
        if shapes.is_empty() {
            return None;
        }
        for message in &ann.attribute_problems {
            self.problem(ann, message.clone());
        }
        let attributes = self.accepted_attributes(ann);
        self.categories.used[category] = true;
        let bbox = given_box.or_else(|| {
            shapes
                .first()
                .filter(|s| !matches!(s, Shape::Keypoints(_)))
                .map(Shape::bounds)
        });
        let planned = PlannedAnnotation {
            item: target.item,
            category,
            group: (shapes.len() > 1).then_some(ann.id),
            shapes,
            crowd: ann.iscrowd,
            attributes,
            bbox,
        };
        self.shapes.count(&planned, given_box.is_some());
        Some(planned)
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
