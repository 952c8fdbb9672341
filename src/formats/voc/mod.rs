//! Pascal VOC detection annotations: one XML file per image
//! (`<annotation>` with `<filename>`, `<size>` and `<object>`s of `<name>`,
//! `<bndbox>`, `<difficult>`/`<truncated>`/`<occluded>` and datumaro's
//! `<attributes>`), and datumaro's `labelmap.txt`.
//!
//! **Corners are 1-based pixel indices**: `<xmin>11</xmin><xmax>110</xmax>`
//! covers pixels 11..=110 counted from 1, which is our continuous box
//! x 10..110. [`corners_to_bbox`] and [`bbox_to_corners`] convert exactly both
//! ways for boxes on whole pixels (datumaro's `voc-one-based` mode does the
//! same); a box with fractional corners is written as the pixels it touches.
//!
//! - [`parse_voc`] reads one file: UTF-8, or ISO-8859-1 when the file declares
//!   it; each object it cannot take is reported by index, the rest kept;
//!   corners the wrong way round are swapped, with a note. A `<size>` of 0×0
//!   (labelImg writes it when it could not load the image) reads as no size.
//! - [`voc_xml`] writes one file; [`parse_labelmap`] / [`labelmap_txt`] the
//!   class list with its colours.
//!
//! No I/O: the job (`jobs::voc`) finds, reads and writes the files.

mod parse;
mod write;

pub use parse::{LabelmapEntry, ObjectProblem, VocFile, VocObject, parse_labelmap, parse_voc};
pub use write::{labelmap_txt, voc_xml};

use crate::model::BBox;

/// The flags VOC writes on every object; imported as bool attributes.
pub const VOC_FLAGS: [&str; 3] = ["truncated", "occluded", "difficult"];

/// A box from VOC's 1-based inclusive pixel corners.
pub fn corners_to_bbox(xmin: f64, ymin: f64, xmax: f64, ymax: f64) -> BBox {
    BBox {
        min_x: (xmin - 1.0) as f32,
        min_y: (ymin - 1.0) as f32,
        max_x: xmax as f32,
        max_y: ymax as f32,
    }
}

/// VOC's 1-based inclusive corners `[xmin, ymin, xmax, ymax]` of the pixels a
/// box covers (all of them, for a box with fractional corners).
pub fn bbox_to_corners(b: &BBox) -> [i64; 4] {
    let lo = |v: f32| f64::from(v).floor() as i64 + 1;
    let hi = |v: f32| f64::from(v).ceil() as i64;
    [lo(b.min_x), lo(b.min_y), hi(b.max_x), hi(b.max_y)]
}

#[cfg(test)]
mod tests;
