//! Every kind of edit through the project's edit path: applied, undone and
//! redone, each step checked against everything the project shows.

use super::{AUTHOR, Fixture, OpenStore, fixture};
use crate::model::{
    Annotation, AnnotationOrigin, AttrValue, BBox, ClassId, Comment, CommentTarget, Edit,
    ImageLabelMode, ItemId, ItemStatus, ItemVersion, LabelId, NewAnnotation, NewComment,
    NewProposal, NewSpan, Proposal, Shape, SpanAnnotation, SpanRef, VersionKind,
};
use crate::project::{Applied, LogEntry, Project, ProjectError};

const CAR: ClassId = ClassId(1);
const WALKER: ClassId = ClassId(2);

/// Everything an edit can change, as the project shows it. Times of change
/// are left out: an undo is a change too, made now.
#[derive(Debug, PartialEq)]
pub(super) struct World {
    pub(super) statuses: Vec<(ItemId, ItemStatus)>,
    boxes: Vec<(Annotation, Option<AnnotationOrigin>)>,
    spans: Vec<SpanAnnotation>,
    labels: Vec<(ItemId, Vec<LabelId>)>,
    comments: Vec<Comment>,
    proposals: Vec<Proposal>,
    golden: Vec<ItemId>,
    versions: Vec<ItemVersion>,
    label_mode: ImageLabelMode,
}

impl World {
    pub(super) fn of(p: &Project) -> World {
        let statuses: Vec<(ItemId, ItemStatus)> =
            p.items().iter().map(|i| (i.id, i.status)).collect();
        let mut stored = p.store().statuses().unwrap();
        stored.sort_by_key(|(id, _)| *id);
        assert_eq!(statuses, stored, "the item list shows what the store holds");
        let boxes = (p.all_annotations().unwrap().into_iter())
            .map(|mut b| {
                b.provenance.updated_ms = 0;
                let origin = p.annotation_origin(b.id).unwrap();
                (b, origin)
            })
            .collect();
        let spans = (p.all_spans().unwrap().into_iter())
            .map(|mut s| {
                s.provenance.updated_ms = 0;
                s
            })
            .collect();
        let comments = (p.items().iter())
            .flat_map(|i| p.comments(i.id).unwrap())
            .collect();
        let versions = (p.item_versions().unwrap().into_iter())
            .map(|mut v| {
                v.created_ms = 0;
                v
            })
            .collect();
        World {
            statuses,
            boxes,
            spans,
            labels: p.all_image_labels().unwrap(),
            comments,
            proposals: p.all_proposals().unwrap(),
            golden: p.golden_items().unwrap(),
            versions,
            label_mode: p.schema().image_label_mode,
        }
    }
}

pub(super) fn newest_entry(p: &Project) -> LogEntry {
    p.history(None, 1).unwrap().remove(0)
}

pub(super) fn log_len(p: &Project) -> usize {
    p.history(None, usize::MAX >> 1).unwrap().len()
}

/// Applies `edit` (already in its normal form), checks that it changed
/// something and was logged, undoes it and checks that everything is as
/// before, redoes it and checks that everything is as after, each step
/// logged. Returns what the edit did.
pub(super) fn cycle(p: &mut Project, edit: Edit) -> Applied {
    let kind = edit.kind();
    let before = World::of(p);
    let logged = log_len(p);
    let applied = (p.apply(edit.clone())).unwrap_or_else(|e| panic!("{kind}: {e}"));
    let after = World::of(p);
    assert_ne!(before, after, "{kind} changed nothing");
    let entry = newest_entry(p);
    assert_eq!(entry.kind, kind);
    assert_eq!(entry.author, AUTHOR);
    assert_eq!(entry.detail, serde_json::to_string(&edit).unwrap());
    let one_item = (applied.touched.len() == 1).then(|| applied.touched[0]);
    assert_eq!(entry.item, one_item, "{kind}: the entry names its one item");

    assert!(p.undo().unwrap().is_some(), "{kind} undoes");
    assert_eq!(World::of(p), before, "undo of {kind}");
    let undone = newest_entry(p);
    assert!(undone.kind.starts_with("undo:"), "{}", undone.kind);
    assert_eq!(undone.item, one_item, "undo of {kind}");
    serde_json::from_str::<Edit>(&undone.detail).expect("the inverse is logged");

    assert!(p.redo().unwrap().is_some(), "{kind} redoes");
    assert_eq!(World::of(p), after, "redo of {kind}");
    assert!(newest_entry(p).kind.starts_with("redo:"));
    assert_eq!(log_len(p), logged + 3);
    applied
}

fn status(p: &Project, item: ItemId) -> ItemStatus {
    p.item(item).unwrap().status
}

fn new_box(item: ItemId, class: ClassId, x: f32) -> NewAnnotation {
    NewAnnotation::rect(item, class, BBox::from_xywh(x, 10.0, 20.0, 20.0))
}

pub(super) fn every_edit_applies_undoes_and_redoes(open: OpenStore) {
    let Fixture {
        _tmp,
        mut project,
        images: [a, b, c, d],
        texts: [t1, t2],
    } = fixture(open);
    let p = &mut project;

    // Boxes; the first on an item starts it.
    let added = cycle(
        p,
        Edit::AddAnnotations(vec![
            new_box(a, CAR, 10.0),
            new_box(a, WALKER, 40.0),
            new_box(b, CAR, 10.0),
        ]),
    );
    let [b0, b1, b2] = added.created[..] else {
        panic!("three boxes: {added:?}");
    };
    assert_eq!(added.touched, [a, b]);
    assert_eq!(
        (status(p, a), status(p, b)),
        (ItemStatus::InProgress, ItemStatus::InProgress)
    );
    assert_eq!(p.annotation(b0).unwrap().unwrap().provenance.author, AUTHOR);
    let bbox = BBox::from_xywh(12.0, 14.0, 20.0, 20.0);
    cycle(
        p,
        Edit::SetShape {
            id: b0,
            shape: Shape::Rect(bbox),
        },
    );
    cycle(
        p,
        Edit::SetAnnotationClass {
            id: b0,
            class: WALKER,
        },
    );
    let attributes = [
        ("note".to_string(), AttrValue::Text("半遮挡".into())),
        ("occluded".to_string(), AttrValue::Bool(true)),
    ]
    .into();
    cycle(p, Edit::SetAnnotationAttributes { id: b0, attributes });
    let mut elsewhere = p.annotation(b2).unwrap().unwrap();
    elsewhere.provenance.author = "package annotator".into();
    elsewhere.provenance.created_ms = 5;
    let copied = cycle(p, Edit::CopyAnnotations(vec![elsewhere]));
    let copy = p.annotation(copied.created[0]).unwrap().unwrap();
    assert!(copy.id > b2, "a copy gets a new id");
    assert_eq!(copy.provenance.author, "package annotator");
    let was = p.annotation(b1).unwrap().unwrap();
    cycle(p, Edit::DeleteAnnotations(vec![b1]));
    cycle(p, Edit::RestoreAnnotations(vec![was.clone()]));
    assert_eq!(p.annotation(b1).unwrap(), Some(was));

    // Spans.
    let spans = cycle(
        p,
        Edit::AddSpans(vec![
            NewSpan {
                item: t1,
                class: CAR,
                start: 0,
                end: 2,
            },
            NewSpan {
                item: t1,
                class: WALKER,
                start: 3,
                end: 5,
            },
        ]),
    );
    assert_eq!(status(p, t1), ItemStatus::InProgress);
    let [s0, s1] = spans.created_spans[..] else {
        panic!("two spans: {spans:?}");
    };
    let at = |id| SpanRef { item: t1, id };
    cycle(
        p,
        Edit::SetSpanClass {
            span: at(s0),
            class: WALKER,
        },
    );
    let mut from_elsewhere = p.span(at(s1)).unwrap().unwrap();
    from_elsewhere.item = t2;
    from_elsewhere.provenance.author = "package annotator".into();
    let copied = cycle(p, Edit::CopySpans(vec![from_elsewhere]));
    assert!(copied.created_spans[0] > s1);
    assert_eq!(status(p, t2), ItemStatus::InProgress);
    let was = p.span(at(s1)).unwrap().unwrap();
    cycle(p, Edit::DeleteSpans(vec![at(s1)]));
    cycle(p, Edit::RestoreSpans(vec![was]));

    // Item-level labels, one per item, then several.
    cycle(
        p,
        Edit::SetImageLabels {
            item: c,
            labels: vec![LabelId(1)],
        },
    );
    assert_eq!(status(p, c), ItemStatus::InProgress);
    cycle(
        p,
        Edit::SetItemsImageLabels {
            items: vec![a, c, d],
            labels: vec![LabelId(2)],
        },
    );
    cycle(
        p,
        Edit::SetImageLabelMode {
            from: ImageLabelMode::Single,
            to: ImageLabelMode::Multi,
        },
    );
    cycle(
        p,
        Edit::SetItemsImageLabels {
            items: vec![a, b],
            labels: vec![LabelId(1), LabelId(3)],
        },
    );

    // Statuses.
    cycle(
        p,
        Edit::SetStatus {
            item: a,
            status: ItemStatus::Submitted,
        },
    );
    cycle(
        p,
        Edit::SetItemsStatus {
            items: vec![a, b, c],
            status: ItemStatus::Accepted,
        },
    );

    // Review comments, on an item, a box and a span.
    let note = |item, target, body: &str| NewComment {
        item,
        target,
        body: body.into(),
    };
    cycle(
        p,
        Edit::AddComments(vec![
            note(a, None, "看一下"),
            note(a, Some(CommentTarget::Annotation(b0)), "too tight"),
            note(t1, Some(CommentTarget::Span(s0)), "wrong class"),
        ]),
    );
    let first = p.comments(a).unwrap().remove(0);
    assert_eq!(
        (first.author.as_str(), first.body.as_str()),
        (AUTHOR, "看一下")
    );
    cycle(p, Edit::DeleteComments(vec![first.id]));
    cycle(p, Edit::RestoreComments(vec![first]));

    // Golden items and annotators' versions.
    cycle(
        p,
        Edit::SetGolden {
            item: d,
            golden: true,
        },
    );
    let snapshot = p.snapshot(a).unwrap();
    let version = |body| Edit::SetItemVersion {
        item: a,
        annotator: "张三".into(),
        kind: VersionKind::Overlap,
        body,
    };
    cycle(p, version(Some(snapshot)));
    cycle(p, version(None));
    cycle(
        p,
        Edit::SetGolden {
            item: d,
            golden: false,
        },
    );
}

pub(super) fn proposals_are_not_annotations_until_accepted(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let d = f.images[3];
    let proposal = |class, score| NewProposal {
        item: d,
        class,
        shape: Shape::Rect(BBox::from_xywh(5.0, 5.0, 30.0, 30.0)),
        score,
        source: "yolov8n".into(),
        attributes: Default::default(),
    };
    cycle(
        p,
        Edit::AddProposals(vec![proposal(CAR, 0.9), proposal(WALKER, 0.4)]),
    );
    assert_eq!(
        status(p, d),
        ItemStatus::New,
        "a proposal is not an annotation"
    );
    let [best, worst] = <[Proposal; 2]>::try_from(p.proposals(d).unwrap()).unwrap();
    assert!(best.score > worst.score);
    cycle(p, Edit::DeleteProposals(vec![worst.id]));
    cycle(p, Edit::RestoreProposals(vec![worst.clone()]));
    let accepted = cycle(p, Edit::AcceptProposals(vec![best.id]));
    assert_eq!(status(p, d), ItemStatus::InProgress);
    let made = p.annotation(accepted.created[0]).unwrap().unwrap();
    assert_eq!(
        (made.class, made.bounds(), made.provenance.author.as_str()),
        (CAR, best.bounds(), AUTHOR)
    );
    let origin = p.annotation_origin(made.id).unwrap().unwrap();
    assert_eq!((origin.source.as_str(), origin.score), ("yolov8n", 0.9));
    assert_eq!(p.proposals(d).unwrap(), [worst]);
}

pub(super) fn an_explicit_status_wins_over_the_rule(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let [a, b, ..] = f.images;
    cycle(
        p,
        Edit::Batch(vec![
            Edit::AddAnnotations(vec![new_box(a, CAR, 1.0), new_box(b, CAR, 1.0)]),
            Edit::SetStatus {
                item: a,
                status: ItemStatus::Submitted,
            },
        ]),
    );
    assert_eq!(
        (status(p, a), status(p, b)),
        (ItemStatus::Submitted, ItemStatus::InProgress)
    );
    // An item already past new is not moved back by a later box.
    cycle(p, Edit::AddAnnotations(vec![new_box(a, WALKER, 50.0)]));
    assert_eq!(status(p, a), ItemStatus::Submitted);
}

pub(super) fn one_label_per_item_again_only_when_no_item_has_several(open: OpenStore) {
    let mut f = fixture(open);
    let p = &mut f.project;
    let a = f.images[0];
    let widen = Edit::SetImageLabelMode {
        from: ImageLabelMode::Single,
        to: ImageLabelMode::Multi,
    };
    let narrow = Edit::SetImageLabelMode {
        from: ImageLabelMode::Multi,
        to: ImageLabelMode::Single,
    };
    p.apply(widen).unwrap();
    p.apply(Edit::SetImageLabels {
        item: a,
        labels: vec![LabelId(1), LabelId(2)],
    })
    .unwrap();
    let before = World::of(p);
    let logged = log_len(p);
    match p.apply(narrow.clone()) {
        Err(ProjectError::InvalidEdit(why)) => assert!(why.contains("several labels"), "{why}"),
        other => panic!("narrowed with an item of two labels: {other:?}"),
    }
    assert_eq!(World::of(p), before);
    assert_eq!(log_len(p), logged);
    p.apply(Edit::SetImageLabels {
        item: a,
        labels: vec![LabelId(2)],
    })
    .unwrap();
    cycle(p, narrow);
    assert_eq!(p.schema().image_label_mode, ImageLabelMode::Single);
}
