//! Plain data: items, annotations, the label schema, geometry and the `Edit`
//! values that change them. Depends on nothing but serde, and `i_overlay` for
//! the overlap of polygons.

mod annotation;
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

pub use annotation::{Annotation, CROWD_ATTRIBUTE, NewAnnotation, is_crowd};
pub use attributes::{
    AttrValue, AttributeDef, AttributeKind, Attributes, attribute_refusal, leave_out_refused,
};
pub use comment::{Comment, CommentTarget, NewComment};
pub use edit::Edit;
pub use geometry::BBox;
pub use ids::{AnnotationId, ClassId, CommentId, GroupId, ItemId, LabelId, ProposalId, SpanId};
pub use item::{Item, ItemStatus, Provenance};
pub use package::{
    AnnotationKey, ItemSnapshot, ItemVersion, PackageInfo, PackageRole, SpanKey, VersionKind,
    annotation_key, span_key,
};
pub use proposal::{AcceptedProposal, AnnotationOrigin, NewProposal, Proposal};
pub use schema::{
    COCO_PERSON_KEYPOINTS, ClassDef, DEFAULT_KEYPOINT_SIGMA, ImageLabelDef, ImageLabelMode,
    LabelSchema, Rgb,
};
pub use shape::{
    COCO_PERSON_SIGMAS, EdgeHit, Keypoint, MaskPatch, Point, Polygon, Rle, RleError, RotatedRect,
    Shape, ShapeDecodeError, ShapeKind, VertexRef, Visibility, ellipse_polygon, mask_to_polygon,
    oks,
};
pub use span::{NewSpan, SpanAnnotation, SpanRef, TextDoc};
pub use text::{OffsetUnit, UnknownOffsetUnit};
