//! The text side of the SQLite store. Texts are stored in blocks of
//! consecutive items (`text_blocks`, see [`text_block`]) with the spans they
//! had when added; an item's spans, once edited, are in `span_packs` (see
//! [`span_pack`]), which then wins over its block. Spans are `[start, end)`
//! in code points of the stored text; their ids come from `id_counters` and
//! are never reused. Older layouts are moved forward by
//! [`text_layouts`](super::text_layouts).

use super::labels;
use super::span_pack::{self, PackedSpan};
use super::text_block::{self, TextRecord};
use crate::model::{ClassId, Item, ItemId, SpanAnnotation, SpanId, SpanRef, TextDoc};
use crate::project::ProjectError;
use crate::project::store::AddedTexts;
use crate::project::text_pack::PackedTexts;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const TEXT_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS text_blocks(
    first_item INTEGER PRIMARY KEY,
    last_item INTEGER NOT NULL,
    spans BLOB,
    texts BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS span_packs(item_id INTEGER PRIMARY KEY, spans BLOB);
CREATE TABLE IF NOT EXISTS id_counters(name TEXT PRIMARY KEY, last INTEGER NOT NULL);
";

/// The largest span id ever given out.
pub(super) fn last_span_id(conn: &Connection) -> Result<i64, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT last FROM id_counters WHERE name = 'spans'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Makes sure new spans get ids above `floor`.
pub(super) fn raise_span_floor(tx: &Connection, floor: i64) -> Result<(), ProjectError> {
    tx.prepare_cached(
        "INSERT INTO id_counters(name, last) VALUES('spans', ?1) \
         ON CONFLICT(name) DO UPDATE SET last = MAX(last, excluded.last)",
    )?
    .execute([floor])?;
    Ok(())
}

/// Gives out `n` new consecutive span ids; returns the first.
pub(super) fn take_span_ids(tx: &Connection, n: usize) -> Result<i64, ProjectError> {
    let first = last_span_id(tx)? + 1;
    raise_span_floor(tx, first + n as i64 - 1)?;
    Ok(first)
}

/// One column of the block holding an item's text, and the block's first item.
struct BlockColumn {
    first: ItemId,
    value: Option<Vec<u8>>,
}

/// The columns of a block read on their own: its spans are read without
/// its texts, which follow them in the row.
#[derive(Clone, Copy)]
enum BlockPart {
    Spans,
    Texts,
}

/// The block holding `item`'s text: its first item and its `part`; `None`
/// when the item has no text.
fn block_of(
    conn: &Connection,
    part: BlockPart,
    item: ItemId,
) -> Result<Option<BlockColumn>, ProjectError> {
    let sql = match part {
        BlockPart::Spans => {
            "SELECT first_item, last_item, spans FROM text_blocks WHERE first_item <= ?1 ORDER BY first_item DESC LIMIT 1"
        }
        BlockPart::Texts => {
            "SELECT first_item, last_item, texts FROM text_blocks WHERE first_item <= ?1 ORDER BY first_item DESC LIMIT 1"
        }
    };
    let found = conn
        .prepare_cached(sql)?
        .query_row([item.0], |r| {
            Ok((
                ItemId(r.get(0)?),
                ItemId(r.get(1)?),
                r.get::<_, Option<Vec<u8>>>(2)?,
            ))
        })
        .optional()?;
    Ok(found
        .and_then(|(first, last, value)| (item <= last).then_some(BlockColumn { first, value })))
}

/// An item's packed spans; `None` when the item has no text.
fn read_pack(conn: &Connection, item: ItemId) -> Result<Option<Vec<u8>>, ProjectError> {
    let edited: Option<Vec<u8>> = conn
        .prepare_cached("SELECT COALESCE(spans, x'') FROM span_packs WHERE item_id = ?1")?
        .query_row([item.0], |r| r.get(0))
        .optional()?;
    if edited.is_some() {
        return Ok(edited);
    }
    Ok(match block_of(conn, BlockPart::Spans, item)? {
        None => None,
        Some(BlockColumn { value: None, .. }) => Some(Vec::new()),
        Some(BlockColumn {
            first,
            value: Some(spans),
        }) => Some(text_block::pack_at(&spans, first, item)?.to_vec()),
    })
}

/// An item's spans, in (start, end, id) order; `None` when it has no text.
pub(super) fn item_spans(
    conn: &Connection,
    item: ItemId,
) -> Result<Option<Vec<SpanAnnotation>>, ProjectError> {
    match read_pack(conn, item)? {
        Some(pack) => Ok(Some(span_pack::spans_of(item, &pack)?)),
        None => Ok(None),
    }
}

/// Stores an item's spans as edited; its block's are no longer read.
pub(super) fn write_spans(
    tx: &Connection,
    item: ItemId,
    spans: &[SpanAnnotation],
) -> Result<(), ProjectError> {
    write_pack(tx, item, &span_pack::pack(spans))
}

fn write_pack(tx: &Connection, item: ItemId, pack: &[u8]) -> Result<(), ProjectError> {
    let value = if pack.is_empty() { None } else { Some(pack) };
    tx.prepare_cached(
        "INSERT INTO span_packs(item_id, spans) VALUES(?1, ?2) \
         ON CONFLICT(item_id) DO UPDATE SET spans = excluded.spans",
    )?
    .execute(params![item.0, value])?;
    Ok(())
}

pub(super) fn find_span(
    conn: &Connection,
    at: SpanRef,
) -> Result<Option<SpanAnnotation>, ProjectError> {
    Ok(spans_of(conn, at.item)?.into_iter().find(|s| s.id == at.id))
}

pub(super) fn spans_of(
    conn: &Connection,
    item: ItemId,
) -> Result<Vec<SpanAnnotation>, ProjectError> {
    match read_pack(conn, item)? {
        Some(pack) => span_pack::spans_of(item, &pack),
        None => Ok(Vec::new()),
    }
}

/// Calls `f` with every span, by item and then in (start, end, id) order,
/// its strings borrowed from the value being read.
pub(super) fn for_each_span(
    conn: &Connection,
    f: &mut dyn FnMut(ItemId, PackedSpan<'_>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    // Edited packs are read one at a time alongside the blocks, both in item order.
    let mut edited_stmt =
        conn.prepare("SELECT item_id, COALESCE(spans, x'') FROM span_packs ORDER BY item_id")?;
    let mut edited_rows = edited_stmt.query([])?;
    let mut next_edited = || -> Result<Option<(ItemId, Vec<u8>)>, ProjectError> {
        Ok(match edited_rows.next()? {
            Some(r) => Some((ItemId(r.get(0)?), r.get(1)?)),
            None => None,
        })
    };
    let mut edited = next_edited()?;
    let mut emit = |item: ItemId, pack: &[u8]| span_pack::for_each(pack, |s| f(item, s));
    let mut stmt =
        conn.prepare("SELECT first_item, last_item, spans FROM text_blocks ORDER BY first_item")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (first, last) = (ItemId(r.get(0)?), ItemId(r.get(1)?));
        let mut stored: Vec<(ItemId, &[u8])> = Vec::new();
        if let Some(spans) = r
            .get_ref(2)?
            .as_blob_or_null()
            .map_err(rusqlite::Error::from)?
        {
            text_block::for_each_pack(spans, first, |item, pack| {
                stored.push((item, pack));
                Ok(true)
            })?;
        }
        let mut stored = stored.into_iter().peekable();
        loop {
            let edited_here = edited
                .as_ref()
                .map(|(item, _)| *item)
                .filter(|&b| b <= last);
            let stored_here = stored.peek().map(|&(item, _)| item);
            // An item's edited pack wins over its stored one.
            let take_edited = match (stored_here, edited_here) {
                (None, None) => break,
                (Some(a), Some(b)) => b <= a,
                (None, Some(_)) => true,
                (Some(_), None) => false,
            };
            if take_edited {
                if let Some((item, pack)) = edited.take() {
                    if stored_here == Some(item) {
                        stored.next();
                    }
                    emit(item, &pack)?;
                }
                edited = next_edited()?;
            } else if let Some((item, pack)) = stored.next() {
                emit(item, pack)?;
            }
        }
    }
    while let Some((item, pack)) = edited.take() {
        emit(item, &pack)?;
        edited = next_edited()?;
    }
    Ok(())
}

pub(super) fn all_spans(conn: &Connection) -> Result<Vec<SpanAnnotation>, ProjectError> {
    let mut out = Vec::new();
    for_each_span(conn, &mut |item, s| {
        out.push(s.to_span(item));
        Ok(())
    })?;
    Ok(out)
}

/// Every span's item, class and range, ordered by item and start: what an
/// export needs, without the provenance strings.
pub(super) fn all_span_extents(conn: &Connection) -> Result<Vec<SpanExtent>, ProjectError> {
    let mut out = Vec::new();
    for_each_span(conn, &mut |item, s| {
        out.push(SpanExtent {
            item,
            class: s.class,
            start: s.start,
            end: s.end,
        });
        Ok(())
    })?;
    for run in out.chunk_by_mut(|a, b| a.item == b.item) {
        run.sort_unstable_by_key(|s| (s.start, s.end, s.class));
    }
    Ok(out)
}

/// Where a span is and what class it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanExtent {
    pub item: ItemId,
    pub class: ClassId,
    pub start: u32,
    pub end: u32,
}

/// `f` of `item`'s text, read in place; `None` when the item has no text.
fn with_text<R>(
    conn: &Connection,
    item: ItemId,
    f: impl FnOnce(TextRecord) -> R,
) -> Result<Option<R>, ProjectError> {
    let Some(BlockColumn {
        first,
        value: Some(texts),
    }) = block_of(conn, BlockPart::Texts, item)?
    else {
        return Ok(None);
    };
    Ok(text_block::text_at(&texts, first, item)?.map(f))
}

pub(super) fn text_of(conn: &Connection, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
    with_text(conn, item, |t| TextDoc {
        ext_id: t.ext_id.map(str::to_string),
        text: t.text.to_string(),
        meta: t.meta.map(str::to_string),
    })
}

/// The length of a text item in code points; `None` when the item has no text.
pub(super) fn text_len(conn: &Connection, item: ItemId) -> Result<Option<u32>, ProjectError> {
    with_text(conn, item, |t| t.char_len)
}

/// Every text item's content, ordered by item.
pub(super) fn all_texts(conn: &Connection) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
    let mut out = Vec::new();
    for_each_text(conn, &mut |t| {
        out.push((
            t.item,
            TextDoc {
                ext_id: t.ext_id.map(str::to_string),
                text: t.text.to_string(),
                meta: t.meta.map(str::to_string),
            },
        ));
        Ok(())
    })?;
    Ok(out)
}

/// A text item's content borrowed from the database value being read.
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
    let mut stmt = conn.prepare("SELECT first_item, texts FROM text_blocks ORDER BY first_item")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let first = ItemId(r.get(0)?);
        let texts = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        text_block::for_each_text(texts, first, |item, t| {
            f(TextRow {
                item,
                ext_id: t.ext_id,
                text: t.text,
                meta: t.meta,
            })?;
            Ok(true)
        })?;
    }
    Ok(())
}

/// Stores filled blocks.
pub(super) fn insert_blocks(
    tx: &Connection,
    blocks: impl IntoIterator<Item = text_block::Block>,
) -> Result<(), ProjectError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO text_blocks(first_item, last_item, spans, texts) VALUES(?1, ?2, ?3, ?4)",
    )?;
    for b in blocks {
        insert.execute(params![b.first.0, b.last.0, b.spans, b.texts])?;
        labels::insert_block_labels(tx, &b)?;
    }
    Ok(())
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
    tx: &Connection,
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
fn consecutive_ids(tx: &Connection, n: usize) -> std::ops::RangeInclusive<i64> {
    let last = tx.last_insert_rowid();
    (last + 1 - n as i64)..=last
}

/// Inserts one chunk of packed texts: their items with the statuses they
/// were packed with, then their blocks moved to the items' ids. The spans'
/// ids were taken by the caller.
pub(super) fn insert_labelled_chunk(
    tx: &Connection,
    chunk: PackedTexts,
) -> Result<AddedTexts, ProjectError> {
    let mut ids = Vec::with_capacity(chunk.texts.len());
    for rows in chunk.texts.chunks(ROWS_PER_INSERT) {
        insert_rows(
            tx,
            "INSERT INTO items(rel_path, status, width, height)",
            "(?,?,0,0)",
            2,
            rows,
            |stmt, t, p| {
                stmt.raw_bind_parameter(p, &t.rel_path)?;
                stmt.raw_bind_parameter(p + 1, t.status.as_str())
            },
        )?;
        ids.extend(consecutive_ids(tx, rows.len()).map(ItemId));
    }
    let placed = chunk.blocks.into_iter().map(|block| {
        let start = block.first.0 as usize;
        let end = block.last.0 as usize;
        match (ids.get(start), ids.get(end)) {
            (Some(&first), Some(&last)) if last.0 - first.0 == block.last.0 - block.first.0 => {
                Ok(block.moved_to(first))
            }
            _ => Err(ProjectError::InvalidEdit(
                "the imported items did not get consecutive ids; nothing was stored".into(),
            )),
        }
    });
    insert_blocks(tx, placed.collect::<Result<Vec<_>, _>>()?)?;
    let mut out = AddedTexts::default();
    let mut next_span = chunk.first_span;
    for (&id, t) in ids.iter().zip(chunk.texts) {
        out.spans
            .extend((next_span..next_span + t.spans as i64).map(|span| SpanRef {
                item: id,
                id: SpanId(span),
            }));
        next_span += t.spans as i64;
        if t.classified {
            out.classified.push(id);
        }
        out.items.push(Item {
            id,
            status: t.status,
            rel_path: t.rel_path,
            width: 0,
            height: 0,
            error: None,
        });
    }
    Ok(out)
}
