//! Planning a COCO import: which shapes go onto which project items, and what
//! could not be imported and why. Pure: the caller looks items up and applies
//! the plan.

use super::file::{CocoAnnotation, CocoCategory, CocoFile};
use super::import_records::{Categories, Images, Lookup, SeenIds};
use super::import_shapes::{RecordShapes, record_shapes};
use crate::formats::label_paths::PathMatch;
use crate::model::{AttributeDef, Attributes, ItemId, Shape, leave_out_refused};

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
    /// The record's COCO id, which problems name.
    pub id: i64,
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
        let RecordShapes { shapes, problems } = record_shapes(
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
        Some(PlannedAnnotation {
            id: ann.id,
            item: target.item,
            category,
            group: (shapes.len() > 1).then_some(ann.id),
            shapes,
            crowd: ann.iscrowd,
            attributes,
        })
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
