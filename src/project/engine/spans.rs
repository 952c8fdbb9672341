//! Span edits as row operations: a text item's spans are read once, changed
//! in the order of the edit, and written back once. Span ids come from the
//! store's counter and are never reused; a restored span keeps its id and
//! raises the counter past it.

use super::EditContext;
use crate::model::{ClassId, ItemId, NewSpan, Provenance, SpanAnnotation, SpanId, SpanRef};
use crate::project::ProjectError;
use crate::project::store::StoreTx;
use std::collections::HashMap;

fn no_text(item: ItemId) -> ProjectError {
    ProjectError::InvalidEdit(format!(
        "item {item} is not a text item, so it has no spans"
    ))
}

fn missing_span(at: SpanRef) -> ProjectError {
    ProjectError::InvalidEdit(format!("item {} has no span with id {}", at.item, at.id))
}

/// Reads the spans of each item `of` names, once per item, lets `change` work
/// on them in input order, and writes each item's spans back.
fn change_spans<T, R>(
    tx: &mut dyn StoreTx,
    inputs: &[T],
    of: impl Fn(&T) -> ItemId,
    mut change: impl FnMut(&mut Vec<SpanAnnotation>, &T) -> Result<R, ProjectError>,
) -> Result<Vec<R>, ProjectError> {
    let mut items: Vec<ItemId> = inputs.iter().map(&of).collect();
    items.sort_unstable();
    items.dedup();
    let mut spans: HashMap<ItemId, Vec<SpanAnnotation>> = HashMap::with_capacity(items.len());
    for &item in &items {
        let of_item = tx.spans(item)?.ok_or_else(|| no_text(item))?;
        spans.insert(item, of_item);
    }
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        let of_item = spans.entry(of(input)).or_default();
        out.push(change(of_item, input)?);
    }
    for item in items {
        let list = spans.get(&item).map(Vec::as_slice).unwrap_or_default();
        tx.set_spans(item, list)?;
    }
    Ok(out)
}

/// Adds a span made by `make` for each input under new ids; returns the ids
/// in input order.
fn add_spans<T>(
    tx: &mut dyn StoreTx,
    inputs: &[T],
    item_of: impl Fn(&T) -> ItemId,
    make: impl Fn(SpanId, &T) -> SpanAnnotation,
) -> Result<Vec<SpanId>, ProjectError> {
    let first = tx.take_span_ids(inputs.len())?;
    let numbered: Vec<(SpanId, &T)> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| (SpanId(first + i as i64), x))
        .collect();
    change_spans(
        tx,
        &numbered,
        |(_, x)| item_of(x),
        |spans, &(id, x)| {
            spans.push(make(id, x));
            Ok(id)
        },
    )
}

/// Inserts new spans with the edit's author and time; returns their ids in
/// input order.
pub(super) fn insert(
    tx: &mut dyn StoreTx,
    new: &[NewSpan],
    ctx: &EditContext,
) -> Result<Vec<SpanId>, ProjectError> {
    add_spans(
        tx,
        new,
        |s| s.item,
        |id, s| SpanAnnotation {
            id,
            item: s.item,
            class: s.class,
            start: s.start,
            end: s.end,
            provenance: Provenance {
                author: ctx.author.to_string(),
                created_ms: ctx.time_ms,
                updated_by: ctx.author.to_string(),
                updated_ms: ctx.time_ms,
            },
        },
    )
}

/// Re-inserts spans with their original ids and provenance (undo of a delete).
pub(super) fn restore(
    tx: &mut dyn StoreTx,
    restored: &[SpanAnnotation],
) -> Result<(), ProjectError> {
    change_spans(
        tx,
        restored,
        |s| s.item,
        |spans, s| {
            if spans.iter().any(|x| x.id == s.id) {
                return Err(crate::project::store::id_taken("span", s.id));
            }
            spans.push(s.clone());
            Ok(())
        },
    )?;
    let last = restored.iter().map(|s| s.id.0).max().unwrap_or(0);
    tx.raise_span_floor(last)
}

/// Adds spans made elsewhere under new ids, keeping their provenance;
/// returns the new ids in input order.
pub(super) fn copy(
    tx: &mut dyn StoreTx,
    copied: &[SpanAnnotation],
) -> Result<Vec<SpanId>, ProjectError> {
    add_spans(
        tx,
        copied,
        |s| s.item,
        |id, s| SpanAnnotation { id, ..s.clone() },
    )
}

/// Deletes spans; returns them as they were, in input order.
pub(super) fn delete(
    tx: &mut dyn StoreTx,
    refs: &[SpanRef],
) -> Result<Vec<SpanAnnotation>, ProjectError> {
    change_spans(
        tx,
        refs,
        |r| r.item,
        |spans, &at| {
            let i = spans
                .iter()
                .position(|s| s.id == at.id)
                .ok_or_else(|| missing_span(at))?;
            Ok(spans.remove(i))
        },
    )
}

/// Changes a span's class; returns the span as it was.
pub(super) fn set_class(
    tx: &mut dyn StoreTx,
    at: SpanRef,
    class: ClassId,
    ctx: &EditContext,
) -> Result<SpanAnnotation, ProjectError> {
    let mut old = change_spans(
        tx,
        &[at],
        |r| r.item,
        |spans, &at| {
            let s = spans
                .iter_mut()
                .find(|s| s.id == at.id)
                .ok_or_else(|| missing_span(at))?;
            let old = s.clone();
            s.class = class;
            s.provenance.updated_by = ctx.author.to_string();
            s.provenance.updated_ms = ctx.time_ms;
            Ok(old)
        },
    )?;
    old.pop().ok_or_else(|| missing_span(at))
}
