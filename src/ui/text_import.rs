//! "New text project from file…": the project is made beside the file and the
//! records are read on a worker thread, with a progress bar; the project opens
//! when they are in. A failed import leaves no project, so the next attempt
//! starts afresh.

use crate::jobs::text::{describe, new_text_project};
use crate::model::LabelSchema;
use crate::project::Project;
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// The project folder made for a text file: `reviews.jsonl` → `reviews.shugu/`
/// beside it.
pub fn project_dir_for(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "texts".into());
    file.with_file_name(format!("{stem}.shugu"))
}

enum Message {
    Progress(f32),
    /// The project folder, and the notice to show (problems), or why it failed.
    Done(Result<(PathBuf, Option<String>), String>),
}

/// A text file being read into a new project.
pub struct TextImportJob {
    file: PathBuf,
    rx: Receiver<Message>,
    fraction: f32,
}

impl TextImportJob {
    pub fn start(file: PathBuf) -> Self {
        let (tx, rx) = channel();
        let source = file.clone();
        std::thread::spawn(move || {
            let progress_tx = tx.clone();
            let result = read_into_project(&source, &mut |f| {
                let _ = progress_tx.send(Message::Progress(f));
            });
            let _ = tx.send(Message::Done(result));
        });
        Self {
            file,
            rx,
            fraction: 0.0,
        }
    }

    /// The project to open and a notice, once the job has ended.
    pub fn poll(&mut self) -> Option<Result<(PathBuf, Option<String>), String>> {
        loop {
            match self.rx.try_recv() {
                Ok(Message::Progress(f)) => self.fraction = f,
                Ok(Message::Done(result)) => return Some(result),
                Err(TryRecvError::Empty) => return None,
                // The worker ended without a word: it panicked.
                Err(TryRecvError::Disconnected) => {
                    return Some(Err(t!(
                        "text_import.stopped",
                        file = self.file.display().to_string()
                    )
                    .into_owned()));
                }
            }
        }
    }

    /// The progress window.
    pub fn show(&self, ctx: &egui::Context) {
        egui::Window::new(t!("text_import.title"))
            .id(egui::Id::unique("text_import"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(self.file.display().to_string());
                ui.add(egui::ProgressBar::new(self.fraction).show_percentage());
            });
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_ends_without_a_word_is_an_error_not_a_wait() {
        let (tx, rx) = channel();
        tx.send(Message::Progress(0.5)).unwrap();
        drop(tx);
        let mut job = TextImportJob {
            file: PathBuf::from("评论.jsonl"),
            rx,
            fraction: 0.0,
        };
        let err = job.poll().and_then(Result::err).unwrap_or_default();
        assert!(err.contains("评论.jsonl"), "{err}");
        assert_eq!(job.fraction, 0.5);
    }
}
