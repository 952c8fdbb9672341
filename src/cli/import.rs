use super::Format;
use crate::jobs::coco::import_coco;
use crate::project::{Access, Project};
use std::path::Path;

pub fn run(dir: &Path, file: &Path, format: Format, author: &str) -> anyhow::Result<()> {
    let mut project = Project::open(dir, Access::ReadWrite)?;
    project.set_author(author);
    match format {
        Format::Coco => {
            let report = import_coco(&mut project, file)?;
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
        }
    }
    Ok(())
}
