//! Clients of the model servers teams already run, as [`Predictor`]s: the
//! X-AnyLabeling server and the Label Studio ML backend.
//!
//! [`Predictor`]: super::Predictor

mod http;
pub mod label_studio;
mod shapes;
pub mod xanylabeling;

pub use label_studio::{LabelStudioClient, default_label_config};
pub use shapes::shape_from_points;
pub use xanylabeling::{ServerModel, XAnyLabelingClient};
