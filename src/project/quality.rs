//! Workforce quality from the versions a merge keeps: agreement between
//! annotators on overlap items, and accuracy on golden items against their
//! trusted answer. The figures are the pure ones of [`crate::quality`].

use super::{Project, ProjectError, ProjectKind};
use crate::model::{ClassId, ImageLabelMode, ItemId, ItemSnapshot, LabelId, Shape, VersionKind};
use crate::quality::{cohens_kappa, shape_agreement, span_agreement};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Annotations of the same class match at this similarity or more: IoU for
/// areas, OKS for keypoints, the polyline score for lines
/// ([`Shape::similarity`]).
pub const MATCH_SIMILARITY: f64 = 0.5;

/// One annotator's figures. F1 is the F1 of annotations matched at a
/// similarity of at least 0.5 for images, exact span F1 for texts;
/// `agreement_f1` and `mean_similarity` are averaged over the annotator's
/// overlap pairs (an item and one other annotator of it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnnotatorQuality {
    pub name: String,
    /// Overlap items this annotator and someone else both did.
    pub overlap_items: usize,
    pub agreement_f1: Option<f64>,
    /// Mean similarity (IoU for areas, OKS for keypoints) of matched
    /// annotations, over the overlap pairs that matched any.
    pub mean_similarity: Option<f64>,
    /// Cohen's kappa of single image labels / document classes against the
    /// other annotators, for single-label projects.
    pub kappa: Option<f64>,
    pub golden_items: usize,
    /// Mean F1 against the golden answers.
    pub golden_accuracy: Option<f64>,
}

/// Two annotators on the overlap items they both did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairAgreement {
    /// The two names, in order.
    pub first: String,
    pub second: String,
    pub items: usize,
    /// Mean F1 over the items.
    pub f1: Option<f64>,
    pub mean_similarity: Option<f64>,
    pub kappa: Option<f64>,
}

/// The project's agreement at a glance, for `shugu stats` and the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgreementReport {
    /// Items with overlap versions of at least two annotators.
    pub overlap_items: usize,
    pub pairs: Vec<PairAgreement>,
    /// Mean F1 over every overlap pair of the project.
    pub mean_f1: Option<f64>,
    pub golden_items: usize,
}

/// Two versions of one item compared.
struct Compared {
    f1: f64,
    similarity: Option<f64>,
}

/// What versions of an item are compared by: the project's kind and the OKS
/// sigmas of its keypoint classes.
struct Comparison {
    kind: ProjectKind,
    sigmas: HashMap<ClassId, Vec<f64>>,
}

impl Comparison {
    fn of(project: &Project) -> Self {
        let sigmas = project
            .schema()
            .classes
            .iter()
            .filter(|c| !c.keypoints.is_empty())
            .map(|c| (c.id, c.keypoint_sigmas()))
            .collect();
        Self {
            kind: project.kind(),
            sigmas,
        }
    }

    fn compare(&self, a: &ItemSnapshot, b: &ItemSnapshot) -> Compared {
        match self.kind {
            ProjectKind::Images => {
                let (sa, sb) = (shapes_of(a), shapes_of(b));
                let agreement = shape_agreement(&sa, &sb, MATCH_SIMILARITY, &self.sigmas);
                Compared {
                    f1: agreement.f1,
                    similarity: agreement.mean_similarity,
                }
            }
            ProjectKind::Text => {
                let spans =
                    |s: &ItemSnapshot| s.spans.iter().map(|x| (x.start, x.end, x.class)).collect();
                let (sa, sb): (Vec<_>, Vec<_>) = (spans(a), spans(b));
                Compared {
                    f1: span_agreement(&sa, &sb).exact_f1,
                    similarity: None,
                }
            }
        }
    }
}

fn shapes_of(s: &ItemSnapshot) -> Vec<(ClassId, &Shape)> {
    s.annotations.iter().map(|a| (a.class, &a.shape)).collect()
}

fn single_label(s: &ItemSnapshot) -> Option<LabelId> {
    match s.labels.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Figures gathered for one annotator, or one pair.
#[derive(Default)]
struct Tally {
    items: usize,
    f1: Vec<f64>,
    similarity: Vec<f64>,
    labels: Vec<(LabelId, LabelId)>,
}

impl Tally {
    fn add(&mut self, c: &Compared, labels: Option<(LabelId, LabelId)>) {
        self.f1.push(c.f1);
        self.similarity.extend(c.similarity);
        self.labels.extend(labels);
    }

    fn kappa(&self, single: bool) -> Option<f64> {
        single.then(|| cohens_kappa(&self.labels)).flatten()
    }
}

/// Every overlap comparison: (item, first annotator, second, compared, labels).
type PairRow<'a> = (
    ItemId,
    &'a str,
    &'a str,
    Compared,
    Option<(LabelId, LabelId)>,
);

impl Project {
    fn overlap_pairs<'a>(
        &self,
        versions: &'a [crate::model::ItemVersion],
        comparison: &Comparison,
    ) -> Vec<PairRow<'a>> {
        let mut by_item: BTreeMap<ItemId, Vec<&crate::model::ItemVersion>> = BTreeMap::new();
        for v in versions.iter().filter(|v| v.kind == VersionKind::Overlap) {
            by_item.entry(v.item).or_default().push(v);
        }
        let mut rows = Vec::new();
        for (item, vs) in by_item {
            for (i, a) in vs.iter().enumerate() {
                for b in &vs[i + 1..] {
                    let labels = single_label(&a.body).zip(single_label(&b.body));
                    let c = comparison.compare(&a.body, &b.body);
                    rows.push((item, a.annotator.as_str(), b.annotator.as_str(), c, labels));
                }
            }
        }
        rows
    }

    fn single_label_mode(&self) -> bool {
        self.schema().image_label_mode == ImageLabelMode::Single
    }

    /// Each annotator's agreement with the others on overlap items and
    /// accuracy on golden items, by name.
    pub fn annotator_quality(&self) -> Result<Vec<AnnotatorQuality>, ProjectError> {
        Ok(self.quality_figures()?.0)
    }

    /// Agreement of every pair of annotators on their overlap items.
    pub fn agreement_report(&self) -> Result<AgreementReport, ProjectError> {
        Ok(self.quality_figures()?.1)
    }

    /// Both figures from one read of the versions and one comparison of
    /// each overlap pair.
    pub fn quality_figures(
        &self,
    ) -> Result<(Vec<AnnotatorQuality>, AgreementReport), ProjectError> {
        let versions = self.item_versions()?;
        let comparison = Comparison::of(self);
        let rows = self.overlap_pairs(&versions, &comparison);
        let golden: std::collections::HashSet<ItemId> = self.golden_items()?.into_iter().collect();
        let quality = self.annotator_quality_of(&versions, &rows, &golden, &comparison)?;
        let report = self.agreement_of(&rows, golden.len());
        Ok((quality, report))
    }

    fn annotator_quality_of(
        &self,
        versions: &[crate::model::ItemVersion],
        rows: &[PairRow<'_>],
        golden: &std::collections::HashSet<ItemId>,
        comparison: &Comparison,
    ) -> Result<Vec<AnnotatorQuality>, ProjectError> {
        let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut items: HashMap<&str, std::collections::HashSet<ItemId>> = HashMap::new();
        for &(item, a, b, ref c, labels) in rows {
            tallies.entry(a).or_default().add(c, labels);
            tallies
                .entry(b)
                .or_default()
                .add(c, labels.map(|(x, y)| (y, x)));
            items.entry(a).or_default().insert(item);
            items.entry(b).or_default().insert(item);
        }
        let mut golden_f1: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for v in versions {
            if v.kind == VersionKind::Golden && golden.contains(&v.item) {
                let answer = self.snapshot(v.item)?;
                golden_f1
                    .entry(&v.annotator)
                    .or_default()
                    .push(comparison.compare(&v.body, &answer).f1);
                tallies.entry(&v.annotator).or_default();
            }
        }
        let single = self.single_label_mode();
        Ok(tallies
            .into_iter()
            .map(|(name, t)| {
                let g = golden_f1.get(name).map(Vec::as_slice).unwrap_or_default();
                AnnotatorQuality {
                    name: name.to_string(),
                    overlap_items: items.get(name).map_or(0, |s| s.len()),
                    agreement_f1: mean(&t.f1),
                    mean_similarity: mean(&t.similarity),
                    kappa: t.kappa(single),
                    golden_items: g.len(),
                    golden_accuracy: mean(g),
                }
            })
            .collect())
    }

    fn agreement_of(&self, rows: &[PairRow<'_>], golden_items: usize) -> AgreementReport {
        let mut pairs: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
        let mut items = std::collections::HashSet::new();
        let mut all = Vec::new();
        for &(item, a, b, ref c, labels) in rows {
            items.insert(item);
            all.push(c.f1);
            let (key, labels) = if a <= b {
                ((a, b), labels)
            } else {
                ((b, a), labels.map(|(x, y)| (y, x)))
            };
            let t = pairs.entry(key).or_default();
            t.items += 1;
            t.add(c, labels);
        }
        let single = self.single_label_mode();
        AgreementReport {
            overlap_items: items.len(),
            pairs: pairs
                .into_iter()
                .map(|((a, b), t)| PairAgreement {
                    first: a.to_string(),
                    second: b.to_string(),
                    items: t.items,
                    f1: mean(&t.f1),
                    mean_similarity: mean(&t.similarity),
                    kappa: t.kappa(single),
                })
                .collect(),
            mean_f1: mean(&all),
            golden_items,
        }
    }
}
