//! COCO export and import between a project and files.
//!
//! The import reads the file through `safe_read::read_named` and parses it on
//! a second thread (handed over through `handoff`, so a panic there is an
//! error, never a short input) while this thread stores every planned shape
//! in one streamed edit: a record's region and keypoints as one group, a crowd
//! region with `is_crowd`. Classes without keypoint names get their
//! category's points and skeleton; shapes a class cannot take are left out and
//! named. The export reports what it left out or converted, and writes image
//! labels to the companion `X.labels.jsonl`.

use super::export_common::companion_path;
use super::handoff::handoff;
use super::safe_read::read_named;
use super::{ItemScope, JobError, add_missing_classes};
use crate::formats::coco::{
    COCO_FOLDERS, CategoryKeypoints, CocoAnnotation, CocoExportInput, ImportPlanner, ImportProblem,
    ImportTarget, PlannedAnnotation, build_export, parse_coco_header, stream_coco_annotations,
    write_coco, write_image_labels_jsonl,
};
pub use crate::formats::coco::{ExportNote, LeftOutClass};
use crate::formats::label_paths::PathMatcher;
use crate::formats::predictions::append_proposals;
use crate::model::{
    AttrValue, CROWD_ATTRIBUTE, ClassDef, ClassId, GroupId, Item, ItemId, NewAnnotation, Shape,
    ShapeKind,
};
use crate::project::{Project, stage_file};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What an export wrote and what it left out.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    pub images: usize,
    pub annotations: usize,
    /// The image-level labels file, when any image has labels.
    pub labels_file: Option<PathBuf>,
    /// A labels file beside the output, of an earlier export, left as it was
    /// because this export has no image labels (companion files are never
    /// deleted).
    pub labels_file_kept: Option<PathBuf>,
    pub labelled_images: usize,
    /// Items left out, with the reason (unreadable images).
    pub left_out: Vec<(String, String)>,
    /// Annotations of exported images that COCO cannot hold (outside their
    /// image, no area, a polyline, or of a left-out class).
    pub left_out_annotations: Vec<ExportNote>,
    /// Annotations written in another form (a rotated box as its polygon).
    pub converted: Vec<ExportNote>,
    /// Schema classes that cannot be COCO categories (only a hand-edited manifest
    /// has these: an id below 1, or one id twice).
    pub left_out_classes: Vec<LeftOutClass>,
    /// Unreviewed model proposals written with their score (only when asked).
    pub proposals: usize,
}

/// `out.json` → `out.labels.jsonl`.
pub fn labels_path(out: &Path) -> PathBuf {
    companion_path(out, "labels.jsonl")
}

/// Writes the project's annotations as COCO instances to `out` (every shape
/// COCO holds: boxes, polygons, masks, keypoints; rotated boxes as their
/// polygons), and image-level labels
/// to a sibling `*.labels.jsonl`. Both files are written in full before either
/// is put in place; an existing labels file is replaced only by one of this
/// export, never deleted.
pub fn export_coco(project: &Project, out: &Path) -> Result<ExportReport, JobError> {
    export_coco_scoped(project, out, ItemScope::All)
}

/// [`export_coco`] of the items in `scope` only.
pub fn export_coco_scoped(
    project: &Project,
    out: &Path,
    scope: ItemScope,
) -> Result<ExportReport, JobError> {
    export_coco_with(project, out, scope, false)
}

/// [`export_coco_scoped`], with the items' unreviewed model proposals as
/// annotations carrying a `score` when `include_proposals` (left out otherwise).
pub fn export_coco_with(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    include_proposals: bool,
) -> Result<ExportReport, JobError> {
    let scoped: Vec<Item>;
    let items = match scope {
        ItemScope::All => project.items(),
        _ => {
            scoped = project
                .items()
                .iter()
                .filter(|i| scope.includes(i))
                .cloned()
                .collect();
            &scoped
        }
    };
    let included: HashSet<ItemId> = items.iter().map(|i| i.id).collect();
    let mut annotations = project.all_annotations_for_export()?;
    if scope != ItemScope::All {
        annotations.retain(|a| included.contains(&a.item));
    }
    let input = CocoExportInput {
        items,
        annotations,
        schema: project.schema(),
        description: project.name().to_string(),
        date_created: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let mut export = build_export(input);
    let proposals = if include_proposals {
        append_proposals(&mut export.file, items, &project.all_proposals()?)
    } else {
        0
    };
    let output = stage_file(out, |w| {
        write_coco(&export.file, w).map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    let mut labels = project.all_image_labels()?;
    if scope != ItemScope::All {
        labels.retain(|(item, _)| included.contains(item));
    }
    let labels_file = labels_path(out);
    let mut labelled_images = 0;
    let labels_output = if labels.is_empty() {
        None
    } else {
        Some(stage_file(&labels_file, |w| {
            labelled_images = write_image_labels_jsonl(items, &labels, project.schema(), w)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok(())
        })?)
    };
    // The file the user named goes in place first: when that fails, nothing changed.
    output.persist()?;
    if let Some(staged) = labels_output {
        staged.persist()?;
    }
    let (images, annotations) = (export.file.images.len(), export.file.annotations.len());
    free_in_background(export.file);
    Ok(ExportReport {
        images,
        annotations,
        labels_file_kept: (labels.is_empty() && labels_file.exists()).then(|| labels_file.clone()),
        labels_file: (!labels.is_empty()).then_some(labels_file),
        labelled_images,
        left_out: export
            .left_out
            .into_iter()
            .map(|l| (l.rel_path, l.reason))
            .collect(),
        left_out_annotations: export.left_out_annotations,
        converted: export.converted,
        left_out_classes: export.left_out_classes,
        proposals,
    })
}

/// Frees `value` on a thread of its own: a million written annotations take
/// a tenth of a second or more to free, and the export is done once its file
/// is in place. Freed here when no thread can be started.
fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("shugu-free".into())
        .spawn(move || drop(value));
}

/// What an import brought in and what it could not take.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportReport {
    /// Annotations stored: a record's region and its keypoints are two.
    pub annotations: usize,
    /// Of those, how many of each shape kind, kinds without any left out.
    pub kinds: Vec<(ShapeKind, usize)>,
    pub new_classes: Vec<String>,
    /// Classes given the point names and skeleton of their category.
    pub keypoint_classes: Vec<String>,
    pub problems: Vec<ImportProblem>,
}

/// COCO files larger than this are refused (the file is read whole; COCO
/// 2017's largest, `instances_train2017.json`, is 448 MB).
const MAX_COCO_FILE: u64 = 4 << 30;
/// Annotations per chunk handed from the parsing thread to the storing one.
const IMPORT_CHUNK: usize = 16_384;
/// Chunks parsed ahead of the store.
const CHUNKS_IN_FLIGHT: usize = 4;

fn file_error(file: &Path, e: impl std::fmt::Display) -> JobError {
    JobError::Failed(format!("{}: {e}", file.display()))
}

/// Imports the annotations of a COCO file into the project as one undoable
/// edit. Images are matched by `file_name` as any label file's names are
/// ([`crate::formats::label_paths`]); categories missing from the schema are
/// added as classes when at least one of their records is imported, and a
/// class without keypoint names takes its category's (with the skeleton).
///
/// Every usable shape is kept: a record's polygon (every part) or RLE mask,
/// else its bbox as a box, and its keypoints; a record that gives two shapes
/// (a person's region and keypoints) stores them as one group, and a crowd
/// record's region carries the attribute [`CROWD_ATTRIBUTE`]. Shapes a class
/// cannot take (a kind it does not take, keypoints it does not name), and
/// attribute values the schema refuses, are left out and reported by
/// annotation.
///
/// The file is read in two passes: images and categories first, then the
/// annotations in chunks on a thread of their own, each chunk stored in the
/// edit's open transaction while the next is parsed. A parse error anywhere
/// stores nothing.
pub fn import_coco(project: &mut Project, file: &Path) -> Result<ImportReport, JobError> {
    let bytes = read_named(file, MAX_COCO_FILE).map_err(|e| file_error(file, e))?;
    let header = parse_coco_header(&bytes).map_err(|e| file_error(file, e))?;
    let planner = {
        let targets = PathMatcher::new(
            project
                .items()
                .iter()
                .filter(|it| !it.is_broken())
                .map(|it| {
                    let target = ImportTarget {
                        item: it.id,
                        width: it.width,
                        height: it.height,
                    };
                    (it.rel_path.clone(), target)
                }),
            &COCO_FOLDERS,
        )
        .with_root(&project.image_root());
        ImportPlanner::new(&header, |name| targets.find(name))
            .with_attribute_defs(&project.schema().attributes)
    };
    drop(header);

    // Annotations are stored as they arrive, so every category needs its
    // class first; the classes no imported record turned out to use are
    // removed again after.
    let names = planner.category_names();
    let (added, class_of) = add_missing_classes(project, &names)?;
    let keypoint_classes = name_keypoints(project, &class_of, &planner.category_keypoints())?;
    let classes: Vec<Option<ClassDef>> = class_of
        .iter()
        .map(|c| c.and_then(|id| project.schema().class(id).cloned()))
        .collect();

    let (applied, parsed) = handoff(
        &format!("parsing {}", file.display()),
        CHUNKS_IN_FLIGHT,
        |sender| {
            let mut planner = planner;
            let mut stored = Stored::default();
            let mut send_chunk = |chunk: Vec<CocoAnnotation>| {
                let planned = planner.plan(&chunk);
                let mut new = Vec::with_capacity(planned.len() + planned.len() / 4);
                for record in planned {
                    stored.add(record, &classes, &mut new);
                }
                sender.send(Ok(new))
            };
            if let Err(e) = stream_coco_annotations(&bytes, IMPORT_CHUNK, &mut send_chunk) {
                sender.send(Err(file_error(file, e)));
            }
            (planner, stored)
        },
        // The chunks are handed over, so they are dropped as soon as the
        // store stops taking them, and the parser's next send fails.
        |chunks| project.add_annotations_streamed(chunks.map(|chunk| chunk.and_then(|c| c))),
    );
    // A parser that stopped early explains why the store gave up.
    let outcome = parsed.and_then(|parsed| Ok((applied?, parsed)));
    let (applied, (planner, stored)) = match outcome {
        Ok(done) => done,
        Err(err) => {
            if !added.is_empty() {
                project.update_schema(|s| s.classes.retain(|c| !added.contains(&c.name)))?;
            }
            return Err(err);
        }
    };
    let mut plan = planner.finish();
    let unused: Vec<&String> = added
        .iter()
        .filter(|name| !plan.categories.contains(name))
        .collect();
    if !unused.is_empty() {
        project.update_schema(|s| s.classes.retain(|c| !unused.contains(&&c.name)))?;
    }
    let new_classes = plan
        .categories
        .iter()
        .filter(|name| added.contains(name))
        .cloned()
        .collect();
    plan.problems.extend(stored.refused);
    Ok(ImportReport {
        annotations: applied.created.len(),
        kinds: ShapeKind::ALL
            .into_iter()
            .zip(stored.kinds)
            .filter(|&(_, n)| n > 0)
            .collect(),
        new_classes,
        keypoint_classes,
        problems: plan.problems,
    })
}

/// Gives each class without keypoint names the names and skeleton of its
/// category, when the category has them; returns the classes so named.
fn name_keypoints(
    project: &mut Project,
    class_of: &[Option<ClassId>],
    keypoints: &[CategoryKeypoints],
) -> Result<Vec<String>, JobError> {
    let unnamed: Vec<(ClassId, &CategoryKeypoints)> = class_of
        .iter()
        .zip(keypoints)
        .filter_map(|(class, k)| {
            let class = (*class)?;
            let def = project.schema().class(class)?;
            (def.keypoints.is_empty() && !k.is_empty()).then_some((class, k))
        })
        .collect();
    if unnamed.is_empty() {
        return Ok(Vec::new());
    }
    let mut named = Vec::with_capacity(unnamed.len());
    project.update_schema(|s| {
        for (class, k) in &unnamed {
            if let Some(c) = s.classes.iter_mut().find(|c| c.id == *class) {
                c.keypoints = k.names.clone();
                c.skeleton = k.skeleton.iter().map(|&[a, b]| (a, b)).collect();
                named.push(c.name.clone());
            }
        }
    })?;
    Ok(named)
}

/// What the parsing thread hands the store, counted, and the shapes it left
/// out because their class cannot take them.
#[derive(Default)]
struct Stored {
    /// By [`ShapeKind::ALL`] position.
    kinds: [usize; ShapeKind::ALL.len()],
    refused: Vec<ImportProblem>,
}

impl Stored {
    /// The annotations of one planned record, each shape its class takes;
    /// a crowd record's region carries the crowd flag.
    fn add(
        &mut self,
        planned: PlannedAnnotation,
        classes: &[Option<ClassDef>],
        out: &mut Vec<NewAnnotation>,
    ) {
        let Some(class) = classes.get(planned.category).and_then(Option::as_ref) else {
            return;
        };
        for shape in planned.shapes {
            if let Some(reason) = class.refusal(&shape) {
                self.refused.push(ImportProblem {
                    record: format!("annotation id {}", planned.id),
                    message: format!("left out its {}: {reason}", shape.kind().as_str()),
                });
                continue;
            }
            let mut attributes = planned.attributes.clone();
            if planned.crowd && !matches!(shape, Shape::Keypoints(_)) {
                attributes.insert(CROWD_ATTRIBUTE.to_string(), AttrValue::Bool(true));
            }
            if let Some(k) = ShapeKind::ALL.iter().position(|&k| k == shape.kind()) {
                self.kinds[k] += 1;
            }
            out.push(NewAnnotation {
                item: planned.item,
                class: class.id,
                shape,
                group: planned.group.map(GroupId),
                attributes,
            });
        }
    }
}
