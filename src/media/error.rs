//! The one error type of the media module.
//!
//! Every message starts with the file it is about and then says, in plain words, what is
//! wrong with it ("photos/a.jpg: file is empty (0 bytes)"), because these messages are
//! shown as-is in place of a broken image and in scan reports. The type is `Clone` and holds
//! only strings and numbers so it can be cached (failed loads are remembered) and sent
//! between threads.

use super::limits::{MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE};
use image::error::{ImageError, LimitErrorKind};
use std::error::Error as _;
use std::io;
use std::path::Path;

/// Why a file or folder could not be probed, decoded or scanned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The operating system refused or failed the read (missing file, permissions, I/O error).
    #[error("{path}: cannot read: {detail}")]
    Io { path: String, detail: String },

    /// The file exists but has no bytes at all (an interrupted copy, typically).
    #[error("{path}: file is empty (0 bytes)")]
    Empty { path: String },

    /// The first bytes match no known image signature (a text file named `.png`, say).
    #[error("{path}: not an image (unrecognised format)")]
    NotAnImage { path: String },

    /// A known image format this build cannot decode (AVIF, EXR, …).
    #[error("{path}: unsupported image format: {detail}")]
    Unsupported { path: String, detail: String },

    /// The file stops before the image data ends.
    #[error("{path}: truncated {format} ({detail})")]
    Truncated {
        path: String,
        format: &'static str,
        detail: String,
    },

    /// The decoder found data it cannot make sense of.
    #[error("{path}: truncated or corrupt {format}: {detail}")]
    Corrupt {
        path: String,
        format: &'static str,
        detail: String,
    },

    /// The header claims a size over [`MAX_PIXELS`] or [`MAX_SIDE`]; refused before decoding.
    #[error("{path}: image is {width}×{height} pixels, {}", too_large_reason(*width, *height))]
    TooLarge {
        path: String,
        width: u32,
        height: u32,
    },

    /// Decoding would allocate more than [`MAX_DECODE_BYTES`] (for example a 16-bit image
    /// near the pixel limit), or the decoder hit its own allocation limit.
    #[error("{path}: decoding needs more than the {} MiB memory limit ({detail})", MAX_DECODE_BYTES >> 20)]
    MemoryLimit { path: String, detail: String },

    /// `scan_folder` was given something that is not a directory.
    #[error("{path}: not a folder")]
    NotAFolder { path: String },

    /// A file or folder name that is not valid Unicode cannot be stored as a relative path.
    #[error("{path}: file name is not valid Unicode")]
    NonUnicodeName { path: String },

    /// A bug in a third-party decoder made it panic on this file; the panic was contained.
    #[error("{path}: the decoder crashed on this file ({detail})")]
    DecoderCrashed { path: String, detail: String },

    /// A symbolic link pointing back at one of its own parent folders.
    #[error("{path}: symbolic link loop, not followed")]
    LinkLoop { path: String },
}

fn too_large_reason(width: u32, height: u32) -> String {
    if width > MAX_SIDE || height > MAX_SIDE {
        format!("a side is longer than the {MAX_SIDE} pixel limit (possible decompression bomb)")
    } else {
        format!(
            "more than the {} megapixel limit (possible decompression bomb)",
            MAX_PIXELS / 1_000_000
        )
    }
}

impl MediaError {
    /// The file or folder the error is about, as it starts the message.
    pub fn path(&self) -> &str {
        match self {
            MediaError::Io { path, .. }
            | MediaError::Empty { path }
            | MediaError::NotAnImage { path }
            | MediaError::Unsupported { path, .. }
            | MediaError::Truncated { path, .. }
            | MediaError::Corrupt { path, .. }
            | MediaError::TooLarge { path, .. }
            | MediaError::MemoryLimit { path, .. }
            | MediaError::NotAFolder { path }
            | MediaError::NonUnicodeName { path }
            | MediaError::DecoderCrashed { path, .. }
            | MediaError::LinkLoop { path } => path,
        }
    }

    /// The message without the leading path, for reports that already name the
    /// file (a scan summary lists files relative to the scanned folder).
    pub fn problem(&self) -> String {
        let full = self.to_string();
        match full
            .strip_prefix(self.path())
            .and_then(|r| r.strip_prefix(": "))
        {
            Some(rest) => rest.to_string(),
            None => full,
        }
    }

    /// The display form of a path used at the start of every message.
    pub(crate) fn path_string(path: &Path) -> String {
        path.display().to_string()
    }

    /// An I/O error while reading `path`. An unexpected end of file means the file is cut
    /// short, which is a property of the file rather than of the OS, so it is reported as such.
    pub(crate) fn from_io(path: &Path, format: Option<&'static str>, err: &io::Error) -> Self {
        let path = Self::path_string(path);
        match (err.kind(), format) {
            (io::ErrorKind::UnexpectedEof, Some(format)) => MediaError::Truncated {
                path,
                format,
                detail: "file ends too early".into(),
            },
            _ => MediaError::Io {
                path,
                detail: err.to_string(),
            },
        }
    }

    /// Translates an error of the `image` crate for the file `path` in format `format`.
    pub(crate) fn from_image(path: &Path, format: &'static str, err: ImageError) -> Self {
        let path_s = Self::path_string(path);
        match err {
            ImageError::IoError(e) => Self::from_io(path, Some(format), &e),
            ImageError::Decoding(e) => MediaError::Corrupt {
                path: path_s,
                format,
                // The Display of DecodingError repeats the format name; its source does not.
                detail: e.source().map_or_else(|| e.to_string(), |s| s.to_string()),
            },
            ImageError::Limits(e) => match e.kind() {
                LimitErrorKind::DimensionError => MediaError::MemoryLimit {
                    path: path_s,
                    detail: "image dimensions exceed the decoder limits".into(),
                },
                _ => MediaError::MemoryLimit {
                    path: path_s,
                    detail: e.to_string(),
                },
            },
            ImageError::Unsupported(e) => MediaError::Unsupported {
                path: path_s,
                detail: e.to_string(),
            },
            ImageError::Parameter(e) => MediaError::Corrupt {
                path: path_s,
                format,
                detail: e.to_string(),
            },
            ImageError::Encoding(e) => MediaError::Corrupt {
                path: path_s,
                format,
                detail: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_first() {
        let e = MediaError::Empty {
            path: "photos/a.jpg".into(),
        };
        assert_eq!(e.to_string(), "photos/a.jpg: file is empty (0 bytes)");
        let e = MediaError::NotAnImage {
            path: "a.png".into(),
        };
        assert_eq!(e.to_string(), "a.png: not an image (unrecognised format)");
    }

    #[test]
    fn too_large_names_the_limit() {
        let e = MediaError::TooLarge {
            path: "bomb.png".into(),
            width: 50_000,
            height: 50_000,
        };
        assert_eq!(
            e.to_string(),
            "bomb.png: image is 50000×50000 pixels, more than the 268 megapixel limit \
             (possible decompression bomb)"
        );
        let e = MediaError::TooLarge {
            path: "strip.png".into(),
            width: 70_000,
            height: 2,
        };
        assert!(e.to_string().contains("longer than the 65535 pixel limit"));
    }

    #[test]
    fn unexpected_eof_is_truncation_not_io() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "eof");
        let e = MediaError::from_io(Path::new("x.png"), Some("PNG"), &eof);
        assert!(matches!(e, MediaError::Truncated { .. }), "{e:?}");
        let denied = io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        let e = MediaError::from_io(Path::new("x.png"), Some("PNG"), &denied);
        assert_eq!(e.to_string(), "x.png: cannot read: denied");
    }
}
