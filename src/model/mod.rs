//! Plain data: items, annotations, the label schema, geometry and the `Edit`
//! values that change them. Depends on nothing but serde, and `i_overlay` for
//! the overlap of polygons.
//!
//! # Conventions every module keeps
//!
//! - **Image coordinates** are `f32` pixels of the *displayed* image: EXIF
//!   orientation already applied. The origin is the top-left corner and the
//!   axes are continuous, so a box over exactly the first pixel is x 0..1. A
//!   box is stored as its min/max corners ([`BBox`]); formats convert at their
//!   edge (COCO `[x, y, w, h]`, VOC's 1-based corners, normalised YOLO).
//! - **Text spans** are Unicode code-point offsets `[start, end)` of the text
//!   exactly as stored: what egui's cursor, Python, spaCy and Label Studio count.
//!   Byte offsets appear only to slice a `&str`; files that count otherwise
//!   (doccano: UTF-16 units) name their [`OffsetUnit`]. Text is never
//!   normalised (CRLF, NFC) behind the user's back.
//! - **Ids** are stable integers, given once and never reused (an undone delete
//!   comes back under its old id). Class ids and colours are stable for the life
//!   of the project: renaming a class never reorders the others.
//! - **Provenance**: every annotation knows its author and its created and
//!   updated times; every review decision its reviewer, comment and time.

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
