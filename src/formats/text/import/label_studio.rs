//! Label Studio's JSON export: `[{"id", "data": {"text", …}, "annotations":
//! [{"was_cancelled", "result": [{"type", "value": {…}}]}]}, …]`.

use super::parts::{Parts, RawSpan};
use super::{LabelledFileError, LabelledRecord};
use crate::formats::text::lenient::{Fields, MaybeObjectSeed, Scalar, json_error_message};
use crate::formats::text::lines::bom_len;
use crate::formats::text::problem::{Place, RecordProblem};
use crate::model::OffsetUnit;
use rayon::prelude::*;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess};
use serde_json::{Map, Value};

/// The fields of `data`, in file order ("the first string field" depends on it).
#[derive(Default)]
struct DataFields(Vec<(String, Value)>);

impl<'de> Fields<'de> for DataFields {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        self.0.push((key.to_string(), map.next_value()?));
        Ok(true)
    }
}

#[derive(Default)]
struct TaskFields {
    id: Option<Value>,
    data: Option<Result<Vec<(String, Value)>, &'static str>>,
    annotations: Option<Value>,
}

impl<'de> Fields<'de> for TaskFields {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "id" => self.id = Some(map.next_value()?),
            "data" => {
                let data = map.next_value_seed(MaybeObjectSeed(DataFields::default()))?;
                self.data = Some(data.map(|(fields, _)| fields.0));
            }
            "annotations" => self.annotations = Some(map.next_value()?),
            // Predictions, drafts, timestamps and the like are not ours to keep.
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(true)
    }
}

/// One element of the task array: a task, or the kind of value found instead.
struct TaskSlot(Result<TaskFields, &'static str>);

impl<'de> Deserialize<'de> for TaskSlot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let task = MaybeObjectSeed(TaskFields::default()).deserialize(deserializer)?;
        Ok(TaskSlot(task.map(|(fields, _)| fields)))
    }
}

/// Parses the whole export and converts every task (in parallel, kept in order).
pub(super) fn read_tasks(
    bytes: &[u8],
    unit: OffsetUnit,
) -> Result<Vec<Result<LabelledRecord, RecordProblem>>, LabelledFileError> {
    let tasks: Vec<TaskSlot> = serde_json::from_slice(&bytes[bom_len(bytes)..]).map_err(|err| {
        LabelledFileError::LabelStudio {
            line: err.line(),
            column: err.column(),
            message: json_error_message_without_column(&err),
        }
    })?;
    Ok(tasks
        .into_par_iter()
        .enumerate()
        .map(|(i, task)| task_record(i + 1, task, unit))
        .collect())
}

fn json_error_message_without_column(err: &serde_json::Error) -> String {
    let message = json_error_message(err);
    let tail = format!(" (column {})", err.column());
    message.strip_suffix(&tail).unwrap_or(&message).to_string()
}

fn task_record(
    number: usize,
    slot: TaskSlot,
    unit: OffsetUnit,
) -> Result<LabelledRecord, RecordProblem> {
    let problem = |message: String| RecordProblem {
        line: number,
        place: Place::Task,
        message,
    };
    let task = slot
        .0
        .map_err(|kind| problem(format!("the task is {kind}, not an object")))?;
    let data = match task.data {
        None => return Err(problem("the task has no `data`".into())),
        Some(Err(kind)) => {
            return Err(problem(format!(
                "the task's `data` is {kind}, not an object"
            )));
        }
        Some(Ok(data)) => data,
    };
    let text_at = data
        .iter()
        .position(|(key, _)| key == "text")
        .or_else(|| data.iter().position(|(_, value)| value.is_string()))
        .ok_or_else(|| problem("`data` has no `text` field and no other string field".into()))?;
    let mut meta = Map::new();
    let mut text = Value::Null;
    for (i, (key, value)) in data.into_iter().enumerate() {
        if i == text_at {
            text = value;
        } else {
            meta.insert(key, value);
        }
    }

    let mut parts = Parts::new(unit, meta);
    parts.text_field = "data.text";
    parts.text = Some(Scalar::from_value(&text));
    parts.id = task.id;
    take_annotations(&mut parts, task.annotations.as_ref());
    parts.finish(number, Place::Task)
}

/// Takes classes and spans from the first annotation that was not cancelled.
fn take_annotations<'a>(parts: &mut Parts<'a>, annotations: Option<&'a Value>) {
    let annotations = match annotations {
        None | Some(Value::Null) => return,
        Some(Value::Array(list)) => list,
        Some(other) => {
            return parts.notes.push(format!(
                "`annotations` is {}, not a list; the task is kept without labels",
                Scalar::from_value(other).kind()
            ));
        }
    };
    let cancelled = |a: &Value| a.get("was_cancelled").and_then(Value::as_bool) == Some(true);
    let Some(chosen) = annotations.iter().find(|a| !cancelled(a)) else {
        if !annotations.is_empty() {
            parts
                .notes
                .push("every annotation was cancelled; the task is kept without labels".into());
        }
        return;
    };
    let results = match chosen.get("result") {
        None | Some(Value::Null) => return,
        Some(Value::Array(results)) => results,
        Some(other) => {
            return parts.notes.push(format!(
                "the annotation's `result` is {}, not a list; the task is kept without labels",
                Scalar::from_value(other).kind()
            ));
        }
    };
    for (i, result) in results.iter().enumerate() {
        let value = result.get("value");
        let field = |name: &str| value.and_then(|v| v.get(name));
        match result.get("type").and_then(Value::as_str) {
            Some("labels") => match field("labels") {
                Some(Value::Array(names)) => {
                    for name in names {
                        parts.spans.push(RawSpan {
                            start: field("start").map(Scalar::from_value),
                            end: field("end").map(Scalar::from_value),
                            label: Some(Scalar::from_value(name)),
                            text: field("text").map(Scalar::from_value),
                        });
                    }
                }
                _ => parts.notes.push(format!(
                    "result #{} has no `value.labels` list; it was left out",
                    i + 1
                )),
            },
            Some("choices") => match field("choices") {
                Some(Value::Array(names)) => {
                    parts.classes.extend(names.iter().map(Scalar::from_value))
                }
                _ => parts.notes.push(format!(
                    "result #{} has no `value.choices` list; it was left out",
                    i + 1
                )),
            },
            Some(other) => parts.notes.push(format!(
                "result #{} is of type `{other}`, which is not imported; it was left out",
                i + 1
            )),
            None => parts
                .notes
                .push(format!("result #{} has no `type`; it was left out", i + 1)),
        }
    }
}
