//! Runs an edit as row operations of a [`StoreTx`] and builds its inverse
//! from what the rows said: deleted rows come back under their ids with
//! their provenance, replaced values are put back, and a many-item edit
//! undoes to what each item had.

use super::EditContext;
use super::spans;
use crate::model::{
    AcceptedProposal, AnnotationId, BoxAnnotation, BoxOrigin, Comment, CommentId, Edit,
    ImageLabelMode, ItemId, NewProposal, Proposal, ProposalId, Provenance, SpanAnnotation, SpanId,
    SpanRef,
};
use crate::project::ProjectError;
use crate::project::store::StoreTx;
use std::collections::BTreeSet;

/// What one application of an edit changed, gathered while it runs.
#[derive(Default)]
pub(in crate::project) struct Changes {
    /// Items whose annotations changed (not only their status).
    pub annotated: BTreeSet<ItemId>,
    pub touched: BTreeSet<ItemId>,
    pub created: Vec<AnnotationId>,
    pub created_spans: Vec<SpanId>,
    /// Items whose proposals changed (not an annotation: no status change).
    pub proposed: BTreeSet<ItemId>,
}

impl Changes {
    /// The items the edit may start: annotated, and not given a status by
    /// the edit itself, ascending.
    pub fn to_start(&self) -> Vec<ItemId> {
        self.annotated
            .iter()
            .copied()
            .filter(|i| !self.touched.contains(i))
            .collect()
    }
}

fn invalid(message: String) -> ProjectError {
    ProjectError::InvalidEdit(message)
}

fn no_box(id: AnnotationId) -> ProjectError {
    invalid(format!("there is no box with id {id}"))
}

fn no_item(id: ItemId) -> ProjectError {
    invalid(format!("there is no item with id {id}"))
}

fn no_proposal(id: ProposalId) -> ProjectError {
    invalid(format!("there is no proposal with id {id}"))
}

fn no_comment(id: CommentId) -> ProjectError {
    invalid(format!("there is no comment with id {id}"))
}

/// Items grouped by what they had before a many-item edit, in order of first
/// appearance: the inverse is one many-item edit per group.
struct Grouped<T> {
    groups: Vec<(T, Vec<ItemId>)>,
}

impl<T> Default for Grouped<T> {
    fn default() -> Self {
        Self { groups: Vec::new() }
    }
}

impl<T: PartialEq> Grouped<T> {
    /// Statuses and label sets are few, so a linear search beats hashing.
    fn add(&mut self, before: T, item: ItemId) {
        match self.groups.iter_mut().find(|(b, _)| *b == before) {
            Some((_, items)) => items.push(item),
            None => self.groups.push((before, vec![item])),
        }
    }

    fn into_edit(mut self, edit: impl Fn(T, Vec<ItemId>) -> Edit) -> Edit {
        if self.groups.len() == 1
            && let Some((before, items)) = self.groups.pop()
        {
            return edit(before, items);
        }
        Edit::Batch(
            self.groups
                .into_iter()
                .map(|(b, items)| edit(b, items))
                .collect(),
        )
    }
}

/// A box read for a change, or the error that it is not there.
fn existing_box(tx: &mut dyn StoreTx, id: AnnotationId) -> Result<BoxAnnotation, ProjectError> {
    tx.box_row(id)?.ok_or_else(|| no_box(id))
}

/// Changes a box with `change`, marked as updated by the edit's author;
/// returns the box as it was.
fn change_box(
    tx: &mut dyn StoreTx,
    id: AnnotationId,
    ctx: &EditContext,
    change: impl FnOnce(&mut BoxAnnotation),
) -> Result<BoxAnnotation, ProjectError> {
    let old = existing_box(tx, id)?;
    let mut new = old.clone();
    change(&mut new);
    new.provenance.updated_by = ctx.author.to_string();
    new.provenance.updated_ms = ctx.time_ms;
    tx.update_box(&new)?;
    Ok(old)
}

/// The origin an accepted proposal gives its box.
fn origin_of(p: &Proposal) -> BoxOrigin {
    BoxOrigin {
        source: p.source.clone(),
        score: p.score,
    }
}

/// The box an accepted proposal becomes, authored by the edit's author.
fn accepted_box(p: &Proposal, ctx: &EditContext) -> BoxAnnotation {
    BoxAnnotation {
        id: AnnotationId(0),
        item: p.item,
        class: p.class,
        bbox: p.bbox,
        attributes: Default::default(),
        provenance: Provenance {
            author: ctx.author.to_string(),
            created_ms: ctx.time_ms,
            updated_by: ctx.author.to_string(),
            updated_ms: ctx.time_ms,
        },
    }
}

/// A proposal's row, for re-inserting it under its id.
fn proposal_row(p: &Proposal) -> NewProposal {
    NewProposal {
        item: p.item,
        class: p.class,
        bbox: p.bbox,
        score: p.score,
        source: p.source.clone(),
    }
}

fn restore_proposal(tx: &mut dyn StoreTx, p: &Proposal) -> Result<(), ProjectError> {
    tx.insert_proposal(Some(p.id), &proposal_row(p))?;
    Ok(())
}

fn delete_proposal(tx: &mut dyn StoreTx, id: ProposalId) -> Result<Proposal, ProjectError> {
    tx.delete_proposal(id)?.ok_or_else(|| no_proposal(id))
}

/// Runs `edit` in `tx`, gathering what it changed in `ch`; returns the edit
/// that undoes it.
pub(in crate::project) fn execute(
    tx: &mut dyn StoreTx,
    edit: &Edit,
    ctx: &EditContext,
    ch: &mut Changes,
) -> Result<Edit, ProjectError> {
    Ok(match edit {
        Edit::AddBoxes(new) => {
            let ids = tx.add_boxes(new, ctx.stamp())?;
            let mut last = None;
            for n in new {
                // Boxes usually come grouped by item; skip the set for repeats.
                if last != Some(n.item) {
                    ch.annotated.insert(n.item);
                    last = Some(n.item);
                }
            }
            ch.created.extend(&ids);
            Edit::DeleteBoxes(ids)
        }
        Edit::RestoreBoxes(boxes) => {
            for b in boxes {
                tx.insert_box(Some(b.id), b)?;
                ch.annotated.insert(b.item);
            }
            Edit::DeleteBoxes(boxes.iter().map(|b| b.id).collect())
        }
        Edit::DeleteBoxes(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let b = tx.delete_box(id)?.ok_or_else(|| no_box(id))?;
                ch.annotated.insert(b.item);
                removed.push(b);
            }
            Edit::RestoreBoxes(removed)
        }
        Edit::CopyBoxes(boxes) => {
            let mut ids = Vec::with_capacity(boxes.len());
            for b in boxes {
                ids.push(tx.insert_box(None, b)?);
                ch.annotated.insert(b.item);
            }
            ch.created.extend(&ids);
            Edit::DeleteBoxes(ids)
        }
        Edit::SetBoxGeometry { id, bbox } => {
            let old = change_box(tx, *id, ctx, |b| b.bbox = *bbox)?;
            ch.annotated.insert(old.item);
            Edit::SetBoxGeometry {
                id: *id,
                bbox: old.bbox,
            }
        }
        Edit::SetBoxClass { id, class } => {
            let old = change_box(tx, *id, ctx, |b| b.class = *class)?;
            ch.annotated.insert(old.item);
            Edit::SetBoxClass {
                id: *id,
                class: old.class,
            }
        }
        Edit::SetBoxAttributes { id, attributes } => {
            let old = change_box(tx, *id, ctx, |b| b.attributes = attributes.clone())?;
            ch.annotated.insert(old.item);
            Edit::SetBoxAttributes {
                id: *id,
                attributes: old.attributes,
            }
        }
        Edit::AddSpans(new) => {
            let ids = spans::insert(tx, new, ctx)?;
            ch.annotated.extend(new.iter().map(|s| s.item));
            ch.created_spans.extend(&ids);
            Edit::DeleteSpans(
                new.iter()
                    .zip(ids)
                    .map(|(s, id)| SpanRef { item: s.item, id })
                    .collect(),
            )
        }
        Edit::RestoreSpans(restored) => {
            spans::restore(tx, restored)?;
            ch.annotated.extend(restored.iter().map(|s| s.item));
            Edit::DeleteSpans(restored.iter().map(SpanAnnotation::span_ref).collect())
        }
        Edit::DeleteSpans(refs) => {
            let removed = spans::delete(tx, refs)?;
            ch.annotated.extend(refs.iter().map(|r| r.item));
            Edit::RestoreSpans(removed)
        }
        Edit::CopySpans(copied) => {
            let ids = spans::copy(tx, copied)?;
            ch.annotated.extend(copied.iter().map(|s| s.item));
            ch.created_spans.extend(&ids);
            Edit::DeleteSpans(
                copied
                    .iter()
                    .zip(ids)
                    .map(|(s, id)| SpanRef { item: s.item, id })
                    .collect(),
            )
        }
        Edit::SetSpanClass { span, class } => {
            let old = spans::set_class(tx, *span, *class, ctx)?;
            ch.annotated.insert(old.item);
            Edit::SetSpanClass {
                span: *span,
                class: old.class,
            }
        }
        Edit::AddComments(new) => {
            let mut ids = Vec::with_capacity(new.len());
            for c in new {
                let row = Comment {
                    id: CommentId(0),
                    item: c.item,
                    target: c.target,
                    body: c.body.clone(),
                    author: ctx.author.to_string(),
                    created_ms: ctx.time_ms,
                };
                ids.push(tx.insert_comment(None, &row)?);
                ch.touched.insert(c.item);
            }
            Edit::DeleteComments(ids)
        }
        Edit::RestoreComments(comments) => {
            for c in comments {
                tx.insert_comment(Some(c.id), c)?;
                ch.touched.insert(c.item);
            }
            Edit::DeleteComments(comments.iter().map(|c| c.id).collect())
        }
        Edit::DeleteComments(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let c = tx.delete_comment(id)?.ok_or_else(|| no_comment(id))?;
                ch.touched.insert(c.item);
                removed.push(c);
            }
            Edit::RestoreComments(removed)
        }
        Edit::SetImageLabels { item, labels } => {
            let old = tx.set_image_labels(*item, labels, ctx.stamp())?;
            ch.annotated.insert(*item);
            Edit::SetImageLabels {
                item: *item,
                labels: old,
            }
        }
        Edit::SetItemsImageLabels { items, labels } => {
            let mut before = Grouped::default();
            for &item in items {
                before.add(tx.set_image_labels(item, labels, ctx.stamp())?, item);
                ch.annotated.insert(item);
            }
            before.into_edit(|labels, items| Edit::SetItemsImageLabels { items, labels })
        }
        Edit::SetImageLabelMode { from, to } => {
            // The project saves the mode; back to one label per item only
            // when no item holds several.
            if *to == ImageLabelMode::Single
                && let Some(item) = tx.item_with_several_labels()?
            {
                return Err(invalid(format!(
                    "item {item} has several labels, so the project cannot go back to one label per item"
                )));
            }
            Edit::SetImageLabelMode {
                from: *to,
                to: *from,
            }
        }
        Edit::SetStatus { item, status } => {
            let old = tx
                .set_status(*item, *status)?
                .ok_or_else(|| no_item(*item))?;
            ch.touched.insert(*item);
            Edit::SetStatus {
                item: *item,
                status: old,
            }
        }
        Edit::SetItemsStatus { items, status } => {
            let mut before = Grouped::default();
            for &item in items {
                let old = tx.set_status(item, *status)?.ok_or_else(|| no_item(item))?;
                before.add(old, item);
                ch.touched.insert(item);
            }
            before.into_edit(|status, items| Edit::SetItemsStatus { items, status })
        }
        Edit::SetGolden { item, golden } => {
            let was = tx.set_golden(*item, *golden, ctx.stamp())?;
            ch.touched.insert(*item);
            Edit::SetGolden {
                item: *item,
                golden: was,
            }
        }
        Edit::SetItemVersion {
            item,
            annotator,
            kind,
            body,
        } => {
            let old = tx.set_item_version(*item, annotator, *kind, body.as_ref(), ctx.stamp())?;
            ch.touched.insert(*item);
            Edit::SetItemVersion {
                item: *item,
                annotator: annotator.clone(),
                kind: *kind,
                body: old,
            }
        }
        Edit::AddProposals(new) => {
            let mut ids = Vec::with_capacity(new.len());
            for p in new {
                ids.push(tx.insert_proposal(None, p)?);
                ch.proposed.insert(p.item);
            }
            Edit::DeleteProposals(ids)
        }
        Edit::RestoreProposals(proposals) => {
            for p in proposals {
                restore_proposal(tx, p)?;
                ch.proposed.insert(p.item);
            }
            Edit::DeleteProposals(proposals.iter().map(|p| p.id).collect())
        }
        Edit::DeleteProposals(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let p = delete_proposal(tx, id)?;
                ch.proposed.insert(p.item);
                removed.push(p);
            }
            Edit::RestoreProposals(removed)
        }
        Edit::AcceptProposals(ids) => {
            let mut accepted = Vec::with_capacity(ids.len());
            for &id in ids {
                let proposal = delete_proposal(tx, id)?;
                let mut b = accepted_box(&proposal, ctx);
                b.id = tx.insert_box(None, &b)?;
                tx.set_box_origin(b.id, Some(&origin_of(&proposal)))?;
                ch.annotated.insert(b.item);
                ch.created.push(b.id);
                accepted.push(AcceptedProposal {
                    proposal,
                    accepted: b,
                });
            }
            Edit::UnacceptProposals(accepted)
        }
        Edit::UnacceptProposals(accepted) => {
            for a in accepted {
                let b = tx
                    .delete_box(a.box_id())?
                    .ok_or_else(|| no_box(a.box_id()))?;
                tx.set_box_origin(b.id, None)?;
                restore_proposal(tx, &a.proposal)?;
                ch.annotated.insert(b.item);
            }
            Edit::RestoreAccepted(accepted.clone())
        }
        Edit::RestoreAccepted(accepted) => {
            for a in accepted {
                delete_proposal(tx, a.proposal.id)?;
                tx.insert_box(Some(a.accepted.id), &a.accepted)?;
                tx.set_box_origin(a.box_id(), Some(&origin_of(&a.proposal)))?;
                ch.annotated.insert(a.accepted.item);
            }
            Edit::UnacceptProposals(accepted.clone())
        }
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for e in edits {
                inverses.push(execute(tx, e, ctx, ch)?);
            }
            inverses.reverse();
            Edit::Batch(inverses)
        }
    })
}
