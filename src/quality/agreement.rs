//! Inter-annotator agreement: boxes matched by IoU, Cohen's kappa for
//! single-label classes, span F1 for text.

use crate::model::{BBox, ClassId};
use std::collections::HashMap;
use std::hash::Hash;

/// Two annotators' boxes on the same items, compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxAgreement {
    /// Pairs of boxes of the same class with IoU at least the threshold.
    pub matched: usize,
    pub only_first: usize,
    pub only_second: usize,
    /// 2·matched / (boxes of both); 1 when neither drew anything.
    pub f1: f64,
    /// Mean IoU of the matched pairs; `None` without any.
    pub mean_iou: Option<f64>,
}

/// Intersection over union of two boxes; 0 when either has no area.
pub fn iou(a: &BBox, b: &BBox) -> f64 {
    let w = (a.max_x.min(b.max_x) - a.min_x.max(b.min_x)).max(0.0) as f64;
    let h = (a.max_y.min(b.max_y) - a.min_y.max(b.min_y)).max(0.0) as f64;
    let inter = w * h;
    let area = |r: &BBox| ((r.max_x - r.min_x).max(0.0) * (r.max_y - r.min_y).max(0.0)) as f64;
    let union = area(a) + area(b) - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

/// Matches one item's boxes of two annotators greedily: the pair of the same
/// class with the highest IoU first, then the next among the rest, down to
/// `threshold` (0.5 is the usual). Sum several items with [`BoxAgreement::add`].
pub fn box_agreement(
    first: &[(ClassId, BBox)],
    second: &[(ClassId, BBox)],
    threshold: f64,
) -> BoxAgreement {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (ca, a)) in first.iter().enumerate() {
        for (j, (cb, b)) in second.iter().enumerate() {
            let v = iou(a, b);
            if ca == cb && v >= threshold {
                pairs.push((v, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (mut used_a, mut used_b) = (vec![false; first.len()], vec![false; second.len()]);
    let (mut matched, mut iou_sum) = (0, 0.0);
    for (v, i, j) in pairs {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            matched += 1;
            iou_sum += v;
        }
    }
    BoxAgreement::from_counts(
        matched,
        first.len() - matched,
        second.len() - matched,
        iou_sum,
    )
}

impl BoxAgreement {
    fn from_counts(matched: usize, only_first: usize, only_second: usize, iou_sum: f64) -> Self {
        let total = 2 * matched + only_first + only_second;
        BoxAgreement {
            matched,
            only_first,
            only_second,
            f1: if total == 0 {
                1.0
            } else {
                2.0 * matched as f64 / total as f64
            },
            mean_iou: (matched > 0).then(|| iou_sum / matched as f64),
        }
    }

    /// The agreement over two sets of items together.
    pub fn add(&self, other: &BoxAgreement) -> BoxAgreement {
        let sum = |a: &BoxAgreement| a.mean_iou.unwrap_or(0.0) * a.matched as f64;
        BoxAgreement::from_counts(
            self.matched + other.matched,
            self.only_first + other.only_first,
            self.only_second + other.only_second,
            sum(self) + sum(other),
        )
    }
}

/// Cohen's kappa of two annotators' single labels on the same items (pairs of
/// their labels, one pair an item): (observed − chance agreement) / (1 − chance).
/// `None` without items, or when chance agreement is already total (both gave
/// every item one and the same label), where kappa is undefined.
pub fn cohens_kappa<L: Eq + Hash>(pairs: &[(L, L)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut first: HashMap<&L, f64> = HashMap::new();
    let mut second: HashMap<&L, f64> = HashMap::new();
    for (a, b) in pairs {
        *first.entry(a).or_default() += 1.0;
        *second.entry(b).or_default() += 1.0;
    }
    let chance: f64 = first
        .iter()
        .map(|(label, na)| na / n * second.get(label).copied().unwrap_or(0.0) / n)
        .sum();
    (chance < 1.0).then(|| (observed - chance) / (1.0 - chance))
}

/// Two annotators' spans on the same texts, compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpanAgreement {
    /// F1 of spans with the same class and exactly the same range.
    pub exact_f1: f64,
    /// F1 of spans with the same class whose ranges overlap (each span matched once).
    pub overlap_f1: f64,
}

/// Spans as `(start, end, class)` in code points, on one text.
pub fn span_agreement(
    first: &[(u32, u32, ClassId)],
    second: &[(u32, u32, ClassId)],
) -> SpanAgreement {
    let total = first.len() + second.len();
    let f1 = |matched: usize| {
        if total == 0 {
            1.0
        } else {
            2.0 * matched as f64 / total as f64
        }
    };
    let mut used = vec![false; second.len()];
    let mut exact = 0;
    for a in first {
        if let Some(j) = (0..second.len()).find(|&j| !used[j] && second[j] == *a) {
            used[j] = true;
            exact += 1;
        }
    }
    let mut used = vec![false; second.len()];
    let mut overlapping = 0;
    for &(s, e, c) in first {
        let found = (0..second.len()).find(|&j| {
            let (s2, e2, c2) = second[j];
            !used[j] && c == c2 && s < e2 && s2 < e
        });
        if let Some(j) = found {
            used[j] = true;
            overlapping += 1;
        }
    }
    SpanAgreement {
        exact_f1: f1(exact),
        overlap_f1: f1(overlapping),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-4, "{a} is not {b}");
    }

    /// 2×2 tables as (yes/yes, yes/no, no/yes, no/no) counts.
    fn table(yy: usize, yn: usize, ny: usize, nn: usize) -> Vec<(bool, bool)> {
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n((true, true), yy));
        pairs.extend(std::iter::repeat_n((true, false), yn));
        pairs.extend(std::iter::repeat_n((false, true), ny));
        pairs.extend(std::iter::repeat_n((false, false), nn));
        pairs
    }

    #[test]
    fn kappa_matches_the_textbook_examples() {
        // Wikipedia, "Cohen's kappa": 50 proposals read by two readers.
        close(cohens_kappa(&table(20, 5, 10, 15)).unwrap(), 0.4);
        // The same 60% agreement gives different kappas (same article).
        close(cohens_kappa(&table(45, 15, 25, 15)).unwrap(), 0.1304);
        close(cohens_kappa(&table(25, 35, 5, 35)).unwrap(), 0.2593);
        close(cohens_kappa(&table(10, 0, 0, 10)).unwrap(), 1.0);
        assert_eq!(cohens_kappa(&table(10, 0, 0, 0)), None, "no chance to beat");
        assert_eq!(cohens_kappa::<bool>(&[]), None);
        // More than two labels: observed 4/6, chance (2·2+2·1+2·3)/36 = 1/3.
        let pairs = [
            ("猫", "猫"),
            ("狗", "狗"),
            ("鸟", "鸟"),
            ("猫", "狗"),
            ("狗", "鸟"),
            ("鸟", "鸟"),
        ];
        close(
            cohens_kappa(&pairs).unwrap(),
            (4.0 / 6.0 - 1.0 / 3.0) / (1.0 - 1.0 / 3.0),
        );
    }

    fn bx(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
        BBox::from_corners([x0, y0], [x1, y1])
    }

    #[test]
    fn boxes_match_by_class_and_iou() {
        let car = ClassId(1);
        let person = ClassId(2);
        close(
            iou(&bx(0.0, 0.0, 10.0, 10.0), &bx(5.0, 0.0, 15.0, 10.0)),
            50.0 / 150.0,
        );
        let first = [
            (car, bx(0.0, 0.0, 10.0, 10.0)),
            (car, bx(20.0, 20.0, 30.0, 30.0)),
            (person, bx(40.0, 40.0, 50.0, 50.0)),
        ];
        let second = [
            // IoU 81/100 with the first car.
            (car, bx(1.0, 1.0, 10.0, 10.0)),
            // Right place, wrong class.
            (person, bx(20.0, 20.0, 30.0, 30.0)),
            // IoU 1/3 with the person: below 0.5.
            (person, bx(45.0, 40.0, 55.0, 50.0)),
        ];
        let a = box_agreement(&first, &second, 0.5);
        assert_eq!((a.matched, a.only_first, a.only_second), (1, 2, 2));
        close(a.f1, 2.0 / 6.0);
        close(a.mean_iou.unwrap(), 0.81);
        let both = a.add(&box_agreement(&first[..1], &second[..1], 0.5));
        assert_eq!(both.matched, 2);
        close(both.f1, 4.0 / 8.0);
        let empty = box_agreement(&[], &[], 0.5);
        assert_eq!((empty.f1, empty.mean_iou), (1.0, None));
    }

    #[test]
    fn greedy_matching_takes_the_best_pair_first() {
        let c = ClassId(1);
        // The second's box overlaps both of the first's; it goes to the better one.
        let first = [(c, bx(0.0, 0.0, 10.0, 10.0)), (c, bx(2.0, 0.0, 12.0, 10.0))];
        let second = [(c, bx(2.0, 0.0, 12.0, 10.0))];
        let a = box_agreement(&first, &second, 0.5);
        assert_eq!(a.matched, 1);
        close(a.mean_iou.unwrap(), 1.0);
    }

    #[test]
    fn spans_agree_exactly_or_by_overlap() {
        let (p, o) = (ClassId(1), ClassId(2));
        let first = [(0, 2, o), (2, 6, p), (10, 12, p)];
        let second = [(0, 2, o), (2, 5, p), (10, 12, o)];
        let a = span_agreement(&first, &second);
        close(a.exact_f1, 2.0 / 6.0);
        close(a.overlap_f1, 4.0 / 6.0);
        assert_eq!(span_agreement(&[], &[]).exact_f1, 1.0);
    }
}
