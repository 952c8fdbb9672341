use super::ItemId;
use serde::{Deserialize, Serialize};

/// Where an item is in the annotation workflow:
/// `new → in progress → submitted → accepted | rejected → (rework) → submitted …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    New,
    InProgress,
    /// The annotator is done with it; it waits for review. Earlier versions
    /// called this `done`.
    #[serde(alias = "done")]
    Submitted,
    Accepted,
    /// Sent back to its annotator for rework.
    Rejected,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 5] = [
        ItemStatus::New,
        ItemStatus::InProgress,
        ItemStatus::Submitted,
        ItemStatus::Accepted,
        ItemStatus::Rejected,
    ];

    /// The stable name used in storage, files and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::New => "new",
            ItemStatus::InProgress => "in_progress",
            ItemStatus::Submitted => "submitted",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Rejected => "rejected",
        }
    }

    /// A stored name; `done`, the name earlier versions gave `submitted`, too.
    pub fn parse(s: &str) -> Option<Self> {
        if s == "done" {
            return Some(ItemStatus::Submitted);
        }
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One image of the dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    /// Path relative to the image root, with `/` separators.
    pub rel_path: String,
    /// EXIF-oriented size in pixels; 0 when the file could not be read.
    pub width: u32,
    pub height: u32,
    pub status: ItemStatus,
    /// Why the file cannot be used, when it cannot.
    pub error: Option<String>,
}

impl Item {
    pub fn is_broken(&self) -> bool {
        self.error.is_some()
    }
}

/// Who made an annotation and when (Unix milliseconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub author: String,
    pub created_ms: i64,
    pub updated_by: String,
    pub updated_ms: i64,
}
