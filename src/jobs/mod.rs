//! Long-running work shared by the GUI and the CLI: scanning a folder into a
//! project, and importing and exporting annotation files. Each job reports progress
//! and collects per-file problems instead of stopping at the first one.

pub mod box_labels;
pub mod coco;
pub mod cvat;
pub mod dota;
mod export_common;
mod handoff;
pub mod label_files;
pub use export_common::ImageExportReport;
pub mod label_studio_images;
pub mod labelme;
pub mod packages;
pub mod predict;
pub mod predictions;
pub mod registry;
pub mod safe_read;
pub mod scan;
pub mod text;
pub mod thumbnails;
pub mod voc;
pub mod yolo;

/// How far a job has come, for progress bars and CLI progress lines.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub done: usize,
    /// `None` while the total isn't known yet (a folder scan).
    pub total: Option<usize>,
}

impl Progress {
    pub fn fraction(&self) -> Option<f32> {
        self.total
            .filter(|&t| t > 0)
            .map(|t| (self.done as f32 / t as f32).min(1.0))
    }
}

/// Which items an export writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ItemScope {
    #[default]
    All,
    /// Only the items with this status, e.g. the accepted ones.
    Status(crate::model::ItemStatus),
}

impl ItemScope {
    pub fn includes(self, item: &crate::model::Item) -> bool {
        match self {
            ItemScope::All => true,
            ItemScope::Status(status) => item.status == status,
        }
    }
}

/// Splits a comma-separated list, dropping blanks (full-width commas count too).
pub fn split_list(list: &str) -> Vec<String> {
    list.split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads a share such as `10%` or `12.5` as a percentage, 0–100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let number = text.trim().trim_end_matches('%').trim();
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage such as 10%"))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(format!("{value}% is outside 0–100%"));
    }
    Ok(value)
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
    #[error("{0}")]
    Failed(String),
}

/// Adds the `names` the schema lacks as box classes, before an import stores
/// boxes of them. Returns the names added (to remove again if the import
/// fails) and the class of each name, in order.
pub(crate) fn add_missing_classes(
    project: &mut crate::project::Project,
    names: &[String],
) -> Result<(Vec<String>, Vec<Option<crate::model::ClassId>>), JobError> {
    let added: Vec<String> = names
        .iter()
        .filter(|name| project.schema().class_by_name(name).is_none())
        .cloned()
        .collect();
    if !added.is_empty() {
        project.update_schema(|s| {
            for name in &added {
                s.add_class(name);
            }
        })?;
    }
    let class_of = names
        .iter()
        .map(|name| project.schema().class_by_name(name).map(|c| c.id))
        .collect();
    Ok((added, class_of))
}
