//! Quality figures for review: agreement between two annotators on the same
//! items. Pure functions over model values; no storage, no UI.

mod agreement;

pub use agreement::{ShapeAgreement, SpanAgreement, cohens_kappa, shape_agreement, span_agreement};
