//! YOLO labels (Darknet and Ultralytics layouts: detection, segmentation,
//! oriented boxes and pose), both ways.
//!
//! - Classes: [`parse_data_yaml`] (Ultralytics `data.yaml`: `names` as a list or
//!   an id → name map, the `train`/`val`/`test` entries, a pose dataset's
//!   `kpt_shape` and `kpt_names`, a `task`) and [`parse_class_names`]
//!   (`classes.txt` or Darknet's `obj.names`, one name a line).
//! - Labels: [`parse_label_file`] reads one `.txt` file into rows of numbers,
//!   reporting each line it cannot take and keeping the rest; [`layout`] tells
//!   what the rows are ([`file_layout`], [`read_row`]: `cls cx cy w h`,
//!   `cls x1 y1 x2 y2 …`, `cls x1 y1 … x4 y4`, `cls cx cy w h kx ky [v] …`, each
//!   with an optional confidence column after it);
//!   [`parse_list_file`] reads a split list (one image path a line) and reports
//!   paths that would leave the dataset root instead of returning them.
//! - Geometry: [`row_shapes`] turns a row into shapes in pixels (a box, a
//!   polygon, four corners as [`quad_shape`] reads them: a rectangle a rotated
//!   box, any other quadrilateral a 4-point polygon; a pose's box and
//!   keypoints), clamped or skipped past the image; [`shape_corners`] gives
//!   any region's four corners back (DOTA shares both); [`to_bbox`] and
//!   [`format_label_line`] convert boxes both ways; [`push_segment_row`],
//!   [`push_obb_row`] and [`push_pose_row`] write the other layouts
//!   ([`merge_multi_segment`] joins a polygon's parts as Ultralytics does).
//! - Export: [`label_path_for`] places an item's label file, [`write_data_yaml`]
//!   writes the class list (and a pose dataset's `kpt_shape`, `flip_idx` from
//!   point names ([`flip_idx`]) and `kpt_names`).
//!
//! The module opens no files: callers hand in bytes and writers. Which files
//! exist and are read is the job's concern (`jobs::yolo`).

mod classes;
mod export;
mod geometry;
mod labels;
pub mod layout;
mod quad;
mod write;

pub use classes::{DataYaml, MAX_CLASS_ID, parse_class_names, parse_data_yaml};
pub use export::{PoseYaml, label_path_for, split_names, write_data_yaml};
pub use geometry::{
    OutsidePolicy, Placed, RowShapes, format_label_line, place_corners, place_shape, push_row,
    row_shapes, to_bbox,
};
pub use labels::{LineProblem, YoloRow, parse_label_file, parse_lines, parse_list_file};
pub use layout::{KptShape, YoloGeometry, YoloLayout, YoloRecord, file_layout, read_row};
pub use quad::{min_area_rect, quad_shape, rectangle_tolerance, shape_corners};
pub use write::{flip_idx, merge_multi_segment, push_obb_row, push_pose_row, push_segment_row};

/// The folders a YOLO dataset adds around image paths; left out when label
/// files are matched to items.
pub const FORMAT_FOLDERS: [&str; 2] = ["images", "labels"];

#[cfg(test)]
mod tests;
