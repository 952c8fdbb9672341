//! Conversion of text offsets between code points (what spans are stored in) and
//! the unit a file counts in. An offset that does not name a place between two
//! characters is an error, never shifted or clamped to the nearest one.

use crate::model::OffsetUnit;

/// Why an offset or a span does not fit its text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    #[error("the end {end} is before the start {start}")]
    EndBeforeStart { start: usize, end: usize },

    #[error("offset {offset} is beyond the end of the text, which is {len} {} long", unit_name(*.unit))]
    BeyondText {
        offset: usize,
        len: usize,
        unit: OffsetUnit,
    },

    #[error(
        "UTF-16 offset {offset} falls between the two halves of the surrogate pair of {ch:?} (U+{:04X})",
        u32::from(*.ch)
    )]
    SplitsSurrogatePair { offset: usize, ch: char },

    #[error(
        "byte offset {offset} is not on a UTF-8 character boundary: it falls inside {ch:?} (U+{:04X})",
        u32::from(*.ch)
    )]
    NotCharBoundary { offset: usize, ch: char },
}

fn unit_name(unit: OffsetUnit) -> &'static str {
    match unit {
        OffsetUnit::CodePoint => "code points",
        OffsetUnit::Utf16 => "UTF-16 units",
        OffsetUnit::Byte => "bytes",
    }
}

/// Where a non-ASCII character starts, in each unit.
#[derive(Clone, Copy, Debug)]
struct Wide {
    code_point: usize,
    byte: usize,
    utf16: usize,
    ch: char,
}

impl Wide {
    fn start(&self, unit: OffsetUnit) -> usize {
        match unit {
            OffsetUnit::CodePoint => self.code_point,
            OffsetUnit::Utf16 => self.utf16,
            OffsetUnit::Byte => self.byte,
        }
    }

    fn len(&self, unit: OffsetUnit) -> usize {
        match unit {
            OffsetUnit::CodePoint => 1,
            OffsetUnit::Utf16 => self.ch.len_utf16(),
            OffsetUnit::Byte => self.ch.len_utf8(),
        }
    }

    fn end(&self, unit: OffsetUnit) -> usize {
        self.start(unit) + self.len(unit)
    }
}

/// Offset conversion for one text, built once and used for all of its spans.
///
/// Between two non-ASCII characters every unit advances in step, so the index
/// keeps only the non-ASCII characters, sorted, and a conversion is one binary
/// search plus a subtraction. Pure-ASCII text keeps nothing: all units are equal.
#[derive(Clone, Debug)]
pub struct OffsetIndex<'t> {
    text: &'t str,
    code_points: usize,
    utf16_len: usize,
    wide: Vec<Wide>,
    /// `wide` holds only the astral characters (those UTF-16 counts twice); byte
    /// offsets are then found by walking the text.
    astral_only: bool,
}

/// Converts both ends of a span with `convert`, refusing a reversed span.
fn both_ends(
    start: usize,
    end: usize,
    convert: impl Fn(usize) -> Result<usize, OffsetError>,
) -> Result<(usize, usize), OffsetError> {
    if end < start {
        return Err(OffsetError::EndBeforeStart { start, end });
    }
    Ok((convert(start)?, convert(end)?))
}

impl<'t> OffsetIndex<'t> {
    /// An index for conversions in `unit` (any unit works, others more slowly).
    /// For code points and UTF-16 only astral characters matter, so text without
    /// emoji or rare CJK (the usual case, Chinese included) needs no table at all.
    pub fn for_unit(text: &'t str, unit: OffsetUnit) -> Self {
        if unit == OffsetUnit::Byte || text.is_ascii() {
            return Self::new(text);
        }
        let bytes = text.as_bytes();
        // An astral character is the only kind with a 4-byte UTF-8 form, lead byte 0xF0..=0xF4.
        let astral = bytes.iter().filter(|&&b| b >= 0xF0).count();
        let mut wide = Vec::with_capacity(astral);
        let (mut code_points, mut from) = (0, 0);
        if astral > 0 {
            for (byte, _) in bytes.iter().enumerate().filter(|&(_, &b)| b >= 0xF0) {
                let Some(ch) = text.get(byte..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                code_points += count_chars(&bytes[from..byte]);
                wide.push(Wide {
                    code_point: code_points,
                    byte,
                    utf16: code_points + wide.len(),
                    ch,
                });
                code_points += 1;
                from = byte + ch.len_utf8();
            }
        }
        code_points += count_chars(&bytes[from..]);
        OffsetIndex {
            text,
            code_points,
            utf16_len: code_points + wide.len(),
            wide,
            astral_only: true,
        }
    }

    /// An index for conversions in every unit.
    pub fn new(text: &'t str) -> Self {
        if text.is_ascii() {
            return OffsetIndex {
                text,
                code_points: text.len(),
                utf16_len: text.len(),
                wide: Vec::new(),
                astral_only: false,
            };
        }
        let bytes = text.as_bytes();
        // Every non-ASCII character has exactly one lead byte (0b11xx_xxxx).
        let mut wide = Vec::with_capacity(bytes.iter().filter(|&&b| b >= 0xC0).count());
        let (mut byte, mut code_points, mut utf16) = (0, 0, 0);
        loop {
            let run = ascii_prefix_len(&bytes[byte..]);
            byte += run;
            code_points += run;
            utf16 += run;
            // `byte` is always on a character boundary: only whole characters are skipped.
            let Some(ch) = text.get(byte..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            wide.push(Wide {
                code_point: code_points,
                byte,
                utf16,
                ch,
            });
            byte += ch.len_utf8();
            code_points += 1;
            utf16 += ch.len_utf16();
        }
        OffsetIndex {
            text,
            code_points,
            utf16_len: utf16,
            wide,
            astral_only: false,
        }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The length of the text in `unit`.
    pub fn len(&self, unit: OffsetUnit) -> usize {
        match unit {
            OffsetUnit::CodePoint => self.code_points,
            OffsetUnit::Utf16 => self.utf16_len,
            OffsetUnit::Byte => self.text.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Converts a span counted in `unit` to code points.
    pub fn to_code_points(
        &self,
        unit: OffsetUnit,
        start: usize,
        end: usize,
    ) -> Result<(usize, usize), OffsetError> {
        both_ends(start, end, |o| self.offset_to_code_point(unit, o))
    }

    /// Converts a span in code points to `unit`.
    pub fn from_code_points(
        &self,
        unit: OffsetUnit,
        start: usize,
        end: usize,
    ) -> Result<(usize, usize), OffsetError> {
        both_ends(start, end, |o| self.code_point_to_offset(unit, o))
    }

    /// The text between two code-point offsets, or `None` when the span does not fit.
    pub fn slice(&self, start: usize, end: usize) -> Option<&'t str> {
        let (start, end) = self.from_code_points(OffsetUnit::Byte, start, end).ok()?;
        self.text.get(start..end)
    }

    /// One offset in `unit` as a code-point offset.
    pub fn offset_to_code_point(
        &self,
        unit: OffsetUnit,
        offset: usize,
    ) -> Result<usize, OffsetError> {
        let len = self.len(unit);
        if offset > len {
            return Err(OffsetError::BeyondText { offset, len, unit });
        }
        if unit == OffsetUnit::CodePoint {
            return Ok(offset);
        }
        if unit == OffsetUnit::Byte && self.astral_only {
            return self.byte_to_code_point_by_walking(offset);
        }
        // The last non-ASCII character starting at or before `offset`.
        let before = self.wide.partition_point(|w| w.start(unit) <= offset);
        let Some(w) = before.checked_sub(1).map(|i| self.wide[i]) else {
            return Ok(offset);
        };
        if offset == w.start(unit) {
            return Ok(w.code_point);
        }
        if offset < w.end(unit) {
            return Err(match unit {
                OffsetUnit::Utf16 => OffsetError::SplitsSurrogatePair { offset, ch: w.ch },
                _ => OffsetError::NotCharBoundary { offset, ch: w.ch },
            });
        }
        Ok(w.code_point + 1 + (offset - w.end(unit)))
    }

    /// One code-point offset in `unit`.
    pub fn code_point_to_offset(
        &self,
        unit: OffsetUnit,
        code_point: usize,
    ) -> Result<usize, OffsetError> {
        if code_point > self.code_points {
            return Err(OffsetError::BeyondText {
                offset: code_point,
                len: self.code_points,
                unit: OffsetUnit::CodePoint,
            });
        }
        if unit == OffsetUnit::CodePoint {
            return Ok(code_point);
        }
        if unit == OffsetUnit::Byte && self.astral_only {
            let byte = self
                .text
                .char_indices()
                .nth(code_point)
                .map(|(byte, _)| byte);
            return Ok(byte.unwrap_or(self.text.len()));
        }
        let before = self.wide.partition_point(|w| w.code_point < code_point);
        Ok(match before.checked_sub(1).map(|i| self.wide[i]) {
            None => code_point,
            Some(w) => w.end(unit) + (code_point - w.code_point - 1),
        })
    }
}

impl OffsetIndex<'_> {
    fn byte_to_code_point_by_walking(&self, offset: usize) -> Result<usize, OffsetError> {
        if self.text.is_char_boundary(offset) {
            return Ok(count_chars(&self.text.as_bytes()[..offset]));
        }
        let start = (0..offset).rev().find(|&i| self.text.is_char_boundary(i));
        let ch = start
            .and_then(|i| self.text.get(i..))
            .and_then(|rest| rest.chars().next());
        Err(OffsetError::NotCharBoundary {
            offset,
            ch: ch.unwrap_or(char::REPLACEMENT_CHARACTER),
        })
    }
}

/// The number of characters in valid UTF-8: every byte that is not a continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// How many bytes at the start of `bytes` are ASCII, eight at a time.
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let (words, _) = bytes.as_chunks::<8>();
    let whole = words
        .iter()
        .position(|word| u64::from_ne_bytes(*word) & 0x8080_8080_8080_8080 != 0)
        .unwrap_or(words.len())
        * 8;
    whole
        + bytes[whole..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - whole)
}

/// The text between two code-point offsets, or `None` when the span does not fit.
/// Walks the text once; for many spans of one text build an [`OffsetIndex`].
pub fn slice_code_points(text: &str, start: usize, end: usize) -> Option<&str> {
    if end < start {
        return None;
    }
    let mut bounds = text
        .char_indices()
        .map(|(byte, _)| byte)
        .chain(std::iter::once(text.len()));
    let start_byte = bounds.nth(start)?;
    let end_byte = if end == start {
        start_byte
    } else {
        bounds.nth(end - start - 1)?
    };
    text.get(start_byte..end_byte)
}

/// The number of code points in `text`.
pub fn code_point_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OffsetUnit::{Byte, CodePoint, Utf16};

    /// Chinese, an emoji (astral), a ZWJ family, 𠮷 (CJK Ext B, astral), e + a
    /// combining acute, and CRLF.
    const MIXED: &str = "中文😀 👨\u{200D}👩\u{200D}👧 𠮷e\u{301}\r\nok";

    /// Every unit's offset of every character boundary, computed the slow way.
    fn boundaries(text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = vec![(0, 0, 0)];
        let (mut u16s, mut bytes) = (0, 0);
        for (i, ch) in text.chars().enumerate() {
            u16s += ch.len_utf16();
            bytes += ch.len_utf8();
            out.push((i + 1, u16s, bytes));
        }
        out
    }

    #[test]
    fn every_boundary_converts_both_ways() {
        let index = OffsetIndex::new(MIXED);
        for &(cp, u16s, bytes) in &boundaries(MIXED) {
            assert_eq!(index.offset_to_code_point(Utf16, u16s), Ok(cp));
            assert_eq!(index.offset_to_code_point(Byte, bytes), Ok(cp));
            assert_eq!(index.offset_to_code_point(CodePoint, cp), Ok(cp));
            assert_eq!(index.code_point_to_offset(Utf16, cp), Ok(u16s));
            assert_eq!(index.code_point_to_offset(Byte, cp), Ok(bytes));
        }
        assert_eq!(index.len(CodePoint), MIXED.chars().count());
        assert_eq!(index.len(Utf16), MIXED.encode_utf16().count());
        assert_eq!(index.len(Byte), MIXED.len());
    }

    #[test]
    fn indexes_for_one_unit_agree_with_the_full_index() {
        let texts = [
            MIXED,
            "中文没有星体字符",
            "a😀b",
            "😀",
            "e\u{301}",
            "plain",
            "",
        ];
        for text in texts {
            let full = OffsetIndex::new(text);
            for unit in OffsetUnit::ALL {
                let lean = OffsetIndex::for_unit(text, unit);
                for other in OffsetUnit::ALL {
                    assert_eq!(lean.len(other), full.len(other), "{text:?} {other:?}");
                    for offset in 0..=full.len(other) + 1 {
                        assert_eq!(
                            lean.offset_to_code_point(other, offset),
                            full.offset_to_code_point(other, offset),
                            "{text:?} built for {unit:?}, offset {offset} in {other:?}"
                        );
                    }
                    for cp in 0..=full.len(CodePoint) + 1 {
                        assert_eq!(
                            lean.code_point_to_offset(other, cp),
                            full.code_point_to_offset(other, cp)
                        );
                    }
                }
            }
        }
        assert!(
            OffsetIndex::for_unit("中文没有星体字符", Utf16)
                .wide
                .is_empty()
        );
    }

    #[test]
    fn utf16_spans_cover_the_same_text_as_code_point_spans() {
        let index = OffsetIndex::new(MIXED);
        // "😀" is code points 2..3 and UTF-16 units 2..4.
        assert_eq!(index.to_code_points(Utf16, 2, 4), Ok((2, 3)));
        assert_eq!(index.slice(2, 3), Some("😀"));
        // The ZWJ family is 5 code points (3 emoji + 2 joiners), 8 UTF-16 units.
        assert_eq!(index.to_code_points(Utf16, 5, 13), Ok((4, 9)));
        assert_eq!(index.slice(4, 9), Some("👨\u{200D}👩\u{200D}👧"));
        // 𠮷 then e + U+0301: the accent is its own code point, kept with its e.
        assert_eq!(index.to_code_points(Utf16, 14, 18), Ok((10, 13)));
        assert_eq!(index.slice(10, 13), Some("𠮷e\u{301}"));
        assert_eq!(index.slice(13, 15), Some("\r\n"));
    }

    #[test]
    fn offsets_inside_a_character_are_errors_not_shifted() {
        let index = OffsetIndex::new(MIXED);
        assert_eq!(
            index.to_code_points(Utf16, 3, 4),
            Err(OffsetError::SplitsSurrogatePair {
                offset: 3,
                ch: '😀'
            })
        );
        assert_eq!(
            index.to_code_points(Utf16, 14, 15),
            Err(OffsetError::SplitsSurrogatePair {
                offset: 15,
                ch: '𠮷'
            })
        );
        assert_eq!(
            index.to_code_points(Byte, 1, 3),
            Err(OffsetError::NotCharBoundary {
                offset: 1,
                ch: '中'
            })
        );
        let message = index.to_code_points(Utf16, 3, 4).unwrap_err().to_string();
        assert!(message.contains("surrogate pair"), "{message}");
    }

    #[test]
    fn out_of_range_and_reversed_spans_are_errors() {
        let index = OffsetIndex::new(MIXED);
        let len16 = MIXED.encode_utf16().count();
        let err = index.to_code_points(Utf16, 0, len16 + 1).unwrap_err();
        assert_eq!(
            err,
            OffsetError::BeyondText {
                offset: len16 + 1,
                len: len16,
                unit: Utf16
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "offset {} is beyond the end of the text, which is {len16} UTF-16 units long",
                len16 + 1
            )
        );
        assert_eq!(
            index.to_code_points(CodePoint, 3, 2),
            Err(OffsetError::EndBeforeStart { start: 3, end: 2 })
        );
        assert!(index.from_code_points(Utf16, 0, usize::MAX).is_err());
        assert!(index.to_code_points(Byte, usize::MAX, usize::MAX).is_err());
        assert_eq!(index.slice(0, 100), None);
    }

    #[test]
    fn ascii_text_converts_as_identity() {
        let index = OffsetIndex::new("plain text\r\n");
        assert!(index.wide.is_empty());
        for unit in OffsetUnit::ALL {
            assert_eq!(index.to_code_points(unit, 2, 7), Ok((2, 7)));
            assert_eq!(index.from_code_points(unit, 0, 12), Ok((0, 12)));
            assert!(index.to_code_points(unit, 0, 13).is_err());
        }
    }

    #[test]
    fn empty_text_has_only_offset_zero() {
        let index = OffsetIndex::new("");
        assert_eq!(index.to_code_points(Utf16, 0, 0), Ok((0, 0)));
        assert!(index.to_code_points(Utf16, 0, 1).is_err());
        assert_eq!(slice_code_points("", 0, 0), Some(""));
    }

    #[test]
    fn slice_code_points_agrees_with_the_index() {
        let index = OffsetIndex::new(MIXED);
        let n = MIXED.chars().count();
        for start in 0..=n + 1 {
            for end in 0..=n + 1 {
                assert_eq!(
                    slice_code_points(MIXED, start, end),
                    index.slice(start, end),
                    "{start}..{end}"
                );
            }
        }
        assert_eq!(slice_code_points(MIXED, 0, 2), Some("中文"));
        assert_eq!(code_point_len(MIXED), n);
    }
}
