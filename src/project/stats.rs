use super::quality::{AgreementReport, AnnotatorQuality};
use serde::Serialize;

/// How many annotations of one class the project has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassCount {
    pub id: i64,
    pub name: String,
    pub count: u64,
}

/// One annotator's items by their review status now. An item counts for
/// everyone who made a box or span on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AnnotatorStats {
    pub name: String,
    pub items: usize,
    pub submitted: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// rejected / (accepted + rejected); `None` before any review.
    pub rejection_rate: Option<f64>,
}

/// How many items one annotator submitted in one hour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HourCount {
    /// The start of the hour, in milliseconds since the Unix epoch (UTC).
    pub hour_start_ms: i64,
    pub items: usize,
}

/// One annotator's pace: items submitted per hour they worked, from the
/// audit trail. An hour counts when they submitted something in it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AnnotatorThroughput {
    pub name: String,
    /// Distinct items submitted, counted once per hour they were submitted in.
    pub submitted: usize,
    pub active_hours: usize,
    /// `submitted / active_hours`.
    pub items_per_hour: f64,
    pub per_hour: Vec<HourCount>,
}

/// The figures of `shugu stats`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProjectStats {
    pub items: usize,
    pub items_new: usize,
    pub items_in_progress: usize,
    /// Submitted for review (`done` in earlier versions).
    pub items_submitted: usize,
    pub items_accepted: usize,
    pub items_rejected: usize,
    pub items_broken: usize,
    pub boxes: u64,
    pub boxes_per_class: Vec<ClassCount>,
    pub spans: u64,
    pub spans_per_class: Vec<ClassCount>,
    /// Image labels, or the document classes of a text project.
    pub labels_per_class: Vec<ClassCount>,
    pub annotators: Vec<AnnotatorStats>,
    pub throughput: Vec<AnnotatorThroughput>,
    /// Agreement on overlap items and accuracy on golden items, per annotator.
    pub quality: Vec<AnnotatorQuality>,
    pub agreement: AgreementReport,
}
