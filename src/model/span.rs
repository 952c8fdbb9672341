use super::{ClassId, ItemId, Provenance, SpanId};
use serde::{Deserialize, Serialize};

/// A labelled range of a text item, `[start, end)` in Unicode code points of the
/// text exactly as stored (the conventions in [`crate::model`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanAnnotation {
    pub id: SpanId,
    pub item: ItemId,
    pub class: ClassId,
    pub start: u32,
    pub end: u32,
    pub provenance: Provenance,
}

impl SpanAnnotation {
    /// The span's address in the project: its item and id.
    pub fn span_ref(&self) -> SpanRef {
        SpanRef {
            item: self.item,
            id: self.id,
        }
    }

    pub fn overlaps(&self, start: u32, end: u32) -> bool {
        self.start < end && start < self.end
    }
}

/// Where an existing span is: edits that change or delete a span name its
/// item too, because an item's spans are stored together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SpanRef {
    pub item: ItemId,
    pub id: SpanId,
}

/// A span to be created; the project assigns its id and provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewSpan {
    pub item: ItemId,
    pub class: ClassId,
    pub start: u32,
    pub end: u32,
}

/// The content of a text item, kept exactly as it was read (CRLF included).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextDoc {
    /// The record's own `id`, when it had one; exports write it back.
    pub ext_id: Option<String>,
    pub text: String,
    /// The record's other fields, as a JSON object text; `None` when it had none.
    pub meta: Option<String>,
}
