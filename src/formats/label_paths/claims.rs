//! Two records (label files, tasks, image elements) that land on one item
//! never merge silently: the closer match keeps the item, and when neither is
//! closer, neither does. Either way it is reported, naming both.

use super::{MatchLevel, Matched};
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

/// Records a refusal names among the others that tie for its item.
const NAMED_OTHERS: usize = 3;

/// The items the records of one import landed on.
pub struct ItemClaims<I> {
    by_item: HashMap<I, Vec<usize>>,
    claims: Vec<Claim>,
}

struct Claim {
    /// The record as reported (`labels/a.txt`, `tasks.json: task 3`).
    record: String,
    /// The item's path.
    path: String,
    level: MatchLevel,
}

/// A record that does not keep its item, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The number [`ItemClaims::claim`] returned for it.
    pub claim: usize,
    pub message: String,
}

impl<I> Default for ItemClaims<I> {
    fn default() -> Self {
        Self {
            by_item: HashMap::new(),
            claims: Vec::new(),
        }
    }
}

impl<I: Hash + Eq> ItemClaims<I> {
    /// Notes that `record` matched `item` as `matched` says; returns the
    /// claim's number, counting from 0.
    pub fn claim<T>(&mut self, item: I, record: impl Into<String>, matched: &Matched<T>) -> usize {
        let number = self.claims.len();
        self.claims.push(Claim {
            record: record.into(),
            path: matched.path.clone(),
            level: matched.level,
        });
        self.by_item.entry(item).or_default().push(number);
        number
    }

    /// The claims that lose their item, by number: on an item claimed more
    /// than once, all but the one closest match, or all when the closest
    /// are several.
    pub fn refused(self) -> Vec<Refused> {
        let mut refused = Vec::new();
        for numbers in self.by_item.into_values().filter(|n| n.len() > 1) {
            let claims: Vec<&Claim> = numbers.iter().map(|&n| &self.claims[n]).collect();
            let best = claims
                .iter()
                .map(|c| c.level)
                .min()
                .unwrap_or(MatchLevel::Exact);
            let closest: Vec<usize> = numbers
                .iter()
                .copied()
                .filter(|&n| self.claims[n].level == best)
                .collect();
            for (&number, claim) in numbers.iter().zip(&claims) {
                let message = match closest.as_slice() {
                    [winner] if *winner == number => continue,
                    [winner] => format!(
                        "lands on the image `{}`, which {} matches more closely; not imported",
                        claim.path, self.claims[*winner].record
                    ),
                    _ => {
                        // A few of the others by name: naming all of them in
                        // each message grows with the square of their number.
                        let named: Vec<&str> = numbers
                            .iter()
                            .filter(|&&n| n != number)
                            .take(NAMED_OTHERS)
                            .map(|&n| self.claims[n].record.as_str())
                            .collect();
                        let more = numbers.len() - 1 - named.len();
                        let others = match more {
                            0 => named.join(" and "),
                            _ => format!("{} and {more} more", named.join(", ")),
                        };
                        let (verb, none) = match numbers.len() {
                            2 => ("does", "neither"),
                            _ => ("do", "none of them"),
                        };
                        format!(
                            "lands on the image `{}` as {others} {verb}; {none} is imported",
                            claim.path
                        )
                    }
                };
                refused.push(Refused {
                    claim: number,
                    message,
                });
            }
        }
        refused.sort_by_key(|r| r.claim);
        refused
    }
}

/// `items` without the elements in `ranges` (which do not overlap).
pub fn remove_ranges<T>(items: &mut Vec<T>, ranges: &[Range<usize>]) {
    if ranges.iter().all(Range::is_empty) {
        return;
    }
    let mut dropped = vec![false; items.len()];
    for range in ranges {
        for flag in dropped.get_mut(range.clone()).into_iter().flatten() {
            *flag = true;
        }
    }
    let mut index = 0;
    items.retain(|_| {
        index += 1;
        !dropped[index - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(path: &str, level: MatchLevel) -> Matched<()> {
        Matched {
            value: (),
            path: path.into(),
            level,
        }
    }

    #[test]
    fn one_claim_per_item_is_never_refused() {
        let mut claims = ItemClaims::default();
        claims.claim(1, "a.txt", &matched("a.jpg", MatchLevel::Key));
        claims.claim(2, "b.txt", &matched("b.jpg", MatchLevel::Key));
        assert!(claims.refused().is_empty());
    }

    #[test]
    fn the_closer_match_keeps_the_item() {
        let mut claims = ItemClaims::default();
        claims.claim(1, "0001.txt", &matched("0001.jpg", MatchLevel::FileName));
        claims.claim(
            1,
            "train/0001.txt",
            &matched("0001.jpg", MatchLevel::InsideRoot),
        );
        assert_eq!(
            claims.refused(),
            [Refused {
                claim: 0,
                message: "lands on the image `0001.jpg`, which train/0001.txt matches more \
                          closely; not imported"
                    .into()
            }]
        );
    }

    #[test]
    fn equal_matches_are_both_refused_naming_each_other() {
        let mut claims = ItemClaims::default();
        claims.claim(1, "labels/a.txt", &matched("a.jpg", MatchLevel::Key));
        claims.claim(2, "b.txt", &matched("b.jpg", MatchLevel::Key));
        claims.claim(1, "images/a.txt", &matched("a.jpg", MatchLevel::Key));
        let refused = claims.refused();
        assert_eq!(refused.len(), 2);
        assert_eq!(refused[0].claim, 0);
        assert!(refused[0].message.contains("as images/a.txt does; neither"));
        assert_eq!(refused[1].claim, 2);
        assert!(refused[1].message.contains("as labels/a.txt does; neither"));
    }

    #[test]
    fn many_equal_matches_name_a_few_others_each() {
        // A file that repeats one image's record many times (a fuzzer found a
        // CVAT file of 20,000): every message naming every other record took
        // gigabytes.
        let mut claims = ItemClaims::default();
        for i in 0..2000 {
            claims.claim(1, format!("image {i}"), &matched("a.jpg", MatchLevel::Key));
        }
        let refused = claims.refused();
        assert_eq!(refused.len(), 2000);
        assert!(
            refused[0].message.ends_with(
                "as image 1, image 2, image 3 and 1996 more do; none of them is imported"
            ),
            "{}",
            refused[0].message
        );
        assert!(refused.iter().all(|r| r.message.len() < 200));
    }

    #[test]
    fn ranges_are_removed() {
        let mut v: Vec<u32> = (0..10).collect();
        remove_ranges(&mut v, &[1..3, 7..8, 4..4]);
        assert_eq!(v, [0, 3, 4, 5, 6, 8, 9]);
    }
}
