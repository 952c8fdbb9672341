use super::parts::{Accept, Parts};
use crate::formats::text::lenient::{Fields, parse_object_line};
use crate::model::OffsetUnit;
use serde::de::MapAccess;
use serde_json::Map;

/// doccano writes a span as an object with these keys in the `entities` of a
/// project with relations.
const SPAN_KEYS: Option<(&str, &str)> = Some(("start_offset", "end_offset"));

struct DoccanoFields<'a>(Parts<'a>);

impl<'de> Fields<'de> for DoccanoFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        let parts = &mut self.0;
        match key {
            "text" => parts.text = Some(map.next_value()?),
            "id" => parts.id = Some(map.next_value()?),
            "label" => parts.read_list(
                map,
                "label",
                Accept {
                    classes: true,
                    span_keys: SPAN_KEYS,
                },
            )?,
            "entities" => parts.read_list(
                map,
                "entities",
                Accept {
                    classes: false,
                    span_keys: SPAN_KEYS,
                },
            )?,
            "cats" => parts.read_list(
                map,
                "cats",
                Accept {
                    classes: true,
                    span_keys: None,
                },
            )?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// One doccano JSONL line. `label` holds spans (`[s, e, "TAG"]`) or class names
/// (strings), told apart per entry; `entities` holds spans; `cats` class names.
pub(super) fn parse_line(line: &[u8], unit: OffsetUnit) -> Result<Parts<'_>, String> {
    let fields = DoccanoFields(Parts::new(unit, Map::new()));
    let (DoccanoFields(mut parts), meta) = parse_object_line(line, fields)?;
    parts.meta = meta;
    Ok(parts)
}
