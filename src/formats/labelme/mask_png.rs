//! labelme's `mask` shapes (labelme 5.5 and later): the patch of the image
//! between the shape's two points, as a base64 PNG, one grey byte per pixel
//! (0 unset, any other value set; labelme writes 1).

use crate::model::MaskPatch;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::{ExtendedColorType, ImageEncoder, ImageFormat, Limits};

/// The largest mask image read, in pixels.
const MAX_PIXELS: u64 = 1 << 27;

/// The patch a shape's `mask` holds, its top-left pixel at `(left, top)`.
pub fn decode_mask(data: &str, left: u32, top: u32) -> Result<MaskPatch, String> {
    let bytes = STANDARD
        .decode(data.trim())
        .map_err(|e| format!("its mask is not base64 ({e})"))?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| format!("its mask is not a PNG image that can be read ({e})"))?;
    let grey = image.into_luma8();
    let (width, height) = grey.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "its mask is {width}×{height} pixels, far larger than any image"
        ));
    }
    let rows = grey
        .into_raw()
        .into_iter()
        .map(|v| u8::from(v != 0))
        .collect();
    Ok(MaskPatch {
        left,
        top,
        width,
        height,
        rows,
    })
}

/// The base64 PNG of a patch, as labelme writes it (grey, 0 and 1).
pub fn encode_mask(patch: &MaskPatch) -> Result<String, String> {
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            &patch.rows,
            patch.width,
            patch.height,
            ExtendedColorType::L8,
        )
        .map_err(|e| format!("the mask cannot be written as PNG ({e})"))?;
    Ok(STANDARD.encode(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_goes_through_png_and_back() {
        let patch = MaskPatch {
            left: 3,
            top: 4,
            width: 3,
            height: 2,
            rows: vec![0, 1, 1, 1, 0, 0],
        };
        let data = encode_mask(&patch).unwrap();
        assert_eq!(decode_mask(&data, 3, 4).unwrap(), patch);
        assert!(decode_mask("###", 0, 0).unwrap_err().contains("base64"));
        assert!(decode_mask("aGVsbG8=", 0, 0).unwrap_err().contains("PNG"));
    }
}
