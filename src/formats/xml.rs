//! Small pieces shared by the XML formats (Pascal VOC, CVAT): decoding a
//! file's bytes to text as its declaration says, reading children of a
//! `roxmltree` node, and escaping text and attribute values for writing.

use roxmltree::Node;
use std::borrow::Cow;

/// The text of a file: UTF-8 (a byte-order mark is skipped), or ISO-8859-1
/// when its XML declaration says so; anything else is refused with the reason.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16; save it as UTF-8".into());
    }
    match declared_encoding(bytes).map(|e| e.to_ascii_lowercase()) {
        Some(e) if ["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"].contains(&e.as_str()) => {
            Ok(bytes
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into())
        }
        Some(e) if e != "utf-8" && e != "utf8" && e != "us-ascii" && e != "ascii" => Err(format!(
            "the file declares encoding \"{e}\", which is not supported; save it as UTF-8"
        )),
        declared => std::str::from_utf8(bytes).map(Into::into).map_err(|err| {
            let said = if declared.is_some() {
                "it declares UTF-8"
            } else {
                "it declares no encoding, so it must be UTF-8"
            };
            format!(
                "the file is not UTF-8 (invalid byte at offset {}) and {said}; \
                 save it as UTF-8 or declare encoding=\"ISO-8859-1\"",
                err.valid_up_to()
            )
        }),
    }
}

/// The `encoding` of the XML declaration at the start of the bytes, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let after = decl.split_once("encoding")?.1.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Parses decoded text, naming the problem of text that is not well-formed XML.
pub fn parse_document(text: &str) -> Result<roxmltree::Document<'_>, String> {
    // roxmltree refuses a DTD (and so entity bombs) by default.
    roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))
}

/// The first child element named `name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The child elements named `name`.
pub fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of a child element; `None` when missing or empty.
pub fn child_text(node: Node, name: &str) -> Option<String> {
    let text = child(node, name)?.text().unwrap_or_default().trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `0`/`1` (also `true`/`false`, any case) of a flag.
pub fn flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => text.parse::<f64>().ok().map(|v| v != 0.0),
    }
}

/// A box's corners `[x0, y0, x1, y1]` from the texts `value` gives for the
/// four `keys` (it says why a text is missing), each a finite number, the
/// second corner not before the first; else why the box is skipped.
pub fn box_corners(
    keys: [&str; 4],
    value: impl Fn(&str) -> Result<String, String>,
) -> Result<[f64; 4], String> {
    let corners = corner_values(keys, value)?;
    let [x0, y0, x1, y1] = corners;
    if x1 < x0 || y1 < y0 {
        return Err(format!(
            "the box ({x0}, {y0})–({x1}, {y1}) has its corners the wrong way round; skipped"
        ));
    }
    Ok(corners)
}

/// The four corner values of [`box_corners`], in any order.
pub fn corner_values(
    keys: [&str; 4],
    value: impl Fn(&str) -> Result<String, String>,
) -> Result<[f64; 4], String> {
    let mut corners = [0.0; 4];
    for (corner, key) in corners.iter_mut().zip(keys) {
        let text = value(key)?;
        *corner = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{key} is \"{text}\", not a number; skipped"))?;
    }
    Ok(corners)
}

/// `text` with XML's special characters escaped, for element content.
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// `text` escaped for an attribute value: also tabs and line breaks, which a
/// parser would otherwise turn into spaces.
pub fn escape_attr(text: &str) -> String {
    escape_with(text, true)
}

fn escape_with(text: &str, attr: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' if attr => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_keep_line_breaks() {
        let text = format!(
            "<a v=\"{}\">{}</a>",
            escape_attr("x\ny\t\"&"),
            escape("<b>")
        );
        let doc = parse_document(&text).unwrap();
        assert_eq!(doc.root_element().attribute("v"), Some("x\ny\t\"&"));
        assert_eq!(doc.root_element().text(), Some("<b>"));
    }

    #[test]
    fn encodings_are_named() {
        assert!(decode(b"\xFF\xFEx").unwrap_err().contains("UTF-16"));
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>";
        assert!(decode(latin1).unwrap().contains("caf\u{e9}"));
        let undeclared = decode(b"<a>caf\xe9</a>").unwrap_err();
        assert!(undeclared.contains("not UTF-8") && undeclared.contains("ISO-8859-1"));
        assert!(decode(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>").is_err());
    }

    #[test]
    fn a_dtd_is_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"xx\">]><a>&x;</a>";
        assert!(
            parse_document(bomb)
                .unwrap_err()
                .contains("not well-formed")
        );
    }
}
