//! `probe` and `decode_for_display` on good files and on every kind of bad file a real
//! dataset contains: empty, mislabelled, truncated, decompression bombs, rotated by EXIF,
//! Unicode and upper-case names.

mod media_fixtures;

use image::{DynamicImage, ImageDecoder, Rgb, RgbImage, Rgba, RgbaImage};
use media_fixtures::*;
use shugu::media::{MediaError, decode_for_display, probe};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// Records the largest single allocation made by the current thread, so a test can prove
/// a bomb was refused *before* its pixel buffer was allocated. Thread-local because tests
/// run in parallel.
struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

/// Runs `f` and returns its result with the largest allocation it made on this thread.
fn largest_allocation_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temp dir")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn valid_jpeg_probes_and_decodes() {
    let dir = tempdir();
    let path = write(dir.path(), "photo.jpg", &jpeg_bytes(&photo(64, 48), 90));
    let info = probe(&path).expect("probe");
    assert_eq!((info.width, info.height, info.orientation), (64, 48, 1));
    let decoded = decode_for_display(&path, 4096).expect("decode");
    assert_eq!((decoded.full_width, decoded.full_height), (64, 48));
    assert_eq!(decoded.image.size, [64, 48]);
    assert!(
        decoded.image.pixels.iter().all(|p| p.a() == 255),
        "JPEG is opaque"
    );
    // The probe agrees with the image crate's own reading of the header.
    assert_eq!(image::image_dimensions(&path).ok(), Some((64, 48)));
}

#[test]
fn valid_png_with_alpha_decodes_with_its_pixels() {
    let dir = tempdir();
    let mut img = RgbaImage::from_pixel(10, 6, Rgba([0, 0, 255, 255]));
    img.put_pixel(9, 5, Rgba([255, 0, 0, 0]));
    let path = write(
        dir.path(),
        "logo.png",
        &png_bytes(&DynamicImage::ImageRgba8(img)),
    );
    assert_eq!(probe(&path).map(|i| (i.width, i.height)), Ok((10, 6)));
    let decoded = decode_for_display(&path, 4096).expect("decode");
    assert_eq!(decoded.image.size, [10, 6]);
    assert_eq!(decoded.image.pixels[0].to_array(), [0, 0, 255, 255]);
    assert_eq!(
        decoded.image.pixels[59].to_array(),
        [0, 0, 0, 0],
        "transparent"
    );
}

#[test]
fn gif_gives_its_first_frame() {
    use image::codecs::gif::GifEncoder;
    use image::{Delay, Frame};
    let dir = tempdir();
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        for colour in [[255, 0, 0, 255], [0, 255, 0, 255]] {
            let frame = Frame::from_parts(
                RgbaImage::from_pixel(8, 8, Rgba(colour)),
                0,
                0,
                Delay::from_numer_denom_ms(100, 1),
            );
            encoder.encode_frame(frame).expect("encoding a GIF frame");
        }
    }
    let path = write(dir.path(), "anim.gif", &bytes);
    let decoded = decode_for_display(&path, 4096).expect("decode");
    assert_eq!(decoded.image.size, [8, 8]);
    let [r, g, _, _] = decoded.image.pixels[0].to_array();
    assert!(r > 200 && g < 50, "first (red) frame, got {r},{g}");
}

/// Documents why `jpeg_markers::check_complete` exists: with image 0.25 / zune-jpeg the
/// decoder itself accepts a JPEG cut in half and fills the rest with grey. If this test
/// starts failing, the decoder learned to report truncation and the check may go.
#[test]
fn truncated_jpeg_decodes_silently_in_image_crate() {
    let half = truncated_jpeg();
    let decoded = image::load_from_memory(&half).expect("image crate accepts half a JPEG");
    let bottom = decoded.to_rgb8().get_pixel(200, 250).0;
    assert_eq!(bottom, [128, 128, 128], "missing rows come back flat grey");
}

#[test]
fn truncated_jpeg_is_an_error_in_probe_and_decode() {
    let dir = tempdir();
    let path = write(dir.path(), "half.jpg", &truncated_jpeg());
    let expected = format!(
        "{}: truncated JPEG (the image data ends early)",
        path.display()
    );
    let probed = probe(&path).expect_err("probe must see the truncation");
    assert_eq!(probed.to_string(), expected);
    let decoded = decode_for_display(&path, 4096).expect_err("no grey half-image");
    assert!(matches!(decoded, MediaError::Truncated { .. }));
    assert_eq!(decoded.to_string(), expected);
}

#[test]
fn jpeg_with_bytes_after_the_end_marker_is_fine() {
    let dir = tempdir();
    let mut bytes = jpeg_bytes(&photo(32, 32), 90);
    bytes.extend(b"\0\0\0\0trailer written by some phone");
    let path = write(dir.path(), "trailer.jpg", &bytes);
    assert_eq!(probe(&path).map(|i| i.width), Ok(32));
    assert!(decode_for_display(&path, 4096).is_ok());
}

#[test]
fn zero_byte_file_is_reported_as_empty() {
    let dir = tempdir();
    let path = write(dir.path(), "empty.jpg", b"");
    let expected = format!("{}: file is empty (0 bytes)", path.display());
    assert_eq!(
        probe(&path).map_err(|e| e.to_string()),
        Err(expected.clone())
    );
    assert_eq!(
        decode_for_display(&path, 4096)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(expected)
    );
}

#[test]
fn text_file_named_png_is_not_an_image() {
    let dir = tempdir();
    let path = write(
        dir.path(),
        "notes.png",
        b"these are my notes, not a picture\n",
    );
    let err = probe(&path).expect_err("text is not an image");
    assert_eq!(
        err.to_string(),
        format!("{}: not an image (unrecognised format)", path.display())
    );
    assert!(matches!(
        decode_for_display(&path, 4096),
        Err(MediaError::NotAnImage { .. })
    ));
}

#[test]
fn missing_file_is_a_read_error_naming_it() {
    let dir = tempdir();
    let path = dir.path().join("gone.jpg");
    let err = probe(&path).expect_err("missing");
    assert!(matches!(err, MediaError::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read: ", path.display()))
    );
}

#[test]
fn png_bomb_is_refused_fast_without_allocating_its_pixels() {
    let dir = tempdir();
    let bomb = png_bomb(50_000, 50_000);
    assert!(bomb.len() < 200, "the fixture itself is tiny");
    let path = write(dir.path(), "bomb.png", &bomb);
    let expected = format!(
        "{}: image is 50000×50000 pixels, more than the 268 megapixel limit \
         (possible decompression bomb)",
        path.display()
    );

    let start = Instant::now();
    let (probed, probe_peak) = largest_allocation_of(|| probe(&path));
    let (decoded, decode_peak) = largest_allocation_of(|| decode_for_display(&path, 16_384));
    let elapsed = start.elapsed();

    assert_eq!(probed.map_err(|e| e.to_string()), Err(expected.clone()));
    assert_eq!(
        decoded.map(|_| ()).map_err(|e| e.to_string()),
        Err(expected)
    );
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    // 50000×50000 RGB would be 7.5 GB; nothing near even 16 MiB may be asked for.
    assert!(
        probe_peak < 16 << 20,
        "probe allocated {probe_peak} bytes at once"
    );
    assert!(
        decode_peak < 16 << 20,
        "decode allocated {decode_peak} bytes at once"
    );
    // The instrument itself works: a 32 MiB buffer is seen.
    let (_, peak) = largest_allocation_of(|| black_box(vec![1u8; 32 << 20]).len());
    assert!(peak >= 32 << 20, "allocation tracking saw {peak}");
}

#[test]
fn overlong_side_is_refused() {
    let dir = tempdir();
    let path = write(dir.path(), "strip.png", &png_bomb(70_000, 2));
    let err = probe(&path).expect_err("too wide");
    assert!(matches!(
        err,
        MediaError::TooLarge {
            width: 70_000,
            height: 2,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("longer than the 65535 pixel limit"),
        "{err}"
    );
}

/// A 40×30 image whose left half is red and right half blue, stored with EXIF
/// orientation 6 ("rotate 90° clockwise to display").
fn rotated_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(40, 30, |x, _| {
        if x < 20 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    });
    with_exif_orientation(&jpeg_bytes(&img, 95), 6)
}

#[test]
fn exif_orientation_six_swaps_probe_size_and_rotates_pixels() {
    let dir = tempdir();
    let path = write(dir.path(), "rotated.jpg", &rotated_jpeg());

    // Our fixture really carries orientation 6, as the image crate reads it.
    let mut decoder = image::ImageReader::open(&path)
        .and_then(|r| r.with_guessed_format())
        .expect("open")
        .into_decoder()
        .expect("decoder");
    assert_eq!(decoder.orientation().ok().map(|o| o.to_exif()), Some(6));

    let info = probe(&path).expect("probe");
    assert_eq!((info.width, info.height, info.orientation), (30, 40, 6));

    let decoded = decode_for_display(&path, 4096).expect("decode");
    assert_eq!((decoded.full_width, decoded.full_height), (30, 40));
    assert_eq!(decoded.image.size, [30, 40]);
    // Rotated clockwise, the left (red) half of the stored image is now the top half.
    let at = |x: usize, y: usize| decoded.image.pixels[y * 30 + x].to_array();
    let [r, _, b, _] = at(15, 5);
    assert!(r > 200 && b < 60, "top is red, got {:?}", at(15, 5));
    let [r, _, b, _] = at(15, 35);
    assert!(r < 60 && b > 200, "bottom is blue, got {:?}", at(15, 35));
}

#[test]
fn large_image_is_downscaled_to_max_side_keeping_full_size() {
    let dir = tempdir();
    let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(3000, 1000, Rgb([9, 99, 199])));
    let path = write(dir.path(), "wide.png", &png_bytes(&img));
    let decoded = decode_for_display(&path, 1000).expect("decode");
    assert_eq!((decoded.full_width, decoded.full_height), (3000, 1000));
    let [w, h] = decoded.image.size;
    assert_eq!(w, 1000);
    assert!((333..=334).contains(&h), "aspect ratio kept, got {h}");
    assert_eq!(decoded.image.pixels[0].to_array(), [9, 99, 199, 255]);
}

#[test]
fn rotated_and_downscaled_image_respects_max_side_on_both_axes() {
    let dir = tempdir();
    let path = write(dir.path(), "rotated.jpg", &rotated_jpeg());
    let decoded = decode_for_display(&path, 20).expect("decode");
    assert_eq!((decoded.full_width, decoded.full_height), (30, 40));
    assert_eq!(decoded.image.size, [15, 20]);
}

#[test]
fn unicode_and_upper_case_names_work() {
    let dir = tempdir();
    let jpeg = jpeg_bytes(&photo(20, 10), 90);
    for rel in ["测试/猫 ñ.jpg", "UPPER.JPG", "Mixed.JpEg"] {
        let path = write(dir.path(), rel, &jpeg);
        assert_eq!(
            probe(&path).map(|i| (i.width, i.height)),
            Ok((20, 10)),
            "{rel}"
        );
        let decoded = decode_for_display(&path, 4096).expect(rel);
        assert_eq!(decoded.image.size, [20, 10]);
    }
    let err = probe(&write(dir.path(), "测试/坏.jpg", b"")).expect_err("empty");
    assert!(
        err.to_string().contains("测试/坏.jpg: file is empty"),
        "{err}"
    );
    assert_eq!(file_name(Path::new("测试/坏.jpg")), "坏.jpg");
}

#[test]
fn content_decides_the_format_not_the_extension() {
    let dir = tempdir();
    let png = png_bytes(&DynamicImage::ImageRgb8(RgbImage::new(5, 7)));
    let path = write(dir.path(), "really_a_png.jpg", &png);
    assert_eq!(probe(&path).map(|i| (i.width, i.height)), Ok((5, 7)));
    assert!(decode_for_display(&path, 4096).is_ok());
}

#[test]
fn corrupt_png_data_is_an_error_naming_the_format() {
    let dir = tempdir();
    // Header of a real 64×64 PNG, then its image data cut short.
    let png = png_bytes(&DynamicImage::ImageRgb8(photo(64, 64)));
    let path = write(dir.path(), "cut.png", &png[..png.len() / 2]);
    assert_eq!(
        probe(&path).map(|i| i.width),
        Ok(64),
        "the header is intact"
    );
    let err = decode_for_display(&path, 4096).expect_err("data is missing");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}: truncated", path.display())),
        "{message}"
    );
    assert!(message.contains("PNG"), "{message}");
}

#[test]
fn huge_jpeg_thumbnail_never_exists_at_full_size() {
    let dir = tempdir();
    let path = write(dir.path(), "huge.jpg", &huge_grey_jpeg());
    let file_len = std::fs::metadata(&path).expect("metadata").len() as usize;
    let (thumb, largest) =
        largest_allocation_of(|| shugu::media::make_thumbnail(&path, 256).expect("thumbnail"));
    assert_eq!((thumb.image.width(), thumb.image.height()), (256, 192));
    // Decoded whole it would be 108 MB of grey (324 MB as RGB); at 1/8 it is 5 MB
    // of RGB, and the file itself is read into memory.
    let limit = file_len.max(1500 * 1125 * 3) * 2;
    assert!(
        largest < limit,
        "largest allocation {largest} bytes (limit {limit})"
    );
}
