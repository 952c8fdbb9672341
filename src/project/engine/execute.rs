//! Runs an edit as row operations of a [`StoreTx`] and builds its inverse
//! from what the rows said: deleted rows come back under their ids with
//! their provenance, replaced values are put back, and a many-item edit
//! undoes to what each item had.

use super::EditContext;
use super::spans;
use crate::model::{
    AcceptedProposal, Annotation, AnnotationId, AnnotationOrigin, Comment, CommentId, Edit,
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

fn no_annotation(id: AnnotationId) -> ProjectError {
    invalid(format!("there is no annotation with id {id}"))
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

/// An annotation read for a change, or the error that it is not there.
fn existing_annotation(tx: &mut dyn StoreTx, id: AnnotationId) -> Result<Annotation, ProjectError> {
    tx.annotation_row(id)?.ok_or_else(|| no_annotation(id))
}

/// Changes an annotation with `change`, marked as updated by the edit's
/// author; returns the annotation as it was.
fn change_annotation(
    tx: &mut dyn StoreTx,
    id: AnnotationId,
    ctx: &EditContext,
    change: impl FnOnce(&mut Annotation),
) -> Result<Annotation, ProjectError> {
    let old = existing_annotation(tx, id)?;
    let mut new = old.clone();
    change(&mut new);
    new.provenance.updated_by = ctx.author.to_string();
    new.provenance.updated_ms = ctx.time_ms;
    tx.update_annotation(&new)?;
    Ok(old)
}

/// The origin an accepted proposal gives its annotation.
fn origin_of(p: &Proposal) -> AnnotationOrigin {
    AnnotationOrigin {
        source: p.source.clone(),
        score: p.score,
    }
}

/// The annotation an accepted proposal becomes, authored by the edit's author.
fn accepted_annotation(p: &Proposal, ctx: &EditContext) -> Annotation {
    Annotation {
        id: AnnotationId(0),
        item: p.item,
        class: p.class,
        shape: p.shape.clone(),
        group: None,
        attributes: p.attributes.clone(),
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
        shape: p.shape.clone(),
        score: p.score,
        source: p.source.clone(),
        attributes: p.attributes.clone(),
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
        Edit::AddAnnotations(new) => {
            let ids = tx.add_annotations(new, ctx.stamp())?;
            let mut last = None;
            for n in new {
                // Annotations usually come grouped by item; skip the set for repeats.
                if last != Some(n.item) {
                    ch.annotated.insert(n.item);
                    last = Some(n.item);
                }
            }
            ch.created.extend(&ids);
            Edit::DeleteAnnotations(ids)
        }
        Edit::RestoreAnnotations(restored) => {
            for a in restored {
                tx.insert_annotation(Some(a.id), a)?;
                ch.annotated.insert(a.item);
            }
            Edit::DeleteAnnotations(restored.iter().map(|a| a.id).collect())
        }
        Edit::DeleteAnnotations(ids) => {
            let mut removed = Vec::with_capacity(ids.len());
            for &id in ids {
                let a = tx.delete_annotation(id)?.ok_or_else(|| no_annotation(id))?;
                ch.annotated.insert(a.item);
                removed.push(a);
            }
            Edit::RestoreAnnotations(removed)
        }
        Edit::CopyAnnotations(copied) => {
            let mut ids = Vec::with_capacity(copied.len());
            for a in copied {
                ids.push(tx.insert_annotation(None, a)?);
                ch.annotated.insert(a.item);
            }
            ch.created.extend(&ids);
            Edit::DeleteAnnotations(ids)
        }
        Edit::SetShape { id, shape } => {
            let old = change_annotation(tx, *id, ctx, |a| a.shape = shape.clone())?;
            ch.annotated.insert(old.item);
            Edit::SetShape {
                id: *id,
                shape: old.shape,
            }
        }
        Edit::SetAnnotationClass { id, class } => {
            let old = change_annotation(tx, *id, ctx, |a| a.class = *class)?;
            ch.annotated.insert(old.item);
            Edit::SetAnnotationClass {
                id: *id,
                class: old.class,
            }
        }
        Edit::SetAnnotationAttributes { id, attributes } => {
            let old = change_annotation(tx, *id, ctx, |a| a.attributes = attributes.clone())?;
            ch.annotated.insert(old.item);
            Edit::SetAnnotationAttributes {
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
                let mut a = accepted_annotation(&proposal, ctx);
                a.id = tx.insert_annotation(None, &a)?;
                tx.set_annotation_origin(a.id, Some(&origin_of(&proposal)))?;
                ch.annotated.insert(a.item);
                ch.created.push(a.id);
                accepted.push(AcceptedProposal {
                    proposal,
                    accepted: a,
                });
            }
            Edit::UnacceptProposals(accepted)
        }
        Edit::UnacceptProposals(accepted) => {
            for a in accepted {
                let id = a.annotation_id();
                let removed = tx.delete_annotation(id)?.ok_or_else(|| no_annotation(id))?;
                tx.set_annotation_origin(id, None)?;
                restore_proposal(tx, &a.proposal)?;
                ch.annotated.insert(removed.item);
            }
            Edit::RestoreAccepted(accepted.clone())
        }
        Edit::RestoreAccepted(accepted) => {
            for a in accepted {
                delete_proposal(tx, a.proposal.id)?;
                tx.insert_annotation(Some(a.accepted.id), &a.accepted)?;
                tx.set_annotation_origin(a.annotation_id(), Some(&origin_of(&a.proposal)))?;
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
