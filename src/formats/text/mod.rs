//! Text datasets, both ways: the texts to annotate, labelled imports, exports.
//!
//! Spans are Unicode code-point offsets `[start, end)` (the conventions in [`crate::model`]). Files
//! from other tools count in other units ([`OffsetUnit`]); [`offsets`] converts
//! them and refuses an offset that falls inside a character instead of moving it.
//! Text is never normalised: CRLF, combining accents and the rest stay as read.
//!
//! The module opens no files: callers hand in bytes and writers.

pub mod export;
mod import;
mod lenient;
mod lines;
pub mod offsets;
mod problem;
mod records;
mod source;

pub use crate::model::OffsetUnit;
pub use export::{
    DoccanoExporter, DoccanoLayout, ExportError, ExportRecord, HfClassificationExporter,
    HfLabelMode, HfSummary, JsonlExporter,
};
pub use import::{LabelledFileError, LabelledFormat, LabelledReader, LabelledRecord, LabelledSpan};
pub use offsets::{OffsetError, OffsetIndex, code_point_len, slice_code_points};
pub use problem::{Place, RecordProblem};
pub use records::{TextRecord, TextRecordReader};
pub use source::{DEFAULT_TEXT_FIELD, TextSource, TextSourceError};
