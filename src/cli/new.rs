use super::progress_line;
use crate::jobs::scan::BackgroundScan;
use crate::jobs::text::{describe, new_text_project};
use crate::model::{ImageLabelMode, LabelSchema};
use crate::project::Project;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The label schema asked for on the command line.
pub struct Labels {
    /// Box classes, or span classes of a text project.
    pub classes: Vec<String>,
    /// Image labels, or document classes of a text project.
    pub item_labels: Vec<String>,
    pub multi_label: bool,
    pub overlapping_spans: bool,
}

impl Labels {
    fn schema(&self) -> LabelSchema {
        let mut schema = LabelSchema::with_classes(&self.classes);
        for label in &self.item_labels {
            schema.add_image_label(label);
        }
        schema.image_label_mode = if self.multi_label {
            ImageLabelMode::Multi
        } else {
            ImageLabelMode::Single
        };
        schema.allow_overlapping_spans = self.overlapping_spans;
        schema
    }
}

fn project_name(dir: &Path, name: Option<String>) -> String {
    name.unwrap_or_else(|| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into())
    })
}

pub fn run(dir: &Path, images: &Path, labels: Labels, name: Option<String>) -> anyhow::Result<()> {
    if !images.is_dir() {
        anyhow::bail!("{}: not a folder of images", images.display());
    }
    let name = project_name(dir, name);
    let mut project = Project::create(dir, &name, images, labels.schema())?;
    let interactive = std::io::stderr().is_terminal();
    let summary =
        BackgroundScan::start(project.image_root()).finish_into(&mut project, |found| {
            if interactive {
                eprint!("\rscanning… {found} images");
                let _ = std::io::stderr().flush();
            }
        })?;
    if interactive {
        eprintln!();
    }
    println!(
        "created project {:?} in {}: {} images, {} unreadable, {} other files skipped",
        project.name(),
        dir.display(),
        summary.images,
        summary.broken,
        summary.skipped_other
    );
    if !summary.errors.is_empty() {
        eprintln!("could not read {} file(s):", summary.errors.len());
        for (path, message) in &summary.errors {
            eprintln!("  {path}: {message}");
        }
    }
    Ok(())
}

pub fn run_text(
    dir: &Path,
    file: &Path,
    text_field: Option<&str>,
    labels: Labels,
    name: Option<String>,
) -> anyhow::Result<()> {
    if !file.exists() {
        anyhow::bail!("{}: no such file of texts", file.display());
    }
    let name = project_name(dir, name);
    let (project, report) = new_text_project(
        dir,
        &name,
        labels.schema(),
        file,
        text_field,
        &mut progress_line("reading"),
    )?;
    println!(
        "created text project {:?} in {}: {} texts from {}",
        project.name(),
        dir.display(),
        report.added,
        file.display()
    );
    if !report.problems.is_empty() {
        eprintln!("could not read {} record(s):", report.problems.len());
        for p in &report.problems {
            eprintln!("  {}: {}", file.display(), describe(p));
        }
    }
    Ok(())
}
