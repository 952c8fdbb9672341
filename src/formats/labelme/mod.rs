//! labelme JSON: one file per image (`version`, `flags`, `shapes`,
//! `imagePath`, `imageData`, `imageHeight`, `imageWidth`), as labelme's
//! `LabelFile` reads and writes it.
//!
//! - [`parse_labelme`] reads one file: `rectangle` (two corners, any order),
//!   `oriented_rectangle` (four corners: a rotated box), `polygon` and a
//!   shape without `shape_type` (labelme's oldest files: a polygon), `line`
//!   and `linestrip` (polylines), `point` and `points` (keypoints, all
//!   visible), `mask` (the base64 PNG of the patch between its two points)
//!   and `circle` (centre and a point on it: read as a polygon on the
//!   circle, counted in [`LabelmeFile::converted`]); a shape's `group_id` is
//!   its group, its `flags` flag attributes, a `description` that is not
//!   empty the text attribute [`DESCRIPTION`], and an `attributes` object
//!   (written by our export) attributes. Flags of the file that are true
//!   become image labels, other shape types are counted as skipped, and each
//!   shape it cannot take is reported by index while the rest is kept.
//!   Embedded `imageData` is ignored.
//! - [`labelme_json`] writes one file with `"imageData": null`, every shape
//!   as labelme draws it ([`shape_json`]).
//!
//! No I/O: the job (`jobs::labelme`) finds, reads and writes the files.

mod mask_png;
mod parse;
mod write;

pub use parse::{LabelmeFile, LabelmeShape, ShapeProblem, parse_labelme};
pub use write::{LABELME_VERSION, LabelmeShapeOut, labelme_json, shape_json};

/// A shape's description, kept as a text attribute of this name.
pub const DESCRIPTION: &str = "description";
/// The object of a shape's other attributes (labelme keeps keys it does not
/// know, and writes them back).
pub const ATTRIBUTES: &str = "attributes";

#[cfg(test)]
mod tests;
