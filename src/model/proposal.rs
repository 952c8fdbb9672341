//! Model predictions waiting for review (pre-labels): a proposal is a shape a
//! model suggested, with its score and the model's name. An annotator accepts
//! it (it becomes a normal annotation authored by them, its origin recorded)
//! or rejects it (it is deleted).

use super::{Annotation, AnnotationId, Attributes, ClassId, ItemId, ProposalId, Shape};
use serde::{Deserialize, Serialize};

/// A shape a model proposed for an item, not yet reviewed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: ProposalId,
    pub item: ItemId,
    pub class: ClassId,
    pub shape: Shape,
    /// The model's confidence, 0..=1.
    pub score: f32,
    /// The model's name (by default the predictions file or folder name).
    pub source: String,
    /// What the model said beyond the shape (an OCR line's `text`); the
    /// annotation an acceptance makes keeps them.
    #[serde(default)]
    pub attributes: Attributes,
}

impl Proposal {
    /// The box around the shape (derived, see [`Shape::bounds`]).
    pub fn bounds(&self) -> super::BBox {
        self.shape.bounds()
    }
}

/// A proposal to be stored; the project assigns its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewProposal {
    pub item: ItemId,
    pub class: ClassId,
    pub shape: Shape,
    pub score: f32,
    pub source: String,
    #[serde(default)]
    pub attributes: Attributes,
}

/// Where an accepted annotation came from: the model and the score it gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotationOrigin {
    pub source: String,
    pub score: f32,
}

/// An accepted proposal and the annotation it became: what undo and redo of
/// an acceptance need to put either side back under its original id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AcceptedProposal {
    pub proposal: Proposal,
    pub accepted: Annotation,
}

impl AcceptedProposal {
    pub fn annotation_id(&self) -> AnnotationId {
        self.accepted.id
    }
}
