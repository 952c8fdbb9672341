//! Checks an edit against the schema and the items before it is stored, and
//! returns it normalised: boxes clamped to their image, label lists sorted
//! and de-duplicated. Reads what it needs of the annotations through the
//! [`Store`]'s queries, so every backend refuses the same edits with the
//! same words.

use crate::model::{
    AnnotationId, Attributes, BBox, ClassId, CommentTarget, Edit, ImageLabelMode, Item, ItemId,
    LabelId, LabelSchema, NewBox, NewComment, NewSpan, SpanRef,
};
use crate::project::{ProjectError, Store};
use std::collections::HashMap;

fn invalid(message: String) -> ProjectError {
    ProjectError::InvalidEdit(message)
}

/// Where item `id` is in `items`, which are kept in id order.
pub(in crate::project) fn position_in(items: &[Item], id: ItemId) -> Option<usize> {
    items.binary_search_by_key(&id, |i| i.id).ok()
}

fn existing_item(items: &[Item], id: ItemId) -> Result<&Item, ProjectError> {
    position_in(items, id)
        .map(|i| &items[i])
        .ok_or_else(|| invalid(format!("there is no item with id {id}")))
}

fn check_class(schema: &LabelSchema, class: ClassId) -> Result<(), ProjectError> {
    match schema.class(class) {
        Some(_) => Ok(()),
        None => Err(invalid(format!("there is no class with id {class}"))),
    }
}

/// Box attributes fit the schema: names are not blank, and the attributes the
/// schema defines hold values of their kind (free keys take any value).
fn check_attributes(schema: &LabelSchema, attrs: &Attributes) -> Result<(), ProjectError> {
    for (name, value) in attrs {
        if name.trim().is_empty() {
            return Err(invalid("a box attribute needs a name".into()));
        }
        if let Some(problem) = schema.attribute(name).and_then(|def| def.problem(value)) {
            return Err(invalid(problem));
        }
    }
    Ok(())
}

/// The box clamped to its item's image, or why it cannot go there.
fn fitted_box(item: &Item, bbox: BBox) -> Result<BBox, ProjectError> {
    if item.is_broken() {
        return Err(invalid(format!(
            "{}: the image cannot be read, so it cannot be annotated",
            item.rel_path
        )));
    }
    if !bbox.is_finite() {
        return Err(invalid("the box has non-finite coordinates".into()));
    }
    let fitted = bbox.clamped(item.width as f32, item.height as f32);
    if !fitted.is_proper() {
        return Err(invalid(format!(
            "the box {:?} has no area inside the {}×{} image",
            bbox.to_xywh(),
            item.width,
            item.height
        )));
    }
    Ok(fitted)
}

/// A box of a known class with attributes the schema admits, on an item
/// whose image it is clamped to: what [`Edit::AddBoxes`] asks of each box,
/// and [`Project::add_boxes_streamed`](crate::project::Project::add_boxes_streamed)
/// of each box of each chunk.
pub(in crate::project) fn check_new_box(
    schema: &LabelSchema,
    items: &[Item],
    b: &mut NewBox,
) -> Result<(), ProjectError> {
    b.bbox = placed_box(schema, items, b.item, b.class, &b.attributes, b.bbox)?;
    Ok(())
}

fn placed_box(
    schema: &LabelSchema,
    items: &[Item],
    item: ItemId,
    class: ClassId,
    attributes: &Attributes,
    bbox: BBox,
) -> Result<BBox, ProjectError> {
    check_class(schema, class)?;
    check_attributes(schema, attributes)?;
    fitted_box(existing_item(items, item)?, bbox)
}

/// What an edit is checked against: the schema, the items (in id order) and
/// the annotations the store holds.
pub(in crate::project) struct Checker<'a> {
    pub schema: &'a LabelSchema,
    pub items: &'a [Item],
    pub store: &'a dyn Store,
}

impl Checker<'_> {
    fn existing_item(&self, id: ItemId) -> Result<&Item, ProjectError> {
        existing_item(self.items, id)
    }

    fn check_class(&self, class: ClassId) -> Result<(), ProjectError> {
        check_class(self.schema, class)
    }

    fn fitted_box(&self, item: ItemId, bbox: BBox) -> Result<BBox, ProjectError> {
        fitted_box(self.existing_item(item)?, bbox)
    }

    fn box_item(&self, id: AnnotationId) -> Result<ItemId, ProjectError> {
        // Boxes of one item are few; the store answers by primary key.
        self.store
            .annotation(id)?
            .map(|b| b.item)
            .ok_or_else(|| invalid(format!("there is no box with id {id}")))
    }

    /// Item-level labels sorted and deduplicated, each in the schema, and
    /// no more than `mode` (the schema's, or the one an earlier part of the
    /// edit switched to) allows.
    fn checked_image_labels(
        &self,
        mut labels: Vec<LabelId>,
        mode: ImageLabelMode,
    ) -> Result<Vec<LabelId>, ProjectError> {
        labels.sort();
        labels.dedup();
        for l in &labels {
            if self.schema.label(*l).is_none() {
                return Err(invalid(format!("there is no image label with id {l}")));
            }
        }
        if mode == ImageLabelMode::Single && labels.len() > 1 {
            return Err(invalid(
                "this project takes one image label per image".into(),
            ));
        }
        Ok(labels)
    }

    /// Checks an edit and returns it normalised. `mode` is the image-label
    /// mode in effect, which a batch may switch part way.
    pub fn edit(&self, edit: Edit, mode: &mut ImageLabelMode) -> Result<Edit, ProjectError> {
        Ok(match edit {
            Edit::AddBoxes(mut boxes) => {
                for b in &mut boxes {
                    check_new_box(self.schema, self.items, b)?;
                }
                Edit::AddBoxes(boxes)
            }
            Edit::RestoreBoxes(boxes) => {
                for b in &boxes {
                    self.existing_item(b.item)?;
                }
                Edit::RestoreBoxes(boxes)
            }
            Edit::DeleteBoxes(ids) => Edit::DeleteBoxes(ids),
            Edit::CopyBoxes(mut boxes) => {
                for b in &mut boxes {
                    b.bbox = placed_box(
                        self.schema,
                        self.items,
                        b.item,
                        b.class,
                        &b.attributes,
                        b.bbox,
                    )?;
                }
                Edit::CopyBoxes(boxes)
            }
            Edit::SetBoxGeometry { id, bbox } => {
                let item = self.box_item(id)?;
                Edit::SetBoxGeometry {
                    id,
                    bbox: self.fitted_box(item, bbox)?,
                }
            }
            Edit::SetBoxClass { id, class } => {
                self.check_class(class)?;
                Edit::SetBoxClass { id, class }
            }
            Edit::SetBoxAttributes { id, attributes } => {
                self.box_item(id)?;
                check_attributes(self.schema, &attributes)?;
                Edit::SetBoxAttributes { id, attributes }
            }
            Edit::AddSpans(spans) => {
                self.check_new_spans(&spans)?;
                Edit::AddSpans(spans)
            }
            Edit::RestoreSpans(spans) => {
                for s in &spans {
                    self.existing_item(s.item)?;
                }
                Edit::RestoreSpans(spans)
            }
            Edit::DeleteSpans(ids) => Edit::DeleteSpans(ids),
            Edit::CopySpans(spans) => {
                // Only class and range: the spans come from a project with the
                // same schema, which kept them apart if it had to, and a batch
                // that copies them usually deletes the ones they replace.
                for s in &spans {
                    self.check_class(s.class)?;
                    let it = self.existing_item(s.item)?;
                    let len = self.store.text_len(s.item)?.unwrap_or(0);
                    if s.start >= s.end || s.end > len {
                        return Err(invalid(format!(
                            "span [{}, {}) does not fit the {len} characters of {}",
                            s.start, s.end, it.rel_path
                        )));
                    }
                }
                Edit::CopySpans(spans)
            }
            Edit::SetSpanClass { span, class } => {
                self.check_class(class)?;
                Edit::SetSpanClass { span, class }
            }
            Edit::AddComments(comments) => {
                for c in &comments {
                    self.check_comment(c)?;
                }
                Edit::AddComments(comments)
            }
            Edit::RestoreComments(comments) => {
                for c in &comments {
                    self.existing_item(c.item)?;
                }
                Edit::RestoreComments(comments)
            }
            Edit::DeleteComments(ids) => Edit::DeleteComments(ids),
            Edit::SetImageLabels { item, labels } => {
                self.existing_item(item)?;
                let labels = self.checked_image_labels(labels, *mode)?;
                Edit::SetImageLabels { item, labels }
            }
            Edit::SetItemsImageLabels { items, labels } => {
                for &item in &items {
                    self.existing_item(item)?;
                }
                let labels = self.checked_image_labels(labels, *mode)?;
                Edit::SetItemsImageLabels { items, labels }
            }
            Edit::SetImageLabelMode { from, to } => {
                if from != *mode {
                    return Err(invalid(format!(
                        "the image labels are {mode:?}, not {from:?}"
                    )));
                }
                *mode = to;
                Edit::SetImageLabelMode { from, to }
            }
            Edit::SetStatus { item, status } => {
                self.existing_item(item)?;
                Edit::SetStatus { item, status }
            }
            Edit::SetItemsStatus { items, status } => {
                for &item in &items {
                    self.existing_item(item)?;
                }
                Edit::SetItemsStatus { items, status }
            }
            Edit::SetGolden { item, golden } => {
                self.existing_item(item)?;
                Edit::SetGolden { item, golden }
            }
            Edit::SetItemVersion {
                item,
                annotator,
                kind,
                body,
            } => {
                self.existing_item(item)?;
                if annotator.trim().is_empty() {
                    return Err(invalid("an item version needs its annotator's name".into()));
                }
                Edit::SetItemVersion {
                    item,
                    annotator,
                    kind,
                    body,
                }
            }
            Edit::AddProposals(mut proposals) => {
                for p in &mut proposals {
                    self.check_class(p.class)?;
                    p.bbox = self.fitted_box(p.item, p.bbox)?;
                    if !(0.0..=1.0).contains(&p.score) {
                        return Err(invalid(format!(
                            "a proposal's score must be between 0 and 1, not {}",
                            p.score
                        )));
                    }
                    if p.source.trim().is_empty() {
                        return Err(invalid(
                            "a proposal needs the name of the model that made it".into(),
                        ));
                    }
                }
                Edit::AddProposals(proposals)
            }
            Edit::RestoreProposals(proposals) => {
                for p in &proposals {
                    self.existing_item(p.item)?;
                }
                Edit::RestoreProposals(proposals)
            }
            Edit::DeleteProposals(ids) => Edit::DeleteProposals(ids),
            Edit::AcceptProposals(ids) => {
                for &id in &ids {
                    let p = self
                        .store
                        .proposal(id)?
                        .ok_or_else(|| invalid(format!("there is no proposal with id {id}")))?;
                    // The schema may have lost the class since the import.
                    self.check_class(p.class)?;
                    self.fitted_box(p.item, p.bbox)?;
                }
                Edit::AcceptProposals(ids)
            }
            Edit::UnacceptProposals(accepted) => Edit::UnacceptProposals(accepted),
            Edit::RestoreAccepted(accepted) => {
                for a in &accepted {
                    self.existing_item(a.accepted.item)?;
                }
                Edit::RestoreAccepted(accepted)
            }
            Edit::Batch(edits) => Edit::Batch(
                edits
                    .into_iter()
                    .map(|e| self.edit(e, mode))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// New spans must name a class, lie inside their text, and (unless the
    /// schema allows it) overlap neither the item's spans nor each other.
    fn check_new_spans(&self, spans: &[NewSpan]) -> Result<(), ProjectError> {
        let mut by_item: HashMap<ItemId, Vec<&NewSpan>> = HashMap::new();
        for s in spans {
            self.check_class(s.class)?;
            by_item.entry(s.item).or_default().push(s);
        }
        for (item, new) in by_item {
            let it = self.existing_item(item)?;
            let len = self
                .store
                .text_len(item)?
                .ok_or_else(|| invalid(format!("{} is not a text item", it.rel_path)))?;
            for s in &new {
                if s.start >= s.end || s.end > len {
                    return Err(invalid(format!(
                        "span [{}, {}) does not fit the {len} characters of {}",
                        s.start, s.end, it.rel_path
                    )));
                }
            }
            if self.schema.allow_overlapping_spans {
                continue;
            }
            let existing = self.store.spans_of(item)?;
            for (i, s) in new.iter().enumerate() {
                let clash = existing
                    .iter()
                    .map(|e| (e.start, e.end))
                    .chain(new[..i].iter().map(|n| (n.start, n.end)))
                    .find(|&(start, end)| start < s.end && s.start < end);
                if let Some((start, end)) = clash {
                    return Err(invalid(format!(
                        "span [{}, {}) overlaps span [{start}, {end}); this project does not allow overlapping spans",
                        s.start, s.end
                    )));
                }
            }
        }
        Ok(())
    }

    /// A comment needs words, and its box or span must be on its item.
    fn check_comment(&self, c: &NewComment) -> Result<(), ProjectError> {
        self.existing_item(c.item)?;
        if c.body.trim().is_empty() {
            return Err(invalid("a comment needs some text".into()));
        }
        let on_item = match c.target {
            None => true,
            Some(CommentTarget::Box(id)) => {
                self.store.annotation(id)?.is_some_and(|b| b.item == c.item)
            }
            Some(CommentTarget::Span(id)) => {
                self.store.span(SpanRef { item: c.item, id })?.is_some()
            }
        };
        if !on_item {
            return Err(invalid(format!(
                "the comment's {:?} is not on item {}",
                c.target, c.item
            )));
        }
        Ok(())
    }
}
