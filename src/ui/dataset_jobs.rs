//! File → Import ▸ and Export ▸ jobs, for every format of the registry
//! ([`crate::jobs::registry`]), on a worker thread with a progress bar:
//!
//! - a planned import reads against a snapshot of the project's items and
//!   schema; its plan comes back to the UI thread, which asks what the
//!   registry says to ask (classes or image labels the project lacks and the
//!   dataset does not declare, then whether to switch a single-label project
//!   to several labels) and stores it through the edit path (one undo step);
//! - a direct import (COCO, labelled texts: read and stored together) takes
//!   the project itself to the worker thread, the workspace showing a
//!   read-only view of it meanwhile, and hands it back when done;
//! - an export opens its own read-only connection to the committed project.

use super::dataset_notices::{export_notice, import_failed, import_notice};
use super::format_menu::MenuEntry;
use super::worker::{Progress, Worker, progress_window};
use crate::jobs::registry::{
    self, ExportOptions, Format, ImportOptions, ImportPlan, Importer, ReadRequest,
};
use crate::model::{Item, LabelSchema};
use crate::project::{Access, ImageRootMap, Project};
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// Asks whether to switch the project to multi-label because `n` images of
/// an import have several image labels (see [`yes_no_question`]: yes
/// switches and imports, no imports without those labels).
pub fn multi_label_question(ctx: &egui::Context, title: &str, n: usize) -> Option<Option<bool>> {
    yes_no_question(
        ctx,
        ("multi_label_question", title),
        &t!("dataset.several_labels", n = n),
        &t!("dataset.switch_multi_label"),
        &t!("dataset.without_several"),
    )
}

/// A window (`id`, `title`) asking `question` with the buttons `yes`, `no`
/// and Cancel: `Some(Some(true))`, `Some(Some(false))` and `Some(None)` once
/// one is clicked, `None` before.
pub fn yes_no_question(
    ctx: &egui::Context,
    (id, title): (&str, &str),
    question: &str,
    yes: &str,
    no: &str,
) -> Option<Option<bool>> {
    let mut choice = None;
    egui::Window::new(title)
        .id(egui::Id::unique(id))
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(question);
            ui.horizontal(|ui| {
                if ui.button(yes).clicked() {
                    choice = Some(Some(true));
                }
                if ui.button(no).clicked() {
                    choice = Some(Some(false));
                }
                if ui.button(t!("predictions.cancel")).clicked() {
                    choice = Some(None);
                }
            });
        });
    choice
}

/// What a finished job hands back.
pub enum DatasetOutcome {
    /// A plan to settle and store, read from the entry's format.
    Read {
        plan: Box<ImportPlan>,
        entry: MenuEntry,
    },
    /// The project a direct import held, and the notice to show.
    Stored {
        project: Box<Project>,
        notice: String,
    },
    /// The notice to show.
    Notice(String),
}

pub struct DatasetJob {
    title: String,
    folder: PathBuf,
    /// What a failure of the worker is shown after ("Import failed (yolo)").
    failed: String,
    /// The project folder a direct import took the project of: should the
    /// worker fail, the app opens it again.
    lent: Option<PathBuf>,
    worker: Worker<DatasetOutcome>,
}

/// A snapshot of the project a read plans against.
pub struct Snapshot {
    pub items: Vec<Item>,
    pub image_root: PathBuf,
    pub schema: LabelSchema,
}

impl Snapshot {
    pub fn of(project: &Project) -> Self {
        Self {
            items: project.items().to_vec(),
            image_root: project.image_root(),
            schema: project.schema().clone(),
        }
    }
}

impl DatasetJob {
    /// Reads `path` as the entry's format against `snapshot`, with the
    /// options the GUI reads with ([`ImportOptions::for_asking`]).
    pub fn read(entry: MenuEntry, path: PathBuf, snapshot: Snapshot) -> Self {
        let format = entry.format;
        let failed = import_failed(format);
        let Some(Importer::Planned(read)) = format.import.as_ref().map(|i| i.run) else {
            let notice = format!("{failed}: {} is not read into a plan", format.name);
            return Self::run(entry.title(), path, failed, move |_, _| {
                DatasetOutcome::Notice(notice)
            });
        };
        Self::run(entry.title(), path, failed, move |path, report| {
            let options = ImportOptions::for_asking(format, entry.as_proposals);
            let request = ReadRequest {
                path,
                items: &snapshot.items,
                image_root: &snapshot.image_root,
                schema: &snapshot.schema,
                options: &options,
            };
            match read(&request, &mut progress_sender(report)) {
                Ok(plan) => DatasetOutcome::Read {
                    plan: Box::new(plan),
                    entry,
                },
                Err(e) => DatasetOutcome::Notice(format!("{}: {e}", import_failed(format))),
            }
        })
    }

    /// Imports `path` as `format` into `project` on the worker thread, which
    /// hands the project back with the notice.
    pub fn store(format: &'static Format, title: String, path: PathBuf, project: Project) -> Self {
        let failed = import_failed(format);
        let lent = Some(project.dir().to_path_buf());
        let mut job = Self::run(title, path, failed, move |path, report| {
            let mut project = project;
            let options = ImportOptions::for_asking(format, false);
            let result = registry::import(
                format,
                &mut project,
                path,
                &options,
                &mut progress_sender(report),
            );
            DatasetOutcome::Stored {
                notice: import_notice(format, path, result),
                project: Box::new(project),
            }
        });
        job.lent = lent;
        job
    }

    /// Exports the project at `dir` (its committed state) to `out` as
    /// `format`, with the default options.
    /// Images are found through `images`, the workstation's mappings.
    pub fn export(
        format: &'static Format,
        title: String,
        dir: PathBuf,
        out: PathBuf,
        images: ImageRootMap,
    ) -> Self {
        let failed = t!("export.failed").into_owned();
        Self::run(title, out, failed, move |out, report| {
            let mut progress = progress_sender(report);
            let result = Project::open(&dir, Access::ReadOnly)
                .map_err(crate::jobs::JobError::from)
                .and_then(|mut p| {
                    p.set_image_map(images);
                    registry::export(format, &p, out, &ExportOptions::default(), &mut progress)
                });
            DatasetOutcome::Notice(export_notice(out, result))
        })
    }

    /// Runs `work` over `folder` on a worker thread, with a progress window
    /// titled `title`. Should the worker fail (a panic), the notice is its
    /// error after `failed`.
    pub fn run(
        title: String,
        folder: PathBuf,
        failed: String,
        work: impl FnOnce(&Path, &Progress) -> DatasetOutcome + Send + 'static,
    ) -> Self {
        let path = folder.clone();
        Self {
            title,
            folder,
            failed,
            lent: None,
            worker: Worker::spawn("dataset-job", move |progress| work(&path, progress)),
        }
    }

    /// The dataset being read, or the file or folder being written.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The folder of the project a direct import holds, while it runs.
    pub fn lent(&self) -> Option<&Path> {
        self.lent.as_deref()
    }

    /// What the job ended with, once it has; a failed worker ends with a
    /// notice saying so.
    pub fn poll(&mut self) -> Option<DatasetOutcome> {
        let end = self.worker.poll()?;
        Some(end.unwrap_or_else(|e| DatasetOutcome::Notice(format!("{}: {e}", self.failed))))
    }

    /// The progress window.
    pub fn show(&self, ctx: &egui::Context) {
        progress_window(
            ctx,
            &self.title,
            "dataset_job",
            &self.folder,
            self.worker.fraction(),
        );
    }
}

fn progress_sender(progress: &Progress) -> impl FnMut(crate::jobs::Progress) + '_ {
    move |p| {
        if let Some(f) = p.fraction() {
            progress.set(f);
        }
    }
}
