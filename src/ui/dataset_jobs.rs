//! File → Import / Export YOLO… (and its segmentation, OBB and pose layouts),
//! DOTA…, Pascal VOC…, CVAT XML…, labelme… and Label Studio…, and Import
//! predictions… (a COCO results file or a YOLO folder with scores, as
//! proposals): the dataset folder (or the one file of CVAT, Label Studio and
//! COCO results; CVAT also takes a folder of XML files, one per subset)
//! is read, or the export written, on a worker thread with a progress bar. An
//! import's plan comes back to the UI thread, which stores it through the
//! project's edit path (one undo step), after the app has asked about the
//! classes it lacks and, when images get several image labels in a project
//! that takes one, whether to switch the project to multi-label
//! ([`multi_label_question`]); the export opens its own read-only connection.

use super::worker::{Progress, Worker, progress_window};
use crate::formats::yolo::OutsidePolicy;
use crate::jobs::box_labels::{BoxLabelPlan, LabelOptions, apply_box_label_plan};
use crate::jobs::cvat::{CvatImportOptions, export_cvat, read_cvat};
use crate::jobs::dota::{export_dota, read_dota};
use crate::jobs::label_files::{LabelFilePlan, apply_label_file_plan};
use crate::jobs::label_studio_images::{export_label_studio_images, read_label_studio_images};
use crate::jobs::labelme::{export_labelme, read_labelme};
use crate::jobs::predictions::{
    PredictionFormat, PredictionOptions, PredictionReport, PredictionsRead, default_source,
    read_predictions,
};
use crate::jobs::voc::{VocImportOptions, export_voc, read_voc};
use crate::jobs::yolo::{
    ClassifyExportOptions, ClassifyExportReport, LayoutChoice, YoloExportOptions,
    YoloImportOptions, export_yolo, export_yolo_classify, read_yolo,
};
use crate::jobs::{ImageExportReport, ItemScope, JobError};
use crate::model::{ImageLabelMode, Item, LabelSchema, ShapeKind};
use crate::project::{Access, Project};
use eframe::egui;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// The dataset formats the File menu imports and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetFormat {
    /// YOLO: the import reads every layout as data.yaml and the rows say; the
    /// export writes detection boxes.
    Yolo,
    /// YOLO segmentation, oriented boxes and pose: read and written in that layout.
    YoloSeg,
    YoloObb,
    YoloPose,
    /// DOTA oriented boxes, `labelTxt/`.
    Dota,
    Voc,
    /// One XML file rather than a folder (or a folder of them, one per subset).
    Cvat,
    /// A tree of labelme JSON files mirroring the image folders.
    Labelme,
    /// One Label Studio JSON file of image tasks.
    LabelStudio,
}

/// What the File menu exports: a dataset format, or one that is only
/// written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportTarget {
    Dataset(DatasetFormat),
    /// Ultralytics classification folders of image labels.
    YoloClassify,
}

impl ExportTarget {
    pub fn title(self) -> String {
        match self {
            ExportTarget::Dataset(format) => format.export_title(),
            ExportTarget::YoloClassify => t!("yolo_cls.export_title").into_owned(),
        }
    }

    /// The file a one-file format writes (see [`DatasetFormat::file`]).
    pub fn file(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            ExportTarget::Dataset(format) => format.file(),
            ExportTarget::YoloClassify => None,
        }
    }
}

impl DatasetFormat {
    pub fn import_title(self) -> String {
        match self {
            DatasetFormat::Yolo
            | DatasetFormat::YoloSeg
            | DatasetFormat::YoloObb
            | DatasetFormat::YoloPose => t!("yolo.import_title"),
            DatasetFormat::Dota => t!("dota.import_title"),
            DatasetFormat::Voc => t!("voc.import_title"),
            DatasetFormat::Cvat => t!("cvat.import_title"),
            DatasetFormat::Labelme => t!("labelme.import_title"),
            DatasetFormat::LabelStudio => t!("label_studio.import_title"),
        }
        .into_owned()
    }

    fn export_title(self) -> String {
        match self {
            DatasetFormat::Yolo
            | DatasetFormat::YoloSeg
            | DatasetFormat::YoloObb
            | DatasetFormat::YoloPose => t!("yolo.export_title"),
            DatasetFormat::Dota => t!("dota.export_title"),
            DatasetFormat::Voc => t!("voc.export_title"),
            DatasetFormat::Cvat => t!("cvat.export_title"),
            DatasetFormat::Labelme => t!("labelme.export_title"),
            DatasetFormat::LabelStudio => t!("label_studio.export_title"),
        }
        .into_owned()
    }

    /// The file a one-file format reads and writes (file-dialog filter name,
    /// extension, default name); `None` for folder formats.
    pub fn file(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            DatasetFormat::Cvat => Some(("CVAT XML", "xml", "annotations.xml")),
            DatasetFormat::LabelStudio => Some(("Label Studio JSON", "json", "tasks.json")),
            DatasetFormat::Yolo
            | DatasetFormat::YoloSeg
            | DatasetFormat::YoloObb
            | DatasetFormat::YoloPose
            | DatasetFormat::Dota
            | DatasetFormat::Voc
            | DatasetFormat::Labelme => None,
        }
    }

    /// The File → Import entries of this format: the menu label, the dialog
    /// title and what the dialog picks. CVAT reads one file or, as datumaro
    /// writes it, a folder of files (one per subset).
    pub fn import_entries(self) -> Vec<(String, String, Pick)> {
        let label = match self {
            DatasetFormat::Yolo => t!("menu.import_yolo"),
            DatasetFormat::YoloSeg => t!("menu.import_yolo_seg"),
            DatasetFormat::YoloObb => t!("menu.import_yolo_obb"),
            DatasetFormat::YoloPose => t!("menu.import_yolo_pose"),
            DatasetFormat::Dota => t!("menu.import_dota"),
            DatasetFormat::Voc => t!("menu.import_voc"),
            DatasetFormat::Cvat => t!("menu.import_cvat"),
            DatasetFormat::Labelme => t!("menu.import_labelme"),
            DatasetFormat::LabelStudio => t!("menu.import_label_studio"),
        };
        let pick = match self.file() {
            Some((filter, ext, _)) => Pick::File(filter, ext),
            None => Pick::Folder,
        };
        let mut entries = vec![(label.into_owned(), self.import_title(), pick)];
        if self == DatasetFormat::Cvat {
            entries.push((
                t!("menu.import_cvat_folder").into_owned(),
                t!("cvat.import_folder_title").into_owned(),
                Pick::Folder,
            ));
        }
        entries
    }

    fn name(self) -> &'static str {
        match self {
            DatasetFormat::Yolo => "yolo",
            DatasetFormat::YoloSeg => "yolo-seg",
            DatasetFormat::YoloObb => "yolo-obb",
            DatasetFormat::YoloPose => "yolo-pose",
            DatasetFormat::Dota => "dota",
            DatasetFormat::Voc => "voc",
            DatasetFormat::Cvat => "cvat",
            DatasetFormat::Labelme => "labelme",
            DatasetFormat::LabelStudio => "labelstudio",
        }
    }

    /// The menu label of the export.
    pub fn export_label(self) -> String {
        match self {
            DatasetFormat::Yolo => t!("menu.export_yolo"),
            DatasetFormat::YoloSeg => t!("menu.export_yolo_seg"),
            DatasetFormat::YoloObb => t!("menu.export_yolo_obb"),
            DatasetFormat::YoloPose => t!("menu.export_yolo_pose"),
            DatasetFormat::Dota => t!("menu.export_dota"),
            DatasetFormat::Voc => t!("menu.export_voc"),
            DatasetFormat::Cvat => t!("menu.export_cvat"),
            DatasetFormat::Labelme => t!("menu.export_labelme"),
            DatasetFormat::LabelStudio => t!("menu.export_label_studio"),
        }
        .into_owned()
    }

    /// The YOLO layout of a YOLO format.
    fn yolo_layout(self) -> Option<LayoutChoice> {
        match self {
            DatasetFormat::Yolo => Some(LayoutChoice::Detect),
            DatasetFormat::YoloSeg => Some(LayoutChoice::Segment),
            DatasetFormat::YoloObb => Some(LayoutChoice::Obb),
            DatasetFormat::YoloPose => Some(LayoutChoice::Pose),
            _ => None,
        }
    }

    fn import_failed(self) -> String {
        t!("dataset.import_failed", format = self.name()).into_owned()
    }
}

/// What an import's file dialog picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// One file: the filter's name and the extension.
    File(&'static str, &'static str),
    Folder,
}

/// A dataset read on the worker thread, to store on the UI thread.
pub enum ReadPlan {
    /// YOLO (any layout) or DOTA: a folder of label files.
    LabelFiles(DatasetFormat, LabelFilePlan),
    /// VOC, CVAT, labelme or Label Studio.
    BoxLabels(DatasetFormat, BoxLabelPlan),
}

impl ReadPlan {
    pub fn format(&self) -> DatasetFormat {
        match self {
            ReadPlan::LabelFiles(format, _) | ReadPlan::BoxLabels(format, _) => *format,
        }
    }

    /// The classes (with their box counts) a VOC or CVAT read uses that the
    /// project lacks: the GUI reads every class and asks before adding them.
    /// Other formats add the class names they carry, as the CLI does.
    pub fn unknown_classes(&self, schema: &LabelSchema) -> Vec<(String, usize)> {
        match self {
            ReadPlan::BoxLabels(DatasetFormat::Voc | DatasetFormat::Cvat, plan) => {
                plan.classes_outside(|name| schema.class_by_name(name).is_some())
            }
            _ => Vec::new(),
        }
    }

    /// How many images the plan gives several image labels when the
    /// project takes one per image (0 when it takes several): the GUI asks
    /// whether to switch the project to multi-label first.
    pub fn images_with_several_labels(&self, schema: &LabelSchema) -> usize {
        match self {
            ReadPlan::BoxLabels(format, plan)
                if schema.image_label_mode == ImageLabelMode::Single =>
            {
                let add = adds_labels(*format);
                plan.images_with_several_labels(|name| {
                    add || schema.image_labels.iter().any(|l| l.name == name)
                })
            }
            _ => 0,
        }
    }

    /// Stores the plan through the edit path, first leaving out the boxes of
    /// `unknown` classes unless `add_unknown`, switching the project to
    /// several image labels per image if `multi_label` and an image needs it;
    /// the notice to show.
    pub fn apply(
        mut self,
        project: &mut Project,
        root: &Path,
        unknown: &[(String, usize)],
        add_unknown: bool,
        multi_label: bool,
    ) -> String {
        let format = self.format();
        if let ReadPlan::BoxLabels(_, plan) = &mut self
            && !add_unknown
        {
            plan.leave_out_classes(unknown, &root.display().to_string());
        }
        let summary = match self {
            ReadPlan::LabelFiles(_, plan) => {
                apply_label_file_plan(project, plan).map(|r| ImportSummary {
                    format,
                    boxes: r.annotations,
                    kinds: Some(r.kinds),
                    files: r.matched_files,
                    new_classes: r.new_classes,
                    problems: r.problems.iter().map(ToString::to_string).collect(),
                    labels: LabelNotes::default(),
                })
            }
            ReadPlan::BoxLabels(format, plan) => {
                let labels = LabelOptions {
                    add_unknown: adds_labels(format),
                    multi_label,
                };
                apply_box_label_plan(project, plan, labels).map(|r| ImportSummary {
                    format,
                    boxes: r.annotations,
                    kinds: Some(r.kinds),
                    files: r.matched,
                    new_classes: r.new_classes,
                    problems: r.problems.iter().map(ToString::to_string).collect(),
                    labels: LabelNotes {
                        unused: r.unused_labels,
                        several_skipped: r.several_labels_skipped,
                        switched: r.switched_to_multi_label,
                    },
                })
            }
        };
        match summary {
            Ok(s) => s.notice(root),
            Err(e) => format!("{}: {e}", format.import_failed()),
        }
    }
}

/// Whether an import adds the image labels the schema lacks: CVAT's plan
/// holds only the tags its file or the schema declares; labelme flags and
/// Label Studio choices name image labels outright. VOC has none.
fn adds_labels(format: DatasetFormat) -> bool {
    format != DatasetFormat::Voc
}

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
    /// A plan to store.
    Read(Box<ReadPlan>),
    /// Predictions to store as proposals of the model `source`.
    Predictions {
        read: Box<PredictionsRead>,
        source: String,
    },
    /// The notice to show.
    Notice(String),
}

pub struct DatasetJob {
    title: String,
    folder: PathBuf,
    /// What a failure of the worker is shown after ("Import failed (yolo)").
    failed: String,
    worker: Worker<DatasetOutcome>,
}

impl DatasetJob {
    /// Reads the dataset at `root` (for CVAT a file or a folder of files)
    /// against a snapshot of the project's items and schema. Boxes outside
    /// their image are clamped, and reported.
    pub fn read(
        format: DatasetFormat,
        root: PathBuf,
        items: Vec<Item>,
        image_root: PathBuf,
        schema: LabelSchema,
    ) -> Self {
        let failed = format.import_failed();
        Self::run(format.import_title(), root, failed, move |root, report| {
            let mut progress = progress_sender(report);
            let plan = match format {
                DatasetFormat::Yolo
                | DatasetFormat::YoloSeg
                | DatasetFormat::YoloObb
                | DatasetFormat::YoloPose => {
                    let options = YoloImportOptions {
                        // `Yolo` reads each file as data.yaml and its rows say.
                        layout: format
                            .yolo_layout()
                            .filter(|_| format != DatasetFormat::Yolo),
                        ..YoloImportOptions::default()
                    };
                    read_yolo(root, &items, &image_root, options, &mut progress)
                        .map(|plan| ReadPlan::LabelFiles(format, plan))
                }
                DatasetFormat::Dota => read_dota(
                    root,
                    &items,
                    &image_root,
                    OutsidePolicy::Clamp,
                    &mut progress,
                )
                .map(|plan| ReadPlan::LabelFiles(format, plan)),
                DatasetFormat::Voc => read_voc(
                    root,
                    &items,
                    &image_root,
                    &schema,
                    VocImportOptions {
                        add_unknown_classes: true,
                        ..VocImportOptions::default()
                    },
                    &mut progress,
                )
                .map(|plan| ReadPlan::BoxLabels(format, plan)),
                DatasetFormat::Cvat => read_cvat(
                    root,
                    &items,
                    &image_root,
                    &schema,
                    CvatImportOptions {
                        add_unknown_classes: true,
                        ..CvatImportOptions::default()
                    },
                    &mut progress,
                )
                .map(|plan| ReadPlan::BoxLabels(format, plan)),
                DatasetFormat::Labelme => read_labelme(
                    root,
                    &items,
                    &image_root,
                    OutsidePolicy::Clamp,
                    &mut progress,
                )
                .map(|plan| ReadPlan::BoxLabels(format, plan)),
                DatasetFormat::LabelStudio => {
                    let outside = OutsidePolicy::Clamp;
                    read_label_studio_images(root, &items, &image_root, &schema, outside)
                        .map(|plan| ReadPlan::BoxLabels(format, plan))
                }
            };
            match plan {
                Ok(plan) => DatasetOutcome::Read(Box::new(plan)),
                Err(e) => DatasetOutcome::Notice(format!("{}: {e}", format.import_failed())),
            }
        })
    }

    /// Reads model predictions at `path` (a COCO results file or a YOLO
    /// folder) against a snapshot of the project's items and classes.
    pub fn read_predictions(
        path: PathBuf,
        format: PredictionFormat,
        items: Vec<Item>,
        image_root: PathBuf,
        schema: LabelSchema,
    ) -> Self {
        Self::run(
            t!("predictions.title").into_owned(),
            path,
            t!("predictions.failed").into_owned(),
            move |path, report| {
                let mut progress = progress_sender(report);
                let options = PredictionOptions::default();
                match read_predictions(
                    path,
                    format,
                    &items,
                    &image_root,
                    &schema,
                    options,
                    &mut progress,
                ) {
                    Ok(read) => DatasetOutcome::Predictions {
                        read: Box::new(read),
                        source: default_source(path),
                    },
                    Err(e) => DatasetOutcome::Notice(format!("{}: {e}", t!("predictions.failed"))),
                }
            },
        )
    }

    /// Exports the project at `dir` (its committed state) to `out` (a folder,
    /// or CVAT's file).
    pub fn export(target: ExportTarget, dir: PathBuf, out: PathBuf) -> Self {
        let failed = t!("export.failed").into_owned();
        Self::run(target.title(), out, failed, move |out, report| {
            let mut progress = progress_sender(report);
            let boxes = |r: ImageExportReport| export_notice(out, &r);
            let result = Project::open(&dir, Access::ReadOnly)
                .map_err(JobError::from)
                .and_then(|p| match target {
                    ExportTarget::Dataset(
                        format @ (DatasetFormat::Yolo
                        | DatasetFormat::YoloSeg
                        | DatasetFormat::YoloObb
                        | DatasetFormat::YoloPose),
                    ) => {
                        let layout = format.yolo_layout().unwrap_or(LayoutChoice::Detect);
                        let options = YoloExportOptions { layout };
                        export_yolo(&p, out, ItemScope::All, options, &mut progress).map(|r| {
                            boxes(ImageExportReport {
                                images: r.images,
                                boxes: r.rows,
                                left_out: r.left_out,
                                left_out_annotations: r.left_out_annotations,
                                as_boxes: r.as_boxes,
                                converted: r.converted,
                            })
                        })
                    }
                    ExportTarget::Dataset(DatasetFormat::Dota) => {
                        export_dota(&p, out, ItemScope::All, &mut progress).map(|r| {
                            boxes(ImageExportReport {
                                images: r.images,
                                boxes: r.boxes,
                                left_out: r.left_out,
                                left_out_annotations: r.left_out_annotations,
                                as_boxes: Vec::new(),
                                converted: r.converted,
                            })
                        })
                    }
                    ExportTarget::Dataset(DatasetFormat::Voc) => {
                        export_voc(&p, out, ItemScope::All, &mut progress).map(boxes)
                    }
                    ExportTarget::Dataset(DatasetFormat::Cvat) => {
                        export_cvat(&p, out, ItemScope::All, &mut progress)
                            .map(|r| boxes(r.written))
                    }
                    ExportTarget::Dataset(DatasetFormat::Labelme) => {
                        export_labelme(&p, out, ItemScope::All, &mut progress).map(boxes)
                    }
                    ExportTarget::Dataset(DatasetFormat::LabelStudio) => {
                        export_label_studio_images(&p, out, ItemScope::All).map(boxes)
                    }
                    ExportTarget::YoloClassify => export_yolo_classify(
                        &p,
                        out,
                        ItemScope::All,
                        ClassifyExportOptions::default(),
                        &mut progress,
                    )
                    .map(|r| classify_notice(out, &r)),
                });
            DatasetOutcome::Notice(match result {
                Ok(notice) => notice,
                Err(e) => format!("{}: {e}", t!("export.failed")),
            })
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
            worker: Worker::spawn("dataset-job", move |progress| work(&path, progress)),
        }
    }

    /// The dataset being read, or the folder being written.
    pub fn folder(&self) -> &Path {
        &self.folder
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

/// Problems listed in a notice; the CLI lists them all.
const SHOWN_PROBLEMS: usize = 20;

/// What an import stored, whatever the format.
struct ImportSummary {
    format: DatasetFormat,
    boxes: usize,
    /// The annotations of each shape kind, for the formats of any shape.
    kinds: Option<Vec<(ShapeKind, usize)>>,
    /// Files matched to images (CVAT: images matched to items).
    files: usize,
    new_classes: Vec<String>,
    problems: Vec<String>,
    labels: LabelNotes,
}

/// What an import of image labels says besides its problems.
#[derive(Default)]
struct LabelNotes {
    /// Labels a CVAT file lists that nothing uses (not added).
    unused: Vec<String>,
    /// Images whose several labels were left out.
    several_skipped: usize,
    /// The project was switched to several image labels per image.
    switched: bool,
}

impl ImportSummary {
    fn notice(&self, root: &Path) -> String {
        let (boxes, files, path) = (self.boxes, self.files, root.display());
        let mut text = match (self.format, &self.kinds) {
            (_, Some(kinds)) => {
                let kinds: Vec<String> = kinds
                    .iter()
                    .map(|(kind, n)| format!("{n} {}", kind.as_str()))
                    .collect();
                t!(
                    "dataset.import_done_shapes",
                    n = boxes,
                    kinds = kinds.join(", "),
                    files = files,
                    path = path
                )
            }
            // One file: what matched is images, not label files.
            (DatasetFormat::Cvat, None) => t!(
                "cvat.import_done",
                boxes = boxes,
                images = files,
                path = path
            ),
            _ => t!(
                "dataset.import_done",
                boxes = boxes,
                files = files,
                path = path
            ),
        }
        .into_owned();
        push_new_classes(&mut text, &self.new_classes);
        let labels = &self.labels;
        if !labels.unused.is_empty() {
            text.push('\n');
            let names = labels.unused.join(", ");
            text.push_str(&t!("dataset.unused_labels", names = names));
        }
        if labels.switched {
            text.push('\n');
            text.push_str(&t!("dataset.switched_multi_label"));
        }
        if labels.several_skipped > 0 {
            text.push('\n');
            let n = labels.several_skipped;
            text.push_str(&t!("dataset.several_skipped", n = n));
        }
        let heading = t!(
            "dataset.problems",
            n = self.problems.len(),
            format = self.format.name()
        );
        push_problems(&mut text, &heading, &self.problems);
        text
    }
}

/// Adds a line naming the classes an import added, if any.
fn push_new_classes(text: &mut String, names: &[String]) {
    if !names.is_empty() {
        text.push('\n');
        text.push_str(&t!("dataset.new_classes", names = names.join(", ")));
    }
}

/// Adds `heading` and the first [`SHOWN_PROBLEMS`] problems, if any.
fn push_problems(text: &mut String, heading: &str, problems: &[impl std::fmt::Display]) {
    if !problems.is_empty() {
        text.push('\n');
        text.push_str(heading);
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
    let heading = t!("predictions.problems", n = report.problems.len());
    push_problems(&mut text, &heading, &report.problems);
    text
}

fn classify_notice(out: &Path, r: &ClassifyExportReport) -> String {
    let mut text = t!(
        "yolo_cls.done",
        path = out.display(),
        train = r.train,
        val = r.val,
        classes = r.classes
    )
    .into_owned();
    push_left_out(&mut text, &r.left_out);
    text
}

/// What a per-image export wrote, left out, wrote as boxes or in another
/// form.
fn export_notice(out: &Path, r: &ImageExportReport) -> String {
    let mut text = t!(
        "export.done",
        path = out.display(),
        images = r.images,
        annotations = r.boxes
    )
    .into_owned();
    push_left_out(&mut text, &r.left_out);
    push_notes(
        &mut text,
        "export.left_out_annotations",
        &r.left_out_annotations,
    );
    push_notes(&mut text, "export.as_boxes", &r.as_boxes);
    push_notes(&mut text, "export.converted", &r.converted);
    text
}

/// Adds the count of items an export left out and the first
/// [`SHOWN_PROBLEMS`] of them with the reason.
fn push_left_out(text: &mut String, left_out: &[(String, String)]) {
    push_notes(text, "export.left_out", left_out);
}

/// Adds a line `key` says of how many `notes` there are, then the first
/// [`SHOWN_PROBLEMS`] of them (image, note).
pub(super) fn push_notes(text: &mut String, key: &str, notes: &[(String, String)]) {
    if !notes.is_empty() {
        text.push('\n');
        text.push_str(&t!(key, n = notes.len()));
        for (path, note) in notes.iter().take(SHOWN_PROBLEMS) {
            text.push_str(&format!("\n  {path}: {note}"));
        }
    }
}
