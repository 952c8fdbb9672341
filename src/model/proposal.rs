//! Model predictions waiting for review (pre-labels): a proposal is a box a
//! model suggested, with its score and the model's name. An annotator accepts
//! it (it becomes a normal box authored by them, its origin recorded) or
//! rejects it (it is deleted).

use super::{AnnotationId, BBox, BoxAnnotation, ClassId, ItemId, ProposalId};
use serde::{Deserialize, Serialize};

/// A box a model proposed for an item, not yet reviewed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: ProposalId,
    pub item: ItemId,
    pub class: ClassId,
    pub bbox: BBox,
    /// The model's confidence, 0..=1.
    pub score: f32,
    /// The model's name (by default the predictions file or folder name).
    pub source: String,
}

/// A proposal to be stored; the project assigns its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewProposal {
    pub item: ItemId,
    pub class: ClassId,
    pub bbox: BBox,
    pub score: f32,
    pub source: String,
}

/// Where an accepted box came from: the model and the score it gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoxOrigin {
    pub source: String,
    pub score: f32,
}

/// An accepted proposal and the box it became: what undo and redo of an
/// acceptance need to put either side back under its original id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AcceptedProposal {
    pub proposal: Proposal,
    pub accepted: BoxAnnotation,
}

impl AcceptedProposal {
    pub fn box_id(&self) -> AnnotationId {
        self.accepted.id
    }
}
