//! `shugu export --format jsonl|doccano|hf`: a text project's labels to a file.

use crate::formats::text::{
    DoccanoExporter, DoccanoLayout, ExportError, ExportRecord, HfClassificationExporter,
    HfLabelMode, JsonlExporter,
};
use crate::jobs::JobError;
use crate::model::{ImageLabelMode, ItemId, LabelId, OffsetUnit};
use crate::project::{Project, ProjectKind, SpanExtent, write_atomic};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextExportFormat {
    /// Ours: one line per item with `labels`, `spans` and `offset_unit`.
    Jsonl,
    /// doccano's import layout, UTF-16 offsets.
    Doccano,
    /// Hugging Face classification (`text`, `label`, `label_text`) and `labels.json`.
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
    if project.kind() != ProjectKind::Text {
        return Err(JobError::Failed(format!(
            "{} is an image project; text formats need a text project (export COCO instead)",
            project.dir().display()
        )));
    }
    let texts = project.all_texts()?;
    let spans = project.all_span_extents()?;
    let labels: HashMap<ItemId, Vec<LabelId>> = project.all_image_labels()?.into_iter().collect();
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
    let spans_of = group_by_item(&spans);

    let mut report = TextExportReport {
        items: 0,
        spans: 0,
        ..Default::default()
    };
    let write_all = |w: &mut dyn FnMut(&ExportRecord) -> Result<(), ExportError>| {
        let mut item_spans: Vec<(usize, usize, &str)> = Vec::new();
        let mut item_labels: Vec<&str> = Vec::new();
        for (item, doc) in &texts {
            item_spans.clear();
            item_spans.extend(
                spans_of
                    .get(item)
                    .into_iter()
                    .flat_map(|run| run.iter())
                    .filter_map(|s| {
                        let name = class_name.get(&s.class)?;
                        Some((s.start as usize, s.end as usize, *name))
                    }),
            );
            item_labels.clear();
            item_labels.extend(
                labels
                    .get(item)
                    .into_iter()
                    .flatten()
                    .filter_map(|l| label_name.get(l).copied()),
            );
            let meta: Option<Map<String, Value>> = doc
                .meta
                .as_deref()
                .and_then(|m| serde_json::from_str(m).ok());
            let fallback_id = item.0.to_string();
            let record = ExportRecord {
                id: Some(doc.ext_id.as_deref().unwrap_or(&fallback_id)),
                text: &doc.text,
                labels: &item_labels,
                spans: &item_spans,
                meta: meta.as_ref(),
            };
            w(&record)?;
        }
        Ok::<(), ExportError>(())
    };
    let io_error = |e: ExportError| std::io::Error::other(e.to_string());

    match format {
        TextExportFormat::Jsonl => write_atomic(out, |file| {
            let mut exporter = JsonlExporter::new(file, unit);
            write_all(&mut |r| exporter.write(r)).map_err(io_error)?;
            exporter.finish().map_err(io_error)?.flush()
        })?,
        TextExportFormat::Doccano => write_atomic(out, |file| {
            let layout = DoccanoLayout::for_contents(!spans.is_empty(), !labels.is_empty());
            let mut exporter = DoccanoExporter::new(file, layout);
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
            write_atomic(out, |file| {
                let mut exporter = HfClassificationExporter::new(file, &names, mode);
                write_all(&mut |r| exporter.write(r).map(|_| ())).map_err(io_error)?;
                let (file, done) = exporter.finish().map_err(io_error)?;
                summary = Some(done);
                file.flush()
            })?;
            if let Some(summary) = summary {
                let labels_file = out.with_file_name("labels.json");
                write_atomic(&labels_file, |w| {
                    w.write_all(summary.labels_json.as_bytes())
                })?;
                report.labels_file = Some(labels_file);
                report.without_class = summary.without_class;
                report.with_several_classes = summary.with_several_classes;
            }
        }
    }
    report.items = texts.len();
    report.spans = spans.len();
    Ok(report)
}

fn group_by_item(spans: &[SpanExtent]) -> HashMap<ItemId, &[SpanExtent]> {
    let mut by_item = HashMap::new();
    for run in spans.chunk_by(|a, b| a.item == b.item) {
        by_item.insert(run[0].item, run);
    }
    by_item
}
