//! Moving the text tables of older databases forward, on a writable open:
//! layout 2 and older kept one `spans` row per span; version 3 and 4 kept a
//! `texts` row per item with its spans packed in. Both end as `text_blocks`
//! (see [`text_block`](super::text_block)) with every id, provenance and the
//! span id counter kept. A read-only open reads such a database through a
//! moved copy (see `SqliteStore::open`).

use super::span_pack;
use super::text::{insert_blocks, raise_span_floor};
use super::text_block::{Blocks, TextRecord};
use crate::model::{ClassId, ItemId, Provenance, SpanAnnotation, SpanId};
use crate::project::ProjectError;
use rusqlite::{Connection, params};

pub(super) fn has_table(conn: &Connection, name: &str) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?
        .exists([name])?)
}

/// Whether the database keeps its texts or spans in an older layout.
pub(super) fn has_older_layout(conn: &Connection) -> Result<bool, ProjectError> {
    Ok(has_table(conn, "spans")? || has_table(conn, "texts")?)
}

/// Moves older text tables into `text_blocks`, in one transaction. Looks at
/// the tables, so it is a no-op on a database already moved.
pub(super) fn move_forward(conn: &mut Connection) -> Result<(), ProjectError> {
    if !has_older_layout(conn)? {
        return Ok(());
    }
    let tx = conn.transaction()?;
    if has_table(&tx, "spans")? {
        pack_span_rows(&tx)?;
    }
    if has_table(&tx, "texts")? {
        move_texts_into_blocks(&tx)?;
    }
    tx.commit()?;
    Ok(())
}

fn has_texts_spans_column(tx: &Connection) -> Result<bool, ProjectError> {
    Ok(tx
        .prepare("SELECT 1 FROM pragma_table_info('texts') WHERE name = 'spans'")?
        .exists([])?)
}

/// Layout 2: one `spans` row per span, packed into their `texts` rows.
fn pack_span_rows(tx: &Connection) -> Result<(), ProjectError> {
    if !has_texts_spans_column(tx)? {
        tx.execute_batch("ALTER TABLE texts ADD COLUMN spans BLOB")?;
    }
    let spans: Vec<SpanAnnotation> = {
        let mut stmt = tx.prepare(
            "SELECT id, item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, updated_ms \
             FROM spans ORDER BY item_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SpanAnnotation {
                id: SpanId(r.get(0)?),
                item: ItemId(r.get(1)?),
                class: ClassId(r.get(2)?),
                start: r.get(3)?,
                end: r.get(4)?,
                provenance: Provenance {
                    author: r.get(5)?,
                    created_ms: r.get(6)?,
                    updated_by: r.get(7)?,
                    updated_ms: r.get(8)?,
                },
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for run in spans.chunk_by(|a, b| a.item == b.item) {
        tx.prepare_cached("UPDATE texts SET spans = ?2 WHERE item_id = ?1")?
            .execute(params![run[0].item.0, span_pack::pack(run)])?;
    }
    let last: i64 = tx.query_row(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'spans'), 0), \
             COALESCE((SELECT MAX(id) FROM spans), 0))",
        [],
        |r| r.get(0),
    )?;
    raise_span_floor(tx, last)?;
    tx.execute_batch("DROP TABLE spans")?;
    Ok(())
}

/// Versions 3 and 4: a `texts` row per item, into blocks of consecutive
/// items, each item's pack as its block's spans.
fn move_texts_into_blocks(tx: &Connection) -> Result<(), ProjectError> {
    let spans = if has_texts_spans_column(tx)? {
        "spans"
    } else {
        "NULL"
    };
    let mut stmt = tx.prepare(&format!(
        "SELECT item_id, ext_id, body, char_len, meta, {spans} FROM texts ORDER BY item_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut blocks = Blocks::default();
    while let Some(r) = rows.next()? {
        let item = ItemId(r.get(0)?);
        let text = |i: usize| -> rusqlite::Result<Option<&str>> {
            match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                v => v.as_str().map(Some).map_err(rusqlite::Error::from),
            }
        };
        let pack = r
            .get_ref(5)?
            .as_blob_or_null()
            .map_err(rusqlite::Error::from)?;
        blocks.push(
            item,
            &TextRecord {
                char_len: r.get(3)?,
                ext_id: text(1)?,
                meta: text(4)?,
                text: text(2)?.unwrap_or_default(),
            },
            pack.unwrap_or_default(),
            &[],
        );
    }
    drop(rows);
    drop(stmt);
    insert_blocks(tx, blocks.finish())?;
    tx.execute_batch("DROP TABLE texts")?;
    Ok(())
}
