//! The document split into blocks, the units laid out as one galley each: a
//! paragraph (the text between `\n`s, without them), or a piece of a very long
//! paragraph so that no single layout is slow. Offsets are code points.

use super::{clusters, tokens};
use std::ops::Range;

/// Paragraphs longer than this are laid out in pieces; each piece starts a new
/// row, at a word or CJK boundary where there is one.
pub const MAX_BLOCK_CHARS: usize = 1500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Document code points; never includes a `\n`.
    pub chars: Range<usize>,
    /// The same text as byte offsets into the document.
    pub bytes: Range<usize>,
}

pub struct Document {
    /// Every code point, for random access by offset.
    pub chars: Vec<char>,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(text: &str) -> Self {
        Self::with_max_block(text, MAX_BLOCK_CHARS)
    }

    pub fn with_max_block(text: &str, max_block_chars: usize) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut blocks = Vec::new();
        let (mut char_start, mut byte_start) = (0, 0);
        for paragraph in text.split('\n') {
            let char_len = paragraph.chars().count();
            split_paragraph(
                &chars,
                char_start..char_start + char_len,
                byte_start,
                max_block_chars.max(1),
                &mut blocks,
            );
            char_start += char_len + 1;
            byte_start += paragraph.len() + 1;
        }
        Self { chars, blocks }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// The block holding the char at `index`, or ending at `index` when that
    /// is a `\n` or the end of the text.
    pub fn block_of(&self, index: usize) -> usize {
        self.blocks
            .partition_point(|b| b.chars.start <= index)
            .saturating_sub(1)
    }

    /// The block's text as displayed: one char per document char, so
    /// galley cursors are block-relative code points.
    pub fn display_text(&self, text: &str, block: usize) -> String {
        let bytes = self.blocks[block].bytes.clone();
        text.get(bytes)
            .unwrap_or_default()
            .chars()
            .map(display_char)
            .collect()
    }
}

/// Control characters have no glyph: `\r` becomes an invisible zero-width
/// space, other controls a visible middle dot, tabs stay tabs.
pub fn display_char(c: char) -> char {
    match c {
        '\r' => '\u{200B}',
        '\t' => '\t',
        c if c.is_control() => '\u{00B7}',
        c => c,
    }
}

fn split_paragraph(
    chars: &[char],
    paragraph: Range<usize>,
    byte_start: usize,
    max_chars: usize,
    out: &mut Vec<Block>,
) {
    let (mut start, mut byte) = (paragraph.start, byte_start);
    loop {
        let end = if paragraph.end - start <= max_chars {
            paragraph.end
        } else {
            split_point(chars, start, start + max_chars)
        };
        let byte_len: usize = chars[start..end].iter().map(|c| c.len_utf8()).sum();
        out.push(Block {
            chars: start..end,
            bytes: byte..byte + byte_len,
        });
        if end >= paragraph.end {
            return;
        }
        (start, byte) = (end, byte + byte_len);
    }
}

/// Where to end a piece that may not go past `limit`: after a space, or
/// next to a CJK character, in the second half of the piece; else at the
/// cluster boundary nearest the limit.
fn split_point(chars: &[char], start: usize, limit: usize) -> usize {
    let is_break = |i: usize| {
        let (before, after) = (chars[i - 1], chars[i]);
        clusters::is_boundary(chars, i)
            && (before.is_whitespace()
                || tokens::is_ideograph(before)
                || tokens::is_ideograph(after))
    };
    let half = start + (limit - start) / 2;
    (half.max(start + 1)..=limit)
        .rev()
        .find(|i| is_break(*i))
        .unwrap_or_else(|| {
            let at = clusters::floor_boundary(chars, limit);
            if at > start {
                at
            } else {
                clusters::ceil_boundary(chars, limit)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(doc: &Document) -> Vec<Range<usize>> {
        doc.blocks.iter().map(|b| b.chars.clone()).collect()
    }

    fn texts(doc: &Document, text: &str) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| text[b.bytes.clone()].to_string())
            .collect()
    }

    #[test]
    fn paragraphs_become_blocks_without_their_newlines() {
        let text = "贵州\r\n\nb😀";
        let doc = Document::new(text);
        assert_eq!(ranges(&doc), vec![0..3, 4..4, 5..7]);
        assert_eq!(texts(&doc, text), vec!["贵州\r", "", "b😀"]);
        assert_eq!(doc.len(), 7);
    }

    #[test]
    fn empty_text_and_trailing_newline() {
        assert_eq!(ranges(&Document::new("")), vec![0..0]);
        assert_eq!(ranges(&Document::new("ab\n")), vec![0..2, 3..3]);
    }

    #[test]
    fn block_of_maps_chars_newlines_and_end() {
        let doc = Document::new("ab\ncd\n\ne");
        // blocks: 0..2, 3..5, 6..6, 7..8
        let got: Vec<usize> = (0..=8).map(|i| doc.block_of(i)).collect();
        assert_eq!(got, vec![0, 0, 0, 1, 1, 1, 2, 3, 3]);
    }

    #[test]
    fn long_paragraphs_split_at_spaces_or_cjk_and_cover_everything() {
        let text = "alpha beta gamma delta 贵州猕猴桃 epsilon";
        let doc = Document::with_max_block(text, 8);
        let pieces = texts(&doc, text);
        assert_eq!(pieces.concat(), text);
        for (block, piece) in doc.blocks.iter().zip(&pieces) {
            assert!(block.chars.len() <= 8, "{piece:?}");
            assert_eq!(piece.chars().count(), block.chars.len());
        }
        assert_eq!(pieces[0], "alpha ");
        assert_eq!(pieces[1], "beta ");
    }

    #[test]
    fn splitting_never_cuts_a_cluster() {
        let family = "👨\u{200D}👩\u{200D}👧";
        let text = family.repeat(5);
        let doc = Document::with_max_block(&text, 7);
        for piece in texts(&doc, &text) {
            assert_eq!(piece.chars().count() % 5, 0, "{piece:?}");
        }
    }

    #[test]
    fn display_text_keeps_one_char_per_char() {
        let text = "a\r\u{1}\tb";
        let doc = Document::new(text);
        let shown = doc.display_text(text, 0);
        assert_eq!(shown, "a\u{200B}\u{00B7}\tb");
        assert_eq!(shown.chars().count(), text.chars().count());
    }
}
