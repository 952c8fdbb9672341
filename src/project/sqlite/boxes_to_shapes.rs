//! Moving a database of version 6 or older forward to version 7, where an
//! annotation carries a shape: the `boxes` table becomes `annotations` (each
//! box a `Shape::Rect`, its corners exactly as stored), proposals keep their
//! box as a shape too, `box_origins` becomes `annotation_origins`, and
//! comments pinned to a box are pinned to the annotation. Ids, provenance,
//! attributes and the id counters are kept; item versions and a package's
//! starting states (JSON with `boxes` and `bbox`) are read as they are (see
//! `model::Annotation`). One transaction, on a writable open; a read-only
//! open reads a moved copy (see `SqliteStore::open`). Looks at the tables, so
//! it does nothing on a database already moved.

use super::annotations::raise_sequence;
use super::text_layouts::has_table;
use crate::model::{BBox, Shape};
use crate::project::ProjectError;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

pub(super) fn has_column(
    conn: &Connection,
    table: &str,
    column: &str,
) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2")?
        .exists([table, column])?)
}

/// The id counter of `table`, 0 when it has none.
fn sequence(conn: &Connection, table: &str) -> Result<i64, ProjectError> {
    let mut stmt = conn.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1")?;
    let mut rows = stmt.query([table])?;
    Ok(match rows.next()? {
        Some(r) => r.get(0)?,
        None => 0,
    })
}

/// A box's stored corners as the bytes of its shape.
fn rect_bytes(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Vec<u8>> {
    let corner = |i: usize| r.get::<_, f64>(first + i).map(|v| v as f32);
    let rect = Shape::Rect(BBox {
        min_x: corner(0)?,
        min_y: corner(1)?,
        max_x: corner(2)?,
        max_y: corner(3)?,
    });
    Ok(rect.to_bytes())
}

const RECT_CODE: u8 = 1;

/// Moves every older table forward (the new tables exist already); a
/// database without `boxes` is left as it is.
pub(super) fn move_forward(conn: &mut Connection) -> Result<(), ProjectError> {
    if !has_table(conn, "boxes")? {
        return Ok(());
    }
    debug_assert_eq!(crate::model::ShapeKind::Rect.code(), RECT_CODE);
    let tx = conn.transaction()?;
    move_boxes(&tx)?;
    if has_column(&tx, "proposals", "x0")? {
        move_proposals(&tx)?;
    }
    if has_table(&tx, "box_origins")? {
        tx.execute_batch(
            "INSERT OR REPLACE INTO annotation_origins(annotation_id, source, score) \
             SELECT box_id, source, score FROM box_origins; \
             DROP TABLE box_origins;",
        )?;
    }
    tx.execute(
        "UPDATE comments SET target_kind = 'annotation' WHERE target_kind = 'box'",
        [],
    )?;
    tx.commit()?;
    Ok(())
}

/// Copies every row `select` reads into `insert`, the four corner columns
/// from `corners` on given as a rect's kind code and bytes instead.
fn copy_rows_as_rects(
    tx: &Connection,
    select: &str,
    insert: &str,
    corners: usize,
) -> Result<(), ProjectError> {
    let mut read = tx.prepare(select)?;
    let columns = read.column_count();
    let mut write = tx.prepare(insert)?;
    let mut rows = read.query([])?;
    let mut values: Vec<Value> = Vec::with_capacity(columns);
    while let Some(r) = rows.next()? {
        values.clear();
        for i in 0..columns {
            if i == corners {
                values.push(Value::Integer(i64::from(RECT_CODE)));
                values.push(Value::Blob(rect_bytes(r, corners)?));
            }
            if !(corners..corners + 4).contains(&i) {
                values.push(r.get(i)?);
            }
        }
        write.execute(params_from_iter(values.iter()))?;
    }
    Ok(())
}

/// `boxes` into `annotations`, under the same ids, the counter carried over.
fn move_boxes(tx: &Connection) -> Result<(), ProjectError> {
    // Databases before version 3 have no attributes column.
    let attrs = if has_column(tx, "boxes", "attrs")? {
        "attrs"
    } else {
        "NULL"
    };
    copy_rows_as_rects(
        tx,
        &format!(
            "SELECT id, item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by, \
             updated_ms, {attrs} FROM boxes ORDER BY id"
        ),
        "INSERT INTO annotations(id, item_id, class_id, kind, shape, author, created_ms, \
         updated_by, updated_ms, attrs) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        3,
    )?;
    raise_sequence(tx, "annotations", sequence(tx, "boxes")?)?;
    tx.execute_batch("DROP TABLE boxes")?;
    Ok(())
}

/// Proposals with corner columns into the table with a shape, under the same
/// ids, the counter carried over.
fn move_proposals(tx: &Connection) -> Result<(), ProjectError> {
    let floor = sequence(tx, "proposals")?;
    tx.execute_batch(
        "ALTER TABLE proposals RENAME TO proposals_v6; DROP INDEX IF EXISTS proposals_by_item;",
    )?;
    tx.execute_batch(super::proposals::PROPOSAL_SCHEMA)?;
    copy_rows_as_rects(
        tx,
        "SELECT id, item_id, class_id, x0, y0, x1, y1, score, source FROM proposals_v6 \
         ORDER BY id",
        "INSERT INTO proposals(id, item_id, class_id, kind, shape, score, source) \
         VALUES(?1,?2,?3,?4,?5,?6,?7)",
        3,
    )?;
    raise_sequence(tx, "proposals", floor)?;
    tx.execute_batch("DROP TABLE proposals_v6")?;
    Ok(())
}
