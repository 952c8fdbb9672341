//! Thumbnails: an image reduced to fit a square box, upright (EXIF orientation
//! applied), as 8-bit RGB or RGBA, and its bytes for the disk cache.
//!
//! A JPEG is decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain
//! ([`super::scaled_jpeg`]: the largest reduction still at least the thumbnail's size,
//! as Pillow's `draft` picks), so a 12000×9000 photo never exists at full size. Other
//! formats, and JPEGs the fast path does not take (progressive, 12-bit, …), go through
//! the general decoder with its limits. The last step is a Lanczos-3 resample
//! (`fast_image_resize`, SIMD), never a nearest-pixel pick.

use super::MediaError;
use super::crash_guard::guard;
use super::decode::{DECODE_BUFFER, decode_pixels};
use super::jpeg_markers;
use super::jpeg_scan::check_jpeg_end;
use super::limits::check_dimensions;
use super::probe::{exif_orientation, oriented_size};
use super::scaled_jpeg::{ScaledError, decode_scaled, scale_denominator};
use super::sniff::open_image;
use fast_image_resize::images::Image as ResizeImage;
use fast_image_resize::{PixelType, ResizeOptions, Resizer};
use image::{DynamicImage, ImageFormat, ImageReader, RgbImage, RgbaImage};
use std::io::{Cursor, Read};
use std::path::Path;

/// A thumbnail and the size of the image it stands for.
#[derive(Clone, Debug)]
pub struct Thumbnail {
    /// The full image's size as displayed (EXIF orientation applied).
    pub full_width: u32,
    pub full_height: u32,
    /// Upright pixels, `Rgb8` when the image is opaque, else `Rgba8`.
    pub image: DynamicImage,
}

/// JPEG quality of cached opaque thumbnails.
const CACHE_JPEG_QUALITY: u8 = 85;

/// Makes the thumbnail of the image at `path` fitting in `max_side`×`max_side` (an
/// image already smaller keeps its size).
pub fn make_thumbnail(path: &Path, max_side: u32) -> Result<Thumbnail, MediaError> {
    guard(path, || make_unguarded(path, max_side.max(1)))
}

fn make_unguarded(path: &Path, max_side: u32) -> Result<Thumbnail, MediaError> {
    let mut file = open_image(path, DECODE_BUFFER)?;
    let format_name = file.format_name();
    let (stored, orientation) = if file.format == ImageFormat::Jpeg {
        let mut bytes = Vec::with_capacity(usize::try_from(file.len).unwrap_or(0));
        file.reader
            .read_to_end(&mut bytes)
            .map_err(|e| MediaError::from_io(path, Some(format_name), &e))?;
        let header = jpeg_markers::read_header(path, &mut &bytes[..])?;
        check_dimensions(path, header.width, header.height)?;
        check_jpeg_end(path, &bytes, &header)?;
        let orientation = exif_orientation(header.exif.as_deref());
        let (width, height) = (header.width, header.height);
        let (fit_w, fit_h) = fit_within(width, height, max_side);
        let denominator = scale_denominator(width, height, fit_w, fit_h);
        let scaled = if denominator > 1 && !header.progressive {
            match decode_scaled(&bytes, denominator) {
                Ok(s) => RgbImage::from_raw(s.width, s.height, s.rgb).map(DynamicImage::from),
                // What the fast path does not take, or finds damaged, the general
                // decoder gets: it opens what the single view opens, or says why not.
                Err(ScaledError::Unsupported(_) | ScaledError::Corrupt(_)) => None,
            }
        } else {
            None
        };
        let stored = match scaled {
            Some(image) => image,
            None => {
                let reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg);
                decode_pixels(path, format_name, reader, Some(orientation))?.0
            }
        };
        // The reduced image stands for the header's full size.
        let (full_width, full_height) = oriented_size(width, height, orientation);
        (stored, (orientation, full_width, full_height))
    } else {
        let reader = ImageReader::with_format(file.reader, file.format);
        let (image, orientation) = decode_pixels(path, format_name, reader, None)?;
        let (full_width, full_height) = oriented_size(image.width(), image.height(), orientation);
        (image, (orientation, full_width, full_height))
    };
    let (orientation, full_width, full_height) = orientation;
    let mut image =
        resize_to_fit(eight_bit(stored), max_side).map_err(|detail| MediaError::Corrupt {
            path: MediaError::path_string(path),
            format: format_name,
            detail,
        })?;
    image.apply_orientation(orientation);
    Ok(Thumbnail {
        full_width,
        full_height,
        image,
    })
}

/// The size of `width`×`height` scaled to fit in a `max_side` square (never larger).
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        let v = (u64::from(side) * u64::from(max_side) + u64::from(long) / 2) / u64::from(long);
        (v as u32).max(1)
    };
    (scale(width), scale(height))
}

/// 8-bit RGB when the image has no alpha, 8-bit RGBA when it has (16-bit and float
/// samples scaled down, grey expanded, palettes already expanded by the decoder).
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// Resamples an 8-bit RGB or RGBA image with Lanczos-3 to fit in `max_side`.
fn resize_to_fit(image: DynamicImage, max_side: u32) -> Result<DynamicImage, String> {
    let (width, height) = (image.width(), image.height());
    let (to_w, to_h) = fit_within(width, height, max_side);
    if (to_w, to_h) == (width, height) {
        return Ok(image);
    }
    let alpha = image.color().has_alpha();
    let pixel_type = if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let src = ResizeImage::from_vec_u8(width, height, image.into_bytes(), pixel_type)
        .map_err(|e| format!("resampling: {e}"))?;
    let mut dst = ResizeImage::new(to_w, to_h, pixel_type);
    Resizer::new()
        .resize(&src, &mut dst, &ResizeOptions::new())
        .map_err(|e| format!("resampling: {e}"))?;
    let bytes = dst.into_vec();
    let image = if alpha {
        RgbaImage::from_raw(to_w, to_h, bytes).map(DynamicImage::from)
    } else {
        RgbImage::from_raw(to_w, to_h, bytes).map(DynamicImage::from)
    };
    image.ok_or_else(|| "resampling gave a buffer of the wrong size".to_owned())
}

/// The thumbnail as a file for the cache: a JPEG when opaque, a PNG (keeping the
/// transparency) otherwise.
pub fn encode_thumbnail(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (image.width(), image.height());
    match image {
        DynamicImage::ImageRgb8(rgb) => {
            let (w, h) = (
                u16::try_from(w).map_err(|_| "thumbnail too wide")?,
                u16::try_from(h).map_err(|_| "thumbnail too tall")?,
            );
            jpeg_encoder::Encoder::new(&mut out, CACHE_JPEG_QUALITY)
                .encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| format!("encoding the thumbnail: {e}"))?;
        }
        other => {
            other
                .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                .map_err(|e| format!("encoding the thumbnail: {e}"))?;
        }
    }
    Ok(out)
}

/// Reads a cached thumbnail's bytes back (JPEG or PNG, as [`encode_thumbnail`] wrote).
pub fn decode_thumbnail(bytes: &[u8]) -> Option<DynamicImage> {
    let image = image::load_from_memory(bytes).ok()?;
    Some(eight_bit(image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_long_side_and_keeps_the_aspect() {
        assert_eq!(fit_within(1920, 1080, 256), (256, 144));
        assert_eq!(fit_within(1080, 1920, 256), (144, 256));
        assert_eq!(fit_within(100, 50, 256), (100, 50));
        assert_eq!(fit_within(10_000, 1, 256), (256, 1));
    }
}
