//! Turning a decoded image into egui's [`ColorImage`] with as little work as possible.
//!
//! This runs on the hot path of showing an image. The common cases (8-bit RGB from JPEG,
//! 8-bit RGBA and grey from PNG) are converted in one pass straight into the final
//! `Vec<Color32>` with egui's own constructors; only rarer pixel types (16-bit, float,
//! grey+alpha) pay for an intermediate RGBA8 buffer.

use eframe::egui::ColorImage;
use image::DynamicImage;

/// Converts `image` into a [`ColorImage`] of the same size (alpha is premultiplied, as
/// egui expects).
pub(crate) fn to_color_image(image: DynamicImage) -> ColorImage {
    let size = [image.width() as usize, image.height() as usize];
    match image {
        DynamicImage::ImageRgb8(buf) => ColorImage::from_rgb(size, buf.as_raw()),
        DynamicImage::ImageRgba8(buf) => ColorImage::from_rgba_unmultiplied(size, buf.as_raw()),
        DynamicImage::ImageLuma8(buf) => ColorImage::from_gray(size, buf.as_raw()),
        other => ColorImage::from_rgba_unmultiplied(size, other.into_rgba8().as_raw()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::Color32;
    use image::{GrayImage, ImageBuffer, Rgb, RgbImage, Rgba, RgbaImage};

    #[test]
    fn rgb_becomes_opaque() {
        let img = RgbImage::from_pixel(3, 2, Rgb([10, 20, 30]));
        let c = to_color_image(DynamicImage::ImageRgb8(img));
        assert_eq!(c.size, [3, 2]);
        assert!(c.pixels.iter().all(|&p| p == Color32::from_rgb(10, 20, 30)));
    }

    #[test]
    fn rgba_is_premultiplied() {
        let img = RgbaImage::from_pixel(1, 1, Rgba([200, 100, 0, 128]));
        let c = to_color_image(DynamicImage::ImageRgba8(img));
        assert_eq!(
            c.pixels[0],
            Color32::from_rgba_unmultiplied(200, 100, 0, 128)
        );
        assert_eq!(c.pixels[0].a(), 128);
        assert!(c.pixels[0].r() < 200, "premultiplied red is darker");
    }

    #[test]
    fn grey_and_sixteen_bit_convert() {
        let grey = GrayImage::from_pixel(2, 2, image::Luma([77]));
        let c = to_color_image(DynamicImage::ImageLuma8(grey));
        assert_eq!(c.pixels[3], Color32::from_gray(77));

        let deep: ImageBuffer<Rgb<u16>, Vec<u16>> =
            ImageBuffer::from_pixel(2, 1, Rgb([65_535, 0, 32_896]));
        let c = to_color_image(DynamicImage::ImageRgb16(deep));
        assert_eq!(c.size, [2, 1]);
        assert_eq!(c.pixels[1], Color32::from_rgb(255, 0, 128));
    }
}
