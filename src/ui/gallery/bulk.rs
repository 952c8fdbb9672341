//! The bulk actions of the grid as edits: each is ONE `Edit::Batch`, so it is one
//! transaction, one edit-log entry per item inside it, and one undo step.

use crate::model::{Edit, ImageLabelMode, ItemId, ItemStatus, LabelId, NewComment};

/// Sets `label` on every item, or, when every one has it already, clears it from
/// all: a label key pressed twice undoes itself, as on a single item. `items` holds
/// each item with its labels now. `None` when there is nothing to change.
pub fn toggle_label(
    items: &[(ItemId, Vec<LabelId>)],
    label: LabelId,
    mode: ImageLabelMode,
) -> Option<Edit> {
    let clear = items.iter().all(|(_, labels)| labels.contains(&label));
    let edits: Vec<Edit> = items
        .iter()
        .filter_map(|(item, labels)| {
            let new = match (clear, mode) {
                (true, _) => labels.iter().copied().filter(|l| *l != label).collect(),
                (false, _) if labels.contains(&label) => return None,
                (false, ImageLabelMode::Single) => vec![label],
                (false, ImageLabelMode::Multi) => {
                    let mut new = labels.clone();
                    new.push(label);
                    new
                }
            };
            Some(Edit::SetImageLabels {
                item: *item,
                labels: new,
            })
        })
        .collect();
    (!edits.is_empty()).then_some(Edit::Batch(edits))
}

/// Every item to `status` (submit, or a reviewer's accept).
pub fn set_status(items: &[ItemId], status: ItemStatus) -> Option<Edit> {
    let edits: Vec<Edit> = items
        .iter()
        .map(|&item| Edit::SetStatus { item, status })
        .collect();
    (!edits.is_empty()).then_some(Edit::Batch(edits))
}

/// A reviewer's rejection of every item with one reason, written as a comment on
/// each (as a single rejection does).
pub fn reject(items: &[ItemId], reason: &str) -> Option<Edit> {
    let reason = reason.trim();
    if items.is_empty() || reason.is_empty() {
        return None;
    }
    let mut edits: Vec<Edit> = items
        .iter()
        .map(|&item| Edit::SetStatus {
            item,
            status: ItemStatus::Rejected,
        })
        .collect();
    edits.push(Edit::AddComments(
        items
            .iter()
            .map(|&item| NewComment {
                item,
                target: None,
                body: reason.to_owned(),
            })
            .collect(),
    ));
    Some(Edit::Batch(edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: LabelId = LabelId(1);
    const B: LabelId = LabelId(2);

    fn labels_after(edit: &Edit) -> Vec<(ItemId, Vec<LabelId>)> {
        let Edit::Batch(edits) = edit else {
            panic!("not a batch: {edit:?}")
        };
        edits
            .iter()
            .map(|e| match e {
                Edit::SetImageLabels { item, labels } => (*item, labels.clone()),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_label_is_set_on_all_then_cleared_from_all() {
        let items = vec![
            (ItemId(1), vec![]),
            (ItemId(2), vec![A]),
            (ItemId(3), vec![B]),
        ];
        let set = toggle_label(&items, A, ImageLabelMode::Multi).unwrap();
        assert_eq!(
            labels_after(&set),
            [(ItemId(1), vec![A]), (ItemId(3), vec![B, A])]
        );
        let single = toggle_label(&items, A, ImageLabelMode::Single).unwrap();
        assert_eq!(labels_after(&single)[1], (ItemId(3), vec![A]));
        let all = vec![(ItemId(1), vec![A, B]), (ItemId(2), vec![A])];
        let cleared = toggle_label(&all, A, ImageLabelMode::Multi).unwrap();
        assert_eq!(
            labels_after(&cleared),
            [(ItemId(1), vec![B]), (ItemId(2), vec![])]
        );
        assert!(toggle_label(&[], A, ImageLabelMode::Multi).is_none());
    }

    #[test]
    fn a_rejection_needs_a_reason_and_comments_every_item() {
        assert!(reject(&[ItemId(1)], "  ").is_none());
        let Some(Edit::Batch(edits)) = reject(&[ItemId(1), ItemId(2)], " blurry ") else {
            panic!("no batch")
        };
        assert_eq!(edits.len(), 3);
        let Edit::AddComments(comments) = &edits[2] else {
            panic!("no comments")
        };
        assert!(comments.iter().all(|c| c.body == "blurry"));
    }
}
