//! `file_name` handling. A `file_name` is only a name to match against the
//! project's items ([`crate::formats::label_paths`]): Label Studio's COCO
//! export writes its URLs there, supervision bare file names, Windows tools
//! back-slashes. Only an export checks paths strictly, since its consumers
//! open them.

pub(super) use crate::formats::label_paths::relative_problem;

/// The folders COCO tools put before file names (Label Studio's COCO export
/// writes `images/…`, datumaro keeps images in `images/<subset>/`), left out
/// when matching.
pub const COCO_FOLDERS: [&str; 1] = ["images"];
