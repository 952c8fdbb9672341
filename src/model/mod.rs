//! Plain data: items, annotations, the label schema, geometry and the `Edit`
//! values that change them. Depends on nothing but serde, and `i_overlay` for
//! the overlap of polygons.

mod attributes;
mod comment;
mod edit;
mod geometry;
mod ids;
mod item;
mod package;
mod proposal;
mod schema;
pub mod shape;
mod span;
mod text;

pub use attributes::{
    AttrValue, AttributeDef, AttributeKind, Attributes, attribute_refusal, leave_out_refused,
};
pub use comment::{Comment, CommentTarget, NewComment};
pub use edit::{Edit, NewBox};
pub use geometry::BBox;
pub use ids::{AnnotationId, ClassId, CommentId, ItemId, LabelId, ProposalId, SpanId};
pub use item::{BoxAnnotation, Item, ItemStatus, Provenance};
pub use package::{
    BoxKey, ItemSnapshot, ItemVersion, PackageInfo, PackageRole, SpanKey, VersionKind, box_key,
    span_key,
};
pub use proposal::{AcceptedProposal, BoxOrigin, NewProposal, Proposal};
pub use schema::{ClassDef, ImageLabelDef, ImageLabelMode, LabelSchema, Rgb};
pub use shape::{
    COCO_PERSON_SIGMAS, EdgeHit, Keypoint, Point, Polygon, Rle, RleError, RotatedRect, Shape,
    ShapeDecodeError, ShapeKind, VertexRef, Visibility, mask_to_polygon, oks,
};
pub use span::{NewSpan, SpanAnnotation, SpanRef, TextDoc};
pub use text::{OffsetUnit, UnknownOffsetUnit};
