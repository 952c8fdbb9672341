use super::Format;
use crate::jobs::coco::export_coco;
use crate::project::{Access, Project};
use std::path::Path;

pub fn run(dir: &Path, format: Format, output: &Path) -> anyhow::Result<()> {
    let project = Project::open(dir, Access::ReadOnly)?;
    match format {
        Format::Coco => {
            let report = export_coco(&project, output)?;
            println!(
                "wrote {}: {} images, {} boxes",
                output.display(),
                report.images,
                report.annotations
            );
            if let Some(labels) = &report.labels_file {
                println!(
                    "wrote {}: image labels of {} images",
                    labels.display(),
                    report.labelled_images
                );
            }
            if !report.left_out.is_empty() {
                eprintln!("left out {} unreadable image(s):", report.left_out.len());
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
            if !report.left_out_boxes.is_empty() {
                eprintln!("left out {} box(es):", report.left_out_boxes.len());
                for b in &report.left_out_boxes {
                    let path = project
                        .item(b.item)
                        .map_or_else(|| format!("item {}", b.item), |it| it.rel_path.clone());
                    eprintln!("  box id {} on {path}: {}", b.annotation, b.reason);
                }
            }
        }
    }
    Ok(())
}
