//! Two records of an import on one item never merge silently: each record
//! claims its item with what it planned, and the records that lose it give
//! their shapes and labels back.

use super::{BoxLabelPlan, Target};
use crate::formats::label_paths::{ItemClaims, Matched, Refused, remove_ranges};
use crate::model::ItemId;
use std::ops::Range;

/// Where the next record's shapes and labels begin in a plan.
#[derive(Clone, Copy, Debug)]
pub struct PlanMark {
    shapes: usize,
    labels: usize,
}

impl BoxLabelPlan {
    pub fn mark(&self) -> PlanMark {
        PlanMark {
            shapes: self.shapes.len(),
            labels: self.labels.len(),
        }
    }
}

/// The records of an import that landed on each item, with what each
/// planned ([`ItemClaims`]).
#[derive(Default)]
pub struct RecordClaims {
    claims: ItemClaims<ItemId>,
    /// Per claim: file, place, and the shapes and labels it planned.
    planned: Vec<(String, String, Range<usize>, Range<usize>)>,
}

impl RecordClaims {
    /// Notes that the record at `file` and `at`, matched as `matched`,
    /// planned what `plan` gained since `mark`. A record that planned nothing
    /// claims nothing: it cannot merge into another.
    pub fn claim(
        &mut self,
        plan: &BoxLabelPlan,
        mark: PlanMark,
        (file, at): (&str, &str),
        matched: &Matched<Target>,
    ) {
        if (mark.shapes, mark.labels) == (plan.shapes.len(), plan.labels.len()) {
            return;
        }
        let record = if at.is_empty() {
            file.to_string()
        } else {
            format!("{file}: {at}")
        };
        self.claims.claim(matched.value.0, record, matched);
        self.planned.push((
            file.to_string(),
            at.to_string(),
            mark.shapes..plan.shapes.len(),
            mark.labels..plan.labels.len(),
        ));
    }

    /// Leaves out what the records that lose their item planned, and
    /// reports each.
    pub fn settle(self, plan: &mut BoxLabelPlan) {
        let refused = self.claims.refused();
        let mut shapes = Vec::with_capacity(refused.len());
        let mut labels = Vec::with_capacity(refused.len());
        for Refused { claim, message } in refused {
            let (file, at, planned_shapes, planned_labels) = &self.planned[claim];
            plan.problem(file, at.as_str(), message);
            plan.matched = plan.matched.saturating_sub(1);
            shapes.push(planned_shapes.clone());
            labels.push(planned_labels.clone());
        }
        remove_ranges(&mut plan.shapes, &shapes);
        remove_ranges(&mut plan.labels, &labels);
    }
}
