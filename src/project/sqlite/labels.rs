//! Item-level labels: an image's image labels, a text's document classes.
//! They are `image_labels` rows, except the classes a text item was imported
//! with, which lie in its block's `text_block_labels` row (see
//! [`text_block`]) until they are first edited: `edited_labels` then names
//! the item, and its rows win over its block's. A row per block instead of
//! one per item is what lets a million classified texts store in seconds.

use super::text_block::{self, Block};
use crate::model::{ItemId, LabelId};
use crate::project::ProjectError;
use crate::project::store::Stamp;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, HashSet};

pub(super) const LABELS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS text_block_labels(
    first_item INTEGER PRIMARY KEY,
    last_item INTEGER NOT NULL,
    labels BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS edited_labels(item_id INTEGER PRIMARY KEY);
";

/// Stores the document classes of a block of texts, when it has any.
pub(super) fn insert_block_labels(tx: &Connection, block: &Block) -> Result<(), ProjectError> {
    if let Some(labels) = &block.labels {
        tx.prepare_cached(
            "INSERT INTO text_block_labels(first_item, last_item, labels) VALUES(?1, ?2, ?3)",
        )?
        .execute(params![block.first.0, block.last.0, labels])?;
    }
    Ok(())
}

/// The document classes of one block, decoded.
struct BlockLabels {
    first: ItemId,
    last: ItemId,
    items: Vec<(ItemId, Vec<LabelId>)>,
}

impl BlockLabels {
    fn of(&self, item: ItemId) -> Vec<LabelId> {
        match self.items.binary_search_by_key(&item, |(at, _)| *at) {
            Ok(i) => self.items[i].1.clone(),
            Err(_) => Vec::new(),
        }
    }
}

/// Reads items' labels, keeping the last block it decoded: a many-item
/// edit walks a block's items one after another.
pub(super) struct LabelReader {
    block: Option<BlockLabels>,
}

impl LabelReader {
    pub fn new() -> Self {
        Self { block: None }
    }

    /// An item's labels: its rows once edited (or when it is an image),
    /// else its block's.
    pub fn labels(
        &mut self,
        conn: &Connection,
        item: ItemId,
    ) -> Result<Vec<LabelId>, ProjectError> {
        let rows = rows_of(conn, item)?;
        if !rows.is_empty() || is_edited(conn, item)? {
            return Ok(rows);
        }
        self.block_labels(conn, item)
    }

    /// Replaces an item's labels; returns the ones it had.
    pub fn set(
        &mut self,
        tx: &Connection,
        item: ItemId,
        labels: &[LabelId],
        stamp: Stamp,
    ) -> Result<Vec<LabelId>, ProjectError> {
        let rows = rows_of(tx, item)?;
        let old = if rows.is_empty() && !is_edited(tx, item)? {
            let from_block = self.block_labels(tx, item)?;
            if !from_block.is_empty() {
                tx.prepare_cached("INSERT OR IGNORE INTO edited_labels(item_id) VALUES(?1)")?
                    .execute([item.0])?;
            }
            from_block
        } else {
            rows
        };
        tx.prepare_cached("DELETE FROM image_labels WHERE item_id = ?1")?
            .execute([item.0])?;
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO image_labels(item_id, label_id, author, created_ms) VALUES(?1,?2,?3,?4)",
        )?;
        for l in labels {
            insert.execute(params![item.0, l.0, stamp.author, stamp.time_ms])?;
        }
        Ok(old)
    }

    fn block_labels(
        &mut self,
        conn: &Connection,
        item: ItemId,
    ) -> Result<Vec<LabelId>, ProjectError> {
        if let Some(b) = &self.block
            && b.first <= item
            && item <= b.last
        {
            return Ok(b.of(item));
        }
        let found = conn
            .prepare_cached(
                "SELECT first_item, last_item, labels FROM text_block_labels \
                 WHERE first_item <= ?1 ORDER BY first_item DESC LIMIT 1",
            )?
            .query_row([item.0], |r| {
                Ok((
                    ItemId(r.get(0)?),
                    ItemId(r.get(1)?),
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })
            .optional()?;
        let Some((first, last, labels)) = found.filter(|(_, last, _)| item <= *last) else {
            return Ok(Vec::new());
        };
        let mut items = Vec::new();
        text_block::for_each_labels(&labels, first, |at, ids| {
            items.push((at, ids));
            Ok(true)
        })?;
        let block = BlockLabels { first, last, items };
        let labels = block.of(item);
        self.block = Some(block);
        Ok(labels)
    }
}

fn rows_of(conn: &Connection, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
    let mut stmt = conn
        .prepare_cached("SELECT label_id FROM image_labels WHERE item_id = ?1 ORDER BY label_id")?;
    let rows = stmt.query_map([item.0], |r| Ok(LabelId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn is_edited(conn: &Connection, item: ItemId) -> Result<bool, ProjectError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM edited_labels WHERE item_id = ?1")?
        .exists([item.0])?)
}

/// Every item with labels, with its labels, in id order: its rows, or its
/// block's when it has none and was never edited.
pub(super) fn all_labels(conn: &Connection) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
    let mut rows: Vec<(ItemId, Vec<LabelId>)> = Vec::new();
    let mut stmt =
        conn.prepare("SELECT item_id, label_id FROM image_labels ORDER BY item_id, label_id")?;
    for row in stmt.query_map([], |r| Ok((ItemId(r.get(0)?), LabelId(r.get(1)?))))? {
        let (item, label) = row?;
        match rows.last_mut() {
            Some((last, labels)) if *last == item => labels.push(label),
            _ => rows.push((item, vec![label])),
        }
    }
    let edited: HashSet<ItemId> = conn
        .prepare("SELECT item_id FROM edited_labels")?
        .query_map([], |r| Ok(ItemId(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    let mut from_blocks: Vec<(ItemId, Vec<LabelId>)> = Vec::new();
    let mut blocks =
        conn.prepare("SELECT first_item, labels FROM text_block_labels ORDER BY first_item")?;
    let mut block_rows = blocks.query([])?;
    while let Some(r) = block_rows.next()? {
        let first = ItemId(r.get(0)?);
        let labels = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        text_block::for_each_labels(labels, first, |item, ids| {
            if !edited.contains(&item) {
                from_blocks.push((item, ids));
            }
            Ok(true)
        })?;
    }
    if rows.is_empty() {
        return Ok(from_blocks);
    }
    // Both lists are in id order; an item's rows win over its block's.
    let mut merged = Vec::with_capacity(rows.len() + from_blocks.len());
    let mut blocks = from_blocks.into_iter().peekable();
    for (item, labels) in rows {
        while let Some(b) = blocks.next_if(|(at, _)| *at < item) {
            merged.push(b);
        }
        blocks.next_if(|(at, _)| *at == item);
        merged.push((item, labels));
    }
    merged.extend(blocks);
    Ok(merged)
}

/// How many items carry each label, in label order.
pub(super) fn label_counts(conn: &Connection) -> Result<Vec<(LabelId, u64)>, ProjectError> {
    let mut counts: BTreeMap<LabelId, u64> = BTreeMap::new();
    for (_, labels) in all_labels(conn)? {
        for l in labels {
            *counts.entry(l).or_default() += 1;
        }
    }
    Ok(counts.into_iter().collect())
}
