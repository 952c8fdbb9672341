//! One image's predictions into the project: its proposals (with their
//! attributes, an OCR line's text) as one `Edit::AddProposals` from the model,
//! classes the project lacks added first.

use super::{ImageResult, PredictRun};
use crate::jobs::{JobError, add_missing_classes};
use crate::model::{Edit, ItemId, NewProposal};
use crate::project::Project;
use std::time::Duration;

/// Problems listed one by one in a report; the rest are counted.
const MAX_PROBLEMS_LISTED: usize = 100;

/// What storing one image's result did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredImage {
    pub item: Option<ItemId>,
    pub proposals: usize,
    pub new_classes: Vec<String>,
    /// What was left out, `key: why`.
    pub problems: Vec<String>,
    /// The image could not be predicted: `key: why`. Nothing was stored.
    pub failed: Option<String>,
}

/// What a whole run stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredictReport {
    pub source: String,
    /// Images whose result came back (predicted or failed).
    pub images: usize,
    pub total: usize,
    pub proposals: usize,
    /// Images that failed, and the first failure's message.
    pub failed: usize,
    pub first_failure: Option<String>,
    pub new_classes: Vec<String>,
    pub problems: Vec<String>,
    pub problems_not_listed: usize,
    /// The user cancelled; what finished before is stored.
    pub cancelled: bool,
    /// The run gave up: the model or server failed image after image.
    pub stopped_because: Option<String>,
}

impl PredictReport {
    pub fn new(run: &PredictRun) -> Self {
        PredictReport {
            source: run.source().to_owned(),
            total: run.total(),
            ..PredictReport::default()
        }
    }

    /// Counts one stored image in.
    pub fn add(&mut self, stored: StoredImage) {
        self.images += 1;
        self.proposals += stored.proposals;
        for c in stored.new_classes {
            if !self.new_classes.contains(&c) {
                self.new_classes.push(c);
            }
        }
        if let Some(f) = stored.failed {
            self.failed += 1;
            self.first_failure.get_or_insert(f);
        }
        for p in stored.problems {
            if self.problems.len() < MAX_PROBLEMS_LISTED {
                self.problems.push(p);
            } else {
                self.problems_not_listed += 1;
            }
        }
    }

    /// Notes how the run ended.
    pub fn finish(&mut self, run: &PredictRun) {
        self.stopped_because = run.stopped_because();
        self.cancelled = run.is_cancelled() && self.stopped_because.is_none();
    }

    /// Whether nothing could be predicted at all: a missing model, a server
    /// that is down. The CLI fails then.
    pub fn all_failed(&self) -> bool {
        self.images > 0 && self.failed == self.images
    }
}

/// Stores one image's result as proposals from `source`. A failed image stores
/// nothing and says why; an error is the project refusing the edit.
pub fn store_result(
    project: &mut Project,
    result: ImageResult,
    source: &str,
) -> Result<StoredImage, JobError> {
    let ImageResult {
        item,
        key,
        predictions,
    } = result;
    let mut stored = StoredImage {
        item: Some(item),
        ..StoredImage::default()
    };
    let predictions = match predictions {
        Ok(p) => p,
        Err(e) => {
            stored.failed = Some(format!("{key}: {e}"));
            return Ok(stored);
        }
    };
    for left in &predictions.left_out {
        stored.problems.push(format!("{key}: {left}"));
    }
    if !predictions.labels.is_empty() {
        let names: Vec<&str> = predictions
            .labels
            .iter()
            .map(|l| l.class.as_str())
            .collect();
        stored.problems.push(format!(
            "{key}: image labels {} are not stored: proposals are shapes",
            names.join(", ")
        ));
    }
    if predictions.objects.is_empty() {
        return Ok(stored);
    }
    let mut names: Vec<String> = Vec::new();
    for p in &predictions.objects {
        if !names.contains(&p.class) {
            names.push(p.class.clone());
        }
    }
    let (added, class_of) = add_missing_classes(project, &names)?;
    let mut proposals = Vec::with_capacity(predictions.objects.len());
    for p in predictions.objects {
        let class = names
            .iter()
            .position(|n| *n == p.class)
            .and_then(|i| class_of.get(i).copied().flatten());
        let Some(class) = class else {
            stored
                .problems
                .push(format!("{key}: class {:?} cannot be added", p.class));
            continue;
        };
        if let Some(reason) = project
            .schema()
            .class(class)
            .and_then(|c| c.refusal(&p.shape))
        {
            let kind = p.shape.kind().as_str();
            stored
                .problems
                .push(format!("{key}: a proposed {kind} was left out: {reason}"));
            continue;
        }
        proposals.push(NewProposal {
            item,
            class,
            shape: p.shape,
            score: p.score.clamp(0.0, 1.0),
            source: source.to_owned(),
            attributes: p.attributes,
        });
    }
    let count = proposals.len();
    if count > 0
        && let Err(err) = project.apply(Edit::AddProposals(proposals))
    {
        if !added.is_empty() {
            project.update_schema(|s| s.classes.retain(|c| !added.contains(&c.name)))?;
        }
        return Err(err.into());
    }
    stored.proposals = count;
    stored.new_classes = added;
    Ok(stored)
}

/// Stores every result of `run` as it comes, on this thread, calling
/// `on_image` after each; returns when the run has ended (finished, cancelled
/// or given up).
pub fn run_to_end(
    project: &mut Project,
    run: &mut PredictRun,
    on_image: &mut dyn FnMut(&PredictRun, &StoredImage),
) -> Result<PredictReport, JobError> {
    let mut report = PredictReport::new(run);
    let source = run.source().to_owned();
    while !run.is_finished() {
        let Some(result) = run.next_within(Duration::from_millis(100)) else {
            continue;
        };
        let stored = store_result(project, result, &source)?;
        on_image(run, &stored);
        report.add(stored);
    }
    report.finish(run);
    Ok(report)
}
