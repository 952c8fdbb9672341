//! Lenient, mostly borrowed views of JSON values, so one wrong field costs only
//! that field (or record) and parsing stays free of `serde_json::Value` where the
//! shape is known. Unknown fields of an object are kept as `Value`s in `meta`.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// A JSON string, borrowed from the input when it has no escapes.
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// Any JSON value where a string or a number is expected; arrays and objects are
/// skipped and only their kind is remembered, for the message.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array,
    Object,
}

impl<'a> Scalar<'a> {
    /// What the value is, for messages: "a number", "an array", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The string, or a message saying what was found instead.
    pub fn into_string(self, what: impl FnOnce() -> String) -> Result<String, String> {
        match self {
            Scalar::Str(s) => Ok(s.into_owned()),
            other => Err(format!("{} is {}, not a string", what(), other.kind())),
        }
    }

    /// A text offset: a non-negative integer.
    pub fn offset(&self, what: &str) -> Result<usize, String> {
        if let Scalar::Number(n) = self
            && let Some(v) = n.as_u64()
        {
            return usize::try_from(v).map_err(|_| format!("{what} {v} is too large"));
        }
        Err(match self {
            Scalar::Number(n) => format!("{what} {n} is not a non-negative integer"),
            other => format!("{what} is {}, not a non-negative integer", other.kind()),
        })
    }

    pub fn from_value(value: &'a Value) -> Self {
        match value {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => Scalar::Number(n.clone()),
            Value::String(s) => Scalar::Str(Cow::Borrowed(s)),
            Value::Array(_) => Scalar::Array,
            Value::Object(_) => Scalar::Object,
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Number(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Number::from_f64(v).map_or(Scalar::Null, Scalar::Number))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// One element of a label list: a class name, a span written as an array
/// (`[start, end, "TAG"]`) or as an object (`{"start": …}`), or something else.
#[derive(Debug)]
pub(crate) enum Entry<'a> {
    Scalar(Scalar<'a>),
    /// An array: its first three elements and how many it had.
    Tuple([Option<Scalar<'a>>; 3], usize),
    Dict(Vec<(Cow<'a, str>, Scalar<'a>)>),
}

impl<'a> Entry<'a> {
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Scalar(s) => s.kind(),
            Entry::Tuple(..) => "an array",
            Entry::Dict(_) => "an object",
        }
    }
}

/// Looks up `key` in an object read as an [`Entry::Dict`].
pub(crate) fn dict_get<'e, 'a>(
    dict: &'e [(Cow<'a, str>, Scalar<'a>)],
    key: &str,
) -> Option<&'e Scalar<'a>> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = Entry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry<'de>, A::Error> {
                let mut items = [None, None, None];
                let mut len = 0;
                while let Some(item) = seq.next_element::<Scalar>()? {
                    if let Some(slot) = items.get_mut(len) {
                        *slot = Some(item);
                    }
                    len += 1;
                }
                Ok(Entry::Tuple(items, len))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<'de>, A::Error> {
                let mut fields = Vec::with_capacity(4);
                while let Some((key, value)) = map.next_entry::<Str<'de>, Scalar<'de>>()? {
                    fields.push((key.0, value));
                }
                Ok(Entry::Dict(fields))
            }
            fn visit_unit<E>(self) -> Result<Entry<'de>, E> {
                Ok(Entry::Scalar(Scalar::Null))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Entry<'de>, E> {
                Ok(Entry::Scalar(Scalar::Bool(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Entry<'de>, E> {
                ScalarVisitor.visit_u64(v).map(Entry::Scalar)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Entry<'de>, E> {
                ScalarVisitor.visit_i64(v).map(Entry::Scalar)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Entry<'de>, E> {
                ScalarVisitor.visit_f64(v).map(Entry::Scalar)
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Entry<'de>, E> {
                Ok(Entry::Scalar(Scalar::Str(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Entry<'de>, E> {
                Ok(Entry::Scalar(Scalar::Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Entry<'de>, E> {
                Ok(Entry::Scalar(Scalar::Str(Cow::Owned(v))))
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// What a field read by [`EachEntry`] held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListShape {
    /// A list, or null (an empty one).
    List,
    /// One string, read as a list of one.
    LoneString,
}

/// Reads a field that should hold a list, handing each element to the closure
/// as it is parsed, with its index. A lone string counts as a list of one (some
/// tools write `"label": "pos"`), null as empty; anything else is skipped and its
/// kind returned.
pub(crate) struct EachEntry<F>(pub F);

impl<'de, F: FnMut(usize, Entry<'de>)> DeserializeSeed<'de> for EachEntry<F> {
    type Value = Result<ListShape, &'static str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnMut(usize, Entry<'de>)> Visitor<'de> for EachEntry<F> {
    type Value = Result<ListShape, &'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut i = 0;
        while let Some(entry) = seq.next_element()? {
            (self.0)(i, entry);
            i += 1;
        }
        Ok(Ok(ListShape::List))
    }
    fn visit_borrowed_str<E>(mut self, v: &'de str) -> Result<Self::Value, E> {
        (self.0)(0, Entry::Scalar(Scalar::Str(Cow::Borrowed(v))));
        Ok(Ok(ListShape::LoneString))
    }
    fn visit_str<E>(mut self, v: &str) -> Result<Self::Value, E> {
        (self.0)(0, Entry::Scalar(Scalar::Str(Cow::Owned(v.to_owned()))));
        Ok(Ok(ListShape::LoneString))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(ListShape::List))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_map(map).map(|s| Err(s.kind()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("a boolean"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
}

/// A record's `id` value: strings as they are, numbers as written, null as none.
/// Anything else is no id and stays in `meta` under `id`, so nothing is lost.
pub(crate) fn split_id(value: Value, meta: &mut Map<String, Value>) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        other => {
            meta.insert("id".to_string(), other);
            None
        }
    }
}

/// Reads the fields a format knows; the rest of the object goes to `meta`.
pub(crate) trait Fields<'de> {
    /// Reads the value of `key` if this format knows the field, and says whether
    /// it did. Unread values must be left for the caller.
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// Walks an object, giving each field to `fields` and keeping the others.
pub(crate) fn walk_object<'de, A, F>(
    map: &mut A,
    fields: &mut F,
) -> Result<Map<String, Value>, A::Error>
where
    A: MapAccess<'de>,
    F: Fields<'de>,
{
    let mut meta = Map::new();
    while let Some(key) = map.next_key::<Str<'de>>()? {
        if !fields.read(&key.0, map)? {
            let value: Value = map.next_value()?;
            meta.insert(key.0.into_owned(), value);
        }
    }
    Ok(meta)
}

/// Deserializes an object with [`walk_object`]; any other JSON value is an error.
pub(crate) struct ObjectSeed<F>(pub F);

impl<'de, F: Fields<'de>> DeserializeSeed<'de> for ObjectSeed<F> {
    type Value = (F, Map<String, Value>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: Fields<'de>> Visitor<'de> for ObjectSeed<F> {
    type Value = (F, Map<String, Value>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let meta = walk_object(&mut map, &mut self.0)?;
        Ok((self.0, meta))
    }
}

/// Like [`ObjectSeed`], but any other JSON value is skipped and its kind
/// returned instead of failing the whole parse.
pub(crate) struct MaybeObjectSeed<F>(pub F);

type MaybeObject<F> = Result<(F, Map<String, Value>), &'static str>;

impl<'de, F: Fields<'de>> DeserializeSeed<'de> for MaybeObjectSeed<F> {
    type Value = MaybeObject<F>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: Fields<'de>> Visitor<'de> for MaybeObjectSeed<F> {
    type Value = MaybeObject<F>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let meta = walk_object(&mut map, &mut self.0)?;
        Ok(Ok((self.0, meta)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_seq(seq).map(|s| Err(s.kind()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("null"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("a boolean"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("a string"))
    }
}

/// Parses one JSON line as an object with `fields`. The error is a message
/// meant to follow "line N: ".
pub(crate) fn parse_object_line<'de, F: Fields<'de>>(
    line: &'de [u8],
    fields: F,
) -> Result<(F, Map<String, Value>), String> {
    // One SIMD check of the whole line spares serde_json checking every
    // string on its own; a line that fails it is parsed as bytes, so that
    // its error names the column as before.
    match simdutf8::basic::from_utf8(line) {
        Ok(text) => parse_object(serde_json::Deserializer::from_str(text), fields),
        Err(_) => parse_object(serde_json::Deserializer::from_slice(line), fields),
    }
}

fn parse_object<'de, R: serde_json::de::Read<'de>, F: Fields<'de>>(
    mut de: serde_json::Deserializer<R>,
    fields: F,
) -> Result<(F, Map<String, Value>), String> {
    ObjectSeed(fields)
        .deserialize(&mut de)
        .and_then(|parsed| de.end().map(|()| parsed))
        .map_err(|err| json_error_message(&err))
}

/// A serde_json error without its "at line 1 column N" tail, which says little
/// about a single line, and with the column where it helps.
pub(crate) fn json_error_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let tail = format!(" at line {} column {}", err.line(), err.column());
    let message = text.strip_suffix(&tail).unwrap_or(&text);
    match err.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not valid JSON: {message} (column {})", err.column())
        }
        _ => format!("{message} (column {})", err.column()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct TextOnly<'a> {
        text: Option<Scalar<'a>>,
    }

    impl<'de> Fields<'de> for TextOnly<'de> {
        fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
            if key == "text" {
                self.text = Some(map.next_value()?);
                return Ok(true);
            }
            Ok(false)
        }
    }

    #[test]
    fn known_fields_are_borrowed_and_the_rest_kept() {
        let line = br#"{"text":"plain","n":[1,{"a":2}],"s":"x"}"#;
        let (fields, meta) = parse_object_line(line, TextOnly::default()).unwrap();
        assert!(matches!(
            fields.text,
            Some(Scalar::Str(Cow::Borrowed("plain")))
        ));
        assert_eq!(
            Value::Object(meta),
            serde_json::json!({"n":[1,{"a":2}],"s":"x"})
        );
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        let line = br#"{"text":"a\r\nb\u00e9"}"#;
        let (fields, _) = parse_object_line(line, TextOnly::default()).unwrap();
        assert_eq!(fields.text.unwrap().as_str(), Some("a\r\nbé"));
    }

    #[test]
    fn errors_name_the_column_not_line_one() {
        let err = parse_object_line(br#"{"text": "x",}"#, TextOnly::default())
            .err()
            .unwrap();
        assert!(err.starts_with("not valid JSON:"), "{err}");
        assert!(err.ends_with("(column 14)"), "{err}");
        assert!(!err.contains("line 1"), "{err}");
        let err = parse_object_line(b"[1]", TextOnly::default())
            .err()
            .unwrap();
        assert!(err.contains("expected a JSON object"), "{err}");
        let err = parse_object_line(br#"{"text":"x"} 5"#, TextOnly::default())
            .err()
            .unwrap();
        assert!(err.contains("trailing characters"), "{err}");
    }

    #[test]
    fn scalars_describe_themselves() {
        let offset = |json: &str| {
            let value: Value = serde_json::from_str(json).unwrap();
            Scalar::from_value(&value).offset("start")
        };
        assert_eq!(offset("7"), Ok(7));
        assert_eq!(
            offset("-1"),
            Err("start -1 is not a non-negative integer".into())
        );
        assert_eq!(
            offset("1.5"),
            Err("start 1.5 is not a non-negative integer".into())
        );
        assert_eq!(
            offset("\"3\""),
            Err("start is a string, not a non-negative integer".into())
        );
    }
}
