//! CVAT for images 1.1 import and export between a project and one
//! `annotations.xml`.
//!
//! [`read_cvat`] reads the file and plans its boxes (with their attributes)
//! and tags (as image labels) onto the project's items, matched by the
//! `<image name>` through [`crate::formats::label_paths::PathMatcher`];
//! [`apply_box_label_plan`] stores the plan as one undoable edit, adding the
//! file's labels and attribute definitions to the schema; [`import_cvat`]
//! does both. [`export_cvat`] writes the file atomically.

mod export;
mod import;

pub use super::box_labels::{BoxLabelReport, apply_box_label_plan};
pub use export::{CvatExportReport, export_cvat};
pub use import::{CvatImportOptions, import_cvat, read_cvat};
