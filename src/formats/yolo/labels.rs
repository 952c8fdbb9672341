//! Label files (a row of numbers a line) and split list files (an image path a line).

use super::classes::MAX_CLASS_ID;
use crate::formats::label_paths::relative_problem;

/// One row of a label file: a class id and the numbers after it, as written
/// (normalised to the image size). What they mean depends on the layout
/// ([`super::YoloLayout`]): a box, a polygon, an oriented box or a pose.
#[derive(Clone, Debug, PartialEq)]
pub struct YoloRow {
    /// 1-based line number.
    pub line: usize,
    pub class: u32,
    pub values: Vec<f64>,
}

impl YoloRow {
    /// Columns on the line, the class included.
    pub fn columns(&self) -> usize {
        self.values.len() + 1
    }
}

/// A line that could not be taken, or was taken with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

/// Parses a label file into rows of at least five columns. Lines that cannot
/// be read (a column that is not a finite number, a class id that is not a
/// whole number) are reported and skipped; blank lines are ignored. A file
/// that is not UTF-8 text (UTF-16, or binary) is one problem on line 0 and no
/// rows. A 6-column row whose last column (a detection's confidence) is not a
/// number keeps its box, with a note.
pub fn parse_label_file(bytes: &[u8]) -> (Vec<YoloRow>, Vec<LineProblem>) {
    parse_lines(bytes, parse_row)
}

/// Reads a text file of one record a line with `parse` (given the line's
/// text and 1-based number: a record and perhaps a note, `None` for a line
/// that holds none, or why the line was left out), collecting what it gives
/// and the problems by line. A UTF-8 BOM is skipped; a file that is not
/// UTF-8 text (UTF-16, or binary) is one problem on line 0 and no records.
pub fn parse_lines<T>(
    bytes: &[u8],
    mut parse: impl FnMut(&str, usize) -> Result<Option<(T, Option<String>)>, String>,
) -> (Vec<T>, Vec<LineProblem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    if let Some(message) = encoding_problem(bytes) {
        problems.push(LineProblem { line: 0, message });
        return (records, problems);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let parsed = std::str::from_utf8(raw)
            .map_err(|_| "the line is not UTF-8 text".to_string())
            .and_then(|text| parse(text, line));
        match parsed {
            Ok(Some((record, note))) => {
                records.push(record);
                if let Some(message) = note {
                    problems.push(LineProblem { line, message });
                }
            }
            Ok(None) => {}
            Err(message) => problems.push(LineProblem { line, message }),
        }
    }
    (records, problems)
}

fn encoding_problem(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        Some("the file is UTF-16 text; label files are ASCII (UTF-8)".into())
    } else if bytes.contains(&0) {
        Some("the file holds NUL bytes: it is not a text label file".into())
    } else {
        None
    }
}

/// A row and, when a detection's confidence had to be dropped, why.
/// `Ok(None)` for a blank line.
fn parse_row(text: &str, line: usize) -> Result<Option<(YoloRow, Option<String>)>, String> {
    let mut parts = text.split_ascii_whitespace();
    let Some(first) = parts.next() else {
        return Ok(None);
    };
    let mut values = Vec::with_capacity(8);
    let mut bad = None;
    for (k, part) in parts.enumerate() {
        match parse_number(part, k + 2) {
            Ok(v) => values.push(v),
            Err(message) => {
                bad.get_or_insert((k, message));
                values.push(f64::NAN);
            }
        }
    }
    let count = values.len() + 1;
    if count < 5 {
        return Err(format!(
            "expected 5 columns (class cx cy w h) or more, found {count}"
        ));
    }
    let class = parse_class(first)?;
    let note = match bad {
        None => None,
        // A detection's 6th column is its confidence: the box stands without it.
        Some((4, message)) if count == 6 => {
            values.pop();
            Some(format!("{message}; the box is kept without it"))
        }
        Some((_, message)) => return Err(message),
    };
    Ok(Some((
        YoloRow {
            line,
            class,
            values,
        },
        note,
    )))
}

fn parse_class(text: &str) -> Result<u32, String> {
    // Some tools write class ids as floats ("3.0").
    let id = text.parse::<u64>().ok().or_else(|| {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.fract() == 0.0 && (0.0..1.8e19).contains(v))
            .map(|v| v as u64)
    });
    match id {
        Some(id) if id <= u64::from(MAX_CLASS_ID) => Ok(id as u32),
        Some(id) => Err(format!(
            "class id {id} is above {MAX_CLASS_ID}, the largest Shugu takes; the row was skipped"
        )),
        None => Err(format!(
            "class id `{text}` is not a non-negative whole number"
        )),
    }
}

/// The number in 1-based `column`; the first five columns are named.
fn parse_number(text: &str, column: usize) -> Result<f64, String> {
    const NAMES: [&str; 6] = ["class", "cx", "cy", "w", "h", "confidence"];
    let name = NAMES.get(column - 1).copied().unwrap_or("value");
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!(
            "{name} `{text}` (column {column}) is not a finite number"
        )),
        Err(_) => Err(format!("{name} `{text}` (column {column}) is not a number")),
    }
}

/// Parses a split list file: one image path a line, relative to the dataset
/// root (`./` allowed, `\` read as `/`). Paths that would leave the root
/// (`..`, absolute, a drive letter) are reported, never returned. Returns
/// (1-based line, path) pairs.
pub fn parse_list_file(bytes: &[u8]) -> (Vec<(usize, String)>, Vec<LineProblem>) {
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    if let Some(message) = encoding_problem(bytes) {
        problems.push(LineProblem { line: 0, message });
        return (paths, problems);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            problems.push(LineProblem {
                line,
                message: "the line is not UTF-8 text".into(),
            });
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let path = text.replace('\\', "/");
        let mut rest = path.as_str();
        while let Some(after) = rest.strip_prefix("./") {
            rest = after;
        }
        match relative_problem(rest) {
            Some(reason) => problems.push(LineProblem {
                line,
                message: format!("`{text}`: {reason}; it was not opened"),
            }),
            None => paths.push((line, rest.to_string())),
        }
    }
    (paths, problems)
}
