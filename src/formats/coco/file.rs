//! The COCO file as typed data, shared by export and import.
//!
//! Field types favour reading speed for files with a million annotations: ids
//! are integers, `bbox` is an inline array, and a polygon is read straight into
//! the model's [`crate::model::Polygon`].

use super::keypoints::{CocoKeypoints, category_keypoints};
use super::lenient;
use super::segmentation::Segmentation;
use serde::{Deserialize, Serialize};

/// A COCO detection file. Top-level keys are written in this order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CocoFile {
    pub info: CocoInfo,
    pub licenses: Vec<CocoLicense>,
    pub images: Vec<CocoImage>,
    pub annotations: Vec<CocoAnnotation>,
    pub categories: Vec<CocoCategory>,
}

/// COCO's `info` block. Informational only; every field may be missing on import.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CocoInfo {
    pub description: String,
    pub url: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub contributor: String,
    pub date_created: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CocoLicense {
    pub id: i64,
    pub name: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CocoImage {
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// Relative to the image root, as written in the file (not normalised).
    pub file_name: String,
    /// EXIF-oriented size; 0 when the file does not give it.
    #[serde(default, deserialize_with = "lenient::pixels")]
    pub width: u32,
    #[serde(default, deserialize_with = "lenient::pixels")]
    pub height: u32,
}

/// One annotation: a box, a polygon or RLE mask, keypoints, or (COCO's person
/// records) a region and keypoints together. Read by the hand-written impl in
/// `annotation_de.rs`, which accepts the same forms as the attributes below
/// suggest: ids as `3` or `3.0`, `iscrowd` as a number or a bool, and `bbox`,
/// `area`, `iscrowd`, `segmentation`, `keypoints` and `num_keypoints` optional.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CocoAnnotation {
    pub id: i64,
    pub image_id: i64,
    pub category_id: i64,
    /// `[x, y, w, h]` in absolute pixels. `None` when missing or malformed on import
    /// (not four numbers).
    pub bbox: Option<[f64; 4]>,
    /// Exports always write it (w×h for boxes); import ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<f64>,
    #[serde(serialize_with = "lenient::flag_as_int")]
    pub iscrowd: bool,
    pub segmentation: Segmentation,
    /// Written for the categories that have keypoint names (zeros when the
    /// annotation has none), as COCO's person keypoints files do.
    #[serde(skip_serializing_if = "CocoKeypoints::is_absent")]
    pub keypoints: CocoKeypoints,
    /// The labelled keypoints (`v` > 0). Import counts them itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_keypoints: Option<u32>,
    /// A model's confidence: written for proposals exported with the boxes
    /// (results-style), never for boxes; import ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Box attributes (CVAT/datumaro's `"attributes"` object); not written when empty.
    #[serde(skip_serializing_if = "crate::model::Attributes::is_empty")]
    pub attributes: crate::model::Attributes,
    /// What reading `"attributes"` left out, for the import's problems (a
    /// value that is a list, `"attributes"` that is not an object); never written.
    #[serde(skip)]
    pub attribute_problems: Vec<String>,
}

/// A category. A keypoint category (COCO's `person` in `person_keypoints_*.json`)
/// also names its points and the skeleton's edges.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "CategoryRecord")]
pub struct CocoCategory {
    pub id: i64,
    pub name: String,
    pub supercategory: String,
    /// The point names, in the order of every annotation's triples.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keypoints: Vec<String>,
    /// Edges between points, 1-based as COCO writes them, each within `keypoints`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skeleton: Vec<[u32; 2]>,
    /// What reading `keypoints` and `skeleton` left out, for the import's
    /// problems; never written.
    #[serde(skip)]
    pub keypoint_problems: Vec<String>,
}

/// A category as the file holds it; `keypoints` and `skeleton` are checked
/// after reading (a category list is short).
#[derive(Deserialize)]
struct CategoryRecord {
    #[serde(deserialize_with = "lenient::id")]
    id: i64,
    name: String,
    #[serde(default)]
    supercategory: String,
    #[serde(default)]
    keypoints: Option<serde_json::Value>,
    #[serde(default)]
    skeleton: Option<serde_json::Value>,
}

impl From<CategoryRecord> for CocoCategory {
    fn from(record: CategoryRecord) -> Self {
        let read = category_keypoints(record.keypoints, record.skeleton);
        Self {
            id: record.id,
            name: record.name,
            supercategory: record.supercategory,
            keypoints: read.names,
            skeleton: read.skeleton,
            keypoint_problems: read.problems,
        }
    }
}
