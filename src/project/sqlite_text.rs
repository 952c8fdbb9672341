//! The text side of the SQLite store: text items (`texts`) and their spans
//! (`spans`). Spans are `[start, end)` in code points of the stored text.

use super::ProjectError;
use super::sqlite_store::taken_id;
use super::store::{EditContext, NewTextItem};
use crate::model::{
    ClassId, Item, ItemId, ItemStatus, LabelId, NewSpan, Provenance, SpanAnnotation, SpanId,
    TextDoc,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

pub(super) const TEXT_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS texts(
    item_id INTEGER PRIMARY KEY,
    ext_id TEXT,
    body TEXT NOT NULL,
    char_len INTEGER NOT NULL,
    meta TEXT
);
CREATE TABLE IF NOT EXISTS spans(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    start_cp INTEGER NOT NULL,
    end_cp INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_by_item ON spans(item_id);
";

const SPAN_COLUMNS: &str =
    "id, item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, updated_ms";

fn row_to_span(r: &rusqlite::Row) -> rusqlite::Result<SpanAnnotation> {
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
}

pub(super) fn find_span(
    conn: &Connection,
    id: SpanId,
) -> Result<Option<SpanAnnotation>, ProjectError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?1"))?
        .query_row([id.0], row_to_span)
        .optional()?)
}

fn span_by_id(conn: &Connection, id: SpanId) -> Result<SpanAnnotation, ProjectError> {
    find_span(conn, id)?
        .ok_or_else(|| ProjectError::InvalidEdit(format!("there is no span with id {id}")))
}

pub(super) fn spans_of(
    conn: &Connection,
    item: ItemId,
) -> Result<Vec<SpanAnnotation>, ProjectError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SPAN_COLUMNS} FROM spans WHERE item_id = ?1 ORDER BY start_cp, end_cp, id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_span)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn all_spans(conn: &Connection) -> Result<Vec<SpanAnnotation>, ProjectError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SPAN_COLUMNS} FROM spans ORDER BY item_id, start_cp, end_cp, id"
    ))?;
    let rows = stmt.query_map([], row_to_span)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every span's item, class and range, ordered by item and start: what an
/// export needs, without the provenance strings.
pub(super) fn all_span_extents(conn: &Connection) -> Result<Vec<SpanExtent>, ProjectError> {
    // Ordered by the item index only, so SQLite streams it instead of sorting
    // millions of rows; each item's few spans are sorted here.
    let mut stmt = conn.prepare(
        "SELECT item_id, class_id, start_cp, end_cp FROM spans INDEXED BY spans_by_item ORDER BY item_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SpanExtent {
            item: ItemId(r.get(0)?),
            class: ClassId(r.get(1)?),
            start: r.get(2)?,
            end: r.get(3)?,
        })
    })?;
    let mut spans: Vec<SpanExtent> = rows.collect::<Result<_, _>>()?;
    for run in spans.chunk_by_mut(|a, b| a.item == b.item) {
        run.sort_unstable_by_key(|s| (s.start, s.end, s.class));
    }
    Ok(spans)
}

/// Where a span is and what class it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanExtent {
    pub item: ItemId,
    pub class: ClassId,
    pub start: u32,
    pub end: u32,
}

/// Inserts new spans with the edit's author and time; returns their ids in order.
pub(super) fn insert_spans(
    tx: &Transaction,
    new: &[NewSpan],
    ctx: &EditContext,
) -> Result<Vec<SpanId>, ProjectError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO spans(item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, updated_ms) \
         VALUES(?1,?2,?3,?4,?5,?6,?5,?6)",
    )?;
    let mut ids = Vec::with_capacity(new.len());
    for s in new {
        stmt.execute(params![
            s.item.0,
            s.class.0,
            s.start,
            s.end,
            ctx.author,
            ctx.time_ms
        ])?;
        ids.push(SpanId(tx.last_insert_rowid()));
    }
    Ok(ids)
}

/// Re-inserts a span with its original id and provenance (undo of a delete).
pub(super) fn restore_span(tx: &Transaction, s: &SpanAnnotation) -> Result<(), ProjectError> {
    insert_span_row(tx, Some(s.id), s).map(|_| ())
}

/// Inserts a span with its provenance, under `id` or, when `None`, a new one;
/// returns the id.
pub(super) fn insert_span_row(
    tx: &Transaction,
    id: Option<SpanId>,
    s: &SpanAnnotation,
) -> Result<SpanId, ProjectError> {
    let p = &s.provenance;
    tx.prepare_cached(&format!(
        "INSERT INTO spans({SPAN_COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
    ))?
    .execute(params![
        id.map(|id| id.0),
        s.item.0,
        s.class.0,
        s.start,
        s.end,
        p.author,
        p.created_ms,
        p.updated_by,
        p.updated_ms
    ])
    .map_err(taken_id("span", s.id))?;
    Ok(SpanId(tx.last_insert_rowid()))
}

pub(super) fn delete_span(tx: &Transaction, id: SpanId) -> Result<SpanAnnotation, ProjectError> {
    let old = span_by_id(tx, id)?;
    tx.prepare_cached("DELETE FROM spans WHERE id = ?1")?
        .execute([id.0])?;
    Ok(old)
}

/// Changes a span's class; returns the span as it was.
pub(super) fn set_span_class(
    tx: &Transaction,
    id: SpanId,
    class: ClassId,
    ctx: &EditContext,
) -> Result<SpanAnnotation, ProjectError> {
    let old = span_by_id(tx, id)?;
    tx.prepare_cached(
        "UPDATE spans SET class_id = ?2, updated_by = ?3, updated_ms = ?4 WHERE id = ?1",
    )?
    .execute(params![id.0, class.0, ctx.author, ctx.time_ms])?;
    Ok(old)
}

pub(super) fn text_of(conn: &Connection, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT ext_id, body, meta FROM texts WHERE item_id = ?1")?
        .query_row([item.0], |r| {
            Ok(TextDoc {
                ext_id: r.get(0)?,
                text: r.get(1)?,
                meta: r.get(2)?,
            })
        })
        .optional()?)
}

/// The length of a text item in code points; `None` when the item has no text.
pub(super) fn text_len(conn: &Connection, item: ItemId) -> Result<Option<u32>, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT char_len FROM texts WHERE item_id = ?1")?
        .query_row([item.0], |r| r.get(0))
        .optional()?)
}

/// Every text item's content, ordered by item.
pub(super) fn all_texts(conn: &Connection) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
    let mut stmt =
        conn.prepare("SELECT item_id, ext_id, body, meta FROM texts ORDER BY item_id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            ItemId(r.get(0)?),
            TextDoc {
                ext_id: r.get(1)?,
                text: r.get(2)?,
                meta: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A text item's content borrowed from the database row being read.
#[derive(Clone, Copy, Debug)]
pub struct TextRow<'a> {
    pub item: ItemId,
    pub ext_id: Option<&'a str>,
    pub text: &'a str,
    pub meta: Option<&'a str>,
}

/// Calls `f` with every text item in item order, without copying the texts.
pub(super) fn for_each_text(
    conn: &Connection,
    f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    let mut stmt =
        conn.prepare("SELECT item_id, ext_id, body, meta FROM texts ORDER BY item_id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<Option<&str>> {
            match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                v => v.as_str().map(Some).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
                }),
            }
        };
        f(TextRow {
            item: ItemId(r.get(0)?),
            ext_id: text(1)?,
            text: text(2)?.unwrap_or_default(),
            meta: text(3)?,
        })?;
    }
    Ok(())
}

/// A text record to add with its labels, resolved to schema ids and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedText {
    pub item: NewTextItem,
    /// `(start, end, class)` in code points.
    pub spans: Vec<(u32, u32, ClassId)>,
    pub labels: Vec<LabelId>,
}

/// What a bulk insert of labelled texts created, gathered chunk by chunk.
#[derive(Default)]
pub(super) struct BulkTexts {
    pub items: Vec<Item>,
    pub spans: Vec<SpanId>,
    /// Items inserted in progress (they have labels).
    pub started: Vec<ItemId>,
    /// Items given document classes.
    pub classified: Vec<ItemId>,
}

/// At most this many rows per multi-row `INSERT`; SQLite allows 32766
/// parameters per statement.
const ROWS_PER_INSERT: usize = 400;

/// Inserts `rows` with multi-row `INSERT … VALUES (…),(…)` statements. `row`
/// is one row's values, e.g. `(?,?,0)`, holding `per_row` parameters; `bind`
/// binds one row from parameter `first`. One statement per
/// [`ROWS_PER_INSERT`] rows instead of one per row is what makes a
/// million-line import take seconds.
fn insert_rows<T>(
    tx: &Transaction,
    head: &str,
    row: &str,
    per_row: usize,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement, &T, usize) -> rusqlite::Result<()>,
) -> Result<(), ProjectError> {
    let sql = |n: usize| format!("{head} VALUES {}", vec![row; n].join(","));
    let full = sql(ROWS_PER_INSERT);
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut stmt = if chunk.len() == ROWS_PER_INSERT {
            tx.prepare_cached(&full)?
        } else {
            tx.prepare_cached(&sql(chunk.len()))?
        };
        for (r, item) in chunk.iter().enumerate() {
            bind(&mut stmt, item, 1 + r * per_row)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// The ids `AUTOINCREMENT` gave the `n` rows one statement just inserted:
/// consecutive, the last being `last_insert_rowid()` (as for boxes).
fn consecutive_ids(tx: &Transaction, n: usize) -> std::ops::RangeInclusive<i64> {
    let last = tx.last_insert_rowid();
    (last + 1 - n as i64)..=last
}

/// Inserts one chunk of labelled texts: items (in progress when labelled),
/// their texts, spans and document classes.
pub(super) fn insert_labelled_chunk(
    tx: &Transaction,
    chunk: &[ResolvedText],
    ctx: &EditContext,
    out: &mut BulkTexts,
) -> Result<(), ProjectError> {
    let labelled = |t: &ResolvedText| !(t.spans.is_empty() && t.labels.is_empty());
    let mut ids = Vec::with_capacity(chunk.len());
    for rows in chunk.chunks(ROWS_PER_INSERT) {
        insert_rows(
            tx,
            "INSERT INTO items(rel_path, status, width, height)",
            "(?,?,0,0)",
            2,
            rows,
            |stmt, t, p| {
                let status = if labelled(t) {
                    ItemStatus::InProgress
                } else {
                    ItemStatus::New
                };
                stmt.raw_bind_parameter(p, &t.item.rel_path)?;
                stmt.raw_bind_parameter(p + 1, status.as_str())
            },
        )?;
        ids.extend(consecutive_ids(tx, rows.len()).map(ItemId));
    }
    let with_ids: Vec<(ItemId, &ResolvedText)> = ids.iter().copied().zip(chunk).collect();
    insert_rows(
        tx,
        "INSERT INTO texts(item_id, ext_id, body, char_len, meta)",
        "(?,?,?,?,?)",
        5,
        &with_ids,
        |stmt, (id, t), p| {
            stmt.raw_bind_parameter(p, id.0)?;
            stmt.raw_bind_parameter(p + 1, &t.item.doc.ext_id)?;
            stmt.raw_bind_parameter(p + 2, &t.item.doc.text)?;
            stmt.raw_bind_parameter(p + 3, t.item.doc.text.chars().count() as i64)?;
            stmt.raw_bind_parameter(p + 4, &t.item.doc.meta)
        },
    )?;
    let spans: Vec<(ItemId, (u32, u32, ClassId))> = with_ids
        .iter()
        .flat_map(|(id, t)| t.spans.iter().map(move |s| (*id, *s)))
        .collect();
    for rows in spans.chunks(ROWS_PER_INSERT) {
        insert_rows(
            tx,
            "INSERT INTO spans(item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, updated_ms)",
            "(?,?,?,?,?,?,?,?)",
            8,
            rows,
            |stmt, (id, (start, end, class)), p| {
                stmt.raw_bind_parameter(p, id.0)?;
                stmt.raw_bind_parameter(p + 1, class.0)?;
                stmt.raw_bind_parameter(p + 2, start)?;
                stmt.raw_bind_parameter(p + 3, end)?;
                stmt.raw_bind_parameter(p + 4, ctx.author)?;
                stmt.raw_bind_parameter(p + 5, ctx.time_ms)?;
                stmt.raw_bind_parameter(p + 6, ctx.author)?;
                stmt.raw_bind_parameter(p + 7, ctx.time_ms)
            },
        )?;
        out.spans
            .extend(consecutive_ids(tx, rows.len()).map(SpanId));
    }
    let labels: Vec<(ItemId, LabelId)> = with_ids
        .iter()
        .flat_map(|(id, t)| t.labels.iter().map(move |l| (*id, *l)))
        .collect();
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO image_labels(item_id, label_id, author, created_ms)",
        "(?,?,?,?)",
        4,
        &labels,
        |stmt, (id, label), p| {
            stmt.raw_bind_parameter(p, id.0)?;
            stmt.raw_bind_parameter(p + 1, label.0)?;
            stmt.raw_bind_parameter(p + 2, ctx.author)?;
            stmt.raw_bind_parameter(p + 3, ctx.time_ms)
        },
    )?;
    for (id, t) in &with_ids {
        if labelled(t) {
            out.started.push(*id);
        }
        if !t.labels.is_empty() {
            out.classified.push(*id);
        }
        out.items.push(Item {
            id: *id,
            rel_path: t.item.rel_path.clone(),
            width: 0,
            height: 0,
            status: if labelled(t) {
                ItemStatus::InProgress
            } else {
                ItemStatus::New
            },
            error: None,
        });
    }
    Ok(())
}
