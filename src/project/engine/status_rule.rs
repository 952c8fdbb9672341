//! The automatic step of the workflow: the first annotation on a `new` item
//! moves it to `in_progress` in the same transaction, and undoing that edit
//! puts it back. Only fresh edits start items; an undo or redo carries the
//! exact status change in its inverse, and an explicit status in the same
//! edit wins (the caller leaves those items out).

use crate::model::{Edit, Item, ItemId, ItemStatus};
use crate::project::ProjectError;
use crate::project::store::StoreTx;

/// Moves the `new` items among `items` (ascending) to in progress; returns
/// the ones that were new, ascending.
pub(super) fn start(tx: &mut dyn StoreTx, items: &[ItemId]) -> Result<Vec<ItemId>, ProjectError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    tx.change_statuses(items, ItemStatus::New, ItemStatus::InProgress)
}

/// The part of an inverse that puts the items an edit started back to new.
pub(super) fn undo_start(started: Vec<ItemId>) -> Option<Edit> {
    (!started.is_empty()).then_some(Edit::SetItemsStatus {
        items: started,
        status: ItemStatus::New,
    })
}

/// The status a text added with its labels starts in: in progress when it
/// has spans or document classes, else new. A bulk import packs it with
/// this status, so its million items are not written twice.
pub(in crate::project) fn new_text_status(annotated: bool) -> ItemStatus {
    if annotated {
        ItemStatus::InProgress
    } else {
        ItemStatus::New
    }
}

/// The new items a bulk import added in progress.
pub(super) fn started_new_items(items: &[Item]) -> Vec<ItemId> {
    items
        .iter()
        .filter(|i| i.status == ItemStatus::InProgress)
        .map(|i| i.id)
        .collect()
}
