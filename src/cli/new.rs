use super::progress_line;
use crate::jobs::scan::{BackgroundScan, ScanSummary, SkipReason, broken_paths};
use crate::jobs::text::{describe, new_team_text_project, new_text_project};
use crate::model::{ImageLabelMode, LabelSchema};
use crate::project::{Access, Project, ProjectKind};
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

/// `shugu new DIR --images FOLDER [--db URL]`.
pub fn run(
    dir: &Path,
    images: &Path,
    labels: Labels,
    name: Option<String>,
    db: Option<&str>,
) -> anyhow::Result<()> {
    crate::project::refuse_url(&images.to_string_lossy()).map_err(anyhow::Error::msg)?;
    if !images.is_dir() {
        anyhow::bail!("{}: not a folder of images", images.display());
    }
    let name = project_name(dir, name);
    let mut project = match db {
        Some(db) => Project::create_on_server(dir, &name, images, labels.schema(), db)?,
        None => Project::create(dir, &name, images, labels.schema())?,
    };
    let mut scan_job = BackgroundScan::start(project.image_root());
    let summary = scan_with_progress(&mut scan_job, &mut project)?;
    println!(
        "created project {:?} in {}: {} images, {} unreadable, {} other files skipped",
        project.name(),
        dir.display(),
        summary.images,
        summary.broken,
        summary.skipped.len()
    );
    report_scan(&summary);
    Ok(())
}

/// `shugu rescan`: reads again the files of items that could not be read,
/// and adds image files that appeared since.
pub fn rescan(dir: &Path) -> anyhow::Result<()> {
    let mut project = super::open_project(dir, Access::ReadWrite)?;
    if project.kind() == ProjectKind::Text {
        anyhow::bail!(
            "{}: a text project has no image folder to scan",
            dir.display()
        );
    }
    let broken = broken_paths(project.items());
    let before = project.items().len();
    let mut scan_job = BackgroundScan::rescan(project.image_root(), broken.clone(), true, || {});
    let summary = scan_with_progress(&mut scan_job, &mut project)?;
    println!(
        "rescanned {}: {} new images, {} of {} unreadable images readable now, {} other files skipped",
        dir.display(),
        project.items().len() - before,
        scan_job.repaired(),
        broken.len(),
        summary.skipped.len()
    );
    report_scan(&summary);
    Ok(())
}

fn scan_with_progress(
    scan_job: &mut BackgroundScan,
    project: &mut Project,
) -> anyhow::Result<ScanSummary> {
    let interactive = std::io::stderr().is_terminal();
    let summary = scan_job.finish_into(project, |found| {
        if interactive {
            eprint!("\rscanning… {found} images");
            let _ = std::io::stderr().flush();
        }
    })?;
    if interactive {
        eprintln!();
    }
    Ok(summary)
}

/// Files of other kinds listed by name in a terminal; the rest are counted.
const OTHER_FILES_LISTED: usize = 20;

/// The unreadable files, and the skipped ones by name: every image of a
/// format that cannot be opened, and the first other files.
fn report_scan(summary: &ScanSummary) {
    if !summary.errors.is_empty() {
        eprintln!("could not read {} file(s):", summary.errors.len());
        for (path, message) in &summary.errors {
            eprintln!("  {path}: {message}");
        }
    }
    if !summary.warnings.is_empty() {
        eprintln!("opened {} file(s) with a warning:", summary.warnings.len());
        for (path, warning) in &summary.warnings {
            eprintln!("  {path}: {warning}");
        }
    }
    let (images, others): (Vec<_>, Vec<_>) = summary
        .skipped
        .iter()
        .partition(|s| matches!(s.reason, SkipReason::UnsupportedImage(_)));
    if !images.is_empty() {
        eprintln!(
            "skipped {} image(s) in a format Shugu cannot open:",
            images.len()
        );
        for s in &images {
            eprintln!("  {}: {}", s.rel_path, s.reason);
        }
    }
    if !others.is_empty() {
        eprintln!("skipped {} file(s) that are not images:", others.len());
        for s in others.iter().take(OTHER_FILES_LISTED) {
            eprintln!("  {}", s.rel_path);
        }
        if others.len() > OTHER_FILES_LISTED {
            eprintln!("  … and {} more", others.len() - OTHER_FILES_LISTED);
        }
    }
}

/// `shugu new DIR --db URL` without anything to annotate: another
/// workstation's folder of the team project the database holds.
pub fn join(dir: &Path, db: &str) -> anyhow::Result<()> {
    let project = Project::join_server(dir, db)?;
    println!(
        "joined project {:?} in {}: {} items, edits by {}",
        project.name(),
        dir.display(),
        project.items().len(),
        project.author()
    );
    Ok(())
}

pub fn run_text(
    dir: &Path,
    file: &Path,
    text_field: Option<&str>,
    labels: Labels,
    name: Option<String>,
    db: Option<&str>,
) -> anyhow::Result<()> {
    if !file.exists() {
        anyhow::bail!("{}: no such file of texts", file.display());
    }
    let name = project_name(dir, name);
    let progress = &mut progress_line("reading");
    let schema = labels.schema();
    let (project, report) = match db {
        Some(db) => new_team_text_project(dir, &name, schema, file, text_field, db, progress)?,
        None => new_text_project(dir, &name, schema, file, text_field, progress)?,
    };
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
