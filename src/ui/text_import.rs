//! "New text project from file…": the project is made beside the file and the
//! records are read on a worker thread, with a progress bar; the project opens
//! when they are in. A failed import leaves no project, so the next attempt
//! starts afresh.

use super::worker::{Worker, progress_window};
use crate::jobs::text::{describe, new_text_project};
use crate::model::LabelSchema;
use crate::project::Project;
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// The project folder made for a text file: `reviews.jsonl` → `reviews.shugu/`
/// beside it.
pub fn project_dir_for(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "texts".into());
    file.with_file_name(format!("{stem}.shugu"))
}

/// The project folder, and the notice to show (problems), or why it failed.
type Outcome = Result<(PathBuf, Option<String>), String>;

/// A text file being read into a new project.
pub struct TextImportJob {
    file: PathBuf,
    worker: Worker<Outcome>,
}

impl TextImportJob {
    pub fn start(file: PathBuf) -> Self {
        let source = file.clone();
        let worker = Worker::spawn("text-import", move |progress| {
            read_into_project(&source, &mut |f| progress.set(f))
        });
        Self { file, worker }
    }

    /// The project to open and a notice, once the job has ended.
    pub fn poll(&mut self) -> Option<Outcome> {
        let end = self.worker.poll()?;
        Some(end.unwrap_or_else(|e| Err(format!("{}: {e}", t!("text_import.failed")))))
    }

    /// The progress window.
    pub fn show(&self, ctx: &egui::Context) {
        progress_window(
            ctx,
            &t!("text_import.title"),
            "text_import",
            &self.file,
            self.worker.fraction(),
        );
    }
}

/// Makes the project, whole or not at all, or reuses one made for this file
/// before.
fn read_into_project(
    file: &Path,
    progress: &mut dyn FnMut(f32),
) -> Result<(PathBuf, Option<String>), String> {
    let dir = project_dir_for(file);
    if Project::is_project_dir(&dir) {
        return Ok((dir, None));
    }
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let on_progress = &mut |p: crate::jobs::Progress| {
        if let Some(f) = p.fraction() {
            progress(f);
        }
    };
    let (project, report) =
        new_text_project(&dir, &name, LabelSchema::default(), file, None, on_progress)
            .map_err(|e| e.to_string())?;
    // Closed before the app opens it.
    drop(project);
    let notice = (!report.problems.is_empty()).then(|| {
        let mut text = t!(
            "text_import.problems",
            n = report.problems.len(),
            added = report.added
        )
        .into_owned();
        for p in report.problems.iter().take(20) {
            text.push_str(&format!("\n  {}: {}", file.display(), describe(p)));
        }
        text
    });
    Ok((dir, notice))
}
