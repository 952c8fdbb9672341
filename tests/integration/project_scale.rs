//! A project of realistic size: 20 000 items and 200 000 boxes added in three
//! `AddBoxes` edits. Checks counts, ordering and undo of the big edits; it measures
//! nothing.

use shugu::model::Shape;
use shugu::model::{
    AnnotationId, BBox, ClassId, Edit, ItemId, ItemStatus, LabelSchema, NewAnnotation,
};
use shugu::project::{Access, NewItem, Project};
use std::collections::BTreeSet;

const ITEMS: usize = 20_000;
const CAR: ClassId = ClassId(1);
const PEDESTRIAN: ClassId = ClassId(2);

/// The pedestrians: the boxes of the big edit on every seventh item.
fn class_for(item: ItemId, edit: usize) -> ClassId {
    if edit == 0 && item.0 % 7 == 0 {
        PEDESTRIAN
    } else {
        CAR
    }
}

/// `per_item` boxes on every item. Odd edits walk the items backwards, so new ids
/// do not follow item order and `all_boxes` has to sort.
fn boxes_edit(items: &[ItemId], edit: usize, per_item: usize) -> Vec<NewAnnotation> {
    let mut order: Vec<ItemId> = items.to_vec();
    if edit % 2 == 1 {
        order.reverse();
    }
    order
        .iter()
        .flat_map(|&item| {
            (0..per_item).map(move |k| {
                let x = (k * 10 + edit * 100) as f32;
                NewAnnotation {
                    item,
                    class: class_for(item, edit),
                    shape: Shape::Rect(BBox::from_xywh(x, 5.0, 8.0, 8.0)),
                    group: None,
                    attributes: Default::default(),
                }
            })
        })
        .collect()
}

fn assert_ordered_by_item_then_id(project: &Project, expected_len: usize) {
    let boxes = project.all_annotations().unwrap();
    assert_eq!(boxes.len(), expected_len);
    assert!(
        boxes
            .windows(2)
            .all(|w| (w[0].item, w[0].id) < (w[1].item, w[1].id)),
        "all_boxes is not ordered by item, then id"
    );
}

#[test]
fn twenty_thousand_items_two_hundred_thousand_boxes() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let dir = tmp.path().join("project");
    let mut project = Project::create(
        &dir,
        "scale",
        &images,
        LabelSchema::with_classes(&["car", "行人"]),
    )
    .unwrap();

    let new_items: Vec<NewItem> = (0..ITEMS)
        .map(|i| NewItem {
            rel_path: format!("{:02}/{i:05}.jpg", i % 100),
            width: 1920,
            height: 1080,
            error: None,
        })
        .collect();
    let items = project.add_items(&new_items).unwrap();
    assert_eq!(items.len(), ITEMS);
    assert_eq!(items.iter().collect::<BTreeSet<_>>().len(), ITEMS);

    // 5 + 2 + 3 boxes per item: 100 000, 40 000 and 60 000 boxes.
    let per_item = [5, 2, 3];
    let mut created: Vec<Vec<AnnotationId>> = Vec::new();
    for (edit, &n) in per_item.iter().enumerate() {
        let applied = project
            .apply(Edit::AddAnnotations(boxes_edit(&items, edit, n)))
            .unwrap();
        assert_eq!(applied.created.len(), ITEMS * n);
        if edit == 0 {
            assert_eq!(applied.touched.len(), ITEMS);
        }
        created.push(applied.created);
    }
    let all_ids: BTreeSet<AnnotationId> = created.iter().flatten().copied().collect();
    assert_eq!(all_ids.len(), 200_000, "ids are unique");

    let stats = project.stats().unwrap();
    assert_eq!(stats.items, ITEMS);
    assert_eq!(
        (
            stats.items_new,
            stats.items_in_progress,
            stats.items_submitted
        ),
        (0, ITEMS, 0)
    );
    assert_eq!(stats.annotations, 200_000);
    let sevenths = items.iter().filter(|i| i.0 % 7 == 0).count();
    let per_class: Vec<(i64, u64)> = stats
        .annotations_per_class
        .iter()
        .map(|c| (c.id, c.count))
        .collect();
    let pedestrians = (sevenths * per_item[0]) as u64;
    assert_eq!(
        per_class,
        vec![(CAR.0, 200_000 - pedestrians), (PEDESTRIAN.0, pedestrians)]
    );

    assert_ordered_by_item_then_id(&project, 200_000);
    let boxes = project.all_annotations().unwrap();
    assert_eq!(boxes.iter().map(|b| b.id).collect::<BTreeSet<_>>(), all_ids);
    assert!(
        boxes
            .chunks(10)
            .zip(&items)
            .all(|(chunk, item)| { chunk.iter().all(|b| b.item == *item) })
    );
    assert_eq!(project.annotations(items[7]).unwrap().len(), 10);

    let mut with_pedestrians = project.items_with_class(PEDESTRIAN).unwrap();
    with_pedestrians.sort();
    let expected: Vec<ItemId> = items.iter().copied().filter(|i| i.0 % 7 == 0).collect();
    assert_eq!(with_pedestrians, expected);
    let mut with_cars = project.items_with_class(CAR).unwrap();
    with_cars.sort();
    assert_eq!(with_cars, items);

    // Undo the last two edits, then the big one: everything goes, and every item is
    // new again.
    project.undo().unwrap().unwrap();
    project.undo().unwrap().unwrap();
    assert_eq!(project.stats().unwrap().annotations, 100_000);
    let undone = project.undo().unwrap().unwrap();
    assert_eq!(undone.touched.len(), ITEMS);
    assert!(!project.can_undo());
    let stats = project.stats().unwrap();
    assert_eq!(stats.annotations, 0);
    assert_eq!(stats.items_new, ITEMS);
    assert!(project.all_annotations().unwrap().is_empty());
    assert!(project.items_with_class(CAR).unwrap().is_empty());
    assert!(project.items_with_class(PEDESTRIAN).unwrap().is_empty());

    // Redo brings the big edit back with the same ids; it survives reopening.
    project.redo().unwrap().unwrap();
    let redone: BTreeSet<AnnotationId> = project
        .all_annotations()
        .unwrap()
        .iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(redone, created[0].iter().copied().collect());
    drop(project);

    let project = Project::open(&dir, Access::ReadWrite).unwrap();
    assert_eq!(project.items().len(), ITEMS);
    assert!(
        project
            .items()
            .iter()
            .all(|i| i.status == ItemStatus::InProgress)
    );
    assert_ordered_by_item_then_id(&project, 100_000);
    let stats = project.stats().unwrap();
    assert_eq!(stats.annotations, 100_000);
    assert_eq!(
        stats
            .annotations_per_class
            .iter()
            .map(|c| c.count)
            .collect::<Vec<_>>(),
        vec![100_000 - pedestrians, pedestrians]
    );
}
