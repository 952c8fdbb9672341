//! The project's edit path through its public API: validation, provenance, undo and
//! redo, image labels, item status, the audit trail, persistence across reopening,
//! the manifest version check and the single-writer lock.

use shugu::model::Shape;
use shugu::model::{
    Annotation, AnnotationId, BBox, ClassId, Edit, ImageLabelMode, ItemId, ItemStatus, LabelId,
    LabelSchema, NewAnnotation,
};
use shugu::project::{
    Access, DB_VERSION, FORMAT_VERSION, MANIFEST_FILE, NewItem, Project, ProjectError, now_ms,
};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const CAR: ClassId = ClassId(1);
const PEDESTRIAN: ClassId = ClassId(2);

/// A project in a temporary folder over an empty image folder, with three items:
/// `a.jpg` (100×80), `sub/b.jpg` (640×480) and `broken.jpg`, which could not be read.
struct Fixture {
    _tmp: TempDir,
    dir: PathBuf,
    images: PathBuf,
    project: Project,
    a: ItemId,
    b: ItemId,
    broken: ItemId,
}

fn new_item(rel_path: &str, width: u32, height: u32) -> NewItem {
    NewItem {
        rel_path: rel_path.to_string(),
        width,
        height,
        error: None,
    }
}

fn fixture_with(schema: LabelSchema) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let dir = tmp.path().join("街景-project");
    let mut project = Project::create(&dir, "街景", &images, schema).unwrap();
    let ids = project
        .add_items(&[
            new_item("a.jpg", 100, 80),
            new_item("sub/b.jpg", 640, 480),
            NewItem {
                rel_path: "broken.jpg".into(),
                width: 0,
                height: 0,
                error: Some("not an image".into()),
            },
        ])
        .unwrap();
    assert_eq!(ids.len(), 3);
    Fixture {
        _tmp: tmp,
        dir,
        images,
        project,
        a: ids[0],
        b: ids[1],
        broken: ids[2],
    }
}

fn fixture() -> Fixture {
    fixture_with(LabelSchema::with_classes(&["car", "行人"]))
}

fn bx(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
    BBox::from_corners([x0, y0], [x1, y1])
}

fn add(project: &mut Project, item: ItemId, class: ClassId, bbox: BBox) -> AnnotationId {
    let applied = project
        .apply(Edit::AddAnnotations(vec![NewAnnotation {
            item,
            class,
            shape: Shape::Rect(bbox),
            group: None,
            attributes: Default::default(),
        }]))
        .unwrap();
    assert_eq!(applied.created.len(), 1);
    applied.created[0]
}

fn the_box(project: &Project, id: AnnotationId) -> Annotation {
    project
        .all_annotations()
        .unwrap()
        .into_iter()
        .find(|b| b.id == id)
        .unwrap_or_else(|| panic!("box {id} is missing"))
}

fn status(project: &Project, item: ItemId) -> ItemStatus {
    project.item(item).unwrap().status
}

/// What must survive undo/redo exactly: everything but the `updated_*` provenance.
fn shape(project: &Project) -> Vec<(AnnotationId, ItemId, ClassId, BBox)> {
    project
        .all_annotations()
        .unwrap()
        .into_iter()
        .map(|b| (b.id, b.item, b.class, b.bounds()))
        .collect()
}

fn invalid_message(result: Result<impl std::fmt::Debug, ProjectError>) -> String {
    match result {
        Err(ProjectError::InvalidEdit(message)) => message,
        other => panic!("expected InvalidEdit, got {other:?}"),
    }
}

#[test]
fn add_boxes_assigns_ids_and_provenance() {
    let mut f = fixture();
    f.project.set_author("alice");
    f.project.set_author("   "); // blank names are ignored
    assert_eq!(f.project.author(), "alice");

    let before = now_ms();
    let applied = f
        .project
        .apply(Edit::AddAnnotations(vec![
            NewAnnotation {
                item: f.a,
                class: CAR,
                shape: Shape::Rect(bx(0.0, 0.0, 1.0, 1.0)),
                group: None,
                attributes: Default::default(),
            },
            NewAnnotation {
                item: f.b,
                class: PEDESTRIAN,
                shape: Shape::Rect(bx(10.5, 20.25, 30.0, 40.0)),
                group: None,
                attributes: Default::default(),
            },
        ]))
        .unwrap();
    let after = now_ms();

    assert_eq!(applied.created.len(), 2);
    assert!(applied.created[0] < applied.created[1]);
    assert!(applied.created[0].0 >= 1);
    let mut touched = applied.touched.clone();
    touched.sort();
    assert_eq!(touched, vec![f.a, f.b]);

    let boxes_a = f.project.annotations(f.a).unwrap();
    assert_eq!(boxes_a.len(), 1);
    let first = &boxes_a[0];
    assert_eq!(first.id, applied.created[0]);
    assert_eq!((first.item, first.class), (f.a, CAR));
    assert_eq!(first.bounds(), bx(0.0, 0.0, 1.0, 1.0));
    let p = &first.provenance;
    assert_eq!(
        (p.author.as_str(), p.updated_by.as_str()),
        ("alice", "alice")
    );
    assert!(before <= p.created_ms && p.created_ms <= after, "{p:?}");
    assert_eq!(p.updated_ms, p.created_ms);

    let second = the_box(&f.project, applied.created[1]);
    assert_eq!((second.item, second.class), (f.b, PEDESTRIAN));
    assert_eq!(second.bounds(), bx(10.5, 20.25, 30.0, 40.0));

    // A later change by someone else keeps the creator and records the updater.
    f.project.set_author("bob");
    f.project
        .apply(Edit::SetShape {
            id: first.id,
            shape: Shape::Rect(bx(2.0, 2.0, 3.0, 3.0)),
        })
        .unwrap();
    let moved = the_box(&f.project, first.id);
    assert_eq!(moved.provenance.author, "alice");
    assert_eq!(moved.provenance.created_ms, p.created_ms);
    assert_eq!(moved.provenance.updated_by, "bob");
    assert!(moved.provenance.updated_ms >= p.created_ms);
}

#[test]
fn boxes_are_clamped_to_the_image() {
    let mut f = fixture();
    // a.jpg is 100×80.
    let id = add(&mut f.project, f.a, CAR, bx(-10.0, -5.0, 50.0, 200.0));
    assert_eq!(the_box(&f.project, id).bounds(), bx(0.0, 0.0, 50.0, 80.0));

    f.project
        .apply(Edit::SetShape {
            id,
            shape: Shape::Rect(bx(90.0, 70.0, 130.0, 95.0)),
        })
        .unwrap();
    assert_eq!(
        the_box(&f.project, id).bounds(),
        bx(90.0, 70.0, 100.0, 80.0)
    );
}

#[test]
fn boxes_without_area_in_the_image_are_refused() {
    let mut f = fixture();
    let outside = Edit::AddAnnotations(vec![NewAnnotation {
        item: f.a,
        class: CAR,
        shape: Shape::Rect(bx(150.0, 10.0, 200.0, 50.0)),
        group: None,
        attributes: Default::default(),
    }]);
    let message = invalid_message(f.project.apply(outside));
    assert!(message.contains("nothing inside"), "{message}");
    assert!(message.contains("100×80"), "{message}");

    // Touching the border only, zero-sized, and non-finite boxes are refused too.
    for bbox in [
        bx(100.0, 0.0, 120.0, 10.0),
        bx(5.0, 5.0, 5.0, 30.0),
        BBox {
            min_x: f32::NAN,
            min_y: 0.0,
            max_x: 10.0,
            max_y: 10.0,
        },
    ] {
        let edit = Edit::AddAnnotations(vec![NewAnnotation {
            item: f.a,
            class: CAR,
            shape: Shape::Rect(bbox),
            group: None,
            attributes: Default::default(),
        }]);
        invalid_message(f.project.apply(edit));
    }

    // An image that could not be read cannot be annotated.
    let on_broken = Edit::AddAnnotations(vec![NewAnnotation {
        item: f.broken,
        class: CAR,
        shape: Shape::Rect(bx(0.0, 0.0, 1.0, 1.0)),
        group: None,
        attributes: Default::default(),
    }]);
    let message = invalid_message(f.project.apply(on_broken));
    assert!(message.contains("broken.jpg"), "{message}");

    // Moving an existing box out of its image is refused and leaves it where it was.
    let id = add(&mut f.project, f.a, CAR, bx(1.0, 1.0, 2.0, 2.0));
    invalid_message(f.project.apply(Edit::SetShape {
        id,
        shape: Shape::Rect(bx(-50.0, -50.0, -1.0, -1.0)),
    }));
    assert_eq!(the_box(&f.project, id).bounds(), bx(1.0, 1.0, 2.0, 2.0));
    assert_eq!(f.project.all_annotations().unwrap().len(), 1);
}

#[test]
fn unknown_classes_items_and_boxes_are_refused() {
    let mut f = fixture();
    let unknown_class = Edit::AddAnnotations(vec![NewAnnotation {
        item: f.a,
        class: ClassId(3),
        shape: Shape::Rect(bx(0.0, 0.0, 5.0, 5.0)),
        group: None,
        attributes: Default::default(),
    }]);
    let message = invalid_message(f.project.apply(unknown_class));
    assert!(
        message.contains("class") && message.contains('3'),
        "{message}"
    );

    let unknown_item = Edit::AddAnnotations(vec![NewAnnotation {
        item: ItemId(999),
        class: CAR,
        shape: Shape::Rect(bx(0.0, 0.0, 5.0, 5.0)),
        group: None,
        attributes: Default::default(),
    }]);
    assert!(invalid_message(f.project.apply(unknown_item)).contains("999"));

    let id = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 5.0, 5.0));
    invalid_message(f.project.apply(Edit::SetAnnotationClass {
        id,
        class: ClassId(42),
    }));
    assert_eq!(the_box(&f.project, id).class, CAR);

    let missing = AnnotationId(id.0 + 100);
    invalid_message(f.project.apply(Edit::SetAnnotationClass {
        id: missing,
        class: CAR,
    }));
    invalid_message(f.project.apply(Edit::SetShape {
        id: missing,
        shape: Shape::Rect(bx(0.0, 0.0, 1.0, 1.0)),
    }));
    // A delete that names one missing box deletes nothing.
    invalid_message(f.project.apply(Edit::DeleteAnnotations(vec![id, missing])));
    assert_eq!(f.project.annotations(f.a).unwrap().len(), 1);

    // A batch with one bad part changes nothing.
    let batch = Edit::Batch(vec![
        Edit::SetShape {
            id,
            shape: Shape::Rect(bx(10.0, 10.0, 20.0, 20.0)),
        },
        Edit::SetAnnotationClass {
            id,
            class: ClassId(7),
        },
    ]);
    invalid_message(f.project.apply(batch));
    assert_eq!(the_box(&f.project, id).bounds(), bx(0.0, 0.0, 5.0, 5.0));

    // None of the refused edits reached the undo stack or the audit trail.
    assert_eq!(f.project.history(None, 100).unwrap().len(), 1);
    f.project.undo().unwrap().unwrap();
    assert!(!f.project.can_undo());
}

#[test]
fn geometry_class_and_delete_undo_and_redo() {
    let mut f = fixture();
    f.project.set_author("alice");
    let id = add(&mut f.project, f.b, CAR, bx(10.0, 10.0, 50.0, 50.0));
    let other = add(&mut f.project, f.b, PEDESTRIAN, bx(1.0, 2.0, 3.0, 4.0));

    // Geometry.
    f.project
        .apply(Edit::SetShape {
            id,
            shape: Shape::Rect(bx(20.0, 20.0, 60.0, 70.0)),
        })
        .unwrap();
    assert_eq!(the_box(&f.project, id).bounds(), bx(20.0, 20.0, 60.0, 70.0));
    let undone = f.project.undo().unwrap().unwrap();
    assert_eq!(undone.touched, vec![f.b]);
    assert_eq!(the_box(&f.project, id).bounds(), bx(10.0, 10.0, 50.0, 50.0));
    f.project.redo().unwrap().unwrap();
    assert_eq!(the_box(&f.project, id).bounds(), bx(20.0, 20.0, 60.0, 70.0));

    // Class.
    f.project
        .apply(Edit::SetAnnotationClass {
            id,
            class: PEDESTRIAN,
        })
        .unwrap();
    assert_eq!(the_box(&f.project, id).class, PEDESTRIAN);
    f.project.undo().unwrap().unwrap();
    assert_eq!(the_box(&f.project, id).class, CAR);
    f.project.redo().unwrap().unwrap();
    assert_eq!(the_box(&f.project, id).class, PEDESTRIAN);

    // Delete: undo restores the same id with the original provenance.
    let before_delete = the_box(&f.project, id);
    let other_before = the_box(&f.project, other);
    f.project.set_author("bob");
    f.project.apply(Edit::DeleteAnnotations(vec![id])).unwrap();
    assert_eq!(
        f.project.annotations(f.b).unwrap(),
        vec![other_before.clone()]
    );
    f.project.undo().unwrap().unwrap();
    assert_eq!(
        f.project.annotations(f.b).unwrap(),
        vec![before_delete.clone(), other_before.clone()]
    );
    f.project.redo().unwrap().unwrap();
    assert_eq!(
        f.project.annotations(f.b).unwrap(),
        vec![other_before.clone()]
    );
    f.project.undo().unwrap().unwrap();
    assert_eq!(the_box(&f.project, id), before_delete);
    assert_eq!(before_delete.provenance.author, "alice");

    // Deleting several boxes at once undoes as one step.
    f.project
        .apply(Edit::DeleteAnnotations(vec![other, id]))
        .unwrap();
    assert!(f.project.annotations(f.b).unwrap().is_empty());
    f.project.undo().unwrap().unwrap();
    assert_eq!(
        f.project.annotations(f.b).unwrap(),
        vec![before_delete, other_before]
    );

    // Undo of an add removes the box; redo brings it back with the same id.
    let added = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 9.0, 9.0));
    let added_box = the_box(&f.project, added);
    f.project.undo().unwrap().unwrap();
    assert!(f.project.annotations(f.a).unwrap().is_empty());
    let redone = f.project.redo().unwrap().unwrap();
    assert!(redone.touched.contains(&f.a));
    assert_eq!(f.project.annotations(f.a).unwrap(), vec![added_box]);

    // A fresh box never reuses an id, not even one that was deleted and not restored.
    f.project
        .apply(Edit::DeleteAnnotations(vec![added]))
        .unwrap();
    let fresh = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 9.0, 9.0));
    assert!(fresh > added, "{fresh} reuses an id <= {added}");
}

#[test]
fn undo_depth_is_unlimited() {
    const STEPS: usize = 500;
    let mut f = fixture();
    let mut snapshots = vec![shape(&f.project)];
    let mut last: Option<AnnotationId> = None;
    for step in 0..STEPS {
        let edit = match (step % 3, last) {
            (0, _) | (_, None) => Edit::AddAnnotations(vec![NewAnnotation {
                item: f.b,
                class: CAR,
                shape: Shape::Rect(bx(0.0, 0.0, 10.0, 10.0)),
                group: None,
                attributes: Default::default(),
            }]),
            (1, Some(id)) => {
                let offset = (step % 600) as f32;
                Edit::SetShape {
                    id,
                    shape: Shape::Rect(bx(offset, 1.0, offset + 20.0, 30.0)),
                }
            }
            (_, Some(id)) => Edit::SetAnnotationClass {
                id,
                class: if step % 2 == 0 { PEDESTRIAN } else { CAR },
            },
        };
        let applied = f.project.apply(edit).unwrap();
        if let Some(&id) = applied.created.first() {
            last = Some(id);
        }
        snapshots.push(shape(&f.project));
    }
    assert_eq!(
        f.project.all_annotations().unwrap().len(),
        STEPS.div_ceil(3)
    );

    for expected in snapshots[..STEPS].iter().rev() {
        assert!(f.project.undo().unwrap().is_some());
        assert_eq!(&shape(&f.project), expected);
    }
    assert!(!f.project.can_undo());
    assert!(f.project.undo().unwrap().is_none());
    assert_eq!(status(&f.project, f.b), ItemStatus::New);

    for expected in &snapshots[1..] {
        assert!(f.project.redo().unwrap().is_some());
        assert_eq!(&shape(&f.project), expected);
    }
    assert!(!f.project.can_redo());
    assert!(f.project.redo().unwrap().is_none());

    // And all the way back down once more.
    for expected in snapshots[..STEPS].iter().rev() {
        f.project.undo().unwrap().unwrap();
        assert_eq!(&shape(&f.project), expected);
    }
}

#[test]
fn a_new_edit_clears_the_redo_stack() {
    let mut f = fixture();
    let first = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 10.0, 10.0));
    let second = add(&mut f.project, f.a, CAR, bx(10.0, 10.0, 20.0, 20.0));
    f.project.undo().unwrap().unwrap();
    assert!(f.project.can_redo());

    let third = add(&mut f.project, f.a, PEDESTRIAN, bx(30.0, 30.0, 40.0, 40.0));
    assert!(!f.project.can_redo());
    assert!(f.project.redo().unwrap().is_none());
    let ids: Vec<_> = f
        .project
        .annotations(f.a)
        .unwrap()
        .iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(ids, vec![first, third]);
    assert!(third > second);

    // An edit that changes nothing is not a step and keeps the redo stack.
    f.project.undo().unwrap().unwrap();
    assert!(f.project.can_redo());
    f.project.apply(Edit::AddAnnotations(vec![])).unwrap();
    assert!(f.project.can_redo());
}

#[test]
fn a_batch_undoes_and_redoes_as_one_step() {
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    let day = schema.add_image_label("day");
    let mut f = fixture_with(schema);
    let keep = add(&mut f.project, f.b, CAR, bx(0.0, 0.0, 5.0, 5.0));
    let before = shape(&f.project);

    let applied = f
        .project
        .apply(Edit::Batch(vec![
            Edit::AddAnnotations(vec![
                NewAnnotation {
                    item: f.a,
                    class: CAR,
                    shape: Shape::Rect(bx(1.0, 1.0, 2.0, 2.0)),
                    group: None,
                    attributes: Default::default(),
                },
                NewAnnotation {
                    item: f.a,
                    class: PEDESTRIAN,
                    shape: Shape::Rect(bx(3.0, 3.0, 4.0, 4.0)),
                    group: None,
                    attributes: Default::default(),
                },
            ]),
            Edit::SetShape {
                id: keep,
                shape: Shape::Rect(bx(100.0, 100.0, 200.0, 200.0)),
            },
            Edit::SetImageLabels {
                item: f.a,
                labels: vec![day],
            },
            Edit::SetStatus {
                item: f.b,
                status: ItemStatus::Submitted,
            },
        ]))
        .unwrap();
    assert_eq!(applied.created.len(), 2);
    let after = shape(&f.project);
    assert_eq!(after.len(), 3);
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);
    assert_eq!(status(&f.project, f.a), ItemStatus::InProgress);
    assert_eq!(status(&f.project, f.b), ItemStatus::Submitted);

    f.project.undo().unwrap().unwrap();
    assert_eq!(shape(&f.project), before);
    assert!(f.project.image_labels(f.a).unwrap().is_empty());
    assert_eq!(status(&f.project, f.a), ItemStatus::New);
    assert_eq!(status(&f.project, f.b), ItemStatus::InProgress);

    f.project.redo().unwrap().unwrap();
    assert_eq!(shape(&f.project), after);
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);
    assert_eq!(status(&f.project, f.a), ItemStatus::InProgress);
    assert_eq!(status(&f.project, f.b), ItemStatus::Submitted);

    // The batch was one step: one more undo, and then only the first add is left.
    f.project.undo().unwrap().unwrap();
    f.project.undo().unwrap().unwrap();
    assert!(!f.project.can_undo());
    assert!(f.project.all_annotations().unwrap().is_empty());
    assert_eq!(status(&f.project, f.b), ItemStatus::New);
}

#[test]
fn image_labels_single_mode() {
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    let day = schema.add_image_label("day");
    let night = schema.add_image_label("夜晚");
    assert_eq!(schema.image_label_mode, ImageLabelMode::Single);
    let mut f = fixture_with(schema);

    f.project
        .apply(Edit::SetImageLabels {
            item: f.a,
            labels: vec![day],
        })
        .unwrap();
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);

    let message = invalid_message(f.project.apply(Edit::SetImageLabels {
        item: f.a,
        labels: vec![day, night],
    }));
    assert!(message.contains("one image label"), "{message}");
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);

    // The same label twice is one label.
    f.project
        .apply(Edit::SetImageLabels {
            item: f.a,
            labels: vec![night, night],
        })
        .unwrap();
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![night]);

    let message = invalid_message(f.project.apply(Edit::SetImageLabels {
        item: f.a,
        labels: vec![LabelId(9)],
    }));
    assert!(
        message.contains("image label") && message.contains('9'),
        "{message}"
    );

    f.project.undo().unwrap().unwrap();
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);
    f.project.undo().unwrap().unwrap();
    assert!(f.project.image_labels(f.a).unwrap().is_empty());
    f.project.redo().unwrap().unwrap();
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day]);

    // Clearing is allowed.
    f.project
        .apply(Edit::SetImageLabels {
            item: f.a,
            labels: vec![],
        })
        .unwrap();
    assert!(f.project.image_labels(f.a).unwrap().is_empty());
}

#[test]
fn image_labels_multi_mode() {
    let mut f = fixture();
    let (mut day, mut night, mut rain) = (LabelId(0), LabelId(0), LabelId(0));
    f.project
        .update_schema(|s| {
            day = s.add_image_label("day");
            night = s.add_image_label("夜晚");
            rain = s.add_image_label("rain");
            s.image_label_mode = ImageLabelMode::Multi;
        })
        .unwrap();

    f.project
        .apply(Edit::SetImageLabels {
            item: f.a,
            labels: vec![rain, day, rain],
        })
        .unwrap();
    f.project
        .apply(Edit::SetImageLabels {
            item: f.b,
            labels: vec![night, rain],
        })
        .unwrap();
    assert_eq!(f.project.image_labels(f.a).unwrap(), vec![day, rain]);
    assert_eq!(
        f.project.all_image_labels().unwrap(),
        vec![(f.a, vec![day, rain]), (f.b, vec![night, rain])]
    );
    let counts: Vec<(i64, String, u64)> = f
        .project
        .stats()
        .unwrap()
        .labels_per_class
        .into_iter()
        .map(|c| (c.id, c.name, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            (day.0, "day".to_string(), 1),
            (night.0, "夜晚".to_string(), 1),
            (rain.0, "rain".to_string(), 2),
        ]
    );

    // The mode and labels are saved in the manifest.
    drop(f.project);
    let project = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert_eq!(project.schema().image_label_mode, ImageLabelMode::Multi);
    assert_eq!(project.schema().label(night).unwrap().name, "夜晚");
    assert_eq!(project.image_labels(f.b).unwrap(), vec![night, rain]);
}

#[test]
fn first_annotation_moves_new_to_in_progress() {
    let mut f = fixture();
    assert_eq!(status(&f.project, f.a), ItemStatus::New);

    let id = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 10.0, 10.0));
    assert_eq!(status(&f.project, f.a), ItemStatus::InProgress);
    assert_eq!(status(&f.project, f.b), ItemStatus::New);

    // Undo of the first annotation restores New, redo puts it back in progress.
    f.project.undo().unwrap().unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::New);
    f.project.redo().unwrap().unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::InProgress);

    // Later annotations don't change the status, whatever it is.
    f.project
        .apply(Edit::SetStatus {
            item: f.a,
            status: ItemStatus::Submitted,
        })
        .unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::Submitted);
    f.project
        .apply(Edit::SetShape {
            id,
            shape: Shape::Rect(bx(1.0, 1.0, 5.0, 5.0)),
        })
        .unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::Submitted);
    f.project.undo().unwrap().unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::Submitted);
    f.project.undo().unwrap().unwrap();
    assert_eq!(status(&f.project, f.a), ItemStatus::InProgress);

    // An item set back to New by hand stays New when a delete on it is undone.
    f.project
        .apply(Edit::SetStatus {
            item: f.a,
            status: ItemStatus::New,
        })
        .unwrap();
    f.project.apply(Edit::DeleteAnnotations(vec![id])).unwrap();
    f.project.undo().unwrap().unwrap();
    assert_eq!(f.project.annotations(f.a).unwrap().len(), 1);
    assert_eq!(status(&f.project, f.a), ItemStatus::New);

    // A status set in the same step wins over the automatic one.
    let c = f.project.add_items(&[new_item("c.jpg", 10, 10)]).unwrap()[0];
    f.project
        .apply(Edit::Batch(vec![
            Edit::SetStatus {
                item: c,
                status: ItemStatus::New,
            },
            Edit::AddAnnotations(vec![NewAnnotation {
                item: c,
                class: CAR,
                shape: Shape::Rect(bx(0.0, 0.0, 1.0, 1.0)),
                group: None,
                attributes: Default::default(),
            }]),
        ]))
        .unwrap();
    assert_eq!(status(&f.project, c), ItemStatus::New);

    // Statuses are stored, not only held in memory.
    f.project
        .apply(Edit::SetStatus {
            item: f.b,
            status: ItemStatus::Submitted,
        })
        .unwrap();
    drop(f.project);
    let project = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert_eq!(status(&project, f.a), ItemStatus::New);
    assert_eq!(status(&project, f.b), ItemStatus::Submitted);
}

#[test]
fn history_records_author_and_kind() {
    let mut f = fixture();
    let id = add(&mut f.project, f.b, CAR, bx(0.0, 0.0, 10.0, 10.0));
    let start = now_ms();

    f.project.set_author("alice");
    add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 10.0, 10.0));
    f.project
        .apply(Edit::SetShape {
            id,
            shape: Shape::Rect(bx(5.0, 5.0, 15.0, 15.0)),
        })
        .unwrap();
    f.project.set_author("bob");
    f.project.undo().unwrap().unwrap();
    f.project.redo().unwrap().unwrap();
    f.project
        .apply(Edit::SetStatus {
            item: f.b,
            status: ItemStatus::Submitted,
        })
        .unwrap();

    let log = f.project.history(Some(f.b), 100).unwrap();
    let summary: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.author.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("bob", "set_status"),
            ("bob", "redo:set_shape"),
            ("bob", "undo:set_shape"),
            ("alice", "set_shape"),
            ("annotator", "add_annotations"),
        ]
    );
    assert!(log.iter().all(|e| e.item == Some(f.b)));
    assert!(log.windows(2).all(|w| w[0].seq > w[1].seq));
    assert!(log.windows(2).all(|w| w[0].time_ms >= w[1].time_ms));
    assert!(log[..4].iter().all(|e| e.time_ms >= start));
    assert!(log[3].detail.contains("SetShape"), "{}", log[3].detail);

    assert_eq!(f.project.history(Some(f.b), 2).unwrap(), log[..2].to_vec());
    let of_a = f.project.history(Some(f.a), 100).unwrap();
    assert_eq!(of_a.len(), 1);
    assert_eq!(
        (of_a[0].author.as_str(), of_a[0].kind.as_str()),
        ("alice", "add_annotations")
    );
    assert_eq!(f.project.history(None, 100).unwrap().len(), 6);
    assert!(f.project.history(Some(f.broken), 100).unwrap().is_empty());
}

#[test]
fn current_item_persists_across_reopening() {
    let mut f = fixture();
    assert_eq!(f.project.current_item(), None);
    f.project.set_current_item(f.b).unwrap();
    assert_eq!(f.project.current_item(), Some(f.b));
    drop(f.project);

    let mut project = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert_eq!(project.current_item(), Some(f.b));
    project.set_current_item(f.a).unwrap();
    drop(project);
    let project = Project::open(&f.dir, Access::ReadOnly).unwrap();
    assert_eq!(project.current_item(), Some(f.a));
}

#[test]
fn reopening_restores_every_box_label_and_status() {
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    let day = schema.add_image_label("day");
    let mut f = fixture_with(schema);
    f.project.set_author("张三");
    let ids = f
        .project
        .apply(Edit::AddAnnotations(vec![
            NewAnnotation {
                item: f.a,
                class: CAR,
                shape: Shape::Rect(bx(0.5, 0.25, 99.75, 79.5)),
                group: None,
                attributes: Default::default(),
            },
            NewAnnotation {
                item: f.b,
                class: PEDESTRIAN,
                shape: Shape::Rect(bx(1.0 / 3.0, 0.1, 639.9, 479.99)),
                group: None,
                attributes: Default::default(),
            },
            NewAnnotation {
                item: f.b,
                class: CAR,
                shape: Shape::Rect(bx(7.0, 8.0, 9.0, 10.0)),
                group: None,
                attributes: Default::default(),
            },
        ]))
        .unwrap()
        .created;
    f.project.set_author("李四");
    f.project
        .apply(Edit::SetAnnotationClass {
            id: ids[2],
            class: PEDESTRIAN,
        })
        .unwrap();
    f.project
        .apply(Edit::SetImageLabels {
            item: f.b,
            labels: vec![day],
        })
        .unwrap();
    f.project
        .apply(Edit::SetStatus {
            item: f.b,
            status: ItemStatus::Submitted,
        })
        .unwrap();
    // The highest id is deleted: it must not come back for a new box after reopening.
    f.project
        .apply(Edit::DeleteAnnotations(vec![ids[2]]))
        .unwrap();

    let boxes = f.project.all_annotations().unwrap();
    let labels = f.project.all_image_labels().unwrap();
    let items = f.project.items().to_vec();
    let stats = f.project.stats().unwrap();
    let manifest = f.project.manifest().clone();
    let history = f.project.history(None, 100).unwrap();
    assert_eq!(boxes.len(), 2);
    drop(f.project);

    let mut project = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert!(!project.is_read_only());
    assert_eq!(project.all_annotations().unwrap(), boxes);
    assert_eq!(project.all_image_labels().unwrap(), labels);
    assert_eq!(project.items(), &items[..]);
    assert_eq!(project.stats().unwrap(), stats);
    assert_eq!(project.manifest(), &manifest);
    assert_eq!(project.name(), "街景");
    assert_eq!(project.history(None, 100).unwrap(), history);
    // Undo history belongs to the session.
    assert!(!project.can_undo() && !project.can_redo());

    let fresh = add(&mut project, f.a, CAR, bx(0.0, 0.0, 1.0, 1.0));
    assert!(fresh > ids[2], "id {fresh} was reused");
}

#[test]
fn images_are_referenced_relative_to_the_project() {
    let f = fixture();
    assert_eq!(f.project.manifest().image_root, "../images");
    let a = f.project.item(f.a).unwrap();
    assert_eq!(
        std::fs::canonicalize(f.project.item_path(a).parent().unwrap()).unwrap(),
        std::fs::canonicalize(&f.images).unwrap()
    );
    assert_eq!(f.project.position(f.b), Some(1));
}

#[test]
fn items_already_present_are_not_added_twice() {
    let mut f = fixture();
    let added = f
        .project
        .add_items(&[new_item("a.jpg", 100, 80), new_item("c.jpg", 10, 10)])
        .unwrap();
    assert_eq!(added.len(), 1);
    assert!(added[0] > f.broken);
    assert_eq!(f.project.items().len(), 4);
}

#[test]
fn creating_over_a_project_or_opening_a_plain_folder_fails() {
    let f = fixture();
    let again = Project::create(&f.dir, "x", &f.images, LabelSchema::default());
    assert!(
        matches!(again, Err(ProjectError::AlreadyExists(_))),
        "{again:?}"
    );
    let plain = Project::open(&f.images, Access::ReadWrite);
    assert!(
        matches!(plain, Err(ProjectError::NotAProject(_))),
        "{plain:?}"
    );
}

fn set_format_version(dir: &Path, version: u32) {
    let path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let current = format!("format_version: {FORMAT_VERSION},");
    assert!(text.contains(&current), "{text}");
    let text = text.replace(&current, &format!("format_version: {version},"));
    std::fs::write(&path, text).unwrap();
}

#[test]
fn a_newer_project_format_is_refused() {
    let f = fixture();
    drop(f.project);
    set_format_version(&f.dir, 99);
    for access in [
        Access::ReadWrite,
        Access::ReadWriteOrReadOnly,
        Access::ReadOnly,
    ] {
        let err = Project::open(&f.dir, access).unwrap_err();
        assert!(
            matches!(err, ProjectError::NewerFormat { found: 99, .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("newer"), "{message}");
        assert!(message.contains("99"), "{message}");
    }
    // The refusal changed nothing: going back to version 1 opens the project again.
    let path = f.dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("format_version: 99,", "format_version: 1,"),
    )
    .unwrap();
    assert_eq!(
        Project::open(&f.dir, Access::ReadWrite)
            .unwrap()
            .items()
            .len(),
        3
    );
}

#[test]
fn one_writer_at_a_time_and_read_only_readers() {
    let mut f = fixture();
    let id = add(&mut f.project, f.a, CAR, bx(0.0, 0.0, 10.0, 10.0));
    f.project.set_current_item(f.a).unwrap();

    let second = Project::open(&f.dir, Access::ReadWrite);
    match second {
        Err(ProjectError::Locked(path)) => assert_eq!(path, f.dir),
        other => panic!("expected Locked, got {other:?}"),
    }

    let mut reader = Project::open(&f.dir, Access::ReadWriteOrReadOnly).unwrap();
    assert!(reader.is_read_only());
    assert_eq!(
        reader.annotations(f.a).unwrap(),
        f.project.annotations(f.a).unwrap()
    );
    assert_eq!(reader.current_item(), Some(f.a));
    let err = reader.apply(Edit::DeleteAnnotations(vec![id])).unwrap_err();
    assert!(matches!(err, ProjectError::ReadOnly), "{err:?}");
    assert!(matches!(reader.undo(), Err(ProjectError::ReadOnly)));
    assert!(matches!(reader.redo(), Err(ProjectError::ReadOnly)));
    assert!(matches!(
        reader.add_items(&[new_item("z.jpg", 1, 1)]),
        Err(ProjectError::ReadOnly)
    ));
    assert!(matches!(
        reader.update_schema(|s| {
            s.add_class("bike");
        }),
        Err(ProjectError::ReadOnly)
    ));
    // Moving around in a read-only window is not an error, and is not saved.
    reader.set_current_item(f.b).unwrap();
    assert_eq!(f.project.current_item(), Some(f.a));

    // The reader sees what the writer saves after it opened.
    let later = add(&mut f.project, f.b, PEDESTRIAN, bx(1.0, 1.0, 2.0, 2.0));
    assert_eq!(
        reader.annotations(f.b).unwrap(),
        f.project.annotations(f.b).unwrap()
    );
    assert_eq!(reader.annotations(f.b).unwrap()[0].id, later);

    // Once the writer is gone, the next one gets the lock, even with a reader open.
    drop(f.project);
    let mut writer = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert!(!writer.is_read_only());
    writer.apply(Edit::DeleteAnnotations(vec![id])).unwrap();
    assert!(reader.annotations(f.a).unwrap().is_empty());
    drop(writer);

    let upgraded = Project::open(&f.dir, Access::ReadWriteOrReadOnly).unwrap();
    assert!(!upgraded.is_read_only());
    drop(upgraded);
    drop(reader);

    // Read-only access never takes the lock, and reads a closed project too.
    let read_only = Project::open(&f.dir, Access::ReadOnly).unwrap();
    assert!(read_only.is_read_only());
    assert_eq!(read_only.all_annotations().unwrap().len(), 1);
    let writer = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert!(!writer.is_read_only());
}

#[test]
fn stats_count_items_boxes_and_labels() {
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    schema.add_class("bike");
    let day = schema.add_image_label("day");
    let mut f = fixture_with(schema);
    let c = f.project.add_items(&[new_item("c.jpg", 50, 50)]).unwrap()[0];

    let empty = f.project.stats().unwrap();
    assert_eq!(
        (
            empty.items,
            empty.items_new,
            empty.items_in_progress,
            empty.items_submitted
        ),
        (4, 4, 0, 0)
    );
    assert_eq!(empty.items_broken, 1);
    assert_eq!(empty.annotations, 0);
    assert!(empty.annotations_per_class.is_empty() && empty.labels_per_class.is_empty());

    let boxes = |item, class, n: usize| {
        (0..n).map(move |i| NewAnnotation {
            item,
            class,
            shape: Shape::Rect(bx(i as f32, 0.0, i as f32 + 1.0, 1.0)),
            group: None,
            attributes: Default::default(),
        })
    };
    let new: Vec<NewAnnotation> = boxes(f.a, CAR, 3)
        .chain(boxes(f.b, CAR, 2))
        .chain(boxes(f.b, PEDESTRIAN, 4))
        .collect();
    f.project.apply(Edit::AddAnnotations(new)).unwrap();
    f.project
        .apply(Edit::SetImageLabels {
            item: c,
            labels: vec![day],
        })
        .unwrap();
    f.project
        .apply(Edit::SetStatus {
            item: f.a,
            status: ItemStatus::Submitted,
        })
        .unwrap();

    let stats = f.project.stats().unwrap();
    assert_eq!(stats.items, 4);
    assert_eq!(
        (
            stats.items_new,
            stats.items_in_progress,
            stats.items_submitted
        ),
        (1, 2, 1)
    );
    assert_eq!(stats.items_broken, 1);
    assert_eq!(stats.annotations, 9);
    let per_class: Vec<(i64, &str, u64)> = stats
        .annotations_per_class
        .iter()
        .map(|c| (c.id, c.name.as_str(), c.count))
        .collect();
    assert_eq!(per_class, vec![(1, "car", 5), (2, "行人", 4)]);
    assert_eq!(stats.labels_per_class.len(), 1);
    assert_eq!(
        (
            stats.labels_per_class[0].name.as_str(),
            stats.labels_per_class[0].count
        ),
        ("day", 1)
    );

    let mut with_car = f.project.items_with_class(CAR).unwrap();
    with_car.sort();
    assert_eq!(with_car, vec![f.a, f.b]);
    assert_eq!(f.project.items_with_class(PEDESTRIAN).unwrap(), vec![f.b]);
    assert!(f.project.items_with_class(ClassId(3)).unwrap().is_empty());
}

#[test]
fn boxes_streamed_in_chunks_are_one_checked_durable_undo_step() {
    let mut f = fixture();
    let (a, b) = (f.a, f.b);
    let new = |item, class, bbox| NewAnnotation {
        item,
        class,
        shape: Shape::Rect(bbox),
        group: None,
        attributes: Default::default(),
    };
    let chunks: Vec<Result<Vec<NewAnnotation>, ProjectError>> = vec![
        Ok(vec![new(a, CAR, bx(1.0, 1.0, 10.0, 10.0))]),
        Ok(vec![]),
        // Clamped to the 640×480 image, as a plain AddBoxes would be.
        Ok(vec![
            new(b, PEDESTRIAN, bx(600.0, 400.0, 700.0, 500.0)),
            new(a, CAR, bx(2.0, 2.0, 3.0, 3.0)),
        ]),
    ];
    let applied = f.project.add_annotations_streamed(chunks).unwrap();
    assert_eq!(applied.created.len(), 3);
    assert_eq!(applied.touched, vec![a, b]);
    assert_eq!(
        the_box(&f.project, applied.created[1]).bounds(),
        bx(600.0, 400.0, 640.0, 480.0)
    );
    assert_eq!(status(&f.project, a), ItemStatus::InProgress);
    assert_eq!(status(&f.project, b), ItemStatus::InProgress);
    let log = f.project.history(None, 1).unwrap();
    assert_eq!(log[0].kind, "add_annotations");
    assert!(log[0].detail.contains("\"count\":3"), "{}", log[0].detail);

    // Durable: a reopened project has them.
    let dir = f.dir.clone();
    drop(f.project);
    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    assert_eq!(project.all_annotations().unwrap().len(), 3);

    // Reopened, there is no undo history; stream again and undo that one step.
    let again: Vec<Result<Vec<NewAnnotation>, ProjectError>> =
        vec![Ok(vec![new(b, CAR, bx(5.0, 5.0, 6.0, 6.0))])];
    project.add_annotations_streamed(again).unwrap();
    assert_eq!(project.all_annotations().unwrap().len(), 4);
    project.undo().unwrap().expect("one step to undo");
    assert_eq!(project.all_annotations().unwrap().len(), 3);
    project.redo().unwrap().expect("one step to redo");
    assert_eq!(project.all_annotations().unwrap().len(), 4);
}

#[test]
fn an_abandoned_or_invalid_stream_stores_nothing() {
    let mut f = fixture();
    let (a, broken) = (f.a, f.broken);
    let new = |item, class| NewAnnotation {
        item,
        class,
        shape: Shape::Rect(bx(1.0, 1.0, 10.0, 10.0)),
        group: None,
        attributes: Default::default(),
    };

    #[derive(Debug)]
    enum Stop {
        Project(ProjectError),
        Reader(&'static str),
    }
    impl From<ProjectError> for Stop {
        fn from(e: ProjectError) -> Self {
            Stop::Project(e)
        }
    }
    let abandoned: Vec<Result<Vec<NewAnnotation>, Stop>> = vec![
        Ok(vec![new(a, CAR)]),
        Err(Stop::Reader("the file is truncated")),
        Ok(vec![new(a, CAR)]),
    ];
    match f.project.add_annotations_streamed(abandoned) {
        Err(Stop::Reader(why)) => assert_eq!(why, "the file is truncated"),
        Err(Stop::Project(e)) => panic!("expected the reader's error, got {e}"),
        Ok(applied) => panic!("expected the reader's error, got {applied:?}"),
    }

    let invalid: Vec<Result<Vec<NewAnnotation>, ProjectError>> =
        vec![Ok(vec![new(a, CAR)]), Ok(vec![new(broken, CAR)])];
    let message = invalid_message(f.project.add_annotations_streamed(invalid));
    assert!(message.contains("broken.jpg"), "{message}");
    let unknown_class: Vec<Result<Vec<NewAnnotation>, ProjectError>> =
        vec![Ok(vec![new(a, ClassId(99))])];
    let message = invalid_message(f.project.add_annotations_streamed(unknown_class));
    assert!(message.contains("no class with id 99"), "{message}");

    let nothing: Vec<Result<Vec<NewAnnotation>, ProjectError>> = vec![Ok(vec![]), Ok(vec![])];
    let applied = f.project.add_annotations_streamed(nothing).unwrap();
    assert!(applied.created.is_empty());

    assert!(f.project.all_annotations().unwrap().is_empty());
    assert_eq!(status(&f.project, a), ItemStatus::New);
    assert!(
        !f.project.can_undo(),
        "nothing was stored, so nothing to undo"
    );
    assert!(f.project.history(None, 10).unwrap().is_empty());
}

#[test]
fn done_items_of_an_earlier_version_open_as_submitted() {
    let mut f = fixture();
    let a = f.a;
    f.project
        .apply(Edit::SetStatus {
            item: a,
            status: ItemStatus::Submitted,
        })
        .unwrap();
    drop(f.project);
    // What version 1 of the database said.
    let db = f.dir.join(shugu::project::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("UPDATE items SET status = 'done' WHERE id = ?1", [a.0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let read_only = Project::open(&f.dir, Access::ReadOnly).unwrap();
    assert_eq!(status(&read_only, a), ItemStatus::Submitted);
    drop(read_only);

    let project = Project::open(&f.dir, Access::ReadWrite).unwrap();
    assert_eq!(status(&project, a), ItemStatus::Submitted);
    assert_eq!(project.stats().unwrap().items_submitted, 1);
    drop(project);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: String = conn
        .query_row("SELECT status FROM items WHERE id = ?1", [a.0], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, "submitted", "migrated in the database too");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, DB_VERSION, "the current layout");
}

#[test]
fn review_statuses_are_edits_that_undo() {
    let mut f = fixture();
    let a = f.a;
    for next in [
        ItemStatus::Submitted,
        ItemStatus::Rejected,
        ItemStatus::Submitted,
        ItemStatus::Accepted,
    ] {
        f.project
            .apply(Edit::SetStatus {
                item: a,
                status: next,
            })
            .unwrap();
        assert_eq!(status(&f.project, a), next);
    }
    f.project.undo().unwrap().unwrap();
    assert_eq!(status(&f.project, a), ItemStatus::Submitted);
    f.project.undo().unwrap().unwrap();
    assert_eq!(status(&f.project, a), ItemStatus::Rejected);
    let stats = f.project.stats().unwrap();
    assert_eq!((stats.items_rejected, stats.items_accepted), (1, 0));
}

#[test]
fn review_comments_pin_to_items_and_boxes_and_undo() {
    use shugu::model::{CommentTarget, NewComment};
    let mut f = fixture();
    let (a, b) = (f.a, f.b);
    let on_a = add(&mut f.project, a, CAR, bx(1.0, 1.0, 10.0, 10.0));
    let comment = |item, target, body: &str| NewComment {
        item,
        target,
        body: body.into(),
    };
    f.project
        .apply(Edit::Batch(vec![
            Edit::SetStatus {
                item: a,
                status: ItemStatus::Rejected,
            },
            Edit::AddComments(vec![
                comment(a, None, "missed object"),
                comment(a, Some(CommentTarget::Annotation(on_a)), "loose box"),
            ]),
        ]))
        .unwrap();
    let comments = f.project.comments(a).unwrap();
    let bodies: Vec<&str> = comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["missed object", "loose box"]);
    assert_eq!(comments[1].target, Some(CommentTarget::Annotation(on_a)));
    assert_eq!(comments[0].author, f.project.author());

    let message = invalid_message(f.project.apply(Edit::AddComments(vec![comment(
        b,
        Some(CommentTarget::Annotation(on_a)),
        "wrong item",
    )])));
    assert!(message.contains("is not on item"), "{message}");
    let message = invalid_message(
        f.project
            .apply(Edit::AddComments(vec![comment(a, None, "  ")])),
    );
    assert!(message.contains("needs some text"), "{message}");

    f.project.undo().unwrap().unwrap();
    assert!(f.project.comments(a).unwrap().is_empty());
    assert_eq!(status(&f.project, a), ItemStatus::InProgress);
    f.project.redo().unwrap().unwrap();
    assert_eq!(
        f.project.comments(a).unwrap(),
        comments,
        "same ids and authors"
    );

    let dir = f.dir.clone();
    drop(f.project);
    let reopened = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(reopened.comments(a).unwrap(), comments);
}

#[test]
fn stats_give_each_annotator_their_review_figures() {
    let mut f = fixture();
    let (a, b) = (f.a, f.b);
    f.project.set_author("alice");
    add(&mut f.project, a, CAR, bx(1.0, 1.0, 10.0, 10.0));
    add(&mut f.project, b, CAR, bx(1.0, 1.0, 10.0, 10.0));
    f.project.set_author("bob");
    add(&mut f.project, b, PEDESTRIAN, bx(2.0, 2.0, 9.0, 9.0));
    for (item, status) in [(a, ItemStatus::Accepted), (b, ItemStatus::Rejected)] {
        f.project.apply(Edit::SetStatus { item, status }).unwrap();
    }
    let stats = f.project.stats().unwrap();
    let figures: Vec<(&str, usize, usize, usize, Option<f64>)> = stats
        .annotators
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.items,
                s.accepted,
                s.rejected,
                s.rejection_rate,
            )
        })
        .collect();
    assert_eq!(
        figures,
        [("alice", 2, 1, 1, Some(0.5)), ("bob", 1, 0, 1, Some(1.0))]
    );
}

#[test]
fn stats_count_each_annotators_submissions_per_hour() {
    let mut f = fixture();
    let (a, b) = (f.a, f.b);
    let before = now_ms();
    f.project.set_author("alice");
    add(&mut f.project, a, CAR, bx(1.0, 1.0, 10.0, 10.0));
    for item in [a, b] {
        let submit = Edit::SetStatus {
            item,
            status: ItemStatus::Submitted,
        };
        f.project.apply(submit).unwrap();
    }
    // Undone and submitted again: still one item in that hour.
    f.project.undo().unwrap().unwrap();
    f.project.redo().unwrap().unwrap();
    f.project.set_author("bob");
    let rework = Edit::SetStatus {
        item: a,
        status: ItemStatus::Submitted,
    };
    f.project.apply(rework).unwrap();
    let after = now_ms();

    let stats = f.project.stats().unwrap();
    let pace: Vec<(&str, usize, usize)> = stats
        .throughput
        .iter()
        .map(|t| (t.name.as_str(), t.submitted, t.active_hours))
        .collect();
    let hours =
        |t: &shugu::project::AnnotatorThroughput| t.per_hour.iter().map(|h| h.items).sum::<usize>();
    // The run may straddle an hour boundary; the totals hold either way.
    let straddles = before / 3_600_000 != after / 3_600_000;
    if !straddles {
        assert_eq!(pace, [("alice", 2, 1), ("bob", 1, 1)]);
        assert_eq!(stats.throughput[0].items_per_hour, 2.0);
        let hour = stats.throughput[0].per_hour[0].hour_start_ms;
        assert!(hour <= before && before - hour < 3_600_000, "{hour}");
    }
    assert_eq!(hours(&stats.throughput[0]), stats.throughput[0].submitted);
    assert_eq!(stats.throughput.len(), 2);
}

#[test]
fn item_queries_filter_by_status_class_annotator_and_recency() {
    use shugu::project::{ItemQuery, StatusFilter};
    let mut f = fixture();
    let (a, b) = (f.a, f.b);
    f.project.set_author("alice");
    add(&mut f.project, a, CAR, bx(1.0, 1.0, 10.0, 10.0));
    f.project.set_author("bob");
    add(&mut f.project, b, PEDESTRIAN, bx(1.0, 1.0, 10.0, 10.0));
    for item in [a, b] {
        let submit = Edit::SetStatus {
            item,
            status: ItemStatus::Submitted,
        };
        f.project.apply(submit).unwrap();
    }
    let ids = |q: &ItemQuery| -> Vec<ItemId> {
        let positions = f.project.query_items(q).unwrap();
        positions.iter().map(|&i| f.project.items()[i].id).collect()
    };
    assert_eq!(ids(&ItemQuery::review_queue()), [a, b]);
    let alice = ItemQuery {
        annotator: Some("alice".into()),
        ..ItemQuery::review_queue()
    };
    assert_eq!(ids(&alice), [a]);
    let pedestrians = ItemQuery {
        class: Some(PEDESTRIAN),
        ..ItemQuery::default()
    };
    assert_eq!(ids(&pedestrians), [b]);
    let broken = ItemQuery {
        status: StatusFilter::Broken,
        ..ItemQuery::default()
    };
    assert_eq!(ids(&broken), [f.broken]);
    let future = ItemQuery {
        changed_since_ms: Some(now_ms() + 60_000),
        ..ItemQuery::default()
    };
    assert!(ids(&future).is_empty());
    let last_hour = ItemQuery {
        changed_since_ms: Some(now_ms() - 3_600_000),
        ..ItemQuery::default()
    };
    assert_eq!(ids(&last_hour), [a, b], "the broken item was never edited");
}
