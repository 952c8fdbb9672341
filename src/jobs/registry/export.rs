//! One export path for the GUI and the CLI: every export reads a committed
//! project (the GUI opens its own read-only one on a worker thread) and
//! writes atomically.

use crate::jobs::coco::{ExportReport as CocoExportReport, export_coco_with};
use crate::jobs::cvat::{CvatExportReport, export_cvat};
use crate::jobs::dota::{DotaExportReport, export_dota};
use crate::jobs::label_studio_images::{export_label_studio_images, label_config_path};
use crate::jobs::labelme::export_labelme;
use crate::jobs::text::TextExportReport;
use crate::jobs::voc::export_voc;
use crate::jobs::yolo::{
    ClassifyExportOptions, ClassifyExportReport, LayoutChoice, YoloExportOptions, YoloExportReport,
    export_yolo, export_yolo_classify,
};
use crate::jobs::{ImageExportReport, ItemScope, JobError, Progress};
use crate::model::OffsetUnit;
use crate::project::Project;
use std::path::{Path, PathBuf};

/// The export options, whatever the format; each format reads the ones it
/// takes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExportOptions {
    pub scope: ItemScope,
    /// The unit of text offsets (default: code points; doccano's are
    /// UTF-16 whatever this says, and another unit is refused).
    pub offsets: Option<OffsetUnit>,
    pub include_proposals: bool,
    pub classify: ClassifyExportOptions,
}

/// Writes a project to a file or folder.
pub type ExportFn =
    fn(&Project, &Path, &ExportOptions, &mut dyn FnMut(Progress)) -> Result<ExportReport, JobError>;

/// What an export wrote and left out, by the kind of job that did it.
#[derive(Debug)]
pub enum ExportReport {
    Coco(CocoExportReport),
    Yolo(YoloExportReport),
    Dota(DotaExportReport),
    /// VOC, labelme, Label Studio: `files` names what `images` counts;
    /// `beside`, a file written beside the output and what it is.
    Images {
        files: &'static str,
        report: ImageExportReport,
        beside: Option<(PathBuf, &'static str)>,
    },
    Cvat(CvatExportReport),
    Classify(ClassifyExportReport),
    Text(TextExportReport),
}

/// Exports `project` to `out` as `format`.
pub fn export(
    format: &super::Format,
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    match &format.export {
        Some(spec) => (spec.run)(project, out, options, progress),
        None => Err(JobError::Failed(format!(
            "{} is an import format",
            format.name
        ))),
    }
}

pub(super) fn coco(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_coco_with(project, out, options.scope, options.include_proposals).map(ExportReport::Coco)
}

/// A YOLO export in `layout`.
fn yolo_in(
    layout: LayoutChoice,
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    let yolo = YoloExportOptions { layout };
    export_yolo(project, out, options.scope, yolo, progress).map(ExportReport::Yolo)
}

pub(super) fn yolo(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    yolo_in(LayoutChoice::Detect, project, out, options, progress)
}

pub(super) fn yolo_seg(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    yolo_in(LayoutChoice::Segment, project, out, options, progress)
}

pub(super) fn yolo_obb(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    yolo_in(LayoutChoice::Obb, project, out, options, progress)
}

pub(super) fn yolo_pose(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    yolo_in(LayoutChoice::Pose, project, out, options, progress)
}

pub(super) fn dota(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_dota(project, out, options.scope, progress).map(ExportReport::Dota)
}

pub(super) fn yolo_classify(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_yolo_classify(project, out, options.scope, options.classify, progress)
        .map(ExportReport::Classify)
}

pub(super) fn voc(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    let report = export_voc(project, out, options.scope, progress)?;
    Ok(ExportReport::Images {
        files: "VOC annotation files",
        report,
        beside: None,
    })
}

pub(super) fn cvat(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_cvat(project, out, options.scope, progress).map(ExportReport::Cvat)
}

pub(super) fn labelme(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    let report = export_labelme(project, out, options.scope, progress)?;
    Ok(ExportReport::Images {
        files: "labelme files",
        report,
        beside: None,
    })
}

pub(super) fn label_studio_images(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    let report = export_label_studio_images(project, out, options.scope)?;
    Ok(ExportReport::Images {
        files: "tasks",
        report,
        beside: Some((
            label_config_path(out),
            "the labelling config that reads them",
        )),
    })
}
