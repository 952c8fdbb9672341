//! Image labels as an Ultralytics classification dataset: `train/<class>/…`
//! and `val/<class>/…` folders of images, the layout `yolo classify train
//! data=FOLDER` reads. Each image is copied (or hard-linked) into the folder
//! of its one image label; the whole folder is replaced atomically.

use super::super::export_common::{check_output, unusable};
use super::super::{ItemScope, JobError, Progress};
use crate::model::{Item, LabelId};
use crate::project::{Project, stable_hash, write_dir_atomic};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How a classification export splits and writes images.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassifyExportOptions {
    /// The share of images, 0–100, put under `val/`; which ones is decided by
    /// a hash of their path, so the split is the same on every export.
    pub val_percent: f64,
    /// Hard-link the images instead of copying them, where the file system
    /// allows (a copy otherwise).
    pub link: bool,
}

impl Default for ClassifyExportOptions {
    fn default() -> Self {
        ClassifyExportOptions {
            val_percent: 10.0,
            link: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassifyExportReport {
    pub train: usize,
    pub val: usize,
    /// Class folders written (image labels used by at least one image).
    pub classes: usize,
    /// Items left out, with the reason (no label, several labels, unreadable).
    pub left_out: Vec<(String, String)>,
}

/// The split folders an export writes; an existing `out` holding anything
/// else is refused.
const SPLITS: [&str; 3] = ["train", "val", "test"];

pub fn export_yolo_classify(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    options: ClassifyExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ClassifyExportReport, JobError> {
    check_output(project, out, "YOLO classification", |e| {
        SPLITS.contains(&e.file_name().to_string_lossy().as_ref())
    })?;
    if !(0.0..=100.0).contains(&options.val_percent) {
        return Err(JobError::Failed(format!(
            "the validation share must be between 0% and 100%, not {}%",
            options.val_percent
        )));
    }
    let folder_of = class_folders(project);
    let labels: HashMap<_, Vec<LabelId>> = project.all_image_labels()?.into_iter().collect();
    let mut report = ClassifyExportReport::default();
    let mut used_classes = HashSet::new();
    let mut taken = HashSet::new();
    let mut copies: Vec<(PathBuf, String)> = Vec::new();
    for item in project.items().iter().filter(|i| scope.includes(i)) {
        let left_out = |reason: String| (item.rel_path.clone(), reason);
        if let Some(reason) = unusable(item) {
            report.left_out.push(left_out(reason));
            continue;
        }
        let label = match labels.get(&item.id).map(Vec::as_slice).unwrap_or_default() {
            [] => {
                report
                    .left_out
                    .push(left_out("it has no image label".into()));
                continue;
            }
            [one] => *one,
            several => {
                let reason = format!(
                    "it has {} image labels, and a classification dataset puts each image in one class folder",
                    several.len()
                );
                report.left_out.push(left_out(reason));
                continue;
            }
        };
        let folder = match folder_of.get(&label) {
            Some(Ok(folder)) => folder,
            Some(Err(reason)) => {
                report.left_out.push(left_out(reason.clone()));
                continue;
            }
            None => {
                let reason = format!("image label id {label} is not in the schema");
                report.left_out.push(left_out(reason));
                continue;
            }
        };
        let split = split_of(item, options.val_percent);
        let dest = format!("{split}/{folder}/{}", flat_name(&item.rel_path));
        if !taken.insert(dest.clone()) {
            let reason = format!("another image already writes {dest}");
            report.left_out.push(left_out(reason));
            continue;
        }
        used_classes.insert(label);
        match split {
            "val" => report.val += 1,
            _ => report.train += 1,
        }
        copies.push((project.item_path(item), dest));
    }
    report.classes = used_classes.len();
    write_dir_atomic(out, |tmp| {
        let total = Some(copies.len());
        for (done, (source, dest)) in copies.iter().enumerate() {
            let target = tmp.join(dest);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            place_image(source, &target, options.link)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", source.display())))?;
            if done % 256 == 0 {
                progress(Progress { done, total });
            }
        }
        progress(Progress {
            done: copies.len(),
            total,
        });
        Ok(())
    })?;
    Ok(report)
}

/// Each image label's folder name, or why the label cannot be a folder.
fn class_folders(project: &Project) -> HashMap<LabelId, Result<String, String>> {
    project
        .schema()
        .image_labels
        .iter()
        .map(|l| {
            let name = l.name.trim();
            let bad = name.is_empty()
                || name == "."
                || name == ".."
                || name.chars().any(|c| {
                    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c < ' '
                });
            let folder = if bad {
                Err(format!(
                    "its image label {:?} cannot be a folder name; rename the label",
                    l.name
                ))
            } else {
                Ok(name.to_string())
            };
            (l.id, folder)
        })
        .collect()
}

fn split_of(item: &Item, val_percent: f64) -> &'static str {
    let bucket = (stable_hash(item.rel_path.as_bytes()) % 10_000) as f64 / 100.0;
    if bucket < val_percent { "val" } else { "train" }
}

/// The item's relative path as one file name: `a/b/c.jpg` → `a__b__c.jpg`, so
/// images of the same name in different folders stay apart.
fn flat_name(rel_path: &str) -> String {
    rel_path.split('/').collect::<Vec<_>>().join("__")
}

fn place_image(source: &Path, target: &Path, link: bool) -> std::io::Result<()> {
    if link && std::fs::hard_link(source, target).is_ok() {
        return Ok(());
    }
    std::fs::copy(source, target).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_flatten_into_one_name() {
        assert_eq!(flat_name("a/b/猫.jpg"), "a__b__猫.jpg");
        assert_eq!(flat_name("x.png"), "x.png");
    }
}
