//! What every labelled-import format reduces a record to before it becomes a
//! [`LabelledRecord`]: the shared checks of text, id, classes and spans, and the
//! one place where span offsets are converted to code points.

use super::{LabelledRecord, LabelledSpan};
use crate::formats::text::lenient::{EachEntry, Entry, ListShape, Scalar, dict_get, split_id};
use crate::formats::text::offsets::OffsetIndex;
use crate::formats::text::problem::{Place, RecordProblem};
use crate::model::OffsetUnit;
use serde::de::MapAccess;
use serde_json::{Map, Value};
use std::fmt;

/// A span as found in the file, before any check.
#[derive(Debug, Default)]
pub(crate) struct RawSpan<'a> {
    pub start: Option<Scalar<'a>>,
    pub end: Option<Scalar<'a>>,
    pub label: Option<Scalar<'a>>,
    /// The covered text as the file states it (Label Studio's `value.text`).
    pub text: Option<Scalar<'a>>,
}

/// The parts of one record, straight from the file.
#[derive(Debug)]
pub(crate) struct Parts<'a> {
    pub text: Option<Scalar<'a>>,
    /// How the file names its text field, for messages.
    pub text_field: &'static str,
    pub id: Option<Value>,
    pub classes: Vec<Scalar<'a>>,
    /// The class in `classes` that a field of classes or spans gave as one
    /// string rather than a list (see [`LabelledRecord::string_label`]).
    pub string_class: Option<usize>,
    pub spans: Vec<RawSpan<'a>>,
    pub meta: Map<String, Value>,
    /// Parts left out while sorting the record's fields.
    pub notes: Vec<String>,
    pub unit: OffsetUnit,
}

/// Which entries a label list may hold.
#[derive(Clone, Copy)]
pub(crate) struct Accept {
    pub classes: bool,
    /// The keys of a span written as an object, when spans are allowed.
    pub span_keys: Option<(&'static str, &'static str)>,
}

impl<'a> Parts<'a> {
    pub fn new(unit: OffsetUnit, meta: Map<String, Value>) -> Self {
        Parts {
            text: None,
            text_field: "text",
            id: None,
            classes: Vec::new(),
            string_class: None,
            spans: Vec::new(),
            meta,
            notes: Vec::new(),
            unit,
        }
    }

    /// Reads the value of the list field `field`, sorting its entries into
    /// classes and spans as they are parsed. A lone string is read as a list
    /// of one; in a field that may also hold spans it is remembered as
    /// [`Parts::string_class`].
    pub fn read_list<A: MapAccess<'a>>(
        &mut self,
        map: &mut A,
        field: &'static str,
        accept: Accept,
    ) -> Result<(), A::Error> {
        let classes_before = self.classes.len();
        let read = map.next_value_seed(EachEntry(|i, entry| {
            self.take_entry(field, i, entry, accept)
        }))?;
        match read {
            Ok(ListShape::LoneString)
                if accept.span_keys.is_some() && self.classes.len() > classes_before =>
            {
                self.string_class = Some(classes_before);
            }
            Ok(_) => {}
            Err(kind) => self.notes.push(format!(
                "the `{field}` field is {kind}, not a list; it was left out"
            )),
        }
        Ok(())
    }

    fn take_entry(&mut self, field: &str, i: usize, entry: Entry<'a>, accept: Accept) {
        let what = || format!("entry #{} of `{field}`", i + 1);
        match (entry, accept.span_keys) {
            (Entry::Scalar(s @ Scalar::Str(_)), _) if accept.classes => self.classes.push(s),
            (Entry::Tuple([start, end, label], 3), Some(_)) => self.spans.push(RawSpan {
                start,
                end,
                label,
                text: None,
            }),
            (Entry::Tuple(_, len), Some(_)) => self.notes.push(format!(
                "{} has {len} elements, not [start, end, label]; it was left out",
                what()
            )),
            (Entry::Dict(fields), Some((start, end))) => self.spans.push(RawSpan {
                start: dict_get(&fields, start).cloned(),
                end: dict_get(&fields, end).cloned(),
                label: dict_get(&fields, "label").cloned(),
                text: None,
            }),
            (other, _) => {
                let expected = match (accept.classes, accept.span_keys.is_some()) {
                    (true, true) => "a class name nor a span",
                    (true, false) => "a class name",
                    _ => "a span",
                };
                self.notes.push(format!(
                    "{} is {}, not {expected}; it was left out",
                    what(),
                    other.kind()
                ));
            }
        }
    }

    /// Checks everything and converts the spans. A record without usable text is
    /// a problem; anything smaller is left out of the record and reported with it.
    pub fn finish(self, number: usize, place: Place) -> Result<LabelledRecord, RecordProblem> {
        let problem = |message: String| RecordProblem {
            line: number,
            place,
            message,
        };
        let text = match self.text {
            Some(Scalar::Str(text)) => text.into_owned(),
            None => {
                return Err(problem(format!(
                    "the record has no `{}` field",
                    self.text_field
                )));
            }
            Some(other) => {
                return Err(problem(format!(
                    "the `{}` field is {}, not a string",
                    self.text_field,
                    other.kind()
                )));
            }
        };

        let mut meta = self.meta;
        let mut problems: Vec<RecordProblem> = self.notes.into_iter().map(problem).collect();
        let id = self.id.and_then(|id| split_id(id, &mut meta));

        let mut labels = Vec::with_capacity(self.classes.len());
        let mut string_label = None;
        for (i, class) in self.classes.into_iter().enumerate() {
            match class {
                Scalar::Str(name) if !name.is_empty() => {
                    if self.string_class == Some(i) {
                        string_label = Some(name.to_string());
                    }
                    labels.push(name.into_owned())
                }
                Scalar::Str(_) => problems.push(problem(format!(
                    "class #{} is an empty string; it was left out",
                    i + 1
                ))),
                other => problems.push(problem(format!(
                    "class #{} is {}, not a string; it was left out",
                    i + 1,
                    other.kind()
                ))),
            }
        }

        let mut spans = Vec::with_capacity(self.spans.len());
        if !self.spans.is_empty() {
            let index = OffsetIndex::for_unit(&text, self.unit);
            for (i, raw) in self.spans.iter().enumerate() {
                match convert_span(&index, self.unit, raw) {
                    Ok(span) => spans.push(span),
                    Err(why) => problems.push(problem(format!(
                        "span #{} {} was left out: {why}",
                        i + 1,
                        Described(raw)
                    ))),
                }
            }
        }

        Ok(LabelledRecord {
            line: number,
            id,
            text,
            labels,
            string_label,
            spans,
            meta,
            problems,
        })
    }
}

/// Checks one span and converts its offsets from `unit` to code points.
fn convert_span(
    index: &OffsetIndex,
    unit: OffsetUnit,
    raw: &RawSpan,
) -> Result<LabelledSpan, String> {
    let start = raw
        .start
        .as_ref()
        .ok_or("it has no start offset")?
        .offset("its start")?;
    let end = raw
        .end
        .as_ref()
        .ok_or("it has no end offset")?
        .offset("its end")?;
    let label = match &raw.label {
        None => return Err("it has no label".into()),
        Some(Scalar::Str(label)) if !label.is_empty() => label,
        Some(Scalar::Str(_)) => return Err("its label is empty".into()),
        Some(other) => return Err(format!("its label is {}, not a string", other.kind())),
    };
    let (start, end) = index
        .to_code_points(unit, start, end)
        .map_err(|err| err.to_string())?;
    if start == end {
        return Err("it is empty (it ends where it starts)".into());
    }
    if let Some(expected) = raw.text.as_ref().and_then(Scalar::as_str) {
        let actual = index.slice(start, end).unwrap_or_default();
        if actual != expected {
            return Err(format!(
                "the file says it covers {expected:?}, but the text there is {actual:?}"
            ));
        }
    }
    Ok(LabelledSpan {
        start,
        end,
        label: label.to_string(),
    })
}

/// A span for messages: `[3, 15) "PER"`, with whatever the file held.
struct Described<'r, 'a>(&'r RawSpan<'a>);

impl fmt::Display for Described<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |s: Option<&Scalar>| match s {
            None => "?".to_string(),
            Some(Scalar::Number(n)) => n.to_string(),
            Some(Scalar::Str(s)) => format!("{s:?}"),
            Some(other) => other.kind().to_string(),
        };
        let span = self.0;
        write!(
            f,
            "[{}, {})",
            part(span.start.as_ref()),
            part(span.end.as_ref())
        )?;
        if span.label.is_some() {
            write!(f, " {}", part(span.label.as_ref()))?;
        }
        Ok(())
    }
}
