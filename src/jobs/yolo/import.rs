//! Storing a YOLO import plan: one bulk transaction, one undo step.

use super::super::label_files::{LabelFileReport, apply_label_file_plan};
use super::super::{JobError, Progress};
use super::read::{YoloImportOptions, YoloImportPlan, read_yolo};
use crate::project::Project;
use std::path::Path;

/// What an import brought in and what it could not take.
pub type YoloImportReport = LabelFileReport;

/// Reads the dataset at `root` and stores its shapes, attributed to the
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
/// storing fails), a pose class gets the dataset's point names, then every
/// shape in one transaction that is one undo step.
pub fn apply_yolo_plan(
    project: &mut Project,
    plan: YoloImportPlan,
) -> Result<YoloImportReport, JobError> {
    apply_label_file_plan(project, plan)
}
