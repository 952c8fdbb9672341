//! Mutations of one input file: truncation and byte changes, numbers replaced
//! by boundary integers and other awkward numbers, strings replaced by
//! unsafe paths and very long names, splices with another seed, and the
//! structural ones of [`crate::structure`].

use crate::rng::Rng;

/// Inputs grow no larger than this.
pub const MAX_INPUT: usize = 8 << 20;

/// How a file is written, for the mutations that follow its structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Xml,
    Yaml,
    /// CSV or TSV.
    Delimited,
    /// Anything else read line by line: class lists, split lists, labels.
    Lines,
}

impl Syntax {
    pub fn of(file: &str) -> Syntax {
        let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
        match ext.to_ascii_lowercase().as_str() {
            "json" | "jsonl" | "ndjson" => Syntax::Json,
            "xml" => Syntax::Xml,
            "yaml" | "yml" => Syntax::Yaml,
            "csv" | "tsv" => Syntax::Delimited,
            _ => Syntax::Lines,
        }
    }
}

/// Numbers that break code which assumes a range: the integer boundaries
/// (2³¹−1, 2³²−1, 2⁵³+1, 2⁶³, 2⁶⁴−1 and one past each), huge and tiny
/// floats, NaN and infinities as several tools spell them, and non-numbers.
const NUMBERS: &[&str] = &[
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "65535",
    "65536",
    "16777217",
    "-1",
    "0",
    "-0",
    "-0.0",
    "1",
    "0.5",
    "-0.5",
    "1e308",
    "1e309",
    "-1e309",
    "1.7976931348623157e308",
    "1e40",
    "-1e40",
    "3.4028236e38",
    "1e-320",
    "4.9e-324",
    "123456789012345678901234567890123456789",
    "NaN",
    "-NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    ".nan",
    ".inf",
    "1e",
    "0x10",
    "1_000",
    "01",
    "null",
    "true",
    "\"7\"",
    "[]",
    "{}",
    "abc",
    "",
];

/// Strings that a careless importer would follow out of its folder, or that
/// break fixed-size assumptions. `{outside}` is the folder beside the dataset
/// that holds a private file and a FIFO.
const STRINGS: &[&str] = &[
    "..",
    ".",
    "./",
    "/",
    "",
    " ",
    "../../../../../../etc/passwd",
    "../outside/secret.txt",
    "images/../../outside/secret.png",
    "/etc/passwd",
    "/dev/zero",
    "/proc/self/mem",
    "{outside}/secret.txt",
    "{outside}/fifo",
    "{outside}",
    "C:\\Windows\\win.ini",
    "C:/Windows/win.ini",
    "\\\\server\\share\\x.png",
    "..\\..\\outside\\secret.txt",
    "file:///etc/passwd",
    "/data/local-files/?d=../../etc/passwd",
    "/data/local-files/?d=/etc/passwd",
    "/data/upload/1/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "s3://bucket/../../x.png",
    "http://127.0.0.1:1/x.png",
    "%",
    "50% [",
    "link_secret.txt",
    "link_fifo.txt",
    "link_zero.txt",
    "link_loop",
    "e\u{301}.png",
    "\u{e9}.png",
    "\u{0}",
    "\u{202e}gnp.exe",
    "😀😀😀😀😀😀😀😀",
    "con",
    "nul.png",
    "a\nb",
    "\"",
    "<",
    "&amp;",
];

/// Very long names: one path component at the file system's limit, one past
/// it, a deep path and a long text.
fn long_strings(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => "n".repeat(255),
        1 => "名".repeat(100),
        2 => "a/".repeat(2100),
        3 => "x".repeat(70_000),
        _ => format!("{}.png", "long_".repeat(60)),
    }
}

/// What the mutator knows about where the input will be read.
pub struct Env<'a> {
    /// The absolute folder outside the dataset (holds `secret.txt`, `fifo`).
    pub outside: &'a str,
}

/// Applies one to four mutations to `seed`. `other` is another seed of the
/// same importer, for splicing.
pub fn mutate(seed: &[u8], other: &[u8], syntax: Syntax, env: &Env, rng: &mut Rng) -> Vec<u8> {
    let mut data = seed.to_vec();
    let rounds = 1 + rng.small(4);
    for _ in 0..rounds {
        data = once(&data, other, syntax, env, rng);
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
    }
    data
}

fn once(data: &[u8], other: &[u8], syntax: Syntax, env: &Env, rng: &mut Rng) -> Vec<u8> {
    match rng.below(20) {
        0..=4 => replace_number(data, rng),
        5..=8 => replace_string(data, syntax, env, rng),
        9..=11 => crate::structure::repeat_structure(data, syntax, rng),
        12 => truncate(data, rng),
        13 => splice(data, other, rng),
        14 => encoding(data, rng),
        _ => bytes(data, rng),
    }
}

/// The byte ranges of number-like tokens.
fn number_tokens(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let starts = data[i].is_ascii_digit()
            || (matches!(data[i], b'-' | b'+' | b'.')
                && data.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < data.len() {
            let c = data[i];
            let exponent_sign = matches!(c, b'-' | b'+') && matches!(data[i - 1], b'e' | b'E');
            if c.is_ascii_digit() || c == b'.' || matches!(c, b'e' | b'E') || exponent_sign {
                i += 1;
            } else {
                break;
            }
        }
        out.push((start, i));
    }
    out
}

pub(crate) fn splice_in(data: &[u8], (start, end): (usize, usize), with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() - (end - start) + with.len());
    out.extend_from_slice(&data[..start]);
    out.extend_from_slice(with);
    out.extend_from_slice(&data[end..]);
    out
}

fn replace_number(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let tokens = number_tokens(data);
    if tokens.is_empty() {
        return bytes(data, rng);
    }
    // Sometimes every number at once (a file whose ids are all at a
    // boundary), else one to three of them.
    let all = rng.chance(1, 10);
    let mut chosen: Vec<(usize, usize)> = if all {
        tokens
    } else {
        (0..1 + rng.small(3)).map(|_| *rng.pick(&tokens)).collect()
    };
    chosen.sort_unstable();
    chosen.dedup();
    let same = number_replacement(data, chosen[0], rng);
    let mut out = Vec::with_capacity(data.len());
    let mut copied = 0;
    for range in chosen {
        out.extend_from_slice(&data[copied..range.0]);
        if all {
            out.extend_from_slice(&same);
        } else {
            out.extend(number_replacement(data, range, rng));
        }
        copied = range.1;
        if out.len() > MAX_INPUT {
            break;
        }
    }
    out.extend_from_slice(&data[copied.min(data.len())..]);
    out
}

fn number_replacement(data: &[u8], (start, end): (usize, usize), rng: &mut Rng) -> Vec<u8> {
    let original = &data[start..end];
    match rng.below(8) {
        0 => {
            let mut v = b"-".to_vec();
            v.extend_from_slice(original.strip_prefix(b"-").unwrap_or(original));
            v
        }
        1 => {
            let mut v = original.to_vec();
            v.extend_from_slice(b"000000000000");
            v
        }
        _ => rng.pick(NUMBERS).as_bytes().to_vec(),
    }
}

/// The byte ranges of the strings of the input: JSON string contents, XML
/// text and attribute values, otherwise words and lines.
fn string_tokens(data: &[u8], syntax: Syntax) -> Vec<(usize, usize)> {
    match syntax {
        Syntax::Json => json_strings(data),
        Syntax::Xml => xml_strings(data),
        Syntax::Yaml | Syntax::Delimited | Syntax::Lines => {
            let separators: &[u8] = match syntax {
                Syntax::Yaml => b" \t\r\n:{}[],#'\"",
                Syntax::Delimited => b",\t\r\n\"",
                _ => b" \t\r\n",
            };
            let mut out = words(data, separators);
            out.extend(words(data, b"\r\n"));
            out
        }
    }
}

fn words(data: &[u8], separators: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in data.iter().enumerate() {
        let sep = separators.contains(b);
        match (start, sep) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, data.len()));
    }
    out
}

/// Where the JSON string whose contents start at `from` ends: its closing
/// quote, or past the end of `data`.
pub(crate) fn json_string_end(data: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < data.len() && data[i] != b'"' {
        i += if data[i] == b'\\' { 2 } else { 1 };
    }
    i
}

fn json_strings(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        i = json_string_end(data, start);
        out.push((start, i.min(data.len())));
        i += 1;
    }
    out
}

pub(crate) fn xml_strings(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut in_tag = false;
    let mut text_start = 0;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'<' => {
                if !in_tag && i > text_start && !data[text_start..i].trim_ascii().is_empty() {
                    out.push((text_start, i));
                }
                in_tag = true;
            }
            b'>' if in_tag => {
                in_tag = false;
                text_start = i + 1;
            }
            q @ (b'"' | b'\'') if in_tag => {
                let start = i + 1;
                let end = data[start..]
                    .iter()
                    .position(|&b| b == q)
                    .map_or(data.len(), |p| start + p);
                out.push((start, end));
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn escape(s: &str, syntax: Syntax) -> String {
    match syntax {
        Syntax::Json => {
            let quoted = serde_json::to_string(s).unwrap_or_default();
            quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
        }
        Syntax::Xml => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;"),
        _ => s.to_string(),
    }
}

fn replace_string(data: &[u8], syntax: Syntax, env: &Env, rng: &mut Rng) -> Vec<u8> {
    let tokens = string_tokens(data, syntax);
    if tokens.is_empty() {
        return bytes(data, rng);
    }
    let range = *rng.pick(&tokens);
    let with = match rng.below(10) {
        0 | 1 => long_strings(rng),
        // Another string of the same input: duplicate names, ambiguous matches.
        2 => {
            let (s, e) = *rng.pick(&tokens);
            return splice_in(data, range, &data[s..e]);
        }
        // The string with a path prefix: a folder the item does not live in.
        3 => format!(
            "{}{}",
            rng.pick(&["../", "/", "sub/", "images/", "./", "\\"]),
            String::from_utf8_lossy(&data[range.0..range.1])
        ),
        _ => rng.pick(STRINGS).replace("{outside}", env.outside),
    };
    splice_in(data, range, escape(&with, syntax).as_bytes())
}

pub(crate) fn truncate(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    if data.is_empty() {
        return Vec::new();
    }
    let at = rng.below(data.len());
    if rng.chance(1, 4) {
        // The front cut off instead: a file that starts mid-record.
        data[at..].to_vec()
    } else {
        data[..at].to_vec()
    }
}

fn splice(data: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let a = rng.below(data.len() + 1);
    let b = rng.below(other.len() + 1);
    [&data[..a], &other[b..]].concat()
}

/// A byte order mark, UTF-16, CRLF line ends or Latin-1 bytes.
fn encoding(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    match rng.below(5) {
        0 => [b"\xEF\xBB\xBF".as_slice(), data].concat(),
        1 => {
            let text = String::from_utf8_lossy(data);
            let mut out = vec![0xFF, 0xFE];
            for unit in text.encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
        2 => String::from_utf8_lossy(data)
            .replace('\n', "\r\n")
            .into_bytes(),
        3 => String::from_utf8_lossy(data)
            .replace('\n', "\r")
            .into_bytes(),
        _ => String::from_utf8_lossy(data)
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
    }
}

/// Bytes that end strings, escapes, tags and UTF-8 sequences.
const INTERESTING_BYTES: &[u8] = &[
    0x00, 0xFF, 0x80, 0xC3, 0xE2, 0xF0, b'"', b'\'', b'\\', b'<', b'>', b'&', b'\n', b'\r', b'{',
    b'}', b'[', b']', b',', b':', b'-', b'#', b'\t', b' ',
];

pub(crate) fn bytes(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = data.to_vec();
    if out.is_empty() {
        out.push(*rng.pick(INTERESTING_BYTES));
        return out;
    }
    for _ in 0..1 + rng.small(8) {
        let at = rng.below(out.len());
        match rng.below(7) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out[at] = *rng.pick(INTERESTING_BYTES),
            2 => out[at] = rng.next_u64() as u8,
            3 => out.insert(at, *rng.pick(INTERESTING_BYTES)),
            4 => {
                let end = (at + 1 + rng.small(64)).min(out.len());
                out.drain(at..end);
                if out.is_empty() {
                    break;
                }
            }
            5 => {
                let end = (at + 1 + rng.small(256)).min(out.len());
                let piece = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            _ => {
                let escape: &[u8] = rng.pick::<&[u8]>(&[
                    b"\\ud800".as_slice(),
                    b"\\u0000",
                    b"\\",
                    b"\xED\xA0\x80",
                    b"\xF4\x90\x80\x80",
                    b"&#0;",
                    b"&#xD800;",
                    b"&undefined;",
                ]);
                out.splice(at..at, escape.iter().copied());
            }
        }
    }
    out
}
