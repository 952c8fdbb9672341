//! labelme import and export between a project and a folder of labelme JSON
//! files (one per image, in a tree mirroring the image folders).
//!
//! [`read_labelme`] walks the folder (no links followed) and plans shapes and
//! image labels without touching the project; [`apply_box_label_plan`] stores
//! the plan as one undoable edit; [`import_labelme`] does both.
//! [`export_labelme`] fills a temporary folder that replaces the output at once.

mod export;
mod import;

pub use super::box_labels::{BoxLabelReport, apply_box_label_plan};
pub use export::{LabelmeExportReport, export_labelme};
pub use import::{import_labelme, read_labelme};
