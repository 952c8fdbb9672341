//! Label files (a box a line) and split list files (an image path a line).

use super::classes::MAX_CLASS_ID;
use crate::formats::label_paths::relative_problem;

/// One box line of a label file, normalised to the image size.
#[derive(Clone, Debug, PartialEq)]
pub struct YoloBox {
    /// 1-based line number.
    pub line: usize,
    pub class: u32,
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
    pub h: f64,
    /// The 6th column of prediction files.
    pub confidence: Option<f32>,
}

/// A line that could not be taken, or was taken with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

const COLUMNS: [&str; 6] = ["class", "cx", "cy", "w", "h", "confidence"];

/// Parses a label file. Lines that cannot be read as boxes are reported and
/// skipped; blank lines are ignored. A file that is not UTF-8 text (UTF-16, or
/// binary) is one problem on line 0 and no boxes.
pub fn parse_label_file(bytes: &[u8]) -> (Vec<YoloBox>, Vec<LineProblem>) {
    let mut boxes = Vec::new();
    let mut problems = Vec::new();
    if let Some(message) = encoding_problem(bytes) {
        problems.push(LineProblem { line: 0, message });
        return (boxes, problems);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let parsed = std::str::from_utf8(raw)
            .map_err(|_| "the line is not UTF-8 text".to_string())
            .and_then(|text| parse_box_line(text, line));
        match parsed {
            Ok(Some((b, note))) => {
                boxes.push(b);
                if let Some(message) = note {
                    problems.push(LineProblem { line, message });
                }
            }
            Ok(None) => {}
            Err(message) => problems.push(LineProblem { line, message }),
        }
    }
    (boxes, problems)
}

fn encoding_problem(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        Some("the file is UTF-16 text; YOLO label files are ASCII (UTF-8)".into())
    } else if bytes.contains(&0) {
        Some("the file holds NUL bytes: it is not a text label file".into())
    } else {
        None
    }
}

/// A box and, when its confidence had to be dropped, why. `Ok(None)` for a blank line.
fn parse_box_line(text: &str, line: usize) -> Result<Option<(YoloBox, Option<String>)>, String> {
    let mut columns = [""; 6];
    let mut count = 0;
    for part in text.split_ascii_whitespace() {
        if count < columns.len() {
            columns[count] = part;
        }
        count += 1;
    }
    match count {
        0 => return Ok(None),
        5 | 6 => {}
        n if n > 6 && n % 2 == 1 => {
            return Err(format!(
                "{n} columns look like a segmentation polygon; only boxes \
                 (class cx cy w h, and an optional confidence) are imported"
            ));
        }
        n => {
            return Err(format!(
                "expected 5 columns (class cx cy w h) or 6 (with a confidence), found {n}"
            ));
        }
    }
    let class = parse_class(columns[0])?;
    let mut values = [0f64; 4];
    for (k, value) in values.iter_mut().enumerate() {
        *value = parse_number(columns[k + 1], k + 1)?;
    }
    let [cx, cy, w, h] = values;
    if w <= 0.0 || h <= 0.0 {
        return Err(format!(
            "the box has no area: width {w} and height {h} must be positive"
        ));
    }
    let (confidence, note) = if count == 6 {
        match parse_number(columns[5], 5) {
            Ok(c) => (Some(c as f32), None),
            Err(message) => (None, Some(format!("{message}; the box is kept without it"))),
        }
    } else {
        (None, None)
    };
    let yolo = YoloBox {
        line,
        class,
        cx,
        cy,
        w,
        h,
        confidence,
    };
    Ok(Some((yolo, note)))
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
            "class id {id} is above {MAX_CLASS_ID}, the largest Shugu takes; the box was skipped"
        )),
        None => Err(format!(
            "class id `{text}` is not a non-negative whole number"
        )),
    }
}

fn parse_number(text: &str, column: usize) -> Result<f64, String> {
    let name = COLUMNS[column];
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!(
            "{name} `{text}` (column {}) is not a finite number",
            column + 1
        )),
        Err(_) => Err(format!(
            "{name} `{text}` (column {}) is not a number",
            column + 1
        )),
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
