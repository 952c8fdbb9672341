use super::{format_for, progress_line};
use crate::jobs::coco::ExportReport as CocoExportReport;
use crate::jobs::dota::DotaExportReport;
use crate::jobs::registry::{self, Direction, ExportOptions, ExportReport, FormatOption};
use crate::jobs::text::TextExportReport;
use crate::jobs::yolo::{ClassifyExportReport, YoloExportReport};
use crate::project::{Access, Project};
use std::path::Path;

/// `shugu export`: writes the project at `dir` to `output` as the format
/// called `format` (by default the project's usual one).
pub fn run(
    dir: &Path,
    format: Option<&str>,
    given: &[FormatOption],
    options: &ExportOptions,
    output: &Path,
) -> anyhow::Result<()> {
    let project = super::open_project(dir, Access::ReadOnly)?;
    let format = format_for(&project, format, Direction::Export, given)?;
    let report = registry::export(
        format,
        &project,
        output,
        options,
        &mut progress_line("exporting"),
    )?;
    match report {
        ExportReport::Coco(r) => print_coco(&project, output, &r, options.include_proposals),
        ExportReport::Yolo(r) => print_yolo(output, &r),
        ExportReport::Dota(r) => print_dota(output, &r),
        ExportReport::Images {
            files,
            report,
            beside,
        } => {
            report_image_export(output, files, &report);
            if let Some((path, what)) = beside {
                println!("wrote {}: {what}", path.display());
            }
        }
        ExportReport::Cvat(r) => {
            println!(
                "wrote {}: {} images, {} annotations, {} tags",
                output.display(),
                r.written.images,
                r.written.boxes,
                r.tags
            );
            report_left_out(&r.written);
        }
        ExportReport::Classify(r) => print_classify(output, &r),
        ExportReport::Text(r) => print_text(output, &r),
    }
    Ok(())
}

fn print_classify(output: &Path, r: &ClassifyExportReport) {
    println!(
        "wrote {}: {} training and {} validation images in {} class folders",
        output.display(),
        r.train,
        r.val,
        r.classes
    );
    print_notes(&[("left out", "image(s)", &r.left_out)]);
}

fn print_text(output: &Path, report: &TextExportReport) {
    println!(
        "wrote {}: {} texts, {} spans",
        output.display(),
        report.items - report.without_class - report.with_several_classes,
        report.spans
    );
    if let Some(labels) = &report.labels_file {
        println!(
            "wrote {}: the class names in label-index order",
            labels.display()
        );
    }
    if report.without_class + report.with_several_classes > 0 {
        eprintln!(
            "left out {} text(s) without a document class and {} with several",
            report.without_class, report.with_several_classes
        );
    }
}

fn print_coco(
    project: &Project,
    output: &Path,
    report: &CocoExportReport,
    include_proposals: bool,
) {
    println!(
        "wrote {}: {} images, {} annotations",
        output.display(),
        report.images,
        report.annotations - report.proposals
    );
    if include_proposals {
        println!(
            "  and {} unreviewed proposals, with their scores",
            report.proposals
        );
    }
    if let Some(labels) = &report.labels_file {
        println!(
            "wrote {}: image labels of {} images",
            labels.display(),
            report.labelled_images
        );
    }
    if let Some(kept) = &report.labels_file_kept {
        eprintln!(
            "left {} as it was: it is from an earlier export, and this one has no image labels",
            kept.display()
        );
    }
    if !report.left_out.is_empty() {
        eprintln!(
            "left out {} unreadable image(s) (once a file is whole, `shugu rescan` reads it again):",
            report.left_out.len()
        );
        for (path, reason) in &report.left_out {
            eprintln!("  {path}: {reason}");
        }
    }
    if !report.left_out_classes.is_empty() {
        eprintln!(
            "left out {} class(es) that cannot be COCO categories:",
            report.left_out_classes.len()
        );
        for c in &report.left_out_classes {
            eprintln!("  class id {} ({}): {}", c.class, c.name, c.reason);
        }
    }
    let notes = [
        ("left out", &report.left_out_annotations),
        ("converted", &report.converted),
    ];
    for (what, notes) in notes.into_iter().filter(|(_, n)| !n.is_empty()) {
        eprintln!("{what} {} annotation(s):", notes.len());
        for n in notes {
            let path = project
                .item(n.item)
                .map_or_else(|| format!("item {}", n.item), |it| it.rel_path.clone());
            eprintln!("  annotation id {} on {path}: {}", n.annotation, n.reason);
        }
    }
}

fn print_yolo(output: &Path, report: &YoloExportReport) {
    println!(
        "wrote {}: data.yaml ({} classes) and {} label files, {} rows",
        output.display(),
        report.classes,
        report.images,
        report.rows
    );
    print_notes(&[
        ("left out", "image(s)", &report.left_out),
        ("left out", "annotation(s)", &report.left_out_annotations),
        ("wrote", "other shape(s) as boxes", &report.as_boxes),
        ("converted", "shape(s)", &report.converted),
    ]);
}

fn print_dota(output: &Path, r: &DotaExportReport) {
    println!(
        "wrote {}: {} label files under labelTxt/, {} oriented boxes",
        output.display(),
        r.images,
        r.boxes
    );
    print_notes(&[
        ("left out", "image(s)", &r.left_out),
        ("left out", "annotation(s)", &r.left_out_annotations),
        ("wrote", "other shape(s) as oriented boxes", &r.converted),
    ]);
    for (name, written) in &r.renamed_classes {
        eprintln!("class {name:?} is written {written:?}: a DOTA class name is one column");
    }
}

/// Prints the images and annotations an export left out, and the shapes it
/// wrote as their boxes, with the reasons.
fn report_left_out(r: &crate::jobs::ImageExportReport) {
    print_notes(&[
        ("left out", "image(s)", &r.left_out),
        ("left out", "annotation(s)", &r.left_out_annotations),
        ("wrote", "other shape(s) as boxes", &r.as_boxes),
        ("wrote", "shape(s) in another form", &r.converted),
    ]);
}

/// Notes by image path: `(path, note)`.
type Notes = Vec<(String, String)>;

/// Each non-empty list of notes, headed by what happened to how many.
fn print_notes(lists: &[(&str, &str, &Notes)]) {
    for (done, what, notes) in lists.iter().filter(|(_, _, n)| !n.is_empty()) {
        eprintln!("{done} {} {what}:", notes.len());
        for (path, note) in notes.iter() {
            eprintln!("  {path}: {note}");
        }
    }
}

/// What a per-image export (labelme, VOC, Label Studio) wrote and left out.
fn report_image_export(output: &Path, files: &str, r: &crate::jobs::ImageExportReport) {
    println!(
        "wrote {}: {} {files}, {} annotations",
        output.display(),
        r.images,
        r.boxes
    );
    report_left_out(r)
}
