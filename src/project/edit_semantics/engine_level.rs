//! The engine on a bare store, below the project: the inverses it builds,
//! the status rule over runs of items, and the audit text of large edits.

use super::OpenStore;
use crate::model::{BBox, ClassId, Edit, ItemId, ItemStatus, LabelId, NewAnnotation, Shape};
use crate::project::Store;
use crate::project::engine::{EditContext, StoredEdit};
use crate::project::store::NewItem;

fn apply(store: &mut Box<dyn Store>, edit: &Edit, ctx: &EditContext) -> StoredEdit {
    crate::project::engine::apply(store.as_mut(), edit, ctx).expect("the edit applies")
}

fn store_with_items(open: OpenStore, n: usize) -> (tempfile::TempDir, Box<dyn Store>, Vec<ItemId>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = open(tmp.path());
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

fn undo_ctx() -> EditContext<'static> {
    EditContext {
        origin: "undo",
        ..ctx()
    }
}

fn ctx() -> EditContext<'static> {
    EditContext {
        author: "测试",
        time_ms: 1234,
        origin: "edit",
        step: None,
    }
}

pub(super) fn bulk_added_boxes_get_their_ids_in_order_across_chunks(open: OpenStore) {
    let (_tmp, mut store, items) = store_with_items(open, 3);
    // A first small edit, so the bulk ids don't start at 1.
    let one = NewAnnotation {
        item: items[0],
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_xywh(1.0, 1.0, 1.0, 1.0)),
        group: None,
        attributes: Default::default(),
    };
    apply(&mut store, &Edit::AddAnnotations(vec![one]), &ctx());
    let n = 2 * 512 + 77;
    let new: Vec<NewAnnotation> = (0..n)
        .map(|k| NewAnnotation {
            item: items[k % 3],
            class: ClassId(1 + (k % 5) as i64),
            shape: Shape::Rect(BBox::from_xywh(k as f32, 0.5, 1.0 + k as f32 / 8.0, 2.0)),
            group: None,
            attributes: Default::default(),
        })
        .collect();
    let stored = apply(&mut store, &Edit::AddAnnotations(new.clone()), &ctx());
    assert_eq!(stored.created.len(), n);
    for (k, (id, want)) in stored.created.iter().zip(&new).enumerate() {
        let got = store.annotation(*id).unwrap().unwrap();
        assert_eq!(
            (got.item, got.class, got.bounds()),
            (want.item, want.class, want.shape.bounds()),
            "box {k}"
        );
        assert_eq!(got.provenance.author, "测试");
        assert_eq!(got.provenance.created_ms, 1234);
        assert_eq!(got.provenance.updated_by, "测试");
    }
    assert_eq!(store.all_annotations().unwrap().len(), n + 1);
    // The inverse deletes exactly these boxes.
    let Edit::Batch(parts) = &stored.inverse else {
        panic!("the first boxes on new items also carry status changes");
    };
    assert_eq!(parts[0], Edit::DeleteAnnotations(stored.created.clone()));
    apply(&mut store, &stored.inverse, &undo_ctx());
    assert_eq!(store.all_annotations().unwrap().len(), 1);
}

pub(super) fn first_boxes_start_progress_only_on_new_items_in_runs_and_gaps(open: OpenStore) {
    let (_tmp, mut store, items) = store_with_items(open, 10);
    // Item 4 is done already; item 2 gets an explicit status in the same edit.
    apply(
        &mut store,
        &Edit::SetStatus {
            item: items[4],
            status: ItemStatus::Submitted,
        },
        &ctx(),
    );
    let boxes_on = |idx: &[usize]| {
        idx.iter()
            .map(|&i| {
                Edit::AddAnnotations(vec![NewAnnotation {
                    item: items[i],
                    class: ClassId(1),
                    shape: Shape::Rect(BBox::from_xywh(0.0, 0.0, 5.0, 5.0)),
                    group: None,
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
    let stored = apply(&mut store, &Edit::Batch(edits), &ctx());
    let statuses = |store: &dyn Store| -> Vec<ItemStatus> {
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
    assert_eq!(statuses(store.as_ref()), expected);
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
    apply(&mut store, &stored.inverse, &undo_ctx());
    let mut before = [ItemStatus::New; 10];
    before[4] = ItemStatus::Submitted;
    assert_eq!(statuses(store.as_ref()), before);
}

pub(super) fn many_item_edits_undo_to_what_each_item_had(open: OpenStore) {
    let (_tmp, mut store, items) = store_with_items(open, 4);
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
    );
    let state = |store: &dyn Store| -> Vec<(ItemStatus, Vec<LabelId>)> {
        items
            .iter()
            .map(|&i| {
                let status = store.item_status(i).unwrap().unwrap();
                (status, store.image_labels_of(i).unwrap())
            })
            .collect()
    };
    let before = state(store.as_ref());
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
    );
    let after = state(store.as_ref());
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
    let undo = undo_ctx();
    let redo = apply(&mut store, &stored.inverse, &undo);
    assert_eq!(state(store.as_ref()), before);
    apply(&mut store, &redo.inverse, &undo);
    assert_eq!(state(store.as_ref()), after);
}

pub(super) fn large_edits_are_logged_as_a_count(open: OpenStore) {
    let (_tmp, mut store, items) = store_with_items(open, 1);
    let new: Vec<NewAnnotation> = (0..1000)
        .map(|k| NewAnnotation {
            item: items[0],
            class: ClassId(1),
            shape: Shape::Rect(BBox::from_xywh(k as f32, 0.0, 1.0, 1.0)),
            group: None,
            attributes: Default::default(),
        })
        .collect();
    apply(&mut store, &Edit::AddAnnotations(new.clone()), &ctx());
    apply(&mut store, &Edit::AddAnnotations(new[..1].to_vec()), &ctx());
    let log = store.log_of(None, 10).unwrap();
    assert_eq!(log.len(), 2);
    let small: Edit = serde_json::from_str(&log[0].detail).unwrap();
    assert_eq!(small, Edit::AddAnnotations(new[..1].to_vec()));
    let big: serde_json::Value = serde_json::from_str(&log[1].detail).unwrap();
    assert_eq!(big["count"], 1000);
    assert_eq!(big["kind"], Edit::AddAnnotations(vec![]).kind());
}
