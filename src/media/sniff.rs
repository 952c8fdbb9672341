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
            return Err(match heif_brand(head) {
                Some(name) => MediaError::Unsupported {
                    path: MediaError::path_string(path),
                    detail: format!("{name} files cannot be opened"),
                },
                None => MediaError::NotAnImage {
                    path: MediaError::path_string(path),
                },
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

/// HEIC and HEIF, which phones write (under any name, `.jpg` included), by
/// the brand of their ISO-BMFF `ftyp` box: `image` does not know them.
fn heif_brand(head: &[u8]) -> Option<&'static str> {
    let brand = head.get(4..12).and_then(|b| b.strip_prefix(b"ftyp"))?;
    match brand {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs" => {
            Some("HEIC")
        }
        b"mif1" | b"msf1" => Some("HEIF"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iphone_photo_named_jpg_is_an_unsupported_heic_not_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("IMG_0001.jpg");
        std::fs::write(&path, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
        let Err(err) = open_image(&path, 64) else {
            panic!("a HEIC file cannot be opened");
        };
        assert_eq!(
            err.to_string(),
            format!(
                "{}: unsupported image format: HEIC files cannot be opened",
                path.display()
            )
        );
        assert_eq!(heif_brand(b"\0\0\0\x1cftypmif1"), Some("HEIF"));
        assert_eq!(heif_brand(b"\0\0\0\x1cftypisom"), None);
    }
}
