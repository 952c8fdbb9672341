//! Size limits that protect against decompression bombs.
//!
//! A 100-byte PNG can claim to be 50000×50000 pixels and make a naive decoder allocate
//! 10 GB. Every file is therefore checked against these limits from its header, before any
//! pixel buffer exists, and the decoder itself is given [`image::Limits`] as a second line
//! of defence for the allocations it makes internally.

use super::MediaError;
use std::path::Path;

/// Longest side accepted, in pixels. JPEG cannot express more; PNG and TIFF can, but such
/// files are bombs or scientific mosaics that need a tiled viewer, not this one.
pub const MAX_SIDE: u32 = 65_535;

/// Most pixels accepted in one image: 16384² ≈ 268 megapixels, 1 GiB as RGBA8.
pub const MAX_PIXELS: u64 = 268_435_456;

/// Most bytes the decoder may allocate for one image (its output buffer and its own
/// working memory). Equal to [`MAX_PIXELS`] at 4 bytes per pixel, so 8-bit images up to
/// the pixel limit decode; 16-bit images get half as many pixels.
pub const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4;

/// Allocation cap while only the header is read. Headers hold metadata (EXIF, ICC, PNG
/// text chunks that the decoder inflates); 64 MiB is far above any honest header and
/// keeps a parallel scan of hostile files cheap.
const MAX_HEADER_BYTES: u64 = 64 << 20;

/// Rejects a size read from a header if it is empty or over the limits.
pub(crate) fn check_dimensions(path: &Path, width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt {
            path: MediaError::path_string(path),
            format: "image",
            detail: format!("header says the image is {width}×{height} pixels"),
        });
    }
    let too_long = width > MAX_SIDE || height > MAX_SIDE;
    if too_long || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooLarge {
            path: MediaError::path_string(path),
            width,
            height,
        });
    }
    Ok(())
}

/// Limits for constructing a decoder, which reads the header. There is deliberately no
/// width/height limit here: [`check_dimensions`] runs right after and gives a clearer
/// message than the decoder's generic "dimensions exceed limits".
pub(crate) fn header_limits() -> image::Limits {
    let mut limits = image::Limits::no_limits();
    limits.max_alloc = Some(MAX_HEADER_BYTES);
    limits
}

/// Limits for decoding pixels, set once the header has passed [`check_dimensions`].
pub(crate) fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::no_limits();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_boundary_sizes() {
        let p = Path::new("a.png");
        assert!(check_dimensions(p, 1920, 1080).is_ok());
        assert!(check_dimensions(p, 16_384, 16_384).is_ok());
        assert!(check_dimensions(p, MAX_SIDE, 1).is_ok());
    }

    #[test]
    fn refuses_bombs_zero_and_overlong_sides() {
        let p = Path::new("a.png");
        assert!(matches!(
            check_dimensions(p, 50_000, 50_000),
            Err(MediaError::TooLarge { width: 50_000, .. })
        ));
        assert!(matches!(
            check_dimensions(p, 16_385, 16_384),
            Err(MediaError::TooLarge { .. })
        ));
        assert!(matches!(
            check_dimensions(p, MAX_SIDE + 1, 1),
            Err(MediaError::TooLarge { .. })
        ));
        assert!(matches!(
            check_dimensions(p, 0, 10),
            Err(MediaError::Corrupt { .. })
        ));
    }
}
