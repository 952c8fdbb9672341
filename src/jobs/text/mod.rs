//! Text datasets: records to annotate in, labelled files in, labelled files out.
//!
//! A labelled file is read in pieces cut after a line break (`pieces`) and
//! parsed as each arrives; a second thread sorts the records (`sort`: matched
//! by id, else by text; new ones held to the schema's rules; a doccano `label`
//! that is one string naming a span class and no document class is reported,
//! not made a class) and resolves the new ones. Into an empty project the
//! calling thread streams them into new items; otherwise it stores them with
//! the matched records' labels in one transaction, so an import is all or
//! nothing. `new_text_project` makes a project from a file whole or not at
//! all.

mod export;
mod import;
mod pieces;
mod records;
mod sort;

pub use export::{TextExportFormat, TextExportReport, export_text, export_text_scoped};
pub use import::{LabelledImportReport, import_labelled};
pub use records::{TextsReport, import_texts, new_team_text_project, new_text_project};

use crate::formats::text::RecordProblem;
use serde_json::{Map, Value};
use std::path::Path;

/// Text files read whole (records to annotate, a Label Studio export) larger
/// than this are refused; line-based labelled files are read in pieces and
/// have no cap.
const MAX_TEXT_FILE: u64 = 4 << 30;

/// `reviews.jsonl:000000017`: where a record came from, unique in a project.
/// The line is zero-padded so keys sort in line order, which also lets a
/// million-line import append to the key index instead of scattering into it.
struct RecordKeys {
    /// The file's name and the colon.
    prefix: String,
}

impl RecordKeys {
    fn of(file: &Path) -> Self {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        RecordKeys {
            prefix: format!("{name}:"),
        }
    }

    /// The key of the record on `line` (written by hand: `format!` costs a
    /// tenth of a million-line import's sorting thread).
    fn key(&self, line: usize) -> String {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        let mut rest = line;
        while rest > 0 || start > digits.len() - 9 {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let mut key = String::with_capacity(self.prefix.len() + digits.len() - start);
        key.push_str(&self.prefix);
        key.extend(digits[start..].iter().map(|&d| char::from(d)));
        key
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_are_the_file_name_and_the_zero_padded_line() {
        let keys = RecordKeys::of(Path::new("/data/评论.jsonl"));
        assert_eq!(keys.key(17), "评论.jsonl:000000017");
        assert_eq!(keys.key(1_234_567_890), "评论.jsonl:1234567890");
    }
}
