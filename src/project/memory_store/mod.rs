//! A [`Store`] in memory, for tests: the rows in plain collections, a write
//! that fails put back as it was (the rows are copied before each write, so
//! it is for small projects), and nothing on disk. The edit-semantics suite
//! runs against it and against SQLite, so what an edit means is seen to
//! come from the engine, not from a backend.

mod rows;

use super::ProjectError;
use super::store::{Census, LogEntry, NewItem, PackageItem, SpanExtent, Store, StoreTx, TextRow};
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Comment, Item, ItemId, ItemStatus,
    ItemVersion, LabelId, PackageInfo, Proposal, ProposalId, ShapeKind, SpanAnnotation, SpanRef,
    TextDoc,
};
use rows::Rows;
use std::collections::{BTreeMap, BTreeSet};

/// The in-memory store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    rows: Rows,
    /// The rows as they were when a group of writes began.
    group: Option<Rows>,
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

    fn annotation(&self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        Ok(self.rows.annotations.get(&id).cloned())
    }

    fn annotations_of(&self, item: ItemId) -> Result<Vec<Annotation>, ProjectError> {
        Ok(self
            .rows
            .annotations
            .values()
            .filter(|a| a.item == item)
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

    fn annotation_origin(
        &self,
        id: AnnotationId,
    ) -> Result<Option<AnnotationOrigin>, ProjectError> {
        let exists = self.rows.annotations.contains_key(&id);
        Ok(self.rows.origins.get(&id).filter(|_| exists).cloned())
    }

    fn all_annotations(&self) -> Result<Vec<Annotation>, ProjectError> {
        let mut all: Vec<Annotation> = self.rows.annotations.values().cloned().collect();
        all.sort_by_key(|a| (a.item, a.id));
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
        let names: BTreeSet<&str> = self.rows.annotated().map(|(_, _, a)| a).collect();
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
        for (item, _, author) in self.rows.annotated() {
            by_author
                .entry(author.to_string())
                .or_default()
                .insert(item);
        }
        Ok(Census {
            annotations_per_class: count(self.rows.annotations.values().map(|a| a.class).collect()),
            annotations_per_kind: ShapeKind::ALL
                .into_iter()
                .map(|k| {
                    let of_kind = self.rows.annotations.values();
                    (k, of_kind.filter(|a| a.shape.kind() == k).count() as u64)
                })
                .filter(|&(_, n)| n > 0)
                .collect(),
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
        Ok((self.rows.last_annotation, self.rows.last_span))
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
        self.rows.last_annotation = self.rows.last_annotation.max(info.annotation_floor);
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
