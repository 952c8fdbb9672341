//! `merge`: a package's work comes back through the edit path. Items are
//! matched by path; unchanged items are left alone, so merging twice changes
//! nothing; an item changed both here and in the package is flagged, never
//! overwritten; overlap and golden items keep each annotator's version.

use super::converge::{Ids, converge};
use crate::jobs::JobError;
use crate::model::{
    Edit, ItemId, ItemSnapshot, ItemVersion, NewComment, PackageInfo, PackageRole, SpanRef,
    VersionKind,
};
use crate::project::{Access, LogEntry, Project, ProjectKind};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One item of a package as read for a merge.
#[derive(Clone, Debug, PartialEq)]
pub struct PackagedItem {
    pub rel_path: String,
    pub role: PackageRole,
    /// The source's state of the item at split time.
    pub base: ItemSnapshot,
    /// The package's state of it now.
    pub now: ItemSnapshot,
    /// The package's audit trail of the item, newest first.
    pub history: Vec<LogEntry>,
}

/// A package read into memory (on any thread), ready for [`merge_package`].
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedPackage {
    pub dir: PathBuf,
    pub info: PackageInfo,
    pub kind: ProjectKind,
    pub items: Vec<PackagedItem>,
}

/// What merging one package did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackageMerged {
    pub annotator: String,
    pub dir: PathBuf,
    /// Items whose state the merge changed here.
    pub changed: usize,
    pub copied_annotations: usize,
    pub copied_spans: usize,
    /// Overlap and golden versions kept (new or changed).
    pub versions: usize,
    /// Paths of items flagged because they were changed here and in the package.
    pub conflicts: Vec<String>,
}

/// Reads a package folder (read-only; the package may be open elsewhere).
pub fn load_package(dir: &Path) -> Result<LoadedPackage, JobError> {
    let package = Project::open(dir, Access::ReadOnly)?;
    let info = package.package_info()?.ok_or_else(|| {
        JobError::Failed(format!(
            "{}: not a work package (made by `shugu split`)",
            dir.display()
        ))
    })?;
    let mut items = Vec::new();
    for (id, role, base) in package.package_items()? {
        let item = package.item(id).ok_or_else(|| {
            JobError::Failed(format!(
                "{}: the package lists item {id}, which it does not have",
                dir.display()
            ))
        })?;
        items.push(PackagedItem {
            rel_path: item.rel_path.clone(),
            role,
            base,
            now: package.snapshot(id)?,
            history: package.history(Some(id), MAX_HISTORY)?,
        });
    }
    Ok(LoadedPackage {
        dir: dir.to_path_buf(),
        info,
        kind: package.kind(),
        items,
    })
}

/// Reads every package first (so a bad one changes nothing), then merges them
/// in order with [`merge_loaded`].
pub fn merge_packages(
    source: &mut Project,
    dirs: &[PathBuf],
) -> Result<Vec<PackageMerged>, JobError> {
    let loaded = dirs
        .iter()
        .map(|d| load_package(d))
        .collect::<Result<Vec<_>, _>>()?;
    merge_loaded(source, &loaded)
}

/// Merges packages in order as one transaction and one step of undo: when
/// one of them fails, nothing of the others is kept either.
pub fn merge_loaded(
    source: &mut Project,
    packages: &[LoadedPackage],
) -> Result<Vec<PackageMerged>, JobError> {
    if packages.is_empty() {
        return Err(JobError::Failed("no packages to merge".into()));
    }
    for p in packages {
        check_belongs(source, p)?;
    }
    source.apply_together(|source| packages.iter().map(|p| merge_one(source, p)).collect())
}

/// A package of this project, with its classes and items.
fn check_belongs(source: &Project, package: &LoadedPackage) -> Result<(), JobError> {
    let dir = package.dir.display();
    if source.stored_identity()?.as_deref() != Some(package.info.source_uid.as_str()) {
        return Err(JobError::Failed(format!(
            "{dir}: a work package of project “{}” ({}), not of {}",
            package.info.source_name,
            package.info.source_dir,
            source.dir().display()
        )));
    }
    if package.kind != source.kind() {
        return Err(JobError::Failed(format!(
            "{dir}: the package and the project hold different kinds of items"
        )));
    }
    let schema = source.schema();
    for it in &package.items {
        let now = &it.now;
        let classes = now.annotations.iter().map(|a| a.class);
        if let Some(c) = classes
            .chain(now.spans.iter().map(|s| s.class))
            .find(|&c| schema.class(c).is_none())
        {
            return Err(JobError::Failed(format!(
                "{dir}: {} uses class {c}, which this project does not have",
                it.rel_path
            )));
        }
        if let Some(l) = now.labels.iter().find(|&&l| schema.label(l).is_none()) {
            return Err(JobError::Failed(format!(
                "{dir}: {} uses label {l}, which this project does not have",
                it.rel_path
            )));
        }
    }
    Ok(())
}

/// An item's snapshot with its annotations and spans moved onto `item`.
fn on_item(snapshot: &ItemSnapshot, item: ItemId) -> ItemSnapshot {
    let mut s = snapshot.clone();
    s.annotations.iter_mut().for_each(|a| a.item = item);
    s.spans.iter_mut().for_each(|sp| sp.item = item);
    s
}

/// The versions the project keeps, by item, kind and annotator.
type Versions = HashMap<(ItemId, VersionKind, String), ItemSnapshot>;

/// Builds one package's edits against the project as it is now.
struct Planner<'a> {
    source: &'a Project,
    annotator: &'a str,
    versions: Versions,
    golden: HashSet<ItemId>,
    edits: Vec<Edit>,
    report: PackageMerged,
}

impl Planner<'_> {
    fn stored(&self, item: ItemId, kind: VersionKind) -> Option<&ItemSnapshot> {
        self.versions.get(&(item, kind, self.annotator.to_string()))
    }

    /// Keeps this annotator's version unless the same one is kept already.
    fn keep_version(&mut self, item: ItemId, kind: VersionKind, body: &ItemSnapshot) -> bool {
        if self
            .stored(item, kind)
            .is_some_and(|v| v.same_content(body))
        {
            return false;
        }
        self.edits.push(Edit::SetItemVersion {
            item,
            annotator: self.annotator.to_string(),
            kind,
            body: Some(body.clone()),
        });
        if kind != VersionKind::Conflict {
            self.report.versions += 1;
        }
        true
    }

    fn converge_to(
        &mut self,
        item: ItemId,
        current: &ItemSnapshot,
        target: &ItemSnapshot,
        info: &PackageInfo,
    ) {
        let annotation_exists = |id| self.source.annotation(id).ok().flatten().is_some();
        let span_exists = |id| {
            let at = SpanRef { item, id };
            self.source.span(at).ok().flatten().is_some()
        };
        let ids = Ids {
            annotation_floor: info.annotation_floor,
            span_floor: info.span_floor,
            annotation_exists: &annotation_exists,
            span_exists: &span_exists,
        };
        let edits = converge(item, current, target, &ids);
        if edits.is_empty() {
            return;
        }
        for e in &edits {
            match e {
                Edit::CopyAnnotations(a) => self.report.copied_annotations += a.len(),
                Edit::CopySpans(s) => self.report.copied_spans += s.len(),
                _ => {}
            }
        }
        self.report.changed += 1;
        self.edits.extend(edits);
    }

    /// Keeps the project's state, the package's as a conflict version, and
    /// says so in a comment on the item (once per distinct version).
    fn flag_conflict(&mut self, item: ItemId, rel_path: &str, mine: &ItemSnapshot) {
        if !self.keep_version(item, VersionKind::Conflict, mine) {
            return;
        }
        self.report.conflicts.push(rel_path.to_string());
        self.edits.push(Edit::AddComments(vec![NewComment {
            item,
            target: None,
            body: format!(
                "Merge conflict: {who}'s work package changed this item, and it was also changed \
                 here since the split. This project's state is kept; {who}'s version is kept as a \
                 conflict version for review.",
                who = self.annotator
            ),
        }]));
    }

    fn plan_item(
        &mut self,
        item: ItemId,
        it: &PackagedItem,
        info: &PackageInfo,
    ) -> Result<(), JobError> {
        let mine = on_item(&it.now, item);
        let current = self.source.snapshot(item)?;
        let golden = it.role == PackageRole::Golden || self.golden.contains(&item);
        if golden {
            // The trusted answer is never overwritten; the package's answer is kept.
            if !mine.is_untouched() {
                self.keep_version(item, VersionKind::Golden, &mine);
            }
            return Ok(());
        }
        if it.role == PackageRole::Assigned {
            if mine.same_content(&it.base) || mine.same_content(&current) {
                return Ok(());
            }
            if current.same_content(&it.base) {
                self.converge_to(item, &current, &mine, info);
            } else {
                self.flag_conflict(item, &it.rel_path, &mine);
            }
            return Ok(());
        }
        // Overlap: every annotator's version is kept; the first by name is applied.
        let earlier: Vec<(String, ItemSnapshot)> = self
            .versions
            .iter()
            .filter(|((i, k, _), _)| *i == item && *k == VersionKind::Overlap)
            .map(|((_, _, who), v)| (who.clone(), v.clone()))
            .collect();
        if !mine.is_untouched() {
            self.keep_version(item, VersionKind::Overlap, &mine);
        }
        let mut candidates: Vec<(&str, &ItemSnapshot)> = earlier
            .iter()
            .filter(|(who, _)| who != self.annotator)
            .map(|(who, v)| (who.as_str(), v))
            .collect();
        if !mine.is_untouched() {
            candidates.push((self.annotator, &mine));
        }
        let Some((_, chosen)) = candidates.into_iter().min_by_key(|(who, _)| *who) else {
            return Ok(());
        };
        if current.same_content(chosen) {
            return Ok(());
        }
        let applied_before = earlier.iter().any(|(_, v)| current.same_content(v));
        if current.same_content(&it.base) || applied_before {
            let chosen = chosen.clone();
            self.converge_to(item, &current, &chosen, info);
        } else {
            self.flag_conflict(item, &it.rel_path, &mine);
        }
        Ok(())
    }
}

/// Entries of a package's log kept per item: more than any item gathers.
const MAX_HISTORY: usize = 100_000;

/// The package's audit trail, moved onto the project's items: who did what
/// when inside the package (submissions included, which the pace figures
/// read). The detail says which package it came from; ids in it are the
/// package's own.
fn package_history(package: &LoadedPackage, by_path: &HashMap<&str, ItemId>) -> Vec<LogEntry> {
    let origin = &package.info.annotator;
    package
        .items
        .iter()
        .filter_map(|it| Some((by_path.get(it.rel_path.as_str())?, it)))
        .flat_map(|(&item, it)| {
            it.history.iter().rev().map(move |e| {
                let edit = serde_json::from_str(&e.detail)
                    .unwrap_or_else(|_| serde_json::Value::String(e.detail.clone()));
                LogEntry {
                    item: Some(item),
                    detail: serde_json::json!({ "package": origin, "edit": edit }).to_string(),
                    ..e.clone()
                }
            })
        })
        .collect()
}

/// Merges one package into `source` as one transaction (one undo step), by
/// the package's annotator. A second merge of the same package changes nothing.
pub fn merge_package(
    source: &mut Project,
    package: &LoadedPackage,
) -> Result<PackageMerged, JobError> {
    source.apply_together(|source| merge_one(source, package))
}

/// [`merge_package`] inside a transaction of the caller's.
fn merge_one(source: &mut Project, package: &LoadedPackage) -> Result<PackageMerged, JobError> {
    check_belongs(source, package)?;
    let info = &package.info;
    let by_path: HashMap<&str, ItemId> = source
        .items()
        .iter()
        .map(|i| (i.rel_path.as_str(), i.id))
        .collect();
    let versions: Versions = source
        .item_versions()?
        .into_iter()
        .map(|v: ItemVersion| ((v.item, v.kind, v.annotator), v.body))
        .collect();
    let mut planner = Planner {
        source,
        annotator: &info.annotator,
        versions,
        golden: source.golden_items()?.into_iter().collect(),
        edits: Vec::new(),
        report: PackageMerged {
            annotator: info.annotator.clone(),
            dir: package.dir.clone(),
            ..PackageMerged::default()
        },
    };
    for it in &package.items {
        let item = by_path.get(it.rel_path.as_str()).copied().ok_or_else(|| {
            JobError::Failed(format!(
                "{}: {} is not an item of this project",
                package.dir.display(),
                it.rel_path
            ))
        })?;
        planner.plan_item(item, it, info)?;
    }
    let Planner { edits, report, .. } = planner;
    let history = package_history(package, &by_path);
    let author = source.author().to_string();
    source.set_author(&info.annotator);
    let applied = source.apply(Edit::Batch(edits));
    source.set_author(&author);
    applied?;
    source.adopt_log(&history)?;
    Ok(report)
}
