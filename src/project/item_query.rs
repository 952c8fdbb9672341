//! Which items a list or a review queue shows: by status, class, annotator,
//! how recently they changed, and whether model proposals wait on them.

use super::{Project, ProjectError};
use crate::model::{ClassId, ItemStatus};
use std::collections::HashSet;

/// Items by their place in the workflow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    Is(ItemStatus),
    /// Items whose image could not be read.
    Broken,
}

/// A filter over the project's items; every part that is set must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemQuery {
    pub status: StatusFilter,
    /// Items with a box or span of this class.
    pub class: Option<ClassId>,
    /// Items with a box or span by this annotator.
    pub annotator: Option<String>,
    /// Items with an edit logged at or after this time (ms since the epoch).
    pub changed_since_ms: Option<i64>,
    /// Only items with model proposals waiting for review.
    pub with_proposals: bool,
}

impl ItemQuery {
    /// A reviewer's queue: the submitted items.
    pub fn review_queue() -> Self {
        ItemQuery {
            status: StatusFilter::Is(ItemStatus::Submitted),
            ..ItemQuery::default()
        }
    }
}

impl Project {
    /// The positions in [`Project::items`] of the items that pass `query`, in order.
    pub fn query_items(&self, query: &ItemQuery) -> Result<Vec<usize>, ProjectError> {
        let as_set = |ids: Vec<_>| ids.into_iter().collect::<HashSet<_>>();
        let with_class = match query.class {
            Some(c) => Some(as_set(self.items_with_class(c)?)),
            None => None,
        };
        let by_annotator = match query.annotator.as_deref() {
            Some(a) => Some(as_set(self.items_by_author(a)?)),
            None => None,
        };
        let recent = match query.changed_since_ms {
            Some(ms) => Some(as_set(self.items_changed_since(ms)?)),
            None => None,
        };
        let proposed = match query.with_proposals {
            true => Some(as_set(self.store().items_with_proposals()?)),
            false => None,
        };
        let within = |set: &Option<HashSet<_>>, id| set.as_ref().is_none_or(|s| s.contains(&id));
        Ok(self
            .items()
            .iter()
            .enumerate()
            .filter(|(_, it)| match query.status {
                StatusFilter::All => true,
                StatusFilter::Is(s) => it.status == s && !it.is_broken(),
                StatusFilter::Broken => it.is_broken(),
            })
            .filter(|(_, it)| {
                within(&with_class, it.id)
                    && within(&by_annotator, it.id)
                    && within(&recent, it.id)
                    && within(&proposed, it.id)
            })
            .map(|(i, _)| i)
            .collect())
    }
}
