//! Tokens for "snap to token" and double-click: runs of letters, digits and
//! underscores form a word; each CJK character (and kana) is a token of its
//! own; every other character is its own token. Combining marks and joiners
//! belong to the token of the character they attach to.

use super::clusters;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    Word,
    Ideograph,
    Space,
    Other,
}

pub fn class_of(c: char) -> TokenClass {
    if is_ideograph(c) {
        TokenClass::Ideograph
    } else if c.is_alphanumeric() || c == '_' {
        TokenClass::Word
    } else if c.is_whitespace() {
        TokenClass::Space
    } else {
        TokenClass::Other
    }
}

/// The class of the cluster that `chars[index]` belongs to.
fn class_at(chars: &[char], index: usize) -> TokenClass {
    let base = clusters::floor_boundary(chars, index);
    chars.get(base).map_or(TokenClass::Other, |c| class_of(*c))
}

fn is_word_at(chars: &[char], index: usize) -> bool {
    class_at(chars, index) == TokenClass::Word
}

/// CJK ideographs (all extensions), CJK compatibility ideographs, 々 〇, and kana.
pub fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}'
    )
}

/// Extends `range` to whole words at both ends and trims surrounding
/// whitespace. Ideographs and punctuation are not extended. The result is
/// never empty unless the input range selects nothing at all.
pub fn snap(chars: &[char], range: Range<usize>) -> Range<usize> {
    let len = chars.len();
    let (mut start, mut end) = (range.start.min(len), range.end.min(len));
    if start >= end {
        return start..start;
    }
    let trimmed_start = (start..end).find(|i| class_at(chars, *i) != TokenClass::Space);
    if let Some(first) = trimmed_start {
        start = first;
        end = (start..end)
            .rev()
            .find(|i| class_at(chars, *i) != TokenClass::Space)
            .map_or(end, |last| last + 1);
    }
    if is_word_at(chars, start) {
        while start > 0 && is_word_at(chars, start - 1) {
            start -= 1;
        }
    }
    if is_word_at(chars, end - 1) {
        while end < len && is_word_at(chars, end) {
            end += 1;
        }
    }
    let (start, end) = clusters::widen(chars, start, end);
    start..end
}

/// The token around `chars[index]`: its word, or its single cluster.
pub fn token_at(chars: &[char], index: usize) -> Range<usize> {
    if chars.is_empty() {
        return 0..0;
    }
    let index = index.min(chars.len() - 1);
    if is_word_at(chars, index) {
        return snap(chars, index..index + 1);
    }
    let start = clusters::floor_boundary(chars, index);
    start..clusters::next_boundary(chars, start)
}

/// The next token boundary after `index` (for keyboard steps in snap mode).
pub fn next_token_boundary(chars: &[char], index: usize) -> usize {
    if index >= chars.len() {
        return chars.len();
    }
    token_at(chars, index).end.max(index + 1)
}

/// The previous token boundary before `index`.
pub fn previous_token_boundary(chars: &[char], index: usize) -> usize {
    let index = index.min(chars.len());
    if index == 0 {
        return 0;
    }
    token_at(chars, index - 1).start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn snap_extends_partial_words_to_word_boundaries() {
        let c = chars("say hello world now");
        // "say hel|lo wor|ld now": from inside "hello" to inside "world".
        assert_eq!(snap(&c, 7..13), 4..15);
    }

    #[test]
    fn snap_trims_surrounding_spaces() {
        let c = chars("say hello world");
        assert_eq!(snap(&c, 3..10), 4..9);
        // Only spaces: left alone rather than emptied.
        assert_eq!(snap(&c, 3..4), 3..4);
    }

    #[test]
    fn snap_leaves_chinese_characters_alone() {
        let c = chars("贵州猕猴桃很甜");
        assert_eq!(snap(&c, 2..4), 2..4);
    }

    #[test]
    fn snap_stops_at_chinese_next_to_latin() {
        let c = chars("在Beijing大学");
        assert_eq!(snap(&c, 3..5), 1..8);
    }

    #[test]
    fn snap_keeps_combining_marks_in_the_word() {
        let c = chars("un cafe\u{301} noir");
        assert_eq!(snap(&c, 4..5), 3..8);
        let c = chars("cafe\u{301}");
        assert_eq!(snap(&c, 0..1), 0..5);
    }

    #[test]
    fn snap_counts_digits_and_underscores_as_word() {
        let c = chars("id: foo_bar42!");
        assert_eq!(snap(&c, 6..7), 4..13);
    }

    #[test]
    fn snap_clamps_out_of_range_input() {
        let c = chars("abc");
        assert_eq!(snap(&c, 1..99), 0..3);
        assert_eq!(snap(&c, 5..9), 3..3);
        assert_eq!(snap(&[], 0..1), 0..0);
    }

    #[test]
    fn token_at_gives_word_or_single_cluster() {
        let c = chars("hi 贵州 👨\u{200D}👩\u{200D}👧!");
        assert_eq!(token_at(&c, 1), 0..2);
        assert_eq!(token_at(&c, 4), 4..5);
        assert_eq!(token_at(&c, 8), 6..11);
        assert_eq!(token_at(&c, 11), 11..12);
        assert_eq!(token_at(&c, 99), 11..12);
        assert_eq!(token_at(&[], 0), 0..0);
    }

    #[test]
    fn token_steps() {
        let c = chars("ab cd贵");
        assert_eq!(next_token_boundary(&c, 0), 2);
        assert_eq!(next_token_boundary(&c, 2), 3);
        assert_eq!(next_token_boundary(&c, 4), 5);
        assert_eq!(next_token_boundary(&c, 5), 6);
        assert_eq!(next_token_boundary(&c, 6), 6);
        assert_eq!(previous_token_boundary(&c, 6), 5);
        assert_eq!(previous_token_boundary(&c, 5), 3);
        assert_eq!(previous_token_boundary(&c, 1), 0);
        assert_eq!(previous_token_boundary(&c, 0), 0);
    }

    #[test]
    fn ext_b_character_is_an_ideograph() {
        assert_eq!(class_of('𠮷'), TokenClass::Ideograph);
        assert_eq!(class_of('a'), TokenClass::Word);
        assert_eq!(class_of('，'), TokenClass::Other);
    }
}
