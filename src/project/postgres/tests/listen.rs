use super::super::{Change, Listener, Queue, RoleKind, claim};
use super::{add_items, project_db, user};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The next change that is not about leases, within `wait`.
fn next_change(rx: &Receiver<Change>, wait: Duration, skip_leases: bool) -> Change {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Change::Leases(_) | Change::AllLeases) if skip_leases => continue,
            Ok(change) => return change,
            Err(e) => panic!("no change heard within {wait:?}: {e}"),
        }
    }
}

#[test]
fn another_connections_changes_are_heard_once_committed() {
    let (db, roles) = project_db("listen");
    let mut su = db.superuser();
    let items = add_items(&mut su, 3);
    su.execute("INSERT INTO shugu.label_schema (body) VALUES ('{}')", &[])
        .unwrap();
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let (listener, rx) = Listener::start(&db.connector(&ann)).expect("listen");

    let mut writer = db.connect(&ann);
    let mut tx = writer.transaction().unwrap();
    tx.execute(
        "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms) VALUES ($1, 1, 'x', 0)",
        &[&items[1].0],
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(rx.try_recv().is_err(), "heard before the commit");
    tx.commit().unwrap();
    let started = Instant::now();
    assert_eq!(
        next_change(&rx, Duration::from_secs(5), true),
        Change::Items(vec![items[1]])
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    claim(&mut writer, Queue::Annotate, 1, Duration::from_secs(60)).unwrap();
    assert_eq!(
        next_change(&rx, Duration::from_secs(5), false),
        Change::Leases(vec![items[0]])
    );
    su.execute("UPDATE shugu.label_schema SET body = '{\"a\": 1}'", &[])
        .unwrap();
    assert_eq!(
        next_change(&rx, Duration::from_secs(5), true),
        Change::Schema
    );

    // A change to thousands of items is one notice to reload them all.
    add_items(&mut su, 3000);
    assert_eq!(
        next_change(&rx, Duration::from_secs(5), true),
        Change::AllItems
    );

    let stopping = Instant::now();
    drop(listener);
    assert!(stopping.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_lost_connection_is_said_and_listening_resumes() {
    let (db, roles) = project_db("listen lost");
    let mut su = db.superuser();
    let items = add_items(&mut su, 1);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let (_listener, rx) = Listener::start(&db.connector(&ann)).expect("listen");
    // The administrator ends the listener's session.
    su.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND usename = $1",
        &[&ann],
    )
    .unwrap();
    assert!(matches!(
        next_change(&rx, Duration::from_secs(5), true),
        Change::Lost(_)
    ));
    assert_eq!(
        next_change(&rx, Duration::from_secs(10), true),
        Change::Resumed
    );
    su.execute(
        "UPDATE shugu.items SET width = 1 WHERE id = $1",
        &[&items[0].0],
    )
    .unwrap();
    assert_eq!(
        next_change(&rx, Duration::from_secs(5), true),
        Change::Items(vec![items[0]])
    );
}
