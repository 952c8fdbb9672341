use super::{
    AcceptedProposal, Annotation, AnnotationId, Attributes, ClassId, Comment, CommentId,
    ImageLabelMode, ItemId, ItemSnapshot, ItemStatus, LabelId, NewAnnotation, NewComment,
    NewProposal, NewSpan, Proposal, ProposalId, Shape, SpanAnnotation, SpanRef, VersionKind,
};
use serde::{Deserialize, Serialize};

/// One change to the annotations. Every change goes through `Project::apply`,
/// which validates it, stores it, and keeps its inverse for undo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    AddAnnotations(Vec<NewAnnotation>),
    /// Re-creates annotations with their original ids and provenance (the
    /// inverse of a delete).
    RestoreAnnotations(Vec<Annotation>),
    DeleteAnnotations(Vec<AnnotationId>),
    /// Adds annotations made in another project (a work package) under new
    /// ids, keeping their class, shape, group and provenance; their `id` is
    /// ignored.
    CopyAnnotations(Vec<Annotation>),
    /// Replaces an annotation's shape (moved, resized, turned, a vertex or
    /// keypoint changed): one gesture on the canvas, one edit.
    SetShape {
        id: AnnotationId,
        shape: Shape,
    },
    SetAnnotationClass {
        id: AnnotationId,
        class: ClassId,
    },
    /// Replaces all attributes of an annotation.
    SetAnnotationAttributes {
        id: AnnotationId,
        attributes: Attributes,
    },
    AddSpans(Vec<NewSpan>),
    /// Re-creates spans with their original ids and provenance (the inverse of a delete).
    RestoreSpans(Vec<SpanAnnotation>),
    DeleteSpans(Vec<SpanRef>),
    /// Adds spans made in another project under new ids, keeping their
    /// provenance; their `id` is ignored.
    CopySpans(Vec<SpanAnnotation>),
    SetSpanClass {
        span: SpanRef,
        class: ClassId,
    },
    /// Replaces the item-level classification labels of an item (image labels,
    /// or document classes of a text).
    SetImageLabels {
        item: ItemId,
        labels: Vec<LabelId>,
    },
    SetStatus {
        item: ItemId,
        status: ItemStatus,
    },
    /// Sets one status on many items: the undo of a bulk import that started
    /// a million items is one of these, not a million [`Edit::SetStatus`].
    SetItemsStatus {
        items: Vec<ItemId>,
        status: ItemStatus,
    },
    /// Replaces the item-level labels of many items with the same labels.
    SetItemsImageLabels {
        items: Vec<ItemId>,
        labels: Vec<LabelId>,
    },
    /// Switches the schema between one item-level label per item and several
    /// (an import that brings several; its undo switches back).
    SetImageLabelMode {
        from: ImageLabelMode,
        to: ImageLabelMode,
    },
    AddComments(Vec<NewComment>),
    /// Re-creates comments with their original ids (the inverse of a delete).
    RestoreComments(Vec<Comment>),
    DeleteComments(Vec<CommentId>),
    /// Marks an item golden (its annotations are the trusted answer) or not.
    SetGolden {
        item: ItemId,
        golden: bool,
    },
    /// Keeps (`Some`) or drops (`None`) an annotator's version of an item.
    SetItemVersion {
        item: ItemId,
        annotator: String,
        kind: VersionKind,
        body: Option<ItemSnapshot>,
    },
    /// Stores model predictions as proposals (pre-labels).
    AddProposals(Vec<NewProposal>),
    /// Re-creates proposals with their original ids (the inverse of a delete).
    RestoreProposals(Vec<Proposal>),
    /// Deletes proposals: how an annotator rejects them.
    DeleteProposals(Vec<ProposalId>),
    /// Turns each proposal into a normal annotation authored by the edit's
    /// author and deletes the proposal; the annotation's origin (model and
    /// score) is recorded.
    AcceptProposals(Vec<ProposalId>),
    /// The inverse of an acceptance: deletes the annotations and their
    /// origins and restores the proposals under their ids.
    UnacceptProposals(Vec<AcceptedProposal>),
    /// Redoes an acceptance: restores the annotations with their ids,
    /// provenance and origins, and deletes the proposals again.
    RestoreAccepted(Vec<AcceptedProposal>),
    /// Several edits that undo and redo as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// A short stable name for the audit trail.
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::AddAnnotations(_) => "add_annotations",
            Edit::RestoreAnnotations(_) => "restore_annotations",
            Edit::DeleteAnnotations(_) => "delete_annotations",
            Edit::CopyAnnotations(_) => "copy_annotations",
            Edit::SetShape { .. } => "set_shape",
            Edit::SetAnnotationClass { .. } => "set_annotation_class",
            Edit::SetAnnotationAttributes { .. } => "set_annotation_attributes",
            Edit::AddSpans(_) => "add_spans",
            Edit::RestoreSpans(_) => "restore_spans",
            Edit::DeleteSpans(_) => "delete_spans",
            Edit::CopySpans(_) => "copy_spans",
            Edit::SetSpanClass { .. } => "set_span_class",
            Edit::SetImageLabels { .. } | Edit::SetItemsImageLabels { .. } => "set_image_labels",
            Edit::SetImageLabelMode { .. } => "set_image_label_mode",
            Edit::SetStatus { .. } | Edit::SetItemsStatus { .. } => "set_status",
            Edit::AddComments(_) => "add_comments",
            Edit::RestoreComments(_) => "restore_comments",
            Edit::DeleteComments(_) => "delete_comments",
            Edit::SetGolden { .. } => "set_golden",
            Edit::SetItemVersion { .. } => "set_item_version",
            Edit::AddProposals(_) => "add_proposals",
            Edit::RestoreProposals(_) => "restore_proposals",
            Edit::DeleteProposals(_) => "delete_proposals",
            Edit::AcceptProposals(_) => "accept_proposals",
            Edit::UnacceptProposals(_) => "unaccept_proposals",
            Edit::RestoreAccepted(_) => "restore_accepted",
            Edit::Batch(_) => "batch",
        }
    }

    /// True when the edit changes nothing at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Edit::AddAnnotations(v) => v.is_empty(),
            Edit::RestoreAnnotations(v) => v.is_empty(),
            Edit::DeleteAnnotations(v) => v.is_empty(),
            Edit::CopyAnnotations(v) => v.is_empty(),
            Edit::AddSpans(v) => v.is_empty(),
            Edit::RestoreSpans(v) => v.is_empty(),
            Edit::DeleteSpans(v) => v.is_empty(),
            Edit::CopySpans(v) => v.is_empty(),
            Edit::AddComments(v) => v.is_empty(),
            Edit::RestoreComments(v) => v.is_empty(),
            Edit::DeleteComments(v) => v.is_empty(),
            Edit::AddProposals(v) => v.is_empty(),
            Edit::RestoreProposals(v) => v.is_empty(),
            Edit::DeleteProposals(v) => v.is_empty(),
            Edit::AcceptProposals(v) => v.is_empty(),
            Edit::SetItemsStatus { items, .. } | Edit::SetItemsImageLabels { items, .. } => {
                items.is_empty()
            }
            Edit::UnacceptProposals(v) => v.is_empty(),
            Edit::RestoreAccepted(v) => v.is_empty(),
            Edit::Batch(v) => v.iter().all(Edit::is_empty),
            Edit::SetImageLabelMode { from, to } => from == to,
            _ => false,
        }
    }

    /// The image-label mode this edit leaves the schema in, when it switches it.
    pub fn image_label_mode(&self) -> Option<ImageLabelMode> {
        match self {
            Edit::SetImageLabelMode { to, .. } => Some(*to),
            Edit::Batch(edits) => edits.iter().rev().find_map(Edit::image_label_mode),
            _ => None,
        }
    }
}
