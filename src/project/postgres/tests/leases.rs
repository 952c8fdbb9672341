use super::super::{Queue, RoleKind, claim, heartbeat, leases, overlapping_leases, release};
use super::{add_items, project_db, refused, status_of, user};
use crate::model::ItemId;
use std::collections::HashSet;
use std::time::Duration;

const TEN_MINUTES: Duration = Duration::from_secs(600);

#[test]
fn claims_give_rework_first_then_new_items_and_reviewers_the_submitted_ones() {
    let (db, roles) = project_db("queues");
    let items = add_items(&mut db.superuser(), 6);
    let alice = user(&db, &roles, "alice", RoleKind::Annotator);
    let rev = user(&db, &roles, "rev", RoleKind::Reviewer);
    let mut a = db.connect(&alice);
    let mut r = db.connect(&rev);

    // Alice works on items 1-3 and submits them; the reviewer rejects 3.
    assert_eq!(
        claim(&mut a, Queue::Annotate, 3, TEN_MINUTES).unwrap(),
        items[..3]
    );
    for item in &items[..3] {
        a.execute(
            "UPDATE shugu.items SET status = 'submitted' WHERE id = $1",
            &[&item.0],
        )
        .unwrap();
    }
    assert!(
        leases(&mut a).unwrap().is_empty(),
        "submitting ends the leases"
    );
    // Nobody reviews their own work.
    assert!(claim(&mut a, Queue::Annotate, 1, TEN_MINUTES).unwrap() == vec![items[3]]);
    release(&mut a, None).unwrap();
    let reviewed = claim(&mut r, Queue::Review, 10, TEN_MINUTES).unwrap();
    assert_eq!(reviewed, items[..3]);
    r.execute(
        "UPDATE shugu.items SET status = 'rejected' WHERE id = $1",
        &[&items[2].0],
    )
    .unwrap();
    r.execute(
        "UPDATE shugu.items SET status = 'accepted' WHERE id = $1",
        &[&items[0].0],
    )
    .unwrap();
    let still: Vec<ItemId> = leases(&mut r).unwrap().iter().map(|l| l.item).collect();
    assert_eq!(still, vec![items[1]], "a decision ends the review lease");

    // Alice's rejected item comes before the new ones.
    let next = claim(&mut a, Queue::Annotate, 2, TEN_MINUTES).unwrap();
    assert_eq!(next, vec![items[2], items[3]]);
    // Another annotator does not get Alice's rework, nor what she holds.
    let bob = user(&db, &roles, "bob", RoleKind::Annotator);
    let mut b = db.connect(&bob);
    assert_eq!(
        claim(&mut b, Queue::Annotate, 5, TEN_MINUTES).unwrap(),
        vec![items[4], items[5]]
    );
    assert!(
        claim(&mut b, Queue::Annotate, 5, TEN_MINUTES)
            .unwrap()
            .is_empty()
    );
    assert_eq!(status_of(&mut a, items[2]), "rejected");
}

#[test]
fn heartbeats_renew_release_gives_back_and_an_expired_lease_is_taken_over() {
    let (db, roles) = project_db("heartbeat");
    let items = add_items(&mut db.superuser(), 2);
    let alice = user(&db, &roles, "alice", RoleKind::Annotator);
    let bob = user(&db, &roles, "bob", RoleKind::Annotator);
    let mut a = db.connect(&alice);
    let mut b = db.connect(&bob);
    assert_eq!(
        claim(&mut a, Queue::Annotate, 2, Duration::from_secs(30)).unwrap(),
        items
    );
    let before = leases(&mut a).unwrap();
    assert_eq!(heartbeat(&mut a, TEN_MINUTES).unwrap(), items);
    let after = leases(&mut a).unwrap();
    assert!(after[0].expires_ms > before[0].expires_ms + 500_000);
    assert_eq!(release(&mut a, Some(&items[1..])).unwrap(), vec![items[1]]);
    assert_eq!(
        claim(&mut b, Queue::Annotate, 5, TEN_MINUTES).unwrap(),
        vec![items[1]]
    );

    // Alice's lease on item 1 runs out: Bob's next claim takes it over, and
    // her heartbeat no longer holds it.
    db.superuser()
        .execute(
            "UPDATE shugu.leases SET expires_at = now() - interval '1 second' WHERE item_id = $1",
            &[&items[0].0],
        )
        .unwrap();
    assert_eq!(
        claim(&mut b, Queue::Annotate, 5, TEN_MINUTES).unwrap(),
        vec![items[0]]
    );
    assert!(heartbeat(&mut a, TEN_MINUTES).unwrap().is_empty());
    let holders: Vec<String> = leases(&mut a)
        .unwrap()
        .into_iter()
        .map(|l| l.holder)
        .collect();
    assert_eq!(holders, vec![bob.clone(), bob]);

    // Out-of-range requests are refused by the server.
    for sql in [
        "SELECT shugu.claim('annotate', 0, interval '1 minute')",
        "SELECT shugu.claim('annotate', 1, interval '1 second')",
        "SELECT shugu.claim('annotate', 1, interval '2 days')",
        "SELECT shugu.claim('elsewhere', 1, interval '1 minute')",
    ] {
        assert!(a.query(sql, &[]).is_err(), "{sql}");
    }
    refused(
        a.execute("UPDATE shugu.leases SET holder = session_user", &[]),
        "take a lease over by hand",
    );
}

/// Many workstations pressing Next at once never get the same item, and
/// the lease history never has two leases of one item at one time.
#[test]
fn concurrent_claims_never_lease_one_item_twice() {
    const ITEMS: i64 = 240;
    const WORKERS: usize = 8;
    let (db, roles) = project_db("concurrent claims");
    add_items(&mut db.superuser(), ITEMS);
    let logins: Vec<String> = (0..WORKERS)
        .map(|i| user(&db, &roles, &format!("w{i}"), RoleKind::Annotator))
        .collect();
    let connectors: Vec<_> = logins.iter().map(|l| db.connector(l)).collect();
    let claimed: Vec<Vec<ItemId>> = std::thread::scope(|s| {
        let handles: Vec<_> = connectors
            .iter()
            .enumerate()
            .map(|(i, connector)| {
                s.spawn(move || {
                    let mut client = connector.open().expect("connect");
                    let mut mine = Vec::new();
                    loop {
                        let wanted = 1 + (i as u32 % 3);
                        let got = claim(&mut client, Queue::Annotate, wanted, TEN_MINUTES)
                            .expect("claim");
                        if got.len() < wanted as usize {
                            // A claim comes back short only at the end of the
                            // queue: what is left is locked by the others'
                            // claims under way, at most 3 items each.
                            let left: i64 = client
                                .query_one(
                                    "SELECT count(*) FROM shugu.items i
                                      WHERE status IN ('new', 'in_progress')
                                        AND NOT EXISTS (SELECT 1 FROM shugu.leases l WHERE l.item_id = i.id)",
                                    &[],
                                )
                                .expect("count")
                                .get(0);
                            assert!(
                                left <= 3 * (WORKERS as i64 - 1),
                                "a claim of {wanted} got {got:?} with {left} items left"
                            );
                        }
                        if got.is_empty() {
                            break mine;
                        }
                        // Submit some at once, so the queue moves under the others.
                        if i % 2 == 0 {
                            client
                                .execute(
                                    "UPDATE shugu.items SET status = 'submitted' WHERE id = ANY($1)",
                                    &[&got.iter().map(|g| g.0).collect::<Vec<_>>()],
                                )
                                .expect("submit");
                        }
                        mine.extend(got);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker"))
            .collect()
    });
    let all: Vec<ItemId> = claimed.iter().flatten().copied().collect();
    let distinct: HashSet<ItemId> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "an item was claimed twice");
    assert_eq!(distinct.len() as i64, ITEMS, "every item was claimed");
    assert!(claimed.iter().filter(|c| !c.is_empty()).count() > 1);
    let overlaps = overlapping_leases(&mut db.superuser()).unwrap();
    assert!(overlaps.is_empty(), "{overlaps:?}");
}
