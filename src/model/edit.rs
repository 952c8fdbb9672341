use super::{
    AcceptedProposal, AnnotationId, Attributes, BBox, BoxAnnotation, ClassId, Comment, CommentId,
    ImageLabelMode, ItemId, ItemSnapshot, ItemStatus, LabelId, NewComment, NewProposal, NewSpan,
    Proposal, ProposalId, SpanAnnotation, SpanRef, VersionKind,
};
use serde::{Deserialize, Serialize};

/// A box to be created; the project assigns its id and provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewBox {
    pub item: ItemId,
    pub class: ClassId,
    pub bbox: BBox,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

impl NewBox {
    /// A box without attributes.
    pub fn new(item: ItemId, class: ClassId, bbox: BBox) -> Self {
        Self {
            item,
            class,
            bbox,
            attributes: Attributes::new(),
        }
    }
}

/// One change to the annotations. Every change goes through `Project::apply`,
/// which validates it, stores it, and keeps its inverse for undo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    AddBoxes(Vec<NewBox>),
    /// Re-creates boxes with their original ids and provenance (the inverse of a delete).
    RestoreBoxes(Vec<BoxAnnotation>),
    DeleteBoxes(Vec<AnnotationId>),
    /// Adds boxes made in another project (a work package) under new ids,
    /// keeping their class, place and provenance; their `id` is ignored.
    CopyBoxes(Vec<BoxAnnotation>),
    SetBoxGeometry {
        id: AnnotationId,
        bbox: BBox,
    },
    SetBoxClass {
        id: AnnotationId,
        class: ClassId,
    },
    /// Replaces all attributes of a box.
    SetBoxAttributes {
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
    /// Turns each proposal into a normal box authored by the edit's author and
    /// deletes the proposal; the box's origin (model and score) is recorded.
    AcceptProposals(Vec<ProposalId>),
    /// The inverse of an acceptance: deletes the boxes and their origins and
    /// restores the proposals under their ids.
    UnacceptProposals(Vec<AcceptedProposal>),
    /// Redoes an acceptance: restores the boxes with their ids, provenance and
    /// origins, and deletes the proposals again.
    RestoreAccepted(Vec<AcceptedProposal>),
    /// Several edits that undo and redo as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// A short stable name for the audit trail.
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::AddBoxes(_) => "add_boxes",
            Edit::RestoreBoxes(_) => "restore_boxes",
            Edit::DeleteBoxes(_) => "delete_boxes",
            Edit::CopyBoxes(_) => "copy_boxes",
            Edit::SetBoxGeometry { .. } => "set_box_geometry",
            Edit::SetBoxClass { .. } => "set_box_class",
            Edit::SetBoxAttributes { .. } => "set_box_attributes",
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
            Edit::AddBoxes(v) => v.is_empty(),
            Edit::RestoreBoxes(v) => v.is_empty(),
            Edit::DeleteBoxes(v) => v.is_empty(),
            Edit::CopyBoxes(v) => v.is_empty(),
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
