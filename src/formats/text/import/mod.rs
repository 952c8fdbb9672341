//! Reading texts that already carry labels (`shugu import DIR FILE --format …`):
//! doccano JSONL, Label Studio JSON and our own JSONL export.
//!
//! Offsets in the file are counted in the unit the caller names (doccano's own
//! is UTF-16, see [`LabelledFormat::default_unit`]); our JSONL may name its unit
//! per line in `offset_unit`, which then wins. A span that does not fit its text
//! (past the end, inside a character, reversed, empty) is left out and reported
//! with the record's line; the rest of the record is kept. A record without usable
//! text is reported and skipped. Nothing is shifted, clamped or normalised.

mod doccano;
mod jsonl;
mod label_studio;
mod parts;

use super::lines::{LineParser, ParallelLines};
use super::problem::{Place, RecordProblem};
use crate::model::OffsetUnit;
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// A span in code points, `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// One text with its labels, as read.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledRecord {
    /// 1-based line of the file, or 1-based task index for Label Studio.
    pub line: usize,
    /// The record's id, numbers included as written.
    pub id: Option<String>,
    pub text: String,
    /// Document classes.
    pub labels: Vec<String>,
    /// A class name that doccano's `label` held as one string rather than a
    /// list (it is in `labels` too). doccano's own import takes it for a
    /// document class; in an NER file it is a span written wrongly, which
    /// only the project's classes can tell, so the importer decides.
    pub string_label: Option<String>,
    pub spans: Vec<LabelledSpan>,
    /// Every field the format does not define, kept.
    pub meta: Map<String, Value>,
    /// Parts of this record that were left out, and why.
    pub problems: Vec<RecordProblem>,
}

/// The labelled formats we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelledFormat {
    /// doccano JSONL: `{"text", "label": [[start, end, "TAG"], …] or ["class", …]}`,
    /// or `{"text", "entities": [[s, e, "TAG"] or {"start_offset", "end_offset",
    /// "label"}, …], "cats": ["class", …]}`. Everything else is kept as meta.
    Doccano,
    /// A Label Studio JSON export: an array of tasks. The text is `data.text`, or
    /// when `data` has no `text`, its first string field in file order. Labels come
    /// from the first annotation that was not cancelled: `labels` results give
    /// spans, `choices` results give classes. `data`'s other fields become meta.
    LabelStudio,
    /// Our own export ([`super::export::JsonlExporter`]): `{"id", "text",
    /// "labels": […], "spans": [{"start", "end", "label"}], "offset_unit", "meta"}`.
    Jsonl,
}

impl LabelledFormat {
    pub const ALL: [LabelledFormat; 3] = [
        LabelledFormat::Doccano,
        LabelledFormat::LabelStudio,
        LabelledFormat::Jsonl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LabelledFormat::Doccano => "doccano",
            LabelledFormat::LabelStudio => "labelstudio",
            LabelledFormat::Jsonl => "jsonl",
        }
    }

    /// Whether the format's records are lines, so that a file can be read
    /// in pieces ([`LabelledReader::continuing`]).
    pub fn is_line_based(self) -> bool {
        self != LabelledFormat::LabelStudio
    }

    /// The unit the format's own tool counts in: UTF-16 for doccano, code points
    /// for Label Studio and for our JSONL.
    pub fn default_unit(self) -> OffsetUnit {
        match self {
            LabelledFormat::Doccano => OffsetUnit::Utf16,
            LabelledFormat::LabelStudio | LabelledFormat::Jsonl => OffsetUnit::CodePoint,
        }
    }
}

impl fmt::Display for LabelledFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabelledFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        LabelledFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("unknown labelled format `{s}`: expected doccano, labelstudio or jsonl")
            })
    }
}

/// The whole file cannot be read (only Label Studio's single JSON array can fail so).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelledFileError {
    #[error("cannot read the Label Studio export: {message} (line {line}, column {column})")]
    LabelStudio {
        line: usize,
        column: usize,
        message: String,
    },
}

/// The records of a labelled file, in order: each a record (with the parts of it
/// that were left out) or the problem that kept the whole record out.
pub struct LabelledReader<'a> {
    inner: Inner<'a>,
    total: usize,
}

enum Inner<'a> {
    Lines(ParallelLines<'a, LineFormat>),
    Tasks(std::vec::IntoIter<Result<LabelledRecord, RecordProblem>>),
}

impl<'a> LabelledReader<'a> {
    /// `unit` is what the file's offsets count (see [`LabelledFormat::default_unit`]).
    /// Line-based formats are parsed lazily in parallel batches; a Label Studio
    /// export is one JSON array and is parsed here, whole.
    pub fn new(
        bytes: &'a [u8],
        format: LabelledFormat,
        unit: OffsetUnit,
    ) -> Result<Self, LabelledFileError> {
        let inner = match format {
            LabelledFormat::LabelStudio => {
                Inner::Tasks(label_studio::read_tasks(bytes, unit)?.into_iter())
            }
            LabelledFormat::Doccano | LabelledFormat::Jsonl => {
                Inner::Lines(ParallelLines::new(bytes, LineFormat { format, unit }))
            }
        };
        Ok(LabelledReader {
            inner,
            total: bytes.len(),
        })
    }

    /// The records of a later piece of a line-based file (doccano or our
    /// JSONL) that was cut after a line break, numbered on after the
    /// `lines_before` lines of the pieces before it; `None` for Label Studio,
    /// whose export is one JSON array and cannot be cut.
    pub fn continuing(
        bytes: &'a [u8],
        format: LabelledFormat,
        unit: OffsetUnit,
        lines_before: usize,
    ) -> Option<Self> {
        match format {
            LabelledFormat::LabelStudio => None,
            LabelledFormat::Doccano | LabelledFormat::Jsonl => Some(LabelledReader {
                inner: Inner::Lines(ParallelLines::continuing(
                    bytes,
                    LineFormat { format, unit },
                    lines_before,
                )),
                total: bytes.len(),
            }),
        }
    }

    /// Bytes of input behind the records handed out so far, for a progress bar.
    pub fn bytes_consumed(&self) -> usize {
        match &self.inner {
            Inner::Lines(lines) => lines.bytes_consumed(),
            Inner::Tasks(_) => self.total,
        }
    }

    pub fn total_bytes(&self) -> usize {
        self.total
    }
}

impl Iterator for LabelledReader<'_> {
    type Item = Result<LabelledRecord, RecordProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Lines(lines) => lines.next(),
            Inner::Tasks(tasks) => tasks.next(),
        }
    }
}

struct LineFormat {
    format: LabelledFormat,
    unit: OffsetUnit,
}

impl LineParser for LineFormat {
    type Output = Result<LabelledRecord, RecordProblem>;

    fn parse(&self, number: usize, content: &[u8]) -> Self::Output {
        let parts = match self.format {
            LabelledFormat::Jsonl => jsonl::parse_line(content, self.unit),
            _ => doccano::parse_line(content, self.unit),
        };
        parts
            .map_err(|message| RecordProblem::at_line(number, message))?
            .finish(number, Place::Line)
    }
}

#[cfg(test)]
mod tests;
