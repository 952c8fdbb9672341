//! One import path for the GUI and the CLI. A format's [`Importer`] either
//! reads into an [`ImportPlan`] without the project (on any thread), which
//! then settles what needs a decision and is stored through the edit path,
//! or, for formats that stream a large file into the store (COCO, labelled
//! texts), holds the project throughout.

use super::{Direction, Format, FormatOption, Settled};
use crate::formats::yolo::OutsidePolicy;
use crate::jobs::box_labels::{BoxImportOptions, BoxLabelPlan, BoxLabelReport, LabelOptions};
use crate::jobs::box_labels::{ImportProblem, apply_box_label_plan};
use crate::jobs::coco::{ImportReport as CocoImportReport, import_coco};
use crate::jobs::cvat::read_cvat;
use crate::jobs::dota::read_dota;
use crate::jobs::label_files::{LabelFilePlan, LabelFileReport, apply_label_file_plan};
use crate::jobs::label_studio_images::read_label_studio_images;
use crate::jobs::labelme::read_labelme;
use crate::jobs::predictions::{
    PredictionFormat, PredictionOptions, PredictionReport, PredictionsRead, apply_predictions,
    default_source, read_predictions,
};
use crate::jobs::text::LabelledImportReport;
use crate::jobs::voc::read_voc;
use crate::jobs::yolo::{LayoutChoice, YoloImportOptions, read_yolo};
use crate::jobs::{JobError, Progress};
use crate::model::{ImageLabelMode, Item, LabelSchema, OffsetUnit};
use crate::project::Project;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The import options, whatever the format; each format reads the ones it
/// takes ([`super::check_options`] refuses the others in the CLI).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOptions {
    pub outside: OutsidePolicy,
    pub add_unknown_classes: bool,
    pub multi_label: bool,
    pub as_proposals: bool,
    /// The model name proposals record (default: the file or folder name).
    pub source: Option<String>,
    /// What text offsets count (default: the format's own unit).
    pub offsets: Option<OffsetUnit>,
}

impl ImportOptions {
    /// The options the GUI reads `format` with: what it asks about read as
    /// if the answer were yes, so the answer can still say either; the rest
    /// at their defaults, but for `as_proposals`, the menu entry's.
    pub fn for_asking(format: &Format, as_proposals: bool) -> Self {
        let asked = |option| format.settles(Direction::Import, option) == Some(Settled::Asked);
        Self {
            add_unknown_classes: asked(FormatOption::AddUnknownClasses),
            multi_label: asked(FormatOption::MultiLabel),
            as_proposals,
            ..Self::default()
        }
    }

    /// The decisions the flags make.
    pub fn decisions(&self) -> Decisions {
        Decisions {
            add_unknown: self.add_unknown_classes,
            multi_label: self.multi_label,
        }
    }

    /// The YOLO read's options: every file in `layout`, or each as
    /// `data.yaml` and its rows say.
    fn yolo(&self, layout: Option<LayoutChoice>) -> YoloImportOptions {
        YoloImportOptions {
            outside: self.outside,
            add_unknown_classes: self.add_unknown_classes,
            layout,
        }
    }

    fn boxes(&self) -> BoxImportOptions {
        BoxImportOptions {
            outside: self.outside,
            add_unknown_classes: self.add_unknown_classes,
            multi_label: self.multi_label,
        }
    }
}

/// The answers to what an import asks: the CLI's flags, or the GUI's
/// questions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Add the classes and image labels [`ImportPlan::unknown`] names.
    pub add_unknown: bool,
    /// Switch a single-label project to several image labels per image
    /// when [`ImportPlan::images_with_several_labels`] is not 0.
    pub multi_label: bool,
}

/// What a read is done against: a snapshot of the project.
pub struct ReadRequest<'a> {
    pub path: &'a Path,
    pub items: &'a [Item],
    pub image_root: &'a Path,
    pub schema: &'a LabelSchema,
    pub options: &'a ImportOptions,
}

/// Reads a dataset into a plan, without the project.
pub type ReadFn = fn(&ReadRequest, &mut dyn FnMut(Progress)) -> Result<ImportPlan, JobError>;
/// Reads and stores in one go, holding the project throughout.
pub type StoreFn = fn(
    &mut Project,
    &Path,
    &ImportOptions,
    &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError>;

/// How a format imports.
#[derive(Clone, Copy)]
pub enum Importer {
    /// Read into a plan (on any thread), settled, then stored.
    Planned(ReadFn),
    /// Stored while it is read.
    Direct(StoreFn),
}

/// What an import stored and what it could not take, by the kind of job
/// that did it.
#[derive(Debug)]
pub enum ImportReport {
    Coco(CocoImportReport),
    /// YOLO (any layout) or DOTA: `what` names the label files.
    LabelFiles {
        what: &'static str,
        report: LabelFileReport,
    },
    /// VOC, CVAT, labelme, Label Studio: `records` names what the import
    /// counts as records ("labelme files", "tasks").
    BoxLabels {
        records: &'static str,
        report: BoxLabelReport,
    },
    Predictions(PredictionReport),
    Labelled(LabelledImportReport),
}

/// Imports `path` into `project` as `format`, with the flags' decisions.
pub fn import(
    format: &Format,
    project: &mut Project,
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    let Some(spec) = &format.import else {
        return Err(JobError::Failed(format!(
            "{} is an export format",
            format.name
        )));
    };
    match spec.run {
        Importer::Direct(store) => store(project, path, options, progress),
        Importer::Planned(read) => {
            let image_root = project.image_root();
            let request = ReadRequest {
                path,
                items: project.items(),
                image_root: &image_root,
                schema: project.schema(),
                options,
            };
            let mut plan = read(&request, progress)?;
            let decisions = options.decisions();
            plan.settle_unknown(project.schema(), decisions.add_unknown);
            plan.apply(project, decisions.multi_label)
        }
    }
}

/// A dataset read, waiting to be stored.
pub struct ImportPlan {
    path: PathBuf,
    read: Read,
}

enum Read {
    LabelFiles {
        plan: LabelFilePlan,
        what: &'static str,
    },
    BoxLabels {
        plan: BoxLabelPlan,
        /// Whether classes the project lacks need a decision (else, like
        /// labelme's, they are always added).
        asks_classes: bool,
        records: &'static str,
    },
    Predictions {
        read: Box<PredictionsRead>,
        source: String,
        options: PredictionOptions,
    },
}

impl ImportPlan {
    /// The file or folder read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the plan is of proposals.
    pub fn is_predictions(&self) -> bool {
        matches!(self.read, Read::Predictions { .. })
    }

    /// The classes and image labels the plan uses that the project lacks
    /// and the dataset does not declare, each with how many annotations,
    /// images or predictions use it: what [`Decisions::add_unknown`] says
    /// whether to add.
    pub fn unknown(&self, schema: &LabelSchema) -> Vec<(String, usize)> {
        match &self.read {
            Read::LabelFiles { .. } => Vec::new(),
            Read::Predictions { read, .. } => read.unknown_classes(schema),
            Read::BoxLabels {
                plan, asks_classes, ..
            } => {
                let (mut classes, labels) = unknown_names(plan, *asks_classes, schema);
                classes.extend(labels);
                classes
            }
        }
    }

    /// Keeps what [`Self::unknown`] names when `add`, else leaves it out
    /// and reports it.
    pub fn settle_unknown(&mut self, schema: &LabelSchema, add: bool) {
        let shown = self.path.display().to_string();
        match &mut self.read {
            Read::LabelFiles { .. } => {}
            Read::Predictions { options, .. } => options.add_unknown_classes = add,
            Read::BoxLabels {
                plan, asks_classes, ..
            } => {
                if add {
                    return;
                }
                let (classes, labels) = unknown_names(plan, *asks_classes, schema);
                plan.leave_out_classes(&classes, &shown);
                let labels: HashSet<&str> = labels.iter().map(|(n, _)| n.as_str()).collect();
                leave_out_labels(plan, &labels);
            }
        }
    }

    /// How many images the plan gives several image labels in a project
    /// that takes one per image (0 when it takes several): what
    /// [`Decisions::multi_label`] says whether to switch for. Asked after
    /// [`Self::settle_unknown`].
    pub fn images_with_several_labels(&self, schema: &LabelSchema) -> usize {
        match &self.read {
            Read::BoxLabels { plan, .. } if schema.image_label_mode == ImageLabelMode::Single => {
                plan.images_with_several_labels(|_| true)
            }
            _ => 0,
        }
    }

    /// Stores the settled plan through the edit path, as one undo step.
    pub fn apply(self, project: &mut Project, multi_label: bool) -> Result<ImportReport, JobError> {
        match self.read {
            Read::LabelFiles { plan, what } => {
                let report = apply_label_file_plan(project, plan)?;
                Ok(ImportReport::LabelFiles { what, report })
            }
            Read::BoxLabels { plan, records, .. } => {
                // What the project lacks was settled above.
                let labels = LabelOptions {
                    add_unknown: true,
                    multi_label,
                };
                let report = apply_box_label_plan(project, plan, labels)?;
                Ok(ImportReport::BoxLabels { records, report })
            }
            Read::Predictions {
                read,
                source,
                options,
            } => apply_predictions(project, *read, &source, options).map(ImportReport::Predictions),
        }
    }
}

/// The classes (when `asks_classes`) and the image labels a plan uses that
/// neither `schema` nor the dataset declares, with how many annotations or
/// images use each.
type Counts = Vec<(String, usize)>;

fn unknown_names(
    plan: &BoxLabelPlan,
    asks_classes: bool,
    schema: &LabelSchema,
) -> (Counts, Counts) {
    let declared = |name: &str| plan.declared.iter().any(|d| d == name);
    let classes = if asks_classes {
        plan.classes_outside(|n| schema.class_by_name(n).is_some() || declared(n))
    } else {
        Vec::new()
    };
    let has_label = |n: &str| schema.image_labels.iter().any(|l| l.name == n);
    let labels = label_counts(plan, |n| !has_label(n) && !declared(n));
    (classes, labels)
}

/// How many images use each image label `counted` takes, in plan order.
fn label_counts(plan: &BoxLabelPlan, counted: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, (usize, HashSet<_>)> = BTreeMap::new();
    for (order, planned) in plan.labels.iter().enumerate() {
        for name in planned.names.iter().filter(|n| counted(n)) {
            let entry = counts.entry(name).or_insert((order, HashSet::new()));
            entry.1.insert(planned.item);
        }
    }
    let mut counts: Vec<(usize, String, usize)> = counts
        .into_iter()
        .map(|(name, (order, items))| (order, name.to_string(), items.len()))
        .collect();
    counts.sort();
    counts.into_iter().map(|(_, n, c)| (n, c)).collect()
}

/// Leaves the image labels `names` out of the plan, each reported where it
/// was set.
fn leave_out_labels(plan: &mut BoxLabelPlan, names: &HashSet<&str>) {
    let mut problems = Vec::new();
    for planned in &mut plan.labels {
        planned.names.retain(|name| {
            let keep = !names.contains(name.as_str());
            if !keep {
                problems.push(ImportProblem {
                    file: planned.file.clone(),
                    at: String::new(),
                    message: format!(
                        "image label `{name}` is not in the project's schema; skipped \
                         (--add-unknown-classes adds it)"
                    ),
                });
            }
            keep
        });
    }
    plan.labels.retain(|l| !l.names.is_empty());
    plan.problems.extend(problems);
}

fn plan(request: &ReadRequest, read: Read) -> ImportPlan {
    ImportPlan {
        path: request.path.to_path_buf(),
        read,
    }
}

fn box_labels(
    request: &ReadRequest,
    plan_read: BoxLabelPlan,
    asks_classes: bool,
    records: &'static str,
) -> ImportPlan {
    plan(
        request,
        Read::BoxLabels {
            plan: plan_read,
            asks_classes,
            records,
        },
    )
}

fn read_predictions_as(
    request: &ReadRequest,
    format: PredictionFormat,
    layout: Option<LayoutChoice>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    let options = request.options.yolo(layout);
    let read = read_predictions(
        request.path,
        format,
        request.items,
        request.image_root,
        request.schema,
        options,
        progress,
    )?;
    let source = request
        .options
        .source
        .clone()
        .unwrap_or_else(|| default_source(request.path));
    let read = Read::Predictions {
        read: Box::new(read),
        source,
        options,
    };
    Ok(plan(request, read))
}

pub(super) fn coco_results(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    read_predictions_as(request, PredictionFormat::CocoResults, None, progress)
}

/// A YOLO folder read in `layout` (`None`: each file as `data.yaml` and its
/// rows say), or its predictions with `--as-proposals`.
fn yolo_in(
    request: &ReadRequest,
    layout: Option<LayoutChoice>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    if request.options.as_proposals {
        return read_predictions_as(request, PredictionFormat::Yolo, layout, progress);
    }
    let r = request;
    let options = r.options.yolo(layout);
    let read = read_yolo(r.path, r.items, r.image_root, options, progress)?;
    let read = Read::LabelFiles {
        plan: read,
        what: "YOLO",
    };
    Ok(plan(request, read))
}

pub(super) fn yolo(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    yolo_in(request, None, progress)
}

pub(super) fn yolo_seg(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    yolo_in(request, Some(LayoutChoice::Segment), progress)
}

pub(super) fn yolo_obb(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    yolo_in(request, Some(LayoutChoice::Obb), progress)
}

pub(super) fn yolo_pose(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    yolo_in(request, Some(LayoutChoice::Pose), progress)
}

pub(super) fn dota(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    let r = request;
    let read = read_dota(r.path, r.items, r.image_root, r.options.outside, progress)?;
    let read = Read::LabelFiles {
        plan: read,
        what: "DOTA",
    };
    Ok(plan(request, read))
}

/// How VOC and CVAT read: against the schema, with their own class list.
type ClassListRead = fn(
    &Path,
    &[Item],
    &Path,
    &LabelSchema,
    BoxImportOptions,
    &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError>;

/// A read by a format with its own class list, whose undeclared classes
/// need a decision.
fn with_class_list(
    request: &ReadRequest,
    read: ClassListRead,
    records: &'static str,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    let r = request;
    let options = r.options.boxes();
    let plan_read = read(r.path, r.items, r.image_root, r.schema, options, progress)?;
    Ok(box_labels(request, plan_read, true, records))
}

pub(super) fn voc(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    with_class_list(request, read_voc, "annotation files", progress)
}

pub(super) fn cvat(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    with_class_list(request, read_cvat, "images", progress)
}

pub(super) fn labelme(
    request: &ReadRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    let r = request;
    let read = read_labelme(r.path, r.items, r.image_root, r.options.outside, progress)?;
    Ok(box_labels(request, read, false, "labelme files"))
}

pub(super) fn label_studio_images(
    request: &ReadRequest,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ImportPlan, JobError> {
    let r = request;
    let outside = r.options.outside;
    let read = read_label_studio_images(r.path, r.items, r.image_root, r.schema, outside)?;
    Ok(box_labels(request, read, false, "tasks"))
}

pub(super) fn coco(
    project: &mut Project,
    path: &Path,
    _options: &ImportOptions,
    _progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, JobError> {
    import_coco(project, path).map(ImportReport::Coco)
}
