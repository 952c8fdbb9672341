//! The one error type of `infer`: every message says what was being opened or run
//! and, where the user can act, how to get what is missing.

use crate::media::MediaError;
use std::path::{Path, PathBuf};

/// Why a model could not be found, opened or run, or a server not asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InferError {
    /// No ONNX Runtime library where we looked.
    #[error(
        "ONNX Runtime library not found (looked at: {}). Install the Python wheel \
         (`pip install onnxruntime`, or `onnxruntime-gpu` for CUDA) and set ORT_DYLIB_PATH or \
         the library path in Settings to its `onnxruntime/capi/libonnxruntime.so*` \
         (`onnxruntime.dll` on Windows, `libonnxruntime*.dylib` on macOS), or put the library \
         beside the shugu binary",
        list_paths(searched)
    )]
    RuntimeMissing { searched: Vec<PathBuf> },

    /// A library was found but could not be loaded or is too old.
    #[error("{}: cannot load ONNX Runtime: {detail}", path.display())]
    RuntimeLoad { path: PathBuf, detail: String },

    /// A model file named in the configuration does not exist.
    #[error(
        "{}: model file not found. Point the model list at the `.onnx` file \
         (PP-OCR models ship in the `rapidocr-onnxruntime` Python wheel, under \
         `rapidocr_onnxruntime/models/`)",
        path.display()
    )]
    ModelMissing { path: PathBuf },

    /// ONNX Runtime refused the model file.
    #[error("{}: cannot open the model: {detail}", path.display())]
    ModelLoad { path: PathBuf, detail: String },

    /// The model's inputs, outputs or metadata fit none of the kinds we run, or
    /// fit the stated kind badly.
    #[error("{}: {detail}", path.display())]
    UnsupportedModel { path: PathBuf, detail: String },

    /// The model ran but failed, or gave outputs of an unexpected form.
    #[error("{model}: inference failed: {detail}")]
    Run { model: String, detail: String },

    /// The image could not be decoded.
    #[error("{0}")]
    Image(#[from] MediaError),

    /// A model server could not be reached or answered badly.
    #[error("{url}: {detail}")]
    Server { url: String, detail: String },

    /// A configuration file (model list, X-AnyLabeling YAML) is unreadable.
    #[error("{}: {detail}", path.display())]
    Config { path: PathBuf, detail: String },
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere: no ORT_DYLIB_PATH, no path in Settings".to_owned();
    }
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

impl InferError {
    pub(crate) fn run(model: &Path, detail: impl std::fmt::Display) -> Self {
        InferError::Run {
            model: model.display().to_string(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn unsupported(model: &Path, detail: impl Into<String>) -> Self {
        InferError::UnsupportedModel {
            path: model.to_path_buf(),
            detail: detail.into(),
        }
    }
}
