//! The notice an import or export ends with: what it stored or wrote, what
//! it added, and the first of its problems (the CLI lists them all).

use crate::jobs::box_labels::BoxLabelReport;
use crate::jobs::coco::{ExportReport as CocoExportReport, ImportReport as CocoImportReport};
use crate::jobs::dota::DotaExportReport;
use crate::jobs::label_files::LabelFileReport;
use crate::jobs::predictions::PredictionReport;
use crate::jobs::registry::{ExportReport, Format, ImportReport};
use crate::jobs::text::{LabelledImportReport, TextExportReport, describe};
use crate::jobs::yolo::{ClassifyExportReport, YoloExportReport};
use crate::jobs::{ImageExportReport, JobError};
use crate::model::ShapeKind;
use rust_i18n::t;
use std::path::Path;

/// Problems listed in a notice; the CLI lists them all.
const SHOWN_PROBLEMS: usize = 20;

/// What an import of `format` from `path` stored, or why it failed.
pub fn import_notice(
    format: &Format,
    path: &Path,
    report: Result<ImportReport, JobError>,
) -> String {
    match report {
        Err(e) => format!("{}: {e}", import_failed(format)),
        Ok(ImportReport::Coco(r)) => coco_import(format, path, &r),
        Ok(ImportReport::LabelFiles { report, .. }) => label_files_import(format, path, &report),
        Ok(ImportReport::BoxLabels { report, .. }) => box_labels_import(format, path, &report),
        Ok(ImportReport::Predictions(r)) => predictions_notice(path, &r),
        Ok(ImportReport::Labelled(r)) => labelled_import(format, path, &r),
    }
}

/// What a failed import of `format` is shown after.
pub fn import_failed(format: &Format) -> String {
    t!("dataset.import_failed", format = format.name).into_owned()
}

/// What an export to `out` wrote, or why it failed.
pub fn export_notice(out: &Path, report: Result<ExportReport, JobError>) -> String {
    match report {
        Err(e) => export_failed(&e),
        Ok(ExportReport::Coco(r)) => coco_export(out, &r),
        Ok(ExportReport::Yolo(r)) => yolo_export(out, &r),
        Ok(ExportReport::Dota(r)) => dota_export(out, &r),
        Ok(ExportReport::Images { report, .. }) => image_export(out, &report),
        Ok(ExportReport::Cvat(r)) => image_export(out, &r.written),
        Ok(ExportReport::Classify(r)) => classify_export(out, &r),
        Ok(ExportReport::Text(r)) => text_export(out, &r),
    }
}

pub fn export_failed(e: &dyn std::fmt::Display) -> String {
    format!("{}: {e}", t!("export.failed"))
}

fn kinds_text(kinds: &[(ShapeKind, usize)]) -> String {
    kinds
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn coco_import(format: &Format, path: &Path, r: &CocoImportReport) -> String {
    let mut text = t!(
        "coco.import_done",
        n = r.annotations,
        kinds = kinds_text(&r.kinds),
        path = path.display()
    )
    .into_owned();
    push_new_classes(&mut text, &r.new_classes);
    push_keypoint_classes(&mut text, &r.keypoint_classes);
    let problems: Vec<String> = r
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.record, p.message))
        .collect();
    push_format_problems(&mut text, format, &problems);
    text
}

fn label_files_import(format: &Format, path: &Path, r: &LabelFileReport) -> String {
    let mut text = t!(
        "dataset.import_done_shapes",
        n = r.annotations,
        kinds = kinds_text(&r.kinds),
        files = r.matched_files,
        path = path.display()
    )
    .into_owned();
    push_new_classes(&mut text, &r.new_classes);
    push_keypoint_classes(&mut text, &r.keypoint_classes);
    push_format_problems(&mut text, format, &r.problems);
    text
}

fn box_labels_import(format: &Format, path: &Path, r: &BoxLabelReport) -> String {
    let (n, files, path) = (r.annotations, r.matched, path.display());
    let mut text = if format.name == "cvat" {
        // One file: what matched is images, not label files.
        t!("cvat.import_done", boxes = n, images = files, path = path)
    } else {
        let kinds = kinds_text(&r.kinds);
        let key = "dataset.import_done_shapes";
        t!(key, n = n, kinds = kinds, files = files, path = path)
    }
    .into_owned();
    push_new_classes(&mut text, &r.new_classes);
    push_keypoint_classes(&mut text, &r.keypoint_classes);
    if !r.unused_labels.is_empty() {
        text.push('\n');
        let names = r.unused_labels.join(", ");
        text.push_str(&t!("dataset.unused_labels", names = names));
    }
    if r.switched_to_multi_label {
        text.push('\n');
        text.push_str(&t!("dataset.switched_multi_label"));
    }
    if r.several_labels_skipped > 0 {
        text.push('\n');
        let n = r.several_labels_skipped;
        text.push_str(&t!("dataset.several_skipped", n = n));
    }
    push_format_problems(&mut text, format, &r.problems);
    text
}

fn labelled_import(format: &Format, path: &Path, r: &LabelledImportReport) -> String {
    let mut text = t!(
        "text.import_done",
        records = r.records,
        path = path.display(),
        matched = r.matched,
        added = r.added_items,
        spans = r.spans,
        classified = r.classified_items
    )
    .into_owned();
    push_new_classes(&mut text, &r.new_classes);
    if !r.new_doc_classes.is_empty() {
        text.push('\n');
        let names = r.new_doc_classes.join(", ");
        text.push_str(&t!("text.new_doc_classes", names = names));
    }
    let problems: Vec<String> = r.problems.iter().map(describe).collect();
    push_format_problems(&mut text, format, &problems);
    text
}

pub fn predictions_notice(path: &Path, report: &PredictionReport) -> String {
    let mut text = t!(
        "predictions.done",
        n = report.proposals,
        path = path.display(),
        source = report.source
    )
    .into_owned();
    push_new_classes(&mut text, &report.new_classes);
    if report.without_score > 0 {
        text.push('\n');
        text.push_str(&t!("predictions.without_score", n = report.without_score));
    }
    let heading = t!("predictions.problems", n = report.problems.len());
    push_problems(&mut text, &heading, &report.problems);
    text
}

/// Adds a line naming the classes an import added, if any.
fn push_new_classes(text: &mut String, names: &[String]) {
    if !names.is_empty() {
        text.push('\n');
        text.push_str(&t!("dataset.new_classes", names = names.join(", ")));
    }
}

/// Adds a line naming the classes an import gave keypoint names, if any.
fn push_keypoint_classes(text: &mut String, names: &[String]) {
    if !names.is_empty() {
        text.push('\n');
        text.push_str(&t!("coco.keypoint_classes", names = names.join(", ")));
    }
}

/// Adds the heading of `format`'s problems and the first of them, if any.
fn push_format_problems(text: &mut String, format: &Format, problems: &[impl std::fmt::Display]) {
    let heading = t!("dataset.problems", n = problems.len(), format = format.name);
    push_problems(text, &heading, problems);
}

/// Adds `heading` and the first [`SHOWN_PROBLEMS`] problems, if any.
fn push_problems(text: &mut String, heading: &str, problems: &[impl std::fmt::Display]) {
    if !problems.is_empty() {
        text.push('\n');
        text.push_str(heading);
        for p in problems.iter().take(SHOWN_PROBLEMS) {
            text.push_str(&format!("\n  {p}"));
        }
    }
}

fn coco_export(out: &Path, r: &CocoExportReport) -> String {
    let mut text = t!(
        "export.done",
        path = out.display(),
        images = r.images,
        annotations = r.annotations
    )
    .into_owned();
    if let Some(kept) = &r.labels_file_kept {
        text.push('\n');
        text.push_str(&t!("export.labels_kept", path = kept.display()));
    }
    let annotation_notes = |notes: &[crate::jobs::coco::ExportNote]| -> Vec<(String, String)> {
        notes
            .iter()
            .map(|n| (format!("annotation {}", n.annotation), n.reason.clone()))
            .collect()
    };
    push_notes(&mut text, "export.left_out", &r.left_out);
    let left_out = annotation_notes(&r.left_out_annotations);
    push_notes(&mut text, "export.left_out_annotations", &left_out);
    push_notes(
        &mut text,
        "export.converted",
        &annotation_notes(&r.converted),
    );
    text
}

fn yolo_export(out: &Path, r: &YoloExportReport) -> String {
    let written = ImageExportReport {
        images: r.images,
        boxes: r.rows,
        left_out: r.left_out.clone(),
        left_out_annotations: r.left_out_annotations.clone(),
        as_boxes: r.as_boxes.clone(),
        converted: r.converted.clone(),
    };
    image_export(out, &written)
}

fn dota_export(out: &Path, r: &DotaExportReport) -> String {
    let written = ImageExportReport {
        images: r.images,
        boxes: r.boxes,
        left_out: r.left_out.clone(),
        left_out_annotations: r.left_out_annotations.clone(),
        as_boxes: Vec::new(),
        converted: r.converted.clone(),
    };
    image_export(out, &written)
}

/// What an export of annotations per image wrote, left out, and wrote as
/// boxes or in another form.
fn image_export(out: &Path, r: &ImageExportReport) -> String {
    let mut text = t!(
        "export.done",
        path = out.display(),
        images = r.images,
        annotations = r.boxes
    )
    .into_owned();
    push_notes(&mut text, "export.left_out", &r.left_out);
    push_notes(
        &mut text,
        "export.left_out_annotations",
        &r.left_out_annotations,
    );
    push_notes(&mut text, "export.as_boxes", &r.as_boxes);
    push_notes(&mut text, "export.converted", &r.converted);
    text
}

fn classify_export(out: &Path, r: &ClassifyExportReport) -> String {
    let mut text = t!(
        "yolo_cls.done",
        path = out.display(),
        train = r.train,
        val = r.val,
        classes = r.classes
    )
    .into_owned();
    push_notes(&mut text, "export.left_out", &r.left_out);
    text
}

fn text_export(out: &Path, r: &TextExportReport) -> String {
    let texts = r.items - r.without_class - r.with_several_classes;
    let mut text = t!(
        "export.done_text",
        path = out.display(),
        texts = texts,
        spans = r.spans
    )
    .into_owned();
    if let Some(labels) = &r.labels_file {
        text.push('\n');
        text.push_str(&t!("export.hf_labels", path = labels.display()));
    }
    if r.without_class + r.with_several_classes > 0 {
        text.push('\n');
        text.push_str(&t!(
            "export.left_out_texts",
            without = r.without_class,
            several = r.with_several_classes
        ));
    }
    text
}

/// Adds a line `key` says of how many `notes` there are, then the first
/// [`SHOWN_PROBLEMS`] of them (image, note).
fn push_notes(text: &mut String, key: &str, notes: &[(String, String)]) {
    if !notes.is_empty() {
        text.push('\n');
        text.push_str(&t!(key, n = notes.len()));
        for (path, note) in notes.iter().take(SHOWN_PROBLEMS) {
            text.push_str(&format!("\n  {path}: {note}"));
        }
    }
}
