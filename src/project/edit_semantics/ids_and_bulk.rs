//! Ids never reused, restores onto taken ids refused, failures that leave
//! nothing behind, groups of edits, and the bulk paths (streamed boxes,
//! labelled texts), which hand the engine their rows in chunks.

use super::every_edit::{World, log_len, newest_entry};
use super::{AUTHOR, OpenStore, empty_project, fixture, text_item};
use crate::model::{
    Annotation, AnnotationId, AttrValue, BBox, ClassId, CommentId, Edit, GroupId, ItemId,
    ItemStatus, LabelId, NewAnnotation, NewComment, NewProposal, NewSpan, Shape, SpanRef,
};
use crate::project::{Applied, LabelledText, Project, ProjectError};

const CAR: ClassId = ClassId(1);

fn a_box(item: ItemId) -> NewAnnotation {
    NewAnnotation::rect(item, CAR, BBox::from_xywh(1.0, 1.0, 10.0, 10.0))
}

fn refused(result: Result<impl std::fmt::Debug, ProjectError>) -> String {
    match result {
        Err(ProjectError::InvalidEdit(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn a_proposal(item: ItemId) -> NewProposal {
    NewProposal {
        item,
        class: CAR,
        shape: Shape::Rect(BBox::from_xywh(1.0, 1.0, 5.0, 5.0)),
        score: 0.5,
        source: "m".into(),
        attributes: Default::default(),
    }
}

/// Reads the id an edit gave, from what it did or from the project.
type IdOf<'a> = &'a dyn Fn(&Project, &Applied) -> i64;

/// Applies `edit`, undoes it and applies it again; returns the id `id_of`
/// reads after each application.
fn ids_after_undo(p: &mut Project, edit: Edit, id_of: IdOf) -> (i64, i64) {
    let applied = p.apply(edit.clone()).unwrap();
    let first = id_of(p, &applied);
    p.undo().unwrap();
    let applied = p.apply(edit).unwrap();
    (first, id_of(p, &applied))
}

pub(super) fn ids_are_never_reused(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, ..] = f.images;
    let t1 = f.texts[0];
    let span = NewSpan {
        item: t1,
        class: CAR,
        start: 0,
        end: 1,
    };
    let note = NewComment {
        item: a,
        target: None,
        body: "again".into(),
    };
    let cases: [(&str, Edit, IdOf); 4] = [
        ("box", Edit::AddAnnotations(vec![a_box(a)]), &|_, done| {
            done.created[0].0
        }),
        ("span", Edit::AddSpans(vec![span]), &|_, done| {
            done.created_spans[0].0
        }),
        ("comment", Edit::AddComments(vec![note]), &|p, _| {
            p.comments(a).unwrap()[0].id.0
        }),
        (
            "proposal",
            Edit::AddProposals(vec![a_proposal(a)]),
            &|p, _| p.proposals(a).unwrap()[0].id.0,
        ),
    ];
    for (what, edit, id_of) in cases {
        let (first, second) = ids_after_undo(p, edit, id_of);
        assert!(second > first, "{what} {second} after the undone {first}");
    }
    let last_box = p.all_annotations().unwrap()[0].id;
    p.apply(Edit::DeleteAnnotations(vec![last_box])).unwrap();
    p.undo().unwrap();
    assert!(
        p.annotation(last_box).unwrap().is_some(),
        "undo brings the box back under its id"
    );
}

pub(super) fn a_restore_onto_a_taken_id_is_refused_and_changes_nothing(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, ..] = f.images;
    let t1 = f.texts[0];
    let id = p
        .apply(Edit::AddAnnotations(vec![a_box(a)]))
        .unwrap()
        .created[0];
    let span = NewSpan {
        item: t1,
        class: CAR,
        start: 0,
        end: 1,
    };
    let span_id = p.apply(Edit::AddSpans(vec![span])).unwrap().created_spans[0];
    p.apply(Edit::AddComments(vec![NewComment {
        item: a,
        target: None,
        body: "x".into(),
    }]))
    .unwrap();
    p.apply(Edit::AddProposals(vec![a_proposal(a)])).unwrap();
    let before = World::of(p);
    let logged = log_len(p);

    let the_box = p.annotation(id).unwrap().unwrap();
    let why = refused(p.apply(Edit::RestoreAnnotations(vec![the_box])));
    assert_eq!(why, format!("annotation id {id} is already in use"));
    let the_span = p
        .span(SpanRef {
            item: t1,
            id: span_id,
        })
        .unwrap()
        .unwrap();
    let why = refused(p.apply(Edit::RestoreSpans(vec![the_span])));
    assert_eq!(why, format!("span id {span_id} is already in use"));
    let comment = p.comments(a).unwrap().remove(0);
    let why = refused(p.apply(Edit::RestoreComments(vec![comment.clone()])));
    assert_eq!(why, format!("comment id {} is already in use", comment.id));
    let proposal = p.proposals(a).unwrap().remove(0);
    let why = refused(p.apply(Edit::RestoreProposals(vec![proposal.clone()])));
    assert_eq!(
        why,
        format!("proposal id {} is already in use", proposal.id)
    );

    assert_eq!(World::of(p), before);
    assert_eq!(log_len(p), logged);
}

/// Every annotation comes back ordered by item, then id, whatever order
/// they were added in (the SQLite store reads them in id order and sorts),
/// and an export's read gives the same annotations.
pub(super) fn all_annotations_are_ordered_by_item_then_id(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, b, c, _] = f.images;
    for item in [c, a, b, a, c] {
        p.apply(Edit::AddAnnotations(vec![a_box(item)])).unwrap();
    }
    let mut marked = a_box(b);
    marked.group = Some(GroupId(3));
    marked
        .attributes
        .insert("occluded".into(), AttrValue::Bool(true));
    p.apply(Edit::AddAnnotations(vec![marked])).unwrap();
    let order: Vec<(ItemId, AnnotationId)> = p
        .all_annotations()
        .unwrap()
        .iter()
        .map(|x| (x.item, x.id))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(
        order.iter().map(|&(item, _)| item).collect::<Vec<_>>(),
        [a, a, b, b, c, c]
    );

    // An export's read: the same annotations in the same order, their
    // provenance empty or whole.
    let full = p.all_annotations().unwrap();
    let exported = p.all_annotations_for_export().unwrap();
    assert_eq!(exported.len(), full.len());
    for (e, f) in exported.iter().zip(&full) {
        assert!(e.provenance == f.provenance || e.provenance.author.is_empty());
        let content = |a: &Annotation| (a.id, a.item, a.class, a.shape.clone(), a.group);
        assert_eq!((content(e), &e.attributes), (content(f), &f.attributes));
    }
}

pub(super) fn a_failed_edit_changes_nothing(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, b, ..] = f.images;
    let before = World::of(p);
    let logged = log_len(p);
    // The boxes go in and start the item before the delete fails.
    let edit = Edit::Batch(vec![
        Edit::AddAnnotations(vec![a_box(a)]),
        Edit::SetStatus {
            item: b,
            status: ItemStatus::Submitted,
        },
        Edit::DeleteComments(vec![CommentId(999)]),
    ]);
    assert_eq!(refused(p.apply(edit)), "there is no comment with id 999");
    assert_eq!(World::of(p), before);
    assert_eq!(log_len(p), logged);
    assert!(!p.can_undo());
}

pub(super) fn a_group_is_stored_whole_or_not_at_all(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, b, ..] = f.images;
    let before = World::of(p);
    let logged = log_len(p);
    let failed: Result<(), ProjectError> = p.apply_together(|p| {
        p.apply(Edit::AddAnnotations(vec![a_box(a)]))?;
        p.apply(Edit::SetStatus {
            item: b,
            status: ItemStatus::Submitted,
        })?;
        Err(ProjectError::InvalidEdit(
            "the merge found a conflict".into(),
        ))
    });
    assert!(failed.is_err());
    assert_eq!(World::of(p), before);
    assert_eq!(log_len(p), logged);
    assert!(!p.can_undo());

    p.apply_together(|p| -> Result<(), ProjectError> {
        p.apply(Edit::AddAnnotations(vec![a_box(a)]))?;
        p.apply(Edit::SetStatus {
            item: b,
            status: ItemStatus::Submitted,
        })?;
        Ok(())
    })
    .unwrap();
    let after = World::of(p);
    assert_eq!(log_len(p), logged + 2);
    p.undo().unwrap();
    assert_eq!(World::of(p), before, "the group is one step of undo");
    assert!(!p.can_undo());
    p.redo().unwrap();
    assert_eq!(World::of(p), after);
}

pub(super) fn streamed_boxes_are_one_edit_and_one_step(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, b, c, _] = f.images;
    let before = World::of(p);
    let logged = log_len(p);

    let abandoned = p.add_annotations_streamed([
        Ok(vec![a_box(a)]),
        Err(ProjectError::InvalidEdit("the reader failed".into())),
    ]);
    assert_eq!(refused(abandoned), "the reader failed");
    assert_eq!(World::of(p), before);

    let chunks = [vec![a_box(a), a_box(a)], vec![], vec![a_box(b), a_box(c)]];
    let applied = p
        .add_annotations_streamed(chunks.map(Ok::<_, ProjectError>))
        .unwrap();
    assert_eq!(applied.created.len(), 4);
    assert!(applied.created.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(applied.touched, [a, b, c]);
    let after = World::of(p);
    assert!(
        [a, b, c]
            .iter()
            .all(|&i| p.item(i).unwrap().status == ItemStatus::InProgress),
        "the first boxes start their items"
    );
    let entry = newest_entry(p);
    assert_eq!(
        (entry.kind.as_str(), entry.author.as_str()),
        ("add_annotations", AUTHOR)
    );
    assert_eq!(entry.detail, r#"{"count":4,"kind":"add_annotations"}"#);
    assert_eq!(log_len(p), logged + 1);

    p.undo().unwrap();
    assert_eq!(World::of(p), before);
    assert_eq!(log_len(p), logged + 2);
    p.redo().unwrap();
    assert_eq!(World::of(p), after);
}

fn labelled(
    rel_path: &str,
    text: &str,
    spans: &[(u32, u32, &str)],
    labels: &[&str],
) -> LabelledText {
    LabelledText {
        item: text_item(rel_path, text),
        spans: spans
            .iter()
            .map(|&(s, e, c)| (s, e, c.to_string()))
            .collect(),
        labels: labels.iter().map(|l| l.to_string()).collect(),
    }
}

pub(super) fn labelled_texts_into_an_empty_project(open: OpenStore) {
    let (_tmp, mut project) = empty_project(open);
    let p = &mut project;
    let added = p
        .add_labelled_texts([Ok::<_, ProjectError>(vec![
            labelled(
                "r1",
                "好评如潮",
                &[(0, 2, "car"), (2, 4, "情感")],
                &["rain"],
            ),
            labelled("r2", "nothing to see", &[], &[]),
        ])])
        .unwrap();
    assert_eq!((added.items, added.spans, added.classified), (2, 2, 1));
    assert_eq!(added.new_classes, ["情感"]);
    let [r1, r2] = [0, 1].map(|i| p.items()[i].id);
    assert_eq!(p.item(r1).unwrap().status, ItemStatus::InProgress);
    assert_eq!(p.item(r2).unwrap().status, ItemStatus::New);
    assert_eq!(p.text(r1).unwrap().unwrap().text, "好评如潮");
    assert_eq!(p.image_labels(r1).unwrap(), [LabelId(3)]);
    let entry = newest_entry(p);
    assert_eq!(entry.kind, "add_labelled_texts");
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(
        (&detail["items"], &detail["spans"], &detail["classified"]),
        (&2.into(), &2.into(), &1.into())
    );
    let after = World::of(p);

    p.undo().unwrap();
    let undone = World::of(p);
    assert_eq!(p.items().len(), 2, "the texts stay, like scanned images");
    assert!(p.all_spans().unwrap().is_empty());
    assert!(p.all_image_labels().unwrap().is_empty());
    assert!(p.items().iter().all(|i| i.status == ItemStatus::New));
    p.redo().unwrap();
    assert_eq!(World::of(p), after);
    p.undo().unwrap();
    assert_eq!(World::of(p), undone);
}

pub(super) fn labelled_texts_with_an_edit_of_texts_already_there(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let t1 = f.texts[0];
    let before = World::of(p);
    let mut resolver = p.text_resolver().unwrap();
    let chunk = resolver
        .resolve(vec![labelled("r3", "新的一条", &[(0, 2, "car")], &[])])
        .unwrap();
    let added = p
        .add_resolved_texts_and(vec![chunk], |_| {
            let span = NewSpan {
                item: t1,
                class: CAR,
                start: 0,
                end: 2,
            };
            Ok::<_, ProjectError>(Edit::AddSpans(vec![span]))
        })
        .unwrap();
    assert_eq!(
        (added.items, added.spans),
        (1, 2),
        "the new text's span and the edit's"
    );
    let r3 = p.items().last().unwrap().id;
    assert_eq!(p.item(r3).unwrap().status, ItemStatus::InProgress);
    assert_eq!(p.item(t1).unwrap().status, ItemStatus::InProgress);
    assert_eq!(p.spans(t1).unwrap().len(), 1);

    p.undo().unwrap();
    assert!(p.all_spans().unwrap().is_empty());
    assert_eq!(p.item(t1).unwrap().status, ItemStatus::New);
    assert_eq!(p.item(r3).unwrap().status, ItemStatus::New);
    let mut now = World::of(p);
    now.statuses.retain(|(item, _)| *item != r3);
    assert_eq!(
        now, before,
        "one step of undo takes back the labels and the edit"
    );
}
