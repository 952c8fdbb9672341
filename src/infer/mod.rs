//! Model-assisted labelling: running models on images and asking model servers,
//! to produce predictions the proposals path stores.
//!
//! Below `jobs` (which will run batches) and beside `formats`: it uses `model`
//! (shapes, attributes) and `media` (decoding), nothing above.
//!
//! - [`Predictor`]: the boundary, an image in and [`Predictions`] out;
//! - [`runtime`]: ONNX Runtime loaded from the `onnxruntime` wheel's library;
//! - [`ocr`], [`yolo`], [`classify`]: the local model kinds, recognised by
//!   [`kind::detect_kind`] or stated in the model list;
//! - [`catalog`]: the model list (RON) and the X-AnyLabeling YAML importer;
//! - [`server`]: clients of the X-AnyLabeling server and the Label Studio ML backend.

pub mod catalog;
pub mod classify;
pub mod error;
pub mod image;
pub mod kind;
pub mod metadata;
pub mod ocr;
mod open;
pub mod predictor;
pub mod runtime;
pub mod server;
pub mod yolo;

pub use error::InferError;
pub use image::{LoadedImage, load_image};
pub use open::open_predictor;
pub use predictor::{
    ImageInput, ImageLabel, Prediction, Predictions, Predictor, TEXT_ATTRIBUTE, predict_file,
};
