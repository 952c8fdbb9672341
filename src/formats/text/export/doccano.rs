use super::{ExportError, ExportRecord, LineSink, SpanTuples, convert_spans};
use crate::model::OffsetUnit;
use serde::Serialize;
use serde::ser::SerializeMap;
use std::io::Write;

/// Which doccano project type a file is written for. doccano imports one layout
/// per project type, so the whole file uses one; pick it with
/// [`DoccanoLayout::for_contents`] from what the dataset holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoccanoLayout {
    /// Sequence labeling: `"label": [[start, end, "TAG"], …]`. An item that also
    /// has classes gets them in `"cats"`, so nothing is lost.
    SequenceLabeling,
    /// Text classification: `"label": ["class", …]`. An item that also has spans
    /// gets them in `"entities"` as `[[start, end, "TAG"], …]`.
    Classification,
    /// Intent detection and slot filling, doccano's layout for both at once:
    /// `"entities": [[start, end, "TAG"], …], "cats": ["class", …]`.
    SpansAndClasses,
}

impl DoccanoLayout {
    /// The layout doccano expects for a dataset that has spans and/or classes.
    pub fn for_contents(any_spans: bool, any_classes: bool) -> Self {
        match (any_spans, any_classes) {
            (true, true) => DoccanoLayout::SpansAndClasses,
            (false, true) => DoccanoLayout::Classification,
            _ => DoccanoLayout::SequenceLabeling,
        }
    }
}

/// doccano JSONL with UTF-16 offsets, as doccano exports and re-imports it:
/// `{"id", "text", …meta fields…, <the layout's label fields>}`. Like doccano,
/// meta fields are spread at the top level (except those named like ours). An
/// id that is a plain non-negative integer is written as a number, as doccano's
/// own ids are.
pub struct DoccanoExporter<W: Write> {
    sink: LineSink<W>,
    layout: DoccanoLayout,
    offsets: Vec<(usize, usize)>,
}

/// Top-level keys the exporter writes itself; meta fields of the same name are dropped.
const OWN_KEYS: [&str; 5] = ["id", "text", "label", "entities", "cats"];

struct Line<'a> {
    record: &'a ExportRecord<'a>,
    spans: SpanTuples<'a>,
    layout: DoccanoLayout,
}

impl Serialize for Line<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.record;
        let mut map = serializer.serialize_map(None)?;
        if let Some(id) = record.id {
            match plain_integer(id) {
                Some(n) => map.serialize_entry("id", &n)?,
                None => map.serialize_entry("id", id)?,
            }
        }
        map.serialize_entry("text", record.text)?;
        for (key, value) in record.meta.into_iter().flatten() {
            if !OWN_KEYS.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        let has_spans = !record.spans.is_empty();
        let has_classes = !record.labels.is_empty();
        match self.layout {
            DoccanoLayout::SequenceLabeling => {
                map.serialize_entry("label", &self.spans)?;
                if has_classes {
                    map.serialize_entry("cats", record.labels)?;
                }
            }
            DoccanoLayout::Classification => {
                map.serialize_entry("label", record.labels)?;
                if has_spans {
                    map.serialize_entry("entities", &self.spans)?;
                }
            }
            DoccanoLayout::SpansAndClasses => {
                map.serialize_entry("entities", &self.spans)?;
                map.serialize_entry("cats", record.labels)?;
            }
        }
        map.end()
    }
}

/// `Some(n)` when `id` is exactly how `n` prints (no sign, no leading zeros).
fn plain_integer(id: &str) -> Option<u64> {
    let n: u64 = id.parse().ok()?;
    (n.to_string() == id).then_some(n)
}

impl<W: Write> DoccanoExporter<W> {
    pub fn new(out: W, layout: DoccanoLayout) -> Self {
        DoccanoExporter {
            sink: LineSink::new(out),
            layout,
            offsets: Vec::new(),
        }
    }

    pub fn write(&mut self, record: &ExportRecord) -> Result<(), ExportError> {
        convert_spans(record, OffsetUnit::Utf16, &mut self.offsets)?;
        self.sink.push(&Line {
            record,
            spans: SpanTuples {
                offsets: &self.offsets,
                spans: record.spans,
            },
            layout: self.layout,
        })
    }

    pub fn lines_written(&self) -> usize {
        self.sink.lines
    }

    pub fn finish(self) -> Result<W, ExportError> {
        self.sink.finish()
    }
}
