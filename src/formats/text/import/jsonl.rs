use super::parts::{Accept, Parts};
use crate::formats::text::lenient::{Fields, List, Scalar, parse_object_line};
use crate::model::OffsetUnit;
use serde::de::MapAccess;
use serde_json::Value;

#[derive(Default)]
struct JsonlFields<'a> {
    text: Option<Scalar<'a>>,
    id: Option<Value>,
    labels: Option<List<'a>>,
    spans: Option<List<'a>>,
    offset_unit: Option<Scalar<'a>>,
    meta: Option<Value>,
}

impl<'de> Fields<'de> for JsonlFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "text" => self.text = Some(map.next_value()?),
            "id" => self.id = Some(map.next_value()?),
            "labels" => self.labels = Some(map.next_value()?),
            "spans" => self.spans = Some(map.next_value()?),
            "offset_unit" => self.offset_unit = Some(map.next_value()?),
            "meta" => self.meta = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// One line of our own JSONL export. Fields we do not define are kept in meta
/// beside those of `meta`.
pub(super) fn parse_line(line: &[u8], unit: OffsetUnit) -> Result<Parts<'_>, String> {
    let (fields, mut meta) = parse_object_line(line, JsonlFields::default())?;
    let unit = match fields.offset_unit {
        None | Some(Scalar::Null) => unit,
        Some(Scalar::Str(name)) => name
            .parse()
            .map_err(|err| format!("the `offset_unit`: {err}"))?,
        Some(other) => {
            return Err(format!(
                "the `offset_unit` is {}, not one of codepoint, utf16 or byte",
                other.kind()
            ));
        }
    };
    match fields.meta {
        None | Some(Value::Null) => {}
        Some(Value::Object(inner)) => meta.extend(inner),
        Some(other) => {
            meta.insert("meta".to_string(), other);
        }
    }
    let mut parts = Parts::new(unit, meta);
    parts.text = fields.text;
    parts.id = fields.id;
    parts.take_list(
        "labels",
        fields.labels,
        Accept {
            classes: true,
            span_keys: None,
        },
    );
    parts.take_list(
        "spans",
        fields.spans,
        Accept {
            classes: false,
            span_keys: Some(("start", "end")),
        },
    );
    Ok(parts)
}
