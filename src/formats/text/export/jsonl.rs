use super::{ExportError, ExportRecord, LineSink, convert_spans};
use crate::model::OffsetUnit;
use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::{Map, Value};
use std::io::Write;

/// Our JSONL: one line per item,
/// `{"id", "text", "labels": […], "spans": [{"start", "end", "label"}], "offset_unit", "meta": {…}}`,
/// with offsets in the chosen unit (code points unless asked otherwise). The id
/// is always a string; `meta` is always an object.
pub struct JsonlExporter<W: Write> {
    sink: LineSink<W>,
    unit: OffsetUnit,
    offsets: Vec<(usize, usize)>,
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    text: &'a str,
    labels: &'a [&'a str],
    spans: SpanObjects<'a>,
    offset_unit: OffsetUnit,
    meta: MetaObject<'a>,
}

#[derive(Serialize)]
struct SpanObject<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

struct SpanObjects<'a> {
    offsets: &'a [(usize, usize)],
    spans: &'a [(usize, usize, &'a str)],
}

impl Serialize for SpanObjects<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.offsets.len()))?;
        for (&(start, end), &(_, _, label)) in self.offsets.iter().zip(self.spans) {
            seq.serialize_element(&SpanObject { start, end, label })?;
        }
        seq.end()
    }
}

struct MetaObject<'a>(Option<&'a Map<String, Value>>);

impl Serialize for MetaObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(meta) => meta.serialize(serializer),
            None => serializer.collect_map(std::iter::empty::<(&str, &Value)>()),
        }
    }
}

impl<W: Write> JsonlExporter<W> {
    pub fn new(out: W, unit: OffsetUnit) -> Self {
        JsonlExporter {
            sink: LineSink::new(out),
            unit,
            offsets: Vec::new(),
        }
    }

    pub fn write(&mut self, record: &ExportRecord) -> Result<(), ExportError> {
        convert_spans(record, self.unit, &mut self.offsets)?;
        self.sink.push(&Line {
            id: record.id,
            text: record.text,
            labels: record.labels,
            spans: SpanObjects {
                offsets: &self.offsets,
                spans: record.spans,
            },
            offset_unit: self.unit,
            meta: MetaObject(record.meta),
        })
    }

    pub fn lines_written(&self) -> usize {
        self.sink.lines
    }

    /// Writes what is buffered and flushes; returns the writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.sink.finish()
    }
}
