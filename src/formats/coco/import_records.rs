//! The records an import plan looks annotations up in: the file's images
//! matched to project items, its categories by name (with their keypoint
//! names and skeleton), the annotation ids seen, and the problems of image and
//! category records.

use super::file::CocoFile;
use super::import::{CategoryKeypoints, ImportProblem, ImportTarget};
use crate::formats::label_paths::PathMatch;
use crate::model::ItemId;
use std::collections::{HashMap, HashSet};

/// Annotation ids seen so far: a bitmap for the usual small non-negative ids,
/// a hash set for the rest.
#[derive(Default)]
pub(super) struct SeenIds {
    bits: Vec<u64>,
    others: HashSet<i64>,
}

impl SeenIds {
    /// Ids below this go into the bitmap (at most 2 MiB of it).
    const DENSE_LIMIT: i64 = 1 << 24;

    /// True when `id` had not been seen.
    pub(super) fn insert(&mut self, id: i64) -> bool {
        if !(0..Self::DENSE_LIMIT).contains(&id) {
            return self.others.insert(id);
        }
        let (word, bit) = ((id / 64) as usize, id % 64);
        if word >= self.bits.len() {
            self.bits.resize((word + 1).next_power_of_two(), 0);
        }
        let mask = 1u64 << bit;
        let fresh = self.bits[word] & mask == 0;
        self.bits[word] |= mask;
        fresh
    }
}

pub(super) enum Lookup<T> {
    /// No record with this id.
    Missing,
    /// The record exists but was skipped; its own problem counts this annotation.
    Skipped,
    Found(T),
}

/// The record `id` names: what it gave, or that it was skipped (counting the
/// annotation with the problem that skipped it) or is not in the file.
fn look_up<T: Copy>(
    index: &IdIndex,
    state: &[Result<T, usize>],
    problems: &mut RecordProblems,
    id: i64,
) -> Lookup<T> {
    let Some(pos) = index.first_of(id) else {
        return Lookup::Missing;
    };
    match state.get(pos) {
        Some(Ok(found)) => Lookup::Found(*found),
        Some(Err(problem)) => {
            problems.count_skipped(*problem);
            Lookup::Skipped
        }
        None => Lookup::Missing,
    }
}

/// Problems about image or category records. Those that skip a record carry a
/// count of the annotations skipped with it, known only after the annotation pass.
#[derive(Default)]
pub(super) struct RecordProblems(Vec<(String, String, Option<usize>)>);

impl RecordProblems {
    /// A problem that skips the record's annotations; returns its index.
    fn skipping(&mut self, record: String, reason: String) -> usize {
        self.0.push((record, reason, Some(0)));
        self.0.len() - 1
    }

    fn note(&mut self, record: String, reason: String) {
        self.0.push((record, reason, None));
    }

    fn count_skipped(&mut self, index: usize) {
        if let Some((_, _, Some(n))) = self.0.get_mut(index) {
            *n += 1;
        }
    }

    pub(super) fn finish(&mut self) -> Vec<ImportProblem> {
        self.0
            .drain(..)
            .map(|(record, reason, skipped)| {
                let message = match skipped {
                    None => reason,
                    Some(1) => format!("{reason}; its 1 annotation was skipped"),
                    Some(n) => format!("{reason}; its {n} annotations were skipped"),
                };
                ImportProblem { record, message }
            })
            .collect()
    }
}

/// The file's images, each matched to a project item or skipped with a problem.
pub(super) struct Images {
    index: IdIndex,
    /// Per image record: the target, or the index of the problem that skips it.
    state: Vec<Result<ImportTarget, usize>>,
    pub(super) problems: RecordProblems,
}

impl Images {
    pub(super) fn read(file: &CocoFile, lookup: impl Fn(&str) -> PathMatch<ImportTarget>) -> Self {
        let index = IdIndex::build(file.images.iter().map(|i| i.id));
        let mut problems = RecordProblems::default();
        let mut state = Vec::with_capacity(file.images.len());
        let mut by_item: HashMap<ItemId, i64> = HashMap::with_capacity(file.images.len());
        for (pos, image) in file.images.iter().enumerate() {
            let record = || format!("image id {} ({})", image.id, image.file_name);
            if index.first_of(image.id) != Some(pos) {
                problems.note(
                    record(),
                    "duplicate image id; annotations with this id go to the first image record"
                        .into(),
                );
                state.push(Err(usize::MAX));
                continue;
            }
            let target = match lookup(&image.file_name) {
                _ if image.file_name.is_empty() => Err("the file name is empty".to_string()),
                PathMatch::Found(matched) => match by_item.get(&matched.value.item) {
                    Some(first) => Err(format!(
                        "the same file as image id {first} (`{}`)",
                        matched.path
                    )),
                    None => {
                        by_item.insert(matched.value.item, image.id);
                        Ok(matched.value)
                    }
                },
                PathMatch::NotFound => Err("not in the project".to_string()),
                PathMatch::Ambiguous(paths) => Err(format!(
                    "several images of the project match it ({})",
                    paths.join(", ")
                )),
            };
            let target =
                target.and_then(|t| size_problem(image.width, image.height, t).map_or(Ok(t), Err));
            state.push(target.map_err(|reason| problems.skipping(record(), reason)));
        }
        Self {
            index,
            state,
            problems,
        }
    }

    pub(super) fn target(&mut self, image_id: i64) -> Lookup<ImportTarget> {
        look_up(&self.index, &self.state, &mut self.problems, image_id)
    }
}

/// Why the COCO image's size rules out its boxes on the project item, if it does.
fn size_problem(width: u32, height: u32, target: ImportTarget) -> Option<String> {
    let (tw, th) = (target.width, target.height);
    if tw == 0 || th == 0 {
        return Some("the project does not know this image's size (is the file readable?)".into());
    }
    let given = width != 0 && height != 0;
    if !given || (width, height) == (tw, th) {
        return None;
    }
    let hint = if (width, height) == (th, tw) {
        " (EXIF orientation not applied by the tool that wrote the file?)"
    } else {
        ""
    };
    Some(format!(
        "the file says {width}×{height}, but the image in the project is {tw}×{th}{hint}"
    ))
}

/// The file's categories, by name.
pub(super) struct Categories {
    index: IdIndex,
    /// Per category record: index into `names`, or the problem that skips it.
    state: Vec<Result<usize, usize>>,
    /// Distinct names with the smallest category id that carries each.
    names: Vec<(String, i64)>,
    /// Per name: the points and skeleton of the first record with that name.
    keypoints: Vec<CategoryKeypoints>,
    pub(super) used: Vec<bool>,
    pub(super) problems: RecordProblems,
}

impl Categories {
    pub(super) fn read(file: &CocoFile) -> Self {
        let index = IdIndex::build(file.categories.iter().map(|c| c.id));
        let mut problems = RecordProblems::default();
        let mut state = Vec::with_capacity(file.categories.len());
        let mut names: Vec<(String, i64)> = Vec::new();
        let mut keypoints: Vec<CategoryKeypoints> = Vec::new();
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for (pos, cat) in file.categories.iter().enumerate() {
            let record = || format!("category id {} ({})", cat.id, cat.name);
            for message in &cat.keypoint_problems {
                problems.note(record(), message.clone());
            }
            if index.first_of(cat.id) != Some(pos) {
                problems.note(
                    record(),
                    "duplicate category id; the first category with this id is used".into(),
                );
                state.push(Err(usize::MAX));
            } else if cat.name.trim().is_empty() {
                let problem = problems.skipping(record(), "the category has no name".into());
                state.push(Err(problem));
            } else {
                let spec = CategoryKeypoints::of(cat);
                let k = *by_name.entry(cat.name.as_str()).or_insert_with(|| {
                    names.push((cat.name.clone(), cat.id));
                    keypoints.push(spec.clone());
                    names.len() - 1
                });
                if keypoints[k] != spec {
                    problems.note(
                        record(),
                        format!(
                            "an earlier category of the same name has other keypoints ({}); \
                             its annotations' keypoints are read as that category's",
                            keypoints[k].names.len()
                        ),
                    );
                }
                names[k].1 = names[k].1.min(cat.id);
                state.push(Ok(k));
            }
        }
        let used = vec![false; names.len()];
        Self {
            index,
            state,
            names,
            keypoints,
            used,
            problems,
        }
    }

    pub(super) fn name(&mut self, category_id: i64) -> Lookup<usize> {
        look_up(&self.index, &self.state, &mut self.problems, category_id)
    }

    /// The name of name index `k`.
    pub(super) fn name_of(&self, k: usize) -> &str {
        &self.names[k].0
    }

    /// The points and skeleton of name index `k`.
    pub(super) fn keypoints_of(&self, k: usize) -> &CategoryKeypoints {
        &self.keypoints[k]
    }

    /// Every distinct name, with its points and skeleton.
    pub(super) fn all(&self) -> impl Iterator<Item = (&str, &CategoryKeypoints)> {
        self.names
            .iter()
            .map(|(n, _)| n.as_str())
            .zip(&self.keypoints)
    }

    /// The indices of the used names, in category-id order.
    fn used_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.names.len()).filter(|&k| self.used[k]).collect();
        order.sort_unstable_by_key(|&k| self.names[k].1);
        order
    }

    /// The used names in category-id order, with their points and skeleton.
    pub(super) fn used_names(&self) -> (Vec<String>, Vec<CategoryKeypoints>) {
        self.used_order()
            .into_iter()
            .map(|k| (self.names[k].0.clone(), self.keypoints[k].clone()))
            .unzip()
    }

    /// For each name index, its position among [`Self::used_names`] (0 for
    /// names no annotation uses).
    pub(super) fn used_positions(&self) -> Vec<usize> {
        let mut position = vec![0; self.names.len()];
        for (pos, k) in self.used_order().into_iter().enumerate() {
            position[k] = pos;
        }
        position
    }
}

/// COCO id → position of the first record with that id. A dense table when the
/// ids are compact (the usual 1..=N), a hash map otherwise.
enum IdIndex {
    Dense { min: i64, first: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

impl IdIndex {
    const NONE: u32 = u32::MAX;

    fn build(ids: impl Iterator<Item = i64> + Clone) -> Self {
        let (mut len, mut min, mut max) = (0usize, i64::MAX, i64::MIN);
        for id in ids.clone() {
            len += 1;
            min = min.min(id);
            max = max.max(id);
        }
        let span = i128::from(max) - i128::from(min) + 1;
        if len > 0 && len < Self::NONE as usize && span <= 2 * len as i128 + 1024 {
            let mut first = vec![Self::NONE; span as usize];
            for (pos, id) in ids.enumerate() {
                let slot = &mut first[(id - min) as usize];
                if *slot == Self::NONE {
                    *slot = pos as u32;
                }
            }
            IdIndex::Dense { min, first }
        } else {
            let mut first = HashMap::with_capacity(len);
            for (pos, id) in ids.enumerate() {
                first.entry(id).or_insert(pos as u32);
            }
            IdIndex::Sparse(first)
        }
    }

    /// The position of the first record with `id`.
    fn first_of(&self, id: i64) -> Option<usize> {
        let pos = match self {
            IdIndex::Dense { min, first } => {
                let offset = usize::try_from(id.checked_sub(*min)?).ok()?;
                *first.get(offset)?
            }
            IdIndex::Sparse(first) => *first.get(&id)?,
        };
        (pos != Self::NONE).then_some(pos as usize)
    }
}
