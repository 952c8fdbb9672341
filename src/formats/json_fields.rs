//! Reading fields of untrusted JSON values with messages that say what was
//! wrong, for the formats that parse `serde_json::Value`s leniently.

use serde_json::Value;

/// The bytes as a JSON value, or why they are not one (not UTF-8, truncated,
/// malformed; `NaN` is not JSON either).
pub fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    parse_text(utf8_text(bytes)?)
}

/// Like [`parse_json`], but the bare `NaN`, `Infinity` and `-Infinity` that
/// Python's `json` module writes for such floats read as `null`, so the one
/// record holding them can be reported instead of the whole file.
pub fn parse_json_allowing_nan(bytes: &[u8]) -> Result<Value, String> {
    let text = utf8_text(bytes)?;
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if let Some(token) = ["NaN", "Infinity", "-Infinity"]
            .into_iter()
            .find(|t| rest.starts_with(t))
        {
            out.push_str("null");
            rest = &rest[token.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parse_text(&out)
}

fn utf8_text(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.valid_up_to()
        )
    })
}

fn parse_text(text: &str) -> Result<Value, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_nan_and_infinity_read_as_null_outside_strings() {
        let v = parse_json_allowing_nan(br#"[NaN, -Infinity, Infinity, "NaN \" Infinity", 1.5]"#)
            .unwrap();
        assert_eq!(
            v,
            serde_json::json!([null, null, null, "NaN \" Infinity", 1.5])
        );
        assert!(parse_json(b"[NaN]").is_err());
    }
}
