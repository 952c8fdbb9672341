//! `shugu new --text`: the records of a JSONL, CSV/TSV or TXT file become items.

use super::{MAX_TEXT_FILE, RecordKeys, describe, meta_text};
use crate::formats::text::{RecordProblem, TextRecordReader, TextSource};
use crate::jobs::safe_read::read_named;
use crate::jobs::{JobError, Progress};
use crate::model::{LabelSchema, TextDoc};
use crate::project::{LabelledText, NewTextItem, Project};
use std::path::Path;

/// Records per chunk handed to the store.
const CHUNK: usize = 20_000;

/// What reading a text file added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextsReport {
    pub added: usize,
    /// Lines that could not be read, each with its reason; the rest were added.
    pub problems: Vec<RecordProblem>,
}

/// Adds every record of `file` as a text item. The layout follows the file's
/// extension; `text_field` names the JSON field or CSV column (default `text`).
pub fn import_texts(
    project: &mut Project,
    file: &Path,
    text_field: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TextsReport, JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(format!("{}: {e}", file.display()));
    let source = TextSource::from_path(file, text_field).map_err(|e| failed(&e))?;
    let bytes = read_named(file, MAX_TEXT_FILE).map_err(|e| failed(&e))?;
    let mut reader = TextRecordReader::new(&bytes, &source).map_err(|e| failed(&e))?;
    let total = reader.total_bytes();
    let mut problems = Vec::new();
    let keys = RecordKeys::of(file);
    // The records go in as one bulk transaction, in chunks read as it goes.
    let chunks = std::iter::from_fn(|| {
        let mut chunk = Vec::with_capacity(CHUNK);
        for next in reader.by_ref() {
            match next {
                Ok(record) => chunk.push(LabelledText {
                    item: NewTextItem {
                        rel_path: keys.key(record.line),
                        doc: TextDoc {
                            ext_id: record.id,
                            meta: meta_text(&record.meta),
                            text: record.text,
                        },
                    },
                    spans: Vec::new(),
                    labels: Vec::new(),
                }),
                Err(problem) => problems.push(problem),
            }
            if chunk.len() == CHUNK {
                break;
            }
        }
        progress(Progress {
            done: reader.bytes_consumed(),
            total: Some(total),
        });
        (!chunk.is_empty()).then_some(Ok::<_, JobError>(chunk))
    });
    let added = project.add_labelled_texts(chunks)?;
    Ok(TextsReport {
        added: added.items,
        problems,
    })
}

/// A new text project in `dir` with every record of `file` as an item
/// (`shugu new DIR --text FILE`, "New text project from file…"). It is made
/// whole or not at all ([`Project::create_text_with`]): a file that cannot
/// be read, or of which no record can, leaves no project behind.
pub fn new_text_project(
    dir: &Path,
    name: &str,
    schema: LabelSchema,
    file: &Path,
    text_field: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Project, TextsReport), JobError> {
    Project::create_text_with(dir, name, schema, |project| {
        fill_new_project(project, file, text_field, progress)
    })
}

/// [`new_text_project`] as a team project in the PostgreSQL database
/// `database` names (`shugu new DIR --text FILE --db URL`): made whole or
/// not at all there too ([`Project::create_text_on_server_with`]).
pub fn new_team_text_project(
    dir: &Path,
    name: &str,
    schema: LabelSchema,
    file: &Path,
    text_field: Option<&str>,
    database: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Project, TextsReport), JobError> {
    Project::create_text_on_server_with(dir, name, schema, database, |project| {
        fill_new_project(project, file, text_field, progress)
    })
}

/// Every record of `file` into a project being made; a file of which no
/// record could be read fails it.
fn fill_new_project(
    project: &mut Project,
    file: &Path,
    text_field: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TextsReport, JobError> {
    let report = import_texts(project, file, text_field, progress)?;
    if report.added == 0 {
        return Err(nothing_read(file, &report.problems));
    }
    Ok(report)
}

/// Why a file gave no texts: its first problems, or that it has no records.
fn nothing_read(file: &Path, problems: &[RecordProblem]) -> JobError {
    const SHOWN: usize = 5;
    let mut message = format!(
        "{}: no text could be read from it, so no project was made",
        file.display()
    );
    if problems.is_empty() {
        message.push_str(" (it holds no records)");
    }
    for p in problems.iter().take(SHOWN) {
        message.push_str(&format!("\n  {}", describe(p)));
    }
    if problems.len() > SHOWN {
        message.push_str(&format!("\n  … and {} more", problems.len() - SHOWN));
    }
    JobError::Failed(message)
}
