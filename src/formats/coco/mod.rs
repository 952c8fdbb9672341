//! COCO object detection files (`instances_*.json`), both ways.
//!
//! - Export: [`build_export`] turns items, annotations and the label schema into a
//!   [`CocoFile`] that follows the exporter checklist in `DESIGN.md` §7, and
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
