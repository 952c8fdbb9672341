//! Text items on the server: `shugu.texts` (an item's text, exactly as
//! read) and `shugu.spans` (a row per span). Span ids come from
//! `shugu.span_ids` through `take_span_ids`, which hands out consecutive
//! runs, so a text import can number its spans before it stores them; a
//! chunk of labelled texts goes in by binary `COPY`.

use super::conn::{Conn, Sequence, int4, provenance_columns, uint};
use crate::model::{ClassId, Item, ItemId, SpanAnnotation, SpanId, SpanRef, TextDoc};
use crate::project::ProjectError;
use crate::project::store::{AddedTexts, PackedTexts, SpanExtent, TextRow};
use postgres::Row;
use postgres::types::Type;

fn row_to_span(r: &Row) -> Result<SpanAnnotation, ProjectError> {
    Ok(SpanAnnotation {
        id: SpanId(r.try_get(0)?),
        item: ItemId(r.try_get(1)?),
        class: ClassId(r.try_get(2)?),
        start: uint(r.try_get(3)?),
        end: uint(r.try_get(4)?),
        provenance: provenance_columns(r, 5)?,
    })
}

macro_rules! select_spans {
    ($rest:literal) => {
        concat!(
            "SELECT id, item_id, class_id, start_cp, end_cp, author, created_ms, updated_by, \
             updated_ms FROM shugu.spans ",
            $rest
        )
    };
}

fn row_to_doc(r: &Row, first: usize) -> Result<TextDoc, ProjectError> {
    Ok(TextDoc {
        ext_id: r.try_get(first)?,
        text: r.try_get(first + 1)?,
        meta: r.try_get(first + 2)?,
    })
}

pub(super) fn text_of(c: &mut Conn, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
    c.query_opt(
        "SELECT ext_id, body, meta FROM shugu.texts WHERE item_id = $1",
        &[&item.0],
    )?
    .map(|r| row_to_doc(&r, 0))
    .transpose()
}

/// A text's length in code points (the database's encoding is UTF-8).
pub(super) fn text_len(c: &mut Conn, item: ItemId) -> Result<Option<u32>, ProjectError> {
    c.query_opt(
        "SELECT char_length(body) FROM shugu.texts WHERE item_id = $1",
        &[&item.0],
    )?
    .map(|r| Ok(uint(r.try_get(0)?)))
    .transpose()
}

pub(super) fn all_texts(c: &mut Conn) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
    c.map_rows(
        "SELECT item_id, ext_id, body, meta FROM shugu.texts ORDER BY item_id",
        &[],
        |r| Ok((ItemId(r.try_get(0)?), row_to_doc(r, 1)?)),
    )
}

/// Calls `f` with every text in item order, borrowed from its row.
pub(super) fn for_each_text(
    c: &mut Conn,
    f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
) -> Result<(), ProjectError> {
    c.for_each_row(
        "SELECT item_id, ext_id, body, meta FROM shugu.texts ORDER BY item_id",
        &[],
        |r| {
            f(TextRow {
                item: ItemId(r.try_get(0)?),
                ext_id: r.try_get(1)?,
                text: r.try_get(2)?,
                meta: r.try_get(3)?,
            })
        },
    )
}

pub(super) fn span(c: &mut Conn, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
    c.query_opt(
        select_spans!("WHERE item_id = $1 AND id = $2"),
        &[&at.item.0, &at.id.0],
    )?
    .map(|r| row_to_span(&r))
    .transpose()
}

/// An item's spans ordered by start, end, id.
pub(super) fn spans_of(c: &mut Conn, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
    c.map_rows(
        select_spans!("WHERE item_id = $1 ORDER BY start_cp, end_cp, id"),
        &[&item.0],
        row_to_span,
    )
}

/// Every span, ordered by item, start, end, id.
pub(super) fn all_spans(c: &mut Conn) -> Result<Vec<SpanAnnotation>, ProjectError> {
    c.map_rows(
        select_spans!("ORDER BY item_id, start_cp, end_cp, id"),
        &[],
        row_to_span,
    )
}

pub(super) fn all_span_extents(c: &mut Conn) -> Result<Vec<SpanExtent>, ProjectError> {
    c.map_rows(
        "SELECT item_id, class_id, start_cp, end_cp FROM shugu.spans
          ORDER BY item_id, start_cp, end_cp, class_id",
        &[],
        |r| {
            Ok(SpanExtent {
                item: ItemId(r.try_get(0)?),
                class: ClassId(r.try_get(1)?),
                start: uint(r.try_get(2)?),
                end: uint(r.try_get(3)?),
            })
        },
    )
}

/// The largest span id handed out so far.
pub(super) fn span_floor(c: &mut Conn) -> Result<i64, ProjectError> {
    Ok(c.query_one("SELECT shugu.span_floor()", &[])?.try_get(0)?)
}

/// A text item's spans, in any order; `None` for an item without text.
pub(super) fn item_spans(
    c: &mut Conn,
    item: ItemId,
) -> Result<Option<Vec<SpanAnnotation>>, ProjectError> {
    let has_text = c
        .query_opt("SELECT 1 FROM shugu.texts WHERE item_id = $1", &[&item.0])?
        .is_some();
    if !has_text {
        return Ok(None);
    }
    spans_of(c, item).map(Some)
}

/// The columns of spans as arrays.
struct SpanColumns {
    ids: Vec<i64>,
    items: Vec<i64>,
    classes: Vec<i64>,
    starts: Vec<i32>,
    ends: Vec<i32>,
    authors: Vec<String>,
    created: Vec<i64>,
    updated_by: Vec<String>,
    updated: Vec<i64>,
}

impl SpanColumns {
    fn of(spans: &[SpanAnnotation]) -> Self {
        SpanColumns {
            ids: spans.iter().map(|s| s.id.0).collect(),
            items: spans.iter().map(|s| s.item.0).collect(),
            classes: spans.iter().map(|s| s.class.0).collect(),
            starts: spans.iter().map(|s| int4(s.start)).collect(),
            ends: spans.iter().map(|s| int4(s.end)).collect(),
            authors: spans.iter().map(|s| s.provenance.author.clone()).collect(),
            created: spans.iter().map(|s| s.provenance.created_ms).collect(),
            updated_by: spans
                .iter()
                .map(|s| s.provenance.updated_by.clone())
                .collect(),
            updated: spans.iter().map(|s| s.provenance.updated_ms).collect(),
        }
    }
}

/// Replaces a text item's spans.
pub(super) fn set_spans(
    c: &mut Conn,
    item: ItemId,
    spans: &[SpanAnnotation],
) -> Result<(), ProjectError> {
    c.execute("DELETE FROM shugu.spans WHERE item_id = $1", &[&item.0])?;
    if spans.is_empty() {
        return Ok(());
    }
    let s = SpanColumns::of(spans);
    c.execute(
        "INSERT INTO shugu.spans (id, item_id, class_id, start_cp, end_cp, author, created_ms,
                                  updated_by, updated_ms)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::integer[],
                              $5::integer[], $6::text[], $7::bigint[], $8::text[], $9::bigint[])",
        &[
            &s.ids,
            &s.items,
            &s.classes,
            &s.starts,
            &s.ends,
            &s.authors,
            &s.created,
            &s.updated_by,
            &s.updated,
        ],
    )?;
    Ok(())
}

/// Hands out `n` consecutive span ids; returns the first.
pub(super) fn take_span_ids(c: &mut Conn, n: usize) -> Result<i64, ProjectError> {
    if n == 0 {
        return Ok(span_floor(c)? + 1);
    }
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    Ok(c.query_one("SELECT shugu.take_span_ids($1)", &[&n])?
        .try_get(0)?)
}

pub(super) fn raise_span_floor(c: &mut Conn, id: i64) -> Result<(), ProjectError> {
    c.execute("SELECT shugu.raise_span_floor($1)", &[&id])?;
    Ok(())
}

const SPAN_TYPES: [Type; 9] = [
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT4,
    Type::INT4,
    Type::TEXT,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
];

/// Spans as they are, by one binary `COPY`.
pub(super) fn copy_spans<'s>(
    c: &mut Conn,
    spans: impl IntoIterator<Item = &'s SpanAnnotation>,
) -> Result<(), ProjectError> {
    c.copy_in(
        "COPY shugu.spans (id, item_id, class_id, start_cp, end_cp, author, created_ms,
                           updated_by, updated_ms) FROM STDIN (FORMAT binary)",
        &SPAN_TYPES,
        spans,
        |w, s| {
            let p = &s.provenance;
            Ok(w.write(&[
                &s.id.0,
                &s.item.0,
                &s.class.0,
                &int4(s.start),
                &int4(s.end),
                &p.author,
                &p.created_ms,
                &p.updated_by,
                &p.updated_ms,
            ])?)
        },
    )?;
    Ok(())
}

/// PostgreSQL's `text` cannot hold U+0000, which SQLite and JSON can: a
/// text that has it is refused by name rather than by the server's words.
fn refuse_nul(items: &[Item], docs: &[(ItemId, &TextDoc)]) -> Result<(), ProjectError> {
    let has_nul = |s: Option<&str>| s.is_some_and(|s| s.contains('\0'));
    let Some((item, _)) = docs.iter().find(|(_, d)| {
        has_nul(Some(&d.text)) || has_nul(d.ext_id.as_deref()) || has_nul(d.meta.as_deref())
    }) else {
        return Ok(());
    };
    let path = items
        .iter()
        .find(|i| i.id == *item)
        .map_or("a text", |i| i.rel_path.as_str());
    Err(ProjectError::InvalidEdit(format!(
        "{path}: holds the character U+0000, which a team project's database cannot store; \
         nothing was stored (remove it from the file and import again)"
    )))
}

/// Text items with their texts, by binary `COPY`: `(id, rel_path, status)`
/// and the text of each.
pub(super) fn copy_text_items(
    c: &mut Conn,
    items: &[Item],
    docs: &[(ItemId, &TextDoc)],
) -> Result<(), ProjectError> {
    refuse_nul(items, docs)?;
    c.copy_in(
        "COPY shugu.items (id, rel_path, width, height, status, error) FROM STDIN (FORMAT binary)",
        &[
            Type::INT8,
            Type::TEXT,
            Type::INT4,
            Type::INT4,
            Type::TEXT,
            Type::TEXT,
        ],
        items,
        |w, i| {
            Ok(w.write(&[
                &i.id.0,
                &i.rel_path,
                &int4(i.width),
                &int4(i.height),
                &i.status.as_str(),
                &i.error,
            ])?)
        },
    )?;
    c.copy_in(
        "COPY shugu.texts (item_id, ext_id, body, meta) FROM STDIN (FORMAT binary)",
        &[Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT],
        docs,
        |w, (item, d)| Ok(w.write(&[&item.0, &d.ext_id, &d.text, &d.meta])?),
    )?;
    Ok(())
}

/// Adds one chunk of labelled texts as new items with their statuses, spans
/// and document classes (the labels attributed to `login` now).
pub(super) fn insert_texts(
    c: &mut Conn,
    chunk: PackedTexts,
    login: &str,
) -> Result<AddedTexts, ProjectError> {
    let texts = chunk.unpack()?;
    let ids = c.take_ids(Sequence::Items, texts.len())?;
    let mut added = AddedTexts::default();
    let mut spans = Vec::new();
    let mut labels: Vec<(i64, i64)> = Vec::new();
    for (t, &id) in texts.iter().zip(&ids) {
        let item = ItemId(id);
        added.items.push(Item {
            id: item,
            rel_path: t.rel_path.clone(),
            width: 0,
            height: 0,
            status: t.status,
            error: None,
        });
        let mut refs: Vec<SpanRef> = Vec::with_capacity(t.spans.len());
        for s in &t.spans {
            spans.push(SpanAnnotation { item, ..s.clone() });
            refs.push(SpanRef { item, id: s.id });
        }
        refs.sort_by_key(|r| r.id);
        added.spans.extend(refs);
        if !t.labels.is_empty() {
            labels.extend(t.labels.iter().map(|l| (id, l.0)));
            added.classified.push(item);
        }
    }
    let docs: Vec<(ItemId, &TextDoc)> = texts
        .iter()
        .zip(&ids)
        .map(|(t, &id)| (ItemId(id), &t.doc))
        .collect();
    copy_text_items(c, &added.items, &docs)?;
    if !spans.is_empty() {
        copy_spans(c, &spans)?;
    }
    if !labels.is_empty() {
        let time_ms = crate::project::now_ms();
        c.copy_in(
            "COPY shugu.image_labels (item_id, label_id, author, created_ms) FROM STDIN (FORMAT binary)",
            &[Type::INT8, Type::INT8, Type::TEXT, Type::INT8],
            &labels,
            |w, (item, label)| Ok(w.write(&[item, label, &login, &time_ms])?),
        )?;
    }
    Ok(added)
}
