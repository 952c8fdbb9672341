//! Opening a file and recognising its format from its first bytes.
//!
//! The extension is ignored on purpose: datasets are full of PNGs named `.jpg`, and a text
//! file named `.png` must be reported as "not an image" rather than as a corrupt PNG.

use super::MediaError;
use image::ImageFormat;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// An open, non-empty image file whose format is known and decodable by this build.
pub(crate) struct SniffedFile {
    /// Positioned at the start of the file.
    pub reader: BufReader<File>,
    pub format: ImageFormat,
    /// Size of the file in bytes.
    pub len: u64,
}

impl SniffedFile {
    /// The format's name for messages ("JPEG", "PNG", …).
    pub fn format_name(&self) -> &'static str {
        format_name(self.format)
    }
}

/// Opens `path` and identifies its format. `buffer_capacity` sizes the read buffer: small
/// when only a header will be read, larger for a full decode.
pub(crate) fn open_image(path: &Path, buffer_capacity: usize) -> Result<SniffedFile, MediaError> {
    let file = File::open(path).map_err(|e| MediaError::from_io(path, None, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| MediaError::from_io(path, None, &e))?;
    if meta.is_dir() {
        return Err(MediaError::Io {
            path: MediaError::path_string(path),
            detail: "is a folder, not a file".into(),
        });
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty {
            path: MediaError::path_string(path),
        });
    }
    let mut reader = BufReader::with_capacity(buffer_capacity.max(64), file);
    // The first fill of a BufReader on a regular file returns min(len, capacity) bytes in
    // practice; every signature `guess_format` knows fits in its first 16 bytes. Peeking
    // through the buffer leaves the reader at offset 0 with no extra system call.
    let head = reader
        .fill_buf()
        .map_err(|e| MediaError::from_io(path, None, &e))?;
    let head = &head[..head.len().min(16)];
    let format = match image::guess_format(head) {
        Ok(format) => format,
        Err(_) => {
            return Err(MediaError::NotAnImage {
                path: MediaError::path_string(path),
            });
        }
    };
    if !format.reading_enabled() {
        return Err(MediaError::Unsupported {
            path: MediaError::path_string(path),
            detail: format!("{} files cannot be opened", format_name(format)),
        });
    }
    Ok(SniffedFile {
        reader,
        format,
        len: meta.len(),
    })
}

/// The usual name of a format, for messages.
pub(crate) fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Bmp => "BMP",
        ImageFormat::Tiff => "TIFF",
        ImageFormat::Gif => "GIF",
        ImageFormat::Avif => "AVIF",
        ImageFormat::OpenExr => "OpenEXR",
        other => other.extensions_str().first().copied().unwrap_or("image"),
    }
}
