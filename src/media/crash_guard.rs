//! Containing panics from third-party decoders.
//!
//! Our own code never panics on file contents, but the codecs under `image` are large and
//! a hostile or unusual file may still trip a bug in one of them. On a worker thread or
//! inside a parallel scan such a panic would kill the thread (leaving an image "loading"
//! forever) or abort the whole scan. Catching it turns one bad file into one error entry,
//! so the rest of the dataset stays usable.

use super::MediaError;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Runs `work` on the file `path`, converting a panic into [`MediaError::DecoderCrashed`].
pub(crate) fn guard<T>(
    path: &Path,
    work: impl FnOnce() -> Result<T, MediaError>,
) -> Result<T, MediaError> {
    // AssertUnwindSafe: after a panic nothing captured by `work` is used again; the
    // error is all that leaves this function.
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(MediaError::DecoderCrashed {
            path: MediaError::path_string(path),
            detail,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        let result: Result<(), _> = guard(Path::new("evil.tif"), || panic!("index out of bounds"));
        let Err(err) = result else {
            panic!("expected an error");
        };
        assert_eq!(
            err.to_string(),
            "evil.tif: the decoder crashed on this file (index out of bounds)"
        );
    }

    #[test]
    fn results_pass_through() {
        assert_eq!(guard(Path::new("a.png"), || Ok(7)), Ok(7));
    }
}
