use super::parts::{Accept, Parts};
use crate::formats::text::lenient::{Fields, List, Scalar, parse_object_line};
use crate::model::OffsetUnit;
use serde::de::MapAccess;
use serde_json::Value;

#[derive(Default)]
struct DoccanoFields<'a> {
    text: Option<Scalar<'a>>,
    id: Option<Value>,
    label: Option<List<'a>>,
    entities: Option<List<'a>>,
    cats: Option<List<'a>>,
}

impl<'de> Fields<'de> for DoccanoFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "text" => self.text = Some(map.next_value()?),
            "id" => self.id = Some(map.next_value()?),
            "label" => self.label = Some(map.next_value()?),
            "entities" => self.entities = Some(map.next_value()?),
            "cats" => self.cats = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// doccano writes a span as an object with these keys in the `entities` of a
/// project with relations.
const SPAN_KEYS: Option<(&str, &str)> = Some(("start_offset", "end_offset"));

/// One doccano JSONL line. `label` holds spans (`[s, e, "TAG"]`) or class names
/// (strings), told apart per entry; `entities` holds spans; `cats` class names.
pub(super) fn parse_line(line: &[u8], unit: OffsetUnit) -> Result<Parts<'_>, String> {
    let (fields, meta) = parse_object_line(line, DoccanoFields::default())?;
    let mut parts = Parts::new(unit, meta);
    parts.text = fields.text;
    parts.id = fields.id;
    let classes_or_spans = Accept {
        classes: true,
        span_keys: SPAN_KEYS,
    };
    parts.take_list("label", fields.label, classes_or_spans);
    parts.take_list(
        "entities",
        fields.entities,
        Accept {
            classes: false,
            span_keys: SPAN_KEYS,
        },
    );
    parts.take_list(
        "cats",
        fields.cats,
        Accept {
            classes: true,
            span_keys: None,
        },
    );
    Ok(parts)
}
