//! Reading fields of untrusted JSON values with messages that say what was
//! wrong, for the formats that parse `serde_json::Value`s leniently.

use serde_json::Value;

/// The bytes as a JSON value, or why they are not one (not UTF-8, truncated,
/// malformed; `NaN` is not JSON either).
pub fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.valid_up_to()
        )
    })?;
    serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not valid JSON: {e}"))
}

/// `value[key]` as a finite number.
pub fn finite(value: &Value, key: &str) -> Result<f64, String> {
    match value.get(key) {
        None | Some(Value::Null) => Err(format!("`{key}` is missing")),
        Some(v) => number(v).ok_or_else(|| format!("`{key}` is {v}, not a finite number")),
    }
}

/// A JSON number that is finite.
pub fn number(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.is_finite())
}

/// `value[key]` as a non-empty string.
pub fn text<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    match value.get(key) {
        None | Some(Value::Null) => Err(format!("`{key}` is missing")),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(format!("`{key}` is empty")),
        Some(v) => Err(format!("`{key}` is {v}, not a string")),
    }
}

/// `value[key]` as a positive whole number of pixels, if it is one.
pub fn pixels(value: &Value, key: &str) -> Option<u32> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
        .and_then(|n| u32::try_from(n).ok())
}
