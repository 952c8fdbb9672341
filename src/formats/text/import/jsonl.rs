use super::parts::{Accept, Parts};
use crate::formats::text::lenient::{Fields, Scalar, parse_object_line};
use crate::model::OffsetUnit;
use serde::de::MapAccess;
use serde_json::{Map, Value};

struct JsonlFields<'a> {
    parts: Parts<'a>,
    offset_unit: Option<Scalar<'a>>,
    meta: Option<Value>,
}

impl<'de> Fields<'de> for JsonlFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        let parts = &mut self.parts;
        match key {
            "text" => parts.text = Some(map.next_value()?),
            "id" => parts.id = Some(map.next_value()?),
            "labels" => parts.read_list(
                map,
                "labels",
                Accept {
                    classes: true,
                    span_keys: None,
                },
            )?,
            "spans" => parts.read_list(
                map,
                "spans",
                Accept {
                    classes: false,
                    span_keys: Some(("start", "end")),
                },
            )?,
            "offset_unit" => self.offset_unit = Some(map.next_value()?),
            "meta" => self.meta = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// One line of our own JSONL export. Fields we do not define are kept in meta
/// beside those of `meta`. A line's `offset_unit` wins over `unit`.
pub(super) fn parse_line(line: &[u8], unit: OffsetUnit) -> Result<Parts<'_>, String> {
    let fields = JsonlFields {
        parts: Parts::new(unit, Map::new()),
        offset_unit: None,
        meta: None,
    };
    let (fields, mut meta) = parse_object_line(line, fields)?;
    let mut parts = fields.parts;
    match fields.offset_unit {
        None | Some(Scalar::Null) => {}
        Some(Scalar::Str(name)) => {
            parts.unit = name
                .parse()
                .map_err(|err| format!("the `offset_unit`: {err}"))?;
        }
        Some(other) => {
            return Err(format!(
                "the `offset_unit` is {}, not one of codepoint, utf16 or byte",
                other.kind()
            ));
        }
    }
    match fields.meta {
        None | Some(Value::Null) => {}
        Some(Value::Object(inner)) => meta.extend(inner),
        Some(other) => {
            meta.insert("meta".to_string(), other);
        }
    }
    parts.meta = meta;
    Ok(parts)
}
