use super::{Format, default_format, progress_line};
use crate::formats::text::LabelledFormat;
use crate::jobs::box_labels::{BoxImportOptions, BoxLabelReport};
use crate::jobs::coco::import_coco;
use crate::jobs::cvat::import_cvat;
use crate::jobs::label_studio_images::import_label_studio_images;
use crate::jobs::labelme::import_labelme;
use crate::jobs::text::{describe, import_labelled};
use crate::jobs::voc::import_voc;
use crate::jobs::yolo::{YoloImportOptions, import_yolo};
use crate::model::OffsetUnit;
use crate::project::{Access, Project, ProjectKind};
use std::path::Path;

pub fn run(
    dir: &Path,
    file: &Path,
    format: Option<Format>,
    offsets: Option<OffsetUnit>,
    author: &str,
    yolo: YoloImportOptions,
) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    project.set_author(author);
    let format = format.unwrap_or(default_format(project.kind()));
    let labelled = match format {
        Format::Coco => return import_boxes(&mut project, file),
        Format::Yolo => return import_yolo_folder(&mut project, file, yolo),
        Format::Labelme => {
            let report = import_labelme(
                &mut project,
                file,
                yolo.add_unknown_classes,
                &mut progress_line("reading labelme files"),
            )?;
            return print_box_labels(file, "labelme files", &report);
        }
        Format::Voc | Format::Cvat => {
            let options = BoxImportOptions {
                outside: yolo.outside,
                add_unknown_classes: yolo.add_unknown_classes,
            };
            let (import, what, records): (fn(_, _, _, _) -> _, _, _) = match format {
                Format::Voc => (import_voc, "reading VOC files", "annotation files"),
                _ => (import_cvat, "reading the CVAT file", "images"),
            };
            let report = import(&mut project, file, options, &mut progress_line(what))?;
            return print_box_labels(file, records, &report);
        }
        Format::Labelstudio if project.kind() == ProjectKind::Images => {
            let report = import_label_studio_images(&mut project, file, yolo.add_unknown_classes)?;
            return print_box_labels(file, "tasks", &report);
        }
        Format::Jsonl => LabelledFormat::Jsonl,
        Format::Doccano => LabelledFormat::Doccano,
        Format::Labelstudio => LabelledFormat::LabelStudio,
        Format::Hf => anyhow::bail!(
            "the Hugging Face layout holds no offsets or ids to match records by; import jsonl, doccano or labelstudio"
        ),
    };
    let report = import_labelled(
        &mut project,
        file,
        labelled,
        offsets,
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

fn import_boxes(project: &mut Project, file: &Path) -> anyhow::Result<()> {
    let report = import_coco(project, file)?;
    println!("imported {} boxes from {}", report.boxes, file.display());
    if !report.new_classes.is_empty() {
        println!("added classes: {}", report.new_classes.join(", "));
    }
    if report.skipped_polygons + report.skipped_rle > 0 {
        eprintln!(
            "skipped {} polygon and {} RLE annotation(s): this version imports boxes only",
            report.skipped_polygons, report.skipped_rle
        );
    }
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
    println!(
        "imported {} boxes from {} ({} label files, {} matched to images; classes from {})",
        report.boxes,
        root.display(),
        report.label_files,
        report.matched_files,
        report.class_file
    );
    if !report.new_classes.is_empty() {
        println!("added classes: {}", report.new_classes.join(", "));
    }
    if report.with_confidence > 0 {
        println!(
            "{} box(es) carried a confidence (6th column); it is read but not stored yet",
            report.with_confidence
        );
    }
    if !report.problems.is_empty() {
        eprintln!("{} problem(s):", report.problems.len());
        for p in &report.problems {
            eprintln!("  {p}");
        }
    }
    Ok(())
}

fn print_box_labels(from: &Path, records: &str, report: &BoxLabelReport) -> anyhow::Result<()> {
    println!(
        "imported {} boxes and image labels on {} images from {} ({} {records}, {} matched to images)",
        report.boxes,
        report.labelled_items,
        from.display(),
        report.records,
        report.matched
    );
    if !report.new_classes.is_empty() {
        println!("added classes: {}", report.new_classes.join(", "));
    }
    if !report.new_labels.is_empty() {
        println!("added image labels: {}", report.new_labels.join(", "));
    }
    if !report.new_attributes.is_empty() {
        println!("added box attributes: {}", report.new_attributes.join(", "));
    }
    if !report.skipped.is_empty() {
        let skipped: Vec<String> = report
            .skipped
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!("skipped (boxes only): {}", skipped.join(", "));
    }
    if !report.problems.is_empty() {
        eprintln!("{} problem(s):", report.problems.len());
        for p in &report.problems {
            eprintln!("  {p}");
        }
    }
    Ok(())
}
