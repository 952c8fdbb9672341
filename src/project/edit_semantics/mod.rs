//! One suite of edit semantics, run against every store: what each
//! [`Edit`] does, that undo puts back exactly what was there and redo
//! brings back exactly what the edit made (under the same ids), the new →
//! in progress rule, the audit trail, ids never reused, groups and the bulk
//! paths. A store joins the suite with a line in [`on_every_store`]; the
//! engine decides the semantics, so every store must pass all of it.

mod engine_level;
mod every_edit;
mod ids_and_bulk;
mod shapes;

use super::memory_store::MemoryStore;
use super::sqlite::SqliteStore;
use super::store::NewItem;
use super::{DB_FILE, NewTextItem, Project, Store};
use crate::model::{ItemId, LabelSchema, TextDoc};
use std::path::Path;
use tempfile::TempDir;

/// Makes a store in a folder of its own, empty.
type OpenStore = fn(&Path) -> Box<dyn Store>;

fn sqlite(dir: &Path) -> Box<dyn Store> {
    Box::new(SqliteStore::open(&dir.join(DB_FILE), false).expect("open the SQLite store"))
}

fn memory(_dir: &Path) -> Box<dyn Store> {
    Box::new(MemoryStore::default())
}

/// A PostgreSQL store on a fresh database of the test binary's private
/// cluster, whose login is an administrator named [`AUTHOR`] (a team
/// project's edits are its login's).
#[cfg(unix)]
fn postgres(_dir: &Path) -> Box<dyn Store> {
    Box::new(super::postgres::suite_store(AUTHOR))
}

/// Runs each named test of the suite on each store, as `sqlite::test`,
/// `memory::test`, `postgres::test`.
macro_rules! on_every_store {
    ($($module:ident :: $test:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $test() { super::$module::$test(super::sqlite) } )*
        }
        mod memory {
            $( #[test] fn $test() { super::$module::$test(super::memory) } )*
        }
        #[cfg(unix)]
        mod postgres {
            $( #[test] fn $test() { super::$module::$test(super::postgres) } )*
        }
    };
}

on_every_store!(
    engine_level::bulk_added_boxes_get_their_ids_in_order_across_chunks,
    engine_level::first_boxes_start_progress_only_on_new_items_in_runs_and_gaps,
    engine_level::many_item_edits_undo_to_what_each_item_had,
    engine_level::large_edits_are_logged_as_a_count,
    every_edit::every_edit_applies_undoes_and_redoes,
    every_edit::proposals_are_not_annotations_until_accepted,
    every_edit::an_explicit_status_wins_over_the_rule,
    every_edit::one_label_per_item_again_only_when_no_item_has_several,
    ids_and_bulk::ids_are_never_reused,
    ids_and_bulk::a_restore_onto_a_taken_id_is_refused_and_changes_nothing,
    ids_and_bulk::a_failed_edit_changes_nothing,
    ids_and_bulk::all_annotations_are_ordered_by_item_then_id,
    ids_and_bulk::a_group_is_stored_whole_or_not_at_all,
    ids_and_bulk::streamed_boxes_are_one_edit_and_one_step,
    ids_and_bulk::labelled_texts_into_an_empty_project,
    ids_and_bulk::labelled_texts_with_an_edit_of_texts_already_there,
    shapes::every_shape_kind_is_added_set_undone_and_redone,
    shapes::shapes_are_held_to_their_class_and_clamped_to_their_image,
    shapes::a_proposed_polygon_is_accepted_as_it_was_proposed,
    shapes::streamed_shapes_keep_their_kinds_and_order,
);

const AUTHOR: &str = "测试员";

/// A project on one store in a temporary folder, with four image items
/// (`a`, `b`, `c`, `d`: 100×80, all new) and two text items (`t1`, `t2`).
/// Classes 1 and 2; image labels 1, 2, 3, one per item.
struct Fixture {
    _tmp: TempDir,
    project: Project,
    images: [ItemId; 4],
    texts: [ItemId; 2],
}

fn schema() -> LabelSchema {
    let mut schema = LabelSchema::with_classes(&["car", "行人"]);
    for name in ["day", "night", "rain"] {
        schema.add_image_label(name);
    }
    schema
}

/// An empty project on the store `open` makes.
fn empty_project(open: OpenStore) -> (TempDir, Project) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("project");
    let mut project =
        Project::create_with(&dir, "suite", tmp.path(), schema(), |dir| Ok(open(dir)))
            .expect("create the project");
    project.set_author(AUTHOR);
    (tmp, project)
}

fn text_item(rel_path: &str, text: &str) -> NewTextItem {
    NewTextItem {
        rel_path: rel_path.to_string(),
        doc: TextDoc {
            ext_id: None,
            text: text.to_string(),
            meta: None,
        },
    }
}

fn fixture(open: OpenStore) -> Fixture {
    let (tmp, mut project) = empty_project(open);
    let new = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"].map(|rel_path| NewItem {
        rel_path: rel_path.to_string(),
        width: 100,
        height: 80,
        error: None,
    });
    let images = project.add_items(&new).expect("add image items");
    let texts = project
        .add_text_items(&[
            text_item("t1", "北京的春天很短。"),
            text_item("t2", "Spring in Beijing is short."),
        ])
        .expect("add text items");
    Fixture {
        _tmp: tmp,
        project,
        images: images.try_into().expect("four image items"),
        texts: texts.try_into().expect("two text items"),
    }
}
