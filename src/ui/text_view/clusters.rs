//! Boundaries between user-perceived characters, so a selection never cuts an
//! emoji ZWJ sequence or a base letter from its combining accent.
//!
//! egui lays text out by grapheme cluster but only exposes code-point cursors,
//! and the crate has no Unicode segmentation dependency of its own, so this is
//! a close approximation of UAX #29: combining marks, joiners, variation
//! selectors, emoji modifiers, tag sequences and regional-indicator pairs stay
//! with the character before them. `\r` is always its own cluster (the `\n` of
//! a CRLF is never inside a laid-out block).

const ZWJ: char = '\u{200D}';

/// Real clusters are a handful of chars; looking no further than this keeps
/// pathological input (thousands of stacked accents) from being quadratic.
const MAX_CLUSTER_CHARS: usize = 64;

/// Is there a cluster boundary before `chars[index]`? The ends always are.
pub fn is_boundary(chars: &[char], index: usize) -> bool {
    if index == 0 || index >= chars.len() {
        return true;
    }
    let (prev, c) = (chars[index - 1], chars[index]);
    if prev == '\r' || c == '\r' {
        return true;
    }
    if is_regional_indicator(c) && is_regional_indicator(prev) {
        // Flags pair up from the start of the run: a boundary after each pair.
        let run = chars[..index]
            .iter()
            .rev()
            .take(MAX_CLUSTER_CHARS)
            .take_while(|c| is_regional_indicator(**c))
            .count();
        return run % 2 == 0;
    }
    !(prev == ZWJ || extends_previous(c))
}

/// The boundary at or before `index` (clamped to the text).
pub fn floor_boundary(chars: &[char], index: usize) -> usize {
    let start = index.min(chars.len());
    let mut i = start;
    while !is_boundary(chars, i) && start - i < MAX_CLUSTER_CHARS {
        i -= 1;
    }
    i
}

/// The boundary at or after `index` (clamped to the text).
pub fn ceil_boundary(chars: &[char], index: usize) -> usize {
    let start = index.min(chars.len());
    let mut i = start;
    while !is_boundary(chars, i) && i - start < MAX_CLUSTER_CHARS {
        i += 1;
    }
    i
}

/// The next boundary after `index`, or the end.
pub fn next_boundary(chars: &[char], index: usize) -> usize {
    ceil_boundary(chars, index.saturating_add(1))
}

/// The previous boundary before `index`, or the start.
pub fn previous_boundary(chars: &[char], index: usize) -> usize {
    floor_boundary(chars, index.min(chars.len()).saturating_sub(1))
}

/// Widens `start..end` to whole clusters.
pub fn widen(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    (floor_boundary(chars, start), ceil_boundary(chars, end))
}

fn extends_previous(c: char) -> bool {
    c == ZWJ
        || is_combining_mark(c)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}') // variation selectors
        || matches!(c, '\u{1F3FB}'..='\u{1F3FF}') // emoji skin-tone modifiers
        || matches!(c, '\u{E0020}'..='\u{E007F}') // emoji tag sequences
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// Nonspacing and enclosing marks of the common blocks, plus the dependent
/// vowel signs of the Indic and Southeast Asian scripts.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}' | '\u{05BF}' | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}' | '\u{05C7}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}'
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{093C}' | '\u{093E}'..='\u{094F}' | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}'
        | '\u{0981}'..='\u{0983}' | '\u{09BC}' | '\u{09BE}'..='\u{09CD}' | '\u{09D7}' | '\u{09E2}'..='\u{09E3}'
        | '\u{0A01}'..='\u{0A03}' | '\u{0A3C}'..='\u{0A51}' | '\u{0A70}'..='\u{0A71}' | '\u{0A75}'
        | '\u{0A81}'..='\u{0A83}' | '\u{0ABC}' | '\u{0ABE}'..='\u{0ACD}' | '\u{0AE2}'..='\u{0AE3}'
        | '\u{0B01}'..='\u{0B03}' | '\u{0B3C}' | '\u{0B3E}'..='\u{0B57}' | '\u{0B62}'..='\u{0B63}'
        | '\u{0B82}' | '\u{0BBE}'..='\u{0BCD}' | '\u{0BD7}'
        | '\u{0C00}'..='\u{0C04}' | '\u{0C3E}'..='\u{0C56}' | '\u{0C62}'..='\u{0C63}'
        | '\u{0C81}'..='\u{0C83}' | '\u{0CBC}' | '\u{0CBE}'..='\u{0CD6}' | '\u{0CE2}'..='\u{0CE3}'
        | '\u{0D00}'..='\u{0D03}' | '\u{0D3B}'..='\u{0D3C}' | '\u{0D3E}'..='\u{0D4D}' | '\u{0D57}'
        | '\u{0D62}'..='\u{0D63}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{0EB1}' | '\u{0EB4}'..='\u{0EBC}' | '\u{0EC8}'..='\u{0ECE}'
        | '\u{0F18}'..='\u{0F19}' | '\u{0F35}' | '\u{0F37}' | '\u{0F39}' | '\u{0F71}'..='\u{0F84}'
        | '\u{0F86}'..='\u{0F87}' | '\u{0F8D}'..='\u{0FBC}'
        | '\u{102B}'..='\u{103E}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{302A}'..='\u{302F}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE20}'..='\u{FE2F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn boundaries(s: &str) -> Vec<usize> {
        let c = chars(s);
        (0..=c.len()).filter(|i| is_boundary(&c, *i)).collect()
    }

    #[test]
    fn plain_chinese_and_astral_chars_are_one_cluster_each() {
        assert_eq!(boundaries("贵州𠮷😀"), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn combining_accent_stays_with_its_letter() {
        // "e" + U+0301 + "x"
        assert_eq!(boundaries("e\u{301}x"), vec![0, 2, 3]);
    }

    #[test]
    fn zwj_family_is_one_cluster() {
        let family = "a👨\u{200D}👩\u{200D}👧b";
        assert_eq!(boundaries(family), vec![0, 1, 6, 7]);
    }

    #[test]
    fn flags_pair_up() {
        // Two flags (four regional indicators) then a letter.
        assert_eq!(
            boundaries("\u{1F1E8}\u{1F1F3}\u{1F1EF}\u{1F1F5}x"),
            vec![0, 2, 4, 5]
        );
    }

    #[test]
    fn skin_tone_and_variation_selector_extend() {
        assert_eq!(boundaries("👍\u{1F3FD}❤\u{FE0F}"), vec![0, 2, 4]);
    }

    #[test]
    fn carriage_return_is_its_own_cluster() {
        assert_eq!(boundaries("a\r\u{301}"), vec![0, 1, 2, 3]);
    }

    #[test]
    fn endless_accents_are_cut_into_bounded_clusters() {
        let mut text = String::from("a");
        text.push_str(&"\u{301}".repeat(10_000));
        let c = chars(&text);
        let end = next_boundary(&c, 0);
        assert!((1..=MAX_CLUSTER_CHARS + 1).contains(&end), "{end}");
        assert!(floor_boundary(&c, 5_000) >= 5_000 - MAX_CLUSTER_CHARS);
    }

    #[test]
    fn stepping_and_widening_skip_inside_clusters() {
        let c = chars("a👨\u{200D}👩\u{200D}👧b");
        assert_eq!(next_boundary(&c, 1), 6);
        assert_eq!(previous_boundary(&c, 6), 1);
        assert_eq!(previous_boundary(&c, 4), 1);
        assert_eq!(widen(&c, 3, 4), (1, 6));
        assert_eq!(next_boundary(&c, 7), 7);
        assert_eq!(previous_boundary(&c, 0), 0);
        assert_eq!(widen(&c, 50, 90), (7, 7));
    }
}
