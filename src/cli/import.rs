use super::{Format, default_format, progress_line};
use crate::formats::text::LabelledFormat;
use crate::jobs::box_labels::{BoxImportOptions, BoxLabelReport};
use crate::jobs::coco::import_coco;
use crate::jobs::cvat::import_cvat;
use crate::jobs::dota::import_dota;
use crate::jobs::label_files::LabelFileReport;
use crate::jobs::label_studio_images::import_label_studio_images;
use crate::jobs::labelme::import_labelme;
use crate::jobs::predictions::{PredictionFormat, PredictionOptions};
use crate::jobs::text::{describe, import_labelled};
use crate::jobs::voc::import_voc;
use crate::jobs::yolo::{YoloImportOptions, import_yolo};
use crate::model::{OffsetUnit, ShapeKind};
use crate::project::{Access, Project, ProjectKind};
use std::path::Path;

/// What `shugu import` was asked besides the project, the file and the box
/// options.
pub struct Import<'a> {
    pub format: Option<Format>,
    pub offsets: Option<OffsetUnit>,
    pub author: &'a str,
    /// `--multi-label`: see [`BoxImportOptions::multi_label`].
    pub multi_label: bool,
}

pub fn run(dir: &Path, file: &Path, import: Import, yolo: YoloImportOptions) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    project.set_author(import.author);
    let format = import.format.unwrap_or(default_format(project.kind()));
    let options = BoxImportOptions {
        outside: yolo.outside,
        add_unknown_classes: yolo.add_unknown_classes,
        multi_label: import.multi_label,
    };
    let labelled = match format {
        Format::Coco => return import_coco_file(&mut project, file),
        Format::Yolo | Format::YoloSeg | Format::YoloObb | Format::YoloPose => {
            return import_yolo_folder(&mut project, file, yolo);
        }
        Format::Dota => {
            let report = import_dota(
                &mut project,
                file,
                yolo.outside,
                &mut progress_line("reading DOTA labels"),
            )?;
            return print_label_files(file, "DOTA", &report);
        }
        Format::Labelme => {
            let report = import_labelme(
                &mut project,
                file,
                options,
                &mut progress_line("reading labelme files"),
            )?;
            return print_box_labels(file, "labelme files", &report);
        }
        Format::Voc | Format::Cvat => {
            let (import, what, records): (fn(_, _, _, _) -> _, _, _) = match format {
                Format::Voc => (import_voc, "reading VOC files", "annotation files"),
                _ => (import_cvat, "reading CVAT files", "images"),
            };
            let report = import(&mut project, file, options, &mut progress_line(what))?;
            return print_box_labels(file, records, &report);
        }
        Format::Labelstudio if project.kind() == ProjectKind::Images => {
            let report = import_label_studio_images(&mut project, file, options)?;
            return print_box_labels(file, "tasks", &report);
        }
        Format::Jsonl => LabelledFormat::Jsonl,
        Format::Doccano => LabelledFormat::Doccano,
        Format::Labelstudio => LabelledFormat::LabelStudio,
        Format::CocoResults => {
            let kind = crate::jobs::predictions::PredictionFormat::CocoResults;
            return import_predictions(&mut project, file, kind, yolo, None);
        }
        Format::Hf => anyhow::bail!(
            "the Hugging Face layout holds no offsets or ids to match records by; import jsonl, doccano or labelstudio"
        ),
        Format::YoloCls => {
            anyhow::bail!("yolo-cls is an export format; to import YOLO labels use --format yolo")
        }
    };
    let report = import_labelled(
        &mut project,
        file,
        labelled,
        import.offsets,
        &mut progress_line("importing"),
    )?;
    println!(
        "imported {} records from {}: {} matched to items, {} added as new items; {} spans, document classes on {} items",
        report.records,
        file.display(),
        report.matched,
        report.added_items,
        report.spans,
        report.classified_items
    );
    if !report.new_classes.is_empty() {
        println!("added span classes: {}", report.new_classes.join(", "));
    }
    if !report.new_doc_classes.is_empty() {
        println!(
            "added document classes: {}",
            report.new_doc_classes.join(", ")
        );
    }
    if !report.problems.is_empty() {
        eprintln!(
            "{} problem(s); those records or spans were left out:",
            report.problems.len()
        );
        for p in &report.problems {
            eprintln!("  {}: {}", file.display(), describe(p));
        }
    }
    Ok(())
}

/// `shugu import --as-proposals` / `--format coco-results`: a model's
/// predictions stored as proposals.
pub fn run_predictions(
    dir: &Path,
    path: &Path,
    format: PredictionFormat,
    author: &str,
    options: YoloImportOptions,
    source: Option<String>,
) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    project.set_author(author);
    import_predictions(&mut project, path, format, options, source)
}

fn import_predictions(
    project: &mut Project,
    path: &Path,
    format: PredictionFormat,
    options: PredictionOptions,
    source: Option<String>,
) -> anyhow::Result<()> {
    if project.kind() != ProjectKind::Images {
        anyhow::bail!(
            "{}: model predictions become proposed boxes, and this is a text project",
            project.dir().display()
        );
    }
    let report = crate::jobs::predictions::import_predictions(
        project,
        path,
        format,
        options,
        source.as_deref(),
        &mut progress_line("reading predictions"),
    )?;
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
    Ok(())
}

fn import_coco_file(project: &mut Project, file: &Path) -> anyhow::Result<()> {
    let report = import_coco(project, file)?;
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
    Ok(())
}

fn import_yolo_folder(
    project: &mut Project,
    root: &Path,
    options: YoloImportOptions,
) -> anyhow::Result<()> {
    let report = import_yolo(project, root, options, &mut progress_line("reading labels"))?;
    print_label_files(root, "YOLO", &report)?;
    if report.with_confidence > 0 {
        println!(
            "{} row(s) carried a confidence (the column after the shape), which annotations do not keep; import with --as-proposals to keep predictions as proposals",
            report.with_confidence
        );
    }
    Ok(())
}

/// What an import of label files (YOLO, DOTA) stored and could not take.
fn print_label_files(root: &Path, what: &str, report: &LabelFileReport) -> anyhow::Result<()> {
    let kinds: Vec<String> = report
        .kinds
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.as_str()))
        .collect();
    let classes = if report.class_file.is_empty() {
        String::new()
    } else {
        format!("; classes from {}", report.class_file)
    };
    println!(
        "imported {} annotations ({}) from {} ({} {what} label files, {} matched to images{classes})",
        report.annotations,
        kinds.join(", "),
        root.display(),
        report.label_files,
        report.matched_files,
    );
    print_added("classes", &report.new_classes);
    print_added("keypoint names to classes", &report.keypoint_classes);
    print_problems(&report.problems);
    Ok(())
}

/// `3 rect, 2 polygon`.
fn kind_counts(kinds: &[(ShapeKind, usize)]) -> String {
    let counts: Vec<String> = kinds
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.as_str()))
        .collect();
    counts.join(", ")
}

fn print_box_labels(from: &Path, records: &str, report: &BoxLabelReport) -> anyhow::Result<()> {
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
    Ok(())
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
