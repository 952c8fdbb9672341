//! The edit semantics at the engine's level, on the SQLite store.

use super::{EditContext, apply};
use crate::model::{BBox, ClassId, Edit, ItemId, ItemStatus, LabelId, NewBox};
use crate::project::Store;
use crate::project::sqlite_store::SqliteStore;
use crate::project::store::NewItem;

fn store_with_items(n: usize) -> (tempfile::TempDir, SqliteStore, Vec<ItemId>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&tmp.path().join("t.db"), false).unwrap();
    let items: Vec<NewItem> = (0..n)
        .map(|i| NewItem {
            rel_path: format!("{i}.jpg"),
            width: 4000,
            height: 3000,
            error: None,
        })
        .collect();
    let ids = store
        .insert_items(&items)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    (tmp, store, ids)
}

fn ctx() -> EditContext<'static> {
    EditContext {
        author: "测试",
        time_ms: 1234,
        origin: "edit",
    }
}

#[test]
fn bulk_added_boxes_get_their_ids_in_order_across_chunks() {
    let (_tmp, mut store, items) = store_with_items(3);
    // A first small edit, so the bulk ids don't start at 1.
    let one = NewBox {
        item: items[0],
        class: ClassId(1),
        bbox: BBox::from_xywh(1.0, 1.0, 1.0, 1.0),
        attributes: Default::default(),
    };
    apply(&mut store, &Edit::AddBoxes(vec![one]), &ctx()).unwrap();
    let n = 2 * 512 + 77;
    let new: Vec<NewBox> = (0..n)
        .map(|k| NewBox {
            item: items[k % 3],
            class: ClassId(1 + (k % 5) as i64),
            bbox: BBox::from_xywh(k as f32, 0.5, 1.0 + k as f32 / 8.0, 2.0),
            attributes: Default::default(),
        })
        .collect();
    let stored = apply(&mut store, &Edit::AddBoxes(new.clone()), &ctx()).unwrap();
    assert_eq!(stored.created.len(), n);
    for (k, (id, want)) in stored.created.iter().zip(&new).enumerate() {
        let got = store.annotation(*id).unwrap().unwrap();
        assert_eq!(
            (got.item, got.class, got.bbox),
            (want.item, want.class, want.bbox),
            "box {k}"
        );
        assert_eq!(got.provenance.author, "测试");
        assert_eq!(got.provenance.created_ms, 1234);
        assert_eq!(got.provenance.updated_by, "测试");
    }
    assert_eq!(store.all_boxes().unwrap().len(), n + 1);
    // The inverse deletes exactly these boxes.
    let Edit::Batch(parts) = &stored.inverse else {
        panic!("the first boxes on new items also carry status changes");
    };
    assert_eq!(parts[0], Edit::DeleteBoxes(stored.created.clone()));
    apply(
        &mut store,
        &stored.inverse,
        &EditContext {
            origin: "undo",
            ..ctx()
        },
    )
    .unwrap();
    assert_eq!(store.all_boxes().unwrap().len(), 1);
}

#[test]
fn first_boxes_start_progress_only_on_new_items_in_runs_and_gaps() {
    let (_tmp, mut store, items) = store_with_items(10);
    // Item 4 is done already; item 2 gets an explicit status in the same edit.
    apply(
        &mut store,
        &Edit::SetStatus {
            item: items[4],
            status: ItemStatus::Submitted,
        },
        &ctx(),
    )
    .unwrap();
    let boxes_on = |idx: &[usize]| {
        idx.iter()
            .map(|&i| {
                Edit::AddBoxes(vec![NewBox {
                    item: items[i],
                    class: ClassId(1),
                    bbox: BBox::from_xywh(0.0, 0.0, 5.0, 5.0),
                    attributes: Default::default(),
                }])
            })
            .collect::<Vec<_>>()
    };
    let mut edits = boxes_on(&[0, 1, 2, 3, 4, 6, 8, 9]);
    edits.push(Edit::SetStatus {
        item: items[2],
        status: ItemStatus::Submitted,
    });
    let stored = apply(&mut store, &Edit::Batch(edits), &ctx()).unwrap();
    let statuses = |store: &SqliteStore| -> Vec<ItemStatus> {
        items
            .iter()
            .map(|&i| store.item_status(i).unwrap().unwrap())
            .collect()
    };
    let expected = [
        ItemStatus::InProgress,
        ItemStatus::InProgress,
        ItemStatus::Submitted,
        ItemStatus::InProgress,
        ItemStatus::Submitted,
        ItemStatus::New,
        ItemStatus::InProgress,
        ItemStatus::New,
        ItemStatus::InProgress,
        ItemStatus::InProgress,
    ];
    assert_eq!(statuses(&store), expected);
    let Edit::Batch(parts) = &stored.inverse else {
        panic!("status changes are part of the inverse");
    };
    let [
        _,
        Edit::SetItemsStatus {
            items: reset,
            status,
        },
    ] = &parts[..]
    else {
        panic!("unexpected {parts:?}");
    };
    assert_eq!(*status, ItemStatus::New);
    assert_eq!(*reset, [0, 1, 3, 6, 8, 9].map(|i| items[i]));
    apply(
        &mut store,
        &stored.inverse,
        &EditContext {
            origin: "undo",
            ..ctx()
        },
    )
    .unwrap();
    let mut before = [ItemStatus::New; 10];
    before[4] = ItemStatus::Submitted;
    assert_eq!(statuses(&store), before);
}

#[test]
fn many_item_edits_undo_to_what_each_item_had() {
    let (_tmp, mut store, items) = store_with_items(4);
    apply(
        &mut store,
        &Edit::Batch(vec![
            Edit::SetStatus {
                item: items[1],
                status: ItemStatus::Submitted,
            },
            Edit::SetImageLabels {
                item: items[2],
                labels: vec![LabelId(2)],
            },
        ]),
        &ctx(),
    )
    .unwrap();
    let state = |store: &SqliteStore| -> Vec<(ItemStatus, Vec<LabelId>)> {
        items
            .iter()
            .map(|&i| {
                let status = store.item_status(i).unwrap().unwrap();
                (status, store.image_labels_of(i).unwrap())
            })
            .collect()
    };
    let before = state(&store);
    let stored = apply(
        &mut store,
        &Edit::Batch(vec![
            Edit::SetItemsStatus {
                items: items.clone(),
                status: ItemStatus::Accepted,
            },
            Edit::SetItemsImageLabels {
                items: items[1..].to_vec(),
                labels: vec![LabelId(1), LabelId(3)],
            },
        ]),
        &ctx(),
    )
    .unwrap();
    let after = state(&store);
    assert!(after.iter().all(|(s, _)| *s == ItemStatus::Accepted));
    assert_eq!(after[0].1, []);
    assert!(
        after[1..]
            .iter()
            .all(|(_, l)| *l == [LabelId(1), LabelId(3)])
    );
    // The inverse groups items by what they had: one edit per group.
    let Edit::Batch(parts) = &stored.inverse else {
        panic!("{:?}", stored.inverse);
    };
    let groups = |e: &Edit| match e {
        Edit::Batch(v) => v.len(),
        _ => 1,
    };
    // Statuses before: new, submitted, in progress (labelled), new.
    let mut sizes: Vec<usize> = parts.iter().map(groups).collect();
    sizes.sort();
    assert_eq!(sizes, [2, 3]);
    let undo = EditContext {
        origin: "undo",
        ..ctx()
    };
    let redo = apply(&mut store, &stored.inverse, &undo).unwrap();
    assert_eq!(state(&store), before);
    apply(&mut store, &redo.inverse, &undo).unwrap();
    assert_eq!(state(&store), after);
}

#[test]
fn large_edits_are_logged_as_a_count() {
    let (_tmp, mut store, items) = store_with_items(1);
    let new: Vec<NewBox> = (0..1000)
        .map(|k| NewBox {
            item: items[0],
            class: ClassId(1),
            bbox: BBox::from_xywh(k as f32, 0.0, 1.0, 1.0),
            attributes: Default::default(),
        })
        .collect();
    apply(&mut store, &Edit::AddBoxes(new.clone()), &ctx()).unwrap();
    apply(&mut store, &Edit::AddBoxes(new[..1].to_vec()), &ctx()).unwrap();
    let log = store.log_of(None, 10).unwrap();
    assert_eq!(log.len(), 2);
    let small: Edit = serde_json::from_str(&log[0].detail).unwrap();
    assert_eq!(small, Edit::AddBoxes(new[..1].to_vec()));
    let big: serde_json::Value = serde_json::from_str(&log[1].detail).unwrap();
    assert_eq!(big["count"], 1000);
    assert_eq!(big["kind"], Edit::AddBoxes(vec![]).kind());
}
