//! Checks an edit against the schema and the items before it is stored, and
//! returns it normalised: shapes clamped to their image, label lists sorted
//! and de-duplicated. Reads what it needs of the annotations through the
//! [`Store`]'s queries, so every backend refuses the same edits with the
//! same words.

use crate::model::{
    Annotation, AnnotationId, Attributes, ClassDef, ClassId, CommentTarget, Edit, ImageLabelMode,
    Item, ItemId, LabelId, LabelSchema, NewAnnotation, NewComment, NewSpan, Shape, SpanRef,
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

fn check_class(schema: &LabelSchema, class: ClassId) -> Result<&ClassDef, ProjectError> {
    schema
        .class(class)
        .ok_or_else(|| invalid(format!("there is no class with id {class}")))
}

/// Annotation attributes fit the schema: names are not blank, and the
/// attributes the schema defines hold values of their kind (free keys take
/// any value).
fn check_attributes(schema: &LabelSchema, attrs: &Attributes) -> Result<(), ProjectError> {
    for (name, value) in attrs {
        if name.trim().is_empty() {
            return Err(invalid("an annotation attribute needs a name".into()));
        }
        if let Some(problem) = schema.attribute(name).and_then(|def| def.problem(value)) {
            return Err(invalid(problem));
        }
    }
    Ok(())
}

/// Clamps a shape of `class` to its item's image in place, or says why it
/// cannot go there: a kind the class does not take, keypoints the class does
/// not name, a broken image, a shape that is not finite or has too few
/// points, or nothing of it inside the image. A shape inside the image is
/// not touched (nor copied: a million-polygon import checks every one).
fn fit_shape(class: &ClassDef, item: &Item, shape: &mut Shape) -> Result<(), ProjectError> {
    if let Some(refusal) = class.refusal(shape) {
        return Err(invalid(refusal));
    }
    if item.is_broken() {
        return Err(invalid(format!(
            "{}: the image cannot be read, so it cannot be annotated",
            item.rel_path
        )));
    }
    let kind = shape.kind().as_str();
    if !shape.bounds().is_finite() {
        return Err(invalid(format!(
            "the {kind} has a coordinate that is not finite"
        )));
    }
    if !shape.is_valid() {
        return Err(invalid(format!(
            "the {kind} has no area, too few points or a coordinate that is not finite"
        )));
    }
    if let Shape::Keypoints(points) = &*shape
        && !points.iter().any(|k| k.v.is_labelled())
    {
        return Err(invalid("the keypoints have no labelled point".into()));
    }
    let (w, h) = (item.width as f32, item.height as f32);
    let inside = match &*shape {
        Shape::Mask(m) => (m.width(), m.height()) == (item.width, item.height),
        _ => shape.bounds().is_within(w, h),
    };
    if inside {
        // Untouched: clamping refits a rotated box, which would move it by
        // rounding on every edit.
        return Ok(());
    }
    *shape = shape.clamped(w, h).ok_or_else(|| {
        invalid(format!(
            "the {kind} at {:?} has nothing inside the {}×{} image",
            shape.bounds().to_xywh(),
            item.width,
            item.height
        ))
    })?;
    Ok(())
}

/// A shape of a known class that takes it, with attributes the schema
/// admits, on an item whose image it is clamped to: what
/// [`Edit::AddAnnotations`] asks of each annotation, and
/// [`Project::add_annotations_streamed`](crate::project::Project::add_annotations_streamed)
/// of each annotation of each chunk.
pub(in crate::project) fn check_new_annotation(
    schema: &LabelSchema,
    items: &[Item],
    a: &mut NewAnnotation,
) -> Result<(), ProjectError> {
    place_shape(schema, items, a.item, a.class, &a.attributes, &mut a.shape)
}

/// The checks of [`check_new_annotation`], of one annotation's parts.
fn place_shape(
    schema: &LabelSchema,
    items: &[Item],
    item: ItemId,
    class: ClassId,
    attributes: &Attributes,
    shape: &mut Shape,
) -> Result<(), ProjectError> {
    let class = check_class(schema, class)?;
    check_attributes(schema, attributes)?;
    fit_shape(class, existing_item(items, item)?, shape)
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

    fn check_class(&self, class: ClassId) -> Result<&ClassDef, ProjectError> {
        check_class(self.schema, class)
    }

    /// `shape` made fit to be an annotation of `class` on `item` (clamped to
    /// its image), or why it cannot be one.
    fn fit_shape(
        &self,
        item: ItemId,
        class: ClassId,
        shape: &mut Shape,
    ) -> Result<(), ProjectError> {
        fit_shape(self.check_class(class)?, self.existing_item(item)?, shape)
    }

    fn stored_annotation(&self, id: AnnotationId) -> Result<Annotation, ProjectError> {
        // The store answers by primary key.
        self.store
            .annotation(id)?
            .ok_or_else(|| invalid(format!("there is no annotation with id {id}")))
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
            Edit::AddAnnotations(mut new) => {
                for a in &mut new {
                    check_new_annotation(self.schema, self.items, a)?;
                }
                Edit::AddAnnotations(new)
            }
            Edit::RestoreAnnotations(restored) => {
                for a in &restored {
                    self.existing_item(a.item)?;
                }
                Edit::RestoreAnnotations(restored)
            }
            Edit::DeleteAnnotations(ids) => Edit::DeleteAnnotations(ids),
            Edit::CopyAnnotations(mut copied) => {
                for a in &mut copied {
                    let (schema, items) = (self.schema, self.items);
                    place_shape(schema, items, a.item, a.class, &a.attributes, &mut a.shape)?;
                }
                Edit::CopyAnnotations(copied)
            }
            Edit::SetShape { id, mut shape } => {
                let a = self.stored_annotation(id)?;
                self.fit_shape(a.item, a.class, &mut shape)?;
                Edit::SetShape { id, shape }
            }
            Edit::SetAnnotationClass { id, class } => {
                let a = self.stored_annotation(id)?;
                if let Some(refusal) = self.check_class(class)?.refusal(&a.shape) {
                    return Err(invalid(refusal));
                }
                Edit::SetAnnotationClass { id, class }
            }
            Edit::SetAnnotationAttributes { id, attributes } => {
                self.stored_annotation(id)?;
                check_attributes(self.schema, &attributes)?;
                Edit::SetAnnotationAttributes { id, attributes }
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
                    self.fit_shape(p.item, p.class, &mut p.shape)?;
                    check_attributes(self.schema, &p.attributes)?;
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
                    let mut p = self
                        .store
                        .proposal(id)?
                        .ok_or_else(|| invalid(format!("there is no proposal with id {id}")))?;
                    // The schema may have lost the class, or changed what it
                    // takes, since the import.
                    self.fit_shape(p.item, p.class, &mut p.shape)?;
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

    /// A comment needs words, and its annotation or span must be on its item.
    fn check_comment(&self, c: &NewComment) -> Result<(), ProjectError> {
        self.existing_item(c.item)?;
        if c.body.trim().is_empty() {
            return Err(invalid("a comment needs some text".into()));
        }
        let on_item = match c.target {
            None => true,
            Some(CommentTarget::Annotation(id)) => {
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
