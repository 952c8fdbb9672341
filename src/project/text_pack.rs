//! Labelled texts packed for a bulk import: on the thread that reads the
//! import, resolved texts are packed into blocks with their spans and
//! document classes, as the SQLite store keeps them (see
//! [`text_block`](super::sqlite::text_block) and
//! [`span_pack`](super::sqlite::span_pack)), so the storing thread only
//! inserts rows. A store that keeps texts otherwise reads a chunk back
//! ([`PackedTexts::unpack`], as the PostgreSQL and in-memory stores do).

use super::ProjectError;
use super::sqlite::span_pack::{self, PackedSpan};
use super::sqlite::text_block::{self, Block, Blocks, TextRecord};
use super::store::NewTextItem;
use crate::model::{ClassId, ItemId, ItemStatus, LabelId, SpanAnnotation, SpanId, TextDoc};

/// A text record to add with its labels, resolved to schema ids and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedText {
    pub item: NewTextItem,
    /// The text's length in code points.
    pub char_len: u32,
    /// `(start, end, class)` in code points.
    pub spans: Vec<(u32, u32, ClassId)>,
    pub labels: Vec<LabelId>,
    /// The status its item starts in.
    pub status: ItemStatus,
}

/// Resolved texts packed into blocks ([`TextPacker`]) on the thread that
/// read them, leaving the store their items' rows to insert.
#[derive(Debug)]
pub struct PackedTexts {
    pub(super) texts: Vec<PackedText>,
    /// Blocks over the texts, numbering them by position in `texts` until
    /// their items have ids.
    pub(super) blocks: Vec<Block>,
    /// The texts' spans have consecutive ids from this one, in text order.
    pub(super) first_span: i64,
}

#[derive(Debug)]
pub(super) struct PackedText {
    pub rel_path: String,
    pub status: ItemStatus,
    /// It has document classes.
    pub classified: bool,
    pub spans: usize,
}

impl PackedTexts {
    /// How many spans the chunk's texts carry, numbered from [`Self::first_span`].
    pub(super) fn span_count(&self) -> usize {
        self.texts.iter().map(|t| t.spans).sum()
    }

    pub(super) fn first_span(&self) -> i64 {
        self.first_span
    }

    /// The chunk's texts in order, with their spans and document classes.
    pub(super) fn unpack(self) -> Result<Vec<UnpackedText>, ProjectError> {
        let mut out: Vec<UnpackedText> = self
            .texts
            .into_iter()
            .map(|t| UnpackedText {
                rel_path: t.rel_path,
                status: t.status,
                doc: TextDoc {
                    ext_id: None,
                    text: String::new(),
                    meta: None,
                },
                spans: Vec::new(),
                labels: Vec::new(),
            })
            .collect();
        fn at(out: &mut [UnpackedText], item: ItemId) -> Result<&mut UnpackedText, ProjectError> {
            usize::try_from(item.0)
                .ok()
                .and_then(|position| out.get_mut(position))
                .ok_or_else(|| {
                    ProjectError::InvalidEdit("a packed chunk of texts is damaged".into())
                })
        }
        for block in &self.blocks {
            text_block::for_each_text(&block.texts, block.first, |item, t| {
                at(&mut out, item)?.doc = TextDoc {
                    ext_id: t.ext_id.map(str::to_string),
                    text: t.text.to_string(),
                    meta: t.meta.map(str::to_string),
                };
                Ok(true)
            })?;
            if let Some(spans) = &block.spans {
                text_block::for_each_pack(spans, block.first, |item, pack| {
                    at(&mut out, item)?.spans = span_pack::spans_of(item, pack)?;
                    Ok(true)
                })?;
            }
            if let Some(labels) = &block.labels {
                text_block::for_each_labels(labels, block.first, |item, ids| {
                    at(&mut out, item)?.labels = ids;
                    Ok(true)
                })?;
            }
        }
        Ok(out)
    }
}

/// One text of a chunk read back from its blocks ([`PackedTexts::unpack`]);
/// its spans' `item` is its position in the chunk.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct UnpackedText {
    pub rel_path: String,
    pub status: ItemStatus,
    pub doc: TextDoc,
    pub spans: Vec<SpanAnnotation>,
    pub labels: Vec<LabelId>,
}

/// Resolved texts packed into blocks with their spans and document classes,
/// giving the spans ids from the store's next free one on: a bulk import
/// does this on its reading thread, so its storing thread only inserts rows.
/// The engine checks the ids are still free when it stores the chunks.
#[derive(Debug)]
pub struct TextPacker {
    next_span: i64,
    author: String,
    time_ms: i64,
}

impl TextPacker {
    pub fn new(next_span: i64, author: &str, time_ms: i64) -> Self {
        TextPacker {
            next_span,
            author: author.to_string(),
            time_ms,
        }
    }

    pub fn pack(&mut self, texts: Vec<ResolvedText>) -> PackedTexts {
        let first_span = self.next_span;
        let mut blocks = Blocks::default();
        let mut spans: Vec<(u32, u32, ClassId, SpanId)> = Vec::new();
        let mut packed = Vec::with_capacity(texts.len());
        for (position, t) in texts.into_iter().enumerate() {
            spans.clear();
            spans.extend(t.spans.iter().map(|&(start, end, class)| {
                let id = SpanId(self.next_span);
                self.next_span += 1;
                (start, end, class, id)
            }));
            spans.sort_unstable_by_key(|&(start, end, _, id)| (start, end, id));
            let author = self.author.as_str();
            let pack =
                span_pack::pack_sorted(spans.iter().map(|&(start, end, class, id)| PackedSpan {
                    id,
                    class,
                    start,
                    end,
                    author,
                    created_ms: self.time_ms,
                    updated_by: author,
                    updated_ms: self.time_ms,
                }));
            let doc = &t.item.doc;
            blocks.push(
                ItemId(position as i64),
                &TextRecord {
                    char_len: t.char_len,
                    ext_id: doc.ext_id.as_deref(),
                    meta: doc.meta.as_deref(),
                    text: &doc.text,
                },
                &pack,
                &t.labels,
            );
            packed.push(PackedText {
                status: t.status,
                classified: !t.labels.is_empty(),
                spans: t.spans.len(),
                rel_path: t.item.rel_path,
            });
        }
        PackedTexts {
            texts: packed,
            blocks: blocks.finish(),
            first_span,
        }
    }
}
