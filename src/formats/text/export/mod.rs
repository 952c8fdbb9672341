//! Writing labelled texts: our JSONL, doccano JSONL and Hugging Face style
//! classification JSONL. Writers take borrowed records and serialise borrowed
//! structs into one reused buffer, so a million lines cost no `Value` trees.
//! A record whose span does not fit its text is refused whole, with nothing
//! written for it.

mod doccano;
mod huggingface;
mod jsonl;

pub use doccano::{DoccanoExporter, DoccanoLayout};
pub use huggingface::{HfClassificationExporter, HfLabelMode, HfSummary};
pub use jsonl::JsonlExporter;

use super::offsets::{OffsetError, OffsetIndex, code_point_len};
use crate::model::OffsetUnit;
use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// One item to write. Spans are `(start, end, label)` in code points.
#[derive(Clone, Copy, Debug)]
pub struct ExportRecord<'a> {
    /// The original id when the record had one, else a fallback from the caller
    /// (the item id). `None` leaves the field out.
    pub id: Option<&'a str>,
    pub text: &'a str,
    /// Document classes.
    pub labels: &'a [&'a str],
    pub spans: &'a [(usize, usize, &'a str)],
    pub meta: Option<&'a Map<String, Value>>,
}

impl ExportRecord<'_> {
    fn name(&self) -> String {
        match self.id {
            Some(id) => format!("record {id:?}"),
            None => "a record without id".to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{record}: span [{start}, {end}) {label:?} cannot be written: {source}")]
    Span {
        record: String,
        start: usize,
        end: usize,
        label: String,
        source: OffsetError,
    },

    #[error("{record}: class {class:?} is not in the list of classes")]
    UnknownClass { record: String, class: String },

    #[error("writing the export failed: {0}")]
    Io(#[from] io::Error),
}

/// Converts a record's spans to `unit` into `out`, checking each against the text.
fn convert_spans(
    record: &ExportRecord,
    unit: OffsetUnit,
    out: &mut Vec<(usize, usize)>,
) -> Result<(), ExportError> {
    out.clear();
    if record.spans.is_empty() {
        return Ok(());
    }
    let refuse = |&(start, end, label): &(usize, usize, &str), source| ExportError::Span {
        record: record.name(),
        start,
        end,
        label: label.to_string(),
        source,
    };
    if unit == OffsetUnit::CodePoint {
        let len = code_point_len(record.text);
        for span in record.spans {
            let &(start, end, _) = span;
            if end < start {
                return Err(refuse(span, OffsetError::EndBeforeStart { start, end }));
            }
            if end > len {
                let source = OffsetError::BeyondText {
                    offset: end,
                    len,
                    unit,
                };
                return Err(refuse(span, source));
            }
            out.push((start, end));
        }
        return Ok(());
    }
    let index = OffsetIndex::for_unit(record.text, unit);
    for span in record.spans {
        let converted = index
            .from_code_points(unit, span.0, span.1)
            .map_err(|source| refuse(span, source))?;
        out.push(converted);
    }
    Ok(())
}

/// Spans as `[start, end, "label"]` arrays (doccano's layout).
struct SpanTuples<'a> {
    offsets: &'a [(usize, usize)],
    spans: &'a [(usize, usize, &'a str)],
}

impl Serialize for SpanTuples<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.offsets.len()))?;
        for (&(start, end), &(_, _, label)) in self.offsets.iter().zip(self.spans) {
            seq.serialize_element(&(start, end, label))?;
        }
        seq.end()
    }
}

/// Collects JSON lines in a buffer and hands it to the writer in large pieces.
struct LineSink<W: Write> {
    out: W,
    buf: Vec<u8>,
    lines: usize,
}

const FLUSH_AT: usize = 1 << 20;

impl<W: Write> LineSink<W> {
    fn new(out: W) -> Self {
        LineSink {
            out,
            buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
            lines: 0,
        }
    }

    fn push<T: Serialize>(&mut self, line: &T) -> Result<(), ExportError> {
        let before = self.buf.len();
        if let Err(err) = serde_json::to_writer(&mut self.buf, line) {
            self.buf.truncate(before);
            return Err(ExportError::Io(err.into()));
        }
        self.buf.push(b'\n');
        self.lines += 1;
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<W, ExportError> {
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests;
