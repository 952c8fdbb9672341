//! The open project: the manifest (`project.ron`), the annotation store
//! (`shugu.db`, SQLite), the edit path with undo/redo, and queries over them.
//!
//! Every change to annotations is an [`Edit`](crate::model::Edit) applied through
//! [`Project::apply`]: it is validated, written in one SQLite transaction, recorded
//! in the edit log with its author and time, and its inverse goes on the undo stack.

mod atomic_file;
mod create_whole;
mod edit_path;
#[cfg(test)]
mod edit_semantics;
mod engine;
mod error;
mod history;
mod item_query;
mod labelled_texts;
mod lock;
mod manifest;
#[cfg(test)]
mod memory_store;
mod packages;
#[allow(clippy::module_inception)] // `project::project` holds the `Project` type
mod project;
mod quality;
mod span_pack;
mod sqlite_activity;
mod sqlite_boxes;
mod sqlite_fresh;
mod sqlite_items;
mod sqlite_labels;
mod sqlite_packages;
mod sqlite_proposals;
mod sqlite_review;
mod sqlite_store;
mod sqlite_text;
mod sqlite_text_layouts;
mod sqlite_tx;
mod sqlite_write;
mod stats;
mod store;
mod text_block;
mod text_pack;
mod varint;

pub use atomic_file::{StagedFile, stage_file, write_atomic, write_dir_atomic};
pub use error::ProjectError;
pub use item_query::{ItemQuery, StatusFilter};
pub use labelled_texts::{LabelledAdded, LabelledText, ResolvedChunk, TextResolver};
pub use manifest::{FORMAT_VERSION, MANIFEST_FILE, Manifest, ProjectKind};
pub use packages::stable_hash;
pub use project::{Access, Applied, DB_FILE, Project};
pub use quality::{AgreementReport, AnnotatorQuality, MATCH_IOU, PairAgreement};
pub use sqlite_store::DB_VERSION;
pub use stats::{AnnotatorStats, AnnotatorThroughput, ClassCount, HourCount, ProjectStats};
pub use store::{Census, LogEntry, NewItem, NewTextItem, PackageItem, SpanExtent, Store, TextRow};

/// Milliseconds since the Unix epoch, the time unit of provenance and the edit log.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
