//! The open project: the manifest (`project.ron`), the annotation store
//! (`shugu.db`, SQLite), the edit path with undo/redo, and queries over them.
//!
//! Every change to annotations is an [`Edit`](crate::model::Edit) applied through
//! [`Project::apply`]: the edit engine (`engine`) validates it, writes it in one
//! transaction of the store as row operations, records it in the edit log with
//! its author and time, and its inverse goes on the undo stack. The store
//! (`store::Store`, SQLite in `sqlite`) holds rows and answers queries only.

mod assignment;
mod atomic_file;
mod create_whole;
mod edit_path;
#[cfg(test)]
mod edit_semantics;
mod engine;
mod error;
mod history;
mod image_root_map;
mod item_query;
mod labelled_texts;
mod live;
mod lock;
mod manifest;
#[cfg(test)]
mod memory_store;
mod packages;
pub mod postgres;
#[allow(clippy::module_inception)] // `project::project` holds the `Project` type
mod project;
mod quality;
mod sqlite;
mod stats;
mod store;
mod text_pack;

pub use assignment::{Queue, WorkQueue};
pub use atomic_file::{StagedFile, stage_file, write_atomic, write_dir_atomic};
pub use error::ProjectError;
pub use image_root_map::{IMAGE_MAP_ENV, ImageRootMap, ImageRootMapping, refuse_url};
pub use item_query::{ItemQuery, StatusFilter};
pub use labelled_texts::{LabelledAdded, LabelledText, ResolvedChunk, TextResolver};
pub use live::{LiveFeed, TakenChanges};
pub use manifest::{FORMAT_VERSION, MANIFEST_FILE, Manifest, ProjectKind};
pub use packages::stable_hash;
pub use project::{Access, Applied, DB_FILE, Project};
pub use quality::{AgreementReport, AnnotatorQuality, MATCH_SIMILARITY, PairAgreement};
pub use sqlite::DB_VERSION;
pub use stats::{
    AnnotatorStats, AnnotatorThroughput, ClassCount, HourCount, KindCount, ProjectStats,
};
pub use store::{Census, LogEntry, NewItem, NewTextItem, PackageItem, SpanExtent, Store, TextRow};

/// Milliseconds since the Unix epoch, the time unit of provenance and the edit log.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
