//! Model proposals in the SQLite store: the `proposals` table (shapes a
//! model suggested, with score and source, waiting for review; the shape as
//! in `annotations`) and `annotation_origins` (the model and score of each
//! annotation that was an accepted proposal). A proposal's attributes (an
//! OCR line's text) are JSON in `attrs`, NULL for none, as in `annotations`;
//! the column came with database version 8 ([`add_attributes`]).
//!
//! An annotation's origin row is keyed by the annotation id, which is never
//! reused, so it is left in place when the annotation is deleted: undoing the
//! delete brings it back with its origin. Queries read it only for
//! annotations that exist.

use super::annotations::{attrs_from_db, attrs_to_db, delete_found, shape_columns, taken_id};
use crate::model::{
    AnnotationId, AnnotationOrigin, ClassId, ItemId, NewProposal, Proposal, ProposalId,
};
use crate::project::ProjectError;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const PROPOSAL_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS proposals(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    shape BLOB NOT NULL,
    score REAL NOT NULL,
    source TEXT NOT NULL,
    attrs TEXT
);
CREATE INDEX IF NOT EXISTS proposals_by_item ON proposals(item_id);
CREATE TABLE IF NOT EXISTS annotation_origins(
    annotation_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    score REAL NOT NULL
);
";

const COLUMNS: &str = "id, item_id, class_id, kind, shape, score, source, attrs";

fn row_to_proposal(r: &rusqlite::Row) -> rusqlite::Result<Proposal> {
    Ok(Proposal {
        id: ProposalId(r.get(0)?),
        item: ItemId(r.get(1)?),
        class: ClassId(r.get(2)?),
        shape: shape_columns(r, 3)?,
        score: r.get::<_, f64>(5)? as f32,
        source: r.get(6)?,
        attributes: attrs_from_db(r.get(7)?, 7)?,
    })
}

/// Databases before version 8 have proposals without attributes.
pub(super) fn add_attributes(conn: &Connection) -> Result<(), ProjectError> {
    if !super::boxes_to_shapes::has_column(conn, "proposals", "attrs")? {
        conn.execute_batch("ALTER TABLE proposals ADD COLUMN attrs TEXT")?;
    }
    Ok(())
}

pub(super) fn find_proposal(
    conn: &Connection,
    id: ProposalId,
) -> Result<Option<Proposal>, ProjectError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM proposals WHERE id = ?1"))?
        .query_row([id.0], row_to_proposal)
        .optional()?)
}

/// An item's proposals, best score first.
pub(super) fn proposals_of(conn: &Connection, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM proposals WHERE item_id = ?1 ORDER BY score DESC, id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_proposal)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every proposal, ordered by item then id.
pub(super) fn all_proposals(conn: &Connection) -> Result<Vec<Proposal>, ProjectError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM proposals ORDER BY item_id, id"
    ))?;
    let rows = stmt.query_map([], row_to_proposal)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Items with proposals, ascending.
pub(super) fn items_with_proposals(conn: &Connection) -> Result<Vec<ItemId>, ProjectError> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT item_id FROM proposals INDEXED BY proposals_by_item ORDER BY item_id",
    )?;
    let rows = stmt.query_map([], |r| Ok(ItemId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The model and score of an existing annotation that was an accepted proposal.
pub(super) fn annotation_origin(
    conn: &Connection,
    id: AnnotationId,
) -> Result<Option<AnnotationOrigin>, ProjectError> {
    Ok(conn
        .prepare_cached(
            "SELECT o.source, o.score FROM annotation_origins o \
             JOIN annotations a ON a.id = o.annotation_id WHERE o.annotation_id = ?1",
        )?
        .query_row([id.0], |r| {
            Ok(AnnotationOrigin {
                source: r.get(0)?,
                score: r.get::<_, f64>(1)? as f32,
            })
        })
        .optional()?)
}

/// Inserts a proposal under `id` or, when `None`, a new one; returns the id.
pub(super) fn insert_proposal(
    tx: &Connection,
    id: Option<ProposalId>,
    p: &NewProposal,
) -> Result<ProposalId, ProjectError> {
    tx.prepare_cached(&format!(
        "INSERT INTO proposals({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
    ))?
    .execute(params![
        id.map(|id| id.0),
        p.item.0,
        p.class.0,
        p.shape.kind().code(),
        p.shape.to_bytes(),
        f64::from(p.score),
        p.source,
        attrs_to_db(&p.attributes)?
    ])
    .map_err(taken_id("proposal", id.map_or(0, |id| id.0)))?;
    Ok(ProposalId(tx.last_insert_rowid()))
}

/// Deletes a proposal; returns it as it was, `None` when there was none.
pub(super) fn delete_proposal(
    tx: &Connection,
    id: ProposalId,
) -> Result<Option<Proposal>, ProjectError> {
    let old = find_proposal(tx, id)?;
    delete_found(tx, "DELETE FROM proposals WHERE id = ?1", id.0, old)
}

/// Records where an annotation came from.
pub(super) fn set_origin(
    tx: &Connection,
    id: AnnotationId,
    origin: &AnnotationOrigin,
) -> Result<(), ProjectError> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO annotation_origins(annotation_id, source, score) \
         VALUES(?1,?2,?3)",
    )?
    .execute(params![id.0, origin.source, f64::from(origin.score)])?;
    Ok(())
}

pub(super) fn clear_origin(tx: &Connection, id: AnnotationId) -> Result<(), ProjectError> {
    tx.prepare_cached("DELETE FROM annotation_origins WHERE annotation_id = ?1")?
        .execute([id.0])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;
    use crate::model::{BBox, ProposalId, Shape};
    use crate::project::store::Store;
    use rusqlite::Connection;

    /// A version-7 database's proposals (no `attrs`) read after the move to
    /// version 8, with no attributes.
    #[test]
    fn version_7_proposals_gain_attributes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shugu.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE proposals(id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER NOT NULL,
                 class_id INTEGER NOT NULL, kind INTEGER NOT NULL, shape BLOB NOT NULL,
                 score REAL NOT NULL, source TEXT NOT NULL);
                 PRAGMA user_version = 7;",
            )
            .unwrap();
            let shape = Shape::Rect(BBox::from_xywh(1.0, 2.0, 3.0, 4.0));
            conn.execute(
                "INSERT INTO proposals(item_id, class_id, kind, shape, score, source) VALUES(1, 1, ?1, ?2, 0.5, 'old')",
                rusqlite::params![shape.kind().code(), shape.to_bytes()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path, false).unwrap();
        let p = store.proposal(ProposalId(1)).unwrap().unwrap();
        assert_eq!((p.source.as_str(), p.attributes.len()), ("old", 0));
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, super::super::DB_VERSION);
    }
}
