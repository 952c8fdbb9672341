//! The PostgreSQL store beyond the edit-semantics suite (which it passes,
//! see `project::edit_semantics`): what only a server does — item versions,
//! the login as author, span ids under concurrency, the schema's version.

use super::super::store::SchemaOnServer;
use super::super::{PgStore, ProjectRow, RoleKind};
use super::{add_items, project_db, user, version_of};
use crate::model::{BBox, ClassId, Edit, ItemId, LabelSchema, NewAnnotation, Shape};
use crate::project::engine::{self, EditContext};
use crate::project::store::{SchemaHome, Store};
use crate::project::{ProjectError, ProjectKind};

fn ctx(author: &str) -> EditContext<'_> {
    EditContext {
        author,
        time_ms: 1_000,
        origin: "edit",
        step: None,
    }
}

fn rect_on(item: ItemId) -> NewAnnotation {
    NewAnnotation {
        item,
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_xywh(1.0, 2.0, 3.0, 4.0)),
        group: None,
        attributes: Default::default(),
    }
}

fn project_row() -> ProjectRow {
    ProjectRow {
        name: "p".into(),
        kind: ProjectKind::Images,
        image_root: None,
        identity: "id".into(),
    }
}

#[test]
fn every_write_counts_up_the_version_of_each_item_it_touches_once() {
    let (db, roles) = project_db("versions");
    let items = add_items(&mut db.superuser(), 3);
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let mut store = PgStore::open(db.connector(&admin)).unwrap();
    let mut su = db.superuser();
    let before: Vec<i64> = items.iter().map(|&i| version_of(&mut su, i)).collect();

    // One transaction of several changes to item 0 (an annotation, its
    // class, the status rule) and one to item 1.
    let edit = Edit::Batch(vec![
        Edit::AddAnnotations(vec![rect_on(items[0]), rect_on(items[0])]),
        Edit::AddAnnotations(vec![rect_on(items[1])]),
    ]);
    let stored = engine::apply(&mut store, &edit, &ctx("x")).unwrap();
    let after: Vec<i64> = items.iter().map(|&i| version_of(&mut su, i)).collect();
    assert_eq!(after, [before[0] + 1, before[1] + 1, before[2]]);

    // Each later write touching an item counts once more: a shape, a delete.
    let id = stored.created[0];
    let moved = Edit::SetShape {
        id,
        shape: Shape::Rect(BBox::from_xywh(5.0, 5.0, 1.0, 1.0)),
    };
    engine::apply(&mut store, &moved, &ctx("x")).unwrap();
    engine::apply(&mut store, &Edit::DeleteAnnotations(vec![id]), &ctx("x")).unwrap();
    assert_eq!(version_of(&mut su, items[0]), before[0] + 3);
    assert_eq!(version_of(&mut su, items[2]), before[2]);
    // A failed write counts nothing.
    let gone = Edit::DeleteAnnotations(vec![id]);
    assert!(engine::apply(&mut store, &gone, &ctx("x")).is_err());
    assert_eq!(version_of(&mut su, items[0]), before[0] + 3);
}

#[test]
fn the_log_and_the_project_name_the_login_whatever_the_client_says() {
    let (db, roles) = project_db("log author");
    let items = add_items(&mut db.superuser(), 1);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    for login in [&ann, &admin] {
        let mut store = PgStore::open(db.connector(login)).unwrap();
        assert_eq!(Store::login(&store), Some(login.as_str()));
        let edit = Edit::AddAnnotations(vec![rect_on(items[0])]);
        engine::apply(&mut store, &edit, &ctx("someone else")).unwrap();
        let entry = store.log_of(Some(items[0]), 1).unwrap().remove(0);
        assert_eq!(&entry.author, login, "{entry:?}");
    }
}

#[test]
fn span_ids_taken_at_once_by_many_writers_are_consecutive_and_never_shared() {
    let (db, roles) = project_db("span ids");
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let runs: Vec<Vec<(i64, i64)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4_i64)
            .map(|w: i64| {
                let connector = db.connector(&ann);
                s.spawn(move || {
                    let mut client = connector.open().unwrap();
                    (0..25_i64)
                        .map(|k| {
                            let n = 1 + (w * 7 + k) % 13;
                            let first: i64 = client
                                .query_one("SELECT shugu.take_span_ids($1)", &[&n])
                                .unwrap()
                                .get(0);
                            (first, first + n - 1)
                        })
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<(i64, i64)> = runs.into_iter().flatten().collect();
    all.sort_unstable();
    for pair in all.windows(2) {
        assert!(pair[0].1 < pair[1].0, "overlapping runs {pair:?}");
    }
    let store = PgStore::open(db.connector(&ann)).unwrap();
    assert_eq!(store.next_span_id().unwrap(), all.last().unwrap().1 + 1);
}

#[test]
fn a_schema_changed_elsewhere_since_it_was_read_is_not_overwritten() {
    let (db, roles) = project_db("schema version");
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let mut store = PgStore::open(db.connector(&admin)).unwrap();
    store
        .create_project(&project_row(), &LabelSchema::with_classes(&["car"]))
        .unwrap();
    let (schema, version) = store.label_schema().unwrap();
    let mut here = SchemaOnServer::new(db.connector(&admin), version);
    let mut there = SchemaOnServer::new(db.connector(&admin), version);
    let mut with_bus = schema.clone();
    with_bus.add_class("bus");
    here.save(&with_bus).unwrap();
    let mut with_truck = schema.clone();
    with_truck.add_class("truck");
    let err = there.save(&with_truck).unwrap_err();
    assert!(matches!(err, ProjectError::InvalidEdit(_)), "{err}");
    assert!(err.to_string().contains("another workstation"), "{err}");
    assert_eq!(
        store.label_schema().unwrap(),
        (with_bus.clone(), version + 1)
    );
    // The workstation that saved goes on from its own version.
    with_bus.add_class("行人");
    here.save(&with_bus).unwrap();
    assert_eq!(store.label_schema().unwrap().0, with_bus);
}

#[test]
fn an_annotator_cannot_change_the_schema_or_make_items() {
    let (db, roles) = project_db("annotator limits");
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let mut store = PgStore::open(db.connector(&admin)).unwrap();
    store
        .create_project(&project_row(), &LabelSchema::default())
        .unwrap();
    let (_, version) = store.label_schema().unwrap();
    let mut annotators = SchemaOnServer::new(db.connector(&ann), version);
    let err = annotators
        .save(&LabelSchema::with_classes(&["x"]))
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let mut as_annotator = PgStore::open(db.connector(&ann)).unwrap();
    let new = crate::project::NewItem {
        rel_path: "a.jpg".into(),
        width: 1,
        height: 1,
        error: None,
    };
    assert!(as_annotator.insert_items(&[new]).is_err());
    assert!(store.items().unwrap().is_empty());
}

#[test]
fn a_text_holding_nul_is_refused_by_name_and_nothing_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let store = super::suite_store("写手");
    let mut project = crate::project::Project::create_with(
        &tmp.path().join("p"),
        "p",
        tmp.path(),
        LabelSchema::default(),
        |_| Ok(Box::new(store)),
    )
    .unwrap();
    let text = |key: &str, body: &str| crate::project::NewTextItem {
        rel_path: key.into(),
        doc: crate::model::TextDoc {
            ext_id: None,
            text: body.into(),
            meta: None,
        },
    };
    let err = project
        .add_text_items(&[text("a.jsonl:1", "fine"), text("a.jsonl:2", "bad\0byte")])
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("a.jsonl:2") && message.contains("U+0000"),
        "{message}"
    );
    assert!(project.items().is_empty());
    assert!(project.store().items().unwrap().is_empty());
}

#[test]
fn an_annotators_grants_cover_the_edits_of_annotating() {
    use crate::model::{CommentTarget, ItemStatus, LabelId, NewComment, NewProposal, NewSpan};
    use crate::project::store::NewTextItem;
    let (db, roles) = project_db("annotator edits");
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let ann = user(&db, &roles, "ann", RoleKind::Annotator);
    let tmp = tempfile::tempdir().unwrap();
    // The admin makes the items, images and a text.
    let mut made = crate::project::Project::create_with(
        &tmp.path().join("p"),
        "p",
        tmp.path(),
        LabelSchema::with_classes(&["car"]),
        |_| Ok(Box::new(PgStore::open(db.connector(&admin))?)),
    )
    .unwrap();
    let images = add_items(&mut db.superuser(), 1);
    let text = made
        .add_text_items(&[NewTextItem {
            rel_path: "t:1".into(),
            doc: crate::model::TextDoc {
                ext_id: None,
                text: "上海和北京".into(),
                meta: None,
            },
        }])
        .unwrap()[0];
    let mut store = PgStore::open(db.connector(&ann)).unwrap();
    let proposal = NewProposal {
        item: images[0],
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_xywh(1.0, 1.0, 5.0, 5.0)),
        score: 0.8,
        source: "m".into(),
        attributes: Default::default(),
    };
    let first = engine::apply(
        &mut store,
        &Edit::Batch(vec![
            Edit::AddAnnotations(vec![rect_on(images[0])]),
            Edit::AddProposals(vec![proposal.clone(), proposal]),
            Edit::AddSpans(vec![NewSpan {
                item: text,
                class: ClassId(1),
                start: 0,
                end: 2,
            }]),
            Edit::SetImageLabels {
                item: images[0],
                labels: vec![LabelId(1)],
            },
        ]),
        &ctx("x"),
    )
    .expect("an annotator annotates");
    let proposal = store.proposals_of(images[0]).unwrap()[0].id;
    let second = Edit::Batch(vec![
        Edit::AcceptProposals(vec![proposal]),
        Edit::AddComments(vec![NewComment {
            item: images[0],
            target: Some(CommentTarget::Annotation(first.created[0])),
            body: "ok?".into(),
        }]),
        Edit::SetStatus {
            item: images[0],
            status: ItemStatus::Submitted,
        },
    ]);
    let stored = engine::apply(&mut store, &second, &ctx("x")).expect("and submits");
    // And undoes it all, as the same login.
    engine::apply(&mut store, &stored.inverse, &ctx("x")).expect("undo");
    engine::apply(&mut store, &first.inverse, &ctx("x")).expect("undo");
    assert!(store.all_annotations().unwrap().is_empty());
    assert!(store.all_spans().unwrap().is_empty());
    assert_eq!(store.all_proposals().unwrap().len(), 0);
    assert_eq!(store.item_status(images[0]).unwrap(), Some(ItemStatus::New));
}

#[test]
fn a_group_whose_transaction_the_server_aborted_is_not_reported_stored() {
    let (db, roles) = project_db("aborted group");
    let admin = user(&db, &roles, "boss", RoleKind::Admin);
    let items = add_items(&mut db.superuser(), 1);
    let mut store = PgStore::open(db.connector(&admin)).unwrap();
    store.begin_group().unwrap();
    let edit = Edit::AddAnnotations(vec![rect_on(items[0])]);
    engine::apply(&mut store, &edit, &ctx("x")).unwrap();
    // A read of the group that the server refuses aborts its transaction.
    store.run_sql("SELECT 1/0").unwrap_err();
    let err = store.end_group(true).unwrap_err();
    assert!(err.to_string().contains("none of them was kept"), "{err}");
    assert!(store.all_annotations().unwrap().is_empty());
}
