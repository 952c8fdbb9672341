//! Model proposals in the SQLite store: the `proposals` table (boxes a model
//! suggested, with score and source, waiting for review) and `box_origins`
//! (the model and score of each box that was an accepted proposal).
//!
//! A box's origin row is keyed by the box id, which is never reused, so it is
//! left in place when the box is deleted: undoing the delete brings the box
//! back with its origin. Queries read it only for boxes that exist.

use super::boxes::{bbox_columns, delete_found, taken_id};
use crate::model::{AnnotationId, BoxOrigin, ClassId, ItemId, NewProposal, Proposal, ProposalId};
use crate::project::ProjectError;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const PROPOSAL_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS proposals(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,
    score REAL NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS proposals_by_item ON proposals(item_id);
CREATE TABLE IF NOT EXISTS box_origins(
    box_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    score REAL NOT NULL
);
";

const COLUMNS: &str = "id, item_id, class_id, x0, y0, x1, y1, score, source";

fn row_to_proposal(r: &rusqlite::Row) -> rusqlite::Result<Proposal> {
    Ok(Proposal {
        id: ProposalId(r.get(0)?),
        item: ItemId(r.get(1)?),
        class: ClassId(r.get(2)?),
        bbox: bbox_columns(r, 3)?,
        score: r.get::<_, f64>(7)? as f32,
        source: r.get(8)?,
    })
}

/// A database opened read-only may predate the proposal tables; it has none.
fn has_tables(conn: &Connection) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'box_origins'",
        )?
        .exists([])?)
}

pub(super) fn find_proposal(
    conn: &Connection,
    id: ProposalId,
) -> Result<Option<Proposal>, ProjectError> {
    if !has_tables(conn)? {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM proposals WHERE id = ?1"))?
        .query_row([id.0], row_to_proposal)
        .optional()?)
}

/// An item's proposals, best score first.
pub(super) fn proposals_of(conn: &Connection, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
    if !has_tables(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM proposals WHERE item_id = ?1 ORDER BY score DESC, id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_proposal)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every proposal, ordered by item then id.
pub(super) fn all_proposals(conn: &Connection) -> Result<Vec<Proposal>, ProjectError> {
    if !has_tables(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM proposals ORDER BY item_id, id"
    ))?;
    let rows = stmt.query_map([], row_to_proposal)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Items with proposals, ascending.
pub(super) fn items_with_proposals(conn: &Connection) -> Result<Vec<ItemId>, ProjectError> {
    if !has_tables(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT DISTINCT item_id FROM proposals INDEXED BY proposals_by_item ORDER BY item_id",
    )?;
    let rows = stmt.query_map([], |r| Ok(ItemId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The model and score of an existing box that was an accepted proposal.
pub(super) fn box_origin(
    conn: &Connection,
    id: AnnotationId,
) -> Result<Option<BoxOrigin>, ProjectError> {
    if !has_tables(conn)? {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(
            "SELECT o.source, o.score FROM box_origins o JOIN boxes b ON b.id = o.box_id \
             WHERE o.box_id = ?1",
        )?
        .query_row([id.0], |r| {
            Ok(BoxOrigin {
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
    let b = &p.bbox;
    tx.prepare_cached(&format!(
        "INSERT INTO proposals({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
    ))?
    .execute(params![
        id.map(|id| id.0),
        p.item.0,
        p.class.0,
        f64::from(b.min_x),
        f64::from(b.min_y),
        f64::from(b.max_x),
        f64::from(b.max_y),
        f64::from(p.score),
        p.source
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

/// Records where a box came from.
pub(super) fn set_origin(
    tx: &Connection,
    id: AnnotationId,
    origin: &BoxOrigin,
) -> Result<(), ProjectError> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO box_origins(box_id, source, score) VALUES(?1,?2,?3)",
    )?
    .execute(params![id.0, origin.source, f64::from(origin.score)])?;
    Ok(())
}

pub(super) fn clear_origin(tx: &Connection, id: AnnotationId) -> Result<(), ProjectError> {
    tx.prepare_cached("DELETE FROM box_origins WHERE box_id = ?1")?
        .execute([id.0])?;
    Ok(())
}
