//! Thumbnails against a reference: the full image decoded by the general path
//! (`decode_for_display`), resampled to the thumbnail's size. Orientation, colour
//! model and bit depth must agree; the reduced decode may differ by a few levels.

use crate::media_fixtures::{jpeg_bytes, photo, png_bytes, with_exif_orientation, write};
use eframe::egui::ColorImage;
use image::imageops::FilterType;
use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};
use shugu::media::{decode_for_display, make_thumbnail};
use std::path::Path;

/// An image whose quadrants differ in colour, so a wrong rotation or flip shows.
fn quadrants(width: u32, height: u32) -> RgbImage {
    let noise = photo(width, height);
    RgbImage::from_fn(width, height, |x, y| {
        let base = match (x < width / 2, y < height / 3) {
            (true, true) => [220, 40, 40],
            (false, true) => [40, 200, 60],
            (true, false) => [30, 60, 210],
            (false, false) => [230, 220, 50],
        };
        let n = noise.get_pixel(x, y).0[0] % 16;
        Rgb(base.map(|c: u8| c.saturating_add(n)))
    })
}

fn rgba_of(image: &ColorImage) -> RgbaImage {
    let [w, h] = image.size;
    let bytes = image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect();
    RgbaImage::from_raw(w as u32, h as u32, bytes).expect("a whole image")
}

/// Mean absolute difference per channel between the thumbnail of `path` and the
/// reference, after checking both have the same size.
fn difference_from_reference(path: &Path, max_side: u32) -> f64 {
    let thumb = make_thumbnail(path, max_side).expect("thumbnail");
    let reference = decode_for_display(path, 65_535).expect("reference decode");
    assert_eq!(
        (thumb.full_width, thumb.full_height),
        (reference.full_width, reference.full_height),
        "full size as displayed"
    );
    let got = thumb.image.to_rgba8();
    let want = DynamicImage::ImageRgba8(rgba_of(&reference.image)).resize_exact(
        got.width(),
        got.height(),
        FilterType::Triangle,
    );
    let want = want.to_rgba8();
    let total: u64 = got
        .as_raw()
        .iter()
        .zip(want.as_raw())
        .map(|(&a, &b)| u64::from(a.abs_diff(b)))
        .sum();
    total as f64 / got.as_raw().len() as f64
}

#[test]
fn exif_rotated_jpegs_are_upright() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = jpeg_bytes(&quadrants(640, 480), 92);
    for orientation in [1u16, 3, 6, 8, 2, 5] {
        let path = write(
            dir.path(),
            &format!("o{orientation}.jpg"),
            &with_exif_orientation(&plain, orientation),
        );
        let thumb = make_thumbnail(&path, 128).expect("thumbnail");
        let rotated = matches!(orientation, 5..=8);
        let want = if rotated { (96, 128) } else { (128, 96) };
        assert_eq!((thumb.image.width(), thumb.image.height()), want);
        let diff = difference_from_reference(&path, 128);
        assert!(
            diff < 4.0,
            "orientation {orientation}: mean difference {diff}"
        );
    }
}

#[test]
fn cmyk_and_ycck_jpegs_keep_their_colours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rgb = quadrants(320, 240);
    // C, M, Y, K of each pixel (no black generation): white paper minus the colour.
    let cmyk: Vec<u8> = rgb
        .pixels()
        .flat_map(|p| [255 - p.0[0], 255 - p.0[1], 255 - p.0[2], 0])
        .collect();
    for (name, colour) in [
        ("cmyk.jpg", jpeg_encoder::ColorType::Cmyk),
        ("ycck.jpg", jpeg_encoder::ColorType::CmykAsYcck),
    ] {
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 95)
            .encode(&cmyk, 320, 240, colour)
            .expect("encoding CMYK");
        let path = write(dir.path(), name, &bytes);
        let diff = difference_from_reference(&path, 80);
        assert!(diff < 4.0, "{name}: mean difference {diff}");
        // And the colours are the picture's, not their inverse.
        let thumb = make_thumbnail(&path, 80)
            .expect("thumbnail")
            .image
            .to_rgb8();
        let top_left = thumb.get_pixel(5, 5).0;
        assert!(
            top_left[0] > 180 && top_left[1] < 100,
            "{name}: {top_left:?}"
        );
    }
}

#[test]
fn sixteen_bit_png_is_scaled_to_eight_bits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rgb = quadrants(300, 200);
    let deep = image::ImageBuffer::<Rgb<u16>, Vec<u16>>::from_fn(300, 200, |x, y| {
        Rgb(rgb.get_pixel(x, y).0.map(|c| u16::from(c) * 257))
    });
    let path = write(
        dir.path(),
        "deep.png",
        &png_bytes(&DynamicImage::ImageRgb16(deep)),
    );
    let diff = difference_from_reference(&path, 100);
    assert!(diff < 2.0, "mean difference {diff}");
    let thumb = make_thumbnail(&path, 100).expect("thumbnail");
    assert!(matches!(thumb.image, DynamicImage::ImageRgb8(_)));
}

#[test]
fn palette_png_keeps_its_transparency() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 64×64, left half index 0 (transparent), right half index 1 (opaque red).
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 64, 64);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(vec![0, 0, 0, 255, 0, 0]);
        encoder.set_trns(vec![0, 255]);
        let mut writer = encoder.write_header().expect("png header");
        let data: Vec<u8> = (0..64 * 64).map(|i| u8::from(i % 64 >= 32)).collect();
        writer.write_image_data(&data).expect("png data");
    }
    let path = write(dir.path(), "palette.png", &bytes);
    let thumb = make_thumbnail(&path, 32).expect("thumbnail");
    let rgba = thumb.image.to_rgba8();
    assert_eq!(rgba.dimensions(), (32, 32));
    assert_eq!(rgba.get_pixel(2, 10).0[3], 0, "left half transparent");
    assert_eq!(*rgba.get_pixel(29, 10), Rgba([255, 0, 0, 255]));
    // The cache keeps the alpha (PNG, not JPEG).
    let cached = shugu::media::encode_thumbnail(&thumb.image).expect("encode");
    let back = shugu::media::decode_thumbnail(&cached)
        .expect("decode")
        .to_rgba8();
    assert_eq!(back.get_pixel(2, 10).0[3], 0);
}

#[test]
fn huge_jpeg_thumbnail_matches_a_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 12000×9000 is 108 megapixels: the reduced decode gives 1500×1125.
    let path = write(
        dir.path(),
        "huge.jpg",
        &crate::media_fixtures::huge_grey_jpeg(),
    );
    let thumb = make_thumbnail(&path, 256).expect("thumbnail");
    assert_eq!((thumb.full_width, thumb.full_height), (12_000, 9_000));
    assert_eq!((thumb.image.width(), thumb.image.height()), (256, 192));
    let rgb = thumb.image.to_rgb8();
    // Pixel (x, y) of the thumbnail stands for (x, y) × 46.875 of the original.
    for (x, y) in [(10u32, 10u32), (128, 96), (250, 180)] {
        let (ox, oy) = (x as f64 * 46.875 + 23.0, y as f64 * 46.875 + 23.0);
        let want = (ox / 94.0).floor() + (oy / 72.0).floor();
        let got = rgb.get_pixel(x, y).0;
        assert!(
            got.iter().all(|&c| (f64::from(c) - want).abs() < 3.0),
            "({x},{y}) {got:?} vs {want}"
        );
    }
}

#[test]
fn shugu_thumbnails_fills_the_cache_once_and_redoes_a_changed_file() {
    use crate::common::cli::{shugu, succeeds};
    let f = crate::common::image_project(
        &[("a.jpg", 400, 300), ("b.png", 300, 400), ("c.jpg", 64, 48)],
        &["car"],
        &[],
        false,
    );
    let first = succeeds(&shugu([
        std::ffi::OsStr::new("thumbnails"),
        f.project.as_os_str(),
    ]));
    assert!(
        first.contains("3 made, 0 already cached, 0 unreadable"),
        "{first}"
    );
    let second = succeeds(&shugu([
        std::ffi::OsStr::new("thumbnails"),
        f.project.as_os_str(),
    ]));
    assert!(second.contains("0 made, 3 already cached"), "{second}");
    // A file replaced by a different image is made again.
    crate::common::write_image(&f.images.join("a.jpg"), 500, 300);
    let third = succeeds(&shugu([
        std::ffi::OsStr::new("thumbnails"),
        f.project.as_os_str(),
    ]));
    assert!(third.contains("1 made, 2 already cached"), "{third}");
    let entries = walkdir::WalkDir::new(f.project.join("cache/thumbnails"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(entries, 4, "three current entries and one stale");
}
