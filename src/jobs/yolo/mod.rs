//! YOLO import and export between a project and a dataset folder, in every
//! Ultralytics layout (detection, segmentation, oriented boxes, pose).
//!
//! The import is split in two so the GUI can read on a worker thread and store
//! on its own: [`read_yolo`] finds and parses the files (in parallel) into a
//! [`YoloImportPlan`] without touching the project, [`apply_yolo_plan`] stores
//! it as one undoable edit. [`import_yolo`] does both. [`export_yolo`] writes
//! the layout [`YoloExportOptions`] names.

mod classify;
mod export;
mod import;
mod read;

pub use crate::formats::yolo::OutsidePolicy;
pub use classify::{ClassifyExportOptions, ClassifyExportReport, export_yolo_classify};
pub use export::{YoloExportOptions, YoloExportReport, export_yolo};
pub use import::{YoloImportReport, apply_yolo_plan, import_yolo};
pub use read::{LayoutChoice, YoloImportOptions, YoloImportPlan, YoloProblem, read_yolo};
