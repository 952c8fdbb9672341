//! Decoding an image file for display: limits first, then pixels, then EXIF orientation
//! and a downscale to what the GPU can hold.
//!
//! Order of work, chosen for safety and speed:
//! 1. sniff the format from the content ([`super::sniff`]);
//! 2. for JPEG, read the file once into memory and check it is not truncated
//!    ([`super::jpeg_scan::check_jpeg_end`]; one missing only its end-of-image marker
//!    opens with a warning) — the decoder would otherwise return a
//!    half-grey image without complaint;
//! 3. build the decoder (header only), check the size against the bomb limits and the
//!    output buffer against [`MAX_DECODE_BYTES`], and only then decode, with
//!    [`image::Limits`] set on the decoder for its internal allocations;
//! 4. downscale *before* rotating, so the rotation copies the small image;
//! 5. convert to egui's [`ColorImage`] in one pass ([`super::color_image`]).
//!
//! Animated GIFs (and APNG/animated WebP) give their first frame.

use super::MediaError;
use super::color_image::to_color_image;
use super::crash_guard::guard;
use super::jpeg_markers;
use super::jpeg_scan::{ImageWarning, check_jpeg_end};
use super::limits::{MAX_DECODE_BYTES, check_dimensions, decode_limits, header_limits};
use super::probe::{exif_orientation, oriented_size};
use super::sniff::open_image;
use eframe::egui::ColorImage;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::{BufRead, Cursor, Read, Seek};
use std::path::Path;

/// An image ready to become a texture.
#[derive(Clone)]
pub struct DecodedImage {
    /// Width of the full-resolution image as displayed (EXIF orientation applied): the
    /// coordinate space of annotations, even when `image` is smaller.
    pub full_width: u32,
    /// Height of the full-resolution image as displayed.
    pub full_height: u32,
    /// The pixels, oriented, and downscaled so that neither side exceeds the `max_side`
    /// given to [`decode_for_display`].
    pub image: ColorImage,
    /// Opened, but not quite as it should (a JPEG without its end marker).
    pub warning: Option<ImageWarning>,
}

impl std::fmt::Debug for DecodedImage {
    // Deliberately omits the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedImage")
            .field("full_width", &self.full_width)
            .field("full_height", &self.full_height)
            .field("image_size", &self.image.size)
            .field("warning", &self.warning)
            .finish()
    }
}

/// Read buffer for decoding formats that stream from the file (PNG, TIFF, …).
pub(super) const DECODE_BUFFER: usize = 64 << 10;

/// Decodes the image at `path` for display: limits enforced before any pixel buffer is
/// allocated, EXIF orientation applied, first frame of animations, and downscaled (with
/// aspect ratio kept) if a side exceeds `max_side` — pass the GPU's maximum texture side.
///
/// Runs for tens of milliseconds on a photo: call it from a worker thread
/// (see [`super::ImageLoader`]), never from the UI thread.
pub fn decode_for_display(path: &Path, max_side: u32) -> Result<DecodedImage, MediaError> {
    guard(path, || decode_unguarded(path, max_side))
}

fn decode_unguarded(path: &Path, max_side: u32) -> Result<DecodedImage, MediaError> {
    let max_side = max_side.max(1);
    let mut file = open_image(path, DECODE_BUFFER)?;
    let format_name = file.format_name();
    let mut warning = None;
    let (image, orientation) = if file.format == ImageFormat::Jpeg {
        let mut bytes = Vec::with_capacity(usize::try_from(file.len).unwrap_or(0));
        file.reader
            .read_to_end(&mut bytes)
            .map_err(|e| MediaError::from_io(path, Some(format_name), &e))?;
        // Same header reader as `probe`, so probed and decoded orientation always agree.
        let header = jpeg_markers::read_header(path, &mut &bytes[..])?;
        check_dimensions(path, header.width, header.height)?;
        warning = check_jpeg_end(path, &bytes, &header)?;
        let orientation = exif_orientation(header.exif.as_deref());
        let reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg);
        decode_pixels(path, format_name, reader, Some(orientation))?
    } else {
        let reader = ImageReader::with_format(file.reader, file.format);
        decode_pixels(path, format_name, reader, None)?
    };

    let (full_width, full_height) = oriented_size(image.width(), image.height(), orientation);
    let mut image = if image.width().max(image.height()) > max_side {
        // `thumbnail` fits within the box keeping the aspect ratio, averaging source
        // pixels (no aliasing) with fast integer arithmetic for 8-bit images.
        image.thumbnail(max_side, max_side)
    } else {
        image
    };
    image.apply_orientation(orientation);
    Ok(DecodedImage {
        full_width,
        full_height,
        image: to_color_image(image),
        warning,
    })
}

/// Builds the decoder, enforces the limits, and decodes the first frame. Returns the
/// image as stored and the orientation to apply: `orientation` if the caller already
/// knows it, else the decoder's.
pub(super) fn decode_pixels<R: BufRead + Seek>(
    path: &Path,
    format_name: &'static str,
    mut reader: ImageReader<R>,
    orientation: Option<Orientation>,
) -> Result<(DynamicImage, Orientation), MediaError> {
    let image_err = |e| MediaError::from_image(path, format_name, e);
    // Header limits while constructing: for PNG they also cap the decoder's internal
    // buffers (rows, metadata chunks) for the whole decode, which is ample.
    reader.limits(header_limits());
    let mut decoder = reader.into_decoder().map_err(image_err)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(path, width, height)?;
    let needed = decoder.total_bytes();
    if needed > MAX_DECODE_BYTES {
        return Err(MediaError::MemoryLimit {
            path: MediaError::path_string(path),
            detail: format!(
                "{width}×{height} {:?} pixels need {} MiB",
                decoder.color_type(),
                needed >> 20
            ),
        });
    }
    let orientation = match orientation {
        Some(o) => o,
        None => decoder.orientation().unwrap_or(Orientation::NoTransforms),
    };
    decoder.set_limits(decode_limits()).map_err(image_err)?;
    let image = DynamicImage::from_decoder(decoder).map_err(image_err)?;
    Ok((image, orientation))
}
