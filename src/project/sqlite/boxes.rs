//! The `boxes` table: a box annotation and its row, mapped in one place,
//! and the statements that read and write it.

use crate::model::{
    AnnotationId, Attributes, BBox, BoxAnnotation, ClassId, ItemId, NewBox, Provenance,
};
use crate::project::ProjectError;
use crate::project::store::{Stamp, id_taken};
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const BOXES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS boxes(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    attrs TEXT
);
CREATE INDEX IF NOT EXISTS boxes_by_item ON boxes(item_id);
";

/// Databases made before version 3 have no `boxes.attrs`; adds it (NULL: no
/// attributes). Looks at the table rather than the version, so it is safe to
/// run on every open.
pub(super) fn add_box_attributes_column(conn: &Connection) -> Result<(), ProjectError> {
    if !has_box_attributes_column(conn)? {
        conn.execute_batch("ALTER TABLE boxes ADD COLUMN attrs TEXT")?;
    }
    Ok(())
}

fn has_box_attributes_column(conn: &Connection) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare("SELECT 1 FROM pragma_table_info('boxes') WHERE name = 'attrs'")?
        .exists([])?)
}

/// A box's attributes as stored: JSON, or NULL for none.
fn attrs_to_db(attrs: &Attributes) -> Result<Option<String>, ProjectError> {
    if attrs.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(attrs)
        .map(Some)
        .map_err(|e| ProjectError::InvalidEdit(format!("box attributes: {e}")))
}

/// Stored attributes back; a value this version cannot read is an error
/// naming the column rather than silently dropped attributes.
fn attrs_from_db(text: Option<String>) -> rusqlite::Result<Attributes> {
    match text {
        None => Ok(Attributes::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
        }),
    }
}

/// A box's corners from four `REAL` columns from `first` on: `x0, y0, x1, y1`.
pub(super) fn bbox_columns(r: &rusqlite::Row, first: usize) -> rusqlite::Result<BBox> {
    Ok(BBox {
        min_x: r.get::<_, f64>(first)? as f32,
        min_y: r.get::<_, f64>(first + 1)? as f32,
        max_x: r.get::<_, f64>(first + 2)? as f32,
        max_y: r.get::<_, f64>(first + 3)? as f32,
    })
}

fn row_to_box(r: &rusqlite::Row) -> rusqlite::Result<BoxAnnotation> {
    Ok(BoxAnnotation {
        id: AnnotationId(r.get(0)?),
        item: ItemId(r.get(1)?),
        class: ClassId(r.get(2)?),
        bbox: bbox_columns(r, 3)?,
        provenance: Provenance {
            author: r.get(7)?,
            created_ms: r.get(8)?,
            updated_by: r.get(9)?,
            updated_ms: r.get(10)?,
        },
        attributes: attrs_from_db(r.get(11)?)?,
    })
}

const BOX_COLUMNS: &str =
    "id, item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by, updated_ms, attrs";

pub(super) fn find_box(
    conn: &Connection,
    id: AnnotationId,
) -> Result<Option<BoxAnnotation>, ProjectError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BOX_COLUMNS} FROM boxes WHERE id = ?1"))?
        .query_row([id.0], row_to_box)
        .optional()?)
}

/// An item's boxes, by id.
pub(super) fn boxes_of(
    conn: &Connection,
    item: ItemId,
) -> Result<Vec<BoxAnnotation>, ProjectError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BOX_COLUMNS} FROM boxes WHERE item_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_box)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every box, ordered by item then id.
pub(super) fn all_boxes(conn: &Connection) -> Result<Vec<BoxAnnotation>, ProjectError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {BOX_COLUMNS} FROM boxes ORDER BY item_id, id"
    ))?;
    let rows = stmt.query_map([], row_to_box)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes a box's class, geometry, attributes and provenance over its row.
pub(super) fn update_box(tx: &Connection, b: &BoxAnnotation) -> Result<(), ProjectError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE boxes SET item_id=?2, class_id=?3, x0=?4, y0=?5, x1=?6, y1=?7, author=?8, \
         created_ms=?9, updated_by=?10, updated_ms=?11, attrs=?12 WHERE id=?1",
    )?;
    execute_box(&mut stmt, Some(b.id), b)?;
    Ok(())
}

/// Runs a statement over a box's [`BOX_COLUMNS`], `?1` to `?12`.
fn execute_box(
    stmt: &mut rusqlite::Statement,
    id: Option<AnnotationId>,
    b: &BoxAnnotation,
) -> Result<usize, ProjectError> {
    let p = &b.provenance;
    let bb = &b.bbox;
    Ok(stmt.execute(params![
        id.map(|id| id.0),
        b.item.0,
        b.class.0,
        bb.min_x,
        bb.min_y,
        bb.max_x,
        bb.max_y,
        p.author,
        p.created_ms,
        p.updated_by,
        p.updated_ms,
        attrs_to_db(&b.attributes)?
    ])?)
}

/// Deletes a box; returns it as it was, `None` when there was none.
pub(super) fn delete_box(
    tx: &Connection,
    id: AnnotationId,
) -> Result<Option<BoxAnnotation>, ProjectError> {
    let old = find_box(tx, id)?;
    delete_found(tx, "DELETE FROM boxes WHERE id = ?1", id.0, old)
}

/// For re-inserting a row under its original id (undo of a delete): a
/// constraint violation means the id is in use, which the edit is told.
pub(super) fn taken_id<E: Into<ProjectError>>(
    what: &'static str,
    id: impl std::fmt::Display,
) -> impl FnOnce(E) -> ProjectError {
    move |e| match e.into() {
        ProjectError::Db(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            id_taken(what, id)
        }
        e => e,
    }
}

/// Deletes the row `old` was read from by `delete` (one parameter, its
/// id); returns `old`.
pub(super) fn delete_found<T>(
    tx: &Connection,
    delete: &str,
    id: i64,
    old: Option<T>,
) -> Result<Option<T>, ProjectError> {
    if old.is_some() {
        tx.prepare_cached(delete)?.execute([id])?;
    }
    Ok(old)
}

/// Inserts a box with its provenance, under `id` or, when `None`, a new one;
/// returns the id.
pub(super) fn insert_box(
    tx: &Connection,
    id: Option<AnnotationId>,
    b: &BoxAnnotation,
) -> Result<AnnotationId, ProjectError> {
    let mut stmt = tx.prepare_cached(&format!(
        "INSERT INTO boxes({BOX_COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
    ))?;
    execute_box(&mut stmt, id, b).map_err(taken_id("box", id.unwrap_or(b.id)))?;
    Ok(AnnotationId(tx.last_insert_rowid()))
}

/// Rows per multi-row `INSERT` of new boxes: 7 parameters each plus 3 shared,
/// well below SQLite's limit of 32766 parameters per statement.
const INSERT_CHUNK: usize = 512;

/// The multi-row `INSERT` statement for `rows` new boxes. `?1`..`?3` (author,
/// created time, updated time) are shared by all rows, so the author is bound
/// once per statement instead of twice per row.
fn insert_new_boxes_sql(rows: usize) -> String {
    use std::fmt::Write as _;
    let mut sql = String::with_capacity(120 + rows * 48);
    sql.push_str(
        "INSERT INTO boxes(item_id, class_id, x0, y0, x1, y1, attrs, author, created_ms, updated_by, updated_ms) VALUES",
    );
    for r in 0..rows {
        let p = 4 + r * 7;
        let sep = if r == 0 { "" } else { "," };
        let _ = write!(
            sql,
            "{sep}(?{},?{},?{},?{},?{},?{},?{},?1,?2,?1,?3)",
            p,
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6
        );
    }
    sql
}

/// Inserts new boxes with the edit's author and time and returns their ids, in
/// the order of `new`.
///
/// A statement per row spent most of a million-box import on per-statement work
/// (cache lookup, binding, a VM run, two author `String`s); [`INSERT_CHUNK`] rows
/// per statement cut that overhead by the chunk size. Ids: `boxes.id` is
/// `AUTOINCREMENT`, which gives each row the largest id the table ever had plus
/// one, so within one statement of this write transaction the rows get
/// consecutive ids in `VALUES` order, the last being `last_insert_rowid()`.
/// (`RETURNING id` would say the same at twice the cost of the whole insert.)
pub(super) fn insert_new_boxes(
    tx: &Connection,
    new: &[NewBox],
    stamp: Stamp,
) -> Result<Vec<AnnotationId>, ProjectError> {
    let mut ids = Vec::with_capacity(new.len());
    let full_chunk_sql = insert_new_boxes_sql(INSERT_CHUNK);
    for chunk in new.chunks(INSERT_CHUNK) {
        let mut stmt = if chunk.len() == INSERT_CHUNK {
            tx.prepare_cached(&full_chunk_sql)?
        } else {
            tx.prepare_cached(&insert_new_boxes_sql(chunk.len()))?
        };
        stmt.raw_bind_parameter(1, stamp.author)?;
        stmt.raw_bind_parameter(2, stamp.time_ms)?;
        stmt.raw_bind_parameter(3, stamp.time_ms)?;
        for (r, n) in chunk.iter().enumerate() {
            let p = 4 + r * 7;
            let bb = &n.bbox;
            stmt.raw_bind_parameter(p, n.item.0)?;
            stmt.raw_bind_parameter(p + 1, n.class.0)?;
            stmt.raw_bind_parameter(p + 2, f64::from(bb.min_x))?;
            stmt.raw_bind_parameter(p + 3, f64::from(bb.min_y))?;
            stmt.raw_bind_parameter(p + 4, f64::from(bb.max_x))?;
            stmt.raw_bind_parameter(p + 5, f64::from(bb.max_y))?;
            stmt.raw_bind_parameter(p + 6, attrs_to_db(&n.attributes)?)?;
        }
        let inserted = stmt.raw_execute()?;
        if inserted != chunk.len() {
            return Err(ProjectError::InvalidEdit(format!(
                "inserting {} boxes inserted {inserted}",
                chunk.len()
            )));
        }
        let last = tx.last_insert_rowid();
        let first = last - inserted as i64 + 1;
        ids.extend((first..=last).map(AnnotationId));
    }
    Ok(ids)
}
