//! A [`Store`] in memory, for tests: the rows in plain collections, a write
//! that fails put back as it was (the rows are copied before each write, so
//! it is for small projects), and nothing on disk. The edit-semantics suite
//! runs against it and against SQLite, so what an edit means is seen to
//! come from the engine, not from a backend.

use super::ProjectError;
use super::span_pack;
use super::store::{
    AddedTexts, Census, LogEntry, NewItem, PackageItem, PackedTexts, SpanExtent, Stamp, Store,
    StoreTx, TextRow, id_taken,
};
use super::text_block;
use crate::model::{
    AnnotationId, BoxAnnotation, BoxOrigin, ClassId, Comment, CommentId, Item, ItemId,
    ItemSnapshot, ItemStatus, ItemVersion, LabelId, NewBox, NewProposal, PackageInfo, Proposal,
    ProposalId, Provenance, SpanAnnotation, SpanRef, TextDoc, VersionKind,
};
use std::collections::{BTreeMap, BTreeSet};

/// Every row of a project.
#[derive(Clone, Debug, Default)]
struct Rows {
    /// In id order.
    items: Vec<Item>,
    boxes: BTreeMap<AnnotationId, BoxAnnotation>,
    origins: BTreeMap<AnnotationId, BoxOrigin>,
    texts: BTreeMap<ItemId, TextDoc>,
    /// A text item's spans, in (start, end, id) order.
    spans: BTreeMap<ItemId, Vec<SpanAnnotation>>,
    /// Items with item-level labels, sorted.
    labels: BTreeMap<ItemId, Vec<LabelId>>,
    comments: BTreeMap<CommentId, Comment>,
    proposals: BTreeMap<ProposalId, Proposal>,
    golden: BTreeSet<ItemId>,
    versions: BTreeMap<(ItemId, VersionKind, String), (ItemSnapshot, i64)>,
    log: Vec<LogEntry>,
    session: BTreeMap<String, String>,
    package: Option<PackageInfo>,
    package_items: BTreeMap<ItemId, PackageItem>,
    /// The largest ids ever given out: ids are never reused.
    last_item: i64,
    last_box: i64,
    last_span: i64,
    last_comment: i64,
    last_proposal: i64,
}

/// The in-memory store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    rows: Rows,
    /// The rows as they were when a group of writes began.
    group: Option<Rows>,
}

/// The next id after `last`, or `id` (raising `last` past it).
fn next_id(last: &mut i64, id: Option<i64>) -> i64 {
    let id = id.unwrap_or(*last + 1);
    *last = (*last).max(id);
    id
}

/// One text of a chunk read back from its blocks; its spans' `item` is its
/// position in the chunk.
#[derive(Clone, Debug, PartialEq)]
struct UnpackedText {
    rel_path: String,
    status: ItemStatus,
    doc: TextDoc,
    spans: Vec<SpanAnnotation>,
    labels: Vec<LabelId>,
}

/// The chunk's texts in order, with their spans and document classes.
fn unpack(chunk: PackedTexts) -> Result<Vec<UnpackedText>, ProjectError> {
    let mut out: Vec<UnpackedText> = chunk
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
            .ok_or_else(|| ProjectError::InvalidEdit("a packed chunk of texts is damaged".into()))
    }
    for block in &chunk.blocks {
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

impl Rows {
    fn item_mut(&mut self, id: ItemId) -> Option<&mut Item> {
        let i = self.items.binary_search_by_key(&id, |i| i.id).ok()?;
        self.items.get_mut(i)
    }

    fn add_item(&mut self, rel_path: &str, width: u32, height: u32) -> Result<Item, ProjectError> {
        if self.items.iter().any(|i| i.rel_path == rel_path) {
            return Err(ProjectError::InvalidEdit(format!(
                "an item at {rel_path} already exists"
            )));
        }
        let item = Item {
            id: ItemId(next_id(&mut self.last_item, None)),
            rel_path: rel_path.to_string(),
            width,
            height,
            status: ItemStatus::New,
            error: None,
        };
        self.items.push(item.clone());
        Ok(item)
    }

    /// Every annotation's item, class and author: boxes, then spans.
    fn annotations(&self) -> impl Iterator<Item = (ItemId, ClassId, &str)> {
        let boxes = self
            .boxes
            .values()
            .map(|b| (b.item, b.class, b.provenance.author.as_str()));
        let spans = self.spans.values().flatten();
        boxes.chain(spans.map(|s| (s.item, s.class, s.provenance.author.as_str())))
    }

    fn items_where(&self, keep: impl Fn(ClassId, &str) -> bool) -> Vec<ItemId> {
        let items: BTreeSet<ItemId> = self
            .annotations()
            .filter(|(_, class, author)| keep(*class, author))
            .map(|(item, _, _)| item)
            .collect();
        items.into_iter().collect()
    }
}

impl StoreTx for Rows {
    fn set_status(
        &mut self,
        item: ItemId,
        status: ItemStatus,
    ) -> Result<Option<ItemStatus>, ProjectError> {
        Ok(self
            .item_mut(item)
            .map(|i| std::mem::replace(&mut i.status, status)))
    }

    fn change_statuses(
        &mut self,
        items: &[ItemId],
        from: ItemStatus,
        to: ItemStatus,
    ) -> Result<Vec<ItemId>, ProjectError> {
        let mut changed = Vec::new();
        for &id in items {
            if let Some(item) = self.item_mut(id).filter(|i| i.status == from) {
                item.status = to;
                changed.push(id);
            }
        }
        Ok(changed)
    }

    fn box_row(&mut self, id: AnnotationId) -> Result<Option<BoxAnnotation>, ProjectError> {
        Ok(self.boxes.get(&id).cloned())
    }

    fn add_boxes(
        &mut self,
        new: &[NewBox],
        stamp: Stamp,
    ) -> Result<Vec<AnnotationId>, ProjectError> {
        let provenance = Provenance {
            author: stamp.author.to_string(),
            created_ms: stamp.time_ms,
            updated_by: stamp.author.to_string(),
            updated_ms: stamp.time_ms,
        };
        new.iter()
            .map(|n| {
                let b = BoxAnnotation {
                    id: AnnotationId(0),
                    item: n.item,
                    class: n.class,
                    bbox: n.bbox,
                    attributes: n.attributes.clone(),
                    provenance: provenance.clone(),
                };
                self.insert_box(None, &b)
            })
            .collect()
    }

    fn insert_box(
        &mut self,
        id: Option<AnnotationId>,
        b: &BoxAnnotation,
    ) -> Result<AnnotationId, ProjectError> {
        if let Some(id) = id.filter(|id| self.boxes.contains_key(id)) {
            return Err(id_taken("box", id));
        }
        let id = AnnotationId(next_id(&mut self.last_box, id.map(|id| id.0)));
        self.boxes.insert(id, BoxAnnotation { id, ..b.clone() });
        Ok(id)
    }

    fn update_box(&mut self, b: &BoxAnnotation) -> Result<(), ProjectError> {
        self.boxes.insert(b.id, b.clone());
        Ok(())
    }

    fn delete_box(&mut self, id: AnnotationId) -> Result<Option<BoxAnnotation>, ProjectError> {
        // The origin stays, as in SQLite: the box may come back under its id.
        Ok(self.boxes.remove(&id))
    }

    fn set_box_origin(
        &mut self,
        id: AnnotationId,
        origin: Option<&BoxOrigin>,
    ) -> Result<(), ProjectError> {
        match origin {
            Some(origin) => self.origins.insert(id, origin.clone()),
            None => self.origins.remove(&id),
        };
        Ok(())
    }

    fn spans(&mut self, item: ItemId) -> Result<Option<Vec<SpanAnnotation>>, ProjectError> {
        Ok(self.spans.get(&item).cloned())
    }

    fn set_spans(&mut self, item: ItemId, spans: &[SpanAnnotation]) -> Result<(), ProjectError> {
        let mut spans = spans.to_vec();
        spans.sort_by_key(|s| (s.start, s.end, s.id));
        self.spans.insert(item, spans);
        Ok(())
    }

    fn take_span_ids(&mut self, n: usize) -> Result<i64, ProjectError> {
        let first = self.last_span + 1;
        self.last_span += n as i64;
        Ok(first)
    }

    fn raise_span_floor(&mut self, id: i64) -> Result<(), ProjectError> {
        self.last_span = self.last_span.max(id);
        Ok(())
    }

    fn insert_texts(&mut self, chunk: PackedTexts) -> Result<AddedTexts, ProjectError> {
        let mut added = AddedTexts::default();
        for text in unpack(chunk)? {
            let mut item = self.add_item(&text.rel_path, 0, 0)?;
            item.status = text.status;
            self.set_status(item.id, text.status)?;
            let mut spans = text.spans;
            for s in &mut spans {
                s.item = item.id;
            }
            let mut refs: Vec<SpanRef> = spans.iter().map(SpanAnnotation::span_ref).collect();
            refs.sort_by_key(|r| r.id);
            added.spans.extend(refs);
            self.spans.insert(item.id, spans);
            self.texts.insert(item.id, text.doc);
            if !text.labels.is_empty() {
                self.labels.insert(item.id, text.labels);
                added.classified.push(item.id);
            }
            added.items.push(item);
        }
        Ok(added)
    }

    fn set_image_labels(
        &mut self,
        item: ItemId,
        labels: &[LabelId],
        _stamp: Stamp,
    ) -> Result<Vec<LabelId>, ProjectError> {
        let mut labels = labels.to_vec();
        labels.sort();
        labels.dedup();
        let old = match labels.is_empty() {
            true => self.labels.remove(&item),
            false => self.labels.insert(item, labels),
        };
        Ok(old.unwrap_or_default())
    }

    fn item_with_several_labels(&mut self) -> Result<Option<ItemId>, ProjectError> {
        Ok(self
            .labels
            .iter()
            .find(|(_, labels)| labels.len() > 1)
            .map(|(item, _)| *item))
    }

    fn insert_comment(
        &mut self,
        id: Option<CommentId>,
        c: &Comment,
    ) -> Result<CommentId, ProjectError> {
        if let Some(id) = id.filter(|id| self.comments.contains_key(id)) {
            return Err(id_taken("comment", id));
        }
        let id = CommentId(next_id(&mut self.last_comment, id.map(|id| id.0)));
        self.comments.insert(id, Comment { id, ..c.clone() });
        Ok(id)
    }

    fn delete_comment(&mut self, id: CommentId) -> Result<Option<Comment>, ProjectError> {
        Ok(self.comments.remove(&id))
    }

    fn set_golden(
        &mut self,
        item: ItemId,
        golden: bool,
        _stamp: Stamp,
    ) -> Result<bool, ProjectError> {
        Ok(match golden {
            true => !self.golden.insert(item),
            false => self.golden.remove(&item),
        })
    }

    fn set_item_version(
        &mut self,
        item: ItemId,
        annotator: &str,
        kind: VersionKind,
        body: Option<&ItemSnapshot>,
        stamp: Stamp,
    ) -> Result<Option<ItemSnapshot>, ProjectError> {
        let key = (item, kind, annotator.to_string());
        let old = match body {
            Some(body) => self.versions.insert(key, (body.clone(), stamp.time_ms)),
            None => self.versions.remove(&key),
        };
        Ok(old.map(|(body, _)| body))
    }

    fn insert_proposal(
        &mut self,
        id: Option<ProposalId>,
        p: &NewProposal,
    ) -> Result<ProposalId, ProjectError> {
        if let Some(id) = id.filter(|id| self.proposals.contains_key(id)) {
            return Err(id_taken("proposal", id));
        }
        let id = ProposalId(next_id(&mut self.last_proposal, id.map(|id| id.0)));
        let proposal = Proposal {
            id,
            item: p.item,
            class: p.class,
            bbox: p.bbox,
            score: p.score,
            source: p.source.clone(),
        };
        self.proposals.insert(id, proposal);
        Ok(id)
    }

    fn delete_proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        Ok(self.proposals.remove(&id))
    }

    fn append_log(&mut self, entry: &LogEntry) -> Result<(), ProjectError> {
        let seq = self.log.last().map_or(1, |e| e.seq + 1);
        self.log.push(LogEntry {
            seq,
            ..entry.clone()
        });
        Ok(())
    }
}

impl MemoryStore {
    /// Runs `work` on the rows; when it fails they are put back.
    fn write_rows(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        let before = self.rows.clone();
        let done = work(&mut self.rows);
        if done.is_err() {
            self.rows = before;
        }
        done
    }
}

impl Store for MemoryStore {
    fn items(&self) -> Result<Vec<Item>, ProjectError> {
        Ok(self.rows.items.clone())
    }

    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        let mut added = Vec::new();
        for it in items {
            if let Ok(mut item) = self.rows.add_item(&it.rel_path, it.width, it.height) {
                item.error = it.error.clone();
                if let Some(stored) = self.rows.item_mut(item.id) {
                    stored.error = it.error.clone();
                }
                added.push(item);
            }
        }
        Ok(added)
    }

    fn update_item_facts(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        let mut changed = Vec::new();
        for it in items {
            let found = self
                .rows
                .items
                .iter_mut()
                .find(|i| i.rel_path == it.rel_path);
            if let Some(item) = found
                && (item.width, item.height, &item.error) != (it.width, it.height, &it.error)
            {
                (item.width, item.height, item.error) = (it.width, it.height, it.error.clone());
                changed.push(item.clone());
            }
        }
        Ok(changed)
    }

    fn annotation(&self, id: AnnotationId) -> Result<Option<BoxAnnotation>, ProjectError> {
        Ok(self.rows.boxes.get(&id).cloned())
    }

    fn boxes_of(&self, item: ItemId) -> Result<Vec<BoxAnnotation>, ProjectError> {
        Ok(self
            .rows
            .boxes
            .values()
            .filter(|b| b.item == item)
            .cloned()
            .collect())
    }

    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        Ok(self.rows.proposals.get(&id).cloned())
    }

    fn proposals_of(&self, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
        let mut of: Vec<Proposal> = (self.rows.proposals.values())
            .filter(|p| p.item == item)
            .cloned()
            .collect();
        of.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        Ok(of)
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, ProjectError> {
        let mut all: Vec<Proposal> = self.rows.proposals.values().cloned().collect();
        all.sort_by_key(|p| (p.item, p.id));
        Ok(all)
    }

    fn items_with_proposals(&self) -> Result<Vec<ItemId>, ProjectError> {
        let items: BTreeSet<ItemId> = self.rows.proposals.values().map(|p| p.item).collect();
        Ok(items.into_iter().collect())
    }

    fn box_origin(&self, id: AnnotationId) -> Result<Option<BoxOrigin>, ProjectError> {
        let exists = self.rows.boxes.contains_key(&id);
        Ok(self.rows.origins.get(&id).filter(|_| exists).cloned())
    }

    fn all_boxes(&self) -> Result<Vec<BoxAnnotation>, ProjectError> {
        let mut all: Vec<BoxAnnotation> = self.rows.boxes.values().cloned().collect();
        all.sort_by_key(|b| (b.item, b.id));
        Ok(all)
    }

    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        Ok(self.rows.labels.get(&item).cloned().unwrap_or_default())
    }

    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        Ok(self.rows.labels.clone().into_iter().collect())
    }

    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        Ok(self.rows.items_where(|c, _| c == class))
    }

    fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        let names: BTreeSet<&str> = self.rows.annotations().map(|(_, _, a)| a).collect();
        Ok(names.into_iter().map(str::to_string).collect())
    }

    fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError> {
        Ok(self.rows.items_where(|_, a| a == author))
    }

    fn census(&self) -> Result<Census, ProjectError> {
        let count = |classes: Vec<ClassId>| {
            let mut counts: BTreeMap<ClassId, u64> = BTreeMap::new();
            for c in classes {
                *counts.entry(c).or_default() += 1;
            }
            counts.into_iter().collect()
        };
        let mut by_author: BTreeMap<String, BTreeSet<ItemId>> = BTreeMap::new();
        for (item, _, author) in self.rows.annotations() {
            by_author
                .entry(author.to_string())
                .or_default()
                .insert(item);
        }
        Ok(Census {
            boxes_per_class: count(self.rows.boxes.values().map(|b| b.class).collect()),
            spans_per_class: count(
                self.rows
                    .spans
                    .values()
                    .flatten()
                    .map(|s| s.class)
                    .collect(),
            ),
            items_by_annotator: by_author
                .into_iter()
                .map(|(name, items)| (name, items.into_iter().collect()))
                .collect(),
        })
    }

    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError> {
        let mut counts: BTreeMap<LabelId, u64> = BTreeMap::new();
        for l in self.rows.labels.values().flatten() {
            *counts.entry(*l).or_default() += 1;
        }
        Ok(counts.into_iter().collect())
    }

    fn text_of(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
        Ok(self.rows.texts.get(&item).cloned())
    }

    fn text_len(&self, item: ItemId) -> Result<Option<u32>, ProjectError> {
        Ok((self.rows.texts.get(&item)).map(|t| t.text.chars().count() as u32))
    }

    fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
        Ok(self.rows.texts.clone().into_iter().collect())
    }

    fn for_each_text(
        &self,
        f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        for (&item, t) in &self.rows.texts {
            f(TextRow {
                item,
                ext_id: t.ext_id.as_deref(),
                text: &t.text,
                meta: t.meta.as_deref(),
            })?;
        }
        Ok(())
    }

    fn comments_of(&self, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
        Ok(self
            .rows
            .comments
            .values()
            .filter(|c| c.item == item)
            .cloned()
            .collect())
    }

    fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
        let spans = self.rows.spans.get(&at.item).into_iter().flatten();
        Ok(spans.into_iter().find(|s| s.id == at.id).cloned())
    }

    fn spans_of(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
        Ok(self.rows.spans.get(&item).cloned().unwrap_or_default())
    }

    fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError> {
        Ok(self.rows.spans.values().flatten().cloned().collect())
    }

    fn all_span_extents(&self) -> Result<Vec<SpanExtent>, ProjectError> {
        let mut all: Vec<SpanExtent> = (self.rows.spans.values().flatten())
            .map(|s| SpanExtent {
                item: s.item,
                class: s.class,
                start: s.start,
                end: s.end,
            })
            .collect();
        all.sort_by_key(|s| (s.item, s.start, s.end, s.class));
        Ok(all)
    }

    fn write(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        self.write_rows(work)
    }

    fn write_bulk(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        self.write_rows(work)
    }

    fn reader(&self) -> Option<Box<dyn Store + Send>> {
        None
    }

    fn next_span_id(&self) -> Result<i64, ProjectError> {
        Ok(self.rows.last_span + 1)
    }

    fn log_of(&self, item: Option<ItemId>, limit: usize) -> Result<Vec<LogEntry>, ProjectError> {
        Ok((self.rows.log.iter().rev())
            .filter(|e| item.is_none() || e.item == item)
            .take(limit)
            .cloned()
            .collect())
    }

    fn session_value(&self, key: &str) -> Result<Option<String>, ProjectError> {
        Ok(self.rows.session.get(key).cloned())
    }

    fn set_session_value(&mut self, key: &str, value: &str) -> Result<(), ProjectError> {
        self.rows.session.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn statuses(&self) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
        Ok(self.rows.items.iter().map(|i| (i.id, i.status)).collect())
    }

    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
        let found = self.rows.items.binary_search_by_key(&item, |i| i.id);
        Ok(found.ok().map(|i| self.rows.items[i].status))
    }

    fn submissions_per_hour(&self) -> Result<Vec<(String, i64, usize)>, ProjectError> {
        const HOUR_MS: i64 = 3_600_000;
        let mut hours: BTreeMap<(String, i64), BTreeSet<ItemId>> = BTreeMap::new();
        for e in &self.rows.log {
            if let Some(item) = e.item
                && e.kind == "set_status"
                && e.detail.contains("\"status\":\"submitted\"")
            {
                let hour = e.time_ms.div_euclid(HOUR_MS) * HOUR_MS;
                hours
                    .entry((e.author.clone(), hour))
                    .or_default()
                    .insert(item);
            }
        }
        Ok(hours
            .into_iter()
            .map(|((author, hour), items)| (author, hour, items.len()))
            .collect())
    }

    fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError> {
        let items: BTreeSet<ItemId> = (self.rows.log.iter())
            .filter(|e| e.time_ms >= since_ms)
            .filter_map(|e| e.item)
            .collect();
        Ok(items.into_iter().collect())
    }

    fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError> {
        let mut added = 0;
        for e in entries {
            let known = self.rows.log.iter().any(|l| {
                (l.item, l.time_ms, &l.author, &l.kind) == (e.item, e.time_ms, &e.author, &e.kind)
            });
            if !known {
                self.rows.append_log(e)?;
                added += 1;
            }
        }
        Ok(added)
    }

    fn begin_group(&mut self) -> Result<(), ProjectError> {
        if self.group.is_some() {
            return Err(ProjectError::InvalidEdit(
                "a group of edits is already open".into(),
            ));
        }
        self.group = Some(self.rows.clone());
        Ok(())
    }

    fn end_group(&mut self, commit: bool) -> Result<(), ProjectError> {
        let before = self
            .group
            .take()
            .ok_or_else(|| ProjectError::InvalidEdit("no group of edits is open".into()))?;
        if !commit {
            self.rows = before;
        }
        Ok(())
    }

    fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError> {
        Ok(self.rows.golden.iter().copied().collect())
    }

    fn item_versions(&self) -> Result<Vec<ItemVersion>, ProjectError> {
        let mut all: Vec<ItemVersion> = (self.rows.versions.iter())
            .map(
                |((item, kind, annotator), (body, created_ms))| ItemVersion {
                    item: *item,
                    annotator: annotator.clone(),
                    kind: *kind,
                    body: body.clone(),
                    created_ms: *created_ms,
                },
            )
            .collect();
        // As SQLite orders them: by the kind's stored name.
        all.sort_by(|a, b| {
            (a.item, a.kind.as_str(), &a.annotator).cmp(&(b.item, b.kind.as_str(), &b.annotator))
        });
        Ok(all)
    }

    fn id_floors(&self) -> Result<(i64, i64), ProjectError> {
        Ok((self.rows.last_box, self.rows.last_span))
    }

    fn write_package(
        &mut self,
        info: &PackageInfo,
        items: &[PackageItem],
    ) -> Result<(), ProjectError> {
        self.rows.package = Some(info.clone());
        for item in items {
            self.rows.package_items.insert(item.0, item.clone());
        }
        self.rows.last_box = self.rows.last_box.max(info.box_floor);
        self.rows.last_span = self.rows.last_span.max(info.span_floor);
        Ok(())
    }

    fn package_info(&self) -> Result<Option<PackageInfo>, ProjectError> {
        Ok(self.rows.package.clone())
    }

    fn package_items(&self) -> Result<Vec<PackageItem>, ProjectError> {
        Ok(self.rows.package_items.values().cloned().collect())
    }
}
