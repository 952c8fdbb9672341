//! Whether a JPEG whose last scan runs to the end of the file
//! ([`JpegEnd::Unterminated`](super::jpeg_markers::JpegEnd)) lacks only its end-of-image
//! marker, or its image data ends early.
//!
//! Phones and cameras interrupted while writing leave the first kind; browsers, libjpeg
//! and Pillow show it whole, so it is opened, with a warning. A copy cut short leaves the
//! second, which the lenient decoder would show with grey rows, so it is refused. The
//! difference is only visible to a decoder: zune-jpeg (the one behind `image`) in strict
//! mode runs out of data (`ExhaustedData`, or "Premature end of buffer" between rows of
//! blocks) when blocks are missing; when every block is there it ends otherwise (done, or
//! complaining about the missing marker).

use super::MediaError;
use super::jpeg_markers::{JpegEnd, JpegHeader, check_complete};
use zune_jpeg::JpegDecoder;
use zune_jpeg::errors::DecodeErrors;
use zune_jpeg::zune_core::options::DecoderOptions;

/// Why a file opened, but not quite as it should: shown beside the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageWarning {
    /// A JPEG whose image data is whole but lacks its end-of-image marker.
    NoJpegEnd,
}

impl std::fmt::Display for ImageWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageWarning::NoJpegEnd => f.write_str(
                "the JPEG has no end-of-image marker (an interrupted write?); its image data is whole",
            ),
        }
    }
}

/// Checks how a whole JPEG file in memory, with `header` (its size checked against the
/// limits already), ends: `None` with its end-of-image marker, a warning when only that
/// marker is missing, an error when it is truncated.
pub(crate) fn check_jpeg_end(
    path: &std::path::Path,
    data: &[u8],
    header: &JpegHeader,
) -> Result<Option<ImageWarning>, MediaError> {
    match check_complete(path, data)? {
        JpegEnd::Complete => Ok(None),
        JpegEnd::Unterminated => {
            let (w, h) = (header.width, header.height);
            check_unterminated(path, data, w, h, header.progressive).map(Some)
        }
    }
}

/// `Ok` with the warning to show when `data`, an unterminated JPEG of `width`×`height`
/// stored pixels (checked against the limits already), holds every block of its image;
/// a [`MediaError::Truncated`] when its image data ends early, or cannot be checked.
fn check_unterminated(
    path: &std::path::Path,
    data: &[u8],
    width: u32,
    height: u32,
    progressive: bool,
) -> Result<ImageWarning, MediaError> {
    if progressive {
        // Each progressive scan refines the whole image, and running out of data at the
        // end of the last one looks the same to the decoder as running out inside it.
        return Err(truncated(
            path,
            "no end-of-image marker; the image data of a progressive JPEG cannot be checked",
        ));
    }
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(width as usize)
        .set_max_height(height as usize);
    let mut decoder = JpegDecoder::new_with_options(std::io::Cursor::new(data), options);
    match decoder.decode() {
        Ok(_) => Ok(ImageWarning::NoJpegEnd),
        Err(e) if ran_out_of_data(&e) => Err(truncated(path, "the image data ends early")),
        Err(e) => Err(truncated(
            path,
            &format!("no end-of-image marker, and the image data could not be checked: {e}"),
        )),
    }
}

/// The errors zune-jpeg's strict mode gives when blocks are missing: no bits left for a
/// block, or none at the start of a row of blocks.
fn ran_out_of_data(e: &DecodeErrors) -> bool {
    match e {
        DecodeErrors::ExhaustedData => true,
        DecodeErrors::Format(m) => m.contains("bits left"),
        DecodeErrors::FormatStatic(m) => m.contains("Premature end of buffer"),
        _ => false,
    }
}

fn truncated(path: &std::path::Path, detail: &str) -> MediaError {
    MediaError::Truncated {
        path: MediaError::path_string(path),
        format: "JPEG",
        detail: detail.into(),
    }
}
