//! Many writers on one team project (issue 16, acceptance 3, the conflict
//! half): two workstations — two `Project`s on one database, each its own
//! login — and one item. An edit made on what another writer has changed
//! since it was read is refused naming the item and who changed it, and the
//! item reads again; undo undoes one's own edits only.

use super::super::RoleKind;
use super::team;
use crate::model::{BBox, ClassId, Edit, ItemId, NewAnnotation, Shape};
use crate::project::ProjectError;
use postgres::Client;

fn rect(x: f32) -> Shape {
    Shape::Rect(BBox::from_xywh(x, 10.0, 20.0, 20.0))
}

fn new_box(item: ItemId, x: f32) -> NewAnnotation {
    NewAnnotation {
        item,
        class: ClassId(1),
        shape: rect(x),
        group: None,
        attributes: Default::default(),
    }
}

fn shape_and_class(su: &mut Client, item: ItemId) -> Vec<(Vec<u8>, i64)> {
    su.query(
        "SELECT geometry, class_id FROM shugu.annotations WHERE item_id = $1 ORDER BY id",
        &[&item.0],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

fn conflict(result: Result<impl std::fmt::Debug, ProjectError>) -> (ItemId, String, bool, String) {
    match result {
        Err(e @ ProjectError::Conflict { .. }) => {
            let message = e.to_string();
            let ProjectError::Conflict {
                item, by, undoing, ..
            } = e
            else {
                unreachable!()
            };
            (item, by, undoing, message)
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn the_second_writer_of_an_item_is_refused_and_reads_it_again() {
    let team = team("two writers", 2);
    let item = team.items[0];
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    let mut bob = team.workstation("bob", RoleKind::Annotator);
    let alice_login = alice.author().to_string();

    // Alice draws a box; both workstations show the item.
    let id = alice
        .apply(Edit::AddAnnotations(vec![new_box(item, 5.0)]))
        .unwrap()
        .created[0];
    assert_eq!(alice.annotations(item).unwrap().len(), 1);
    assert_eq!(bob.annotations(item).unwrap()[0].shape, rect(5.0));

    // Alice moves it; Bob, still looking at it where it was, changes its class.
    alice
        .apply(Edit::SetShape {
            id,
            shape: rect(50.0),
        })
        .unwrap();
    let revision = bob.revision();
    let refused = bob.apply(Edit::SetAnnotationClass {
        id,
        class: ClassId(2),
    });
    let (on, by, undoing, message) = conflict(refused);
    assert_eq!(
        (on, by.as_str(), undoing),
        (item, alice_login.as_str(), false)
    );
    assert!(message.contains(&format!("item {item}")), "{message}");
    assert!(message.contains(&alice_login), "{message}");
    assert!(message.contains("was not saved"), "{message}");
    assert!(bob.revision() > revision, "the item is read again");
    assert!(!bob.can_undo(), "nothing was stored, nothing to undo");
    let mut su = team.superuser();
    let stored = shape_and_class(&mut su, item);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, 1, "Bob's class was not stored");
    assert_eq!(
        bob.annotations(item).unwrap()[0].shape,
        rect(50.0),
        "Alice's move stays"
    );

    // Having read it again, Bob's edit goes through on Alice's move.
    bob.apply(Edit::SetAnnotationClass {
        id,
        class: ClassId(2),
    })
    .unwrap();
    let now = &alice.annotations(item).unwrap()[0];
    assert_eq!((now.shape.clone(), now.class), (rect(50.0), ClassId(2)));

    // Alice's undo of her move would overwrite what Bob did since: refused,
    // and the step leaves her history.
    let (on, by, undoing, message) = conflict(alice.undo());
    assert_eq!((on, undoing), (item, true));
    assert_eq!(by, bob.author());
    assert!(message.starts_with("cannot undo"), "{message}");
    let now = &bob.annotations(item).unwrap()[0];
    assert_eq!((now.shape.clone(), now.class), (rect(50.0), ClassId(2)));
    assert!(alice.can_undo(), "her first step, the box, is still there");
    assert!(
        conflict(alice.undo()).2,
        "the box was changed by Bob since too"
    );
    assert!(!alice.can_undo());

    // Bob undoes his own edit: nobody changed the item since.
    bob.undo().unwrap();
    assert_eq!(alice.annotations(item).unwrap()[0].class, ClassId(1));
    bob.redo().unwrap();
    assert_eq!(alice.annotations(item).unwrap()[0].class, ClassId(2));
}

#[test]
fn a_writers_own_edits_undo_and_redo_one_after_another() {
    let team = team("own undo", 2);
    let item = team.items[1];
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    let mut bob = team.workstation("bob", RoleKind::Annotator);
    alice.annotations(item).unwrap();
    let id = alice
        .apply(Edit::AddAnnotations(vec![new_box(item, 1.0)]))
        .unwrap()
        .created[0];
    for x in [2.0, 3.0, 4.0] {
        alice.apply(Edit::SetShape { id, shape: rect(x) }).unwrap();
    }
    // Bob works on the other item meanwhile: no concern of Alice's.
    bob.apply(Edit::AddAnnotations(vec![new_box(team.items[0], 9.0)]))
        .unwrap();
    for x in [3.0, 2.0, 1.0] {
        alice.undo().unwrap();
        assert_eq!(alice.annotations(item).unwrap()[0].shape, rect(x));
    }
    alice.redo().unwrap();
    alice.redo().unwrap();
    assert_eq!(bob.annotations(item).unwrap()[0].shape, rect(3.0));
    // Bob, having read it, moves it: Alice's redo is refused.
    bob.apply(Edit::SetShape {
        id,
        shape: rect(7.0),
    })
    .unwrap();
    let (_, by, undoing, _) = conflict(alice.redo());
    assert_eq!((by.as_str(), undoing), (bob.author(), true));
    assert_eq!(bob.annotations(item).unwrap()[0].shape, rect(7.0));
}

/// Writers that read the same version and write at the same moment: one is
/// stored, the others refused, whichever commits first.
#[test]
fn of_writes_at_once_on_what_all_read_exactly_one_is_stored() {
    const WRITERS: usize = 4;
    let team = team("at once", 2);
    let item = team.items[0];
    let mut setup = team.workstation("setup", RoleKind::Annotator);
    let id = setup
        .apply(Edit::AddAnnotations(vec![new_box(item, 1.0)]))
        .unwrap()
        .created[0];
    for round in 0..4 {
        let barrier = std::sync::Barrier::new(WRITERS);
        let outcomes: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..WRITERS)
                .map(|k| {
                    let (team, barrier) = (&team, &barrier);
                    s.spawn(move || {
                        let mut w = team.workstation(&format!("w{round}_{k}"), RoleKind::Annotator);
                        w.annotations(item).unwrap();
                        let shape = rect(10.0 * round as f32 + k as f32);
                        barrier.wait();
                        match w.apply(Edit::SetShape { id, shape }) {
                            Ok(_) => true,
                            Err(ProjectError::Conflict { .. }) => false,
                            Err(e) => panic!("{e}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let stored: Vec<usize> = (0..WRITERS).filter(|&k| outcomes[k]).collect();
        assert_eq!(stored.len(), 1, "round {round}: {outcomes:?}");
        let now = setup.annotations(item).unwrap()[0].shape.clone();
        assert_eq!(now, rect(10.0 * round as f32 + stored[0] as f32));
    }
}
