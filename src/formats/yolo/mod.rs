//! YOLO detection labels (Darknet and Ultralytics layouts), both ways.
//!
//! - Classes: [`parse_data_yaml`] (Ultralytics `data.yaml`: `names` as a list or
//!   an id → name map, and the `train`/`val`/`test` entries) and
//!   [`parse_class_names`] (`classes.txt` or Darknet's `obj.names`, one name a line).
//! - Labels: [`parse_label_file`] reads one `.txt` file, a box a line
//!   (`cls cx cy w h`, normalised, with an optional 6th column: a confidence),
//!   reporting each line it cannot take and keeping the rest;
//!   [`parse_list_file`] reads a split list (one image path a line) and reports
//!   paths that would leave the dataset root instead of returning them.
//! - Geometry: [`to_bbox`] and [`format_label_line`] convert between normalised
//!   centre/size and [`crate::model::BBox`] pixel corners.
//! - Export: [`label_path_for`] places an item's label file, [`write_data_yaml`]
//!   writes the class list.
//!
//! The module opens no files: callers hand in bytes and writers. Which files
//! exist and are read is the job's concern (`jobs::yolo`).

mod classes;
mod export;
mod geometry;
mod labels;

pub use classes::{DataYaml, MAX_CLASS_ID, parse_class_names, parse_data_yaml};
pub use export::{label_path_for, split_names, write_data_yaml};
pub use geometry::{OutsidePolicy, Placed, format_label_line, place_corners, to_bbox};
pub use labels::{LineProblem, YoloBox, parse_label_file, parse_list_file};

/// The folders a YOLO dataset adds around image paths; left out when label
/// files are matched to items.
pub const FORMAT_FOLDERS: [&str; 2] = ["images", "labels"];

#[cfg(test)]
mod tests;
