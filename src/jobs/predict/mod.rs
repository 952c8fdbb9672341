//! Running a model over a project's images into proposals (issue 17): the
//! batch behind `shugu predict` and the GUI's AI menu.
//!
//! [`select_tasks`] picks the items (all, new, unlabelled, within a list's
//! filter); [`PredictRun`] predicts them on worker threads (decoding on
//! several, the model on one, since a predictor keeps its buffers) and hands
//! back each image's result as it is ready; [`store_result`] stores one
//! image's predictions as one `Edit::AddProposals`, on the thread that owns
//! the project. So each finished image is stored as it comes, and a cancel
//! keeps what finished. [`run_to_end`] does both for the CLI and tests.

mod run;
mod store;

pub use run::{ImageResult, Opener, PredictRun, default_decoders};
pub use store::{PredictReport, StoredImage, run_to_end, store_result};

use crate::model::{ItemId, ItemStatus};
use crate::project::{Project, ProjectError};
use std::collections::HashSet;
use std::path::PathBuf;

/// Which items a batch runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ItemFilter {
    #[default]
    All,
    /// Items nobody has started (status new).
    New,
    /// Items without annotations, image labels or proposals waiting.
    Unlabelled,
}

impl ItemFilter {
    pub const ALL: [ItemFilter; 3] = [ItemFilter::All, ItemFilter::New, ItemFilter::Unlabelled];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemFilter::All => "all",
            ItemFilter::New => "new",
            ItemFilter::Unlabelled => "unlabelled",
        }
    }

    pub fn parse(name: &str) -> Result<ItemFilter, String> {
        match name.trim() {
            "all" => Ok(ItemFilter::All),
            "new" => Ok(ItemFilter::New),
            "unlabelled" | "unlabeled" => Ok(ItemFilter::Unlabelled),
            other => Err(format!(
                "unknown item filter `{other}`: expected all, new or unlabelled"
            )),
        }
    }
}

/// One image to predict.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictTask {
    pub item: ItemId,
    pub path: PathBuf,
    /// The item's path relative to the image root (what servers are told).
    pub key: String,
}

/// The readable items of `project` that `filter` keeps, in list order; only
/// those at `within` (positions in [`Project::items`], a list's current
/// filter) when given.
pub fn select_tasks(
    project: &Project,
    filter: ItemFilter,
    within: Option<&[usize]>,
) -> Result<Vec<PredictTask>, ProjectError> {
    let labelled: HashSet<ItemId> = match filter {
        ItemFilter::Unlabelled => project.labelled_items()?,
        _ => HashSet::new(),
    };
    let items = project.items();
    let positions: Vec<usize> = match within {
        Some(w) => w.to_vec(),
        None => (0..items.len()).collect(),
    };
    Ok(positions
        .into_iter()
        .filter_map(|i| items.get(i))
        .filter(|it| !it.is_broken())
        .filter(|it| match filter {
            ItemFilter::All => true,
            ItemFilter::New => it.status == ItemStatus::New,
            ItemFilter::Unlabelled => !labelled.contains(&it.id),
        })
        .map(|it| PredictTask {
            item: it.id,
            path: project.item_path(it),
            key: it.rel_path.clone(),
        })
        .collect())
}
