//! Pascal VOC import and export between a project and a VOC root
//! (`Annotations/*.xml`, `ImageSets/Main/*.txt`, `JPEGImages/`, `labelmap.txt`).
//!
//! [`read_voc`] walks `Annotations/` (no links followed), parses the files in
//! parallel and plans boxes with their attributes onto the project's items
//! (matched by `<filename>`, else the annotation file's own path, through
//! [`crate::formats::label_paths::PathMatcher`]); [`apply_box_label_plan`]
//! stores the plan as one undoable edit; [`import_voc`] does both.
//! [`export_voc`] fills a temporary folder that replaces the output at once.

mod export;
mod import;

pub use super::box_labels::{BoxLabelReport, apply_box_label_plan};
pub use export::{VocExportReport, export_voc};
pub use import::{VocImportOptions, import_voc, read_voc};
