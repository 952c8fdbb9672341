//! `file_name` handling: COCO files come from Windows and Linux tools alike, and
//! a name must never reach outside the image root.

use std::borrow::Cow;

/// Normalises a COCO `file_name` for lookup: `\` becomes `/` and leading `./`
/// are removed. Returns `Err` with the reason when the name is empty or would
/// leave the image root (`..`, an absolute path, a drive letter such as `C:`).
pub fn normalise_file_name(name: &str) -> Result<Cow<'_, str>, &'static str> {
    let mut normal: Cow<'_, str> = if name.contains('\\') {
        Cow::Owned(name.replace('\\', "/"))
    } else {
        Cow::Borrowed(name)
    };
    let mut rest: &str = &normal;
    while let Some(after) = rest.strip_prefix("./") {
        rest = after;
    }
    let dot_slashes = normal.len() - rest.len();
    if dot_slashes > 0 {
        normal = match normal {
            Cow::Borrowed(b) => Cow::Borrowed(&b[dot_slashes..]),
            Cow::Owned(mut o) => {
                o.drain(..dot_slashes);
                Cow::Owned(o)
            }
        };
    }
    relative_problem(&normal).map_or(Ok(normal), Err)
}

pub(super) use crate::formats::label_paths::relative_problem;
