//! Model predictions as proposals (pre-labels): storing, accepting (a box by the
//! annotator, its model and score recorded), rejecting, undo/redo, persistence,
//! and the COCO results and YOLO imports with their per-record problems.

mod common;

use shugu::model::{BBox, ClassId, Edit, ItemId, ItemStatus, NewProposal, ProposalId};
use shugu::project::{Access, Project};

const CAR: ClassId = ClassId(1);

fn proposal(item: ItemId, x: f32, score: f32) -> NewProposal {
    NewProposal {
        item,
        class: CAR,
        bbox: BBox::from_xywh(x, 2.0, 10.0, 8.0),
        score,
        source: "yolov8n".into(),
    }
}

fn open(dir: &std::path::Path, author: &str) -> Project {
    let mut p = Project::open(dir, Access::ReadWrite).unwrap();
    p.set_author(author);
    p
}

fn proposal_ids(p: &Project, item: ItemId) -> Vec<ProposalId> {
    p.proposals(item).unwrap().iter().map(|p| p.id).collect()
}

#[test]
fn accept_reject_undo_redo_and_reopen() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "importer");
    let a = p.items()[0].id;
    p.apply(Edit::AddProposals(vec![
        proposal(a, 1.0, 0.95),
        proposal(a, 12.0, 0.5),
        // Reaches outside the 40×30 image: clamped like a box.
        proposal(a, 35.0, 0.85),
    ]))
    .unwrap();
    // Proposals are not annotations: the item stays new and has no boxes.
    assert_eq!(p.item(a).unwrap().status, ItemStatus::New);
    assert!(p.boxes(a).unwrap().is_empty());
    let props = p.proposals(a).unwrap();
    assert_eq!(
        props.iter().map(|p| p.score).collect::<Vec<_>>(),
        vec![0.95, 0.85, 0.5],
        "best score first"
    );
    assert_eq!(props[1].bbox.max_x, 40.0, "clamped to the image");
    drop(p);

    // The annotator accepts the best one.
    let mut p = open(&fx.project, "小王");
    let best = p.proposals(a).unwrap()[0].clone();
    let applied = p.apply(Edit::AcceptProposals(vec![best.id])).unwrap();
    assert_eq!(applied.created.len(), 1);
    let boxes = p.boxes(a).unwrap();
    assert_eq!(boxes.len(), 1);
    let b = &boxes[0];
    assert_eq!((b.bbox, b.class), (best.bbox, best.class));
    assert_eq!(b.provenance.author, "小王");
    let origin = p.box_origin(b.id).unwrap().unwrap();
    assert_eq!((origin.source.as_str(), origin.score), ("yolov8n", 0.95));
    assert_eq!(p.proposals(a).unwrap().len(), 2);
    assert_eq!(p.item(a).unwrap().status, ItemStatus::InProgress);
    let log = p.history(Some(a), 10).unwrap();
    assert_eq!(log[0].kind, "accept_proposals");
    assert_eq!(log[0].author, "小王");

    // Reject the weakest.
    let weakest = p.proposals(a).unwrap()[1].id;
    p.apply(Edit::DeleteProposals(vec![weakest])).unwrap();
    assert_eq!(proposal_ids(&p, a).len(), 1);

    // Undo the rejection, then the acceptance: the proposal is back under its
    // id, the box is gone, the item is new again.
    p.undo().unwrap();
    assert_eq!(proposal_ids(&p, a).len(), 2);
    p.undo().unwrap();
    assert!(p.boxes(a).unwrap().is_empty());
    assert!(p.box_origin(b.id).unwrap().is_none());
    assert_eq!(p.proposals(a).unwrap()[0], best);
    assert_eq!(p.item(a).unwrap().status, ItemStatus::New);

    // Redo: the same box id, author and origin again.
    p.redo().unwrap();
    let again = p.boxes(a).unwrap();
    assert_eq!(again, boxes);
    assert_eq!(p.box_origin(b.id).unwrap(), Some(origin.clone()));
    assert_eq!(p.item(a).unwrap().status, ItemStatus::InProgress);
    p.redo().unwrap();
    drop(p);

    // Everything survives reopening.
    let p = open(&fx.project, "someone");
    assert_eq!(p.boxes(a).unwrap(), boxes);
    assert_eq!(p.box_origin(b.id).unwrap(), Some(origin));
    let left = p.proposals(a).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].score, 0.85);
    assert_eq!(p.all_proposals().unwrap(), left);
}

#[test]
fn deleting_an_accepted_box_and_undoing_keeps_its_origin() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "ann");
    let a = p.items()[0].id;
    p.apply(Edit::AddProposals(vec![proposal(a, 1.0, 0.9)]))
        .unwrap();
    let id = proposal_ids(&p, a)[0];
    let b = p.apply(Edit::AcceptProposals(vec![id])).unwrap().created[0];
    p.apply(Edit::DeleteBoxes(vec![b])).unwrap();
    assert!(
        p.box_origin(b).unwrap().is_none(),
        "no origin for a deleted box"
    );
    p.undo().unwrap();
    assert_eq!(p.box_origin(b).unwrap().unwrap().source, "yolov8n");
}

#[test]
fn bad_proposals_are_refused_with_a_reason() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "ann");
    let a = p.items()[0].id;
    let cases = [
        (
            NewProposal {
                class: ClassId(99),
                ..proposal(a, 1.0, 0.5)
            },
            "class",
        ),
        (proposal(a, 1.0, 1.5), "score"),
        (proposal(a, 1.0, f32::NAN), "score"),
        (
            NewProposal {
                source: " ".into(),
                ..proposal(a, 1.0, 0.5)
            },
            "model",
        ),
        (
            NewProposal {
                bbox: BBox::from_xywh(f32::NAN, 0.0, 1.0, 1.0),
                ..proposal(a, 1.0, 0.5)
            },
            "non-finite",
        ),
    ];
    for (bad, word) in cases {
        let err = p.apply(Edit::AddProposals(vec![bad])).unwrap_err();
        assert!(err.to_string().contains(word), "{err}");
    }
    let err = p
        .apply(Edit::AcceptProposals(vec![ProposalId(12345)]))
        .unwrap_err();
    assert!(
        err.to_string().contains("no proposal with id 12345"),
        "{err}"
    );
    assert!(p.all_proposals().unwrap().is_empty());
}
