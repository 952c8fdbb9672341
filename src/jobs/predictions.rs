//! Importing model predictions as proposals (pre-labels): a COCO results file
//! or a YOLO label folder with scores. Split in two like the YOLO import, so
//! the GUI can read on a worker thread and store on its own:
//! [`read_predictions`] reads the file into a [`PredictionPlan`] without
//! touching the project, [`apply_predictions`] stores it as one
//! `Edit::AddProposals`. [`import_predictions`] does both.

use super::export_common::read_capped;
use super::yolo::{YoloImportOptions, read_yolo};
use super::{JobError, Progress, add_missing_classes};
use crate::formats::coco::ImportProblem;
use crate::formats::predictions::{PlannedProposal, PredictionPlan, plan_coco_results};
use crate::model::{Edit, Item, LabelSchema, NewProposal};
use crate::project::Project;
use std::path::Path;

/// A COCO results file is parsed whole; larger ones are refused. (About 5
/// million detections; the parsed file takes several times its size in memory.)
const MAX_RESULTS_FILE: u64 = 1 << 30;

/// Proposals refused by their class listed one by one; the rest are counted.
const MAX_REFUSALS_LISTED: usize = 100;

/// What a predictions file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictionFormat {
    /// A COCO results file: a JSON array of `{image_id, category_id, bbox, score}`.
    CocoResults,
    /// A YOLO dataset folder whose label lines carry a 6th column, the score.
    Yolo,
}

/// The YOLO import's options: boxes outside their image clamped or skipped;
/// classes the project lacks added (YOLO ids the class list does not name as
/// `class<id>`) instead of reported with their predictions left out.
pub type PredictionOptions = YoloImportOptions;

/// What an import stored and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredictionReport {
    /// The model name the proposals carry.
    pub source: String,
    pub proposals: usize,
    pub new_classes: Vec<String>,
    /// `place: message`, by file and record or line.
    pub problems: Vec<String>,
    pub clamped: usize,
    /// YOLO boxes without a score column, taken with score 1.
    pub without_score: usize,
}

/// The model name a predictions file or folder gives by default: a folder's
/// name, a file's name without the extension.
pub fn default_source(path: &Path) -> String {
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    name.map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "predictions".into())
}

/// A read predictions file, ready to store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredictionsRead {
    pub plan: PredictionPlan,
    /// Problems found while reading, with their place.
    pub problems: Vec<String>,
    pub without_score: usize,
}

impl PredictionsRead {
    /// The class names the predictions use that `schema` lacks, each with how
    /// many predictions use it: what an import offers to add.
    pub fn unknown_classes(&self, schema: &LabelSchema) -> Vec<(String, usize)> {
        let mut used = vec![0usize; self.plan.class_names.len()];
        for p in &self.plan.proposals {
            if let Some(n) = used.get_mut(p.class) {
                *n += 1;
            }
        }
        self.plan
            .class_names
            .iter()
            .zip(used)
            .filter(|(name, n)| *n > 0 && schema.class_by_name(name).is_none())
            .map(|(name, n)| (name.clone(), n))
            .collect()
    }
}

/// Reads the predictions at `path` and plans them onto `items`, the
/// project's items under `image_root`.
pub fn read_predictions(
    path: &Path,
    format: PredictionFormat,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    options: PredictionOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<PredictionsRead, JobError> {
    let shown = path.display();
    match format {
        PredictionFormat::CocoResults => {
            let bytes = read_capped(path, MAX_RESULTS_FILE)
                .map_err(|e| JobError::Failed(format!("{shown}: {e}")))?;
            let plan = plan_coco_results(&bytes, items, image_root, schema, options.outside)
                .map_err(|e| JobError::Failed(format!("{shown}: {e}")))?;
            let problems = in_file(&shown.to_string(), &plan.problems);
            Ok(PredictionsRead {
                plan,
                problems,
                without_score: 0,
            })
        }
        PredictionFormat::Yolo => {
            let yolo = read_yolo(path, items, image_root, options, progress)?;
            let mut read = PredictionsRead {
                problems: yolo.problems.iter().map(|p| p.to_string()).collect(),
                ..PredictionsRead::default()
            };
            let mut out_of_range = 0;
            read.plan.records = yolo.shapes.len();
            for planned in yolo.shapes {
                let score = planned.confidence.unwrap_or(1.0);
                read.without_score += usize::from(planned.confidence.is_none());
                if !(0.0..=1.0).contains(&score) {
                    out_of_range += 1;
                    continue;
                }
                read.plan.proposals.push(PlannedProposal {
                    item: planned.item,
                    class: planned.class,
                    shape: planned.shape,
                    score,
                });
            }
            if out_of_range > 0 {
                read.problems.push(format!(
                    "{shown}: {out_of_range} shapes have a score outside 0..1; they were skipped"
                ));
            }
            read.plan.class_names = yolo.class_names;
            read.plan.clamped = yolo.clamped;
            Ok(read)
        }
    }
}

/// Problems of records as `file: record [i]: message`.
fn in_file(file: &str, problems: &[ImportProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| format!("{file}: {}: {}", p.record, p.message))
        .collect()
}

/// Stores read predictions as one `Edit::AddProposals` (one undo step) from
/// the model `source`. Classes the schema lacks are added when the options
/// say so (and removed again if storing fails); otherwise their predictions
/// are reported and left out.
pub fn apply_predictions(
    project: &mut Project,
    read: PredictionsRead,
    source: &str,
    options: PredictionOptions,
) -> Result<PredictionReport, JobError> {
    let unknown = read.unknown_classes(project.schema());
    let PredictionsRead {
        plan,
        mut problems,
        without_score,
    } = read;
    let added = if options.add_unknown_classes {
        let names: Vec<String> = unknown.into_iter().map(|(name, _)| name).collect();
        add_missing_classes(project, &names)?.0
    } else {
        for (name, n) in &unknown {
            problems.push(format!(
                "class {name:?} is not in the project: its {n} predictions were left out \
                 (add the class, or import with unknown classes added)"
            ));
        }
        Vec::new()
    };
    let class_of: Vec<_> = plan
        .class_names
        .iter()
        .map(|name| project.schema().class_by_name(name).map(|c| c.id))
        .collect();
    let mut refused = 0;
    let mut proposals: Vec<NewProposal> = Vec::with_capacity(plan.proposals.len());
    for p in plan.proposals {
        let Some(class) = class_of.get(p.class).copied().flatten() else {
            continue;
        };
        if let Some(reason) = project
            .schema()
            .class(class)
            .and_then(|c| c.refusal(&p.shape))
        {
            refused += 1;
            if refused <= MAX_REFUSALS_LISTED {
                let kind = p.shape.kind().as_str();
                problems.push(format!("a proposed {kind} was left out: {reason}"));
            }
            continue;
        }
        proposals.push(NewProposal {
            item: p.item,
            class,
            shape: p.shape,
            score: p.score,
            source: source.to_string(),
            attributes: Default::default(),
        });
    }
    if refused > MAX_REFUSALS_LISTED {
        problems.push(format!(
            "{} more proposals were left out because their class does not take their shape",
            refused - MAX_REFUSALS_LISTED
        ));
    }
    let count = proposals.len();
    if let Err(err) = project.apply(Edit::AddProposals(proposals)) {
        if !added.is_empty() {
            project.update_schema(|s| s.classes.retain(|c| !added.contains(&c.name)))?;
        }
        return Err(err.into());
    }
    Ok(PredictionReport {
        source: source.to_string(),
        proposals: count,
        new_classes: added,
        problems,
        clamped: plan.clamped,
        without_score,
    })
}

/// Reads and stores predictions; `source` defaults to the file or folder name.
pub fn import_predictions(
    project: &mut Project,
    path: &Path,
    format: PredictionFormat,
    options: PredictionOptions,
    source: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<PredictionReport, JobError> {
    let read = read_predictions(
        path,
        format,
        project.items(),
        &project.image_root(),
        project.schema(),
        options,
        progress,
    )?;
    let source = source.map_or_else(|| default_source(path), str::to_string);
    apply_predictions(project, read, &source, options)
}
