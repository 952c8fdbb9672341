//! Quality figures for review: agreement between two annotators on the same
//! items. Pure functions over model values; no storage, no UI.

mod agreement;

pub use agreement::{
    BoxAgreement, SpanAgreement, box_agreement, cohens_kappa, iou, span_agreement,
};
