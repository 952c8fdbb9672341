//! DOTA oriented-box labels, both ways: one `labelTxt/<image>.txt` per
//! image, a line `x1 y1 x2 y2 x3 y3 x4 y4 class difficult` in pixels of the
//! image (the four corners clockwise, as the DOTA devkit lists them),
//! optionally after `imagesource:…` and `gsd:…` header lines.
//!
//! - Reading ([`parse_dota_file`]) follows the devkit's `parse_dota_poly`:
//!   the header lines are skipped, a line of 9 columns has no `difficult`
//!   (0), one of 10 or more takes the 10th (more are noted and ignored); each
//!   line it cannot take is reported by number and the rest are kept. Corners
//!   become shapes as YOLO-OBB rows do ([`crate::formats::yolo::quad_shape`]):
//!   a rectangle a rotated box, any other quadrilateral a 4-point polygon.
//! - Writing ([`push_dota_line`]): the corners of
//!   [`crate::formats::yolo::shape_corners`], the class name with any
//!   whitespace made `-` (a name is one column, and DOTA spells `storage tank`
//!   `storage-tank`), `difficult` as 0 or 1.
//!
//! Like the YOLO module it opens no files.

use super::yolo::{LineProblem, parse_lines};
use crate::model::Point;
use std::fmt::Write;

/// One line of a DOTA label file.
#[derive(Clone, Debug, PartialEq)]
pub struct DotaRow {
    /// 1-based line number.
    pub line: usize,
    /// In pixels, as written.
    pub corners: [Point; 4],
    pub class: String,
    /// `None` when the line has no 10th column.
    pub difficult: Option<bool>,
}

/// The header keys DOTA files may start with (`imagesource:GoogleEarth`,
/// `gsd:0.146`).
const HEADER_KEYS: [&str; 2] = ["imagesource:", "gsd:"];

/// Parses a DOTA label file ([`parse_lines`]: a file that is not UTF-8 text
/// is one problem on line 0 and no rows).
pub fn parse_dota_file(bytes: &[u8]) -> (Vec<DotaRow>, Vec<LineProblem>) {
    parse_lines(bytes, |text, line| parse_line(text.trim(), line))
}

/// A row and a note when part of it was not taken; `Ok(None)` for a blank
/// or header line.
fn parse_line(text: &str, line: usize) -> Result<Option<(DotaRow, Option<String>)>, String> {
    if text.is_empty()
        || HEADER_KEYS.iter().any(|key| {
            text.get(..key.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(key))
        })
    {
        return Ok(None);
    }
    let columns: Vec<&str> = text.split_ascii_whitespace().collect();
    if columns.len() < 9 {
        return Err(format!(
            "expected 10 columns (x1 y1 x2 y2 x3 y3 x4 y4 class difficult), found {}",
            columns.len()
        ));
    }
    let mut values = [0f32; 8];
    for (k, value) in values.iter_mut().enumerate() {
        let text = columns[k];
        *value = text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{text}` (column {}) is not a finite number", k + 1))?
            as f32;
    }
    let corners = [0, 1, 2, 3].map(|i| Point::new(values[2 * i], values[2 * i + 1]));
    let mut notes = Vec::new();
    let difficult = match columns.get(9) {
        None => None,
        Some(&"0") => Some(false),
        Some(&"1") => Some(true),
        Some(other) => {
            notes.push(format!(
                "difficult `{other}` is not 0 or 1; it was left out"
            ));
            None
        }
    };
    if columns.len() > 10 {
        notes.push(format!(
            "{} columns after `difficult` were ignored",
            columns.len() - 10
        ));
    }
    let row = DotaRow {
        line,
        corners,
        class: columns[8].to_string(),
        difficult,
    };
    Ok(Some((row, (!notes.is_empty()).then(|| notes.join("; ")))))
}

/// A class name as one DOTA column (whitespace made `-`, an empty name `-`),
/// and whether it had to change.
pub fn dota_class_name(name: &str) -> (String, bool) {
    let column: String = name
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let column = if column.is_empty() {
        "-".to_string()
    } else {
        column
    };
    let changed = column != name;
    (column, changed)
}

/// Appends `x1 y1 … x4 y4 class difficult\n`, each coordinate in the
/// shortest form that reads back as the same f32.
pub fn push_dota_line(out: &mut String, corners: &[Point; 4], class: &str, difficult: bool) {
    for p in corners {
        let _ = write!(out, "{} {} ", p.x + 0.0, p.y + 0.0);
    }
    let _ = writeln!(out, "{class} {}", u8::from(difficult));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_headers_and_problems() {
        let text = "imagesource:GoogleEarth\ngsd:0.146343590398\n\
            2753 2408 2861 2385 2888 2468 2805 2502 plane 0\n\
            10 10 20 10 20 20 10 20 small-vehicle\n\
            1 2 3 4 5 6 7 8 ship 1 extra\n\
            1 2 3 4 5 6 7 x ship 0\n\
            1 2 3 ship\n\
            1 2 3 4 5 6 7 8 harbor 2\n";
        let (rows, problems) = parse_dota_file(text.as_bytes());
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].class, "plane");
        assert_eq!(rows[0].difficult, Some(false));
        assert_eq!(rows[0].corners[1], Point::new(2861.0, 2385.0));
        assert_eq!(rows[1].difficult, None);
        assert_eq!(rows[2].difficult, Some(true));
        assert_eq!(rows[3].difficult, None);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![5, 6, 7, 8], "{problems:?}");
        assert!(problems[1].message.contains("column 8"), "{problems:?}");
        let (rows, problems) = parse_dota_file(b"\xff\xfe1\x002\x00");
        assert!(rows.is_empty());
        assert_eq!(problems[0].line, 0);
    }

    #[test]
    fn written_lines_read_back() {
        let corners = [
            Point::new(1.5, 2.25),
            Point::new(10.0, 2.0),
            Point::new(10.0, 7.125),
            Point::new(0.1, 7.0),
        ];
        let (name, changed) = dota_class_name("small vehicle");
        assert!(changed);
        let mut out = String::new();
        push_dota_line(&mut out, &corners, &name, true);
        assert_eq!(out, "1.5 2.25 10 2 10 7.125 0.1 7 small-vehicle 1\n");
        let (rows, problems) = parse_dota_file(out.as_bytes());
        assert!(problems.is_empty());
        assert_eq!(rows[0].corners, corners);
        assert_eq!(rows[0].difficult, Some(true));
    }
}
