//! labelme JSON: one file per image (`version`, `flags`, `shapes`,
//! `imagePath`, `imageData`, `imageHeight`, `imageWidth`).
//!
//! - [`parse_labelme`] reads one file: `rectangle` shapes become boxes (two
//!   points, any corner order), flags that are true become image labels, other
//!   shape types are counted as skipped, and each shape it cannot take is
//!   reported by index while the rest is kept. Embedded `imageData` is ignored.
//! - [`labelme_json`] writes one file with rectangle shapes and
//!   `"imageData": null`.
//!
//! No I/O: the job (`jobs::labelme`) finds, reads and writes the files.

mod parse;
mod write;

pub use parse::{LabelmeFile, LabelmeRect, ShapeProblem, parse_labelme};
pub use write::{LABELME_VERSION, labelme_json};

#[cfg(test)]
mod tests;
