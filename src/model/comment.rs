use super::{AnnotationId, CommentId, ItemId, SpanId};
use serde::{Deserialize, Serialize};

/// What a review comment is pinned to, besides its item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommentTarget {
    /// An annotation (a shape); version 6 databases called it a box.
    #[serde(alias = "Box")]
    Annotation(AnnotationId),
    Span(SpanId),
}

/// A reviewer's note on an item, or on one annotation or span of it; a rejection's
/// reason is one too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub item: ItemId,
    pub target: Option<CommentTarget>,
    pub body: String,
    pub author: String,
    pub created_ms: i64,
}

impl Comment {
    /// The annotation the comment is pinned to, if it is.
    pub fn on_annotation(&self) -> Option<AnnotationId> {
        match self.target {
            Some(CommentTarget::Annotation(id)) => Some(id),
            _ => None,
        }
    }

    /// The span the comment is pinned to, if it is.
    pub fn on_span(&self) -> Option<SpanId> {
        match self.target {
            Some(CommentTarget::Span(id)) => Some(id),
            _ => None,
        }
    }
}

/// A comment to be added; the project assigns its id, author and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewComment {
    pub item: ItemId,
    pub target: Option<CommentTarget>,
    pub body: String,
}
