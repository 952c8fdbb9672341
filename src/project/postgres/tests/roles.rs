//! What the server refuses an annotator's login, whatever client it uses
//! (issue 16, acceptance 3, the role half): the raw SQL a client could send.

use super::super::{Connector, Credentials, Queue, RoleKind, claim};
use super::{add_items, project_db, refused, status_of, user, version_of};
use std::time::Duration;

#[test]
fn an_annotator_cannot_accept_or_reject_but_a_reviewer_can() {
    let (db, roles) = project_db("accept");
    let items = add_items(&mut db.superuser(), 3);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let rev = user(&db, &roles, "rev", RoleKind::Reviewer);
    let mut annotator = db.connect(&ann);
    let (a, b, c) = (items[0].0, items[1].0, items[2].0);

    annotator
        .execute(
            "UPDATE shugu.items SET status = 'submitted' WHERE id = $1",
            &[&a],
        )
        .expect("an annotator submits");
    for status in ["accepted", "rejected"] {
        let err = refused(
            annotator.execute(
                "UPDATE shugu.items SET status = $2 WHERE id = $1",
                &[&a, &status],
            ),
            status,
        );
        assert!(err.contains("only a reviewer"), "{err}");
    }
    assert_eq!(status_of(&mut annotator, items[0]), "submitted");
    // Nor by any other way round: a statement on many items, or a function.
    refused(
        annotator.execute("UPDATE shugu.items SET status = 'accepted'", &[]),
        "accept all",
    );

    let mut reviewer = db.connect(&rev);
    reviewer
        .execute(
            "UPDATE shugu.items SET status = 'accepted' WHERE id = $1",
            &[&a],
        )
        .expect("a reviewer accepts");
    reviewer
        .execute(
            "UPDATE shugu.items SET status = 'rejected' WHERE id = $1",
            &[&b],
        )
        .expect("a reviewer rejects");
    // An accepted item is not reopened by an annotator either.
    refused(
        annotator.execute(
            "UPDATE shugu.items SET status = 'in_progress' WHERE id = $1",
            &[&a],
        ),
        "reopen an accepted item",
    );
    // A rejected one comes back to work.
    annotator
        .execute(
            "UPDATE shugu.items SET status = 'in_progress' WHERE id = $1",
            &[&b],
        )
        .expect("rework");
    // Only the status of an item is an annotator's to change.
    refused(
        annotator.execute("UPDATE shugu.items SET version = 1 WHERE id = $1", &[&c]),
        "set a version",
    );
    refused(
        annotator.execute(
            "UPDATE shugu.items SET rel_path = 'x.jpg' WHERE id = $1",
            &[&c],
        ),
        "move an item",
    );
    refused(
        annotator.execute("DELETE FROM shugu.items WHERE id = $1", &[&c]),
        "delete an item",
    );
}

#[test]
fn an_annotator_cannot_change_the_label_schema_or_the_project() {
    let (db, roles) = project_db("schema");
    let mut su = db.superuser();
    su.batch_execute(
        "INSERT INTO shugu.label_schema (body) VALUES ('{\"classes\": []}');
         INSERT INTO shugu.project (name, kind, identity) VALUES ('signs', 'images', 'x');",
    )
    .unwrap();
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let adm = user(&db, &roles, "adm", RoleKind::Admin);
    let mut annotator = db.connect(&ann);
    let body = "{\"classes\": [{\"name\": \"car\"}]}";
    refused(
        annotator.execute(
            "UPDATE shugu.label_schema SET body = $1::text::jsonb",
            &[&body],
        ),
        "change the schema",
    );
    refused(
        annotator.execute("DELETE FROM shugu.label_schema", &[]),
        "delete the schema",
    );
    refused(
        annotator.execute("UPDATE shugu.project SET image_root = '/tmp'", &[]),
        "move the images",
    );
    refused(
        annotator.execute("ALTER TABLE shugu.items ADD COLUMN x integer", &[]),
        "alter a table",
    );
    refused(
        annotator.execute("CREATE TABLE shugu.mine (x integer)", &[]),
        "add a table",
    );
    let mut admin = db.connect(&adm);
    admin
        .execute(
            "UPDATE shugu.label_schema SET body = $1::text::jsonb",
            &[&body],
        )
        .expect("an admin changes the schema");
}

#[test]
fn an_annotator_cannot_edit_an_item_leased_to_someone_else() {
    let (db, roles) = project_db("leased");
    let items = add_items(&mut db.superuser(), 2);
    let alice = user(&db, &roles, "alice", RoleKind::Annotator);
    let bob = user(&db, &roles, "bob", RoleKind::Annotator);
    let rev = user(&db, &roles, "rev", RoleKind::Reviewer);
    let mut a = db.connect(&alice);
    let mut b = db.connect(&bob);
    let held = claim(&mut a, Queue::Annotate, 1, Duration::from_secs(600)).unwrap();
    assert_eq!(held, vec![items[0]]);
    let item = items[0].0;
    let now_ms = 1_700_000_000_000_i64;

    let err = refused(
        b.execute(
            "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms) VALUES ($1, 1, 'b', $2)",
            &[&item, &now_ms],
        ),
        "label a leased item",
    );
    assert!(err.contains(&format!("leased to {alice}")), "{err}");
    refused(
        b.execute(
            "INSERT INTO shugu.annotations (item_id, class_id, kind, geometry, author, created_ms, updated_by, updated_ms)
             VALUES ($1, 1, 1, '\\x01'::bytea, 'b', $2, 'b', $2)",
            &[&item, &now_ms],
        ),
        "draw on a leased item",
    );
    refused(
        b.execute(
            "UPDATE shugu.items SET status = 'submitted' WHERE id = $1",
            &[&item],
        ),
        "submit a leased item",
    );
    refused(
        b.execute(
            "INSERT INTO shugu.comments (item_id, body, author, created_ms) VALUES ($1, 'hm', 'b', $2)",
            &[&item, &now_ms],
        ),
        "comment on a leased item",
    );
    // Nor does a reviewer barge in; the holder works as usual.
    refused(
        db.connect(&rev).execute(
            "UPDATE shugu.items SET status = 'rejected' WHERE id = $1",
            &[&item],
        ),
        "decide a leased item",
    );
    a.execute(
        "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms) VALUES ($1, 1, 'a', $2)",
        &[&item, &now_ms],
    )
    .expect("the holder labels it");
    // The other item, leased to nobody, is Bob's to change.
    b.execute(
        "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms) VALUES ($1, 1, 'b', $2)",
        &[&items[1].0, &now_ms],
    )
    .expect("an item without a lease");
    // Once the lease has expired, it is anyone's again.
    db.superuser()
        .execute(
            "UPDATE shugu.leases SET expires_at = now() - interval '1 second' WHERE item_id = $1",
            &[&item],
        )
        .unwrap();
    b.execute(
        "DELETE FROM shugu.image_labels WHERE item_id = $1",
        &[&item],
    )
    .expect("an expired lease");
}

#[test]
fn leases_and_the_audit_trail_are_not_written_directly() {
    let (db, roles) = project_db("audit");
    let items = add_items(&mut db.superuser(), 1);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let mut annotator = db.connect(&ann);
    refused(
        annotator.execute(
            "INSERT INTO shugu.leases (item_id, holder, queue, taken_at, expires_at)
             VALUES ($1, 'x', 'annotate', now(), now() + interval '1 hour')",
            &[&items[0].0],
        ),
        "take a lease by hand",
    );
    refused(
        annotator.execute("SELECT shugu.claim('review', 1, interval '1 minute')", &[]),
        "take items to review",
    );
    // The author of a log entry is the login, whatever the client says.
    annotator
        .execute(
            "INSERT INTO shugu.edit_log (time_ms, author, kind, item_id, detail)
             VALUES (1, 'the_boss', 'add_box', $1, '{}')",
            &[&items[0].0],
        )
        .expect("an annotator logs an edit");
    let row = annotator
        .query_one("SELECT author, login FROM shugu.edit_log", &[])
        .unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        (ann.clone(), ann.clone())
    );
    refused(
        annotator.execute("UPDATE shugu.edit_log SET author = 'the_boss'", &[]),
        "rewrite the log",
    );
    refused(
        annotator.execute("DELETE FROM shugu.edit_log", &[]),
        "erase the log",
    );
    refused(
        annotator.execute("DELETE FROM shugu.lease_history", &[]),
        "erase the lease history",
    );
}

#[test]
fn a_login_without_a_role_in_the_project_cannot_connect_to_it() {
    let (db, _) = project_db("outsider");
    let stranger = db.login("stranger");
    let mut credentials = Credentials::none();
    credentials.password = Some(stranger.clone());
    let err = Connector::connect(&db.url(&stranger), &mut credentials)
        .err()
        .expect("the connection should fail");
    assert!(
        err.to_string().contains("permission denied for database"),
        "{err}"
    );
}

#[test]
fn each_transaction_that_changes_an_item_counts_its_version_up_once() {
    let (db, roles) = project_db("versions");
    let items = add_items(&mut db.superuser(), 1);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let mut a = db.connect(&ann);
    let mut other = db.connect(&ann);
    let item = items[0];
    let seen = version_of(&mut other, item);
    let mut tx = a.transaction().unwrap();
    for label in [1_i64, 2] {
        tx.execute(
            "INSERT INTO shugu.image_labels (item_id, label_id, author, created_ms) VALUES ($1, $2, 'a', 0)",
            &[&item.0, &label],
        )
        .unwrap();
    }
    tx.execute(
        "UPDATE shugu.items SET status = 'in_progress' WHERE id = $1",
        &[&item.0],
    )
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(version_of(&mut a, item), seen + 1);
    // A writer that read the item before is stale: its check finds out.
    let mut tx = other.transaction().unwrap();
    let now: i64 = tx
        .query_one(
            "SELECT version FROM shugu.items WHERE id = $1 FOR UPDATE",
            &[&item.0],
        )
        .unwrap()
        .get(0);
    assert_ne!(now, seen);
    tx.rollback().unwrap();
    a.execute(
        "DELETE FROM shugu.image_labels WHERE item_id = $1 AND label_id = 1",
        &[&item.0],
    )
    .unwrap();
    assert_eq!(version_of(&mut a, item), seen + 2);
}

#[test]
fn an_annotator_cannot_change_remove_or_move_rows_of_an_item_leased_to_someone_else() {
    let (db, roles) = project_db("leased rows");
    let items = add_items(&mut db.superuser(), 2);
    let (held, free) = (items[0].0, items[1].0);
    let mut su = db.superuser();
    let rows = su
        .query(
            "INSERT INTO shugu.annotations (item_id, class_id, kind, geometry, author, created_ms, updated_by, updated_ms)
             VALUES ($1, 1, 1, '\\x01'::bytea, 'x', 0, 'x', 0), ($2, 1, 1, '\\x01'::bytea, 'x', 0, 'x', 0)
             RETURNING id",
            &[&held, &free],
        )
        .unwrap();
    let (on_held, on_free): (i64, i64) = (rows[0].get(0), rows[1].get(0));
    su.execute(
        "INSERT INTO shugu.annotation_origins (annotation_id, source, score) VALUES ($1, 'yolo', 0.9)",
        &[&on_held],
    )
    .unwrap();
    su.execute(
        "INSERT INTO shugu.spans (id, item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, updated_ms)
         VALUES (shugu.take_span_ids(1), $1, 1, 0, 3, 'x', 0, 'x', 0)",
        &[&held],
    )
    .unwrap();
    su.execute(
        "INSERT INTO shugu.proposals (item_id, class_id, kind, geometry, score, source)
         VALUES ($1, 1, 1, '\\x01'::bytea, 0.5, 'yolo')",
        &[&held],
    )
    .unwrap();
    let alice = user(&db, &roles, "alice", RoleKind::Annotator);
    let bob = user(&db, &roles, "bob", RoleKind::Annotator);
    let mut a = db.connect(&alice);
    let mut b = db.connect(&bob);
    assert_eq!(
        claim(&mut a, Queue::Annotate, 1, Duration::from_secs(600)).unwrap(),
        vec![items[0]]
    );
    let before = version_of(&mut su, items[0]);
    let expiry = |su: &mut postgres::Client| -> String {
        su.query_one(
            "SELECT holder || ' ' || expires_at::text FROM shugu.leases WHERE item_id = $1",
            &[&held],
        )
        .unwrap()
        .get(0)
    };
    let lease = expiry(&mut su);

    for (sql, what) in [
        (
            "UPDATE shugu.annotations SET geometry = '\\x02'::bytea WHERE item_id = $1",
            "reshape its annotation",
        ),
        (
            "UPDATE shugu.annotations SET class_id = 2 WHERE item_id = $1",
            "reclass its annotation",
        ),
        (
            "DELETE FROM shugu.annotations WHERE item_id = $1",
            "delete its annotation",
        ),
        (
            "UPDATE shugu.spans SET class_id = 2 WHERE item_id = $1",
            "reclass its span",
        ),
        (
            "DELETE FROM shugu.spans WHERE item_id = $1",
            "delete its span",
        ),
        (
            "DELETE FROM shugu.proposals WHERE item_id = $1",
            "reject its proposal",
        ),
        (
            "UPDATE shugu.annotation_origins SET score = 0.1
              WHERE annotation_id IN (SELECT id FROM shugu.annotations WHERE item_id = $1)",
            "rewrite its annotation's origin",
        ),
        (
            "DELETE FROM shugu.annotation_origins
              WHERE annotation_id IN (SELECT id FROM shugu.annotations WHERE item_id = $1)",
            "erase its annotation's origin",
        ),
    ] {
        let err = refused(b.execute(sql, &[&held]), what);
        assert!(err.contains(&format!("leased to {alice}")), "{what}: {err}");
    }
    // Nor by moving a row onto it, or off it.
    refused(
        b.execute(
            "UPDATE shugu.annotations SET item_id = $1 WHERE id = $2",
            &[&held, &on_free],
        ),
        "move an annotation onto the item",
    );
    refused(
        b.execute(
            "UPDATE shugu.annotations SET item_id = $1 WHERE id = $2",
            &[&free, &on_held],
        ),
        "move its annotation away",
    );
    // Nor can Bob give up or renew Alice's lease: those only reach his own.
    let released: Vec<i64> = b
        .query("SELECT shugu.release(ARRAY[$1::bigint])", &[&held])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(released.is_empty());
    b.query("SELECT shugu.heartbeat(interval '20 hours')", &[])
        .unwrap();
    assert_eq!(expiry(&mut su), lease);

    // Nothing of it changed the item.
    assert_eq!(version_of(&mut su, items[0]), before);
    let kept: (i64, i64, i64, f32) = {
        let r = su
            .query_one(
                "SELECT (SELECT count(*) FROM shugu.annotations WHERE item_id = $1 AND geometry = '\\x01'::bytea AND class_id = 1),
                        (SELECT count(*) FROM shugu.spans WHERE item_id = $1 AND class_id = 1),
                        (SELECT count(*) FROM shugu.proposals WHERE item_id = $1),
                        (SELECT score FROM shugu.annotation_origins WHERE annotation_id = $2)",
                &[&held, &on_held],
            )
            .unwrap();
        (r.get(0), r.get(1), r.get(2), r.get(3))
    };
    assert_eq!(kept, (1, 1, 1, 0.9));
    // Alice, the holder, may.
    a.execute(
        "UPDATE shugu.annotation_origins SET score = 0.5 WHERE annotation_id = $1",
        &[&on_held],
    )
    .expect("the holder");
}
