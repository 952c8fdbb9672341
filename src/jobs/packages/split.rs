//! `split`: one package project per annotator, over the same images (or with
//! copies of the texts), carrying the annotations its items already have.

use super::assign::assign;
use crate::jobs::{JobError, Progress};
use crate::model::{Edit, ItemId, ItemSnapshot, PackageInfo, PackageRole};
use crate::project::{NewItem, NewTextItem, PackageItem, Project, ProjectKind, now_ms};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What to cut a project into.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitOptions {
    /// One package per name; the names are also the package folders.
    pub annotators: Vec<String>,
    /// The share of items (0–100 %) given to two annotators.
    pub overlap_percent: f64,
    /// The packages go to `out_dir/NAME`.
    pub out_dir: PathBuf,
}

/// A package made by [`split_project`].
#[derive(Clone, Debug, PartialEq)]
pub struct PackageMade {
    pub annotator: String,
    pub dir: PathBuf,
    pub items: usize,
    pub overlap: usize,
    pub golden: usize,
}

/// Reads an overlap share written `10`, `10%` or `12.5 %`.
pub fn parse_overlap(text: &str) -> Result<f64, String> {
    crate::jobs::parse_percent(text).map_err(|e| format!("overlap {e}"))
}

/// A name that can be a folder on every system, and is not taken twice.
fn check_annotators(names: &[String]) -> Result<(), JobError> {
    if names.is_empty() {
        return Err(JobError::Failed(
            "no annotators: give at least one name, e.g. --annotators ana,bo".into(),
        ));
    }
    let mut seen = HashSet::new();
    for name in names {
        let bad = name.trim().is_empty()
            || name != name.trim()
            || name == "."
            || name == ".."
            || name
                .chars()
                .any(|c| "/\\:*?\"<>|".contains(c) || c.is_control());
        if bad {
            return Err(JobError::Failed(format!(
                "annotator name `{name}` cannot be a folder name"
            )));
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(JobError::Failed(format!(
                "annotator `{name}` is named twice"
            )));
        }
    }
    Ok(())
}

impl SplitOptions {
    fn check(&self, source: &Project) -> Result<(), JobError> {
        check_annotators(&self.annotators)?;
        if !(0.0..=100.0).contains(&self.overlap_percent) {
            return Err(JobError::Failed(format!(
                "overlap {}% is outside 0–100%",
                self.overlap_percent
            )));
        }
        if self.overlap_percent > 0.0 && self.annotators.len() < 2 {
            return Err(JobError::Failed(
                "overlap items need at least two annotators".into(),
            ));
        }
        if source.package_info()?.is_some() {
            return Err(JobError::Failed(format!(
                "{}: this is a work package; split its source project instead",
                source.dir().display()
            )));
        }
        for name in &self.annotators {
            let dir = self.out_dir.join(name);
            if dir.exists() {
                return Err(JobError::Failed(format!(
                    "{}: already exists; choose another output folder",
                    dir.display()
                )));
            }
        }
        Ok(())
    }
}

/// Cuts `source` into one package per annotator. The source must have an
/// identity ([`Project::identity`]), which the packages record.
pub fn split_project(
    source: &Project,
    options: &SplitOptions,
    mut progress: impl FnMut(Progress),
) -> Result<Vec<PackageMade>, JobError> {
    options.check(source)?;
    let uid = source.stored_identity()?.ok_or_else(|| {
        JobError::Failed(format!(
            "{}: the project has no identity yet; open it for writing to split it",
            source.dir().display()
        ))
    })?;
    let (annotation_floor, span_floor) = source.id_floors()?;
    let golden: HashSet<ItemId> = source.golden_items()?.into_iter().collect();
    let ids: Vec<ItemId> = source.items().iter().map(|i| i.id).collect();
    let assignment = assign(
        &ids,
        &golden,
        options.annotators.len(),
        options.overlap_percent,
    );
    let source_dir = std::fs::canonicalize(source.dir())
        .unwrap_or_else(|_| source.dir().to_path_buf())
        .display()
        .to_string();
    let total = assignment.iter().map(Vec::len).sum();
    let mut done = 0;
    let mut made = Vec::with_capacity(options.annotators.len());
    for (annotator, items) in options.annotators.iter().zip(&assignment) {
        let info = PackageInfo {
            source_uid: uid.clone(),
            source_name: source.name().to_string(),
            source_dir: source_dir.clone(),
            annotator: annotator.clone(),
            split_ms: now_ms(),
            annotation_floor,
            span_floor,
        };
        let dir = options.out_dir.join(annotator);
        made.push(make_package(source, &dir, &info, items)?);
        done += items.len();
        progress(Progress {
            done,
            total: Some(total),
        });
    }
    Ok(made)
}

/// Creates one package project and fills it.
fn make_package(
    source: &Project,
    dir: &Path,
    info: &PackageInfo,
    items: &[(ItemId, PackageRole)],
) -> Result<PackageMade, JobError> {
    let name = format!("{} — {}", source.name(), info.annotator);
    let schema = source.schema().clone();
    let mut package = match source.kind() {
        ProjectKind::Images => Project::create(dir, &name, &source.image_root(), schema)?,
        ProjectKind::Text => Project::create_text(dir, &name, schema)?,
    };
    let ids = add_items(source, &mut package, items)?;
    let mut carried = Vec::new();
    let mut records: Vec<PackageItem> = Vec::with_capacity(items.len());
    for ((source_id, role), &id) in items.iter().zip(&ids) {
        let base = match role {
            // Golden items are hidden tests: they go out without their answer.
            PackageRole::Golden => ItemSnapshot::empty(),
            PackageRole::Assigned | PackageRole::Overlap => {
                let base = source.snapshot(*source_id)?;
                carried.extend(carry(&base, id));
                base
            }
        };
        records.push((id, *role, base));
    }
    package.set_author("split");
    package.apply(Edit::Batch(carried))?;
    package.mark_as_package(info, &records)?;
    let count = |r: PackageRole| items.iter().filter(|(_, role)| *role == r).count();
    Ok(PackageMade {
        annotator: info.annotator.clone(),
        dir: dir.to_path_buf(),
        items: items.len(),
        overlap: count(PackageRole::Overlap),
        golden: count(PackageRole::Golden),
    })
}

/// Adds the items to the package in order; returns their package ids.
fn add_items(
    source: &Project,
    package: &mut Project,
    items: &[(ItemId, PackageRole)],
) -> Result<Vec<ItemId>, JobError> {
    let missing = |id: ItemId| JobError::Failed(format!("item {id} vanished during the split"));
    let source_item = |id: ItemId| source.item(id).ok_or_else(|| missing(id));
    let added = match source.kind() {
        ProjectKind::Images => {
            let new = items
                .iter()
                .map(|(id, _)| {
                    let it = source_item(*id)?;
                    Ok(NewItem {
                        rel_path: it.rel_path.clone(),
                        width: it.width,
                        height: it.height,
                        error: it.error.clone(),
                    })
                })
                .collect::<Result<Vec<_>, JobError>>()?;
            package.add_items(&new)?
        }
        ProjectKind::Text => {
            let new = items
                .iter()
                .map(|(id, _)| {
                    let it = source_item(*id)?;
                    let doc = source.text(*id)?.ok_or_else(|| missing(*id))?;
                    Ok(NewTextItem {
                        rel_path: it.rel_path.clone(),
                        doc,
                    })
                })
                .collect::<Result<Vec<_>, JobError>>()?;
            package.add_text_items(&new)?
        }
    };
    // Ids by path: `add_items` skips nothing in a fresh project, but say so if it did.
    let by_path: HashMap<&str, ItemId> = package
        .items()
        .iter()
        .map(|i| (i.rel_path.as_str(), i.id))
        .collect();
    if added.len() != items.len() {
        return Err(JobError::Failed(format!(
            "{}: {} of {} items could be added",
            package.dir().display(),
            added.len(),
            items.len()
        )));
    }
    items
        .iter()
        .map(|(id, _)| {
            let it = source_item(*id)?;
            by_path
                .get(it.rel_path.as_str())
                .copied()
                .ok_or_else(|| missing(*id))
        })
        .collect()
}

/// The edits that give a package item the source item's annotations, with
/// their ids and provenance, and its status.
fn carry(base: &ItemSnapshot, item: ItemId) -> Vec<Edit> {
    let mut annotations = base.annotations.clone();
    annotations.iter_mut().for_each(|a| a.item = item);
    let mut spans = base.spans.clone();
    spans.iter_mut().for_each(|s| s.item = item);
    let mut edits = vec![
        Edit::RestoreAnnotations(annotations),
        Edit::RestoreSpans(spans),
    ];
    if !base.labels.is_empty() {
        edits.push(Edit::SetImageLabels {
            item,
            labels: base.labels.clone(),
        });
    }
    // Set whenever anything is carried, so annotations carried onto a `new`
    // item don't move it on.
    if !base.is_untouched() {
        edits.push(Edit::SetStatus {
            item,
            status: base.status,
        });
    }
    edits
}
