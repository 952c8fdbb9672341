//! The project side of work packages and golden sets: snapshots of items, the
//! project's identity, golden items, annotators' versions of items, and the
//! record that makes a project a package.

use super::store::PackageItem;
use super::{Project, ProjectError, now_ms};
use crate::model::{ItemId, ItemSnapshot, ItemVersion, PackageInfo};

const UID_KEY: &str = "project_uid";

impl Project {
    /// An item's status and annotations now.
    pub fn snapshot(&self, item: ItemId) -> Result<ItemSnapshot, ProjectError> {
        let status = self
            .item(item)
            .map(|i| i.status)
            .ok_or_else(|| ProjectError::InvalidEdit(format!("there is no item with id {item}")))?;
        Ok(ItemSnapshot {
            status,
            annotations: self.store().annotations_of(item)?,
            spans: self.store().spans_of(item)?,
            labels: self.store().image_labels_of(item)?,
        })
    }

    /// An annotation by id, on whatever item.
    pub fn annotation(
        &self,
        id: crate::model::AnnotationId,
    ) -> Result<Option<crate::model::Annotation>, ProjectError> {
        self.store().annotation(id)
    }

    /// The project's identity, made on first use and kept in its database, so
    /// a work package knows which project it belongs to wherever it moves.
    pub fn identity(&mut self) -> Result<String, ProjectError> {
        if let Some(uid) = self.stored_identity()? {
            return Ok(uid);
        }
        let uid = new_identity(&self.dir().display().to_string());
        self.store_mut()?.set_session_value(UID_KEY, &uid)?;
        Ok(uid)
    }

    /// The identity, if [`Project::identity`] ever made one.
    pub fn stored_identity(&self) -> Result<Option<String>, ProjectError> {
        self.store().session_value(UID_KEY)
    }

    /// Golden items (their annotations are the trusted answer), ascending.
    pub fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError> {
        self.store().golden_items()
    }

    pub fn is_golden(&self, item: ItemId) -> Result<bool, ProjectError> {
        Ok(self.golden_items()?.binary_search(&item).is_ok())
    }

    /// Every annotator's kept version of every item, by item, kind, annotator.
    pub fn item_versions(&self) -> Result<Vec<ItemVersion>, ProjectError> {
        self.store().item_versions()
    }

    /// The largest annotation and span ids the project ever gave out.
    pub fn id_floors(&self) -> Result<(i64, i64), ProjectError> {
        self.store().id_floors()
    }

    /// `Some` when this project is a work package.
    pub fn package_info(&self) -> Result<Option<PackageInfo>, ProjectError> {
        self.store().package_info()
    }

    /// A package's items with their roles and the states they started from.
    pub fn package_items(&self) -> Result<Vec<PackageItem>, ProjectError> {
        self.store().package_items()
    }

    /// Makes this project a work package. New annotations and spans get ids above
    /// `info`'s floors from then on.
    pub fn mark_as_package(
        &mut self,
        info: &PackageInfo,
        items: &[PackageItem],
    ) -> Result<(), ProjectError> {
        self.store_mut()?.write_package(info, items)
    }
}

/// A new project identity, from where the project is and when it is made.
pub(super) fn new_identity(place: &str) -> String {
    let seed = format!("{place}|{}|{}", now_ms(), std::process::id());
    format!(
        "{:016x}{:08x}",
        stable_hash(seed.as_bytes()),
        std::process::id()
    )
}

/// FNV-1a, 64 bits: a stable hash (unlike `std`'s, which may change between
/// Rust versions).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
