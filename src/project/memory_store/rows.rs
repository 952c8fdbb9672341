//! The rows of the in-memory store, and its row operations.

use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Comment, CommentId, Item, ItemId,
    ItemSnapshot, ItemStatus, LabelId, NewAnnotation, NewProposal, PackageInfo, Proposal,
    ProposalId, Provenance, SpanAnnotation, SpanRef, TextDoc, VersionKind,
};
use crate::project::ProjectError;
use crate::project::store::{
    AddedTexts, LogEntry, PackageItem, PackedTexts, Stamp, StoreTx, id_taken,
};
use std::collections::{BTreeMap, BTreeSet};

/// Every row of a project.
#[derive(Clone, Debug, Default)]
pub(super) struct Rows {
    /// In id order.
    pub(super) items: Vec<Item>,
    pub(super) annotations: BTreeMap<AnnotationId, Annotation>,
    pub(super) origins: BTreeMap<AnnotationId, AnnotationOrigin>,
    pub(super) texts: BTreeMap<ItemId, TextDoc>,
    /// A text item's spans, in (start, end, id) order.
    pub(super) spans: BTreeMap<ItemId, Vec<SpanAnnotation>>,
    /// Items with item-level labels, sorted.
    pub(super) labels: BTreeMap<ItemId, Vec<LabelId>>,
    pub(super) comments: BTreeMap<CommentId, Comment>,
    pub(super) proposals: BTreeMap<ProposalId, Proposal>,
    pub(super) golden: BTreeSet<ItemId>,
    pub(super) versions: BTreeMap<(ItemId, VersionKind, String), (ItemSnapshot, i64)>,
    pub(super) log: Vec<LogEntry>,
    pub(super) session: BTreeMap<String, String>,
    pub(super) package: Option<PackageInfo>,
    pub(super) package_items: BTreeMap<ItemId, PackageItem>,
    /// The largest ids ever given out: ids are never reused.
    pub(super) last_item: i64,
    pub(super) last_annotation: i64,
    pub(super) last_span: i64,
    pub(super) last_comment: i64,
    pub(super) last_proposal: i64,
}

/// The next id after `last`, or `id` (raising `last` past it).
fn next_id(last: &mut i64, id: Option<i64>) -> i64 {
    let id = id.unwrap_or(*last + 1);
    *last = (*last).max(id);
    id
}

impl Rows {
    pub(super) fn item_mut(&mut self, id: ItemId) -> Option<&mut Item> {
        let i = self.items.binary_search_by_key(&id, |i| i.id).ok()?;
        self.items.get_mut(i)
    }

    pub(super) fn add_item(
        &mut self,
        rel_path: &str,
        width: u32,
        height: u32,
    ) -> Result<Item, ProjectError> {
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

    /// Every annotation's item, class and author: shapes, then spans.
    pub(super) fn annotated(&self) -> impl Iterator<Item = (ItemId, ClassId, &str)> {
        let shapes = self
            .annotations
            .values()
            .map(|a| (a.item, a.class, a.provenance.author.as_str()));
        let spans = self.spans.values().flatten();
        shapes.chain(spans.map(|s| (s.item, s.class, s.provenance.author.as_str())))
    }

    pub(super) fn items_where(&self, keep: impl Fn(ClassId, &str) -> bool) -> Vec<ItemId> {
        let items: BTreeSet<ItemId> = self
            .annotated()
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

    fn annotation_row(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        Ok(self.annotations.get(&id).cloned())
    }

    fn add_annotations(
        &mut self,
        new: &[NewAnnotation],
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
                let a = Annotation {
                    id: AnnotationId(0),
                    item: n.item,
                    class: n.class,
                    shape: n.shape.clone(),
                    group: n.group,
                    attributes: n.attributes.clone(),
                    provenance: provenance.clone(),
                };
                self.insert_annotation(None, &a)
            })
            .collect()
    }

    fn insert_annotation(
        &mut self,
        id: Option<AnnotationId>,
        a: &Annotation,
    ) -> Result<AnnotationId, ProjectError> {
        if let Some(id) = id.filter(|id| self.annotations.contains_key(id)) {
            return Err(id_taken("annotation", id));
        }
        let id = AnnotationId(next_id(&mut self.last_annotation, id.map(|id| id.0)));
        self.annotations.insert(id, Annotation { id, ..a.clone() });
        Ok(id)
    }

    fn update_annotation(&mut self, a: &Annotation) -> Result<(), ProjectError> {
        self.annotations.insert(a.id, a.clone());
        Ok(())
    }

    fn delete_annotation(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        // The origin stays, as in SQLite: the annotation may come back under its id.
        Ok(self.annotations.remove(&id))
    }

    fn set_annotation_origin(
        &mut self,
        id: AnnotationId,
        origin: Option<&AnnotationOrigin>,
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
        for text in chunk.unpack()? {
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
            shape: p.shape.clone(),
            score: p.score,
            source: p.source.clone(),
            attributes: p.attributes.clone(),
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
