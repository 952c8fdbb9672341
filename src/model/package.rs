//! Work packages and golden sets: what an item looked like (a snapshot), an
//! annotator's version of an item kept beside the item, and the role an item
//! plays in a package.

use super::{Annotation, Attributes, ItemId, ItemStatus, LabelId, SpanAnnotation};
use serde::{Deserialize, Serialize};

/// An item's annotations and status at one moment, as kept in versions and in
/// a package's record of what it started from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemSnapshot {
    pub status: ItemStatus,
    /// Version 6 databases wrote them as `boxes` (each with a `bbox`).
    #[serde(default, alias = "boxes")]
    pub annotations: Vec<Annotation>,
    #[serde(default)]
    pub spans: Vec<SpanAnnotation>,
    /// Image labels, or document classes of a text.
    #[serde(default)]
    pub labels: Vec<LabelId>,
}

impl ItemSnapshot {
    pub fn empty() -> Self {
        Self {
            status: ItemStatus::New,
            annotations: Vec::new(),
            spans: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// True when nobody has worked on it: new, without annotations.
    pub fn is_untouched(&self) -> bool {
        self.status == ItemStatus::New
            && self.annotations.is_empty()
            && self.spans.is_empty()
            && self.labels.is_empty()
    }

    /// The same annotations and status, whatever the ids: annotations are
    /// compared by class, shape (its stored bytes), attributes, author and
    /// creation time, spans by class, range, author and creation time.
    pub fn same_content(&self, other: &ItemSnapshot) -> bool {
        self.content_key() == other.content_key()
    }

    fn content_key(&self) -> ContentKey {
        let mut annotations: Vec<_> = self.annotations.iter().map(annotation_key).collect();
        annotations.sort_unstable();
        let mut spans: Vec<_> = self.spans.iter().map(span_key).collect();
        spans.sort_unstable();
        let mut labels = self.labels.clone();
        labels.sort_unstable();
        labels.dedup();
        (self.status.as_str(), annotations, spans, labels)
    }
}

type ContentKey = (&'static str, Vec<AnnotationKey>, Vec<SpanKey>, Vec<LabelId>);

/// An annotation without its ids: class, the shape's bytes
/// ([`crate::model::Shape::encode`], so equal bits, as stored), author,
/// creation time, attributes. The group is left out: its number is whatever
/// an import gave, and no edit changes it.
pub type AnnotationKey = (i64, Vec<u8>, String, i64, Attributes);
/// A span without its ids: class, range, author, creation time.
pub type SpanKey = (i64, u32, u32, String, i64);

pub fn annotation_key(b: &Annotation) -> AnnotationKey {
    (
        b.class.0,
        b.shape.to_bytes(),
        b.provenance.author.clone(),
        b.provenance.created_ms,
        b.attributes.clone(),
    )
}

pub fn span_key(s: &SpanAnnotation) -> SpanKey {
    (
        s.class.0,
        s.start,
        s.end,
        s.provenance.author.clone(),
        s.provenance.created_ms,
    )
}

/// Why an annotator's version of an item is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionKind {
    /// The item was given to two annotators to measure their agreement.
    Overlap,
    /// The annotator changed the item while someone else did too; the project
    /// kept its own state and flagged the item.
    Conflict,
    /// A golden (trusted) item given as a hidden test.
    Golden,
}

impl VersionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionKind::Overlap => "overlap",
            VersionKind::Conflict => "conflict",
            VersionKind::Golden => "golden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            VersionKind::Overlap,
            VersionKind::Conflict,
            VersionKind::Golden,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One annotator's version of an item, kept beside the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemVersion {
    pub item: ItemId,
    pub annotator: String,
    pub kind: VersionKind,
    pub body: ItemSnapshot,
    pub created_ms: i64,
}

/// What an item is in a work package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageRole {
    /// Given to this annotator alone.
    Assigned,
    /// Given to two annotators, to measure their agreement.
    Overlap,
    /// A golden item, given to everyone without its answer.
    Golden,
}

impl PackageRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageRole::Assigned => "assigned",
            PackageRole::Overlap => "overlap",
            PackageRole::Golden => "golden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PackageRole::Assigned,
            PackageRole::Overlap,
            PackageRole::Golden,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What makes a project a work package: where it came from, for whom, and
/// the ids the source had used when it was cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// The source project's identity (kept in its database), so a package is
    /// never merged into another project.
    pub source_uid: String,
    pub source_name: String,
    /// The source project's folder at split time, as given.
    pub source_dir: String,
    pub annotator: String,
    pub split_ms: i64,
    /// The largest annotation and span ids the source had ever given out:
    /// annotations and spans of the package above these were made in it.
    /// (Version 6 called it `box_floor`.)
    #[serde(alias = "box_floor")]
    pub annotation_floor: i64,
    pub span_floor: i64,
}
