use super::{format_for, progress_line};
use crate::jobs::box_labels::BoxLabelReport;
use crate::jobs::coco::ImportReport as CocoImportReport;
use crate::jobs::label_files::LabelFileReport;
use crate::jobs::predictions::PredictionReport;
use crate::jobs::registry::{self, Direction, FormatOption, ImportOptions, ImportReport};
use crate::jobs::text::{LabelledImportReport, describe};
use crate::model::ShapeKind;
use crate::project::Access;
use std::path::Path;

/// `shugu import`: reads `file` as the format called `format` (by default
/// the project's usual one) and stores it as `author`, the flags `given`
/// deciding what the import would otherwise ask.
pub fn run(
    dir: &Path,
    file: &Path,
    format: Option<&str>,
    author: &str,
    given: &[FormatOption],
    options: &ImportOptions,
) -> anyhow::Result<()> {
    let mut project = super::open_project(dir, Access::ReadWrite)?;
    project.set_author(author);
    let format = format_for(&project, format, Direction::Import, given)?;
    let optional_proposals = format
        .settles(Direction::Import, FormatOption::AsProposals)
        .is_some();
    if options.source.is_some() && optional_proposals && !options.as_proposals {
        anyhow::bail!("--source names the model of imported proposals: add --as-proposals");
    }
    let what = format!("reading {}", format.title);
    let report = registry::import(
        format,
        &mut project,
        file,
        options,
        &mut progress_line(&what),
    )?;
    match report {
        ImportReport::Coco(r) => print_coco(file, &r),
        ImportReport::LabelFiles { what, report } => print_label_files(file, what, &report),
        ImportReport::BoxLabels { records, report } => print_box_labels(file, records, &report),
        ImportReport::Predictions(r) => print_predictions(file, &r),
        ImportReport::Labelled(r) => print_labelled(file, &r),
    }
    Ok(())
}

fn print_labelled(file: &Path, report: &LabelledImportReport) {
    println!(
        "imported {} records from {}: {} matched to items, {} added as new items; {} spans, document classes on {} items",
        report.records,
        file.display(),
        report.matched,
        report.added_items,
        report.spans,
        report.classified_items
    );
    print_added("span classes", &report.new_classes);
    print_added("document classes", &report.new_doc_classes);
    if !report.problems.is_empty() {
        eprintln!(
            "{} problem(s); those records or spans were left out:",
            report.problems.len()
        );
        for p in &report.problems {
            eprintln!("  {}: {}", file.display(), describe(p));
        }
    }
}

fn print_predictions(path: &Path, report: &PredictionReport) {
    println!(
        "imported {} proposals from {} (model {:?}){}",
        report.proposals,
        path.display(),
        report.source,
        if report.clamped > 0 {
            format!("; {} clamped to their image", report.clamped)
        } else {
            String::new()
        }
    );
    print_added("classes", &report.new_classes);
    if report.without_score > 0 {
        println!(
            "{} box(es) had no score (6th column); they were given score 1",
            report.without_score
        );
    }
    print_problems(&report.problems);
}

fn print_coco(file: &Path, report: &CocoImportReport) {
    println!(
        "imported {} annotations from {} ({})",
        report.annotations,
        file.display(),
        kind_counts(&report.kinds)
    );
    print_added("classes", &report.new_classes);
    print_added("keypoint names to classes", &report.keypoint_classes);
    if !report.problems.is_empty() {
        eprintln!("{} record(s) not imported:", report.problems.len());
        for p in &report.problems {
            eprintln!("  {}: {}", p.record, p.message);
        }
    }
}

/// What an import of label files (YOLO, DOTA) stored and could not take.
fn print_label_files(root: &Path, what: &str, report: &LabelFileReport) {
    let classes = if report.class_file.is_empty() {
        String::new()
    } else {
        format!("; classes from {}", report.class_file)
    };
    println!(
        "imported {} annotations ({}) from {} ({} {what} label files, {} matched to images{classes})",
        report.annotations,
        kind_counts(&report.kinds),
        root.display(),
        report.label_files,
        report.matched_files,
    );
    print_added("classes", &report.new_classes);
    print_added("keypoint names to classes", &report.keypoint_classes);
    if report.with_confidence > 0 {
        println!(
            "{} row(s) carried a confidence (the column after the shape), which annotations do not keep; import with --as-proposals to keep predictions as proposals",
            report.with_confidence
        );
    }
    print_problems(&report.problems);
}

/// `3 rect, 2 polygon`.
fn kind_counts(kinds: &[(ShapeKind, usize)]) -> String {
    let counts: Vec<String> = kinds
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.as_str()))
        .collect();
    counts.join(", ")
}

fn print_box_labels(from: &Path, records: &str, report: &BoxLabelReport) {
    println!(
        "imported {} annotations ({}) and image labels on {} images from {} ({} {records}, {} matched to images)",
        report.annotations,
        kind_counts(&report.kinds),
        report.labelled_items,
        from.display(),
        report.records,
        report.matched
    );
    print_added("classes", &report.new_classes);
    print_added("image labels", &report.new_labels);
    print_added("attributes", &report.new_attributes);
    print_added("keypoint names to classes", &report.keypoint_classes);
    if report.switched_to_multi_label {
        println!(
            "switched the project to multi-label image labels: some images got several (one undo step with the import)"
        );
    }
    if report.several_labels_skipped > 0 {
        eprintln!(
            "{} image(s) got several image labels, but the project takes one per image: their image labels were left out (--multi-label switches the project to several)",
            report.several_labels_skipped
        );
    }
    if !report.unused_labels.is_empty() {
        println!(
            "not added, as no box or tag uses them: {} label(s) the files list: {}",
            report.unused_labels.len(),
            report.unused_labels.join(", ")
        );
    }
    if !report.skipped.is_empty() {
        let skipped: Vec<String> = report
            .skipped
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!("skipped (boxes only): {}", skipped.join(", "));
    }
    print_problems(&report.problems);
}

fn print_added(what: &str, names: &[String]) {
    if !names.is_empty() {
        println!("added {what}: {}", names.join(", "));
    }
}

fn print_problems(problems: &[impl std::fmt::Display]) {
    if !problems.is_empty() {
        eprintln!("{} problem(s):", problems.len());
        for p in problems {
            eprintln!("  {p}");
        }
    }
}
