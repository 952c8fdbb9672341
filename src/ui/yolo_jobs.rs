//! File → Import YOLO… and Export YOLO…, and Import predictions… (a COCO
//! results file or a YOLO folder with scores, as proposals): the files are
//! read, or the export written, on a worker thread with a progress bar. An
//! import's plan comes back to the UI thread, which stores it through the
//! project's edit path (one undo step); the export opens its own read-only
//! connection.

use crate::jobs::ItemScope;
use crate::jobs::predictions::{
    PredictionFormat, PredictionOptions, PredictionReport, PredictionsRead, default_source,
    read_predictions,
};
use crate::jobs::yolo::{
    YoloExportReport, YoloImportOptions, YoloImportPlan, YoloImportReport, export_yolo, read_yolo,
};
use crate::model::{Item, LabelSchema};
use crate::project::{Access, Project};
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

/// What a finished job hands back.
pub enum YoloOutcome {
    /// A plan to store.
    Read(Box<YoloImportPlan>),
    /// Predictions to store as proposals of the model `source`.
    Predictions {
        read: Box<PredictionsRead>,
        source: String,
    },
    /// The notice to show.
    Notice(String),
}

enum Message {
    Progress(f32),
    Done(YoloOutcome),
}

pub struct YoloJob {
    title: String,
    folder: PathBuf,
    rx: Receiver<Message>,
    fraction: f32,
}

impl YoloJob {
    /// Reads the dataset at `root` against a snapshot of the project's items.
    pub fn read(root: PathBuf, items: Vec<Item>) -> Self {
        Self::spawn(
            t!("yolo.import_title").into_owned(),
            root,
            move |root, tx| {
                let mut progress = progress_sender(tx);
                match read_yolo(root, &items, YoloImportOptions::default(), &mut progress) {
                    Ok(plan) => YoloOutcome::Read(Box::new(plan)),
                    Err(e) => YoloOutcome::Notice(format!("{}: {e}", t!("yolo.import_failed"))),
                }
            },
        )
    }

    /// Reads model predictions at `path` (a COCO results file or a YOLO
    /// folder) against a snapshot of the project's items and classes.
    pub fn read_predictions(
        path: PathBuf,
        format: PredictionFormat,
        items: Vec<Item>,
        schema: LabelSchema,
    ) -> Self {
        Self::spawn(
            t!("predictions.title").into_owned(),
            path,
            move |path, tx| {
                let mut progress = progress_sender(tx);
                let options = PredictionOptions::default();
                match read_predictions(path, format, &items, &schema, options, &mut progress) {
                    Ok(read) => YoloOutcome::Predictions {
                        read: Box::new(read),
                        source: default_source(path),
                    },
                    Err(e) => YoloOutcome::Notice(format!("{}: {e}", t!("predictions.failed"))),
                }
            },
        )
    }

    /// Exports the project at `dir` (its committed state) to the folder `out`.
    pub fn export(dir: PathBuf, out: PathBuf) -> Self {
        Self::spawn(t!("yolo.export_title").into_owned(), out, move |out, tx| {
            let mut progress = progress_sender(tx);
            let result = Project::open(&dir, Access::ReadOnly)
                .map_err(|e| e.to_string())
                .and_then(|p| {
                    export_yolo(&p, out, ItemScope::All, &mut progress).map_err(|e| e.to_string())
                });
            YoloOutcome::Notice(match result {
                Ok(report) => export_notice(out, &report),
                Err(e) => format!("{}: {e}", t!("export.failed")),
            })
        })
    }

    fn spawn(
        title: String,
        folder: PathBuf,
        work: impl FnOnce(&Path, &Sender<Message>) -> YoloOutcome + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        let path = folder.clone();
        std::thread::spawn(move || {
            let outcome = work(&path, &tx);
            let _ = tx.send(Message::Done(outcome));
        });
        Self {
            title,
            folder,
            rx,
            fraction: 0.0,
        }
    }

    /// The dataset being read, or the folder being written.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    pub fn poll(&mut self) -> Option<YoloOutcome> {
        while let Ok(message) = self.rx.try_recv() {
            match message {
                Message::Progress(f) => self.fraction = f,
                Message::Done(outcome) => return Some(outcome),
            }
        }
        None
    }

    /// The progress window.
    pub fn show(&self, ctx: &egui::Context) {
        egui::Window::new(&self.title)
            .id(egui::Id::unique("yolo_job"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(self.folder.display().to_string());
                ui.add(egui::ProgressBar::new(self.fraction).show_percentage());
            });
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
}

fn progress_sender(tx: &Sender<Message>) -> impl FnMut(crate::jobs::Progress) + '_ {
    move |p| {
        if let Some(f) = p.fraction() {
            let _ = tx.send(Message::Progress(f));
        }
    }
}

/// Problems listed in a notice; the CLI lists them all.
const SHOWN_PROBLEMS: usize = 20;

pub fn import_notice(root: &Path, report: &YoloImportReport) -> String {
    let mut text = t!(
        "yolo.import_done",
        boxes = report.boxes,
        files = report.matched_files,
        path = root.display()
    )
    .into_owned();
    push_new_classes(&mut text, &report.new_classes);
    push_problems(&mut text, "yolo.problems", &report.problems);
    text
}

/// Adds a line naming the classes an import added, if any.
fn push_new_classes(text: &mut String, names: &[String]) {
    if !names.is_empty() {
        text.push('\n');
        text.push_str(&t!("yolo.new_classes", names = names.join(", ")));
    }
}

/// Adds the count of problems (`heading`, a translation key taking `n`) and
/// the first [`SHOWN_PROBLEMS`] of them.
fn push_problems(text: &mut String, heading: &str, problems: &[impl std::fmt::Display]) {
    if !problems.is_empty() {
        text.push('\n');
        text.push_str(&t!(heading, n = problems.len()));
        for p in problems.iter().take(SHOWN_PROBLEMS) {
            text.push_str(&format!("\n  {p}"));
        }
    }
}

pub fn predictions_notice(path: &Path, report: &PredictionReport) -> String {
    let mut text = t!(
        "predictions.done",
        n = report.proposals,
        path = path.display(),
        source = report.source
    )
    .into_owned();
    push_new_classes(&mut text, &report.new_classes);
    if report.without_score > 0 {
        text.push('\n');
        text.push_str(&t!("predictions.without_score", n = report.without_score));
    }
    push_problems(&mut text, "predictions.problems", &report.problems);
    text
}

fn export_notice(out: &Path, report: &YoloExportReport) -> String {
    let mut text = t!(
        "export.done",
        path = out.display(),
        images = report.images,
        boxes = report.boxes
    )
    .into_owned();
    if !report.left_out.is_empty() {
        text.push('\n');
        text.push_str(&t!("export.left_out", n = report.left_out.len()));
        for (path, reason) in report.left_out.iter().take(SHOWN_PROBLEMS) {
            text.push_str(&format!("\n  {path}: {reason}"));
        }
    }
    text
}
