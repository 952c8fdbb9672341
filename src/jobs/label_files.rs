//! The import of a folder of label files, one `.txt` per image (YOLO in all
//! its layouts, DOTA): the files are matched to items by path
//! ([`crate::formats::label_paths`]), read and parsed in parallel chunks, and
//! planned in order into a [`LabelFilePlan`] of shapes by class name; two
//! files on one item are reported and never merged ([`ItemClaims`]).
//! [`apply_label_file_plan`] stores a plan as one edit (one transaction, one
//! undo step), adding the classes the schema lacks and naming a keypoint
//! class's points, and leaves out (and reports) the shapes a class refuses.

use super::safe_read::read_found;
use super::{JobError, Progress, add_missing_classes};
use crate::formats::label_paths::{
    ItemClaims, Matched, PathMatch, PathMatcher, Refused, remove_ranges,
};
use crate::model::{
    Attributes, ClassDef, ClassId, GroupId, Item, ItemId, NewAnnotation, Shape, ShapeKind,
    leave_out_refused,
};
use crate::project::Project;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Something an import could not take (or took with a caveat), by file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    /// Relative to the dataset root, `/` separators.
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.message),
            n => write!(f, "{}:{n}: {}", self.file, self.message),
        }
    }
}

/// A shape to store, on its item, of a class by index.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedShape {
    pub item: ItemId,
    /// Index into the plan's class names ([`LabelFilePlan::class_names`],
    /// `BoxLabelPlan::class_names`).
    pub class: usize,
    pub shape: Shape,
    /// Shapes that belong together: a pose's box and keypoints (the row's
    /// line number), CVAT's and labelme's `group_id`.
    pub group: Option<GroupId>,
    pub attributes: Attributes,
    /// A prediction's score (the column after a YOLO row's geometry).
    pub confidence: Option<f32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelFilePlan {
    /// The class file it read (`data.yaml`, `classes.txt`, …); empty when the
    /// label files name their classes (DOTA).
    pub class_file: String,
    /// The classes by index: a YOLO dataset's by id, then any unknown ids
    /// added by the options; DOTA's as first met.
    pub class_names: Vec<String>,
    /// Point names for the keypoint classes the plan uses, by class index.
    pub keypoint_names: Vec<(usize, Vec<String>)>,
    pub shapes: Vec<PlannedShape>,
    pub problems: Vec<FileProblem>,
    pub label_files: usize,
    pub matched_files: usize,
    /// Rows with a confidence column (prediction files). Annotations do not
    /// keep it; proposals do.
    pub with_confidence: usize,
    pub clamped: usize,
}

impl LabelFilePlan {
    pub fn problem(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.problems.push(FileProblem {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    /// The index of a class name, added on first use.
    pub fn class(&mut self, name: &str) -> usize {
        match self.class_names.iter().position(|n| n == name) {
            Some(pos) => pos,
            None => {
                self.class_names.push(name.to_string());
                self.class_names.len() - 1
            }
        }
    }
}

/// An item a label file may be for: its id and EXIF-oriented size.
pub type Target = (ItemId, u32, u32);

/// The project's readable items indexed by path under `image_root`;
/// `format_folders` are left out when matching (`images`, `labels`).
pub fn matcher(items: &[Item], image_root: &Path, format_folders: &[&str]) -> PathMatcher<Target> {
    PathMatcher::new(
        items
            .iter()
            .filter(|it| !it.is_broken())
            .map(|it| (it.rel_path.clone(), (it.id, it.width, it.height))),
        format_folders,
    )
    .with_root(image_root)
}

/// Label files larger than this are reported, not read.
const LABEL_FILE_CAP: u64 = 256 << 20;
/// Label files read in parallel between progress reports.
const FILES_PER_STEP: usize = 4096;

/// A label folder being planned: the plan, and which files landed on which item.
pub struct FolderImport<'a> {
    pub root: &'a Path,
    pub matcher: PathMatcher<Target>,
    pub plan: LabelFilePlan,
    claims: ItemClaims<ItemId>,
    /// Per claim: the file and its shapes in the plan.
    planned: Vec<(String, Range<usize>)>,
}

impl<'a> FolderImport<'a> {
    pub fn new(root: &'a Path, matcher: PathMatcher<Target>, plan: LabelFilePlan) -> Self {
        Self {
            root,
            matcher,
            plan,
            claims: ItemClaims::default(),
            planned: Vec::new(),
        }
    }

    /// Reads `files` (relative to the root) in parallel chunks: each file
    /// that matches an item is read and handed with its item to `parse` on a
    /// worker thread, and what `parse` gave is handed in file order to
    /// `take`, which plans it. A file that matches no item, several, or
    /// cannot be read is reported. Progress counts files.
    pub fn read<P: Send>(
        &mut self,
        files: &[String],
        progress: &mut dyn FnMut(Progress),
        parse: impl Fn(Vec<u8>, Target) -> P + Sync,
        mut take: impl FnMut(&mut LabelFilePlan, &str, &Matched<Target>, P),
    ) {
        self.plan.label_files += files.len();
        let total = Some(files.len());
        progress(Progress { done: 0, total });
        for (step, chunk) in files.chunks(FILES_PER_STEP).enumerate() {
            let root = self.root;
            let matcher = &self.matcher;
            let read: Vec<(PathMatch<Target>, Result<P, String>)> = chunk
                .par_iter()
                .map(|rel| {
                    let target = matcher.find(rel);
                    let parsed = match &target {
                        PathMatch::Found(m) => {
                            read_found(&root.join(rel), LABEL_FILE_CAP).map(|b| parse(b, m.value))
                        }
                        _ => Err(String::new()),
                    };
                    (target, parsed)
                })
                .collect();
            for (rel, (target, parsed)) in chunk.iter().zip(read) {
                let Some(matched) = self.found(rel, target) else {
                    continue;
                };
                match parsed {
                    Ok(parsed) => {
                        self.take(rel, matched, |plan, rel, m| take(plan, rel, m, parsed))
                    }
                    Err(e) => self.plan.problem(rel, 0, format!("cannot be read: {e}")),
                }
            }
            progress(Progress {
                done: (step * FILES_PER_STEP + chunk.len()).min(files.len()),
                total,
            });
        }
    }

    /// The item a file matched, or the problem noted.
    fn found(&mut self, rel: &str, target: PathMatch<Target>) -> Option<Matched<Target>> {
        match target {
            PathMatch::Found(matched) => Some(matched),
            PathMatch::NotFound => {
                self.plan
                    .problem(rel, 0, "no image in the project matches this label file");
                None
            }
            PathMatch::Ambiguous(candidates) => {
                self.plan.problem(
                    rel,
                    0,
                    format!(
                        "several images match this label file ({}); it was skipped",
                        candidates.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// Plans one matched file with `plan_file`, and claims its item when it
    /// planned a shape (a file without any cannot merge into another).
    pub fn take(
        &mut self,
        rel: &str,
        matched: Matched<Target>,
        plan_file: impl FnOnce(&mut LabelFilePlan, &str, &Matched<Target>),
    ) {
        self.plan.matched_files += 1;
        let start = self.plan.shapes.len();
        plan_file(&mut self.plan, rel, &matched);
        if self.plan.shapes.len() > start {
            self.claims.claim(matched.value.0, rel, &matched);
            self.planned
                .push((rel.to_string(), start..self.plan.shapes.len()));
        }
    }

    /// The plan, without the shapes of the files that lost their item to
    /// another, each reported.
    pub fn finish(self) -> LabelFilePlan {
        let mut plan = self.plan;
        let refused = self.claims.refused();
        let mut ranges = Vec::with_capacity(refused.len());
        for Refused { claim, message } in refused {
            let (file, shapes) = &self.planned[claim];
            plan.problem(file, 0, message);
            plan.matched_files = plan.matched_files.saturating_sub(1);
            ranges.push(shapes.clone());
        }
        remove_ranges(&mut plan.shapes, &ranges);
        plan
    }
}

/// What an import brought in and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelFileReport {
    pub class_file: String,
    /// Annotations stored: a pose's box and keypoints are two.
    pub annotations: usize,
    /// Of those, how many of each shape kind, kinds without any left out.
    pub kinds: Vec<(ShapeKind, usize)>,
    pub new_classes: Vec<String>,
    /// Classes given the point names of the dataset's poses.
    pub keypoint_classes: Vec<String>,
    pub problems: Vec<FileProblem>,
    pub label_files: usize,
    pub matched_files: usize,
    pub with_confidence: usize,
    pub clamped: usize,
}

/// Shapes per chunk handed to the store.
const CHUNK: usize = 16_384;

/// Stores a plan: classes the schema lacks are added (and removed again if
/// storing fails), a keypoint class without point names gets the plan's,
/// then every shape its class takes in one transaction that is one undo
/// step; the others, and attribute values the schema's definitions refuse,
/// are left out and reported, by item.
pub fn apply_label_file_plan(
    project: &mut Project,
    mut plan: LabelFilePlan,
) -> Result<LabelFileReport, JobError> {
    let (added, class_of) = add_missing_classes(project, &plan.class_names)?;
    let keypoint_classes = name_keypoints(project, &class_of, &plan.keypoint_names)?;
    let classes: Vec<Option<ClassDef>> = class_of
        .iter()
        .map(|c| c.and_then(|id| project.schema().class(id).cloned()))
        .collect();
    let mut kinds = [0usize; ShapeKind::ALL.len()];
    let mut refused: Vec<(ItemId, String)> = Vec::new();
    let attribute_defs = project.schema().attributes.clone();
    let mut shapes = std::mem::take(&mut plan.shapes).into_iter();
    let chunks = std::iter::from_fn(|| {
        let mut chunk = Vec::with_capacity(CHUNK.min(shapes.len()));
        for mut s in shapes.by_ref() {
            let Some(class) = classes.get(s.class).and_then(Option::as_ref) else {
                continue;
            };
            if let Some(reason) = class.refusal(&s.shape) {
                let kind = s.shape.kind().as_str();
                refused.push((s.item, format!("a {kind} was left out: {reason}")));
                continue;
            }
            leave_out_refused(&mut s.attributes, &attribute_defs, |reason| {
                refused.push((s.item, reason));
            });
            if let Some(k) = ShapeKind::ALL.iter().position(|&k| k == s.shape.kind()) {
                kinds[k] += 1;
            }
            chunk.push(NewAnnotation {
                item: s.item,
                class: class.id,
                shape: s.shape,
                group: s.group,
                attributes: s.attributes,
            });
            if chunk.len() == CHUNK {
                break;
            }
        }
        (!chunk.is_empty()).then_some(Ok::<_, JobError>(chunk))
    });
    let applied = match project.add_annotations_streamed(chunks) {
        Ok(applied) => applied,
        Err(err) => {
            if !added.is_empty() {
                project.update_schema(|s| s.classes.retain(|c| !added.contains(&c.name)))?;
            }
            return Err(err);
        }
    };
    let refused = refused.into_iter().map(|(item, message)| FileProblem {
        file: project
            .item(item)
            .map_or_else(|| format!("item {item}"), |it| it.rel_path.clone()),
        line: 0,
        message,
    });
    plan.problems.extend(refused);
    Ok(LabelFileReport {
        class_file: plan.class_file,
        annotations: applied.created.len(),
        kinds: ShapeKind::ALL
            .into_iter()
            .zip(kinds)
            .filter(|&(_, n)| n > 0)
            .collect(),
        new_classes: added,
        keypoint_classes,
        problems: plan.problems,
        label_files: plan.label_files,
        matched_files: plan.matched_files,
        with_confidence: plan.with_confidence,
        clamped: plan.clamped,
    })
}

/// Gives each class without point names the plan's names for it; returns
/// the classes so named.
fn name_keypoints(
    project: &mut Project,
    class_of: &[Option<ClassId>],
    names: &[(usize, Vec<String>)],
) -> Result<Vec<String>, JobError> {
    let unnamed: Vec<(ClassId, &Vec<String>)> = names
        .iter()
        .filter_map(|(index, names)| {
            let class = class_of.get(*index).copied().flatten()?;
            let def = project.schema().class(class)?;
            def.keypoints.is_empty().then_some((class, names))
        })
        .collect();
    let mut named = Vec::with_capacity(unnamed.len());
    if !unnamed.is_empty() {
        project.update_schema(|s| {
            for (class, names) in &unnamed {
                if let Some(c) = s.classes.iter_mut().find(|c| c.id == *class) {
                    c.keypoints = names.to_vec();
                    named.push(c.name.clone());
                }
            }
        })?;
    }
    Ok(named)
}

/// The items in `scope` an export of one label file per image writes, each
/// with its label file (`label_path` of its relative path), in project
/// order; the items left out (unreadable, or their label file taken by an
/// earlier item) go to `left_out` with why.
pub fn label_file_targets<'a>(
    items: &'a [Item],
    scope: super::ItemScope,
    label_path: impl Fn(&str) -> String,
    left_out: &mut Vec<(String, String)>,
) -> Vec<(&'a Item, String)> {
    let mut targets = Vec::with_capacity(items.len());
    let mut taken: HashMap<String, &str> = HashMap::with_capacity(items.len());
    for item in items.iter().filter(|i| scope.includes(i)) {
        if let Some(reason) = super::export_common::unusable(item) {
            left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let label = label_path(&item.rel_path);
        if let Some(first) = taken.get(&label) {
            let reason = format!("{first} already writes {label}");
            left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        taken.insert(label.clone(), &item.rel_path);
        targets.push((item, label));
    }
    targets
}
