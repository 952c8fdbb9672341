//! The text formats' import and export functions, as the table calls them.

use super::export::{ExportOptions, ExportReport};
use super::import::{ImportOptions, ImportReport};
use crate::formats::text::LabelledFormat;
use crate::jobs::text::{TextExportFormat, export_text_scoped, import_labelled};
use crate::jobs::{JobError, Progress};
use crate::model::OffsetUnit;
use crate::project::Project;
use std::path::Path;

fn import_as(
    format: LabelledFormat,
    project: &mut Project,
    file: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    import_labelled(project, file, format, options.offsets, progress).map(ImportReport::Labelled)
}

pub(super) fn import_jsonl(
    project: &mut Project,
    file: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    import_as(LabelledFormat::Jsonl, project, file, options, progress)
}

pub(super) fn import_doccano(
    project: &mut Project,
    file: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    import_as(LabelledFormat::Doccano, project, file, options, progress)
}

pub(super) fn import_label_studio(
    project: &mut Project,
    file: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    import_as(
        LabelledFormat::LabelStudio,
        project,
        file,
        options,
        progress,
    )
}

fn export_as(
    format: TextExportFormat,
    project: &Project,
    out: &Path,
    options: &ExportOptions,
) -> Result<ExportReport, JobError> {
    let unit = options.offsets.unwrap_or_default();
    export_text_scoped(project, out, format, unit, options.scope).map(ExportReport::Text)
}

pub(super) fn export_jsonl(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_as(TextExportFormat::Jsonl, project, out, options)
}

pub(super) fn export_doccano(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    if options.offsets.is_some_and(|u| u != OffsetUnit::Utf16) {
        return Err(JobError::Failed(
            "doccano files count offsets in UTF-16 units; leave out --offsets".into(),
        ));
    }
    export_as(TextExportFormat::Doccano, project, out, options)
}

pub(super) fn export_hf(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport, JobError> {
    export_as(TextExportFormat::HuggingFace, project, out, options)
}
