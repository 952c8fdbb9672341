//! Work assignment through a workstation's project (issue 16): Next takes
//! the next item through a lease — the annotator's own rejected items
//! first, reviewers from the submitted queue — an item leased to someone
//! else is refused to the app's edits too, submitting ends the lease, a
//! heartbeat renews it, and an expired one is taken over.

use super::super::{RoleKind, overlapping_leases};
use super::team;
use crate::model::{BBox, ClassId, Edit, ItemId, ItemStatus, LabelSchema, NewAnnotation, Shape};
use crate::project::{Project, Queue};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(600);

fn a_box(item: ItemId) -> Edit {
    Edit::AddAnnotations(vec![NewAnnotation {
        item,
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_xywh(1.0, 1.0, 5.0, 5.0)),
        group: None,
        attributes: Default::default(),
    }])
}

fn submit(item: ItemId) -> Edit {
    Edit::SetStatus {
        item,
        status: ItemStatus::Submitted,
    }
}

fn leased(su: &mut postgres::Client) -> Vec<(i64, String)> {
    su.query(
        "SELECT item_id, holder FROM shugu.leases WHERE expires_at > now() ORDER BY item_id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

#[test]
fn next_leases_rework_first_and_a_leased_item_is_its_holders_alone() {
    let team = team("next", 4);
    let items = team.items.clone();
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    let mut bob = team.workstation("bob", RoleKind::Annotator);
    let mut rev = team.workstation("rev", RoleKind::Reviewer);
    let mut su = team.superuser();
    assert!(alice.assigns_work());

    assert_eq!(
        alice.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[0])
    );
    assert_eq!(
        bob.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[1])
    );
    // Bob's edit of Alice's item is refused by the server, naming her.
    let refused = bob.apply(a_box(items[0])).unwrap_err().to_string();
    assert!(
        refused.contains(&format!("leased to {}", alice.author())),
        "{refused}"
    );
    assert!(bob.annotations(items[0]).unwrap().is_empty());

    // Alice annotates and submits: that ends her lease.
    alice.apply(a_box(items[0])).unwrap();
    alice.apply(submit(items[0])).unwrap();
    assert_eq!(leased(&mut su), [(items[1].0, bob.author().to_string())]);
    assert_eq!(alice.item(items[0]).unwrap().status, ItemStatus::Submitted);

    // Her Next: item 2, item 1 being Bob's.
    assert_eq!(
        alice.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[2])
    );
    // Reviewing is a reviewer's: Alice's claim of the submitted queue is refused.
    assert!(alice.claim(Queue::Review, 1, TTL).is_err());
    assert_eq!(rev.claim_next(Queue::Review, TTL).unwrap(), Some(items[0]));
    rev.annotations(items[0]).unwrap();
    rev.apply(Edit::SetStatus {
        item: items[0],
        status: ItemStatus::Rejected,
    })
    .unwrap();

    // Deciding is a reviewer's too, whatever the client sends.
    let accept = Edit::SetStatus {
        item: items[0],
        status: ItemStatus::Accepted,
    };
    let refused = alice.apply(accept).unwrap_err().to_string();
    assert!(refused.contains("only a reviewer"), "{refused}");

    // Alice's next Next brings her rejected item back before any new one,
    // and gives back item 2, which she left without submitting.
    assert_eq!(
        alice.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[0])
    );
    assert_eq!(alice.item(items[0]).unwrap().status, ItemStatus::Rejected);
    assert_eq!(
        bob.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[2])
    );
    assert_eq!(
        leased(&mut su),
        [
            (items[0].0, alice.author().to_string()),
            (items[2].0, bob.author().to_string())
        ]
    );

    // A heartbeat renews Alice's lease; once it ran out, Bob's claim takes
    // her item in progress over, and her heartbeat no longer holds it.
    alice.annotations(items[0]).unwrap();
    alice
        .apply(Edit::SetStatus {
            item: items[0],
            status: ItemStatus::InProgress,
        })
        .unwrap();
    assert_eq!(alice.heartbeat(TTL).unwrap(), [items[0]]);
    su.execute(
        "UPDATE shugu.leases SET expires_at = now() - interval '1 second' WHERE item_id = $1",
        &[&items[0].0],
    )
    .unwrap();
    assert_eq!(
        bob.claim(Queue::Annotate, 5, TTL).unwrap(),
        [items[0], items[1], items[3]]
    );
    assert!(alice.heartbeat(TTL).unwrap().is_empty());
    assert!(alice.apply(a_box(items[0])).is_err(), "Bob's now");
    assert_eq!(
        bob.release(None).unwrap(),
        [items[0], items[1], items[2], items[3]]
    );
    assert!(leased(&mut su).is_empty());

    // Never two leases of one item at one time.
    let overlaps = overlapping_leases(&mut su).unwrap();
    assert!(overlaps.is_empty(), "{overlaps:?}");
}

#[test]
fn items_added_elsewhere_since_the_list_was_read_come_with_the_claim() {
    let team = team("claim new items", 1);
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    assert_eq!(alice.items().len(), 1);
    let added = super::add_items(&mut team.superuser(), 2);
    assert_eq!(alice.claim(Queue::Annotate, 3, TTL).unwrap().len(), 3);
    assert!(
        alice.item(added[1]).is_some(),
        "the item list was read again"
    );
}

#[test]
fn a_project_of_its_own_folder_has_no_leases() {
    let tmp = tempfile::tempdir().unwrap();
    let mut project = Project::create_text(tmp.path(), "solo", LabelSchema::default()).unwrap();
    assert!(!project.assigns_work());
    let err = project
        .claim(Queue::Annotate, 1, TTL)
        .unwrap_err()
        .to_string();
    assert!(err.contains("only on a team project"), "{err}");
}

#[test]
fn next_gives_back_every_item_left_without_submitting() {
    let team = team("next gives back", 4);
    let items = team.items.clone();
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    let mut su = team.superuser();
    assert_eq!(alice.claim(Queue::Annotate, 2, TTL).unwrap(), items[..2]);
    assert_eq!(
        alice.claim_next(Queue::Annotate, TTL).unwrap(),
        Some(items[2])
    );
    assert_eq!(leased(&mut su), [(items[2].0, alice.author().to_string())]);
    // With nothing left to take, what she holds stays hers.
    assert_eq!(
        alice.claim(Queue::Annotate, 5, TTL).unwrap(),
        [items[0], items[1], items[3]]
    );
    assert_eq!(alice.claim_next(Queue::Annotate, TTL).unwrap(), None);
    assert_eq!(leased(&mut su).len(), 4);
}
