//! A quick first pass over a COCO file: finds where each top-level value lies
//! without parsing it, so `images` and `categories` can be read before a large
//! `annotations` list wherever they are in the file.
//!
//! Skipping is not checking: the skim only has to find the end of a well-formed
//! value and to stop, without panicking, on anything else. Syntax errors are
//! found and reported by the full parse.

use std::ops::Range;

/// The top-level keys of a JSON object and the byte range of each value, or
/// `None` when the input is not a well-formed object at the top level (or a key
/// holds an escape, which the full parse decodes).
pub(super) fn top_level(bytes: &[u8]) -> Option<Vec<(&[u8], Range<usize>)>> {
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    let mut entries = Vec::new();
    if bytes.get(at) == Some(&b'}') {
        return (skip_space(bytes, at + 1) == bytes.len()).then_some(entries);
    }
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, at + 1)?;
        let key = &bytes[at + 1..key_end - 1];
        if key.contains(&b'\\') {
            return None;
        }
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let start = skip_space(bytes, at + 1);
        let end = value_end(bytes, start)?;
        entries.push((key, start..end));
        at = skip_space(bytes, end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => {
                return (skip_space(bytes, at + 1) == bytes.len()).then_some(entries);
            }
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The position after the string whose opening quote is just before `at`.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if bytes[found] == b'"' {
            return Some(found + 1);
        }
        at = found + 2;
    }
}

/// The position after the value that starts at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start + 1),
        b'{' | b'[' => container_end(bytes, start),
        _ => {
            let len = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - start);
            (len > 0).then_some(start + len)
        }
    }
}

/// The position after the object or list that opens at `start`, counting its
/// own kind of bracket outside strings: in well-formed JSON each kind balances
/// within any value, and a malformed file is caught by the full parse. One kind
/// and the quote are three bytes `memchr3` finds far faster than a loop over
/// every digit of a million polygons.
fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let open = *bytes.get(start)?;
    let close = if open == b'[' { b']' } else { b'}' };
    let mut depth = 0usize;
    let mut at = start;
    loop {
        let found = at + memchr::memchr3(b'"', open, close, bytes.get(at..)?)?;
        at = found + 1;
        match bytes[found] {
            b'"' => at = string_end(bytes, at)?,
            b if b == open => depth += 1,
            _ => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::top_level;

    fn keys(json: &str) -> Option<Vec<(String, String)>> {
        top_level(json.as_bytes()).map(|entries| {
            entries
                .into_iter()
                .map(|(k, r)| (String::from_utf8_lossy(k).into_owned(), json[r].to_string()))
                .collect()
        })
    }

    #[test]
    fn finds_each_top_level_value() {
        let json = r#" {"a": [1, {"b": "]}\"["}], "c" :"x,}", "d":-1.5e3 ,"e":{}, "f": null,
            "g": {"h": [[1], {"i": "{"}, []], "j": {"k": {}}}}
"#;
        let found = keys(json).expect("well formed");
        let expected = [
            ("a", r#"[1, {"b": "]}\"["}]"#),
            ("c", r#""x,}""#),
            ("d", "-1.5e3"),
            ("e", "{}"),
            ("f", "null"),
            ("g", r#"{"h": [[1], {"i": "{"}, []], "j": {"k": {}}}"#),
        ];
        assert_eq!(found.len(), expected.len());
        for ((k, v), (ek, ev)) in found.iter().zip(expected) {
            assert_eq!((k.as_str(), v.as_str()), (ek, ev));
        }
        assert_eq!(keys("{}"), Some(vec![]));
    }

    #[test]
    fn gives_up_on_malformed_or_truncated_input_without_panicking() {
        for bad in [
            "",
            "[]",
            "{",
            r#"{"a": [1, 2"#,
            r#"{"a": "unterminated"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1} trailing"#,
            r#"{"a": ]]}"#,
            r#"{"\u0061": 1}"#,
            r#"{"a": "\"#,
        ] {
            assert_eq!(keys(bad), None, "{bad:?}");
        }
    }
}
