//! Text items stored together: one `text_blocks` row holds the texts of the
//! consecutive items `first..=last`, and the spans they had when stored. A
//! text never changes after it is added, so a row per hundreds of items
//! instead of one per item is what lets a million-line import store in
//! seconds (SQLite's cost is per row). Spans do change; an item's spans,
//! once edited, live in `span_packs` and its row here is no longer read.
//!
//! `texts` column, layout 1: a version byte, then per item in id order:
//! its length in code points, ext_id and meta (each 0 for none, else
//! length + 1, then UTF-8), and the text (length, UTF-8); numbers LEB128.
//!
//! `spans` column (NULL when no item had spans): per item that had spans,
//! in id order, its offset from `first` and its span pack (length, then
//! [`span_pack`](super::span_pack) bytes).
//!
//! Document classes (in `text_block_labels`, keyed by the block's first
//! item; no row when no item had any): per item that had classes, in id
//! order, its offset from `first`, their count and their ids, all LEB128.
//! An item's classes, once edited, are `image_labels` rows instead.

use super::varint::{ByteReader, put_opt_str, put_str, put_uint};
use crate::model::{ItemId, LabelId};
use crate::project::ProjectError;

const LAYOUT_1: u8 = 1;

/// A block is closed once its texts reach this many bytes.
pub(in crate::project) const BLOCK_BYTES: usize = 64 * 1024;

/// One text as it lies in a block, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::project) struct TextRecord<'a> {
    pub char_len: u32,
    pub ext_id: Option<&'a str>,
    pub meta: Option<&'a str>,
    pub text: &'a str,
}

/// A block being filled with consecutive items.
pub(in crate::project) struct BlockBuilder {
    first: ItemId,
    count: i64,
    texts: Vec<u8>,
    spans: Vec<u8>,
    labels: Vec<u8>,
}

/// A filled block, ready to store.
#[derive(Debug)]
pub(in crate::project) struct Block {
    pub first: ItemId,
    pub last: ItemId,
    pub spans: Option<Vec<u8>>,
    pub texts: Vec<u8>,
    /// The items' document classes, `None` when no item had any.
    pub labels: Option<Vec<u8>>,
}

impl BlockBuilder {
    pub fn new(first: ItemId) -> Self {
        let mut texts = Vec::with_capacity(BLOCK_BYTES + BLOCK_BYTES / 4);
        texts.push(LAYOUT_1);
        BlockBuilder {
            first,
            count: 0,
            texts,
            spans: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The next item's id.
    pub fn next_item(&self) -> ItemId {
        ItemId(self.first.0 + self.count)
    }

    pub fn is_full(&self) -> bool {
        self.texts.len() >= BLOCK_BYTES
    }

    /// Adds the next item's text, its packed spans (empty for none) and its
    /// document classes.
    pub fn push(&mut self, record: &TextRecord, pack: &[u8], labels: &[LabelId]) {
        put_uint(&mut self.texts, u64::from(record.char_len));
        put_opt_str(&mut self.texts, record.ext_id);
        put_opt_str(&mut self.texts, record.meta);
        put_str(&mut self.texts, record.text);
        if !pack.is_empty() {
            put_uint(&mut self.spans, self.count as u64);
            put_uint(&mut self.spans, pack.len() as u64);
            self.spans.extend_from_slice(pack);
        }
        if !labels.is_empty() {
            put_uint(&mut self.labels, self.count as u64);
            put_uint(&mut self.labels, labels.len() as u64);
            for l in labels {
                put_uint(&mut self.labels, l.0 as u64);
            }
        }
        self.count += 1;
    }

    pub fn finish(self) -> Block {
        Block {
            first: self.first,
            last: ItemId(self.first.0 + self.count - 1),
            spans: (!self.spans.is_empty()).then_some(self.spans),
            texts: self.texts,
            labels: (!self.labels.is_empty()).then_some(self.labels),
        }
    }
}

impl Block {
    /// The block with its items numbered from `first` instead (blocks made
    /// before their items had ids number them by position).
    pub fn moved_to(self, first: ItemId) -> Block {
        Block {
            last: ItemId(first.0 + (self.last.0 - self.first.0)),
            first,
            ..self
        }
    }
}

/// Texts of items given in id order, cut into blocks: a new block starts
/// when the open one is full or the item does not follow its last.
#[derive(Default)]
pub(in crate::project) struct Blocks {
    done: Vec<Block>,
    open: Option<BlockBuilder>,
}

impl Blocks {
    pub fn push(&mut self, item: ItemId, record: &TextRecord, pack: &[u8], labels: &[LabelId]) {
        if self
            .open
            .as_ref()
            .is_some_and(|b| b.is_full() || b.next_item() != item)
            && let Some(full) = self.open.take()
        {
            self.done.push(full.finish());
        }
        self.open
            .get_or_insert_with(|| BlockBuilder::new(item))
            .push(record, pack, labels);
    }

    pub fn finish(mut self) -> Vec<Block> {
        self.done.extend(self.open.map(BlockBuilder::finish));
        self.done
    }
}

fn corrupt(what: &str) -> ProjectError {
    ProjectError::Db(rusqlite::Error::InvalidColumnType(
        0,
        format!("a block of texts is damaged: {what}"),
        rusqlite::types::Type::Blob,
    ))
}

/// Calls `f` with each text of a block's `texts`, in id order from `first`.
pub(in crate::project) fn for_each_text<'a>(
    texts: &'a [u8],
    first: ItemId,
    mut f: impl FnMut(ItemId, TextRecord<'a>) -> Result<bool, ProjectError>,
) -> Result<(), ProjectError> {
    let mut r = match texts.split_first() {
        Some((&LAYOUT_1, rest)) => ByteReader(rest),
        Some((version, _)) => return Err(corrupt(&format!("unknown layout {version}"))),
        None => return Err(corrupt("it is empty")),
    };
    let mut item = first;
    while !r.is_empty() {
        let mut next = || -> Result<_, &'static str> {
            Ok(TextRecord {
                char_len: r.u32()?,
                ext_id: r.opt_str()?,
                meta: r.opt_str()?,
                text: r.str()?,
            })
        };
        let record = next().map_err(corrupt)?;
        if !f(item, record)? {
            return Ok(());
        }
        item = ItemId(item.0 + 1);
    }
    Ok(())
}

/// The text of `item` in a block's `texts` starting at `first`.
pub(in crate::project) fn text_at(
    texts: &[u8],
    first: ItemId,
    item: ItemId,
) -> Result<Option<TextRecord<'_>>, ProjectError> {
    let mut found = None;
    for_each_text(texts, first, |at, record| {
        if at == item {
            found = Some(record);
        }
        Ok(at < item)
    })?;
    Ok(found)
}

/// Calls `f` with each entry of a per-item part of a block (`spans` or
/// `labels`: each an offset from `first`, then what `read` takes), in id
/// order, while it returns `true`.
fn for_each_entry<'a, T>(
    part: &'a [u8],
    first: ItemId,
    read: impl Fn(&mut ByteReader<'a>) -> Result<T, &'static str>,
    mut f: impl FnMut(ItemId, T) -> Result<bool, ProjectError>,
) -> Result<(), ProjectError> {
    let mut r = ByteReader(part);
    while !r.is_empty() {
        let offset = r.uint().map_err(corrupt)?;
        let entry = read(&mut r).map_err(corrupt)?;
        if !f(ItemId(first.0 + offset as i64), entry)? {
            break;
        }
    }
    Ok(())
}

/// Calls `f` with each item's span pack in a block's `spans`, in id order,
/// while it returns `true`.
pub(in crate::project) fn for_each_pack<'a>(
    spans: &'a [u8],
    first: ItemId,
    f: impl FnMut(ItemId, &'a [u8]) -> Result<bool, ProjectError>,
) -> Result<(), ProjectError> {
    for_each_entry(
        spans,
        first,
        |r| {
            let n = r.len()?;
            r.take(n)
        },
        f,
    )
}

/// The span pack `item` had when its block was stored (empty for none).
pub(in crate::project) fn pack_at(
    spans: &[u8],
    first: ItemId,
    item: ItemId,
) -> Result<&[u8], ProjectError> {
    let mut found: &[u8] = &[];
    for_each_pack(spans, first, |at, pack| {
        if at == item {
            found = pack;
        }
        Ok(at < item)
    })?;
    Ok(found)
}

/// Calls `f` with each item's document classes in a block's `labels`, in id
/// order, while it returns `true`.
pub(in crate::project) fn for_each_labels(
    labels: &[u8],
    first: ItemId,
    f: impl FnMut(ItemId, Vec<LabelId>) -> Result<bool, ProjectError>,
) -> Result<(), ProjectError> {
    for_each_entry(
        labels,
        first,
        |r| {
            let n = r.len()?;
            (0..n)
                .map(|_| r.uint().map(|id| LabelId(id as i64)))
                .collect()
        },
        f,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_at(labels: &[u8], first: ItemId, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        let mut found = Vec::new();
        for_each_labels(labels, first, |at, ids| {
            if at == item {
                found = ids;
            }
            Ok(at < item)
        })?;
        Ok(found)
    }

    fn record(text: &str) -> TextRecord<'_> {
        TextRecord {
            char_len: text.chars().count() as u32,
            ext_id: Some("r1"),
            meta: None,
            text,
        }
    }

    #[test]
    fn texts_and_packs_come_back_by_item() {
        let mut b = BlockBuilder::new(ItemId(10));
        b.push(&record("贵州𠮷\r\n"), &[], &[LabelId(2), LabelId(300)]);
        b.push(&record(""), &[9, 9], &[]);
        b.push(
            &TextRecord {
                ext_id: None,
                meta: Some("{}"),
                ..record("茶")
            },
            &[],
            &[LabelId(1)],
        );
        assert_eq!(b.next_item(), ItemId(13));
        let block = b.finish();
        assert_eq!((block.first, block.last), (ItemId(10), ItemId(12)));
        assert_eq!(
            text_at(&block.texts, block.first, ItemId(10)).unwrap(),
            Some(record("贵州𠮷\r\n"))
        );
        let third = text_at(&block.texts, block.first, ItemId(12))
            .unwrap()
            .unwrap();
        assert_eq!(
            (third.text, third.ext_id, third.meta),
            ("茶", None, Some("{}"))
        );
        assert_eq!(
            text_at(&block.texts, block.first, ItemId(13)).unwrap(),
            None
        );
        let spans = block.spans.unwrap();
        assert_eq!(pack_at(&spans, ItemId(10), ItemId(11)).unwrap(), [9, 9]);
        assert!(pack_at(&spans, ItemId(10), ItemId(10)).unwrap().is_empty());
        let labels = block.labels.unwrap();
        let at = |item| labels_at(&labels, ItemId(10), ItemId(item)).unwrap();
        assert_eq!(at(10), [LabelId(2), LabelId(300)]);
        assert_eq!(at(11), []);
        assert_eq!(at(12), [LabelId(1)]);
    }

    #[test]
    fn blocks_are_cut_when_full_and_at_gaps_in_the_ids() {
        let mut blocks = Blocks::default();
        let long = "长".repeat(BLOCK_BYTES / 3);
        for id in [1, 2, 3, 7] {
            blocks.push(ItemId(id), &record(&long), &[], &[]);
        }
        let ranges: Vec<(i64, i64)> = blocks
            .finish()
            .iter()
            .map(|b| (b.first.0, b.last.0))
            .collect();
        assert_eq!(ranges, [(1, 1), (2, 2), (3, 3), (7, 7)]);
        let mut blocks = Blocks::default();
        for id in [1, 2, 3, 7] {
            blocks.push(ItemId(id), &record("短"), &[], &[]);
        }
        let ranges: Vec<(i64, i64)> = blocks
            .finish()
            .iter()
            .map(|b| (b.first.0, b.last.0))
            .collect();
        assert_eq!(ranges, [(1, 3), (7, 7)]);
    }

    #[test]
    fn a_block_without_spans_or_classes_stores_none() {
        let mut b = BlockBuilder::new(ItemId(1));
        b.push(&record("a"), &[], &[]);
        let block = b.finish();
        assert!(block.spans.is_none());
        assert!(block.labels.is_none());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let mut b = BlockBuilder::new(ItemId(1));
        b.push(&record("猕猴桃"), &[1, 2, 3], &[LabelId(4), LabelId(5)]);
        let block = b.finish();
        for cut in [0].into_iter().chain(2..block.texts.len()) {
            assert!(
                for_each_text(&block.texts[..cut], ItemId(1), |_, _| Ok(true)).is_err(),
                "cut at {cut}"
            );
        }
        let spans = block.spans.unwrap();
        for cut in 1..spans.len() {
            assert!(pack_at(&spans[..cut], ItemId(1), ItemId(1)).is_err());
        }
        let labels = block.labels.unwrap();
        for cut in 1..labels.len() {
            assert!(labels_at(&labels[..cut], ItemId(1), ItemId(1)).is_err());
        }
    }
}
