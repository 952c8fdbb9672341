use crate::model::{ItemId, LabelId};

/// Why a COCO file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CocoError {
    /// The bytes are not JSON, or not shaped like a COCO file.
    #[error(
        "cannot read the COCO file: {message}{} (line {line}, column {column}, near `{near}`)",
        record.as_deref().map(|r| format!(" in {r}")).unwrap_or_default()
    )]
    Parse {
        /// The record being read, e.g. `annotations[17]` (0-based), when known.
        record: Option<String>,
        line: usize,
        column: usize,
        message: String,
        /// A short excerpt of the input around the error.
        near: String,
    },

    /// An item carries an image-level label the schema does not define.
    #[error("item {item} has image label id {label}, which the label schema does not define")]
    UnknownLabel { item: ItemId, label: LabelId },

    /// A parsed file holds something this module does not keep, so it cannot be
    /// written back faithfully.
    #[error("annotation id {id} cannot be written: {reason}")]
    Unwritable { id: i64, reason: &'static str },

    #[error("writing the COCO output failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<serde_json::Error> for CocoError {
    /// Only used on the write path, where every serde_json error is an I/O error
    /// (our types always serialise).
    fn from(err: serde_json::Error) -> Self {
        CocoError::Io(err.into())
    }
}
