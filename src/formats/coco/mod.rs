//! COCO object detection files (`instances_*.json`), both ways.
//!
//! - Export: [`build_export`] turns items, annotations and the label schema into a
//!   [`CocoFile`] that follows the exporter checklist below, and
//!   [`write_coco`] serialises it. Image-level labels are not COCO geometry; they
//!   go to a JSON Lines file beside it ([`write_image_labels_jsonl`]).
//! - Import: [`parse_coco`] reads the bytes leniently (optional fields may be
//!   missing; errors name the record, line and column), and [`plan_import`]
//!   matches images to project items by `file_name` and checks every annotation,
//!   returning the shapes to add (a record's polygon of every part or RLE mask,
//!   else its bbox, and its keypoints, grouped) and a list of problems. Nothing
//!   is changed behind the user's back: a box more than [`OUTSIDE_TOLERANCE_PX`]
//!   beyond its image is reported, not clamped. Attribute values of the wrong
//!   type, and values the project's definitions refuse, are left out per
//!   annotation.
//!
//! Both directions report per record instead of failing: an export lists the
//! items, annotations and classes it left out, an import plan lists its problems.
//!
//! The module opens no files: callers hand in bytes, readers or writers.
//!
//! # Exporter checklist
//!
//! What a COCO file must hold for the training tools to load it the first time
//! (rvimage's exports break most of these: ids from 0, no `iscrowd`, box areas
//! for polygons):
//! - `info`, `licenses`, `images`, `annotations` and `categories` are always present.
//! - Image, annotation and category ids start at 1 and are unique in the file.
//! - `bbox` is `[x, y, w, h]`, float, absolute pixels, with no ±1.
//! - `area` is the shoelace area for polygons, the pixel count for masks and
//!   w×h for boxes. `iscrowd` is always present (0; 1 for a crowd RLE mask).
//!   Keypoints are `[x, y, v]` triples with `num_keypoints`, and their category
//!   carries the `keypoints` names and the `skeleton`.
//! - `width`/`height` are the EXIF-oriented size; `file_name` is relative to the
//!   image root.
//! - Image-level labels are not geometry-less annotations: they go to a JSON
//!   Lines file beside the COCO file.
//! - Every export is loaded by pycocotools in the tests, and COCOeval of the
//!   file against itself gives 1.0 (`tests/integration/coco_pycocotools.rs`).

mod annotation_de;
mod error;
mod export;
mod export_shape;
mod file;
mod import;
mod import_records;
mod import_shapes;
mod keypoints;
mod labels;
mod lenient;
mod parse;
mod paths;
mod segmentation;
mod skim;
mod write;

pub use error::CocoError;
pub(crate) use export::round4;
pub use export::{
    CocoExport, CocoExportInput, ExportNote, LeftOutClass, LeftOutItem, build_export,
    export_image_ids,
};
pub use export_shape::{CocoGeometry, ShapeRecord, coco_bbox, coco_geometry, group_records};
pub use file::{CocoAnnotation, CocoCategory, CocoFile, CocoImage, CocoInfo, CocoLicense};
pub use import::{
    CategoryKeypoints, CocoImportPlan, ImportPlanner, ImportProblem, ImportTarget,
    PlannedAnnotation, plan_import,
};
pub use import_shapes::segmentation_region;
pub use keypoints::CocoKeypoints;
pub use labels::write_image_labels_jsonl;
pub use parse::{parse_coco, parse_coco_header, stream_coco_annotations};
pub use paths::COCO_FOLDERS;
pub use segmentation::{CocoRle, RleCounts, Segmentation, SegmentationFault};
pub use write::write_coco;

/// How far (in pixels) a box may reach past the image border and still count as
/// inside. Such boxes are clamped to the image, on export and on import alike;
/// anything further out is reported instead of being silently changed.
pub const OUTSIDE_TOLERANCE_PX: f64 = 0.5;

#[cfg(test)]
mod tests;
