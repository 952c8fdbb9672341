//! The edit engine: what an [`Edit`] means, decided once for every storage
//! backend. It validates an edit against the schema and the items
//! ([`validate`]), then runs it inside one [`Store::write`] transaction as
//! row operations of a [`StoreTx`], building the inverse from what the rows
//! said ([`execute`], [`spans`]); the first annotation on a `new` item puts
//! it in progress in the same transaction ([`status_rule`]), and the edit
//! goes into the audit trail ([`audit`]). Bulk imports hand the store their
//! rows in chunks and the engine a summary of them, so nothing is done per
//! row twice.

pub(super) mod audit;
pub(super) mod execute;
pub(super) mod spans;
pub(super) mod status_rule;
pub(super) mod validate;

use super::ProjectError;
use super::store::{AddedTexts, LogEntry, PackedTexts, Stamp, Store, StoreTx, Versions};
use crate::model::{AnnotationId, Edit, Item, ItemId, NewAnnotation, SpanId};
use execute::Changes;
use std::collections::BTreeSet;

/// Who is making an edit, and when.
#[derive(Clone, Debug)]
pub struct EditContext<'a> {
    pub author: &'a str,
    pub time_ms: i64,
    /// `"edit"`, `"undo"` or `"redo"`, for the audit trail.
    pub origin: &'a str,
    /// An undo or redo: the item versions the step's own write left, which
    /// a store with many writers checks nobody else changed since.
    pub step: Option<&'a [(ItemId, i64)]>,
}

impl EditContext<'_> {
    pub fn stamp(&self) -> Stamp<'_> {
        Stamp {
            author: self.author,
            time_ms: self.time_ms,
        }
    }

    /// A fresh edit, not an undo or redo: only these start items' progress.
    fn is_fresh(&self) -> bool {
        self.origin == "edit"
    }
}

/// What a stored edit did.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEdit {
    /// The edit that undoes it.
    pub inverse: Edit,
    /// Every item whose annotations or status changed.
    pub touched: Vec<ItemId>,
    /// Ids given to new annotations, in the order of the edit.
    pub created: Vec<AnnotationId>,
    /// Ids given to new spans, in the order of the edit.
    pub created_spans: Vec<SpanId>,
    /// The versions the write left on the items it touched (empty for a
    /// store with one writer): what its undo checks.
    pub versions: Versions,
}

impl StoredEdit {
    /// The step of history that undoes it, taken out.
    pub(super) fn take_step(&mut self) -> super::history::Step {
        super::history::Step {
            edit: std::mem::replace(&mut self.inverse, Edit::Batch(Vec::new())),
            versions: std::mem::take(&mut self.versions),
        }
    }

    fn nothing() -> Self {
        StoredEdit {
            inverse: Edit::DeleteAnnotations(Vec::new()),
            touched: Vec::new(),
            created: Vec::new(),
            created_spans: Vec::new(),
            versions: Vec::new(),
        }
    }
}

/// Runs a validated edit as one transaction of `store`; returns its inverse
/// and what it touched.
pub(super) fn apply(
    store: &mut dyn Store,
    edit: &Edit,
    ctx: &EditContext,
) -> Result<StoredEdit, ProjectError> {
    let mut stored = None;
    store.write(&mut |tx| {
        let mut ch = Changes::default();
        let inverse = execute::execute(tx, edit, ctx, &mut ch)?;
        let detail = audit::detail(edit);
        stored = Some(finish(tx, edit.kind(), detail, inverse, ch, None, ctx)?);
        Ok(())
    })?;
    stored.ok_or_else(unfinished)
}

fn unfinished() -> ProjectError {
    ProjectError::InvalidEdit("the store did not run the edit".into())
}

/// Adds annotations that arrive in chunks (each already validated) as one
/// transaction, stored and logged as one `AddAnnotations` edit of them all.
/// `next_chunk` gives the next chunk, or `None` at the end; an error from it
/// rolls the whole edit back. The items the annotations start are put in progress
/// chunk by chunk, while the next chunk is read.
pub(super) fn add_annotations_streamed(
    store: &mut dyn Store,
    next_chunk: &mut dyn FnMut() -> Result<Option<Vec<NewAnnotation>>, ProjectError>,
    ctx: &EditContext,
) -> Result<StoredEdit, ProjectError> {
    let mut stored = StoredEdit::nothing();
    store.write(&mut |tx| {
        let mut ch = Changes::default();
        let mut started = Vec::new();
        while let Some(chunk) = next_chunk()? {
            let mut chunk_changes = Changes::default();
            execute::execute(tx, &Edit::AddAnnotations(chunk), ctx, &mut chunk_changes)?;
            if ctx.is_fresh() {
                let candidates: Vec<ItemId> = chunk_changes.annotated.iter().copied().collect();
                started.extend(status_rule::start(tx, &candidates)?);
            }
            ch.annotated.append(&mut chunk_changes.annotated);
            ch.created.append(&mut chunk_changes.created);
        }
        if ch.created.is_empty() {
            // Nothing stored, nothing to log.
            return Ok(());
        }
        let kind = Edit::AddAnnotations(Vec::new()).kind();
        let detail = audit::count_detail(kind, ch.created.len());
        let inverse = Edit::DeleteAnnotations(ch.created.clone());
        stored = finish(tx, kind, detail, inverse, ch, Some(started), ctx)?;
        Ok(())
    })?;
    Ok(stored)
}

/// Adds labelled texts that arrive in chunks, packed as the store keeps
/// them, as new items with their spans and document classes (each new item
/// carries the status [`status_rule::new_text_status`] gave it), then
/// applies `then` (a validated edit of items the store already had), in one
/// transaction that is one step of undo: undo removes the labels; the items
/// stay, like scanned images. An error from `next_chunk` or `then` rolls
/// everything back.
pub(super) fn add_labelled_texts(
    store: &mut dyn Store,
    next_chunk: &mut dyn FnMut() -> Result<Option<PackedTexts>, ProjectError>,
    then: Option<&Edit>,
    ctx: &EditContext,
) -> Result<(Vec<Item>, StoredEdit), ProjectError> {
    let mut done = None;
    store.write_bulk(&mut |tx| {
        let mut bulk = AddedTexts::default();
        while let Some(chunk) = next_chunk()? {
            // The reading thread numbered the spans from the store's next
            // free id; nothing may have taken those ids since.
            let count = chunk.span_count();
            if count > 0 && tx.take_span_ids(count)? != chunk.first_span() {
                return Err(ProjectError::InvalidEdit(
                    "span ids were given out while the import was read; nothing was stored".into(),
                ));
            }
            let mut added = tx.insert_texts(chunk)?;
            bulk.items.append(&mut added.items);
            bulk.spans.append(&mut added.spans);
            bulk.classified.append(&mut added.classified);
        }
        let mut started = status_rule::started_new_items(&bulk.items);
        let mut labelled = Changes::default();
        let mut undo = Vec::with_capacity(3);
        if let Some(edit) = then {
            undo.push(execute::execute(tx, edit, ctx, &mut labelled)?);
            if ctx.is_fresh() {
                started.extend(status_rule::start(tx, &labelled.to_start())?);
            }
        }
        let kind = "add_labelled_texts";
        let detail = audit::labelled_texts_detail(
            kind,
            &bulk,
            labelled.created_spans.len(),
            labelled.annotated.len(),
        );
        let mut created_spans: Vec<SpanId> = bulk.spans.iter().map(|s| s.id).collect();
        created_spans.append(&mut labelled.created_spans);
        undo.push(Edit::DeleteSpans(std::mem::take(&mut bulk.spans)));
        undo.push(Edit::SetItemsImageLabels {
            items: std::mem::take(&mut bulk.classified),
            labels: Vec::new(),
        });
        let mut annotated: BTreeSet<ItemId> = started.iter().copied().collect();
        annotated.append(&mut labelled.annotated);
        let ch = Changes {
            annotated,
            touched: std::mem::take(&mut labelled.touched),
            created_spans,
            ..Changes::default()
        };
        let stored = finish(tx, kind, detail, Edit::Batch(undo), ch, Some(started), ctx)?;
        done = Some((std::mem::take(&mut bulk.items), stored));
        Ok(())
    })?;
    done.ok_or_else(unfinished)
}

/// The common end of every edit's transaction: the first annotation on a new
/// item puts it in progress (unless the caller did, and says which items it
/// `started`), the edit goes into the audit trail, and the store checks
/// that nobody else changed the items meanwhile.
fn finish(
    tx: &mut dyn StoreTx,
    kind: &str,
    detail: String,
    mut inverse: Edit,
    mut ch: Changes,
    started: Option<Vec<ItemId>>,
    ctx: &EditContext,
) -> Result<StoredEdit, ProjectError> {
    // Only for fresh edits: an undo or redo already carries the exact status
    // change in its inverse, and an explicit status in the same edit wins.
    let started = match started {
        _ if !ctx.is_fresh() => Vec::new(),
        Some(started) => started,
        None => status_rule::start(tx, &ch.to_start())?,
    };
    if let Some(reset) = status_rule::undo_start(started) {
        inverse = Edit::Batch(vec![inverse, reset]);
    }

    // `append` merges in linear time, whichever set is the large one.
    let mut touched = std::mem::take(&mut ch.annotated);
    touched.append(&mut ch.touched);
    touched.append(&mut ch.proposed);
    let touched: Vec<ItemId> = touched.into_iter().collect();
    tx.append_log(&LogEntry {
        seq: 0,
        time_ms: ctx.time_ms,
        author: ctx.author.to_string(),
        kind: audit::kind(kind, ctx.origin),
        item: audit::log_item(&touched),
        detail,
    })?;
    let versions = tx.check_versions(&touched, ctx.step)?;
    Ok(StoredEdit {
        inverse,
        touched,
        created: ch.created,
        created_spans: ch.created_spans,
        versions,
    })
}
