//! Inter-annotator agreement: annotations matched by how alike their shapes
//! are ([`Shape::similarity`]: IoU for areas, OKS for keypoints, a distance
//! score for polylines), Cohen's kappa for single-label classes, span F1 for
//! text.

use crate::model::{ClassId, DEFAULT_KEYPOINT_SIGMA, Shape};
use std::collections::HashMap;
use std::hash::Hash;

/// Two annotators' annotations on the same items, compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShapeAgreement {
    /// Pairs of the same class whose similarity is at least the threshold.
    pub matched: usize,
    pub only_first: usize,
    pub only_second: usize,
    /// 2·matched / (annotations of both); 1 when neither drew anything.
    pub f1: f64,
    /// Mean similarity of the matched pairs (their IoU, for area shapes);
    /// `None` without any.
    pub mean_similarity: Option<f64>,
}

/// The OKS sigmas of a keypoint class's points: the schema's
/// ([`crate::model::ClassDef::keypoint_sigmas`]) when it names as many points
/// as the shape has, else [`DEFAULT_KEYPOINT_SIGMA`] each.
fn sigmas_for<'a>(
    given: Option<&'a Vec<f64>>,
    points: usize,
    default: &'a mut Vec<f64>,
) -> &'a [f64] {
    match given {
        Some(s) if s.len() == points => s,
        _ => {
            default.clear();
            default.resize(points, DEFAULT_KEYPOINT_SIGMA);
            default
        }
    }
}

/// Matches one item's annotations of two annotators greedily: the pair of the
/// same class with the highest similarity first, then the next among the rest,
/// down to `threshold` (0.5 is the usual). `sigmas` holds each keypoint
/// class's OKS sigmas. Sum several items with [`ShapeAgreement::add`].
pub fn shape_agreement(
    first: &[(ClassId, &Shape)],
    second: &[(ClassId, &Shape)],
    threshold: f64,
    sigmas: &HashMap<ClassId, Vec<f64>>,
) -> ShapeAgreement {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    let mut default = Vec::new();
    for (i, (ca, a)) in first.iter().enumerate() {
        for (j, (cb, b)) in second.iter().enumerate() {
            if ca != cb {
                continue;
            }
            let points = match a {
                Shape::Keypoints(points) => points.len(),
                _ => 0,
            };
            let sigmas = sigmas_for(sigmas.get(ca), points, &mut default);
            if let Some(v) = a.similarity(b, sigmas).filter(|v| *v >= threshold) {
                pairs.push((v, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (mut used_a, mut used_b) = (vec![false; first.len()], vec![false; second.len()]);
    let (mut matched, mut sum) = (0, 0.0);
    for (v, i, j) in pairs {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            matched += 1;
            sum += v;
        }
    }
    ShapeAgreement::from_counts(matched, first.len() - matched, second.len() - matched, sum)
}

impl ShapeAgreement {
    fn from_counts(matched: usize, only_first: usize, only_second: usize, sum: f64) -> Self {
        let total = 2 * matched + only_first + only_second;
        ShapeAgreement {
            matched,
            only_first,
            only_second,
            f1: if total == 0 {
                1.0
            } else {
                2.0 * matched as f64 / total as f64
            },
            mean_similarity: (matched > 0).then(|| sum / matched as f64),
        }
    }

    /// The agreement over two sets of items together.
    pub fn add(&self, other: &ShapeAgreement) -> ShapeAgreement {
        let sum = |a: &ShapeAgreement| a.mean_similarity.unwrap_or(0.0) * a.matched as f64;
        ShapeAgreement::from_counts(
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
    use crate::model::{BBox, Keypoint, Point, Polygon, Visibility};

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

    fn bx(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::Rect(BBox::from_corners([x0, y0], [x1, y1]))
    }

    fn agreement(first: &[(ClassId, Shape)], second: &[(ClassId, Shape)]) -> ShapeAgreement {
        let a: Vec<(ClassId, &Shape)> = first.iter().map(|(c, s)| (*c, s)).collect();
        let b: Vec<(ClassId, &Shape)> = second.iter().map(|(c, s)| (*c, s)).collect();
        shape_agreement(&a, &b, 0.5, &HashMap::new())
    }

    #[test]
    fn boxes_match_by_class_and_iou() {
        let car = ClassId(1);
        let person = ClassId(2);
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
        let a = agreement(&first, &second);
        assert_eq!((a.matched, a.only_first, a.only_second), (1, 2, 2));
        close(a.f1, 2.0 / 6.0);
        close(a.mean_similarity.unwrap(), 0.81);
        let both = a.add(&agreement(&first[..1], &second[..1]));
        assert_eq!(both.matched, 2);
        close(both.f1, 4.0 / 8.0);
        let empty = agreement(&[], &[]);
        assert_eq!((empty.f1, empty.mean_similarity), (1.0, None));
    }

    #[test]
    fn greedy_matching_takes_the_best_pair_first() {
        let c = ClassId(1);
        // The second's box overlaps both of the first's; it goes to the better one.
        let first = [(c, bx(0.0, 0.0, 10.0, 10.0)), (c, bx(2.0, 0.0, 12.0, 10.0))];
        let second = [(c, bx(2.0, 0.0, 12.0, 10.0))];
        let a = agreement(&first, &second);
        assert_eq!(a.matched, 1);
        close(a.mean_similarity.unwrap(), 1.0);
    }

    #[test]
    fn a_polygon_matches_a_box_by_the_area_they_share() {
        let c = ClassId(1);
        // A triangle, half of the box.
        let triangle = Shape::Polygon(Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(0.0, 10.0),
        ]));
        let a = agreement(&[(c, bx(0.0, 0.0, 10.0, 10.0))], &[(c, triangle.clone())]);
        assert_eq!(a.matched, 1);
        close(a.mean_similarity.unwrap(), 0.5);
        // Keypoints are never matched with a region.
        let points = Shape::Keypoints(vec![Keypoint::new(1.0, 1.0, Visibility::Visible)]);
        assert_eq!(agreement(&[(c, triangle)], &[(c, points)]).matched, 0);
    }

    #[test]
    fn keypoints_match_by_oks_with_the_class_sigmas() {
        let c = ClassId(1);
        let kp = |dx: f32| {
            Shape::Keypoints(vec![
                Keypoint::new(0.0 + dx, 0.0, Visibility::Visible),
                Keypoint::new(100.0 + dx, 100.0, Visibility::Visible),
                Keypoint::new(0.0, 0.0, Visibility::NotLabelled),
            ])
        };
        let refs = [kp(0.0), kp(2.0), kp(40.0)];
        let pair = |a: &Shape, b: &Shape, sigmas: &HashMap<ClassId, Vec<f64>>| {
            shape_agreement(&[(c, a)], &[(c, b)], 0.5, sigmas)
        };
        let none = HashMap::new();
        let same = pair(&refs[0], &refs[0], &none);
        close(same.mean_similarity.unwrap(), 1.0);
        // 2 px on a 100×100 pose with the default sigma 0.1: exp(-4 / (2·0.04·10⁴)).
        let near = pair(&refs[0], &refs[1], &none);
        close(near.mean_similarity.unwrap(), (-4.0f64 / 800.0).exp());
        assert_eq!(pair(&refs[0], &refs[2], &none).matched, 0, "40 px is far");
        // Stricter sigmas judge the same 2 px harder: exp(-4 / (2·0.0004·10⁴)).
        let strict: HashMap<ClassId, Vec<f64>> = [(c, vec![0.01; 3])].into();
        let strict = pair(&refs[0], &refs[1], &strict);
        close(strict.mean_similarity.unwrap_or(0.0), (-4.0f64 / 8.0).exp());
    }

    #[test]
    fn polylines_match_by_their_mean_distance_against_their_length() {
        let c = ClassId(1);
        let line = |y: f32| Shape::Polyline(vec![Point::new(0.0, y), Point::new(100.0, y)]);
        // A line drawn with more vertices along the same path is the same line.
        let along = Shape::Polyline(vec![
            Point::new(0.0, 0.0),
            Point::new(40.0, 0.0),
            Point::new(100.0, 0.0),
        ]);
        close(
            agreement(&[(c, line(0.0))], &[(c, along)])
                .mean_similarity
                .unwrap(),
            1.0,
        );
        // 5 px apart on 100 px: exp(-25 / (2·10²)).
        let near = agreement(&[(c, line(0.0))], &[(c, line(5.0))]);
        close(near.mean_similarity.unwrap(), (-25.0f64 / 200.0).exp());
        assert_eq!(agreement(&[(c, line(0.0))], &[(c, line(15.0))]).matched, 0);
        assert_eq!(
            agreement(&[(c, line(0.0))], &[(c, bx(0.0, 0.0, 9.0, 9.0))]).matched,
            0
        );
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
