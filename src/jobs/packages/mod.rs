//! Work packages for a team without a server: `split` cuts a project into one
//! project per annotator (with overlap items given to two of them, and golden
//! items to all), `merge` brings their work back through the edit path.

mod assign;
mod converge;
mod merge;
mod split;

pub use assign::{Assignment, assign};
pub use merge::{
    LoadedPackage, PackageMerged, load_package, merge_loaded, merge_package, merge_packages,
};
pub use split::{PackageMade, SplitOptions, parse_overlap, split_project};
