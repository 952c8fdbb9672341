use super::{Format, default_format, progress_line};
use crate::jobs::ItemScope;
use crate::jobs::coco::export_coco_with;
use crate::jobs::cvat::export_cvat;
use crate::jobs::dota::export_dota;
use crate::jobs::label_studio_images::export_label_studio_images;
use crate::jobs::labelme::export_labelme;
use crate::jobs::text::{TextExportFormat, export_text_scoped};
use crate::jobs::voc::export_voc;
use crate::jobs::yolo::{
    ClassifyExportOptions, LayoutChoice, YoloExportOptions, export_yolo, export_yolo_classify,
};
use crate::model::OffsetUnit;
use crate::project::{Access, Project, ProjectKind};
use std::path::Path;

pub fn run(
    dir: &Path,
    format: Option<Format>,
    offsets: Option<OffsetUnit>,
    scope: ItemScope,
    classify: ClassifyExportOptions,
    output: &Path,
    include_proposals: bool,
) -> anyhow::Result<()> {
    let project = Project::open(dir, Access::ReadOnly)?;
    let format = format.unwrap_or(default_format(project.kind()));
    if include_proposals && format != Format::Coco {
        anyhow::bail!(
            "--include-proposals writes model proposals with their scores into a COCO export; use --format coco"
        );
    }
    let text_format = match format {
        Format::Coco => return export_coco_file(&project, output, scope, include_proposals),
        Format::CocoResults => anyhow::bail!(
            "coco-results is an import format (a model's predictions); export coco, with --include-proposals to add the proposals"
        ),
        Format::Yolo | Format::YoloSeg | Format::YoloObb | Format::YoloPose => {
            let layout = format.yolo_layout().unwrap_or(LayoutChoice::Detect);
            return export_yolo_folder(&project, output, scope, layout);
        }
        Format::Dota => {
            let r = export_dota(&project, output, scope, &mut progress_line("exporting"))?;
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
            return Ok(());
        }
        Format::YoloCls => {
            if project.kind() == ProjectKind::Text {
                anyhow::bail!("yolo-cls is a layout of image folders; export text projects as hf");
            }
            let r = export_yolo_classify(
                &project,
                output,
                scope,
                classify,
                &mut super::progress_line("exporting"),
            )?;
            println!(
                "wrote {}: {} training and {} validation images in {} class folders",
                output.display(),
                r.train,
                r.val,
                r.classes
            );
            print_notes(&[("left out", "image(s)", &r.left_out)]);
            return Ok(());
        }
        Format::Labelme => {
            let r = export_labelme(&project, output, scope, &mut progress_line("exporting"))?;
            return report_image_export(output, "labelme files", &r);
        }
        Format::Voc => {
            let r = export_voc(&project, output, scope, &mut progress_line("exporting"))?;
            return report_image_export(output, "VOC annotation files", &r);
        }
        Format::Cvat => {
            let r = export_cvat(&project, output, scope, &mut progress_line("exporting"))?;
            println!(
                "wrote {}: {} images, {} annotations, {} tags",
                output.display(),
                r.written.images,
                r.written.boxes,
                r.tags
            );
            return report_left_out(&r.written);
        }
        Format::Labelstudio if project.kind() == ProjectKind::Images => {
            let r = export_label_studio_images(&project, output, scope)?;
            println!(
                "wrote {}: {} tasks, {} annotations",
                output.display(),
                r.images,
                r.boxes
            );
            println!(
                "wrote {}: the labelling config that reads them",
                crate::jobs::label_studio_images::label_config_path(output).display()
            );
            return report_left_out(&r);
        }
        Format::Jsonl => TextExportFormat::Jsonl,
        Format::Doccano => {
            if offsets.is_some_and(|u| u != OffsetUnit::Utf16) {
                anyhow::bail!("doccano files count offsets in UTF-16 units; leave out --offsets");
            }
            TextExportFormat::Doccano
        }
        Format::Hf => TextExportFormat::HuggingFace,
        Format::Labelstudio => {
            anyhow::bail!("Label Studio is an import format for text projects; export jsonl")
        }
    };
    let report = export_text_scoped(
        &project,
        output,
        text_format,
        offsets.unwrap_or_default(),
        scope,
    )?;
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
    Ok(())
}

fn export_coco_file(
    project: &Project,
    output: &Path,
    scope: ItemScope,
    include_proposals: bool,
) -> anyhow::Result<()> {
    let report = export_coco_with(project, output, scope, include_proposals)?;
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
    Ok(())
}

fn export_yolo_folder(
    project: &Project,
    output: &Path,
    scope: ItemScope,
    layout: LayoutChoice,
) -> anyhow::Result<()> {
    let report = export_yolo(
        project,
        output,
        scope,
        YoloExportOptions { layout },
        &mut super::progress_line("exporting"),
    )?;
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
    Ok(())
}

/// Prints the images and annotations an export left out, and the shapes it
/// wrote as their boxes, with the reasons.
fn report_left_out(r: &crate::jobs::ImageExportReport) -> anyhow::Result<()> {
    print_notes(&[
        ("left out", "image(s)", &r.left_out),
        ("left out", "annotation(s)", &r.left_out_annotations),
        ("wrote", "other shape(s) as boxes", &r.as_boxes),
        ("wrote", "shape(s) in another form", &r.converted),
    ]);
    Ok(())
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

/// What a per-image export (labelme, VOC) wrote and left out.
fn report_image_export(
    output: &Path,
    files: &str,
    r: &crate::jobs::ImageExportReport,
) -> anyhow::Result<()> {
    println!(
        "wrote {}: {} {files}, {} annotations",
        output.display(),
        r.images,
        r.boxes
    );
    report_left_out(r)
}
