//! The dashboard's and `shugu stats`' figures: items per status,
//! annotations per class and per annotator, submissions per hour.

use super::quality::{AgreementReport, AnnotatorQuality};
use super::{Project, ProjectError};
use crate::model::{ClassId, ItemId, ItemStatus, ShapeKind};
use serde::Serialize;

/// How many annotations of one class the project has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassCount {
    pub id: i64,
    pub name: String,
    pub count: u64,
}

/// How many annotations of one shape kind the project has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindCount {
    /// The kind's stable name (`rect`, `polygon`, …, see [`ShapeKind::as_str`]).
    pub kind: &'static str,
    pub count: u64,
}

/// One annotator's items by their review status now. An item counts for
/// everyone who made an annotation or span on it.
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
    pub annotations: u64,
    pub annotations_per_class: Vec<ClassCount>,
    /// Annotations of each shape kind the project has, in [`ShapeKind::ALL`]
    /// order.
    pub annotations_per_kind: Vec<KindCount>,
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

impl Project {
    fn annotator_stats(
        &self,
        items_by_annotator: Vec<(String, Vec<ItemId>)>,
    ) -> Vec<AnnotatorStats> {
        let status = |id: ItemId| self.item(id).map(|i| i.status);
        items_by_annotator
            .into_iter()
            .map(|(name, items)| {
                let mut a = AnnotatorStats {
                    name,
                    items: items.len(),
                    ..AnnotatorStats::default()
                };
                for item in items {
                    match status(item) {
                        Some(ItemStatus::Submitted) => a.submitted += 1,
                        Some(ItemStatus::Accepted) => a.accepted += 1,
                        Some(ItemStatus::Rejected) => a.rejected += 1,
                        _ => {}
                    }
                }
                let reviewed = a.accepted + a.rejected;
                a.rejection_rate = (reviewed > 0).then(|| a.rejected as f64 / reviewed as f64);
                a
            })
            .collect()
    }

    fn throughput(&self) -> Result<Vec<AnnotatorThroughput>, ProjectError> {
        let mut out: Vec<AnnotatorThroughput> = Vec::new();
        for (name, hour_start_ms, items) in self.store.submissions_per_hour()? {
            if out.last().is_none_or(|a| a.name != name) {
                out.push(AnnotatorThroughput {
                    name,
                    ..AnnotatorThroughput::default()
                });
            }
            let Some(a) = out.last_mut() else { continue };
            a.submitted += items;
            a.active_hours += 1;
            a.per_hour.push(HourCount {
                hour_start_ms,
                items,
            });
        }
        for a in &mut out {
            a.items_per_hour = a.submitted as f64 / a.active_hours.max(1) as f64;
        }
        Ok(out)
    }

    /// Counts for `shugu stats` and the status bar.
    pub fn stats(&self) -> Result<ProjectStats, ProjectError> {
        let count = |s: ItemStatus| self.items.iter().filter(|i| i.status == s).count();
        let schema = self.schema();
        let class_counts = |counts: Vec<(ClassId, u64)>| -> Vec<ClassCount> {
            counts
                .into_iter()
                .map(|(id, count)| ClassCount {
                    id: id.0,
                    name: schema
                        .class(id)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| format!("#{id}")),
                    count,
                })
                .collect()
        };
        // The census reads every annotation and span; on a connection of its own it
        // runs beside the quality figures instead of before them.
        let reader = self.store.reader();
        let (census, quality) = std::thread::scope(|scope| {
            let census = reader.map(|r| scope.spawn(move || r.census()));
            let quality = self.quality_figures();
            (census.map(|c| c.join()), quality)
        });
        let census = match census {
            Some(Ok(Ok(census))) => census,
            _ => self.store.census()?,
        };
        let (quality, agreement) = quality?;
        let annotations_per_class = class_counts(census.annotations_per_class);
        let annotations_per_kind = census
            .annotations_per_kind
            .iter()
            .map(|&(kind, count): &(ShapeKind, u64)| KindCount {
                kind: kind.as_str(),
                count,
            })
            .collect();
        let spans_per_class = class_counts(census.spans_per_class);
        let labels_per_class = self
            .store
            .label_counts()?
            .into_iter()
            .map(|(id, count)| ClassCount {
                id: id.0,
                name: schema
                    .label(id)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| format!("#{id}")),
                count,
            })
            .collect();
        Ok(ProjectStats {
            items: self.items.len(),
            items_new: count(ItemStatus::New),
            items_in_progress: count(ItemStatus::InProgress),
            items_submitted: count(ItemStatus::Submitted),
            items_accepted: count(ItemStatus::Accepted),
            items_rejected: count(ItemStatus::Rejected),
            items_broken: self.items.iter().filter(|i| i.is_broken()).count(),
            annotations: annotations_per_class.iter().map(|c| c.count).sum(),
            annotations_per_class,
            annotations_per_kind,
            spans: spans_per_class.iter().map(|c| c.count).sum(),
            spans_per_class,
            annotators: self.annotator_stats(census.items_by_annotator),
            throughput: self.throughput()?,
            quality,
            agreement,
            labels_per_class,
        })
    }
}
