//! Reading an image's size and orientation from its header, without decoding pixels.
//!
//! This is what a folder scan runs on every file, so it must be cheap: JPEG headers are
//! read by [`super::jpeg_markers`] (the `image` crate's JPEG decoder would read the whole
//! file first); the other formats go through `image`'s decoders, which stop after the
//! header when constructed. Sizes are checked against the bomb limits here, so a scan
//! already flags files that could never be decoded.

use super::MediaError;
use super::crash_guard::guard;
use super::jpeg_markers::{self, JpegHeader};
use super::jpeg_scan::{ImageWarning, check_jpeg_end};
use super::limits::{check_dimensions, header_limits};
use super::sniff::{SniffedFile, open_image};
use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Header facts about an image, in display terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageInfo {
    /// Width as displayed: EXIF orientation applied (stored width and height are swapped
    /// for orientations 5–8), which is the coordinate space of annotations.
    pub width: u32,
    /// Height as displayed, see [`ImageInfo::width`].
    pub height: u32,
    /// EXIF orientation, 1..=8; 1 when the file has none.
    pub orientation: u8,
    /// Opened, but not quite as it should (a JPEG without its end marker).
    pub warning: Option<ImageWarning>,
}

impl ImageInfo {
    /// Builds the info from the *stored* size and the orientation to apply.
    pub(crate) fn from_stored(width: u32, height: u32, orientation: Orientation) -> Self {
        let (width, height) = oriented_size(width, height, orientation);
        ImageInfo {
            width,
            height,
            orientation: orientation.to_exif(),
            warning: None,
        }
    }
}

/// The displayed size of an image stored as `width`×`height` with `orientation`.
pub(crate) fn oriented_size(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (height, width),
        Orientation::NoTransforms
        | Orientation::Rotate180
        | Orientation::FlipHorizontal
        | Orientation::FlipVertical => (width, height),
    }
}

/// The orientation in an EXIF block; no block or a malformed one means "as stored",
/// which is what every viewer does, rather than making the image unusable.
pub(crate) fn exif_orientation(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms)
}

/// Header buffer: enough for a typical JPEG header (APP0, EXIF, tables) in one read.
const HEADER_BUFFER: usize = 16 << 10;

/// Reads the size and EXIF orientation of the image at `path` from its header (for a
/// JPEG, also its last two bytes, to catch truncated files; one that lacks only its
/// end-of-image marker opens with a warning).
///
/// Errors name the file and the problem: missing or unreadable file, empty file, not an
/// image, unsupported format, damaged header, or a size over
/// [`MAX_PIXELS`](super::MAX_PIXELS)/[`MAX_SIDE`](super::MAX_SIDE). A file whose header is
/// fine but whose data is damaged (other than a truncated JPEG) probes fine;
/// [`super::decode_for_display`] finds that.
pub fn probe(path: &Path) -> Result<ImageInfo, MediaError> {
    guard(path, || probe_unguarded(path))
}

fn probe_unguarded(path: &Path) -> Result<ImageInfo, MediaError> {
    let mut file = open_image(path, HEADER_BUFFER)?;
    let mut warning = None;
    let (width, height, orientation) = if file.format == ImageFormat::Jpeg {
        let header = jpeg_markers::read_header(path, &mut file.reader)?;
        check_dimensions(path, header.width, header.height)?;
        warning = check_jpeg_tail(path, &mut file, &header)?;
        let orientation = exif_orientation(header.exif.as_deref());
        (header.width, header.height, orientation)
    } else {
        let format_name = file.format_name();
        let mut reader = ImageReader::with_format(file.reader, file.format);
        reader.limits(header_limits());
        let mut decoder = reader
            .into_decoder()
            .map_err(|e| MediaError::from_image(path, format_name, e))?;
        let (width, height) = decoder.dimensions();
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        (width, height, orientation)
    };
    check_dimensions(path, width, height)?;
    Ok(ImageInfo {
        warning,
        ..ImageInfo::from_stored(width, height, orientation)
    })
}

/// Catches truncated JPEGs at scan time, which the decoder would show half grey (see
/// [`super::jpeg_markers`]). Nearly every JPEG ends with its end-of-image marker, so
/// reading the last two bytes settles it; only files that end otherwise (truncated, or
/// with data appended after the image, as some phones do) are read whole and walked.
fn check_jpeg_tail(
    path: &Path,
    file: &mut SniffedFile,
    header: &JpegHeader,
) -> Result<Option<ImageWarning>, MediaError> {
    let io_err = |e: std::io::Error| MediaError::from_io(path, Some("JPEG"), &e);
    let mut tail = [0u8; 2];
    file.reader.seek(SeekFrom::End(-2)).map_err(io_err)?;
    file.reader.read_exact(&mut tail).map_err(io_err)?;
    if tail == [0xFF, 0xD9] {
        return Ok(None);
    }
    file.reader.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let mut bytes = Vec::with_capacity(usize::try_from(file.len).unwrap_or(0));
    file.reader.read_to_end(&mut bytes).map_err(io_err)?;
    check_jpeg_end(path, &bytes, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientations_five_to_eight_swap_the_size() {
        for exif in 1..=8u8 {
            let Some(o) = Orientation::from_exif(exif) else {
                panic!("{exif} is a valid EXIF orientation");
            };
            let info = ImageInfo::from_stored(40, 30, o);
            assert_eq!(info.orientation, exif);
            let expected = if exif >= 5 { (30, 40) } else { (40, 30) };
            assert_eq!((info.width, info.height), expected, "orientation {exif}");
        }
    }

    #[test]
    fn missing_or_garbage_exif_means_as_stored() {
        assert_eq!(exif_orientation(None), Orientation::NoTransforms);
        assert_eq!(
            exif_orientation(Some(b"garbage")),
            Orientation::NoTransforms
        );
    }
}
