//! Text datasets: records to annotate in, labelled files in, labelled files out.

mod export;
mod import;
mod pieces;
mod records;

pub use export::{TextExportFormat, TextExportReport, export_text, export_text_scoped};
pub use import::{LabelledImportReport, import_labelled};
pub use records::{TextsReport, import_texts};

use crate::formats::text::RecordProblem;
use serde_json::{Map, Value};
use std::path::Path;

/// `reviews.jsonl:000000017`: where a record came from, unique in a project.
/// The line is zero-padded so keys sort in line order, which also lets a
/// million-line import append to the key index instead of scattering into it.
fn record_key(file: &Path, line: usize) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    format!("{name}:{line:09}")
}

/// A record's other fields as stored: a JSON object text, `None` when empty.
fn meta_text(meta: &Map<String, Value>) -> Option<String> {
    (!meta.is_empty()).then(|| Value::Object(meta.clone()).to_string())
}

/// `line 3: …` or `task 3: …`.
pub fn describe(problem: &RecordProblem) -> String {
    format!(
        "{} {}: {}",
        problem.place.as_str(),
        problem.line,
        problem.message
    )
}
