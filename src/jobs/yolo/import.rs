//! Storing a YOLO import plan: one bulk transaction, one undo step.

use super::super::{JobError, Progress, add_missing_classes};
use super::read::{YoloImportOptions, YoloImportPlan, YoloProblem, read_yolo};
use crate::model::NewAnnotation;
use crate::project::Project;
use std::path::Path;

/// What an import brought in and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YoloImportReport {
    pub class_file: String,
    pub boxes: usize,
    pub new_classes: Vec<String>,
    pub problems: Vec<YoloProblem>,
    pub label_files: usize,
    pub matched_files: usize,
    pub with_confidence: usize,
    pub clamped: usize,
}

/// Boxes per chunk handed to the store.
const CHUNK: usize = 16_384;

/// Reads the dataset at `root` and stores its boxes, attributed to the
/// project's current author.
pub fn import_yolo(
    project: &mut Project,
    root: &Path,
    options: YoloImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<YoloImportReport, JobError> {
    let plan = read_yolo(
        root,
        project.items(),
        &project.image_root(),
        options,
        progress,
    )?;
    apply_yolo_plan(project, plan)
}

/// Stores a plan: classes the schema lacks are added (and removed again if
/// storing fails), then every box in one transaction that is one undo step.
pub fn apply_yolo_plan(
    project: &mut Project,
    plan: YoloImportPlan,
) -> Result<YoloImportReport, JobError> {
    let (added, class_of) = add_missing_classes(project, &plan.class_names)?;
    let chunks = plan.boxes.chunks(CHUNK).map(|chunk| {
        chunk
            .iter()
            .map(|b| {
                let class = class_of.get(b.class).copied().flatten().ok_or_else(|| {
                    JobError::Failed(format!("class {} is missing from the schema", b.class))
                })?;
                Ok(NewAnnotation::rect(b.item, class, b.bbox))
            })
            .collect::<Result<Vec<_>, JobError>>()
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
    Ok(YoloImportReport {
        class_file: plan.class_file,
        boxes: applied.created.len(),
        new_classes: added,
        problems: plan.problems,
        label_files: plan.label_files,
        matched_files: plan.matched_files,
        with_confidence: plan.with_confidence,
        clamped: plan.clamped,
    })
}
