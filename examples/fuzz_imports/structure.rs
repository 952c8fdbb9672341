//! Mutations that follow the input's structure: a JSON subtree, an XML
//! element or some lines repeated (or dropped, or nested deeply), and
//! entities or YAML aliases that expand exponentially.

use crate::mutate::{MAX_INPUT, Syntax, bytes, json_string_end, splice_in, truncate, xml_strings};
use crate::rng::Rng;

/// How many copies a repetition makes, bounded so the input stays under
/// [`MAX_INPUT`].
fn copies(rng: &mut Rng, piece: usize, len: usize) -> usize {
    let wanted = *rng.pick(&[1, 1, 2, 3, 10, 100, 1000, 20_000]);
    let room = MAX_INPUT.saturating_sub(len) / piece.max(1);
    wanted.min(room).max(1)
}

pub fn repeat_structure(data: &[u8], syntax: Syntax, rng: &mut Rng) -> Vec<u8> {
    match syntax {
        Syntax::Json => json_repeat(data, rng),
        Syntax::Xml => xml_repeat(data, rng),
        Syntax::Yaml if rng.chance(1, 4) => yaml_aliases(data, rng),
        _ => repeat_lines(data, rng),
    }
}

/// The end (exclusive) of the JSON value that opens at `open` (`{` or `[`).
fn json_close(data: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < data.len() {
        match data[i] {
            b'"' => i = json_string_end(data, i + 1),
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Positions of `{` and `[` outside strings.
fn json_opens(data: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'"' => i = json_string_end(data, i + 1),
            b'{' | b'[' => out.push(i),
            _ => {}
        }
        i += 1;
    }
    out
}

fn previous_non_space(data: &[u8], before: usize) -> Option<(usize, u8)> {
    data[..before]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, b)| !b.is_ascii_whitespace())
        .map(|(i, b)| (i, *b))
}

/// Repeats a JSON subtree: an array element or an object member (the same
/// key again) several times, nests it deeply in arrays, or drops it.
fn json_repeat(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let opens = json_opens(data);
    if opens.is_empty() {
        return repeat_lines(data, rng);
    }
    let start = *rng.pick(&opens);
    let Some(end) = json_close(data, start) else {
        return truncate(data, rng);
    };
    match rng.below(6) {
        0 => {
            let depth = *rng.pick(&[64, 127, 129, 1000, 100_000]);
            let mut with = "[".repeat(depth).into_bytes();
            with.extend_from_slice(&data[start..end]);
            with.extend_from_slice("]".repeat(depth).as_bytes());
            splice_in(data, (start, end), &with)
        }
        1 => splice_in(data, (start, end), b"null"),
        _ => {
            // An object member is repeated with its key.
            let from = match previous_non_space(data, start) {
                Some((colon, b':')) => previous_non_space(data, colon)
                    .and_then(|(quote, _)| data[..quote].iter().rposition(|&b| b == b'"'))
                    .unwrap_or(start),
                _ => start,
            };
            let piece = &data[from..end];
            let n = copies(rng, piece.len() + 1, data.len());
            let mut with = Vec::with_capacity(n * (piece.len() + 1));
            for _ in 0..n {
                with.push(b',');
                with.extend_from_slice(piece);
            }
            splice_in(data, (end, end), &with)
        }
    }
}

/// The start of every element's opening tag, with the element's name.
fn xml_elements(data: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, w) in data.windows(2).enumerate() {
        if w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'_') {
            let name_end = data[i + 1..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                .map_or(data.len(), |p| i + 1 + p);
            out.push((i, data[i + 1..name_end].to_vec()));
        }
    }
    out
}

/// The end (exclusive) of the element whose opening tag starts at `start`.
fn xml_close(data: &[u8], start: usize, name: &[u8]) -> Option<usize> {
    let gt = start + data[start..].iter().position(|&b| b == b'>')?;
    if data[gt - 1] == b'/' {
        return Some(gt + 1);
    }
    let open: Vec<u8> = [b"<".as_slice(), name].concat();
    let close: Vec<u8> = [b"</".as_slice(), name, b">"].concat();
    let mut depth = 1usize;
    let mut i = gt + 1;
    while i < data.len() {
        if data[i..].starts_with(&close) {
            depth -= 1;
            if depth == 0 {
                return Some(i + close.len());
            }
            i += close.len();
        } else if data[i..].starts_with(&open)
            && data
                .get(i + open.len())
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>')
        {
            depth += 1;
            i += open.len();
        } else {
            i += 1;
        }
    }
    None
}

/// Repeats an XML element several times, nests it in copies of itself, drops
/// it, or declares entities that expand exponentially.
fn xml_repeat(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    if rng.chance(1, 12) {
        return entity_bomb(data, rng);
    }
    let elements = xml_elements(data);
    if elements.is_empty() {
        return repeat_lines(data, rng);
    }
    let (start, name) = rng.pick(&elements).clone();
    let Some(end) = xml_close(data, start, &name) else {
        return truncate(data, rng);
    };
    match rng.below(5) {
        0 => {
            let depth = *rng.pick(&[10, 300, 10_000]);
            let name = String::from_utf8_lossy(&name);
            let mut with = format!("<{name}>").repeat(depth).into_bytes();
            with.extend_from_slice(&data[start..end]);
            with.extend_from_slice(format!("</{name}>").repeat(depth).as_bytes());
            splice_in(data, (start, end), &with)
        }
        1 => splice_in(data, (start, end), b""),
        _ => {
            let piece = &data[start..end];
            let n = copies(rng, piece.len(), data.len());
            splice_in(data, (end, end), &piece.repeat(n))
        }
    }
}

/// "Billion laughs": entities of ten references each, nested, used in the
/// first text of the document.
fn entity_bomb(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let levels = 3 + rng.below(7);
    let mut dtd = String::from("<!DOCTYPE annotation [\n<!ENTITY e0 \"lol\">\n");
    for level in 1..=levels {
        let refs = format!("&e{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY e{level} \"{refs}\">\n"));
    }
    dtd.push_str("]>\n");
    let body_start = data
        .windows(2)
        .position(|w| w[0] == b'<' && w[1] != b'?')
        .unwrap_or(0);
    let mut out = data[..body_start].to_vec();
    out.extend_from_slice(dtd.as_bytes());
    let rest = &data[body_start..];
    let tokens = xml_strings(rest);
    match tokens.first() {
        Some(&range) => out.extend(splice_in(rest, range, format!("&e{levels};").as_bytes())),
        None => out.extend_from_slice(rest),
    }
    out
}

/// YAML anchors and aliases that expand exponentially, put before the file.
fn yaml_aliases(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let levels = 3 + rng.below(8);
    let mut out = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=levels {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        out.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(data);
    bytes
}

fn repeat_lines(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&i| i < data.len())
        .collect();
    if starts.is_empty() {
        return bytes(data, rng);
    }
    let first = rng.below(starts.len());
    let last = (first + 1 + rng.small(3)).min(starts.len());
    let end = starts.get(last).copied().unwrap_or(data.len());
    let piece = &data[starts[first]..end];
    if rng.chance(1, 5) {
        // One very long line.
        let line = piece.trim_ascii_end();
        let n = copies(rng, line.len(), data.len());
        return splice_in(data, (starts[first], end), &line.repeat(n));
    }
    let mut piece = piece.to_vec();
    if !piece.ends_with(b"\n") {
        piece.push(b'\n');
    }
    let n = copies(rng, piece.len(), data.len());
    splice_in(data, (end, end), &piece.repeat(n))
}
