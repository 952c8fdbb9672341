//! CVAT for images 1.1 import and export between a project and one
//! `annotations.xml` (the import also takes a folder of them, one per subset,
//! as datumaro writes them).
//!
//! [`read_cvat`] reads the file or files and plans their shapes (with their
//! attributes) and tags (as image labels) onto the project's items, matched
//! by the `<image name>` (first in its subset's folder) through
//! [`crate::formats::label_paths::PathMatcher`]; [`apply_box_label_plan`]
//! stores the plan as one undoable edit, adding the labels shapes and tags use
//! and their attribute definitions to the schema; [`import_cvat`] does both.
//! [`export_cvat`] writes the file atomically.

mod export;
mod import;

pub use super::box_labels::{BoxLabelReport, apply_box_label_plan};
pub use export::{CvatExportReport, export_cvat};
pub use import::{CvatImportOptions, import_cvat, read_cvat};
