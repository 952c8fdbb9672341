//! Scanning a folder tree for images, streaming results as they come.
//!
//! Opening a folder of 100k images must show the first one at once, not after every
//! header has been read. So the walk is sorted (deterministic order, the same on every
//! run and machine), the first batch holds a single file, and later batches of
//! `batch_size` files have their headers probed in parallel with rayon while the caller
//! consumes the previous one. Broken files are listed with their error rather than
//! dropped, so the dataset shows them; unreadable folders are recorded, not fatal.

use super::MediaError;
use super::probe::{ImageInfo, probe};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::ffi::OsStr;
use std::fs;
use std::path::{Component, Path, PathBuf};
use walkdir::{DirEntry, WalkDir};

/// One image file found by [`scan_folder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedFile {
    /// Path relative to the scanned root, with `/` separators on every platform.
    pub rel_path: String,
    /// Its header facts, or why it cannot be used (the message names the file).
    pub info: Result<ImageInfo, MediaError>,
}

/// What [`scan_folder`] reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// More files, in walk order. The first batch has one file, later ones `batch_size`.
    Batch(Vec<ScannedFile>),
    /// The walk is complete (not sent when the scan is cancelled).
    Done(ScanSummary),
}

/// Totals of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Image files whose header was read successfully.
    pub images: usize,
    /// Image files (by extension) that could not be read; listed with `info = Err`.
    pub broken: usize,
    /// Every file that did not become an item, with why, in walk order.
    pub skipped: Vec<SkippedFile>,
    /// `(relative path, message)` for every broken file and every folder or link that
    /// could not be walked.
    pub errors: Vec<(String, String)>,
    /// `(relative path, warning)` for every file that opened with a warning.
    pub warnings: Vec<(String, String)>,
}

/// A file a scan did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// Path relative to the scanned root, with `/` separators.
    pub rel_path: String,
    pub reason: SkipReason,
}

/// Why a scan did not take a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// An image in a format this build cannot open (the format's name).
    UnsupportedImage(&'static str),
    /// Not an image, by its extension.
    NotAnImage,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::UnsupportedImage(format) => {
                write!(f, "unsupported image format ({format})")
            }
            SkipReason::NotAnImage => f.write_str("not an image"),
        }
    }
}

/// Extensions treated as images, lower case.
const IMAGE_EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif"];

/// Image formats this build does not open, by extension (lower case), with
/// their names: what phones and cameras write besides JPEG, and a few more.
const UNSUPPORTED_IMAGES: [(&str, &str); 21] = [
    ("heic", "HEIC"),
    ("heif", "HEIF"),
    ("hif", "HEIF"),
    ("avif", "AVIF"),
    ("jxl", "JPEG XL"),
    ("dng", "camera raw"),
    ("cr2", "camera raw"),
    ("cr3", "camera raw"),
    ("nef", "camera raw"),
    ("arw", "camera raw"),
    ("orf", "camera raw"),
    ("rw2", "camera raw"),
    ("raf", "camera raw"),
    ("svg", "SVG"),
    ("psd", "Photoshop"),
    ("ico", "ICO"),
    ("exr", "OpenEXR"),
    ("hdr", "Radiance HDR"),
    ("tga", "TGA"),
    ("jp2", "JPEG 2000"),
    ("qoi", "QOI"),
];

/// Why a file that is not an image by [`is_image_path`] is skipped.
pub fn skip_reason(p: &Path) -> SkipReason {
    let ext = p.extension().and_then(OsStr::to_str).unwrap_or("");
    UNSUPPORTED_IMAGES
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map_or(SkipReason::NotAnImage, |&(_, name)| {
            SkipReason::UnsupportedImage(name)
        })
}

/// Whether `p` names an image by its extension (jpg, jpeg, png, webp, bmp, tif, tiff, gif,
/// in any case). The content decides the format when decoding; this only filters listings.
pub fn is_image_path(p: &Path) -> bool {
    p.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| IMAGE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Walks `root` recursively in file-name order and reports every image file in batches
/// through `on_event`; returning `false` from `on_event` cancels the scan, and the
/// summary so far is returned (without a `Done` event).
///
/// Skips hidden entries (names starting with `.`). Follows symbolic links, but not in a
/// loop (a loop is recorded in `errors`). Lists in `skipped`, with why, files that are
/// not images by extension. Fails only if `root` itself cannot be read or is not a folder.
pub fn scan_folder(
    root: &Path,
    batch_size: usize,
    mut on_event: impl FnMut(ScanEvent) -> bool,
) -> Result<ScanSummary, MediaError> {
    let meta = fs::metadata(root).map_err(|e| MediaError::from_io(root, None, &e))?;
    if !meta.is_dir() {
        return Err(MediaError::NotAFolder {
            path: MediaError::path_string(root),
        });
    }
    let batch_size = batch_size.max(1);
    let mut summary = ScanSummary::default();
    let mut pending: Vec<PathBuf> = Vec::new();
    // The first batch holds one file so the UI can show something immediately.
    let mut batch_target = 1;

    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by(by_name)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                summary.errors.push(walk_error(root, &err));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if !is_image_path(entry.path()) {
            summary.skipped.push(SkippedFile {
                rel_path: lossy_relative_path(root, entry.path()),
                reason: skip_reason(entry.path()),
            });
            continue;
        }
        pending.push(entry.into_path());
        if pending.len() >= batch_target {
            if !emit_batch(root, &mut pending, &mut summary, &mut on_event) {
                return Ok(summary);
            }
            batch_target = batch_size;
        }
    }
    if !pending.is_empty() && !emit_batch(root, &mut pending, &mut summary, &mut on_event) {
        return Ok(summary);
    }
    on_event(ScanEvent::Done(summary.clone()));
    Ok(summary)
}

/// Probes `pending` in parallel (order kept), counts the results, and sends them.
/// Returns `false` if the receiver cancelled.
fn emit_batch(
    root: &Path,
    pending: &mut Vec<PathBuf>,
    summary: &mut ScanSummary,
    on_event: &mut impl FnMut(ScanEvent) -> bool,
) -> bool {
    let files: Vec<ScannedFile> = pending
        .par_iter()
        .map(|path| scan_file(root, path))
        .collect();
    pending.clear();
    for file in &files {
        match &file.info {
            Ok(info) => {
                summary.images += 1;
                if let Some(warning) = info.warning {
                    summary
                        .warnings
                        .push((file.rel_path.clone(), warning.to_string()));
                }
            }
            Err(err) => {
                summary.broken += 1;
                summary.errors.push((file.rel_path.clone(), err.problem()));
            }
        }
    }
    on_event(ScanEvent::Batch(files))
}

fn scan_file(root: &Path, path: &Path) -> ScannedFile {
    match relative_path(root, path) {
        Some(rel_path) => ScannedFile {
            rel_path,
            info: probe(path),
        },
        None => ScannedFile {
            rel_path: lossy_relative_path(root, path),
            info: Err(MediaError::NonUnicodeName {
                path: MediaError::path_string(path),
            }),
        },
    }
}

/// `path` relative to `root` joined with `/`, or `None` if a component is not Unicode
/// (such a name cannot be stored and found again through a `String`).
fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// For listing and error messages only, when [`relative_path`] fails.
fn lossy_relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Orders siblings by file name. Siblings share their parent's path, so comparing whole
/// paths as bytes gives the same order as comparing names, and is 2–3× faster than
/// walkdir's `sort_by_file_name` (which re-parses `Path::file_name` on every comparison):
/// for 100k files in one folder the first image arrives in ~120 ms instead of ~300 ms.
fn by_name(a: &DirEntry, b: &DirEntry) -> Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

fn is_hidden(entry: &DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().starts_with(b".")
}

/// A folder that could not be read, a broken link or a link loop, as an `errors` entry.
fn walk_error(root: &Path, err: &walkdir::Error) -> (String, String) {
    let path = err.path().unwrap_or(root);
    let rel = lossy_relative_path(root, path);
    let media_error = if err.loop_ancestor().is_some() {
        MediaError::LinkLoop {
            path: MediaError::path_string(path),
        }
    } else if let Some(io) = err.io_error() {
        MediaError::from_io(path, None, io)
    } else {
        MediaError::Io {
            path: MediaError::path_string(path),
            detail: err.to_string(),
        }
    };
    (rel, media_error.problem())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_extensions_in_any_case() {
        for name in [
            "a.jpg", "b.JPG", "c.Jpeg", "d.png", "e.WEBP", "f.bmp", "g.tif", "h.TIFF", "i.gif",
        ] {
            assert!(is_image_path(Path::new(name)), "{name}");
        }
        for name in ["a.txt", "b", "c.jpg.txt", ".jpg", "d.heic", "e.svg"] {
            assert!(!is_image_path(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn phone_and_camera_formats_are_named_as_unsupported_images() {
        for (name, format) in [
            ("IMG_0001.HEIC", "HEIC"),
            ("photo.avif", "AVIF"),
            ("DSC_1.NEF", "camera raw"),
        ] {
            assert_eq!(
                skip_reason(Path::new(name)),
                SkipReason::UnsupportedImage(format)
            );
        }
        assert_eq!(skip_reason(Path::new("a.txt")), SkipReason::NotAnImage);
        assert_eq!(skip_reason(Path::new("Makefile")), SkipReason::NotAnImage);
    }

    #[test]
    fn relative_paths_use_forward_slashes() {
        let root = Path::new("/data/set");
        let path = root.join("测试").join("猫 ñ.jpg");
        assert_eq!(relative_path(root, &path).as_deref(), Some("测试/猫 ñ.jpg"));
    }
}
