//! What the class picker finds for a query, and in what order. Pure: no egui.
//!
//! A name matches a query when the name contains it, or when the query spells
//! a run of the name's pieces, each piece by a prefix of one of its
//! spellings. A piece is a Han character, spelt as itself or by any of its
//! pinyin readings, every reading of a polyphonic character counting (重 is
//! `zhong` and `chong`); or a run of other letters and digits, spelt as
//! itself. So `xr`, `xingren`, `xing ren`, `xing人` and `xingr` all find 行人,
//! `zxc` and `chongxing` find 重型车, and `tl` finds "traffic light".
//! Spaces, punctuation and case in the query do not count, nor do
//! full-width forms (NFKC).
//!
//! Order: an exact name first; then the recently used, most recent first;
//! then the rest by how well they match (name prefix, spelt from the first
//! piece, contained, spelt from a later piece), each in schema order.
//! The pinyin of every name is worked out once, when the list is built.

use pinyin::ToPinyinMulti;
use unicode_normalization::UnicodeNormalization;

/// The names a picker chooses from, with their pinyin worked out.
#[derive(Clone, Debug)]
pub struct PickList<K> {
    entries: Vec<Entry<K>>,
}

/// A name the query found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit<K> {
    pub key: K,
    /// The name in pinyin, with the readings the query spelt, when it
    /// matched through pinyin (e.g. `xíng rén` for `xr`).
    pub pinyin: Option<String>,
}

#[derive(Clone, Debug)]
struct Entry<K> {
    key: K,
    /// The name folded (NFKC, lower case), for the plain text matches.
    folded: String,
    pieces: Vec<Piece>,
}

/// A Han character, or a run of other letters and digits.
#[derive(Clone, Debug)]
struct Piece {
    /// As written in the name.
    written: String,
    /// Folded: what a query spells it as, besides its readings.
    folded: Box<[char]>,
    readings: Vec<Reading>,
}

#[derive(Clone, Debug)]
struct Reading {
    /// Toneless, as typed (`lv` and `lu` for `lü`).
    plain: Box<[char]>,
    /// With its tone mark, as shown.
    toned: &'static str,
}

/// How a piece was spelt: as written, or by one of its readings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spelt {
    Written,
    Reading(usize),
}

/// How well a name matches, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Exact,
    Prefix,
    SpeltFromStart,
    Contains,
    SpeltInside,
}

/// A query, folded once per keystroke.
struct Query {
    /// Folded and trimmed, for the plain text matches.
    text: String,
    /// Folded letters and digits only, for spelling the pieces.
    letters: Vec<char>,
}

/// The ways a query may write a character: NFKC (full-width forms),
/// lower case.
fn fold(c: char) -> impl Iterator<Item = char> {
    std::iter::once(c).nfkc().flat_map(char::to_lowercase)
}

fn fold_str(s: &str) -> String {
    s.chars().flat_map(fold).collect()
}

impl Query {
    fn new(query: &str) -> Query {
        let text = fold_str(query.trim());
        let letters = text.chars().filter(|c| c.is_alphanumeric()).collect();
        Query { text, letters }
    }
}

/// The toneless spellings of a reading: `lü` is typed `lv` or `lu`, `ê` as `e`.
fn plain_spellings(plain: &str) -> Vec<Box<[char]>> {
    let base: String = plain.replace('ê', "e");
    if base.contains('ü') {
        vec![
            base.replace('ü', "v").chars().collect(),
            base.replace('ü', "u").chars().collect(),
        ]
    } else {
        vec![base.chars().collect()]
    }
}

/// The readings of a Han character, each toneless spelling once (行 has five
/// readings but two spellings, `xing` and `hang`). `None` for any other
/// character.
fn readings_of(c: char) -> Option<Vec<Reading>> {
    let multi = c.to_pinyin_multi()?;
    let mut readings: Vec<Reading> = Vec::new();
    for reading in multi {
        for plain in plain_spellings(reading.plain()) {
            if !readings.iter().any(|r| r.plain == plain) {
                readings.push(Reading {
                    plain,
                    toned: reading.with_tone(),
                });
            }
        }
    }
    Some(readings)
}

fn pieces_of(name: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut run = String::new();
    let end_run = |run: &mut String, pieces: &mut Vec<Piece>| {
        if !run.is_empty() {
            pieces.push(Piece {
                folded: run.chars().flat_map(fold).collect(),
                written: std::mem::take(run),
                readings: Vec::new(),
            });
        }
    };
    for c in name.chars() {
        let folded: Vec<char> = fold(c).collect();
        let han = match folded.as_slice() {
            [single] => readings_of(*single),
            _ => None,
        };
        if let Some(readings) = han {
            end_run(&mut run, &mut pieces);
            pieces.push(Piece {
                written: c.to_string(),
                folded: folded.into(),
                readings,
            });
        } else if folded.iter().all(|f| f.is_alphanumeric()) {
            run.push(c);
        } else {
            end_run(&mut run, &mut pieces);
        }
    }
    end_run(&mut run, &mut pieces);
    pieces
}

impl Piece {
    fn spellings(&self) -> impl Iterator<Item = (Spelt, &[char])> {
        std::iter::once((Spelt::Written, &*self.folded)).chain(
            self.readings
                .iter()
                .enumerate()
                .map(|(i, r)| (Spelt::Reading(i), &*r.plain)),
        )
    }
}

/// A depth-first search for a way to spell `query` with pieces from
/// `start` on. Remembers the (piece, position) pairs that failed, so it
/// takes at most pieces × query length steps, times the spellings.
struct Speller<'a> {
    pieces: &'a [Piece],
    query: &'a [char],
    failed: Vec<bool>,
    path: Vec<Spelt>,
}

impl<'a> Speller<'a> {
    fn spell(pieces: &'a [Piece], query: &'a [char], start: usize) -> Option<Vec<Spelt>> {
        let mut speller = Speller {
            pieces,
            query,
            failed: vec![false; (pieces.len() + 1) * (query.len() + 1)],
            path: Vec::new(),
        };
        speller.from(start, 0).then_some(speller.path)
    }

    fn from(&mut self, piece: usize, pos: usize) -> bool {
        if pos == self.query.len() {
            return true;
        }
        let Some(current) = self.pieces.get(piece) else {
            return false;
        };
        let slot = piece * (self.query.len() + 1) + pos;
        if self.failed[slot] {
            return false;
        }
        let rest = &self.query[pos..];
        for (spelt, spelling) in current.spellings() {
            let common = spelling
                .iter()
                .zip(rest)
                .take_while(|(a, b)| a == b)
                .count();
            // Longest first: `xingren` reads 行 as `xing`, not `x`.
            for len in (1..=common).rev() {
                self.path.push(spelt);
                if self.from(piece + 1, pos + len) {
                    return true;
                }
                self.path.pop();
            }
        }
        self.failed[slot] = true;
        false
    }
}

impl<K> Entry<K> {
    fn fit(&self, query: &Query) -> Option<(Fit, Option<String>)> {
        if query.text.is_empty() {
            return Some((Fit::Prefix, None));
        }
        if self.folded == query.text {
            return Some((Fit::Exact, None));
        }
        if self.folded.starts_with(&query.text) {
            return Some((Fit::Prefix, None));
        }
        let spelt = |start: usize| {
            if query.letters.is_empty() {
                return None;
            }
            Speller::spell(&self.pieces, &query.letters, start).map(|path| (start, path))
        };
        let from_start = spelt(0);
        if from_start.is_none() && self.folded.contains(&query.text) {
            return Some((Fit::Contains, None));
        }
        let (start, path) = from_start.or_else(|| (1..self.pieces.len()).find_map(spelt))?;
        let fit = if start == 0 {
            Fit::SpeltFromStart
        } else {
            Fit::SpeltInside
        };
        Some((fit, self.pinyin(start, &path)))
    }

    /// The name in pinyin when the query spelt at least one Han character
    /// by a reading: the readings spelt, the first reading of the other Han
    /// characters, the other pieces as written.
    fn pinyin(&self, start: usize, path: &[Spelt]) -> Option<String> {
        if !path.iter().any(|s| matches!(s, Spelt::Reading(_))) {
            return None;
        }
        let shown: Vec<&str> = self
            .pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                let spelt = i.checked_sub(start).and_then(|k| path.get(k));
                let reading = match spelt {
                    Some(Spelt::Reading(r)) => piece.readings.get(*r),
                    _ => piece.readings.first(),
                };
                reading.map_or(piece.written.as_str(), |r| r.toned)
            })
            .collect();
        Some(shown.join(" "))
    }
}

impl<K: Copy + Eq> PickList<K> {
    /// Works out the pinyin of every name; do it once per schema, not per
    /// keystroke.
    pub fn new<'a>(names: impl IntoIterator<Item = (K, &'a str)>) -> PickList<K> {
        let entries = names
            .into_iter()
            .map(|(key, name)| Entry {
                key,
                folded: fold_str(name.trim()),
                pieces: pieces_of(name),
            })
            .collect();
        PickList { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names `query` finds, best first; `recent` holds the recently
    /// used keys, most recent first. An empty query finds every name.
    pub fn find(&self, query: &str, recent: &[K]) -> Vec<Hit<K>> {
        let query = Query::new(query);
        let mut found: Vec<(bool, usize, Fit, usize, Hit<K>)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(order, entry)| {
                let (fit, pinyin) = entry.fit(&query)?;
                let recency = recent
                    .iter()
                    .position(|k| *k == entry.key)
                    .unwrap_or(usize::MAX);
                let hit = Hit {
                    key: entry.key,
                    pinyin,
                };
                Some((fit != Fit::Exact, recency, fit, order, hit))
            })
            .collect();
        found.sort_by_key(|(not_exact, recency, fit, order, _)| {
            (*not_exact, *recency, *fit, *order)
        });
        found.into_iter().map(|(.., hit)| hit).collect()
    }
}

/// Puts `key` first in a most-recently-used list of at most `cap` keys;
/// returns whether the list changed.
pub fn remember<K: PartialEq>(recent: &mut Vec<K>, key: K, cap: usize) -> bool {
    if recent.first() == Some(&key) {
        return false;
    }
    recent.retain(|k| *k != key);
    recent.insert(0, key);
    recent.truncate(cap);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&'static str]) -> PickList<&'static str> {
        PickList::new(names.iter().map(|n| (*n, *n)))
    }

    fn keys(
        list: &PickList<&'static str>,
        query: &str,
        recent: &[&'static str],
    ) -> Vec<&'static str> {
        list.find(query, recent)
            .into_iter()
            .map(|h| h.key)
            .collect()
    }

    fn pinyin_of(list: &PickList<&'static str>, query: &str, name: &str) -> Option<String> {
        list.find(query, &[])
            .into_iter()
            .find(|h| h.key == name)
            .and_then(|h| h.pinyin)
    }

    #[test]
    fn han_names_are_found_by_pinyin_initials_and_full_syllables() {
        let l = list(&["car", "行人", "自行车", "人行道", "bike"]);
        assert_eq!(keys(&l, "xr", &[]), vec!["行人"]);
        for q in [
            "xingren", "xing ren", "XingRen", "xingr", "xinr", "xing人", "x人", "行r",
        ] {
            assert_eq!(keys(&l, q, &[]), vec!["行人"], "{q}");
        }
        // Spelt from the first character before spelt from a later one.
        assert_eq!(keys(&l, "rx", &[]), vec!["人行道"]);
        assert_eq!(keys(&l, "xingc", &[]), vec!["自行车"]);
        assert_eq!(keys(&l, "zxc", &[]), vec!["自行车"]);
        assert!(keys(&l, "xz", &[]).is_empty());
    }

    #[test]
    fn every_reading_of_a_polyphonic_character_counts() {
        let l = list(&["重型车", "银行", "长颈鹿"]);
        for q in ["zxc", "cxc", "zhongxingche", "chongxing", "chong xing che"] {
            assert_eq!(keys(&l, q, &[]), vec!["重型车"], "{q}");
        }
        // 行 is also háng, 长 also zhǎng.
        assert_eq!(keys(&l, "yinhang", &[]), vec!["银行"]);
        assert_eq!(keys(&l, "yinxing", &[]), vec!["银行"]);
        assert_eq!(keys(&l, "zhangjinglu", &[]), vec!["长颈鹿"]);
        assert_eq!(keys(&l, "cjl", &[]), vec!["长颈鹿"]);
    }

    #[test]
    fn the_matched_reading_is_shown() {
        let l = list(&["行人", "重型车", "银行", "SUV车", "car"]);
        assert_eq!(pinyin_of(&l, "xr", "行人").as_deref(), Some("xíng rén"));
        assert_eq!(
            pinyin_of(&l, "chong", "重型车").as_deref(),
            Some("chóng xíng chē")
        );
        assert_eq!(
            pinyin_of(&l, "zhong", "重型车").as_deref(),
            Some("zhòng xíng chē")
        );
        assert_eq!(
            pinyin_of(&l, "yinhang", "银行").as_deref(),
            Some("yín háng")
        );
        assert_eq!(pinyin_of(&l, "suvc", "SUV车").as_deref(), Some("SUV chē"));
        // Typed as written: no pinyin to show.
        assert_eq!(pinyin_of(&l, "行", "行人"), None);
        assert_eq!(pinyin_of(&l, "ca", "car"), None);
    }

    #[test]
    fn u_umlaut_is_typed_v_or_u() {
        let l = list(&["绿灯", "路灯"]);
        assert_eq!(keys(&l, "lvdeng", &[]), vec!["绿灯"]);
        assert_eq!(keys(&l, "ludeng", &[]), vec!["绿灯", "路灯"]);
        assert_eq!(pinyin_of(&l, "lvd", "绿灯").as_deref(), Some("lǜ dēng"));
    }

    #[test]
    fn latin_names_match_by_text_and_by_word_initials() {
        let l = list(&[
            "person",
            "traffic light",
            "fire_hydrant",
            "cell phone",
            "Stop Sign",
        ]);
        assert_eq!(keys(&l, "tl", &[]), vec!["traffic light"]);
        assert_eq!(keys(&l, "traffic li", &[]), vec!["traffic light"]);
        assert_eq!(keys(&l, "firehy", &[]), vec!["fire_hydrant"]);
        assert_eq!(keys(&l, "STOP", &[]), vec!["Stop Sign"]);
        assert_eq!(keys(&l, "affic", &[]), vec!["traffic light"]);
        assert_eq!(keys(&l, "ＳＴＯＰ", &[]), vec!["Stop Sign"], "full-width");
        // "phone" is inside "cell phone", "p" starts "person" and "phone".
        assert_eq!(
            keys(&l, "p", &[]),
            vec!["person", "cell phone", "Stop Sign"]
        );
    }

    #[test]
    fn order_is_exact_then_recent_then_fit_then_schema() {
        let l = list(&["carrot", "car", "scarf", "cart", "bicycle"]);
        assert_eq!(keys(&l, "car", &[]), vec!["car", "carrot", "cart", "scarf"]);
        // Recently used first, but an exact name still wins.
        assert_eq!(
            keys(&l, "car", &["scarf", "cart"]),
            vec!["car", "scarf", "cart", "carrot"]
        );
        assert_eq!(
            keys(&l, "ca", &["scarf", "cart"]),
            vec!["scarf", "cart", "carrot", "car"]
        );
    }

    #[test]
    fn an_empty_query_lists_recent_then_schema_order() {
        let l = list(&["a", "b", "c", "d"]);
        assert_eq!(keys(&l, "", &[]), vec!["a", "b", "c", "d"]);
        assert_eq!(keys(&l, "  ", &["c", "a"]), vec!["c", "a", "b", "d"]);
        // A key no longer in the list is ignored.
        assert_eq!(keys(&l, "", &["gone", "d"]), vec!["d", "a", "b", "c"]);
    }

    #[test]
    fn punctuation_only_queries_match_text_only() {
        let l = list(&["a-b", "ab"]);
        assert_eq!(keys(&l, "-", &[]), vec!["a-b"]);
        assert_eq!(keys(&l, "a b", &[]), vec!["a-b", "ab"]);
    }

    #[test]
    fn remember_keeps_the_most_recent_first_without_repeats() {
        let mut recent = vec![3, 1, 2];
        assert!(remember(&mut recent, 2, 3));
        assert_eq!(recent, vec![2, 3, 1]);
        assert!(remember(&mut recent, 9, 3));
        assert_eq!(recent, vec![9, 2, 3]);
        assert!(!remember(&mut recent, 9, 3), "already first");
        assert_eq!(recent, vec![9, 2, 3]);
    }

    #[test]
    fn a_thousand_names_filter_within_a_frame() {
        let names: Vec<String> = (0..1000)
            .map(|i| match i % 4 {
                0 => format!("行人{i}"),
                1 => format!("重型车 {i}"),
                2 => format!("traffic light {i}"),
                _ => format!("长颈鹿之{i}号"),
            })
            .collect();
        let started = std::time::Instant::now();
        let l = PickList::new(names.iter().enumerate().map(|(i, n)| (i, n.as_str())));
        let built = started.elapsed();
        let queries = [
            "x",
            "xr",
            "xingren",
            "zhongxingche",
            "cjl",
            "zz",
            "tl",
            "light 99",
            "q",
        ];
        let started = std::time::Instant::now();
        let mut total = 0;
        for q in queries {
            total += l.find(q, &[1, 2, 3]).len();
        }
        let per_query = started.elapsed() / queries.len() as u32;
        assert!(total > 1000);
        // Unoptimised test builds on a busy machine: a frame is 16 ms.
        assert!(per_query.as_millis() < 16, "{per_query:?} per query");
        assert!(built.as_millis() < 200, "{built:?} to build");
    }
}
