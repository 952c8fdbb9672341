use super::{ExportError, ExportRecord, LineSink};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// Whether an item takes one class or any number of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HfLabelMode {
    /// `"label": 2, "label_text": "neg"`. Items with several classes are left out.
    Single,
    /// `"label": [0, 2], "label_text": ["pos", "neg"]`, in the item's order.
    Multi,
}

/// What a Hugging Face classification export wrote and left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HfSummary {
    pub written: usize,
    /// Items without any class: unlabelled and "none of them" cannot be told
    /// apart, so they are left out in both modes.
    pub without_class: usize,
    /// Items with more than one class in [`HfLabelMode::Single`].
    pub with_several_classes: usize,
    /// The content of `labels.json`: the class names in index order, a JSON array.
    pub labels_json: String,
}

/// Hugging Face `datasets` style classification JSONL:
/// `{"text": …, "label": <index>, "label_text": <name>}` per line, where the
/// index is the class's position in the list given to [`Self::new`].
pub struct HfClassificationExporter<W: Write> {
    sink: LineSink<W>,
    classes: Vec<String>,
    index: HashMap<String, usize>,
    mode: HfLabelMode,
    indices: Vec<usize>,
    without_class: usize,
    with_several_classes: usize,
}

#[derive(Serialize)]
struct Line<'a, L: Serialize, T: Serialize> {
    text: &'a str,
    label: L,
    label_text: T,
}

impl<W: Write> HfClassificationExporter<W> {
    /// `classes` in index order (the project's class order). A repeated name
    /// keeps its first index.
    pub fn new<S: AsRef<str>>(out: W, classes: &[S], mode: HfLabelMode) -> Self {
        let classes: Vec<String> = classes.iter().map(|c| c.as_ref().to_string()).collect();
        let mut index = HashMap::with_capacity(classes.len());
        for (i, name) in classes.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        HfClassificationExporter {
            sink: LineSink::new(out),
            classes,
            index,
            mode,
            indices: Vec::new(),
            without_class: 0,
            with_several_classes: 0,
        }
    }

    /// Writes the item, or counts it as left out; says whether it was written.
    pub fn write(&mut self, record: &ExportRecord) -> Result<bool, ExportError> {
        if record.labels.is_empty() {
            self.without_class += 1;
            return Ok(false);
        }
        if self.mode == HfLabelMode::Single && record.labels.len() > 1 {
            self.with_several_classes += 1;
            return Ok(false);
        }
        self.indices.clear();
        for &class in record.labels {
            let i = self
                .index
                .get(class)
                .ok_or_else(|| ExportError::UnknownClass {
                    record: record.name(),
                    class: class.to_string(),
                })?;
            self.indices.push(*i);
        }
        match (self.mode, self.indices.first(), record.labels.first()) {
            (HfLabelMode::Single, Some(&index), Some(&name)) => self.sink.push(&Line {
                text: record.text,
                label: index,
                label_text: name,
            })?,
            _ => self.sink.push(&Line {
                text: record.text,
                label: &self.indices,
                label_text: record.labels,
            })?,
        }
        Ok(true)
    }

    /// Writes what is buffered and flushes; returns the writer and the counts.
    pub fn finish(self) -> Result<(W, HfSummary), ExportError> {
        let labels_json = serde_json::to_string_pretty(&self.classes)
            .map_err(|err| ExportError::Io(err.into()))?
            + "\n";
        let summary = HfSummary {
            written: self.sink.lines,
            without_class: self.without_class,
            with_several_classes: self.with_several_classes,
            labels_json,
        };
        Ok((self.sink.finish()?, summary))
    }
}
