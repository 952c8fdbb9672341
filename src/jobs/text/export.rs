//! `shugu export --format jsonl|doccano|hf`: a text project's labels to a file.

use crate::formats::text::{
    DoccanoExporter, DoccanoLayout, ExportError, ExportRecord, HfClassificationExporter,
    HfLabelMode, JsonlExporter,
};
use crate::jobs::export_common::companion_path;
use crate::jobs::{ItemScope, JobError};
use crate::model::{ImageLabelMode, LabelId, OffsetUnit};
use crate::project::{Project, ProjectError, ProjectKind, stage_file, write_atomic};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextExportFormat {
    /// Ours: one line per item with `labels`, `spans` and `offset_unit`.
    Jsonl,
    /// doccano's import layout, UTF-16 offsets.
    Doccano,
    /// Hugging Face classification (`text`, `label`, `label_text`), and the
    /// class names beside it in `<stem>.labels.json`.
    HuggingFace,
}

/// What a text export wrote and left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextExportReport {
    pub items: usize,
    pub spans: usize,
    /// The class list written beside a Hugging Face export.
    pub labels_file: Option<PathBuf>,
    /// Hugging Face: items left out, without a class or (single-label) with several.
    pub without_class: usize,
    pub with_several_classes: usize,
}

/// Writes every text item of the project to `out`, atomically.
pub fn export_text(
    project: &Project,
    out: &Path,
    format: TextExportFormat,
    unit: OffsetUnit,
) -> Result<TextExportReport, JobError> {
    export_text_scoped(project, out, format, unit, ItemScope::All)
}

/// [`export_text`] of the items in `scope` only.
pub fn export_text_scoped(
    project: &Project,
    out: &Path,
    format: TextExportFormat,
    unit: OffsetUnit,
    scope: ItemScope,
) -> Result<TextExportReport, JobError> {
    if project.kind() != ProjectKind::Text {
        return Err(JobError::Failed(format!(
            "{} is an image project; text formats need a text project (export COCO instead)",
            project.dir().display()
        )));
    }
    let spans = project.all_span_extents()?;
    let labels = project.all_image_labels()?;
    let schema = project.schema();
    let class_name: HashMap<_, &str> = schema
        .classes
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let label_name: HashMap<LabelId, &str> = schema
        .image_labels
        .iter()
        .map(|l| (l.id, l.name.as_str()))
        .collect();

    let mut report = TextExportReport::default();
    // Texts, spans and labels all come in item order: each record takes the
    // runs of spans and labels of its item from two cursors.
    let write_all = |w: &mut dyn FnMut(&ExportRecord) -> Result<(), ExportError>| {
        let mut item_spans: Vec<(usize, usize, &str)> = Vec::new();
        let mut item_labels: Vec<&str> = Vec::new();
        let (mut next_span, mut next_label) = (0, 0);
        let mut failed: Option<ExportError> = None;
        let (mut items, mut written_spans) = (0, 0);
        let visited = project.for_each_text(&mut |row| {
            let item = row.item;
            if scope != ItemScope::All && !project.item(item).is_some_and(|i| scope.includes(i)) {
                return Ok(());
            }
            while spans.get(next_span).is_some_and(|s| s.item < item) {
                next_span += 1;
            }
            item_spans.clear();
            while let Some(s) = spans.get(next_span).filter(|s| s.item == item) {
                if let Some(name) = class_name.get(&s.class) {
                    item_spans.push((s.start as usize, s.end as usize, name));
                }
                next_span += 1;
            }
            while labels.get(next_label).is_some_and(|(i, _)| *i < item) {
                next_label += 1;
            }
            item_labels.clear();
            if let Some((_, ids)) = labels.get(next_label).filter(|(i, _)| *i == item) {
                item_labels.extend(ids.iter().filter_map(|l| label_name.get(l).copied()));
            }
            let meta: Option<Map<String, Value>> =
                row.meta.and_then(|m| serde_json::from_str(m).ok());
            let fallback_id;
            let id = match row.ext_id {
                Some(id) => id,
                None => {
                    fallback_id = item.0.to_string();
                    &fallback_id
                }
            };
            let record = ExportRecord {
                id: Some(id),
                text: row.text,
                labels: &item_labels,
                spans: &item_spans,
                meta: meta.as_ref(),
            };
            items += 1;
            written_spans += item_spans.len();
            w(&record).map_err(|e| {
                let message = e.to_string();
                failed = Some(e);
                ProjectError::InvalidEdit(message)
            })
        });
        match (visited, failed) {
            (_, Some(e)) => Err(e),
            (Err(e), None) => Err(ExportError::Io(std::io::Error::other(e.to_string()))),
            (Ok(()), None) => Ok((items, written_spans)),
        }
    };
    let io_error = |e: ExportError| std::io::Error::other(e.to_string());

    match format {
        TextExportFormat::Jsonl => write_atomic(out, |file| {
            let mut exporter = JsonlExporter::new(file, unit);
            (report.items, report.spans) =
                write_all(&mut |r| exporter.write(r)).map_err(io_error)?;
            exporter.finish().map_err(io_error)?.flush()
        })?,
        TextExportFormat::Doccano => write_atomic(out, |file| {
            let layout = DoccanoLayout::for_contents(!spans.is_empty(), !labels.is_empty());
            let mut exporter = DoccanoExporter::new(file, layout);
            (report.items, report.spans) =
                write_all(&mut |r| exporter.write(r)).map_err(io_error)?;
            exporter.finish().map_err(io_error)?.flush()
        })?,
        TextExportFormat::HuggingFace => {
            let names: Vec<&str> = schema
                .image_labels
                .iter()
                .map(|l| l.name.as_str())
                .collect();
            let mode = match schema.image_label_mode {
                ImageLabelMode::Single => HfLabelMode::Single,
                ImageLabelMode::Multi => HfLabelMode::Multi,
            };
            let mut summary = None;
            let output = stage_file(out, |file| {
                let mut exporter = HfClassificationExporter::new(file, &names, mode);
                (report.items, report.spans) =
                    write_all(&mut |r| exporter.write(r).map(|_| ())).map_err(io_error)?;
                let (file, done) = exporter.finish().map_err(io_error)?;
                summary = Some(done);
                file.flush()
            })?;
            let labels = match summary {
                Some(summary) => {
                    let labels_file = companion_path(out, "labels.json");
                    let staged = stage_file(&labels_file, |w| {
                        w.write_all(summary.labels_json.as_bytes())
                    })?;
                    report.labels_file = Some(labels_file);
                    report.without_class = summary.without_class;
                    report.with_several_classes = summary.with_several_classes;
                    Some(staged)
                }
                None => None,
            };
            // The file the user named goes in place first: when that fails,
            // nothing changed.
            output.persist()?;
            if let Some(staged) = labels {
                staged.persist()?;
            }
        }
    }
    Ok(report)
}
